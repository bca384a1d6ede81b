#ifndef HEDUI_CLIENT_HEALTH_H_
#define HEDUI_CLIENT_HEALTH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// grpc.health.v1.Health/Check, called generically: the generated health
// stubs are not installed on Debian and the two messages are one field
// each, so they are encoded here rather than vendoring health.proto.
inline constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

// HealthCheckRequest{service} in the protobuf wire format (empty for "").
std::string EncodeHealthCheckRequest(absl::string_view service);

// The `status` (field 1) of a HealthCheckResponse: 0 UNKNOWN, 1 SERVING,
// 2 NOT_SERVING, 3 SERVICE_UNKNOWN. Other fields are skipped; malformed
// bytes are an error.
absl::StatusOr<int> DecodeServingStatus(absl::string_view bytes);

// "SERVING" etc.; "STATUS_<n>" for a value the protocol may add.
std::string ServingStatusName(int status);

// `hedui health [--service NAME]`: prints the serving status; kExitOk when
// SERVING, kExitUnavailable when not serving or unreachable.
int RunHealth(const CommandContext& ctx, const std::string& service);

void AddHealthCommand(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_HEALTH_H_
