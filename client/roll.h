#ifndef HEDUI_CLIENT_ROLL_H_
#define HEDUI_CLIENT_ROLL_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command_context.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "hedui/v1/roll_service.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// `hedui roll ...`: a program's roll (RollService, domain.md §10), and the
// pieces the change and review commands share with it (changes.cc,
// reviews.cc): entry ids, request ids, free text, roll programs, paging and
// the message for a server that does not offer a method yet.

// The form heduid gives roll entry ids: "E" and 12 digits.
inline constexpr char kEntryIdExample[] = "E000000000001";

// INVALID_ARGUMENT naming `argument` and the expected form unless `id` is an
// entry id heduid could have made. Never repeats the text given (a resident
// ID pasted by mistake must not be echoed).
absl::Status ValidateEntryId(absl::string_view argument, absl::string_view id);

// A client-chosen request id as RollService and ChangeService take it:
// 1..64 characters of A-Z a-z 0-9 . _ : -.
absl::Status ValidateRequestId(absl::string_view flag, absl::string_view id);

// A fresh request id ("cli-" and 32 random hex digits), unique enough that
// two calls never share one by chance.
std::string NewRequestId();

// A new request id for a changing command given no --request-id,
// announced on stderr before the call, so that a call whose answer was lost
// can be repeated under the same id (the server then answers the first
// result instead of doing it twice).
std::string AnnounceNewRequestId(const CommandContext& ctx,
                                 absl::string_view command);

// Text a person types (caseworker, reason, note): at most `max_characters`
// characters, no control characters and, when `required`, not empty or
// spaces only. Errors name the flag and never repeat the text.
absl::Status ValidateFreeText(absl::string_view flag, absl::string_view text,
                              size_t max_characters, bool required);

// A program with a roll (DIBAO, TEKUN, LOW_INCOME_MARGIN, HOUSING,
// UNION_HARDSHIP; domain.md §10.1), case-insensitive. TEMPORARY and MEDICAL
// are one-off assistance and refused naming the flag.
absl::StatusOr<hedui::v1::Program> ParseRollProgramFlag(absl::string_view flag,
                                                        absl::string_view text);

// The programs with a roll, in enum order.
std::vector<hedui::v1::Program> RollPrograms();
// The reasons `roll withdraw --reason` takes (RollEntry.EndReason numbers;
// never REPLACED, which only the server sets).
std::vector<int> WithdrawReasons();

// An enum value typed in lower case with hyphens ("moved-away",
// "source-wrong") or as its code (MOVED_AWAY), among `allowed` (numbers).
// The error names the flag and lists the allowed words.
absl::StatusOr<int> ParseWordFlag(const google::protobuf::EnumDescriptor* type,
                                  const std::vector<int>& allowed,
                                  absl::string_view flag,
                                  absl::string_view what,
                                  absl::string_view text);
// "moved-away" for MOVED_AWAY.
std::string WordOf(const google::protobuf::EnumDescriptor* type, int number);

// A positive event number ("12"); with `zero_allowed`, 0 too (--after).
absl::StatusOr<uint64_t> ParseNumberFlag(absl::string_view flag,
                                         absl::string_view text,
                                         bool zero_allowed);

// A failed call as every command reports it (rpc_error.h), and for
// UNIMPLEMENTED a line saying that this heduid does not offer `method` yet.
int ReportCallFailure(const CommandContext& ctx, absl::string_view command,
                      absl::string_view method, const grpc::Status& status,
                      const grpc::ClientContext& call);

// The flags of `hedui roll enroll`, as typed.
struct EnrollOptions {
  std::string program;        // --program (required)
  std::string region;         // --region: the report's county (required)
  std::string report;         // --report R + 12 digits (required)
  std::string approval_date;  // --approval-date YYYY-MM-DD (required)
  std::string request_id;     // --request-id; empty: generated
  bool moved_in = false;      // --moved-in
  std::string caseworker;     // --caseworker (with --reason)
  std::string reason;         // --reason (with --caseworker)
};

// The flags of `hedui roll withdraw`.
struct WithdrawOptions {
  std::string entry_id;    // ENTRY_ID
  std::string reason;      // --reason income|assets|death|moved-away|...
  std::string note;        // --note
  std::string request_id;  // --request-id
};

// The flags of `hedui roll attach-consent`: the renewed consent by flags,
// or whole from --consent FILE (a hedui.v1.Consent, as a verification
// request's "consent" is written in `hedui verify --household` files).
struct AttachConsentOptions {
  std::string entry_id;               // ENTRY_ID
  std::string consent_file;           // --consent FILE
  std::string consent_id;             // --consent-id
  std::string signed_on;              // --signed-on YYYY-MM-DD
  std::vector<std::string> signers;   // --signer (repeated)
  std::vector<std::string> programs;  // --program (repeated)
  std::string request_id;             // --request-id
};

// The flags of `hedui roll get`: an entry id, or program and applicant.
struct GetEntryOptions {
  std::string entry_id;   // ENTRY_ID
  std::string program;    // --program
  std::string applicant;  // --applicant: resident ID
};

// The flags of `hedui roll list`.
struct ListRollOptions {
  std::string program;     // --program (required)
  std::string region;      // --region
  std::string state;       // --state active|ended|all (default active)
  int page_size = 0;       // --page-size 1-500; 0: the server's default
  std::string page_token;  // --page-token
  bool all = false;        // --all
};

// The flags of `hedui roll reverify`: one entry, or a whole roll.
struct ReverifyOptions {
  std::string entry_id;    // ENTRY_ID
  std::string program;     // --program (whole roll)
  std::string region;      // --region (whole roll, one county)
  std::string request_id;  // --request-id
};

// The requests, checked without the network; the request id is the one
// --request-id gave, or empty (the Run functions then make one). Errors are
// INVALID_ARGUMENT naming the flag.
absl::StatusOr<hedui::v1::EnrollRequest> BuildEnrollRequest(
    const EnrollOptions& options);
absl::StatusOr<hedui::v1::WithdrawRequest> BuildWithdrawRequest(
    const WithdrawOptions& options);
absl::StatusOr<hedui::v1::AttachConsentRequest> BuildAttachConsentRequest(
    const AttachConsentOptions& options);
absl::StatusOr<hedui::v1::GetRollEntryRequest> BuildGetEntryRequest(
    const GetEntryOptions& options);
absl::StatusOr<hedui::v1::ListRollRequest> BuildListRollRequest(
    const ListRollOptions& options);
absl::StatusOr<hedui::v1::ReverifyRequest> BuildReverifyRequest(
    const ReverifyOptions& options);

// An entry as a caseworker reads it, in Chinese: the approval, the end,
// the server's re-verification state, the consent and, when the entry
// carries its request, the declared members. IDs masked, names shortened.
void WriteRollEntryText(const hedui::v1::RollEntry& entry, std::ostream& out);
// A roll page as one table, one line per entry.
void WriteRollListText(const hedui::v1::ListRollResponse& roll,
                       std::ostream& out);

int RunRollEnroll(const CommandContext& ctx, const EnrollOptions& options);
int RunRollWithdraw(const CommandContext& ctx, const WithdrawOptions& options);
int RunRollAttachConsent(const CommandContext& ctx,
                         const AttachConsentOptions& options);
int RunRollGet(const CommandContext& ctx, const GetEntryOptions& options);
int RunRollList(const CommandContext& ctx, const ListRollOptions& options);
int RunRollReverify(const CommandContext& ctx, const ReverifyOptions& options);

// Adds `roll enroll|withdraw|attach-consent|get|list|reverify`.
void AddRollCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_ROLL_H_
