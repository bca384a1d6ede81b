#ifndef HEDUI_SERVER_ENGINE_REQUEST_CHECK_BEFORE_READ_H_
#define HEDUI_SERVER_ENGINE_REQUEST_CHECK_BEFORE_READ_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/context/occasion.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_values.h"

namespace hedui::engine {

// What is decided about a request before any department record is read
// (先授权、后核对, domain.md §1). At most one of `violations` and
// `precondition_failure` is set; when neither is, `rules` holds the values in
// force on the verification date and the records may be read.
struct PreReadCheck {
  // Non-empty: INVALID_ARGUMENT, one violation per field (resident IDs
  // masked), e.g. a verification_date after today or beyond the policy's
  // backdating limit.
  std::vector<hedui::v1::ErrorDetails::FieldViolation> violations;
  // Non-empty: FAILED_PRECONDITION, with its message: "no policy in force
  // for region R on D: ..." or "consent does not cover this verification:
  // ...".
  std::string precondition_failure;
  // The rules in force for the request's region on the verification date
  // (RulesInForce), when both of the above are empty.
  PolicyValues rules;

  bool ok() const { return violations.empty() && precondition_failure.empty(); }
};

// In this order, stopping at the first that fails: the request's fields
// (ValidateRequest: sizes, amounts, resident IDs, none born after the
// verification date); the verification date bounded by `today` (not after
// it, and at most the backdating limit before it, inclusive, read from the
// rules in force today for the request's region: max_backdating_days); the
// rules in force on the verification date; the consent against the request
// alone (CheckConsent). The date is checked before the consent so that no
// date can revive an expired consent or make a future one valid.
// `request.verification_date` must be set (the service fills in today when
// the caller left it out); `today` is the server's day in Asia/Shanghai.
// Pure: no clock, no store.
PreReadCheck CheckBeforeRead(const hedui::v1::VerificationRequest& request,
                             absl::CivilDay today, const Policy& policy,
                             Occasion occasion = Occasion::kApplication);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REQUEST_CHECK_BEFORE_READ_H_
