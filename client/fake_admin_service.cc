#include "client/fake_admin_service.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/rpc_error.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace hedui::cli::testing {

void FakeAdminService::SetIngestBehavior(IngestBehavior behavior) {
  absl::MutexLock lock(&mu_);
  behavior_ = std::move(behavior);
}

void FakeAdminService::SetDepartments(
    hedui::v1::ListDepartmentsResponse response) {
  absl::MutexLock lock(&mu_);
  departments_ = std::move(response);
}

FakeAdminService::Received FakeAdminService::received() const {
  absl::MutexLock lock(&mu_);
  return received_;
}

int FakeAdminService::list_calls() const {
  absl::MutexLock lock(&mu_);
  return list_calls_;
}

grpc::Status FakeAdminService::Ingest(
    grpc::ServerContext* context,
    grpc::ServerReader<hedui::v1::IngestRequest>* reader,
    hedui::v1::IngestResponse* response) {
  IngestBehavior behavior;
  {
    absl::MutexLock lock(&mu_);
    behavior = behavior_;
  }
  Received got;
  got.calls = 1;
  hedui::v1::IngestRequest request;
  bool first = true;
  while (reader->Read(&request)) {
    if (request.part_case() == hedui::v1::IngestRequest::kBatchId) {
      got.batch_id_trailer = request.batch_id();
    } else if (request.has_header()) {
      ++got.header_messages;
      got.header = request.header();
      if (first) got.header_first = true;
      if (behavior.answer_after_header) break;
    } else {
      got.chunk_sizes.push_back(request.chunk().size());
      got.bytes += request.chunk();
    }
    first = false;
  }
  // Read() is false both at the client's half-close and on cancellation:
  // a real server must tell them apart before committing anything.
  got.cancelled = context->IsCancelled();
  {
    absl::MutexLock lock(&mu_);
    got.calls += received_.calls;
    received_ = std::move(got);
  }
  if (behavior.delay > absl::ZeroDuration()) absl::SleepFor(behavior.delay);
  if (behavior.details.has_value()) {
    context->AddTrailingMetadata(kErrorDetailsTrailer,
                                 behavior.details->SerializeAsString());
  }
  if (!behavior.status.ok()) return behavior.status;
  *response = behavior.response;
  return grpc::Status::OK;
}

grpc::Status FakeAdminService::ListDepartments(
    grpc::ServerContext* /*context*/,
    const hedui::v1::ListDepartmentsRequest* /*request*/,
    hedui::v1::ListDepartmentsResponse* response) {
  absl::MutexLock lock(&mu_);
  ++list_calls_;
  *response = departments_;
  return grpc::Status::OK;
}

FakeAdminServer::FakeAdminServer() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeAdminServer::~FakeAdminServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

}  // namespace hedui::cli::testing
