#ifndef HEDUI_CLIENT_REPORTS_H_
#define HEDUI_CLIENT_REPORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/command_context.h"
#include "hedui/v1/verification_service.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// The flags of `hedui report list`, as typed.
struct ListReportsOptions {
  std::string person;      // --person: a declared member's resident ID
  std::string program;     // --program
  std::string from;        // --from YYYY-MM-DD (verification date, inclusive)
  std::string to;          // --to YYYY-MM-DD (inclusive)
  std::string verdict;     // --verdict
  int page_size = 0;       // --page-size; 0: the server's default (50)
  std::string page_token;  // --page-token: continue a listing
  bool all = false;        // --all: follow next_page_token to the end
};

// The flags of `hedui stats`, as typed.
struct StatsOptions {
  std::string from;    // --from YYYY-MM-DD (required)
  std::string to;      // --to YYYY-MM-DD (required)
  std::string region;  // --region: a 6-digit county code
};

// The first page's request, checked without the network. Errors name the
// flag.
absl::StatusOr<hedui::v1::ListReportsRequest> BuildListReportsRequest(
    const ListReportsOptions& options);
absl::StatusOr<hedui::v1::GetStatsRequest> BuildStatsRequest(
    const StatsOptions& options);

// `hedui report get ID`: the stored report, printed as `hedui verify` does.
int RunReportGet(const CommandContext& ctx, const std::string& report_id);
// `hedui report list`: one page, or with --all every page (printed as one
// listing). Without --all, a further page is announced on stderr.
int RunReportList(const CommandContext& ctx, const ListReportsOptions& options);
// `hedui stats`: households and persons per program and verdict.
int RunStats(const CommandContext& ctx, const StatsOptions& options);

// Adds `report get`, `report list` and `stats`.
void AddReportCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REPORTS_H_
