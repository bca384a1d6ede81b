#include "client/retention.h"

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/retention.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kPurgeCommand[] = "admin purge";
// Deleting a year of reports and compacting takes longer than a query.
constexpr double kPurgeTimeoutSeconds = 3600;

std::string DateText(const hedui::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace

int RunPurge(const CommandContext& ctx, bool dry_run) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kPurgeCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::RetentionService::NewStub(channel);
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kPurgeTimeoutSeconds, &call);
  hedui::v1::PurgeRequest request;
  request.set_dry_run(dry_run);
  hedui::v1::PurgeResponse response;
  const grpc::Status status = stub->Purge(&call, request, &response);
  if (!status.ok()) {
    const CallInfo info{kPurgeCommand, ctx.connection.server,
                        EffectiveTimeout(ctx.connection, kPurgeTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }
  std::ostream& out = *ctx.out;
  if (ctx.output == OutputFormat::kJson) {
    return PrintMessageJson(ctx, kPurgeCommand, response);
  }
  const char* verb = response.dry_run() ? "would purge" : "purged";
  if (response.has_report_cutoff()) {
    out << verb << " " << response.reports_purged()
        << " reports verified before " << DateText(response.report_cutoff())
        << " and " << response.person_index_keys_dropped()
        << " audit person-index keys\n"
        << verb << " " << response.roll_entries_purged()
        << " roll entries that ended before "
        << DateText(response.report_cutoff()) << "\n";
  } else {
    out << "report retention is off: no reports purged\n";
  }
  if (response.snapshot_cutoff_unix_seconds() != 0) {
    out << verb << " " << response.snapshots_purged()
        << " retired department snapshots\n";
  } else {
    out << "snapshot retention is off: no snapshots purged\n";
  }
  out << "audited as entry " << response.audit_sequence()
      << (response.dry_run() ? " (dry run: nothing was deleted)\n" : "\n")
      << std::flush;
  return kExitOk;
}

void AddRetentionCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* admin = nullptr;
  try {
    admin = app.get_subcommand("admin");
  } catch (const CLI::OptionNotFound&) {
    admin =
        app.add_subcommand("admin", "Server administration (administrators)");
  }
  auto dry_run = std::make_shared<bool>(false);
  CLI::App* purge = admin->add_subcommand(
      "purge",
      "Delete reports and retired snapshots past their retention period now "
      "(the audit trail is kept; the purge is audited)");
  purge->add_flag("--dry-run", *dry_run,
                  "Only count what would be deleted (still audited)");
  purge->callback([dry_run, selected] {
    *selected = [dry_run](const CommandContext& ctx) {
      return RunPurge(ctx, *dry_run);
    };
  });
}

}  // namespace hedui::cli
