#ifndef HEDUI_CLIENT_AUDIT_H_
#define HEDUI_CLIENT_AUDIT_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/command_context.h"
#include "hedui/v1/audit.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// The flags of `hedui audit list`, as typed.
struct ListAuditOptions {
  std::string from;        // --from TIME (inclusive)
  std::string to;          // --to TIME (exclusive; a bare date: its whole day)
  std::string caller;      // --caller: identity from the client certificate
  std::string program;     // --program
  std::string person;      // --person: a resident ID, matched by its hash
  int page_size = 0;       // --page-size; 0: the server's default (100)
  std::string page_token;  // --page-token
  bool all = false;        // --all: follow next_page_token to the end
};

// The first page's request, checked without the network. Errors name the
// flag.
absl::StatusOr<hedui::v1::ListAuditRequest> BuildListAuditRequest(
    const ListAuditOptions& options);

// `hedui audit verify`: kExitOk when the chain is intact, kExitAuditBroken
// when not (the first broken entry is printed either way).
int RunAuditVerify(const CommandContext& ctx);
// `hedui audit list`.
int RunAuditList(const CommandContext& ctx, const ListAuditOptions& options);

void AddAuditCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_AUDIT_H_
