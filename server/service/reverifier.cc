#include "server/service/reverifier.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/engine/changes/report_changes.h"
#include "server/engine/reviews/review_schedule.h"
#include "server/service/audit_entry.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::Report;
using hedui::v1::RollEntry;

std::vector<std::string> DeclaredMembers(
    const hedui::v1::VerificationRequest& request) {
  std::vector<std::string> ids;
  for (const auto& member : request.members())
    ids.push_back(member.person_id());
  return ids;
}

std::string Purpose(ChangeEvent::Trigger trigger) {
  return absl::StrCat("re-verification (", ChangeEvent::Trigger_Name(trigger),
                      ")");
}

std::optional<absl::CivilDay> DayOf(const hedui::v1::Date& date) {
  if (date.year() == 0) return std::nullopt;
  auto day = FromProto(date, "date");
  if (!day.ok()) return std::nullopt;
  return *day;
}

}  // namespace

bool Reverifier::ConsentExpiryToReport(const RollEntry& entry,
                                       absl::CivilDay date) const {
  if (entry.consent_expired_event_for() ==
      entry.request().consent().consent_id()) {
    return false;
  }
  hedui::v1::VerificationRequest request = entry.request();
  *request.mutable_verification_date() = ToProto(date);
  const absl::Status checked =
      verifier_->Precheck(request, engine::Occasion::kReverification);
  return absl::IsFailedPrecondition(checked) &&
         absl::StartsWith(checked.message(),
                          "consent does not cover this verification");
}

absl::StatusOr<std::string> Reverifier::LatestReportId(
    const RollEntry& entry) const {
  hedui::v1::ListReportsRequest query;
  query.set_person_id(entry.applicant_id());
  query.set_program(entry.program());
  query.set_page_size(500);
  // Newest first: the first report naming the entry is its latest. A
  // household has few reports; the pages end well before the enrolment's.
  for (int page = 0; page < 20; ++page) {
    auto listed = log_->ListReports(query, {});
    if (!listed.ok()) return listed.status();
    for (const hedui::v1::ReportSummary& summary : listed->reports()) {
      if (summary.report_id() <= entry.report_id()) return entry.report_id();
      if (summary.application_id() == entry.entry_id() &&
          summary.reverification_trigger() !=
              ChangeEvent::TRIGGER_UNSPECIFIED) {
        return summary.report_id();
      }
    }
    if (listed->next_page_token().empty()) break;
    query.set_page_token(listed->next_page_token());
  }
  return entry.report_id();
}

absl::StatusOr<PreparedReverification> Reverifier::Prepare(
    const RollEntry& entry, absl::CivilDay date, ChangeEvent::Trigger trigger,
    const std::vector<hedui::v1::Department>& departments, uint64_t job) const {
  PreparedReverification prepared;
  prepared.entry = entry;
  hedui::v1::VerificationRequest request = entry.request();
  // The entry's id as the application: the entry's reports are found by it.
  request.set_application_id(entry.entry_id());
  request.set_purpose(Purpose(trigger));
  *request.mutable_verification_date() = ToProto(date);

  AuditSubject subject;
  subject.program = entry.program();
  subject.purpose = request.purpose();
  subject.region_code = entry.region_code();
  subject.person_ids = DeclaredMembers(request);
  subject.detail =
      absl::StrCat("entry ", entry.entry_id(), ", trigger ",
                   ChangeEvent::Trigger_Name(trigger),
                   job != 0 ? absl::StrCat(", job ", job) : std::string());
  // Audited as the program that enrolled the household.
  const std::string& requester = entry.enrolled_by();

  CallInfo call;
  call.caller = requester;
  call.method = kReverifyMethod;
  call.regions = {entry.region_code()};
  Report report;
  absl::Status evaluated = verifier_->Evaluate(
      call, request, &report, engine::Occasion::kReverification);
  if (absl::IsFailedPrecondition(evaluated) &&
      absl::StartsWith(evaluated.message(),
                       "consent does not cover this verification")) {
    // 先授权、后核对: nothing of the household was read. One event per
    // consent, on the first day it is found invalid.
    prepared.consent_expired = true;
    prepared.record =
        BuildAuditRecord(requester, kReverifyMethod, evaluated, subject, *log_);
    prepared.record.reverification_trigger = trigger;
    prepared.record.reverification_date = date;
    const std::string& consent_id = entry.request().consent().consent_id();
    if (entry.consent_expired_event_for() != consent_id) {
      ChangeEvent event;
      event.set_kind(ChangeEvent::CONSENT_EXPIRED);
      event.set_trigger(trigger);
      event.set_program(entry.program());
      event.set_region_code(entry.region_code());
      event.set_entry_id(entry.entry_id());
      *event.mutable_occurred_on() = ToProto(date);
      event.set_consent_id(consent_id);
      event.set_previous_report_id(entry.latest_report_id().empty()
                                       ? entry.report_id()
                                       : entry.latest_report_id());
      event.set_summary(absl::StrCat(
          "授权已过期（授权编号 ", consent_id, "）：自 ", FormatCivilDay(date),
          " 起不再读取该家庭的任何数据，请为该条目重新授权后复核。"));
      prepared.record.events.push_back(std::move(event));
      prepared.makes_event = true;
      prepared.entry.set_consent_expired_event_for(consent_id);
    }
    return prepared;
  }
  if (!evaluated.ok()) return evaluated;

  auto latest_id = LatestReportId(entry);
  if (!latest_id.ok()) return latest_id.status();
  auto latest_bytes = log_->GetReport(*latest_id);
  if (!latest_bytes.ok()) return latest_bytes.status();
  Report previous;
  if (!latest_bytes->has_value() || !previous.ParseFromString(**latest_bytes)) {
    return absl::DataLossError(absl::StrCat("the latest report of entry ",
                                            entry.entry_id(), " (", *latest_id,
                                            ") is missing or damaged"));
  }

  engine::EntryChangeState state;
  state.program = entry.program();
  state.region_code = entry.region_code();
  state.gradual_exit_date = DayOf(entry.gradual_exit_date());
  state.persons_gone.assign(entry.persons_gone().begin(),
                            entry.persons_gone().end());
  engine::ReportChanges changes =
      engine::CompareReports(previous, report, state);

  RollEntry& next = prepared.entry;
  next.set_latest_verdict(report.verdict());
  *next.mutable_latest_verification_date() = ToProto(date);
  if (changes.gradual_exit_date.has_value()) {
    *next.mutable_gradual_exit_date() = ToProto(*changes.gradual_exit_date);
  } else {
    next.clear_gradual_exit_date();
  }
  next.clear_persons_gone();
  for (const std::string& person : changes.persons_gone) {
    next.add_persons_gone(person);
  }
  if (changes.found_death) {
    *next.mutable_death_recheck_date() =
        ToProto(engine::DeathRecheckDate(date));
  }
  next.set_review_period_months(engine::ReviewPeriodMonths(report));
  // A review that fell due (or could not run: consent expired) is done by
  // the first re-verification that succeeds on or after its day, whatever
  // started it; the grid from the approval date is kept (§10.1 "Reviews").
  if (auto due = DayOf(entry.next_review_date()); due && *due <= date) {
    if (auto approval = DayOf(entry.approval_date())) {
      *next.mutable_next_review_date() = ToProto(
          engine::NextReviewDate(*approval, next.review_period_months(), date));
    }
  }
  if (auto recheck = DayOf(entry.death_recheck_date());
      recheck && *recheck <= date && !changes.found_death) {
    next.clear_death_recheck_date();
  }
  next.clear_latest_unusable_departments();
  for (const hedui::v1::DepartmentData& data : report.departments()) {
    if (data.state() != hedui::v1::DepartmentData::FRESH) {
      next.add_latest_unusable_departments(data.department());
    }
  }

  prepared.record = BuildAuditRecord(requester, kReverifyMethod,
                                     absl::OkStatus(), subject, *log_, report);
  prepared.record.reverification_trigger = trigger;
  prepared.record.reverification_date = date;
  if (changes.makes_event) {
    ChangeEvent event = std::move(changes.event);
    event.set_trigger(trigger);
    event.set_entry_id(entry.entry_id());
    event.set_previous_report_id(*latest_id);
    for (hedui::v1::Department department : departments) {
      event.add_departments(department);
    }
    prepared.record.events.push_back(std::move(event));
    prepared.makes_event = true;
  }
  return prepared;
}

}  // namespace hedui::server
