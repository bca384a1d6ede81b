#ifndef HEDUI_STORAGE_AUDIT_CHAIN_H_
#define HEDUI_STORAGE_AUDIT_CHAIN_H_

// The pieces of the audit chain that do not need the database: the MAC, the
// stored form of an entry and the head file (storage/FORMAT.md, "audit").

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL types, kept out of every includer.
typedef struct evp_mac_st EVP_MAC;
typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace hedui::storage {

inline constexpr size_t kAuditMacBytes = 32;
inline constexpr size_t kAuditKeyMinBytes = 32;

// HMAC-SHA256 under one key. Thread-safe: the key schedule is computed once
// and every call works on its own copy of it.
class HmacSha256 {
 public:
  static absl::StatusOr<std::unique_ptr<HmacSha256>> Create(
      absl::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // The 32-byte MAC of the concatenated parts (no copy to join them). Aborts
  // if OpenSSL fails, which after a successful Create only an allocation
  // failure can cause.
  std::string Mac(std::initializer_list<absl::string_view> parts) const;

 private:
  HmacSha256(EVP_MAC* mac, EVP_MAC_CTX* keyed) : mac_(mac), keyed_(keyed) {}
  EVP_MAC* mac_;
  EVP_MAC_CTX* keyed_;
};

// A stored entry is the AuditEntry serialized with `mac` cleared (the exact
// bytes the MAC covers) followed by the `mac` field itself (tag 0x7A, length
// 0x20, 32 bytes). The whole value still parses as an AuditEntry, and a
// verifier MACs the stored bytes as they are, never a re-serialization.
std::string EncodeAuditValue(std::string unmaced_entry, absl::string_view mac);
// False when the value does not end with a 32-byte mac field.
bool SplitAuditValue(absl::string_view value, absl::string_view* unmaced_entry,
                     absl::string_view* mac);

// The head file: one "sequence mac-hex\n" line per checkpoint, and one
// "restored sequence mac-hex backup-id unix-seconds\n" line per restore
// from backup (storage/FORMAT.md).
struct HeadCheckpoint {
  uint64_t sequence = 0;
  std::string mac;  // raw bytes
  int line = 0;     // 1-based, for messages
  // A restore marker: the chain was brought back to `sequence` (mac); heads
  // before this line past `sequence` name a history the restore discarded.
  bool restore = false;
  uint64_t backup_id = 0;
  int64_t restored_unix_seconds = 0;
};
std::string FormatHeadLine(uint64_t sequence, absl::string_view mac);
std::string FormatRestoreLine(uint64_t sequence, absl::string_view mac,
                              uint64_t backup_id, int64_t unix_seconds);
// The checkpoints the current history must match, in file order: each
// restore marker drops the earlier ones past its sequence (the discarded
// history, whose sequence numbers are reused) and is itself a checkpoint,
// unless it restored an empty chain.
std::vector<HeadCheckpoint> CurrentHistory(
    const std::vector<HeadCheckpoint>& lines);
// Every complete line; a missing file has none. A last line without its
// newline is a write a crash interrupted (the entries it names were durable
// before it was started) and is ignored. DATA_LOSS names a malformed line.
absl::StatusOr<std::vector<HeadCheckpoint>> ReadHeadFile(
    const std::string& path);
// Appends `line` (O_APPEND, created 0600 if missing) and fsyncs it; a new
// file's directory is synced too, so the file itself survives a crash.
absl::Status AppendHeadLine(const std::string& path, absl::string_view line);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_AUDIT_CHAIN_H_
