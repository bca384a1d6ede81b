#ifndef HEDUI_CLIENT_INGEST_H_
#define HEDUI_CLIENT_INGEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "client/command_context.h"
#include "hedui/v1/admin.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// Loading a large feed includes the server's validation and durable commit.
inline constexpr double kIngestDefaultTimeoutSeconds = 3600;

// The flags of `hedui ingest`, as typed.
struct IngestOptions {
  std::string department;                // --department, a Department name
  std::string as_of;                     // --as-of YYYY-MM-DD
  bool delta = false;                    // --delta
  absl::optional<std::string> batch_id;  // --batch-id; default SHA-256
  std::string encoding = "UTF8";         // --encoding UTF8|GB18030
  bool force = false;                    // --force
  bool preview = false;                  // --preview: switch nothing
  bool hold = false;                     // --hold: held whatever its effect
  std::string file;                      // FILE
};

// Checks the flags without touching the file or the network and builds the
// stream's first message. batch_id is left empty when --batch-id is not
// given and total_bytes is not set. Errors name the flag ("--as-of: ...").
absl::StatusOr<hedui::v1::IngestHeader> BuildIngestHeader(
    const IngestOptions& options);

// `hedui ingest`: validates the flags and FILE (exit 2 on a mistake,
// nothing sent), computes the default batch id in a first pass, streams the
// header and the file in kIngestChunkBytes chunks to AdminService.Ingest,
// and prints the summary with ctx's printer. Returns an ExitCode.
int RunIngest(const CommandContext& ctx, const IngestOptions& options);

// Adds the `ingest` subcommand to `app`; when it is the one given,
// *selected is set to run it.
void AddIngestCommand(CLI::App& app, CommandAction* selected);

// A file's effect on the rolls (a preview, a held file) as text: one line
// per program and county.
void PrintFeedImpact(const hedui::v1::FeedImpact& impact, std::ostream& out);

// `hedui feeds held|confirm|discard`: the files held before their switch
// (domain.md §10.1 "Preview and hold").
void AddFeedsCommands(CLI::App& app, CommandAction* selected);

// `hedui feeds confirm`'s files: the i-th --department with the i-th
// --batch-id (as many of each, at most one file per department; errors name
// the flag). One file is confirmed by ConfirmHeldFeed, several as one by
// ConfirmHeldFeeds.
absl::StatusOr<hedui::v1::ConfirmHeldFeedsRequest> BuildConfirmHeldFeeds(
    const std::vector<std::string>& departments,
    const std::vector<std::string>& batch_ids);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_INGEST_H_
