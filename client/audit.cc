#include "client/audit.h"

#include <memory>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "client/audit_export.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/printer.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/audit.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kVerifyCommand[] = "audit verify";
constexpr char kListCommand[] = "audit list";
constexpr int kMaxAuditPageSize = 1000;
// Walking a long chain reads every entry: give it longer than a query.
constexpr double kAuditVerifyTimeoutSeconds = 600;

}  // namespace

absl::StatusOr<hedui::v1::ListAuditRequest> BuildListAuditRequest(
    const ListAuditOptions& options) {
  hedui::v1::ListAuditRequest request;
  absl::StatusOr<TimeRange> range =
      ParseTimeRangeFlags(options.from, options.to);
  if (!range.ok()) return range.status();
  request.set_from_unix_micros(range->from_unix_micros);
  request.set_to_unix_micros(range->to_unix_micros);
  request.set_caller(options.caller);
  if (!options.program.empty()) {
    absl::StatusOr<hedui::v1::Program> program =
        ParseProgramFlag("--program", options.program);
    if (!program.ok()) return program.status();
    request.set_program(*program);
  }
  if (!options.person.empty()) {
    if (absl::Status s = ValidatePersonFlag("--person", options.person);
        !s.ok()) {
      return s;
    }
    request.set_person_id(options.person);
  }
  if (options.page_size < 0 || options.page_size > kMaxAuditPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page-size ", options.page_size, ": expected 1 to ",
                     kMaxAuditPageSize));
  }
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  return request;
}

int RunAuditVerify(const CommandContext& ctx) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kVerifyCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::AuditService::NewStub(channel);
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kAuditVerifyTimeoutSeconds, &call);
  hedui::v1::VerifyAuditResponse response;
  const grpc::Status status =
      stub->VerifyAudit(&call, hedui::v1::VerifyAuditRequest(), &response);
  if (!status.ok()) {
    const CallInfo info{
        kVerifyCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kAuditVerifyTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }
  const int printed = PrintOutcome(
      ctx, kVerifyCommand,
      MakePrinter(ctx.output)->PrintAuditCheck(response, *ctx.out));
  if (printed != kExitOk) return printed;
  return response.intact() ? kExitOk : kExitAuditBroken;
}

int RunAuditList(const CommandContext& ctx, const ListAuditOptions& options) {
  absl::StatusOr<hedui::v1::ListAuditRequest> request =
      BuildListAuditRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kListCommand, request.status().message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kListCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::AuditService::NewStub(channel);

  hedui::v1::ListAuditResponse listing;
  for (;;) {
    grpc::ClientContext call;
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
    hedui::v1::ListAuditResponse page;
    const grpc::Status status = stub->ListAudit(&call, *request, &page);
    if (!status.ok()) {
      const CallInfo info{
          kListCommand, ctx.connection.server,
          EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
      return ReportRpcError(info, status, call, *ctx.err);
    }
    for (auto& e : *page.mutable_entries()) {
      *listing.add_entries() = std::move(e);
    }
    listing.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    if (page.next_page_token() == request->page_token()) {
      return LocalError(ctx, kListCommand,
                        "the server returned the same page token twice; "
                        "stopping");
    }
    request->set_page_token(page.next_page_token());
  }
  const int printed = PrintOutcome(
      ctx, kListCommand,
      MakePrinter(ctx.output)->PrintAuditEntries(listing, *ctx.out));
  if (printed == kExitOk && !listing.next_page_token().empty()) {
    *ctx.err << "hedui " << kListCommand
             << ": more entries: add --all, or --page-token "
             << listing.next_page_token() << '\n'
             << std::flush;
  }
  return printed;
}

void AddAuditCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* audit = app.add_subcommand("audit", "The audit trail");
  auto file = std::make_shared<VerifyFileOptions>();
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Check the audit chain (or, with --file, an export of it); exit 8 when "
      "it is broken");
  verify->add_option("--file", file->file,
                     "Check this `hedui audit export` file instead, offline");
  verify->add_option("--key-file", file->key_file,
                     "With --file: the audit key (heduid's --audit-key-file), "
                     "to recompute every MAC");
  verify->callback([file, selected] {
    if (file->file.empty() && !file->key_file.empty()) {
      *selected = [](const CommandContext& ctx) {
        return UsageError(ctx, kVerifyCommand, "--key-file needs --file");
      };
    } else if (file->file.empty()) {
      *selected = RunAuditVerify;
    } else {
      *selected = [file](const CommandContext& ctx) {
        return RunAuditVerifyFile(ctx, file->file, file->key_file);
      };
    }
  });

  auto exported = std::make_shared<ExportAuditOptions>();
  CLI::App* export_command = audit->add_subcommand(
      "export", "Write audit entries with what checks their chain offline");
  export_command->add_option("--from", exported->from,
                             "From this time (as for audit list); default: "
                             "the first entry");
  export_command->add_option(
      "--to", exported->to,
      "Before this time (a bare date includes that whole day); default: now");
  export_command->add_option("--out", exported->out, "The export file")
      ->required();
  export_command->callback([exported, selected] {
    *selected = [exported](const CommandContext& ctx) {
      return RunAuditExport(ctx, *exported);
    };
  });

  auto options = std::make_shared<ListAuditOptions>();
  CLI::App* list = audit->add_subcommand("list", "Audit entries in order");
  list->add_option("--from", options->from,
                   "From this time (YYYY-MM-DD, \"YYYY-MM-DD HH:MM[:SS]\" in "
                   "Asia/Shanghai, or RFC 3339)");
  list->add_option("--to", options->to,
                   "Before this time (a bare date includes that whole day)");
  list->add_option("--caller", options->caller,
                   "Caller identity (from its client certificate)");
  list->add_option("--program", options->program, "Program code");
  list->add_option("--person", options->person,
                   "Entries that queried this resident ID");
  list->add_option("--page-size", options->page_size,
                   "Entries per page, 1-1000 (server default 100)");
  list->add_option("--page-token", options->page_token,
                   "Continue a listing where the last page ended");
  list->add_flag("--all", options->all, "Fetch every page");
  list->callback([options, selected] {
    *selected = [options](const CommandContext& ctx) {
      return RunAuditList(ctx, *options);
    };
  });
}

}  // namespace hedui::cli
