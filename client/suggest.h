#ifndef HEDUI_CLIENT_SUGGEST_H_
#define HEDUI_CLIENT_SUGGEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// Edits (insertions, deletions, substitutions and swaps of two neighbouring
// characters) that turn `a` into `b` (optimal string alignment distance).
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `typed` when it is close enough to be a typo
// ("verfy" -> "verify"; a start of 3 or more characters counts too), else
// "".
std::string ClosestName(absl::string_view typed,
                        const std::vector<std::string>& candidates);

// After CLI11 has refused the command line `root` parsed: for the first
// unexpected word, "hedui <command>: unknown command 'verfy'; did you mean
// 'verify'?" (or "unknown flag '--housheold'; did you mean
// '--household'?"), with the command whose help to read; "" when no word
// is close to a known one.
struct Suggestion {
  std::string message;
  std::string command;  // "" for the top level, else "report", "admin ..."
};
Suggestion DidYouMean(const CLI::App& root);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_SUGGEST_H_
