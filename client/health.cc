#include "client/health.h"

#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/printer.h"
#include "client/rpc_error.h"
#include "client/server_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace hedui::cli {
namespace {

namespace pb = grpc::health::v1;

constexpr char kCommand[] = "health";
// A health check answers at once or not at all.
constexpr double kHealthTimeoutSeconds = 5;

}  // namespace

std::string ServingStatusName(int status) {
  if (!pb::HealthCheckResponse::ServingStatus_IsValid(status)) {
    return absl::StrCat("STATUS_", status);
  }
  return pb::HealthCheckResponse::ServingStatus_Name(
      static_cast<pb::HealthCheckResponse::ServingStatus>(status));
}

int RunHealth(const CommandContext& ctx, const std::string& service) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kHealthTimeoutSeconds, &call);
  pb::HealthCheckRequest request;
  request.set_service(service);
  pb::HealthCheckResponse response;
  const grpc::Status status =
      pb::Health::NewStub(channel)->Check(&call, request, &response);
  if (!status.ok()) {
    const CallInfo info{
        kCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kHealthTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }

  HealthSummary health;
  health.server = ctx.connection.server;
  health.service = service;
  health.status = ServingStatusName(response.status());
  const int printed = PrintOutcome(
      ctx, kCommand, MakePrinter(ctx.output)->PrintHealth(health, *ctx.out));
  if (printed != kExitOk) return printed;
  return response.status() == pb::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitUnavailable;
}

void AddHealthCommand(CLI::App& app, CommandAction* selected) {
  auto service = std::make_shared<std::string>();
  auto details = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "health",
      "Ask heduid's gRPC health service whether it is serving (exit 0) or "
      "not (exit 5)");
  cmd->add_option("--service", *service,
                  "Service name to ask about (default: the whole server)");
  cmd->add_flag("--details", *details,
                "Also the server's status (staff, admin): certificates, data "
                "ages, audit chain; exit 5 when something needs attention");
  cmd->callback([service, details, selected] {
    *selected = [service, details](const CommandContext& ctx) {
      const int serving = RunHealth(ctx, *service);
      if (serving != kExitOk || !*details) return serving;
      return RunServerStatus(ctx);
    };
  });
}

}  // namespace hedui::cli
