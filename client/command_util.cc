#include "client/command_util.h"

#include "absl/strings/str_cat.h"
#include "client/connection.h"
#include "client/exit_codes.h"
#include "google/protobuf/util/json_util.h"

namespace hedui::cli {

int UsageError(const CommandContext& ctx, absl::string_view command,
               absl::string_view message) {
  *ctx.err << "hedui " << command << ": " << message << "\nRun 'hedui "
           << command << " --help' for usage.\n"
           << std::flush;
  return kExitUsage;
}

int LocalError(const CommandContext& ctx, absl::string_view command,
               absl::string_view message) {
  *ctx.err << "hedui " << command << ": " << message << '\n' << std::flush;
  return kExitError;
}

std::shared_ptr<grpc::Channel> ConnectOrReport(const CommandContext& ctx,
                                               absl::string_view command) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(ctx.connection);
  if (!channel.ok()) {
    UsageError(ctx, command, channel.status().message());
    return nullptr;
  }
  return *std::move(channel);
}

int PrintOutcome(const CommandContext& ctx, absl::string_view command,
                 const absl::Status& printed) {
  if (printed.ok()) return kExitOk;
  return LocalError(ctx, command, printed.message());
}

int PrintMessageJson(const CommandContext& ctx, absl::string_view command,
                     const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return LocalError(ctx, command,
                      absl::StrCat("cannot print JSON: ", status.ToString()));
  }
  *ctx.out << json << '\n' << std::flush;
  return kExitOk;
}

}  // namespace hedui::cli
