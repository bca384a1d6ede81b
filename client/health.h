#ifndef HEDUI_CLIENT_HEALTH_H_
#define HEDUI_CLIENT_HEALTH_H_

#include <string>

#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// grpc.health.v1.Health/Check, through the stubs generated from
// grpc-proto's health.proto (proto/CMakeLists.txt).

// "SERVING" etc.; "STATUS_<n>" for a value the protocol may add.
std::string ServingStatusName(int status);

// `hedui health [--service NAME]`: prints the serving status; kExitOk when
// SERVING, kExitUnavailable when not serving or unreachable.
int RunHealth(const CommandContext& ctx, const std::string& service);

void AddHealthCommand(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_HEALTH_H_
