#include "server/engine/request/check_before_read.h"

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/request/validate_request.h"
#include "server/engine/rules/consent.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

constexpr char kDateField[] = "verification_date";

void AddViolation(PreReadCheck* check, std::string description) {
  hedui::v1::ErrorDetails::FieldViolation& v = check->violations.emplace_back();
  v.set_field(kDateField);
  v.set_description(std::move(description));
}

std::string NoPolicy(const std::string& region, absl::CivilDay day,
                     const absl::Status& status) {
  return absl::StrCat("no policy in force for region ", region, " on ",
                      FormatCivilDay(day), ": ", status.message());
}

}  // namespace

PreReadCheck CheckBeforeRead(const hedui::v1::VerificationRequest& request,
                             absl::CivilDay today, const Policy& policy,
                             Occasion occasion) {
  PreReadCheck check;
  check.violations = ValidateRequest(request);
  if (!check.violations.empty()) return check;

  // Valid after ValidateRequest.
  const absl::CivilDay day = *FromProto(request.verification_date(), "");
  const std::string& region = request.region_code();
  if (day > today) {
    AddViolation(
        &check, absl::StrCat("must not be after today (", FormatCivilDay(today),
                             "), got ", FormatCivilDay(day)));
    return check;
  }
  // The limit in force today: the date cannot choose the rule that admits it.
  absl::StatusOr<PolicyValues> today_rules =
      RulesInForce(policy, region, today);
  if (!today_rules.ok()) {
    check.precondition_failure = NoPolicy(region, today, today_rules.status());
    return check;
  }
  const int64_t days_back = today - day;
  if (days_back > today_rules->max_backdating_days) {
    AddViolation(
        &check,
        absl::StrCat("must be at most ", today_rules->max_backdating_days,
                     " days before today (", FormatCivilDay(today),
                     ", the policy's backdating limit), got ",
                     FormatCivilDay(day), ", ", days_back, " days before"));
    return check;
  }

  absl::StatusOr<PolicyValues> rules =
      day == today ? std::move(today_rules) : RulesInForce(policy, region, day);
  if (!rules.ok()) {
    check.precondition_failure = NoPolicy(region, day, rules.status());
    return check;
  }
  // 先授权、后核对: refused before any department data is read.
  const ConsentCheck consent =
      CheckConsent(request, day, rules->consent_validity_months, occasion);
  if (!consent.valid) {
    check.precondition_failure = absl::StrCat(
        "consent does not cover this verification: ", consent.problem);
    return check;
  }
  check.rules = *std::move(rules);
  return check;
}

}  // namespace hedui::engine
