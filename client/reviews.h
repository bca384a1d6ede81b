#ifndef HEDUI_CLIENT_REVIEWS_H_
#define HEDUI_CLIENT_REVIEWS_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "client/command_context.h"
#include "hedui/v1/roll_service.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// The flags of `hedui reviews due`, as typed.
struct ReviewsDueOptions {
  std::string program;      // --program (required)
  std::string region;       // --region
  std::string within_days;  // --within-days 0-366 (required)
  int page_size = 0;        // --page-size 1-500; 0: the server's default
  std::string page_token;   // --page-token
  bool all = false;         // --all
};

// The first page's request, checked without the network. Errors name the
// flag.
absl::StatusOr<hedui::v1::ListReviewsDueRequest> BuildReviewsDueRequest(
    const ReviewsDueOptions& options);

// One line per entry: id, program, county, due date, reason, overdue.
void WriteReviewsDueText(const hedui::v1::ListReviewsDueResponse& response,
                         std::ostream& out);

// `hedui reviews due`: the entries whose review is overdue or falls due up
// to and including today + --within-days (domain.md §10.1 "Reviews").
int RunReviewsDue(const CommandContext& ctx, const ReviewsDueOptions& options);

// Adds `reviews due`.
void AddReviewsCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REVIEWS_H_
