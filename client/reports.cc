#include "client/reports.h"

#include <memory>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/printer.h"
#include "client/report_id.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/verification_service.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kGetCommand[] = "report get";
constexpr char kListCommand[] = "report list";
constexpr char kStatsCommand[] = "stats";
constexpr int kMaxReportPageSize = 500;

int RpcFailure(const CommandContext& ctx, absl::string_view command,
               const grpc::Status& status, const grpc::ClientContext& call) {
  const CallInfo info{std::string(command), ctx.connection.server,
                      EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
  return ReportRpcError(info, status, call, *ctx.err);
}

}  // namespace

absl::StatusOr<hedui::v1::ListReportsRequest> BuildListReportsRequest(
    const ListReportsOptions& options) {
  hedui::v1::ListReportsRequest request;
  if (!options.person.empty()) {
    if (absl::Status s = ValidatePersonFlag("--person", options.person);
        !s.ok()) {
      return s;
    }
    request.set_person_id(options.person);
  }
  if (!options.program.empty()) {
    absl::StatusOr<hedui::v1::Program> program =
        ParseProgramFlag("--program", options.program);
    if (!program.ok()) return program.status();
    request.set_program(*program);
  }
  if (!options.from.empty()) {
    absl::StatusOr<hedui::v1::Date> from =
        ParseDateFlag("--from", options.from);
    if (!from.ok()) return from.status();
    *request.mutable_from_date() = *from;
  }
  if (!options.to.empty()) {
    absl::StatusOr<hedui::v1::Date> to = ParseDateFlag("--to", options.to);
    if (!to.ok()) return to.status();
    *request.mutable_to_date() = *to;
  }
  if (request.has_from_date() && request.has_to_date()) {
    if (absl::Status s = CheckDateRange("--from", request.from_date(), "--to",
                                        request.to_date());
        !s.ok()) {
      return s;
    }
  }
  if (!options.verdict.empty()) {
    absl::StatusOr<hedui::v1::Verdict> verdict =
        ParseVerdictFlag("--verdict", options.verdict);
    if (!verdict.ok()) return verdict.status();
    request.set_verdict(*verdict);
  }
  if (options.page_size < 0 || options.page_size > kMaxReportPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page-size ", options.page_size, ": expected 1 to ",
                     kMaxReportPageSize));
  }
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  return request;
}

absl::StatusOr<hedui::v1::GetStatsRequest> BuildStatsRequest(
    const StatsOptions& options) {
  hedui::v1::GetStatsRequest request;
  if (options.from.empty()) {
    return absl::InvalidArgumentError(
        "--from is required (first verification date, YYYY-MM-DD)");
  }
  if (options.to.empty()) {
    return absl::InvalidArgumentError(
        "--to is required (last verification date, YYYY-MM-DD)");
  }
  absl::StatusOr<hedui::v1::Date> from = ParseDateFlag("--from", options.from);
  if (!from.ok()) return from.status();
  absl::StatusOr<hedui::v1::Date> to = ParseDateFlag("--to", options.to);
  if (!to.ok()) return to.status();
  if (absl::Status s = CheckDateRange("--from", *from, "--to", *to); !s.ok()) {
    return s;
  }
  *request.mutable_from_date() = *from;
  *request.mutable_to_date() = *to;
  if (!options.region.empty()) {
    if (absl::Status s = ValidateRegionFlag("--region", options.region);
        !s.ok()) {
      return s;
    }
    request.set_region_code(options.region);
  }
  return request;
}

int RunReportGet(const CommandContext& ctx, const std::string& report_id) {
  if (absl::Status s = ValidateReportId("ID", report_id); !s.ok()) {
    return UsageError(ctx, kGetCommand, s.message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kGetCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::VerificationService::NewStub(channel);
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::GetReportRequest request;
  request.set_report_id(report_id);
  hedui::v1::Report report;
  const grpc::Status status = stub->GetReport(&call, request, &report);
  if (!status.ok()) return RpcFailure(ctx, kGetCommand, status, call);
  return PrintOutcome(ctx, kGetCommand,
                      MakePrinter(ctx.output)->PrintReport(report, *ctx.out));
}

int RunReportList(const CommandContext& ctx,
                  const ListReportsOptions& options) {
  absl::StatusOr<hedui::v1::ListReportsRequest> request =
      BuildListReportsRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kListCommand, request.status().message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kListCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::VerificationService::NewStub(channel);

  hedui::v1::ListReportsResponse listing;
  for (;;) {
    grpc::ClientContext call;
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
    hedui::v1::ListReportsResponse page;
    const grpc::Status status = stub->ListReports(&call, *request, &page);
    if (!status.ok()) return RpcFailure(ctx, kListCommand, status, call);
    for (auto& r : *page.mutable_reports()) {
      *listing.add_reports() = std::move(r);
    }
    listing.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    // A server handing back the token it was given would loop forever.
    if (page.next_page_token() == request->page_token()) {
      return LocalError(ctx, kListCommand,
                        "the server returned the same page token twice; "
                        "stopping");
    }
    request->set_page_token(page.next_page_token());
  }
  const int printed =
      PrintOutcome(ctx, kListCommand,
                   MakePrinter(ctx.output)->PrintReportList(listing, *ctx.out));
  if (printed == kExitOk && !listing.next_page_token().empty()) {
    *ctx.err << "hedui " << kListCommand
             << ": more reports: add --all, or --page-token "
             << listing.next_page_token() << '\n'
             << std::flush;
  }
  return printed;
}

int RunStats(const CommandContext& ctx, const StatsOptions& options) {
  absl::StatusOr<hedui::v1::GetStatsRequest> request =
      BuildStatsRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kStatsCommand, request.status().message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kStatsCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::VerificationService::NewStub(channel);
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::GetStatsResponse response;
  const grpc::Status status = stub->GetStats(&call, *request, &response);
  if (!status.ok()) return RpcFailure(ctx, kStatsCommand, status, call);
  return PrintOutcome(ctx, kStatsCommand,
                      MakePrinter(ctx.output)->PrintStats(response, *ctx.out));
}

void AddReportCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* report = app.add_subcommand("report", "Stored reports");

  auto report_id = std::make_shared<std::string>();
  CLI::App* get = report->add_subcommand(
      "get", "Show a stored report exactly as it was produced");
  get->add_option("ID", *report_id,
                  "Report id as Verify returned it: R and 12 digits, e.g. "
                  "R000000000001")
      ->required();
  get->callback([report_id, selected] {
    *selected = [report_id](const CommandContext& ctx) {
      return RunReportGet(ctx, *report_id);
    };
  });

  auto list_options = std::make_shared<ListReportsOptions>();
  CLI::App* list =
      report->add_subcommand("list", "Stored reports, newest first");
  list->add_option("--person", list_options->person,
                   "Reports whose household declares this resident ID");
  list->add_option("--program", list_options->program, "Program code");
  list->add_option("--from", list_options->from,
                   "First verification date, YYYY-MM-DD");
  list->add_option("--to", list_options->to,
                   "Last verification date, YYYY-MM-DD (inclusive)");
  list->add_option("--verdict", list_options->verdict,
                   "MEETS_CRITERIA, DOES_NOT_MEET or NEEDS_REVIEW");
  list->add_option("--page-size", list_options->page_size,
                   "Reports per page, 1-500 (server default 50)");
  list->add_option("--page-token", list_options->page_token,
                   "Continue a listing where the last page ended");
  list->add_flag("--all", list_options->all, "Fetch every page");
  list->callback([list_options, selected] {
    *selected = [list_options](const CommandContext& ctx) {
      return RunReportList(ctx, *list_options);
    };
  });

  auto stats_options = std::make_shared<StatsOptions>();
  CLI::App* stats = app.add_subcommand(
      "stats", "Households and persons verified per program and verdict");
  stats->add_option("--from", stats_options->from,
                    "First verification date, YYYY-MM-DD");
  stats->add_option("--to", stats_options->to,
                    "Last verification date, YYYY-MM-DD (inclusive)");
  stats->add_option("--region", stats_options->region,
                    "6-digit county code (default: every county you may see)");
  stats->callback([stats_options, selected] {
    *selected = [stats_options](const CommandContext& ctx) {
      return RunStats(ctx, *stats_options);
    };
  });
}

}  // namespace hedui::cli
