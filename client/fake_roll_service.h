#ifndef HEDUI_CLIENT_FAKE_ROLL_SERVICE_H_
#define HEDUI_CLIENT_FAKE_ROLL_SERVICE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "client/fake_verification_service.h"
#include "grpcpp/server.h"
#include "hedui/v1/change_service.grpc.pb.h"
#include "hedui/v1/roll_service.grpc.pb.h"

namespace hedui::cli::testing {

// Test doubles of heduid's RollService and ChangeService over a real gRPC
// connection: they answer what the test set and record what they received.
// A method named in Fail() answers with that error instead (by the method's
// name: "Enroll", "WatchChanges", ...).

class FakeRollService final : public hedui::v1::RollService::Service {
 public:
  void Fail(const std::string& method, FakeError error);
  void SetEnrollResponse(hedui::v1::EnrollResponse response);
  void SetWithdrawResponse(hedui::v1::WithdrawResponse response);
  void SetAttachConsentResponse(hedui::v1::AttachConsentResponse response);
  void SetReverifyResponse(hedui::v1::ReverifyResponse response);
  // GetRollEntry finds these by entry id, or the active one by program and
  // applicant; ListRoll pages through them (page token: the offset).
  void SetEntries(std::vector<hedui::v1::RollEntry> entries);
  // ListReviewsDue pages through these.
  void SetReviews(std::vector<hedui::v1::ReviewDue> reviews);

  std::vector<hedui::v1::EnrollRequest> enrolled() const;
  std::vector<hedui::v1::WithdrawRequest> withdrawn() const;
  std::vector<hedui::v1::AttachConsentRequest> consents() const;
  std::vector<hedui::v1::GetRollEntryRequest> gets() const;
  std::vector<hedui::v1::ListRollRequest> lists() const;
  std::vector<hedui::v1::ReverifyRequest> reverified() const;
  std::vector<hedui::v1::ListReviewsDueRequest> reviews_requests() const;
  int calls() const;  // of any method

  grpc::Status Enroll(grpc::ServerContext* context,
                      const hedui::v1::EnrollRequest* request,
                      hedui::v1::EnrollResponse* response) override;
  grpc::Status Withdraw(grpc::ServerContext* context,
                        const hedui::v1::WithdrawRequest* request,
                        hedui::v1::WithdrawResponse* response) override;
  grpc::Status AttachConsent(
      grpc::ServerContext* context,
      const hedui::v1::AttachConsentRequest* request,
      hedui::v1::AttachConsentResponse* response) override;
  grpc::Status GetRollEntry(grpc::ServerContext* context,
                            const hedui::v1::GetRollEntryRequest* request,
                            hedui::v1::RollEntry* response) override;
  grpc::Status ListRoll(grpc::ServerContext* context,
                        const hedui::v1::ListRollRequest* request,
                        hedui::v1::ListRollResponse* response) override;
  grpc::Status Reverify(grpc::ServerContext* context,
                        const hedui::v1::ReverifyRequest* request,
                        hedui::v1::ReverifyResponse* response) override;
  grpc::Status ListReviewsDue(
      grpc::ServerContext* context,
      const hedui::v1::ListReviewsDueRequest* request,
      hedui::v1::ListReviewsDueResponse* response) override;

 private:
  // The configured error of `method`, if any (counted as a call).
  absl::optional<FakeError> Begin(const std::string& method)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, FakeError> failures_ ABSL_GUARDED_BY(mu_);
  hedui::v1::EnrollResponse enroll_ ABSL_GUARDED_BY(mu_);
  hedui::v1::WithdrawResponse withdraw_ ABSL_GUARDED_BY(mu_);
  hedui::v1::AttachConsentResponse attach_ ABSL_GUARDED_BY(mu_);
  hedui::v1::ReverifyResponse reverify_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::RollEntry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ReviewDue> reviews_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::EnrollRequest> enrolled_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::WithdrawRequest> withdrawn_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::AttachConsentRequest> consents_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::GetRollEntryRequest> gets_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ListRollRequest> lists_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ReverifyRequest> reverified_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ListReviewsDueRequest> reviews_requests_
      ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class FakeChangeService final : public hedui::v1::ChangeService::Service {
 public:
  void Fail(const std::string& method, FakeError error);
  // ListChanges pages through these (after and unresolved_only applied),
  // GetChange finds them by number, WatchChanges sends those numbered
  // above `after`.
  void SetEvents(std::vector<hedui::v1::ChangeEvent> events);
  // After sending its events, WatchChanges ends with `status` when set;
  // otherwise it waits until the client cancels.
  void SetWatchEnd(absl::optional<grpc::Status> status);
  void SetStats(hedui::v1::GetChangeStatsResponse stats);

  std::vector<hedui::v1::ListChangesRequest> lists() const;
  std::vector<hedui::v1::WatchChangesRequest> watches() const;
  std::vector<hedui::v1::ResolveChangeRequest> resolved() const;
  std::vector<hedui::v1::GetChangeStatsRequest> stats_requests() const;
  // Events WatchChanges has written so far (over all calls).
  int watch_sent() const;
  // Blocks until WatchChanges has written `n` events in all; false after
  // 10 s.
  bool AwaitWatchSent(int n) const;
  int calls() const;

  grpc::Status ListChanges(grpc::ServerContext* context,
                           const hedui::v1::ListChangesRequest* request,
                           hedui::v1::ListChangesResponse* response) override;
  grpc::Status WatchChanges(
      grpc::ServerContext* context,
      const hedui::v1::WatchChangesRequest* request,
      grpc::ServerWriter<hedui::v1::ChangeEvent>* writer) override;
  grpc::Status GetChange(grpc::ServerContext* context,
                         const hedui::v1::GetChangeRequest* request,
                         hedui::v1::ChangeEvent* response) override;
  grpc::Status ResolveChange(
      grpc::ServerContext* context,
      const hedui::v1::ResolveChangeRequest* request,
      hedui::v1::ResolveChangeResponse* response) override;
  grpc::Status GetChangeStats(
      grpc::ServerContext* context,
      const hedui::v1::GetChangeStatsRequest* request,
      hedui::v1::GetChangeStatsResponse* response) override;

 private:
  absl::optional<FakeError> Begin(const std::string& method)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, FakeError> failures_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ChangeEvent> events_ ABSL_GUARDED_BY(mu_);
  absl::optional<grpc::Status> watch_end_ ABSL_GUARDED_BY(mu_);
  hedui::v1::GetChangeStatsResponse stats_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ListChangesRequest> lists_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::WatchChangesRequest> watches_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ResolveChangeRequest> resolved_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::GetChangeStatsRequest> stats_requests_
      ABSL_GUARDED_BY(mu_);
  int watch_sent_ ABSL_GUARDED_BY(mu_) = 0;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// Both fakes served on 127.0.0.1 at a port chosen by the kernel, plaintext.
class FakeRollServer {
 public:
  FakeRollServer();
  ~FakeRollServer();

  std::string address() const { return address_; }
  FakeRollService& roll() { return roll_; }
  FakeChangeService& changes() { return changes_; }

 private:
  FakeRollService roll_;
  FakeChangeService changes_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_FAKE_ROLL_SERVICE_H_
