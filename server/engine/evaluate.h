#ifndef HEDUI_SERVER_ENGINE_EVALUATE_H_
#define HEDUI_SERVER_ENGINE_EVALUATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/context/occasion.h"
#include "server/engine/policy/policy.h"

namespace hedui::engine {

// Bumped whenever a rule or an explanation changes, so a stored report says
// which engine wrote it.
inline constexpr char kEngineVersion[] = "hedui-engine-2";

// The persons whose records an evaluation needs, in this order: the declared
// members, then the obligors and their declared spouses (domain.md §1: the
// records of an undeclared person are never read). Duplicates removed.
std::vector<std::string> PersonsToRead(
    const hedui::v1::VerificationRequest& request);

// The verification report of `request` (validated by ValidateRequest, with a
// valid consent: CheckConsent) against `records` (PersonsToRead, with the
// household registers) and `policy`. Pure and deterministic: the same inputs
// give the same bytes. `report` is cleared first; it may live on an arena.
// FAILED_PRECONDITION when the policy has no values for the day and region.
// `occasion`: kReverification for a roll entry verified again with its
// stored declaration and consent (occasion.h).
absl::Status Evaluate(const hedui::v1::VerificationRequest& request,
                      const hedui::store::v1::RecordSet& records,
                      const Policy& policy, hedui::v1::Report* report,
                      Occasion occasion = Occasion::kApplication);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_EVALUATE_H_
