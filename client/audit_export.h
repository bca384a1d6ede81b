#ifndef HEDUI_CLIENT_AUDIT_EXPORT_H_
#define HEDUI_CLIENT_AUDIT_EXPORT_H_

// `hedui audit export` and `hedui audit verify --file`: an export of the
// audit trail that an auditor checks away from the server (client/README.md,
// "Audit export file").

#include <string>

#include "client/command_context.h"

namespace hedui::cli {

struct ExportAuditOptions {
  std::string from;  // --from TIME (inclusive); empty: the first entry
  std::string to;    // --to TIME (exclusive; a bare date: its whole day)
  std::string out;   // --out FILE
};

// The flags of `hedui audit verify --file`.
struct VerifyFileOptions {
  std::string file;      // --file: an export; empty: check the server's chain
  std::string key_file;  // --key-file: the audit key, to recompute MACs
};

// Writes FILE.partial and renames it to FILE once the stream has ended well:
// a FILE that exists is a whole export.
int RunAuditExport(const CommandContext& ctx,
                   const ExportAuditOptions& options);

// Checks an export file; with a key file (the audit key, raw bytes, as
// heduid's --audit-key-file) the MACs too. kExitOk when intact,
// kExitAuditBroken when not; the first problem is printed either way.
int RunAuditVerifyFile(const CommandContext& ctx, const std::string& file,
                       const std::string& key_file);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_AUDIT_EXPORT_H_
