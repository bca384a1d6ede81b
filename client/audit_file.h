#ifndef HEDUI_CLIENT_AUDIT_FILE_H_
#define HEDUI_CLIENT_AUDIT_FILE_H_

// The audit export file written by `hedui audit export` and checked offline
// by `hedui audit verify --file` (format in client/README.md, "Audit export
// file"): JSON lines, a header, one line per entry with its stored bytes, a
// trailer.

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/audit.pb.h"

namespace hedui::cli {

inline constexpr char kAuditExportFormat[] = "hedui-audit-export/1";

// The chain's MAC: HMAC-SHA256(key, previous_mac || body), body being the
// stored entry without its 34-byte mac trailer. The same computation as
// storage/audit_chain.h's HmacSha256, which the CLI may not link: both are
// tested against storage/testing/audit_mac_vector.h so they cannot drift.
std::string AuditMac(absl::string_view key, absl::string_view previous_mac,
                     absl::string_view body);

// Splits a stored entry into the bytes its MAC covers and the MAC (false
// when it does not end with a 32-byte mac field).
bool SplitStoredEntry(absl::string_view stored, absl::string_view* body,
                      absl::string_view* mac);

// Lines of the file, each ending in '\n'.
std::string ExportHeaderLine(const hedui::v1::ExportAuditHeader& header,
                             absl::string_view server);
// INVALID_ARGUMENT when the server sent something that is not an entry.
absl::StatusOr<std::string> ExportEntryLine(absl::string_view stored);
std::string ExportTrailerLine(uint64_t entries, absl::string_view last_mac);

struct ExportCheck {
  bool intact = false;
  bool macs_checked = false;  // a key was given
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  uint64_t entries = 0;                // checked and intact
  uint64_t first_broken_sequence = 0;  // 0 when intact, or not at an entry
  std::string problem;
};

// Checks an export: sequence contiguous from the header's first to its
// last, every entry naming the previous one's mac (the first: the header's
// anchor), readable entries equal to their stored bytes, the trailer
// present and agreeing. With `key` (the audit key, as heduid reads it) every
// MAC is recomputed too; without it an editor who also rewrote the links
// after an entry is not caught. The first problem found is reported.
ExportCheck CheckAuditExport(std::istream& in, absl::string_view key);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_AUDIT_FILE_H_
