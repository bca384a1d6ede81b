#ifndef HEDUI_CLIENT_DEPARTMENTS_H_
#define HEDUI_CLIENT_DEPARTMENTS_H_

#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// `hedui departments` (also `hedui data status`): each department's current
// snapshot from AdminService.ListDepartments, through ctx's printer.
// Returns an ExitCode.
int RunDepartments(const CommandContext& ctx);

// Adds `departments` and `data status` to `app`; when one of them is given,
// *selected is set to run it.
void AddDepartmentsCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_DEPARTMENTS_H_
