#ifndef HEDUI_CLIENT_COMMAND_UTIL_H_
#define HEDUI_CLIENT_COMMAND_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command_context.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"

namespace hedui::cli {

// What every command prints when something goes wrong before or after its
// call, so all commands read alike. `command` is as typed ("report list").

// "hedui <command>: <message>" and a pointer to --help; returns kExitUsage.
int UsageError(const CommandContext& ctx, absl::string_view command,
               absl::string_view message);

// "hedui <command>: <message>"; returns kExitError.
int LocalError(const CommandContext& ctx, absl::string_view command,
               absl::string_view message);

// Connect() for `command`; on a flag mistake prints it as a usage error and
// returns nullptr (then the command returns kExitUsage).
std::shared_ptr<grpc::Channel> ConnectOrReport(const CommandContext& ctx,
                                               absl::string_view command);

// kExitOk when the printer succeeded, else a local error.
int PrintOutcome(const CommandContext& ctx, absl::string_view command,
                 const absl::Status& printed);

// `message` as one line of JSON (the proto's field names, zeros printed, as
// every command's --output json); kExitOk, or a local error.
int PrintMessageJson(const CommandContext& ctx, absl::string_view command,
                     const google::protobuf::Message& message);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_COMMAND_UTIL_H_
