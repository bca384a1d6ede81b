#include "client/fake_verification_service.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/rpc_error.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace hedui::cli::testing {
namespace {

grpc::Status Answer(const FakeError& error, grpc::ServerContext* context) {
  if (error.details.has_value()) {
    context->AddTrailingMetadata(kErrorDetailsTrailer,
                                 error.details->SerializeAsString());
  }
  return error.status;
}

// [offset, offset + page_size) of `items`, and the next page's token.
template <typename T>
std::pair<std::vector<T>, std::string> Page(const std::vector<T>& items,
                                            const std::string& token,
                                            int page_size, int default_size) {
  size_t offset = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &offset)) offset = 0;
  const size_t size = page_size > 0 ? page_size : default_size;
  const size_t end = std::min(items.size(), offset + size);
  std::vector<T> page;
  for (size_t i = std::min(offset, items.size()); i < end; ++i) {
    page.push_back(items[i]);
  }
  return {std::move(page), end < items.size() ? absl::StrCat(end) : ""};
}

}  // namespace

void FakeVerificationService::FailWith(FakeError error) {
  absl::MutexLock lock(&mu_);
  error_ = std::move(error);
}

void FakeVerificationService::SetReport(hedui::v1::Report report) {
  absl::MutexLock lock(&mu_);
  report_ = std::move(report);
}

void FakeVerificationService::FailBatchItem(const std::string& application_id,
                                            FakeError error) {
  absl::MutexLock lock(&mu_);
  batch_failures_[application_id] = std::move(error);
}

void FakeVerificationService::SetReportSummaries(
    std::vector<hedui::v1::ReportSummary> reports) {
  absl::MutexLock lock(&mu_);
  summaries_ = std::move(reports);
}

void FakeVerificationService::SetStats(hedui::v1::GetStatsResponse stats) {
  absl::MutexLock lock(&mu_);
  stats_ = std::move(stats);
}

std::vector<hedui::v1::VerificationRequest> FakeVerificationService::verified()
    const {
  absl::MutexLock lock(&mu_);
  return verified_;
}

std::vector<hedui::v1::VerificationRequest>
FakeVerificationService::batch_received() const {
  absl::MutexLock lock(&mu_);
  return batch_received_;
}

std::vector<hedui::v1::ListReportsRequest>
FakeVerificationService::list_requests() const {
  absl::MutexLock lock(&mu_);
  return list_requests_;
}

std::vector<hedui::v1::GetStatsRequest>
FakeVerificationService::stats_requests() const {
  absl::MutexLock lock(&mu_);
  return stats_requests_;
}

int FakeVerificationService::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

absl::optional<FakeError> FakeVerificationService::Begin() {
  absl::MutexLock lock(&mu_);
  ++calls_;
  return error_;
}

grpc::Status FakeVerificationService::Verify(
    grpc::ServerContext* context, const hedui::v1::VerifyRequest* request,
    hedui::v1::VerifyResponse* response) {
  if (auto error = Begin()) return Answer(*error, context);
  absl::MutexLock lock(&mu_);
  verified_.push_back(request->request());
  *response->mutable_report() = report_;
  *response->mutable_report()->mutable_request() = request->request();
  return grpc::Status::OK;
}

grpc::Status FakeVerificationService::VerifyBatch(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<hedui::v1::VerifyBatchResult,
                             hedui::v1::VerifyRequest>* stream) {
  if (auto error = Begin()) return Answer(*error, context);
  hedui::v1::VerifyRequest request;
  int64_t index = 0;
  // Answers each request before reading the next, as heduid does.
  while (stream->Read(&request)) {
    hedui::v1::VerifyBatchResult result;
    result.set_index(index++);
    {
      absl::MutexLock lock(&mu_);
      batch_received_.push_back(request.request());
      auto failure = batch_failures_.find(request.request().application_id());
      if (failure != batch_failures_.end()) {
        result.set_code(failure->second.status.error_code());
        result.set_message(failure->second.status.error_message());
        if (failure->second.details.has_value()) {
          *result.mutable_details() = *failure->second.details;
        }
      } else {
        *result.mutable_report() = report_;
        *result.mutable_report()->mutable_request() = request.request();
        // Ids as heduid makes them: the stored report's number + index.
        uint64_t base = 0;
        if (!absl::SimpleAtoi(absl::string_view(report_.report_id()).substr(1),
                              &base)) {
          base = 0;
        }
        result.mutable_report()->set_report_id(
            absl::StrFormat("R%012d", base + static_cast<uint64_t>(index)));
      }
    }
    if (!stream->Write(result)) break;
  }
  return grpc::Status::OK;
}

grpc::Status FakeVerificationService::GetReport(
    grpc::ServerContext* context, const hedui::v1::GetReportRequest* request,
    hedui::v1::Report* response) {
  if (auto error = Begin()) return Answer(*error, context);
  absl::MutexLock lock(&mu_);
  if (request->report_id() != report_.report_id()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such report");
  }
  *response = report_;
  return grpc::Status::OK;
}

grpc::Status FakeVerificationService::ListReports(
    grpc::ServerContext* context, const hedui::v1::ListReportsRequest* request,
    hedui::v1::ListReportsResponse* response) {
  if (auto error = Begin()) return Answer(*error, context);
  absl::MutexLock lock(&mu_);
  list_requests_.push_back(*request);
  auto [page, next] =
      Page(summaries_, request->page_token(), request->page_size(), 50);
  for (auto& r : page) *response->add_reports() = std::move(r);
  response->set_next_page_token(next);
  return grpc::Status::OK;
}

grpc::Status FakeVerificationService::GetStats(
    grpc::ServerContext* context, const hedui::v1::GetStatsRequest* request,
    hedui::v1::GetStatsResponse* response) {
  if (auto error = Begin()) return Answer(*error, context);
  absl::MutexLock lock(&mu_);
  stats_requests_.push_back(*request);
  *response = stats_;
  return grpc::Status::OK;
}

void FakeAuditService::FailWith(FakeError error) {
  absl::MutexLock lock(&mu_);
  error_ = std::move(error);
}

void FakeAuditService::SetEntries(std::vector<hedui::v1::AuditEntry> entries) {
  absl::MutexLock lock(&mu_);
  entries_ = std::move(entries);
}

void FakeAuditService::SetCheck(hedui::v1::VerifyAuditResponse check) {
  absl::MutexLock lock(&mu_);
  check_ = std::move(check);
}

std::vector<hedui::v1::ListAuditRequest> FakeAuditService::list_requests()
    const {
  absl::MutexLock lock(&mu_);
  return list_requests_;
}

grpc::Status FakeAuditService::ListAudit(
    grpc::ServerContext* context, const hedui::v1::ListAuditRequest* request,
    hedui::v1::ListAuditResponse* response) {
  absl::MutexLock lock(&mu_);
  if (error_.has_value()) return Answer(*error_, context);
  list_requests_.push_back(*request);
  auto [page, next] =
      Page(entries_, request->page_token(), request->page_size(), 100);
  for (auto& e : page) *response->add_entries() = std::move(e);
  response->set_next_page_token(next);
  return grpc::Status::OK;
}

grpc::Status FakeAuditService::VerifyAudit(
    grpc::ServerContext* context,
    const hedui::v1::VerifyAuditRequest* /*request*/,
    hedui::v1::VerifyAuditResponse* response) {
  absl::MutexLock lock(&mu_);
  if (error_.has_value()) return Answer(*error_, context);
  *response = check_;
  return grpc::Status::OK;
}

void FakeAuditService::SetExport(hedui::v1::ExportAuditHeader header,
                                 std::vector<std::string> stored) {
  absl::MutexLock lock(&mu_);
  export_header_ = std::move(header);
  export_entries_ = std::move(stored);
}

std::vector<hedui::v1::ExportAuditRequest> FakeAuditService::export_requests()
    const {
  absl::MutexLock lock(&mu_);
  return export_requests_;
}

grpc::Status FakeAuditService::ExportAudit(
    grpc::ServerContext* context, const hedui::v1::ExportAuditRequest* request,
    grpc::ServerWriter<hedui::v1::ExportAuditChunk>* writer) {
  absl::MutexLock lock(&mu_);
  if (error_.has_value()) return Answer(*error_, context);
  export_requests_.push_back(*request);
  hedui::v1::ExportAuditChunk chunk;
  *chunk.mutable_header() = export_header_;
  for (size_t i = 0; i < export_entries_.size(); ++i) {
    chunk.add_entries(export_entries_[i]);
    if (chunk.entries_size() == 2) {
      writer->Write(chunk);
      chunk.Clear();
    }
  }
  if (chunk.entries_size() > 0 || chunk.has_header()) writer->Write(chunk);
  return grpc::Status::OK;
}

FakeVerificationServer::FakeVerificationServer(Options options) {
  // The default health service is a process-wide switch read when a server
  // is built; it is turned off again so other tests' servers stay without.
  if (options.health) grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&verification_);
  builder.RegisterService(&audit_);
  server_ = builder.BuildAndStart();
  if (options.health) grpc::EnableDefaultHealthCheckService(false);
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeVerificationServer::~FakeVerificationServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

}  // namespace hedui::cli::testing
