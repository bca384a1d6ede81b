#include "server/service/verifier.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/evaluate.h"
#include "server/engine/request/validate_request.h"
#include "server/engine/rules/consent.h"
#include "server/service/error_details.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

absl::Status Invalid(
    const std::vector<hedui::v1::ErrorDetails::FieldViolation>& violations) {
  hedui::v1::ErrorDetails details;
  std::vector<std::string> fields;
  for (const auto& v : violations) {
    *details.add_field_violations() = v;
    fields.push_back(absl::StrCat(v.field(), ": ", v.description()));
  }
  details.set_total_violations(static_cast<int64_t>(violations.size()));
  return InvalidArgumentWithDetails(
      absl::StrCat("invalid verification request: ",
                   absl::StrJoin(fields, "; ")),
      details);
}

// The persons a request names, as far as their IDs are valid: the audit
// hashes them (never stores them) so an entry can be found by person.
std::vector<std::string> AuditedPersons(
    const hedui::v1::VerificationRequest& request) {
  std::vector<std::string> ids = engine::PersonsToRead(request);
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [](const std::string& id) {
                             return !ValidateResidentId(id, "").ok();
                           }),
            ids.end());
  return ids;
}

bool Allowed(const std::vector<std::string>& regions,
             const std::string& region) {
  return regions.empty() ||
         std::find(regions.begin(), regions.end(), region) != regions.end();
}

}  // namespace

absl::Status Verifier::Evaluate(const CallInfo& call,
                                hedui::v1::VerificationRequest& request,
                                hedui::v1::Report* report) {
  if (!request.has_verification_date()) {
    *request.mutable_verification_date() = ToProto(TodayInChina());
  }
  const auto violations = engine::ValidateRequest(request);
  if (!violations.empty()) return Invalid(violations);

  const std::shared_ptr<const engine::Policy> policy = policies_->Current();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no verification policy is loaded");
  }
  const absl::CivilDay day = *FromProto(request.verification_date(), "");
  absl::StatusOr<engine::PolicyValues> rules =
      engine::RulesInForce(*policy, request.region_code(), day);
  if (!rules.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no policy in force for region ", request.region_code(), " on ",
        FormatCivilDay(day), ": ", rules.status().message()));
  }
  // 先授权、后核对: refused before any department data is read.
  const engine::ConsentCheck consent =
      engine::CheckConsent(request, day, rules->consent_validity_months);
  if (!consent.valid) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consent does not cover this verification: ", consent.problem));
  }

  hedui::store::v1::RecordSet records;
  const std::vector<std::string> ids = engine::PersonsToRead(request);
  if (absl::Status s = store_->ReadPersonsWithHouseholds(ids, &records);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = engine::Evaluate(request, records, *policy, report);
      !s.ok()) {
    return s;
  }
  // A county's system may not verify residents registered in another county.
  const std::string& registered = report->policy().region_code();
  if (!Allowed(call.regions, registered)) {
    report->Clear();
    return absl::PermissionDeniedError(absl::StrCat(
        "caller ", call.caller,
        " may not verify households registered in region ", registered));
  }
  return absl::OkStatus();
}

hedui::v1::AuditEntry Verifier::Entry(
    const CallInfo& call, const hedui::v1::VerificationRequest* request,
    const absl::Status& outcome, int64_t batch_index) const {
  hedui::v1::AuditEntry entry;
  entry.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  entry.set_caller(call.caller);
  entry.set_method(call.method);
  entry.set_batch_index(batch_index);
  entry.set_code(static_cast<int>(outcome.code()));
  // Messages are masked where they are made; the audit keeps only the code,
  // never field values, except for refusals of the caller itself, whose
  // messages name only certificates, roles, methods and counties: the audit
  // then says why (revoked, expired, not in the callers file, no role).
  std::string outcome_text =
      outcome.ok() ? "OK"
                   : std::string(absl::StatusCodeToString(outcome.code()));
  if (outcome.code() == absl::StatusCode::kUnauthenticated ||
      outcome.code() == absl::StatusCode::kPermissionDenied) {
    absl::StrAppend(&outcome_text, ": ", outcome.message().substr(0, 300));
  }
  entry.set_outcome(std::move(outcome_text));
  if (request != nullptr) {
    entry.set_program(request->program());
    entry.set_purpose(request->purpose().substr(0, 200));
    entry.set_region_code(request->region_code());
    entry.set_persons_hash(log_->PersonsHash(AuditedPersons(*request)));
  }
  return entry;
}

std::vector<absl::StatusOr<hedui::v1::Report>> Verifier::VerifyAll(
    const CallInfo& call, absl::Span<hedui::v1::VerificationRequest> requests,
    absl::Span<const int64_t> batch_indices) {
  std::vector<absl::StatusOr<hedui::v1::Report>> results;
  std::vector<storage::ServiceRecord> records;
  results.reserve(requests.size());
  records.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    hedui::v1::Report report;
    absl::Status s = Evaluate(call, requests[i], &report);
    const int64_t index = batch_indices.empty() ? -1 : batch_indices[i];
    storage::ServiceRecord record;
    record.audit = Entry(call, &requests[i], s, index);
    record.person_ids = AuditedPersons(requests[i]);
    if (s.ok()) {
      record.report = std::move(report);
      results.push_back(hedui::v1::Report());
    } else {
      results.push_back(s);
    }
    records.push_back(std::move(record));
  }
  // Reports are handed back as stored (with their ids); keep copies of the
  // ones that succeeded before the log takes the records.
  std::vector<hedui::v1::Report> stored;
  for (const auto& r : records) {
    if (r.report) stored.push_back(*r.report);
  }
  absl::StatusOr<std::vector<storage::Appended>> appended =
      log_->Append(std::move(records));
  if (!appended.ok()) {
    // Not durable, so not answered: every item fails alike.
    for (auto& result : results) result = appended.status();
    return results;
  }
  size_t next = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) continue;
    hedui::v1::Report& report = stored[next++];
    report.set_report_id((*appended)[i].report_id);
    if (metrics_ != nullptr) {
      metrics_->verdicts
          .WithLabels({hedui::v1::Program_Name(report.program()),
                       hedui::v1::Verdict_Name(report.verdict())})
          .Add();
    }
    results[i] = std::move(report);
  }
  return results;
}

absl::StatusOr<hedui::v1::Report> Verifier::Verify(
    const CallInfo& call, hedui::v1::VerificationRequest request) {
  std::vector<absl::StatusOr<hedui::v1::Report>> results =
      VerifyAll(call, absl::MakeSpan(&request, 1));
  return std::move(results.front());
}

absl::Status Verifier::AuditCall(const CallInfo& call,
                                 const absl::Status& outcome,
                                 const hedui::v1::VerificationRequest* request,
                                 int64_t batch_index) {
  std::vector<storage::ServiceRecord> records(1);
  records[0].audit = Entry(call, request, outcome, batch_index);
  if (request != nullptr) records[0].person_ids = AuditedPersons(*request);
  return log_->Append(std::move(records)).status();
}

}  // namespace hedui::server
