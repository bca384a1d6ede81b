#include "server/service/verifier.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/evaluate.h"
#include "server/engine/request/validate_request.h"
#include "server/engine/rules/consent.h"
#include "server/service/error_details.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

bool Allowed(const std::vector<std::string>& regions,
             const std::string& region) {
  return regions.empty() ||
         std::find(regions.begin(), regions.end(), region) != regions.end();
}

}  // namespace

absl::Status Verifier::Evaluate(const CallInfo& call,
                                hedui::v1::VerificationRequest& request,
                                hedui::v1::Report* report) const {
  const absl::CivilDay today = today_ ? today_() : TodayInChina();
  if (!request.has_verification_date()) {
    *request.mutable_verification_date() = ToProto(today);
  }
  const auto violations = engine::ValidateRequest(request);
  if (!violations.empty()) {
    return InvalidArgumentWithViolations("invalid verification request",
                                         violations);
  }

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
