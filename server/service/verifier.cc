#include "server/service/verifier.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/evaluate.h"
#include "server/engine/request/check_before_read.h"
#include "server/errors/error_details.h"
#include "storage/rolls/roll_store.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

// Enough for a household of a few persons with all departments' records
// (~28): bigger ones continue on the heap.
constexpr size_t kRecordsFirstBlockBytes = 32 * 1024;

bool Allowed(const std::vector<std::string>& regions,
             const std::string& region) {
  return regions.empty() ||
         std::find(regions.begin(), regions.end(), region) != regions.end();
}

}  // namespace

absl::Status Verifier::Precheck(const hedui::v1::VerificationRequest& request,
                                engine::Occasion occasion) const {
  const absl::CivilDay today = today_ ? today_() : TodayInChina();
  const std::shared_ptr<const engine::Policy> policy = policies_->Current();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no verification policy is loaded");
  }
  const engine::PreReadCheck check =
      engine::CheckBeforeRead(request, today, *policy, occasion);
  if (!check.violations.empty()) {
    return InvalidArgumentWithViolations("invalid verification request",
                                         check.violations);
  }
  if (!check.precondition_failure.empty()) {
    return absl::FailedPreconditionError(check.precondition_failure);
  }
  return absl::OkStatus();
}

absl::Status Verifier::Evaluate(const CallInfo& call,
                                hedui::v1::VerificationRequest& request,
                                hedui::v1::Report* report,
                                engine::Occasion occasion) const {
  const absl::CivilDay today = today_ ? today_() : TodayInChina();
  if (!request.has_verification_date()) {
    *request.mutable_verification_date() = ToProto(today);
  }
  const std::shared_ptr<const engine::Policy> policy = policies_->Current();
  if (policy == nullptr) {
    return absl::FailedPreconditionError("no verification policy is loaded");
  }
  // Validation, the date's bounds and 先授权、后核对: all before any
  // department data is read.
  const engine::PreReadCheck check =
      engine::CheckBeforeRead(request, today, *policy, occasion);
  if (!check.violations.empty()) {
    return InvalidArgumentWithViolations("invalid verification request",
                                         check.violations);
  }
  if (!check.precondition_failure.empty()) {
    return absl::FailedPreconditionError(check.precondition_failure);
  }

  // A household's records are some hundred small messages, read and
  // dropped once per call: an arena with a first block on the stack makes
  // their allocation a pointer bump and their destruction free.
  alignas(16) char first_block[kRecordsFirstBlockBytes];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = first_block;
  arena_options.initial_block_size = sizeof(first_block);
  google::protobuf::Arena arena(arena_options);
  hedui::store::v1::RecordSet& records =
      *google::protobuf::Arena::CreateMessage<hedui::store::v1::RecordSet>(
          &arena);
  const std::vector<std::string> ids = engine::PersonsToRead(request);
  if (absl::Status s = store_->ReadPersonsWithHouseholds(ids, &records);
      !s.ok()) {
    return s;
  }
  // Hedui's own rolls, the second source of duplicate enrolment and of the
  // medical enrolment test (domain.md §10.1), read for the same persons.
  absl::StatusOr<std::vector<hedui::store::v1::RollEnrollmentRecord>> rolls =
      storage::ActiveRollEnrollments(store_->service_tables(), ids);
  if (!rolls.ok()) return rolls.status();
  for (hedui::store::v1::RollEnrollmentRecord& roll : *rolls) {
    for (hedui::store::v1::PersonRecords& person : *records.mutable_persons()) {
      if (person.person_id() == roll.person_id()) {
        *person.add_roll_enrollments() = std::move(roll);
        break;
      }
    }
  }
  if (absl::Status s =
          engine::Evaluate(request, records, *policy, report, occasion);
      !s.ok()) {
    return s;
  }
  // A county's system may not verify residents registered in another county.
  // Copied before the report is cleared: the refusal names it.
  const std::string registered = report->policy().region_code();
  if (!Allowed(call.regions, registered)) {
    report->Clear();
    return absl::PermissionDeniedError(absl::StrCat(
        "caller ", call.caller,
        " may not verify households registered in region ", registered));
  }
  return absl::OkStatus();
}

}  // namespace hedui::server
