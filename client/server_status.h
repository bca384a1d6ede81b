#ifndef HEDUI_CLIENT_SERVER_STATUS_H_
#define HEDUI_CLIENT_SERVER_STATUS_H_

#include <ostream>

#include "client/command_context.h"
#include "hedui/v1/admin.pb.h"

namespace hedui::cli {

// `hedui health --details`: AdminService.GetServerStatus (staff, admin)
// printed for an operator; kExitOk when nothing needs acting on, else
// kExitUnavailable with the warnings listed.
int RunServerStatus(const CommandContext& ctx);

// The text form, for tests.
void PrintServerStatus(const hedui::v1::ServerStatus& status,
                       std::ostream& out);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_SERVER_STATUS_H_
