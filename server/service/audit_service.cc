#include "server/service/audit_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/errors/error_details.h"
#include "server/service/request_bounds.h"

namespace hedui::server {
namespace {

using hedui::v1::ExportAuditChunk;
using hedui::v1::ExportAuditRequest;
using hedui::v1::ListAuditRequest;
using hedui::v1::ListAuditResponse;
using hedui::v1::VerifyAuditRequest;
using hedui::v1::VerifyAuditResponse;

constexpr MethodSpec kListAudit{"/hedui.v1.AuditService/ListAudit",
                                CallClass::kRead};
constexpr MethodSpec kVerifyAudit{"/hedui.v1.AuditService/VerifyAudit",
                                  CallClass::kRead};
constexpr MethodSpec kExportAudit{"/hedui.v1.AuditService/ExportAudit",
                                  CallClass::kStream};
// Well under any --max-message-mb.
constexpr size_t kExportChunkBytes = 512 << 10;

}  // namespace

AuditServiceImpl::AuditServiceImpl(CallDoor* door, storage::ServiceLog* log)
    : door_(door), log_(log) {
  AddUnary(kListAudit.name, [this](grpc::CallbackServerContext* context,
                                   const Bytes* in, Bytes* out) {
    return door_->Unary<ListAuditRequest, ListAuditResponse>(
        context, kListAudit, in, out, {&BoundListAudit, nullptr, nullptr},
        [this](Call&, const ListAuditRequest& request,
               ListAuditResponse* response) -> absl::Status {
          absl::StatusOr<ListAuditResponse> listed = log_->ListAudit(request);
          if (!listed.ok()) return NamePageTokenField(listed.status());
          *response = *std::move(listed);
          return absl::OkStatus();
        });
  });
  AddUnary(kVerifyAudit.name, [this](grpc::CallbackServerContext* context,
                                     const Bytes* in, Bytes* out) {
    return door_->Unary<VerifyAuditRequest, VerifyAuditResponse>(
        context, kVerifyAudit, in, out, {},
        [this](Call&, const VerifyAuditRequest&,
               VerifyAuditResponse* response) -> absl::Status {
          // The check is read before this call's own entry is appended.
          absl::StatusOr<VerifyAuditResponse> checked = log_->VerifyAudit();
          if (!checked.ok()) return checked.status();
          *response = *std::move(checked);
          return absl::OkStatus();
        });
  });
  AddServerStream(
      kExportAudit.name, [this](grpc::ServerContext* context, const Bytes* in,
                                grpc::ServerWriter<Bytes>* writer) {
        return door_->ServerStream<ExportAuditRequest, ExportAuditChunk>(
            context, kExportAudit, in, writer,
            {&BoundExportAudit, nullptr, nullptr},
            [this](Call& call, const ExportAuditRequest& request,
                   const ChunkWriter& write) {
              return ExportAudit(call, request, write);
            });
      });
}

absl::Status AuditServiceImpl::ExportAudit(Call& call,
                                           const ExportAuditRequest& request,
                                           const ChunkWriter& write) {
  // The range and its entries come from one snapshot, taken before this
  // call's own entry is appended.
  std::unique_ptr<storage::AuditReader> reader = log_->NewAuditReader();
  absl::StatusOr<storage::AuditRange> range =
      reader->Range(request.from_unix_micros(), request.to_unix_micros());
  if (!range.ok()) return range.status();
  // Entries leave only once their export is durably audited: a stream cannot
  // be taken back the way a unary answer is withheld.
  call.subject().detail =
      range->first == 0
          ? std::string("exported no entries")
          : absl::StrCat("exported entries ", range->first, "..", range->last);
  if (absl::Status s = call.AuditNow(absl::OkStatus()).status(); !s.ok()) {
    return s;
  }

  ExportAuditChunk chunk;
  hedui::v1::ExportAuditHeader* header = chunk.mutable_header();
  header->set_first_sequence(range->first);
  header->set_last_sequence(range->last);
  header->set_anchor_mac(range->anchor_mac);
  header->set_chain_length(range->chain_length);
  header->set_from_unix_micros(request.from_unix_micros());
  header->set_to_unix_micros(request.to_unix_micros());
  header->set_exported_unix_micros(absl::ToUnixMicros(absl::Now()));
  bool open = true;
  absl::Status read =
      reader->Read(range->first, range->last, kExportChunkBytes,
                   [&](std::vector<std::string>& entries) {
                     for (std::string& e : entries)
                       chunk.add_entries(std::move(e));
                     open = write(chunk);
                     chunk.Clear();
                     return open && !call.context().IsCancelled();
                   });
  if (!read.ok()) return read;
  if (open && chunk.has_header() && !write(chunk)) {
    return absl::CancelledError("the client went away");
  }
  return absl::OkStatus();
}

}  // namespace hedui::server
