#include "server/engine/rules/duplicate_enrollment.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/report/zh_names.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Finding;
using hedui::v1::Program;

// 低保, 特困 and margin: the programs one person may hold only one of
// (domain.md §10 一人一保), and the only ones the criterion is judged for.
bool IsExclusive(Program program) {
  return program == hedui::v1::DIBAO || program == hedui::v1::TEKUN ||
         program == hedui::v1::LOW_INCOME_MARGIN;
}

// The two exclusive programs other than `applied`, named: "特困供养、低保边缘".
std::string ExcludedNames(Program applied) {
  std::vector<std::string> names;
  for (Program p :
       {hedui::v1::DIBAO, hedui::v1::TEKUN, hedui::v1::LOW_INCOME_MARGIN}) {
    if (p != applied) names.push_back(ZhShortName(p));
  }
  return absl::StrJoin(names, "、");
}

// As the other rules name a member in an explanation: relation and masked ID.
std::string Who(const MemberView& m) {
  return absl::StrCat(RelationName(m.declared->relation()), "（",
                      MaskResidentId(m.declared->person_id()), "）");
}

// A roll entry as a caseworker finds it: county and entry id, never the
// other household's applicant.
std::string RollPlace(const ActiveEnrollment& e) {
  return absl::StrCat("核对系统名册（", e.region_code, " 条目 ", e.entry_id,
                      e.household_number.empty()
                          ? std::string()
                          : absl::StrCat("，户号 ", e.household_number),
                      "）");
}

// Where the enrolment is, and why it is a duplicate (§10.1).
std::string DescribeDuplicate(const ActiveEnrollment& e,
                              EnrollmentStanding standing, Program applied,
                              const std::string& applicant_household) {
  const std::string where =
      e.source == ActiveEnrollment::Source::kRoll ? RollPlace(e)
      : e.household_number.empty()
          ? std::string("（救助家庭户号空缺）")
          : absl::StrCat("户号 ", e.household_number, " ");
  std::string held =
      absl::StrCat(Who(*e.member), "在", where, "享受", ZhShortName(e.program));
  switch (standing) {
    case EnrollmentStanding::kOtherHousehold:
      return absl::StrCat(held, "，不是本户（户号 ", applicant_household, "）");
    case EnrollmentStanding::kNoHouseholdNumber:
      return absl::StrCat(held, "，申请人无户籍户号，无法认定是否本户");
    case EnrollmentStanding::kExcludingProgram:
      return absl::StrCat(held,
                          !applicant_household.empty() &&
                                  e.household_number == applicant_household
                              ? "（本户）"
                              : "",
                          "，与", ZhShortName(applied), "不能同时享受");
    default:
      return held;
  }
}

// The feed (present) and the rolls disagree (§10.1: the report says so):
// for each counted member the rolls know (an active entry of any program
// lists them), an exclusive program one source shows them enrolled in and
// the other does not. A member no roll lists says nothing: Hedui's rolls
// need not cover every county and program the feed does.
std::vector<std::string> Disagreements(
    const EvaluationContext& ctx,
    const std::vector<ActiveEnrollment>& enrollments) {
  std::vector<std::string> out;
  if (ctx.freshness.Data(hedui::v1::ASSISTANCE_ENROLLMENT).state() ==
      hedui::v1::DepartmentData::MISSING) {
    return out;
  }
  for (const MemberView* member : ctx.counted) {
    if (member->records->roll_enrollments().empty()) continue;
    std::set<int> feed;
    std::set<int> roll;
    for (const ActiveEnrollment& e : enrollments) {
      if (e.member != member) continue;
      (e.source == ActiveEnrollment::Source::kRoll ? roll : feed)
          .insert(e.program);
    }
    for (Program p :
         {hedui::v1::DIBAO, hedui::v1::TEKUN, hedui::v1::LOW_INCOME_MARGIN}) {
      const bool in_feed = feed.count(p) > 0;
      const bool in_roll = roll.count(p) > 0;
      if (in_feed == in_roll) continue;
      out.push_back(
          in_roll ? absl::StrCat(Who(*member), "在核对系统名册享受",
                                 ZhShortName(p), "，民政救助数据未见在保记录")
                  : absl::StrCat(Who(*member), "民政救助数据显示在保",
                                 ZhShortName(p), "，核对系统名册未见在册条目"));
    }
  }
  return out;
}

// Appends the disagreement, if any, to the finding's explanation.
void SayDisagreement(const std::vector<std::string>& disagreements,
                     Finding* finding) {
  if (disagreements.empty()) return;
  finding->set_explanation(absl::StrCat(finding->explanation(),
                                        "；民政救助数据与核对系统名册不一致：",
                                        absl::StrJoin(disagreements, "；")));
}

}  // namespace

EnrollmentStanding StandingOf(Program applied, const std::string& applicant_id,
                              const std::string& applicant_household,
                              const ActiveEnrollment& enrollment) {
  if (enrollment.source == ActiveEnrollment::Source::kRoll &&
      enrollment.program == applied && IsExclusive(applied) &&
      !applicant_id.empty() && enrollment.applicant_id == applicant_id) {
    return EnrollmentStanding::kOwn;
  }
  return StandingOf(applied, applicant_household, enrollment.program,
                    enrollment.household_number);
}

EnrollmentStanding StandingOf(Program applied,
                              const std::string& applicant_household,
                              Program enrolled,
                              const std::string& enrolled_household) {
  if (!IsExclusive(applied) || !IsExclusive(enrolled)) {
    return EnrollmentStanding::kNotRelevant;
  }
  if (enrolled != applied) return EnrollmentStanding::kExcludingProgram;
  if (applicant_household.empty()) {
    return EnrollmentStanding::kNoHouseholdNumber;
  }
  return enrolled_household == applicant_household
             ? EnrollmentStanding::kOwn
             : EnrollmentStanding::kOtherHousehold;
}

std::vector<ActiveEnrollment> FeedEnrollments(const EvaluationContext& ctx) {
  std::vector<ActiveEnrollment> out;
  // Counted members only: obligors are never members, and the deceased,
  // missing, in custody (and all but the covered member under single-person
  // coverage) are not counted (§10.1).
  for (const MemberView* member : ctx.counted) {
    for (const store::AssistanceEnrollmentRecord& r :
         member->records->assistance_enrollment()) {
      if (r.status() != store::ENROLLED || !IsExclusive(r.program())) continue;
      ActiveEnrollment e;
      e.member = member;
      e.program = r.program();
      e.household_number = r.household_id();
      e.evidence =
          MakeEvidence(ctx, hedui::v1::ASSISTANCE_ENROLLMENT,
                       member->declared->person_id(), DescribeRecord(r));
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::string DescribeRollEntry(const store::RollEnrollmentRecord& r) {
  return absl::StrCat(
      ProgramName(r.program()), " 在册（核对系统名册 ", r.region_code(),
      " 条目 ", r.entry_id(),
      r.household_number().empty()
          ? std::string()
          : absl::StrCat("，户号 ", r.household_number()),
      "）",
      r.approval_date().year() == 0
          ? std::string()
          : absl::StrCat("，批准 ",
                         FormatCivilDay(ToCivilDay(r.approval_date()))));
}

std::vector<ActiveEnrollment> RollEnrollments(const EvaluationContext& ctx) {
  std::vector<ActiveEnrollment> out;
  for (const MemberView* member : ctx.counted) {
    const std::string& id = member->declared->person_id();
    for (const store::RollEnrollmentRecord& r :
         member->records->roll_enrollments()) {
      if (r.person_id() != id || !IsExclusive(r.program())) continue;
      ActiveEnrollment e;
      e.source = ActiveEnrollment::Source::kRoll;
      e.member = member;
      e.program = r.program();
      e.household_number = r.household_number();
      e.applicant_id = r.applicant_id();
      e.region_code = r.region_code();
      e.entry_id = r.entry_id();
      // No department and no as-of: the roll is Hedui's own, never stale.
      e.evidence.set_person_id(id);
      e.evidence.set_record(DescribeRollEntry(r));
      out.push_back(std::move(e));
    }
  }
  return out;
}

void JudgeDuplicateEnrollment(const EvaluationContext& ctx,
                              const std::vector<ActiveEnrollment>& enrollments,
                              hedui::v1::Report* report) {
  const Program applied = ctx.request->program();
  if (!IsExclusive(applied)) return;
  // The household an enrolment belongs to is the 户号 it is enrolled under,
  // compared with the applicant's registered 户号.
  const std::string applicant_household =
      ctx.applicant_registration != nullptr
          ? ctx.applicant_registration->household_number()
          : std::string();

  const std::string applicant_id = ctx.request->members().empty()
                                       ? std::string()
                                       : ctx.request->members(0).person_id();

  Finding* finding = AddFinding(report, Finding::DUPLICATE_ENROLLMENT);
  std::vector<std::string> duplicates;
  bool own = false;
  for (const ActiveEnrollment& e : enrollments) {
    const EnrollmentStanding standing =
        StandingOf(applied, applicant_id, applicant_household, e);
    if (standing == EnrollmentStanding::kNotRelevant) continue;
    *finding->add_evidence() = e.evidence;
    if (standing == EnrollmentStanding::kOwn) {
      own = true;
    } else {
      duplicates.push_back(
          DescribeDuplicate(e, standing, applied, applicant_household));
    }
  }

  const std::vector<std::string> disagreements =
      Disagreements(ctx, enrollments);
  const bool feed_usable =
      ctx.freshness.Usable(hedui::v1::ASSISTANCE_ENROLLMENT);
  if (!duplicates.empty()) {
    // A duplicate shown by stale data is still one: a person decides.
    finding->set_result(Finding::REVIEW);
    finding->set_explanation(absl::StrCat(
        feed_usable ? ""
                    : absl::StrCat(DescribeDepartmentState(
                                       ctx, hedui::v1::ASSISTANCE_ENROLLMENT),
                                   "；"),
        absl::StrJoin(duplicates, "；"),
        "：一人一保，需人工核实是转移还是重复享受"));
    SayDisagreement(disagreements, finding);
    return;
  }
  if (MarkUnknownIfUnusable(finding, ctx, {hedui::v1::ASSISTANCE_ENROLLMENT},
                            "是否重复享受救助")) {
    SayDisagreement(disagreements, finding);
    return;
  }
  const bool single = report->household().single_person_coverage();
  const std::string who = single ? "单人保对象" : "计入的家庭成员";
  finding->set_explanation(absl::StrCat(
      own ? absl::StrCat(who, "在本户（户号 ", applicant_household, "）享受",
                         ZhShortName(applied), "；")
          : "",
      who, single ? "未" : "均未", "在其他家庭享受", ZhShortName(applied),
      "，也未享受", ExcludedNames(applied),
      "，无重复享受救助（救助在保数据截至 ",
      // A pass is only as good as the feed's date: say which day it holds.
      FormatCivilDay(ctx.freshness.AsOf(hedui::v1::ASSISTANCE_ENROLLMENT)),
      "）"));
  SayDisagreement(disagreements, finding);
}

void EvaluateDuplicateEnrollment(const EvaluationContext& ctx,
                                 hedui::v1::Report* report) {
  // Nobody counted (no living declared member): COMPOSITION fails and the
  // other criteria are absent (domain.md §10.1, "Special households").
  if (ctx.counted.empty()) return;
  std::vector<ActiveEnrollment> enrollments = FeedEnrollments(ctx);
  for (ActiveEnrollment& e : RollEnrollments(ctx)) {
    enrollments.push_back(std::move(e));
  }
  JudgeDuplicateEnrollment(ctx, enrollments, report);
}

}  // namespace hedui::engine
