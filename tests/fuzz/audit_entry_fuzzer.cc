// The audit entry codec: an entry as stored and chained (storage/
// audit_chain: EncodeAuditValue, SplitAuditValue, HmacSha256, the head file)
// and as the CLI reads it back from an export (client/audit_file). Checked:
// the server's and the CLI's split and MAC agree on any bytes; any entry
// decoded from the input, chained twice, reads back field for field, and its
// export is intact with and without the key; a head file either fails with
// DATA_LOSS or is read, and its lines written again read the same.
//
// Input: stored bytes (an entry with its mac trailer, or a bare entry); the
// same bytes are also tried as an export file and as a head file.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/audit_file.h"
#include "google/protobuf/util/message_differencer.h"
#include "hedui/v1/audit.pb.h"
#include "storage/audit_chain.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace storage = hedui::storage;
using hedui::v1::AuditEntry;

constexpr absl::string_view kKey = "fuzz-audit-key-0123456789abcdef-32";

const storage::HmacSha256& Hmac() {
  static const storage::HmacSha256* const hmac =
      storage::HmacSha256::Create(kKey)->release();
  return *hmac;
}

// The server's and the CLI's reading of the mac trailer are one format.
void CheckSplitsAgree(absl::string_view value) {
  absl::string_view body1, mac1, body2, mac2;
  const bool server = storage::SplitAuditValue(value, &body1, &mac1);
  const bool cli = hedui::cli::SplitStoredEntry(value, &body2, &mac2);
  HEDUI_FUZZ_CHECK(server == cli, "SplitAuditValue vs SplitStoredEntry");
  if (!server) return;
  HEDUI_FUZZ_CHECK(body1 == body2 && mac1 == mac2, "split differently");
  HEDUI_FUZZ_CHECK(mac1.size() == storage::kAuditMacBytes, "mac size");
  HEDUI_FUZZ_CHECK(
      Hmac().Mac({mac1, body1}) == hedui::cli::AuditMac(kKey, mac1, body1),
      "the server's and the CLI's HMAC differ");
}

// Chains `entry` as entries 1 and 2 the way the service log stores them.
std::vector<std::string> Chain(AuditEntry entry, std::string* last_mac) {
  std::vector<std::string> stored;
  std::string previous(storage::kAuditMacBytes, '\0');
  for (uint64_t sequence = 1; sequence <= 2; ++sequence) {
    entry.set_sequence(sequence);
    entry.set_previous_mac(previous);
    entry.clear_mac();
    const std::string body = entry.SerializeAsString();
    const std::string mac = Hmac().Mac({previous, body});
    const std::string value = storage::EncodeAuditValue(body, mac);

    absl::string_view got_body, got_mac;
    HEDUI_FUZZ_CHECK(storage::SplitAuditValue(value, &got_body, &got_mac),
                     "an encoded entry has no mac trailer");
    HEDUI_FUZZ_CHECK(got_body == body && got_mac == mac, "split differs");
    AuditEntry read;
    HEDUI_FUZZ_CHECK(read.ParseFromString(value),
                     "a stored entry does not parse");
    HEDUI_FUZZ_CHECK(read.mac() == mac, "the stored mac reads back changed");
    read.clear_mac();
    HEDUI_FUZZ_CHECK(
        google::protobuf::util::MessageDifferencer::Equals(read, entry),
        absl::StrCat(read.DebugString(), "\nvs\n", entry.DebugString()));
    stored.push_back(value);
    previous = mac;
  }
  *last_mac = previous;
  return stored;
}

void CheckExport(const std::vector<std::string>& stored,
                 absl::string_view last_mac) {
  hedui::v1::ExportAuditHeader header;
  header.set_first_sequence(1);
  header.set_last_sequence(stored.size());
  header.set_anchor_mac(std::string(storage::kAuditMacBytes, '\0'));
  header.set_chain_length(stored.size());
  std::string file = hedui::cli::ExportHeaderLine(header, "fuzz:7441");
  for (const std::string& value : stored) {
    absl::StatusOr<std::string> line = hedui::cli::ExportEntryLine(value);
    HEDUI_FUZZ_CHECK(line.ok(), line.status().ToString());
    file += *line;
  }
  file += hedui::cli::ExportTrailerLine(stored.size(), last_mac);
  for (absl::string_view key : {kKey, absl::string_view()}) {
    std::istringstream in(file);
    const hedui::cli::ExportCheck check = hedui::cli::CheckAuditExport(in, key);
    HEDUI_FUZZ_CHECK(check.intact && check.entries == stored.size(),
                     absl::StrCat(check.problem, "\n", file));
  }
}

// Memory-backed where there is such a folder: a file is written per input.
const char* Scratch() {
  return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

// A head file is read from a path; one file per process, rewritten each run.
void CheckHeadFile(absl::string_view text) {
  static const std::string path =
      absl::StrCat(Scratch(), "/hedui_fuzz_head_", getpid());
  const auto write = [&](absl::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  };
  write(text);
  const auto heads = storage::ReadHeadFile(path);
  if (!heads.ok()) {
    HEDUI_FUZZ_CHECK(heads.status().code() == absl::StatusCode::kDataLoss,
                     heads.status().ToString());
    return;
  }
  std::string again;
  for (const storage::HeadCheckpoint& h : *heads) {
    again += h.restore
                 ? storage::FormatRestoreLine(h.sequence, h.mac, h.backup_id,
                                              h.restored_unix_seconds)
                 : storage::FormatHeadLine(h.sequence, h.mac);
  }
  write(again);
  const auto reread = storage::ReadHeadFile(path);
  HEDUI_FUZZ_CHECK(reread.ok() && reread->size() == heads->size(), again);
  for (size_t i = 0; i < heads->size(); ++i) {
    const storage::HeadCheckpoint& a = (*heads)[i];
    const storage::HeadCheckpoint& b = (*reread)[i];
    HEDUI_FUZZ_CHECK(a.sequence == b.sequence && a.mac == b.mac &&
                         a.restore == b.restore && a.backup_id == b.backup_id &&
                         a.restored_unix_seconds == b.restored_unix_seconds,
                     again);
  }
  // Whatever the history, its checkpoints come from the file.
  for (const storage::HeadCheckpoint& h : storage::CurrentHistory(*heads)) {
    HEDUI_FUZZ_CHECK(
        h.line >= 1 && h.line <= std::count(text.begin(), text.end(), '\n'),
        again);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view value(reinterpret_cast<const char*>(data), size);
  CheckSplitsAgree(value);

  AuditEntry entry;
  absl::string_view body, mac;
  bool decoded = entry.ParseFromArray(data, static_cast<int>(size));
  if (!decoded && storage::SplitAuditValue(value, &body, &mac)) {
    decoded = entry.ParseFromArray(body.data(), static_cast<int>(body.size()));
  }
  if (decoded) {
    // The service builds entries from fields; it never stores unknown ones.
    entry.DiscardUnknownFields();
    std::string last_mac;
    const std::vector<std::string> stored = Chain(entry, &last_mac);
    CheckExport(stored, last_mac);
  }

  {
    std::istringstream in{std::string(value)};
    const hedui::cli::ExportCheck check =
        hedui::cli::CheckAuditExport(in, kKey);
    HEDUI_FUZZ_CHECK(check.intact == check.problem.empty(), check.problem);
  }
  CheckHeadFile(value);
  return 0;
}
