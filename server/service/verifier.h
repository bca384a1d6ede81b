#ifndef HEDUI_SERVER_SERVICE_VERIFIER_H_
#define HEDUI_SERVER_SERVICE_VERIFIER_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/context/occasion.h"
#include "server/service/call_info.h"
#include "server/service/policy_holder.h"
#include "storage/store.h"

namespace hedui::server {

// The verification's own work, without gRPC and without writing (the call
// door stores the report with the call's audit entry): check what can be
// checked against the request alone (validation, the date's bounds, the
// consent: domain.md §1), read the declared persons' records and their
// household register, evaluate, and refuse a household registered in a
// county the caller may not see.
class Verifier {
 public:
  Verifier(storage::Store* store, const PolicyHolder* policies)
      : store_(store), policies_(policies) {}

  // The server's today (Asia/Shanghai); tests fix it.
  void set_today(std::function<absl::CivilDay()> today) {
    today_ = std::move(today);
  }

  // What Evaluate checks before reading anything (validation, the date's
  // bounds, the consent), for a request already dated: the scheduled
  // consent check reads nothing of a household to find its consent expired.
  // `occasion`: kReverification for a roll entry's stored declaration and
  // consent (engine/context/occasion.h).
  absl::Status Precheck(
      const hedui::v1::VerificationRequest& request,
      engine::Occasion occasion = engine::Occasion::kApplication) const;

  // Fills in verification_date (today) when absent.
  absl::Status Evaluate(
      const CallInfo& call, hedui::v1::VerificationRequest& request,
      hedui::v1::Report* report,
      engine::Occasion occasion = engine::Occasion::kApplication) const;

 private:
  storage::Store* store_;
  const PolicyHolder* policies_;
  std::function<absl::CivilDay()> today_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_VERIFIER_H_
