#include "server/service/roll_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/rules/consent.h"
#include "server/errors/error_details.h"
#include "server/errors/utf8_text.h"
#include "server/security/authorize.h"
#include "server/service/request_bounds.h"
#include "server/service/reviews_due.h"
#include "storage/events/event_store.h"
#include "storage/rolls/roll_keys.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

using hedui::v1::EnrollRequest;
using hedui::v1::EnrollResponse;
using hedui::v1::GetRollEntryRequest;
using hedui::v1::ListRollRequest;
using hedui::v1::ListRollResponse;
using hedui::v1::RollEntry;
using hedui::v1::WithdrawRequest;
using hedui::v1::WithdrawResponse;

constexpr MethodSpec kEnroll{"/hedui.v1.RollService/Enroll",
                             CallClass::kVerify};
constexpr MethodSpec kWithdraw{"/hedui.v1.RollService/Withdraw",
                               CallClass::kVerify};
constexpr MethodSpec kAttachConsent{"/hedui.v1.RollService/AttachConsent",
                                    CallClass::kVerify};
constexpr MethodSpec kGetRollEntry{"/hedui.v1.RollService/GetRollEntry",
                                   CallClass::kRead};
constexpr MethodSpec kListRoll{"/hedui.v1.RollService/ListRoll",
                               CallClass::kRead};
constexpr MethodSpec kReverify{"/hedui.v1.RollService/Reverify",
                               CallClass::kVerify};
constexpr MethodSpec kListReviewsDue{"/hedui.v1.RollService/ListReviewsDue",
                                     CallClass::kRead};

// The county a report belongs to: its policy's region, or the asking
// county's for a report made without a policy (as the report index does).
std::string RegionOf(const hedui::v1::Report& report) {
  return report.policy().region_code().empty() ? report.request().region_code()
                                               : report.policy().region_code();
}

std::vector<std::string> ValidPersons(
    const hedui::v1::VerificationRequest& request) {
  std::vector<std::string> ids = storage::RollEntryPersons(request);
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [](const std::string& id) {
                             return !ValidateResidentId(id, "").ok();
                           }),
            ids.end());
  return ids;
}

RollEntry WithoutRequest(RollEntry entry) {
  entry.clear_request();
  return entry;
}

const RequestRules<EnrollRequest>& EnrollRules() {
  static const auto* const rules = new RequestRules<EnrollRequest>{
      &BoundEnroll,
      [](const security::Caller& caller, const EnrollRequest& request) {
        return security::AuthorizeVerify(caller, request.program(),
                                         request.region_code());
      },
      [](const EnrollRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

// The entry's program and county are known once it is read: a caller who
// may not see it learns only that there is none (as GetReport).
const RequestRules<WithdrawRequest>& WithdrawRules() {
  static const auto* const rules =
      new RequestRules<WithdrawRequest>{&BoundWithdraw, nullptr, nullptr};
  return *rules;
}

const RequestRules<hedui::v1::AttachConsentRequest>& AttachConsentRules() {
  static const auto* const rules =
      new RequestRules<hedui::v1::AttachConsentRequest>{&BoundAttachConsent,
                                                        nullptr, nullptr};
  return *rules;
}

const RequestRules<GetRollEntryRequest>& GetRollEntryRules() {
  static const auto* const rules = new RequestRules<GetRollEntryRequest>{
      &BoundGetRollEntry, nullptr, [](const GetRollEntryRequest& request) {
        AuditSubject subject;
        subject.program = request.program();
        if (ValidateResidentId(request.applicant_id(), "").ok()) {
          subject.person_ids = {request.applicant_id()};
        }
        return subject;
      }};
  return *rules;
}

// A program's roll (or one county of it): the caller must act for both.
absl::Status AuthorizeRoll(const security::Caller& caller,
                           hedui::v1::Program program,
                           const std::string& region_code) {
  if (!region_code.empty()) {
    return security::AuthorizeVerify(caller, program, region_code);
  }
  if (!security::VisiblePrograms(caller).Contains(program)) {
    return absl::PermissionDeniedError(
        absl::StrCat("caller ", caller.identity, " may not act for program ",
                     hedui::v1::Program_Name(program)));
  }
  return absl::OkStatus();
}

const RequestRules<ListRollRequest>& ListRollRules() {
  static const auto* const rules = new RequestRules<ListRollRequest>{
      &BoundListRoll,
      [](const security::Caller& caller, const ListRollRequest& request) {
        return AuthorizeRoll(caller, request.program(), request.region_code());
      },
      [](const ListRollRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

const RequestRules<hedui::v1::ReverifyRequest>& ReverifyRules() {
  static const auto* const rules = new RequestRules<hedui::v1::ReverifyRequest>{
      &BoundReverify,
      [](const security::Caller& caller,
         const hedui::v1::ReverifyRequest& request) -> absl::Status {
        // One entry: its program and county are known once it is read.
        if (!request.entry_id().empty()) return absl::OkStatus();
        return AuthorizeRoll(caller, request.program(), request.region_code());
      },
      [](const hedui::v1::ReverifyRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

const RequestRules<hedui::v1::ListReviewsDueRequest>& ListReviewsDueRules() {
  static const auto* const rules =
      new RequestRules<hedui::v1::ListReviewsDueRequest>{
          &BoundListReviewsDue,
          [](const security::Caller& caller,
             const hedui::v1::ListReviewsDueRequest& request) {
            return AuthorizeRoll(caller, request.program(),
                                 request.region_code());
          },
          [](const hedui::v1::ListReviewsDueRequest& request) {
            return ProgramAndCounty(request.program(), request.region_code());
          }};
  return *rules;
}

// A retry of a withdrawal or a renewed consent answers only a caller who may
// still see the entry (its grants may have changed since).
absl::Status StillVisible(Call& call, const RollEntry& entry) {
  if (security::MaySee(call.caller(), entry.program(), entry.region_code())) {
    call.subject().program = entry.program();
    call.subject().region_code = entry.region_code();
    return absl::OkStatus();
  }
  return FieldError(absl::StatusCode::kNotFound, "entry_id",
                    absl::StrCat("no roll entry ", entry.entry_id(),
                                 " that this caller may see"));
}

}  // namespace

RollServiceImpl::RollServiceImpl(CallDoor* door, storage::RollStore* rolls,
                                 storage::ServiceLog* log,
                                 const PolicyHolder* policies)
    : door_(door), rolls_(rolls), log_(log), policies_(policies) {
  AddUnary(kEnroll.name, [this](grpc::CallbackServerContext* context,
                                const Bytes* in, Bytes* out) {
    return door_->Unary<EnrollRequest, EnrollResponse>(
        context, kEnroll, in, out, EnrollRules(),
        [this](Call& call, const EnrollRequest& request,
               EnrollResponse* response) {
          return Enroll(call, request, response);
        });
  });
  AddUnary(kWithdraw.name, [this](grpc::CallbackServerContext* context,
                                  const Bytes* in, Bytes* out) {
    return door_->Unary<WithdrawRequest, WithdrawResponse>(
        context, kWithdraw, in, out, WithdrawRules(),
        [this](Call& call, const WithdrawRequest& request,
               WithdrawResponse* response) {
          return Withdraw(call, request, response);
        });
  });
  AddUnary(kAttachConsent.name, [this](grpc::CallbackServerContext* context,
                                       const Bytes* in, Bytes* out) {
    return door_->Unary<hedui::v1::AttachConsentRequest,
                        hedui::v1::AttachConsentResponse>(
        context, kAttachConsent, in, out, AttachConsentRules(),
        [this](Call& call, const hedui::v1::AttachConsentRequest& request,
               hedui::v1::AttachConsentResponse* response) {
          return AttachConsent(call, request, response);
        });
  });
  AddUnary(kGetRollEntry.name, [this](grpc::CallbackServerContext* context,
                                      const Bytes* in, Bytes* out) {
    return door_->Unary<GetRollEntryRequest, RollEntry>(
        context, kGetRollEntry, in, out, GetRollEntryRules(),
        [this](Call& call, const GetRollEntryRequest& request,
               RollEntry* response) {
          return GetRollEntry(call, request, response);
        });
  });
  AddUnary(kListRoll.name, [this](grpc::CallbackServerContext* context,
                                  const Bytes* in, Bytes* out) {
    return door_->Unary<ListRollRequest, ListRollResponse>(
        context, kListRoll, in, out, ListRollRules(),
        [this](Call& call, const ListRollRequest& request,
               ListRollResponse* response) {
          return ListRoll(call, request, response);
        });
  });
  AddUnary(kReverify.name, [this](grpc::CallbackServerContext* context,
                                  const Bytes* in, Bytes* out) {
    return door_
        ->Unary<hedui::v1::ReverifyRequest, hedui::v1::ReverifyResponse>(
            context, kReverify, in, out, ReverifyRules(),
            [this](Call& call, const hedui::v1::ReverifyRequest& request,
                   hedui::v1::ReverifyResponse* response) {
              return Reverify(call, request, response);
            });
  });
  AddUnary(kListReviewsDue.name, [this](grpc::CallbackServerContext* context,
                                        const Bytes* in, Bytes* out) {
    return door_->Unary<hedui::v1::ListReviewsDueRequest,
                        hedui::v1::ListReviewsDueResponse>(
        context, kListReviewsDue, in, out, ListReviewsDueRules(),
        [this](Call& call, const hedui::v1::ListReviewsDueRequest& request,
               hedui::v1::ListReviewsDueResponse* response) {
          return ListReviewsDue(call, request, response);
        });
  });
}

absl::CivilDay RollServiceImpl::Today() const {
  return today_ ? today_() : TodayInChina();
}

absl::StatusOr<bool> RollServiceImpl::Replay(
    Call& call, const std::string& request_id, const std::string& fingerprint,
    google::protobuf::Message* response) {
  auto found = rolls_->FindRequest(call.caller().identity, request_id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return false;
  const hedui::store::v1::RollRequestResult& first = **found;
  if (first.method() != call.info().method ||
      first.fingerprint() != fingerprint) {
    return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                      absl::StrCat("already used by this caller for another "
                                   "request (",
                                   first.method(),
                                   "); a retry must repeat the request "
                                   "exactly, a new request needs a new id"));
  }
  if (!response->ParseFromString(first.response())) {
    return absl::DataLossError("the stored result of this request is damaged");
  }
  call.subject().detail =
      absl::StrCat("retry of request ", request_id, ": first result returned");
  return true;
}

absl::Status RollServiceImpl::Commit(
    Call& call, storage::RollChange change,
    const google::protobuf::Message& response, const std::string& fingerprint,
    std::vector<storage::StoreWrite> extra,
    std::vector<hedui::v1::ChangeEvent> events) {
  change.caller = call.caller().identity;
  change.result.set_method(call.info().method);
  change.result.set_fingerprint(fingerprint);
  change.result.set_first_unix_seconds(absl::ToUnixSeconds(absl::Now()));
  change.result.set_response(response.SerializeAsString());
  std::vector<storage::StoreWrite> writes = rolls_->Writes(change);
  for (storage::StoreWrite& write : extra) writes.push_back(std::move(write));
  if (events.empty()) {
    return call.AuditNow(absl::OkStatus(), std::nullopt, std::move(writes))
        .status();
  }
  // The events (a duplicate pair found) go with the change and the call's
  // audit entry: durable together, or none of them.
  std::vector<storage::ServiceRecord> records;
  records.push_back(call.ItemRecord(absl::OkStatus(), call.subject()));
  records.back().writes = std::move(writes);
  records.back().events = std::move(events);
  absl::StatusOr<std::vector<storage::Appended>> appended =
      call.AppendItems(std::move(records));
  if (!appended.ok()) return appended.status();
  call.MarkAudited();
  return absl::OkStatus();
}

absl::StatusOr<DuplicateScan> RollServiceImpl::ScanForDuplicates(
    Call& call, const storage::RollChange& change) {
  absl::StatusOr<DuplicateScan> scan = ScanRollChange(rolls_, change, Today());
  if (scan.ok() && scan->new_pairs > 0) {
    absl::StrAppend(&call.subject().detail, "; ", scan->new_pairs,
                    " duplicate enrolment pair(s) found");
  }
  return scan;
}

absl::Status RollServiceImpl::Enroll(Call& call, const EnrollRequest& request,
                                     EnrollResponse* response) {
  const std::string fingerprint =
      storage::RequestFingerprint(kEnroll.name, request);
  // Held to the durable write: what is checked below still holds then.
  absl::MutexLock lock(&rolls_->mu());
  absl::StatusOr<bool> replayed =
      Replay(call, request.request_id(), fingerprint, response);
  if (!replayed.ok() || *replayed) return replayed.status();

  const absl::CivilDay today = Today();
  const absl::CivilDay approval = *FromProto(request.approval_date(), "");
  if (approval > today) {
    return FieldError(
        absl::StatusCode::kInvalidArgument, "approval_date",
        absl::StrCat("must not be after today (", FormatCivilDay(today), ")"));
  }

  absl::Status unknown =
      FieldError(absl::StatusCode::kNotFound, "report_id",
                 absl::StrCat("no report ", request.report_id(),
                              " that this caller may see"));
  absl::StatusOr<std::optional<std::string>> bytes =
      log_->GetReport(request.report_id());
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return unknown;
  hedui::v1::Report report;
  if (!report.ParseFromString(**bytes)) {
    return absl::DataLossError("the stored report cannot be read");
  }
  const std::string region = RegionOf(report);
  if (!security::MaySee(call.caller(), report.program(), region)) {
    return unknown;
  }
  call.subject().person_ids = ValidPersons(report.request());

  if (report.program() != request.program()) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "report_id",
        absl::StrCat("the report is of program ",
                     hedui::v1::Program_Name(report.program()), ", not ",
                     hedui::v1::Program_Name(request.program())));
  }
  if (region != request.region_code()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "report_id",
                      absl::StrCat("the report is of county ", region, ", not ",
                                   request.region_code(),
                                   ": an entry stays in its report's county"));
  }
  switch (report.verdict()) {
    case hedui::v1::MEETS_CRITERIA:
      if (request.has_resolution()) {
        return FieldError(absl::StatusCode::kFailedPrecondition, "resolution",
                          "only a NEEDS_REVIEW report is resolved by a "
                          "caseworker; this one is MEETS_CRITERIA");
      }
      break;
    case hedui::v1::NEEDS_REVIEW:
      if (!request.has_resolution()) {
        return FieldError(absl::StatusCode::kFailedPrecondition, "resolution",
                          "required for a NEEDS_REVIEW report: the "
                          "caseworker who resolved it and the reason");
      }
      break;
    default:
      return FieldError(
          absl::StatusCode::kFailedPrecondition, "report_id",
          absl::StrCat("a ", hedui::v1::Verdict_Name(report.verdict()),
                       " report cannot be enrolled: only MEETS_CRITERIA, or "
                       "NEEDS_REVIEW resolved by a caseworker"));
  }
  absl::StatusOr<absl::CivilDay> verified =
      FromProto(report.verification_date(), "");
  if (!verified.ok()) {
    return absl::DataLossError("the stored report has no verification date");
  }
  if (!request.moved_in() && approval < *verified) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "approval_date",
        absl::StrCat("must not be before the report's verification date (",
                     FormatCivilDay(*verified),
                     "), unless an existing roll is moved in (moved_in)"));
  }
  if (request.moved_in() && approval >= *verified) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "approval_date",
        absl::StrCat("a moved-in entry carries its original approval date, "
                     "before the report's verification date (",
                     FormatCivilDay(*verified), ")"));
  }
  // The consent as of today: expired, the household's records may not be
  // read again, so it cannot be kept under review (§10.1).
  const std::shared_ptr<const engine::Policy> policy = policies_->Current();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no verification policy is loaded");
  }
  absl::StatusOr<engine::PolicyValues> rules =
      engine::RulesInForce(*policy, region, today);
  if (!rules.ok()) {
    return absl::FailedPreconditionError(rules.status().message());
  }
  // A moved-in household is verified afresh: its report within the
  // backdating limit of today (the same bound a verification date has).
  if (request.moved_in() && *verified < today - rules->max_backdating_days) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "report_id",
        absl::StrCat("a moved-in entry needs a fresh verification: this "
                     "report was verified on ",
                     FormatCivilDay(*verified), ", more than ",
                     rules->max_backdating_days, " days before today"));
  }
  const engine::ConsentCheck consent = engine::CheckConsent(
      report.request(), today, rules->consent_validity_months);
  if (consent.expired) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "report_id",
        absl::StrCat("the report's consent has expired (valid ",
                     rules->consent_validity_months,
                     " months from its signature); the household must "
                     "consent and be verified again"));
  }
  if (report.request().members_size() == 0) {
    return absl::DataLossError("the stored report declares no member");
  }

  const std::string& applicant = report.request().members(0).person_id();
  const std::string& household = report.household().household_number();
  std::vector<RollEntry> previous;
  absl::StatusOr<std::optional<RollEntry>> by_applicant =
      rolls_->FindActive(request.program(), applicant);
  if (!by_applicant.ok()) return by_applicant.status();
  if (by_applicant->has_value()) previous.push_back(**by_applicant);
  if (!household.empty()) {
    absl::StatusOr<std::optional<RollEntry>> by_household =
        rolls_->FindActiveByHousehold(request.program(), household);
    if (!by_household.ok()) return by_household.status();
    if (by_household->has_value() &&
        (previous.empty() ||
         previous[0].entry_id() != (*by_household)->entry_id())) {
      previous.push_back(**by_household);
    }
  }
  for (const RollEntry& old : previous) {
    if (old.region_code() != request.region_code()) {
      // Not named: the entry is another county's.
      return FieldError(
          absl::StatusCode::kFailedPrecondition, "report_id",
          "another county holds an active entry of this program for this "
          "household; it must be withdrawn there before this county enrols "
          "it");
    }
  }

  absl::StatusOr<std::string> entry_id = rolls_->AllocateEntryId();
  if (!entry_id.ok()) return entry_id.status();
  RollEntry entry;
  entry.set_entry_id(*entry_id);
  entry.set_program(request.program());
  entry.set_region_code(region);
  entry.set_applicant_id(applicant);
  entry.set_household_number(household);
  entry.set_state(RollEntry::ACTIVE);
  entry.set_report_id(request.report_id());
  entry.set_report_verdict(report.verdict());
  *entry.mutable_report_verification_date() = report.verification_date();
  *entry.mutable_approval_date() = request.approval_date();
  entry.set_moved_in(request.moved_in());
  if (request.has_resolution()) {
    *entry.mutable_resolution() = request.resolution();
  }
  *entry.mutable_request() = report.request();
  *entry.mutable_enrolled_on() = ToProto(today);
  entry.set_enrolled_by(call.caller().identity);

  storage::RollChange change;
  std::vector<std::string> replaced_ids;
  for (const RollEntry& old : previous) {
    RollEntry ended = old;
    ended.set_state(RollEntry::ENDED);
    *ended.mutable_ended_on() = ToProto(today);
    ended.set_end_reason(RollEntry::REPLACED);
    ended.set_ended_by(call.caller().identity);
    ended.set_replaced_by_entry_id(*entry_id);
    *response->add_replaced() = WithoutRequest(ended);
    replaced_ids.push_back(old.entry_id());
    change.entries.push_back(std::move(ended));
  }
  if (!replaced_ids.empty()) entry.set_replaces_entry_id(replaced_ids[0]);
  // The new report is the baseline and every clock restarts (§10.1).
  InitReviewState(report, &entry, today);
  *response->mutable_entry() = WithoutRequest(entry);
  change.entries.push_back(std::move(entry));
  change.previous = std::move(previous);
  change.request_id = request.request_id();
  call.subject().detail = absl::StrCat(
      "entry ", *entry_id, " on report ", request.report_id(),
      replaced_ids.empty()
          ? ""
          : absl::StrCat("; replaced ", absl::StrJoin(replaced_ids, ", ")));
  // 一人一保: pairs this enrolment makes are found now, their events and
  // the pairs remembered in the enrolment's own synced write.
  absl::StatusOr<DuplicateScan> scan = ScanForDuplicates(call, change);
  if (!scan.ok()) return scan.status();
  absl::Status committed =
      Commit(call, std::move(change), *response, fingerprint,
             std::move(scan->writes), std::move(scan->events));
  if (!committed.ok()) response->Clear();
  return committed;
}

absl::StatusOr<RollEntry> RollServiceImpl::VisibleEntry(
    Call& call, const std::string& entry_id) {
  absl::StatusOr<std::optional<RollEntry>> found = rolls_->Get(entry_id);
  if (!found.ok()) return found.status();
  // One answer for "none" and "not yours": a caller learns nothing of
  // another program's or county's roll.
  if (!found->has_value() ||
      !security::MaySee(call.caller(), (*found)->program(),
                        (*found)->region_code())) {
    return FieldError(
        absl::StatusCode::kNotFound, "entry_id",
        absl::StrCat("no roll entry ", entry_id, " that this caller may see"));
  }
  RollEntry entry = std::move(**found);
  call.subject().program = entry.program();
  call.subject().region_code = entry.region_code();
  call.subject().person_ids = ValidPersons(entry.request());
  return entry;
}

absl::Status RollServiceImpl::Withdraw(Call& call,
                                       const WithdrawRequest& request,
                                       WithdrawResponse* response) {
  const std::string fingerprint =
      storage::RequestFingerprint(kWithdraw.name, request);
  absl::MutexLock lock(&rolls_->mu());
  absl::StatusOr<bool> replayed =
      Replay(call, request.request_id(), fingerprint, response);
  if (!replayed.ok()) return replayed.status();
  if (*replayed) return StillVisible(call, response->entry());

  absl::StatusOr<RollEntry> found = VisibleEntry(call, request.entry_id());
  if (!found.ok()) return found.status();
  const RollEntry& entry = *found;
  if (entry.state() != RollEntry::ACTIVE) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "entry_id",
        absl::StrCat("entry ", entry.entry_id(), " already ended on ",
                     FormatCivilDay(*FromProto(entry.ended_on(), "")), " (",
                     RollEntry::EndReason_Name(entry.end_reason()),
                     "); coming back is a new enrolment"));
  }
  RollEntry ended = entry;
  ended.set_state(RollEntry::ENDED);
  *ended.mutable_ended_on() = ToProto(Today());
  ended.set_end_reason(request.reason());
  ended.set_end_note(request.note());
  ended.set_ended_by(call.caller().identity);
  *response->mutable_entry() = WithoutRequest(ended);

  storage::RollChange change;
  change.entries = {std::move(ended)};
  change.previous = {entry};
  change.request_id = request.request_id();
  call.subject().detail =
      absl::StrCat("entry ", entry.entry_id(),
                   " ended: ", RollEntry::EndReason_Name(request.reason()));
  // A withdrawn entry no longer counts: its pairs are forgotten, without an
  // event (§10.1).
  absl::StatusOr<DuplicateScan> scan = ScanForDuplicates(call, change);
  if (!scan.ok()) return scan.status();
  absl::Status committed = Commit(call, std::move(change), *response,
                                  fingerprint, std::move(scan->writes));
  if (!committed.ok()) response->Clear();
  return committed;
}

absl::Status RollServiceImpl::AttachConsent(
    Call& call, const hedui::v1::AttachConsentRequest& request,
    hedui::v1::AttachConsentResponse* response) {
  const std::string fingerprint =
      storage::RequestFingerprint(kAttachConsent.name, request);
  absl::MutexLock lock(&rolls_->mu());
  absl::StatusOr<bool> replayed =
      Replay(call, request.request_id(), fingerprint, response);
  if (!replayed.ok()) return replayed.status();
  if (*replayed) return StillVisible(call, response->entry());

  absl::StatusOr<RollEntry> found = VisibleEntry(call, request.entry_id());
  if (!found.ok()) return found.status();
  const RollEntry& entry = *found;
  if (entry.state() != RollEntry::ACTIVE) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "entry_id",
                      absl::StrCat("entry ", entry.entry_id(),
                                   " has ended; coming back is a new "
                                   "enrolment"));
  }
  // Checked like any consent, against the stored declaration, on the day
  // it is attached: every declared adult that day signs, the dead and the
  // moved away included (the program re-applies instead).
  const absl::CivilDay today = Today();
  const std::shared_ptr<const engine::Policy> policy = policies_->Current();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no verification policy is loaded");
  }
  absl::StatusOr<engine::PolicyValues> rules =
      engine::RulesInForce(*policy, entry.region_code(), today);
  if (!rules.ok()) {
    return absl::FailedPreconditionError(rules.status().message());
  }
  hedui::v1::VerificationRequest renewed = entry.request();
  *renewed.mutable_consent() = request.consent();
  const engine::ConsentCheck consent =
      engine::CheckConsent(renewed, today, rules->consent_validity_months);
  if (!consent.valid) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "consent",
        absl::StrCat("does not cover the entry on ", FormatCivilDay(today),
                     ": ", consent.problem));
  }
  RollEntry attached = entry;
  hedui::v1::AttachedConsent* history = attached.add_consent_history();
  *history->mutable_consent() = request.consent();
  *history->mutable_attached_on() = ToProto(today);
  history->set_attached_by(call.caller().identity);
  *history->mutable_replaced() = entry.request().consent();
  *attached.mutable_request()->mutable_consent() = request.consent();
  *response->mutable_entry() = WithoutRequest(attached);

  storage::RollChange change;
  change.entries = {std::move(attached)};
  change.previous = {entry};
  change.request_id = request.request_id();
  call.subject().detail =
      absl::StrCat("entry ", entry.entry_id(), ": consent renewed");
  // Once accepted, the entry is re-verified at once (§10.1 "Consent"), by
  // the runner (the roll lock held here is the one its write takes): the
  // job is recorded in this call's own synced batch.
  std::vector<storage::StoreWrite> job_writes;
  if (runner_ != nullptr) {
    auto job = runner_->PrepareJob(hedui::v1::ChangeEvent::CONSENT_ATTACHED,
                                   {entry.entry_id()}, call.caller().identity);
    if (!job.ok()) return job.status();
    job_writes = std::move(job->writes);
  }
  absl::Status committed = Commit(call, std::move(change), *response,
                                  fingerprint, std::move(job_writes));
  if (!committed.ok()) {
    response->Clear();
    return committed;
  }
  if (runner_ != nullptr) runner_->JobRecorded();
  return committed;
}

absl::Status RollServiceImpl::GetRollEntry(Call& call,
                                           const GetRollEntryRequest& request,
                                           RollEntry* response) {
  absl::StatusOr<std::optional<RollEntry>> found =
      request.entry_id().empty()
          ? rolls_->FindActive(request.program(), request.applicant_id())
          : rolls_->Get(request.entry_id());
  if (!found.ok()) return found.status();
  if (!found->has_value() ||
      !security::MaySee(call.caller(), (*found)->program(),
                        (*found)->region_code())) {
    return request.entry_id().empty()
               ? FieldError(
                     absl::StatusCode::kNotFound, "applicant_id",
                     absl::StrCat("no active entry of ",
                                  hedui::v1::Program_Name(request.program()),
                                  " for this applicant that this "
                                  "caller may see"))
               : FieldError(absl::StatusCode::kNotFound, "entry_id",
                            absl::StrCat("no roll entry ", request.entry_id(),
                                         " that this caller may see"));
  }
  call.subject().program = (*found)->program();
  call.subject().region_code = (*found)->region_code();
  call.subject().person_ids = {(*found)->applicant_id()};
  *response = std::move(**found);
  return absl::OkStatus();
}

absl::Status RollServiceImpl::ListRoll(Call& call,
                                       const ListRollRequest& request,
                                       ListRollResponse* response) {
  storage::RollListQuery query;
  query.program = request.program();
  if (!request.region_code().empty()) {
    query.regions = {request.region_code()};
  } else {
    query.regions = call.info().regions;  // empty: every county
  }
  query.state = request.state() == ListRollRequest::STATE_FILTER_UNSPECIFIED
                    ? ListRollRequest::ACTIVE_ONLY
                    : request.state();
  query.page_size = request.page_size();
  query.page_token = request.page_token();
  absl::StatusOr<ListRollResponse> listed = rolls_->List(query);
  if (!listed.ok()) {
    if (listed.status().code() == absl::StatusCode::kInvalidArgument) {
      return FieldViolation(
          "page_token",
          absl::StripPrefix(listed.status().message(), "page_token: "));
    }
    return listed.status();
  }
  for (RollEntry& entry : *listed->mutable_entries()) {
    if (security::MaySee(call.caller(), entry.program(), entry.region_code())) {
      *response->add_entries() = std::move(entry);
    }
  }
  response->set_next_page_token(listed->next_page_token());
  return absl::OkStatus();
}

absl::Status RollServiceImpl::Reverify(
    Call& call, const hedui::v1::ReverifyRequest& request,
    hedui::v1::ReverifyResponse* response) {
  if (runner_ == nullptr) {
    return absl::UnavailableError("re-verification is not running");
  }
  const std::string fingerprint =
      storage::RequestFingerprint(kReverify.name, request);
  absl::MutexLock lock(&reverify_mu_);
  // A retry answers only a caller who may still see the entry.
  std::optional<RollEntry> visible;
  if (!request.entry_id().empty()) {
    absl::StatusOr<RollEntry> entry = VisibleEntry(call, request.entry_id());
    if (!entry.ok()) return entry.status();
    visible = *std::move(entry);
  }
  absl::StatusOr<bool> replayed =
      Replay(call, request.request_id(), fingerprint, response);
  if (!replayed.ok() || *replayed) return replayed.status();

  std::vector<storage::StoreWrite> job_writes;
  if (visible.has_value()) {
    const RollEntry* entry = &*visible;
    if (entry->state() != RollEntry::ACTIVE) {
      return FieldError(absl::StatusCode::kFailedPrecondition, "entry_id",
                        "the entry has ended: an ended entry is never "
                        "re-verified (a new enrolment is)");
    }
    auto done = runner_->ReverifyNow(request.entry_id(),
                                     hedui::v1::ChangeEvent::REQUEST);
    if (!done.ok()) return done.status();
    response->set_report_id(done->report_id);
    response->set_event_number(done->event_number);
    response->set_consent_expired(done->consent_expired);
    response->set_entries(1);
    call.subject().detail = absl::StrCat(
        "entry ", request.entry_id(), " re-verified",
        done->report_id.empty() ? " (consent expired: nothing read)"
                                : absl::StrCat(": ", done->report_id));
  } else {
    // The whole roll the caller may see, as a background job.
    storage::RollListQuery query;
    query.program = request.program();
    if (!request.region_code().empty()) {
      query.regions = {request.region_code()};
    } else {
      query.regions = call.info().regions;
    }
    query.state = hedui::v1::ListRollRequest::ACTIVE_ONLY;
    query.page_size = 500;
    std::vector<std::string> ids;
    while (true) {
      absl::StatusOr<hedui::v1::ListRollResponse> page = rolls_->List(query);
      if (!page.ok()) return page.status();
      for (const RollEntry& entry : page->entries()) {
        if (security::MaySee(call.caller(), entry.program(),
                             entry.region_code())) {
          ids.push_back(entry.entry_id());
        }
      }
      if (page->next_page_token().empty()) break;
      query.page_token = page->next_page_token();
    }
    const int count = static_cast<int>(ids.size());
    // The job, this call's request id and its audit entry in one synced
    // write: a retry after a crash finds the job already asked for.
    auto job = runner_->PrepareJob(hedui::v1::ChangeEvent::REQUEST,
                                   std::move(ids), call.caller().identity);
    if (!job.ok()) return job.status();
    job_writes = std::move(job->writes);
    response->set_job_id(absl::StrCat(job->id));
    response->set_entries(count);
    call.subject().detail =
        absl::StrCat("job ", job->id, " queued over ", count, " entries");
  }
  const bool queued = !job_writes.empty();
  storage::RollChange change;
  change.request_id = request.request_id();
  absl::Status committed = Commit(call, std::move(change), *response,
                                  fingerprint, std::move(job_writes));
  if (committed.ok() && queued) runner_->JobRecorded();
  return committed;
}

absl::Status RollServiceImpl::ListReviewsDue(
    Call& call, const hedui::v1::ListReviewsDueRequest& request,
    hedui::v1::ListReviewsDueResponse* response) {
  absl::StatusOr<hedui::v1::ListReviewsDueResponse> listed =
      server::ListReviewsDue(rolls_, request, call.info().regions, Today());
  if (!listed.ok()) {
    if (listed.status().code() == absl::StatusCode::kInvalidArgument) {
      return FieldViolation(
          "page_token",
          absl::StripPrefix(listed.status().message(), "page_token: "));
    }
    return listed.status();
  }
  *response = *std::move(listed);
  return absl::OkStatus();
}

}  // namespace hedui::server
