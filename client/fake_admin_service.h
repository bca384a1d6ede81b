#ifndef HEDUI_CLIENT_FAKE_ADMIN_SERVICE_H_
#define HEDUI_CLIENT_FAKE_ADMIN_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "grpcpp/server.h"
#include "hedui/v1/admin.grpc.pb.h"

namespace hedui::cli::testing {

// A test double of heduid's AdminService, for testing the CLI's streaming
// and error handling over a real gRPC connection: it records what Ingest
// receives and answers as configured.
class FakeAdminService final : public hedui::v1::AdminService::Service {
 public:
  // How Ingest answers.
  struct IngestBehavior {
    hedui::v1::IngestResponse response;  // when status is OK
    grpc::Status status = grpc::Status::OK;
    // Sent as the `hedui-error-bin` trailer when set.
    absl::optional<hedui::v1::ErrorDetails> details;
    // Answer right after the header, without reading the file (the server
    // rejecting a header, or failing early).
    bool answer_after_header = false;
    absl::Duration delay = absl::ZeroDuration();  // before answering
  };

  // What the last Ingest call received.
  struct Received {
    int calls = 0;
    int header_messages = 0;
    bool header_first = false;     // the first message was the header
    std::string batch_id_trailer;  // the last message's batch id, if any
    hedui::v1::IngestHeader header;
    std::string bytes;  // the chunks, concatenated
    std::vector<size_t> chunk_sizes;
    bool cancelled = false;  // the client cancelled before the end
  };

  void SetIngestBehavior(IngestBehavior behavior);
  void SetDepartments(hedui::v1::ListDepartmentsResponse response);
  Received received() const;
  int list_calls() const;

  grpc::Status Ingest(grpc::ServerContext* context,
                      grpc::ServerReader<hedui::v1::IngestRequest>* reader,
                      hedui::v1::IngestResponse* response) override;
  grpc::Status ListDepartments(
      grpc::ServerContext* context,
      const hedui::v1::ListDepartmentsRequest* request,
      hedui::v1::ListDepartmentsResponse* response) override;

 private:
  mutable absl::Mutex mu_;
  IngestBehavior behavior_ ABSL_GUARDED_BY(mu_);
  Received received_ ABSL_GUARDED_BY(mu_);
  hedui::v1::ListDepartmentsResponse departments_ ABSL_GUARDED_BY(mu_);
  int list_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// FakeAdminService served on 127.0.0.1 at a port chosen by the kernel.
class FakeAdminServer {
 public:
  FakeAdminServer();
  ~FakeAdminServer();

  std::string address() const { return address_; }
  FakeAdminService& service() { return service_; }

 private:
  FakeAdminService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_FAKE_ADMIN_SERVICE_H_
