#include "client/reviews.h"

#include <memory>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/command_util.h"
#include "client/connection.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/roll.h"
#include "client/text_table.h"
#include "client/zh_names.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/roll_service.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kDueCommand[] = "reviews due";
constexpr int kMaxWithinDays = 366;
constexpr int kMaxPageSize = 500;

}  // namespace

absl::StatusOr<hedui::v1::ListReviewsDueRequest> BuildReviewsDueRequest(
    const ReviewsDueOptions& options) {
  hedui::v1::ListReviewsDueRequest request;
  if (options.program.empty()) {
    return absl::InvalidArgumentError(
        "--program is required (whose roll: DIBAO, TEKUN, LOW_INCOME_MARGIN, "
        "HOUSING or UNION_HARDSHIP)");
  }
  absl::StatusOr<hedui::v1::Program> program =
      ParseRollProgramFlag("--program", options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (!options.region.empty()) {
    if (absl::Status s = ValidateRegionFlag("--region", options.region);
        !s.ok()) {
      return s;
    }
    request.set_region_code(options.region);
  }
  if (options.within_days.empty()) {
    return absl::InvalidArgumentError(
        "--within-days is required (0 for overdue and due today, up to 366)");
  }
  int within_days = -1;
  bool digits = options.within_days.size() <= 3;
  for (char c : options.within_days) {
    digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  if (!digits || !absl::SimpleAtoi(options.within_days, &within_days) ||
      within_days > kMaxWithinDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("--within-days \"", SafeText(options.within_days),
                     "\": expected a number of days, 0 to ", kMaxWithinDays));
  }
  request.set_within_days(within_days);
  if (options.page_size < 0 || options.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--page-size ", options.page_size, ": expected 1 to ", kMaxPageSize));
  }
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  return request;
}

void WriteReviewsDueText(const hedui::v1::ListReviewsDueResponse& response,
                         std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const hedui::v1::ReviewDue& r : response.reviews()) {
    rows.push_back({r.entry_id().empty() ? "-" : SafeText(r.entry_id()),
                    ZhLabel(r.program()),
                    r.region_code().empty() ? "-" : SafeText(r.region_code()),
                    DateText(r.due_on()), ZhLabel(r.reason()),
                    r.overdue() ? "已逾期" : "-"});
  }
  WriteTable(
      {{"条目编号"}, {"救助项目"}, {"地区"}, {"到期日"}, {"原因"}, {"逾期"}},
      rows, out);
}

int RunReviewsDue(const CommandContext& ctx, const ReviewsDueOptions& options) {
  absl::StatusOr<hedui::v1::ListReviewsDueRequest> request =
      BuildReviewsDueRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kDueCommand, request.status().message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kDueCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::RollService::NewStub(channel);
  hedui::v1::ListReviewsDueResponse listing;
  for (;;) {
    grpc::ClientContext call;
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
    hedui::v1::ListReviewsDueResponse page;
    const grpc::Status status = stub->ListReviewsDue(&call, *request, &page);
    if (!status.ok()) {
      return ReportCallFailure(ctx, kDueCommand, "RollService.ListReviewsDue",
                               status, call);
    }
    for (auto& r : *page.mutable_reviews()) {
      *listing.add_reviews() = std::move(r);
    }
    listing.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    // A server handing back the token it was given would loop forever.
    if (page.next_page_token() == request->page_token()) {
      return LocalError(ctx, kDueCommand,
                        "the server returned the same page token twice; "
                        "stopping");
    }
    request->set_page_token(page.next_page_token());
  }
  int printed = kExitOk;
  if (ctx.output == OutputFormat::kTable) {
    WriteReviewsDueText(listing, *ctx.out);
  } else {
    printed = PrintMessageJson(ctx, kDueCommand, listing);
  }
  if (printed == kExitOk && !listing.next_page_token().empty()) {
    *ctx.err << "hedui " << kDueCommand
             << ": more entries: add --all, or --page-token "
             << listing.next_page_token() << '\n'
             << std::flush;
  }
  return printed;
}

void AddReviewsCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* reviews =
      app.add_subcommand("reviews", "Periodic reviews of enrolled households");
  auto options = std::make_shared<ReviewsDueOptions>();
  CLI::App* due = reviews->add_subcommand(
      "due", "Entries whose review is overdue or falls due within N days");
  due->add_option("--program", options->program, "Program (required)");
  due->add_option("--region", options->region,
                  "6-digit county code (default: every county you may see)");
  due->add_option("--within-days", options->within_days,
                  "Due up to and including today + N days, 0-366 "
                  "(overdue ones always)");
  due->add_option("--page-size", options->page_size,
                  "Entries per page, 1-500 (server default 50)");
  due->add_option("--page-token", options->page_token,
                  "Continue a listing where the last page ended");
  due->add_flag("--all", options->all, "Fetch every page");
  due->callback([options, selected] {
    *selected = [options](const CommandContext& ctx) {
      return RunReviewsDue(ctx, *options);
    };
  });
}

}  // namespace hedui::cli
