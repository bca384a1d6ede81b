#include "server/service/audit_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/errors/error_details.h"
#include "server/service/request_bounds.h"
#include "storage/audit_range.h"

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
      kExportAudit.name,
      [this](grpc::CallbackServerContext* context, const Bytes* in) {
        return StartExport(context, *in);
      });
}

// The range and its entries come from one snapshot, taken before this
// call's own entry is appended. Entries leave only once their export is
// durably audited: a stream cannot be taken back the way a unary answer is
// withheld. Each step reads a span of sequence numbers of about one chunk's
// bytes and sends it; the next span is read once the client took it.
class AuditServiceImpl::ExportReactor final : public ServerStreamReactor {
 public:
  ExportReactor(AuditServiceImpl* service, grpc::CallbackServerContext* context)
      : ServerStreamReactor(service->door_, context, kExportAudit),
        service_(service) {}

  // On gRPC's thread.
  void Open(const grpc::ByteBuffer& in) {
    Start(service_->door_->OpenStream(
        call(),
        RequestRules<ExportAuditRequest>{&BoundExportAudit, nullptr, nullptr},
        in, &request_));
  }

 private:
  void Step() override {
    if (Sending()) return;
    if (!opened().ok()) return End(opened());
    if (reader_ == nullptr) {
      if (absl::Status s = Begin(); !s.ok()) return End(s);
    }
    // The door audits the export as cancelled when the client went away;
    // its entry already names the whole range.
    if (Cancelled() || Broken()) return End(absl::OkStatus());
    if (next_ == 0 || next_ > last_) {
      // No entry at all: the header alone.
      if (chunk_.has_header()) {
        Send(chunk_);
        chunk_.Clear();
        return;
      }
      return End(absl::OkStatus());
    }
    const uint64_t to = last_ - next_ + 1 > span_ ? next_ + span_ - 1 : last_;
    size_t bytes = 0;
    absl::Status read = reader_->Read(next_, to, kExportChunkBytes,
                                      [&](std::vector<std::string>& entries) {
                                        for (std::string& e : entries) {
                                          bytes += e.size();
                                          chunk_.add_entries(std::move(e));
                                        }
                                        Send(chunk_);
                                        chunk_.Clear();
                                        return true;
                                      });
    if (!read.ok()) return End(read);
    // The next span of about one chunk's bytes, growing at most twofold,
    // so that what one step queues stays near a chunk.
    const uint64_t spanned = to - next_ + 1;
    const uint64_t most = std::min<uint64_t>(2 * span_, kMaxSpan);
    span_ = bytes == 0 ? most
                       : std::clamp<uint64_t>(
                             spanned * kExportChunkBytes / bytes, 1, most);
    next_ = to + 1;
    // A span with no entry (missing ones) sends nothing: no write calls the
    // next step.
    if (!Sending()) Poke();
  }

  absl::Status Begin() {
    reader_ = service_->log_->NewAuditReader();
    absl::StatusOr<storage::AuditRange> range =
        reader_->Range(request_.from_unix_micros(), request_.to_unix_micros());
    if (!range.ok()) return range.status();
    call().subject().detail =
        range->first == 0 ? std::string("exported no entries")
                          : absl::StrCat("exported entries ", range->first,
                                         "..", range->last);
    if (absl::Status s = call().AuditNow(absl::OkStatus()).status(); !s.ok()) {
      return s;
    }
    hedui::v1::ExportAuditHeader* header = chunk_.mutable_header();
    header->set_first_sequence(range->first);
    header->set_last_sequence(range->last);
    header->set_anchor_mac(range->anchor_mac);
    header->set_chain_length(range->chain_length);
    header->set_from_unix_micros(request_.from_unix_micros());
    header->set_to_unix_micros(request_.to_unix_micros());
    header->set_exported_unix_micros(absl::ToUnixMicros(absl::Now()));
    next_ = range->first;
    last_ = range->last;
    return absl::OkStatus();
  }

  // Entries read per step at most, whatever their size.
  static constexpr uint64_t kMaxSpan = 4096;

  AuditServiceImpl* const service_;
  ExportAuditRequest request_;
  std::unique_ptr<storage::AuditReader> reader_;
  // The next message: the header until the first entries go with it.
  ExportAuditChunk chunk_;
  uint64_t next_ = 0;  // the next sequence to read; 0: the range is empty
  uint64_t last_ = 0;
  uint64_t span_ = 256;
};

grpc::ServerWriteReactor<grpc::ByteBuffer>* AuditServiceImpl::StartExport(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& in) {
  auto* reactor = new ExportReactor(this, context);
  reactor->Open(in);
  return reactor;
}

}  // namespace hedui::server
