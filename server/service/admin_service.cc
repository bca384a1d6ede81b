#include "server/service/admin_service.h"

#include "absl/strings/str_cat.h"
#include "server/service/error_details.h"
#include "server/service/status_mapping.h"
#include "spdlog/spdlog.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

absl::StatusOr<hedui::v1::IngestResponse> RunIngest(
    storage::Store* store, const IngestLimits& limits,
    grpc::ServerContext* context,
    grpc::ServerReader<hedui::v1::IngestRequest>* reader) {
  hedui::v1::IngestRequest request;
  if (!reader->Read(&request)) {
    return FieldViolation("header", "the stream ended before any message");
  }
  if (!request.has_header()) {
    return FieldViolation("header", "the first message must carry the header");
  }
  auto ingestor = FeedIngestor::Start(store, request.header(), limits);
  if (!ingestor.ok()) return ingestor.status();
  bool batch_id_received = false;
  while (reader->Read(&request)) {
    if (request.has_header()) {
      return FieldViolation("header", "only the first message may carry it");
    }
    if (batch_id_received) {
      return FieldViolation("batch_id", "must be the stream's last message");
    }
    if (request.part_case() == hedui::v1::IngestRequest::kBatchId) {
      batch_id_received = true;
      if (absl::Status s = (*ingestor)->SetBatchId(request.batch_id());
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (absl::Status s =
            (*ingestor)->Consume(std::move(*request.mutable_chunk()));
        !s.ok()) {
      return s;
    }
  }
  // The stream also ends when the client cancels (a file changed under
  // it): a cancelled upload is never committed.
  if (context->IsCancelled()) {
    return absl::CancelledError("the client cancelled the upload");
  }
  return (*ingestor)->Finish();
}

constexpr char kIngest[] = "/hedui.v1.AdminService/Ingest";
constexpr char kListDepartments[] = "/hedui.v1.AdminService/ListDepartments";

}  // namespace

grpc::Status AdminServiceImpl::Ingest(
    grpc::ServerContext* context,
    grpc::ServerReader<hedui::v1::IngestRequest>* reader,
    hedui::v1::IngestResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kIngest);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kIngest);
  auto result = RunIngest(store_, limits_, context, reader);
  if (!result.ok()) {
    // Masked again here: the log is the one place a stray ID would stay.
    spdlog::warn("ingest refused: {}",
                 MaskResidentIdsInText(result.status().ToString()));
    return FinishCall(auditor_, context, call, result.status());
  }
  *response = *std::move(result);
  spdlog::info(
      "ingest {} batch {}: {} rows, generation {}, {} current rows{} ({:.2f} "
      "s)",
      hedui::v1::Department_Name(response->department()),
      response->batch_id().substr(0, 16), response->rows(),
      response->generation(), response->rows_now_current(),
      response->already_applied() ? ", already applied" : "",
      response->server_seconds());
  return FinishCall(auditor_, context, call, absl::OkStatus());
}

grpc::Status AdminServiceImpl::ListDepartments(
    grpc::ServerContext* context,
    const hedui::v1::ListDepartmentsRequest* /*request*/,
    hedui::v1::ListDepartmentsResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kListDepartments);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kListDepartments);
  auto states = store_->ListDepartments();
  if (!states.ok()) return FinishCall(auditor_, context, call, states.status());
  for (int d = 1; d <= 13; ++d) {
    auto* out = response->add_departments();
    out->set_department(static_cast<hedui::v1::Department>(d));
    for (const auto& state : *states) {
      if (state.department() != d) continue;
      const auto& current = state.current();
      out->set_present(true);
      *out->mutable_as_of() = current.as_of();
      out->set_rows(current.rows());
      out->set_batch_id(current.batch_id());
      out->set_generation(current.generation());
      out->set_ingested_unix_seconds(current.ingested_unix_seconds());
      out->set_deltas_applied(current.deltas_applied());
      for (const auto& kept : state.retained()) {
        out->add_retained_generations(kept.generation());
      }
    }
  }
  return FinishCall(auditor_, context, call, absl::OkStatus());
}

}  // namespace hedui::server
