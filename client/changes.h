#ifndef HEDUI_CLIENT_CHANGES_H_
#define HEDUI_CLIENT_CHANGES_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/command_context.h"
#include "hedui/v1/change_service.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// `hedui changes ...`: change events (ChangeService, domain.md §10 "Change
// events"): what a re-verification of an enrolled household found
// different, an expired consent, a person enrolled twice.

// The outcomes `changes resolve --outcome` takes (Resolution.Outcome
// numbers).
std::vector<int> ResolutionOutcomes();

// The flags of `hedui changes list`, as typed.
struct ListChangesOptions {
  std::string program;      // --program; empty: every program you may see
  std::string region;       // --region
  std::string entry;        // --entry E + 12 digits
  std::string after;        // --after N: only events numbered above N
  bool unresolved = false;  // --unresolved
  int page_size = 0;        // --page-size 1-500; 0: the server's default
  std::string page_token;   // --page-token
  bool all = false;         // --all
};

// The flags of `hedui changes watch`.
struct WatchChangesOptions {
  std::string after;    // --after N (default 0: from the first event kept)
  std::string program;  // --program
  std::string region;   // --region
};

// The flags of `hedui changes resolve`.
struct ResolveChangeOptions {
  std::string number;      // N
  std::string outcome;     // --outcome confirmed|explained|source-wrong
  std::string caseworker;  // --caseworker
  std::string note;        // --note
  std::string request_id;  // --request-id; empty: generated
};

// The flags of `hedui changes stats`.
struct ChangeStatsOptions {
  std::string program;    // --program
  std::string region;     // --region
  std::string first_day;  // --first-day YYYY-MM-DD
  std::string last_day;   // --last-day YYYY-MM-DD
};

// The requests, checked without the network. Errors are INVALID_ARGUMENT
// naming the flag.
absl::StatusOr<hedui::v1::ListChangesRequest> BuildListChangesRequest(
    const ListChangesOptions& options);
absl::StatusOr<hedui::v1::WatchChangesRequest> BuildWatchChangesRequest(
    const WatchChangesOptions& options);
absl::StatusOr<hedui::v1::GetChangeRequest> BuildGetChangeRequest(
    const std::string& number);
absl::StatusOr<hedui::v1::ResolveChangeRequest> BuildResolveChangeRequest(
    const ResolveChangeOptions& options);
absl::StatusOr<hedui::v1::GetChangeStatsRequest> BuildChangeStatsRequest(
    const ChangeStatsOptions& options);

// An event as a caseworker reads it, in Chinese: what, why, where, the
// verdict and each changed criterion before → after with the records that
// made the difference, persons who died or moved away, the duplicate's other
// side, the resolution. IDs masked, names shortened.
void WriteChangeEventText(const hedui::v1::ChangeEvent& event,
                          std::ostream& out);
// One line for `changes watch` (no newline): number, date, kind, trigger,
// program, county, entry, verdict before → after, what changed, summary.
std::string ChangeEventLine(const hedui::v1::ChangeEvent& event);
void WriteChangeListText(const hedui::v1::ListChangesResponse& response,
                         std::ostream& out);
// Events by kind and criterion with their resolutions, and each row's
// precision as a percentage (confirmed of resolved; "-" when none is).
void WriteChangeStatsText(const hedui::v1::GetChangeStatsResponse& response,
                          std::ostream& out);

int RunChangesList(const CommandContext& ctx,
                   const ListChangesOptions& options);
int RunChangesGet(const CommandContext& ctx, const std::string& number);
// Prints each event as it arrives until Ctrl-C (exit 0) or the stream ends
// (the error, and the last number seen to resume with --after).
int RunChangesWatch(const CommandContext& ctx,
                    const WatchChangesOptions& options);
int RunChangesResolve(const CommandContext& ctx,
                      const ResolveChangeOptions& options);
int RunChangesStats(const CommandContext& ctx,
                    const ChangeStatsOptions& options);

// Ends a running `changes watch` as Ctrl-C does (what its SIGINT handler
// does), for tests.
void InterruptChangesWatch();

// Adds `changes list|get|watch|resolve|stats`.
void AddChangesCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_CHANGES_H_
