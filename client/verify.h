#ifndef HEDUI_CLIENT_VERIFY_H_
#define HEDUI_CLIENT_VERIFY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command_context.h"
#include "hedui/v1/verification.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// A batch streams thousands of households; each is verified as it arrives.
inline constexpr double kBatchDefaultTimeoutSeconds = 3600;

// The flags of `hedui verify`, as typed.
struct VerifyOptions {
  std::string program;    // --program: sets or overrides request.program
  std::string household;  // --household FILE: one VerificationRequest
  std::string date;       // --date YYYY-MM-DD: sets verification_date
  std::string batch;      // --batch FILE.jsonl: one request per line
};

// A VerificationRequest from `text`, in proto JSON when `path` ends in
// .json, in text format for .textproto, .txtpb or .txt. Errors are
// INVALID_ARGUMENT, naming the file and the place (text format: line and
// column).
absl::StatusOr<hedui::v1::VerificationRequest> ParseRequestFile(
    absl::string_view path, absl::string_view text);

// The request `hedui verify --household` sends: FILE parsed, --program and
// --date applied, and checked without the network: a program is set, at
// least one member, every member's person_id a valid resident ID. Errors
// name the flag or the field.
absl::StatusOr<hedui::v1::VerificationRequest> BuildVerifyRequest(
    const VerifyOptions& options);

// `hedui verify`: Verify for --household, VerifyBatch for --batch.
// Returns an ExitCode: for a batch, 0 when every item is OK, else the most
// severe item's (MoreSevereExit); a verdict is never an error.
int RunVerify(const CommandContext& ctx, const VerifyOptions& options);

void AddVerifyCommand(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_VERIFY_H_
