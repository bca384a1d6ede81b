#include "server/engine/reviews/review_schedule.h"

#include <algorithm>
#include <optional>
#include <string>

#include "google/protobuf/descriptor.h"
#include "hedui/store/v1/records.pb.h"
#include "server/engine/report/record_text.h"
#include "server/engine/rules/tekun.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Report;

constexpr int kLowestGrade = 1;
constexpr int kHighestGrade = 4;

// The report keeps a disability record only as its evidence line: matched
// against the engine's own wording of every category and grade, so the
// wording has one author (report/record_text.cc).
bool EvidenceDisablesWork(const std::string& record) {
  const google::protobuf::EnumDescriptor* categories =
      store::DisabilityCategory_descriptor();
  for (int i = 0; i < categories->value_count(); ++i) {
    const auto category =
        static_cast<store::DisabilityCategory>(categories->value(i)->number());
    if (category == store::DISABILITY_CATEGORY_UNSPECIFIED) continue;
    for (int grade = kLowestGrade; grade <= kHighestGrade; ++grade) {
      store::DisabilityRecord r;
      r.set_category(category);
      r.set_grade(grade);
      if (DescribeRecord(r) == record) return DisablesWork(r);
    }
  }
  return false;
}

bool ShowsDisablingDisability(const Report& report,
                              const std::string& person_id) {
  for (const hedui::v1::Finding& finding : report.findings()) {
    for (const hedui::v1::Evidence& e : finding.evidence()) {
      if (e.department() == hedui::v1::DISABILITY &&
          e.person_id() == person_id && EvidenceDisablesWork(e.record())) {
        return true;
      }
    }
  }
  return false;
}

// Absent from the report (an engine that did not list it) is no better than
// missing: nothing shows the member cannot work.
bool DisabilityFresh(const Report& report) {
  for (const hedui::v1::DepartmentData& d : report.departments()) {
    if (d.department() == hedui::v1::DISABILITY) {
      return d.state() == hedui::v1::DepartmentData::FRESH;
    }
  }
  return false;
}

bool DeclaredStudent(const Report& report, const std::string& person_id) {
  for (const hedui::v1::DeclaredMember& m : report.request().members()) {
    if (m.person_id() == person_id) return m.full_time_student();
  }
  return false;
}

}  // namespace

int JudgeReviewPeriodMonths(const EvaluationContext& ctx) {
  const bool disability_fresh = ctx.freshness.Usable(hedui::v1::DISABILITY);
  for (const MemberView* m : ctx.counted) {
    if (m->age < kWorkingAgeFrom || m->age >= kWorkingAgeUntil) continue;
    if (m->declared->full_time_student()) continue;
    if (!disability_fresh) return kShortReviewMonths;
    const auto& held = m->records->disability();
    if (std::none_of(
            held.begin(), held.end(),
            [](const store::DisabilityRecord& r) { return DisablesWork(r); })) {
      return kShortReviewMonths;
    }
  }
  return kLongReviewMonths;
}

int ReviewPeriodMonths(const Report& latest_report) {
  if (latest_report.review_period_months() > 0) {
    return latest_report.review_period_months();
  }
  const hedui::v1::Household& household = latest_report.household();
  const std::string& covered =
      latest_report.request().single_person_member_id();
  const bool single = household.single_person_coverage() && !covered.empty();
  const bool disability_fresh = DisabilityFresh(latest_report);
  for (const hedui::v1::CountedMember& m : household.members()) {
    if (!m.counted()) continue;
    if (single && m.person_id() != covered) continue;
    if (m.age() < kWorkingAgeFrom || m.age() >= kWorkingAgeUntil) continue;
    if (DeclaredStudent(latest_report, m.person_id())) continue;
    if (!disability_fresh) return kShortReviewMonths;
    if (!ShowsDisablingDisability(latest_report, m.person_id())) {
      return kShortReviewMonths;
    }
  }
  return kLongReviewMonths;
}

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last_of_month = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month) + (day.day() - 1), last_of_month);
}

absl::CivilDay GridDate(absl::CivilDay approval, int period_months, int k) {
  return AddMonthsClamped(approval, period_months * k);
}

absl::CivilDay NextReviewDate(absl::CivilDay approval, int period_months,
                              absl::CivilDay after) {
  if (period_months <= 0) period_months = kShortReviewMonths;
  // A first guess from the months between them, then the few steps the
  // clamp and the days of the month can leave.
  const absl::civil_diff_t months =
      absl::CivilMonth(after) - absl::CivilMonth(approval);
  int k = std::max<int>(1, static_cast<int>(months / period_months) - 1);
  while (k > 1 && GridDate(approval, period_months, k - 1) > after) --k;
  while (GridDate(approval, period_months, k) <= after) ++k;
  return GridDate(approval, period_months, k);
}

absl::CivilDay DeathRecheckDate(absl::CivilDay found_on) {
  return AddMonthsClamped(found_on, kDeathRecheckMonths);
}

}  // namespace hedui::engine
