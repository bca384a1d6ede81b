#include "client/departments.h"

#include <memory>

#include "CLI/CLI.hpp"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/printer.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/admin.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kCommand[] = "departments";

}  // namespace

int RunDepartments(const CommandContext& ctx) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;
  std::unique_ptr<hedui::v1::AdminService::Stub> stub =
      hedui::v1::AdminService::NewStub(channel);

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::ListDepartmentsResponse response;
  const grpc::Status status = stub->ListDepartments(
      &call, hedui::v1::ListDepartmentsRequest(), &response);
  if (!status.ok()) {
    const CallInfo call_info{
        kCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
    return ReportRpcError(call_info, status, call, *ctx.err);
  }
  if (absl::Status s =
          MakePrinter(ctx.output)->PrintDepartments(response, *ctx.out);
      !s.ok()) {
    *ctx.err << "hedui " << kCommand << ": " << s.message() << '\n'
             << std::flush;
    return kExitError;
  }
  return kExitOk;
}

void AddDepartmentsCommands(CLI::App& app, CommandAction* selected) {
  auto select = [selected] { *selected = RunDepartments; };
  app.add_subcommand("departments",
                     "Show each department's current snapshot: rows, as-of "
                     "date, batch id, generations")
      ->callback(select);
  // `data status` reads better in runbooks next to future `data ...`
  // commands; it is the same command.
  CLI::App* data = app.add_subcommand("data", "Stored data");
  data->add_subcommand("status", "Same as `hedui departments`")
      ->callback(select);
}

}  // namespace hedui::cli
