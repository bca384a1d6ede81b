#ifndef HEDUI_SERVER_ENGINE_RULES_CONSENT_H_
#define HEDUI_SERVER_ENGINE_RULES_CONSENT_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/context/occasion.h"

namespace hedui::engine {

// The authorisation checked against the request alone (domain.md §1), before
// any department data is read.
struct ConsentCheck {
  bool valid = false;
  // Declared adults (18+ on the verification date; for a re-verification,
  // on the day the consent was signed) who did not sign.
  std::vector<std::string> missing_signers;
  // Signers the request does not declare (the consent is void).
  std::vector<std::string> undeclared_signers;
  bool expired = false;       // signed too long before the verification date
  bool signed_after = false;  // signed after the verification date
  bool program_not_covered = false;
  // What is wrong, in English for the caller's error message, with resident
  // IDs masked; empty when valid.
  std::string problem;
};

// `validity_months`: the policy's consent_validity_months (signed on
// 2025-11-01 with 12: valid up to and including 2026-10-31).
ConsentCheck CheckConsent(const hedui::v1::VerificationRequest& request,
                          absl::CivilDay day, int validity_months,
                          Occasion occasion = Occasion::kApplication);

// The CONSENT finding of a report (PASS with the consent's id, date and
// signers when valid).
void EvaluateConsent(const EvaluationContext& ctx, hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_CONSENT_H_
