#ifndef HEDUI_CLIENT_FAKE_VERIFICATION_SERVICE_H_
#define HEDUI_CLIENT_FAKE_VERIFICATION_SERVICE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "grpcpp/server.h"
#include "hedui/v1/audit.grpc.pb.h"
#include "hedui/v1/verification_service.grpc.pb.h"

namespace hedui::cli::testing {

// An answer that is an error: the status, and the `hedui-error-bin`
// trailer when details are set.
struct FakeError {
  grpc::Status status;
  absl::optional<hedui::v1::ErrorDetails> details;
};

// A test double of heduid's VerificationService: answers from what the test
// set and records what it received, over a real gRPC connection.
class FakeVerificationService final
    : public hedui::v1::VerificationService::Service {
 public:
  // Every method answers with this error from now on.
  void FailWith(FakeError error);
  // Verify answers with `report` (its request replaced by the one received);
  // VerifyBatch likewise for each OK item; GetReport knows it by its id.
  void SetReport(hedui::v1::Report report);
  // VerifyBatch answers the request with this application_id with the error
  // instead of a report.
  void FailBatchItem(const std::string& application_id, FakeError error);
  // ListReports pages through these (page token: the offset as text).
  void SetReportSummaries(std::vector<hedui::v1::ReportSummary> reports);
  void SetStats(hedui::v1::GetStatsResponse stats);

  std::vector<hedui::v1::VerificationRequest> verified() const;
  std::vector<hedui::v1::VerificationRequest> batch_received() const;
  std::vector<hedui::v1::ListReportsRequest> list_requests() const;
  std::vector<hedui::v1::GetStatsRequest> stats_requests() const;
  int calls() const;  // of any method

  grpc::Status Verify(grpc::ServerContext* context,
                      const hedui::v1::VerifyRequest* request,
                      hedui::v1::VerifyResponse* response) override;
  grpc::Status VerifyBatch(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<hedui::v1::VerifyBatchResult,
                               hedui::v1::VerifyRequest>* stream) override;
  grpc::Status GetReport(grpc::ServerContext* context,
                         const hedui::v1::GetReportRequest* request,
                         hedui::v1::Report* response) override;
  grpc::Status ListReports(grpc::ServerContext* context,
                           const hedui::v1::ListReportsRequest* request,
                           hedui::v1::ListReportsResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context,
                        const hedui::v1::GetStatsRequest* request,
                        hedui::v1::GetStatsResponse* response) override;

 private:
  // The configured error, if any (counted as a call).
  absl::optional<FakeError> Begin();

  mutable absl::Mutex mu_;
  absl::optional<FakeError> error_ ABSL_GUARDED_BY(mu_);
  hedui::v1::Report report_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, FakeError> batch_failures_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ReportSummary> summaries_ ABSL_GUARDED_BY(mu_);
  hedui::v1::GetStatsResponse stats_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::VerificationRequest> verified_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::VerificationRequest> batch_received_
      ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ListReportsRequest> list_requests_
      ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::GetStatsRequest> stats_requests_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// A test double of heduid's AuditService.
class FakeAuditService final : public hedui::v1::AuditService::Service {
 public:
  void FailWith(FakeError error);
  // ListAudit pages through these (page token: the offset as text).
  void SetEntries(std::vector<hedui::v1::AuditEntry> entries);
  void SetCheck(hedui::v1::VerifyAuditResponse check);
  // ExportAudit sends the header, then these stored entries two per chunk.
  void SetExport(hedui::v1::ExportAuditHeader header,
                 std::vector<std::string> stored);
  std::vector<hedui::v1::ListAuditRequest> list_requests() const;
  std::vector<hedui::v1::ExportAuditRequest> export_requests() const;

  grpc::Status ListAudit(grpc::ServerContext* context,
                         const hedui::v1::ListAuditRequest* request,
                         hedui::v1::ListAuditResponse* response) override;
  grpc::Status VerifyAudit(grpc::ServerContext* context,
                           const hedui::v1::VerifyAuditRequest* request,
                           hedui::v1::VerifyAuditResponse* response) override;
  grpc::Status ExportAudit(
      grpc::ServerContext* context,
      const hedui::v1::ExportAuditRequest* request,
      grpc::ServerWriter<hedui::v1::ExportAuditChunk>* writer) override;

 private:
  mutable absl::Mutex mu_;
  absl::optional<FakeError> error_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::AuditEntry> entries_ ABSL_GUARDED_BY(mu_);
  hedui::v1::ExportAuditHeader export_header_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> export_entries_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ExportAuditRequest> export_requests_
      ABSL_GUARDED_BY(mu_);
  hedui::v1::VerifyAuditResponse check_ ABSL_GUARDED_BY(mu_);
  std::vector<hedui::v1::ListAuditRequest> list_requests_ ABSL_GUARDED_BY(mu_);
};

// Both fakes served on 127.0.0.1 at a port chosen by the kernel, plaintext,
// optionally with gRPC's default health service.
class FakeVerificationServer {
 public:
  struct Options {
    bool health = false;  // serve grpc.health.v1.Health (SERVING)
  };
  FakeVerificationServer() : FakeVerificationServer(Options()) {}
  explicit FakeVerificationServer(Options options);
  ~FakeVerificationServer();

  std::string address() const { return address_; }
  FakeVerificationService& verification() { return verification_; }
  FakeAuditService& audit() { return audit_; }
  grpc::Server& server() { return *server_; }

 private:
  FakeVerificationService verification_;
  FakeAuditService audit_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_FAKE_VERIFICATION_SERVICE_H_
