#ifndef HEDUI_SERVER_SECURITY_CALLERS_FILE_H_
#define HEDUI_SERVER_SECURITY_CALLERS_FILE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/security/caller_registry.h"

namespace hedui::security {

// Reads a callers file: protobuf text format of hedui.config.v1.Callers
// (proto/hedui/config/v1/callers.proto, deploy/README-certificates.md).
//
// The whole file is checked and every problem reported at once, as
// INVALID_ARGUMENT with one "file:line:column: field: problem" per line
// (1-based), e.g.
//   callers.textproto:9:17: callers[1].region_codes[0]: "32058" is not a
//   6-digit county code
// Refused: text-format errors, unknown fields and enum names, a missing or
// repeated identity, a missing role, an unknown or repeated program or county,
// a program system without programs or counties, staff without counties, and
// a file with no callers.
//
// The meaning of an empty list is settled here (Caller's Scopes): programs
// empty = every program for STAFF and ADMIN; region_codes empty = every county
// for ADMIN.
absl::StatusOr<std::shared_ptr<const CallerRegistry>> LoadCallersText(
    absl::string_view text, absl::string_view file_name);

// As LoadCallersText, for the file at `path`. NOT_FOUND naming the file when
// it cannot be opened or read.
absl::StatusOr<std::shared_ptr<const CallerRegistry>> LoadCallersFile(
    const std::string& path);

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_CALLERS_FILE_H_
