#include "server/service/audit_service.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/service/audit_outcome.h"
#include "server/service/status_mapping.h"

namespace hedui::server {
namespace {
constexpr char kListAudit[] = "/hedui.v1.AuditService/ListAudit";
constexpr char kVerifyAudit[] = "/hedui.v1.AuditService/VerifyAudit";
constexpr char kExportAudit[] = "/hedui.v1.AuditService/ExportAudit";
// Well under any --max-message-mb.
constexpr size_t kExportChunkBytes = 512 << 10;

absl::Status ValidateExport(const hedui::v1::ExportAuditRequest& request) {
  if (request.from_unix_micros() < 0 || request.to_unix_micros() < 0) {
    return absl::InvalidArgumentError(
        "from_unix_micros and to_unix_micros must not be negative");
  }
  if (request.to_unix_micros() != 0 &&
      request.from_unix_micros() >= request.to_unix_micros()) {
    return absl::InvalidArgumentError(
        "from_unix_micros must be before to_unix_micros");
  }
  return absl::OkStatus();
}
}  // namespace

grpc::Status AuditServiceImpl::ListAudit(
    grpc::ServerContext* context, const hedui::v1::ListAuditRequest* request,
    hedui::v1::ListAuditResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kListAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kListAudit);
  absl::StatusOr<hedui::v1::ListAuditResponse> listed =
      log_->ListAudit(*request);
  if (!listed.ok()) return FinishCall(auditor_, context, call, listed.status());
  *response = *std::move(listed);
  return FinishCall(auditor_, context, call, absl::OkStatus());
}

grpc::Status AuditServiceImpl::VerifyAudit(
    grpc::ServerContext* context, const hedui::v1::VerifyAuditRequest*,
    hedui::v1::VerifyAuditResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kVerifyAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kVerifyAudit);
  // The check itself is read before this call's own entry is appended.
  absl::StatusOr<hedui::v1::VerifyAuditResponse> checked = log_->VerifyAudit();
  if (!checked.ok()) {
    return FinishCall(auditor_, context, call, checked.status());
  }
  *response = *std::move(checked);
  return FinishCall(auditor_, context, call, absl::OkStatus());
}

grpc::Status AuditServiceImpl::ExportAudit(
    grpc::ServerContext* context, const hedui::v1::ExportAuditRequest* request,
    grpc::ServerWriter<hedui::v1::ExportAuditChunk>* writer) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kExportAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kExportAudit);
  if (absl::Status s = ValidateExport(*request); !s.ok()) {
    return FinishCall(auditor_, context, call, s);
  }
  // The range and its entries come from one snapshot, taken before this
  // call's own entry is appended.
  std::unique_ptr<storage::AuditReader> reader = log_->NewAuditReader();
  absl::StatusOr<storage::AuditRange> range =
      reader->Range(request->from_unix_micros(), request->to_unix_micros());
  if (!range.ok()) return FinishCall(auditor_, context, call, range.status());
  // Entries leave only once their export is durably audited: a stream cannot
  // be taken back the way a unary answer is withheld.
  absl::Status audited = AuditOutcome(
      log_, call,
      range->first == 0 ? std::string("OK: exported no entries")
                        : absl::StrCat("OK: exported entries ", range->first,
                                       "..", range->last));
  if (!audited.ok()) return ToGrpcStatus(audited, context);

  hedui::v1::ExportAuditChunk chunk;
  hedui::v1::ExportAuditHeader* header = chunk.mutable_header();
  header->set_first_sequence(range->first);
  header->set_last_sequence(range->last);
  header->set_anchor_mac(range->anchor_mac);
  header->set_chain_length(range->chain_length);
  header->set_from_unix_micros(request->from_unix_micros());
  header->set_to_unix_micros(request->to_unix_micros());
  header->set_exported_unix_micros(absl::ToUnixMicros(absl::Now()));
  bool open = true;
  absl::Status read = reader->Read(range->first, range->last, kExportChunkBytes,
                                   [&](std::vector<std::string>& entries) {
                                     for (std::string& e : entries)
                                       chunk.add_entries(std::move(e));
                                     open = writer->Write(chunk);
                                     chunk.Clear();
                                     return open && !context->IsCancelled();
                                   });
  if (!read.ok()) return ToGrpcStatus(read, context);
  if (open && chunk.has_header() && !writer->Write(chunk)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  }
  return grpc::Status::OK;
}

}  // namespace hedui::server
