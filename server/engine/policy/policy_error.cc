#include "server/engine/policy/policy_error.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hedui::engine {

std::string FormatPolicyError(absl::string_view file,
                              const PolicyError& error) {
  if (error.line <= 0) {
    return absl::StrCat(file, ": ", error.field, ": ", error.problem);
  }
  return absl::StrCat(file, ":", error.line, ":", error.column, ": ",
                      error.field, ": ", error.problem);
}

absl::Status PolicyErrorsToStatus(absl::string_view file,
                                  std::vector<PolicyError> errors) {
  if (errors.empty()) return absl::OkStatus();
  // Stable: errors at one position keep the order the checks found them in,
  // so the message is the same on every load.
  std::stable_sort(errors.begin(), errors.end(),
                   [](const PolicyError& a, const PolicyError& b) {
                     return std::make_pair(a.line, a.column) <
                            std::make_pair(b.line, b.column);
                   });
  std::vector<std::string> lines;
  lines.reserve(errors.size());
  for (const PolicyError& error : errors) {
    lines.push_back(FormatPolicyError(file, error));
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

}  // namespace hedui::engine
