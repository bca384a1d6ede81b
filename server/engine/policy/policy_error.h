#ifndef HEDUI_SERVER_ENGINE_POLICY_POLICY_ERROR_H_
#define HEDUI_SERVER_ENGINE_POLICY_POLICY_ERROR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hedui::engine {

// One problem in a policy, said so that the person editing the file can find
// and fix it.
struct PolicyError {
  int line = 0;       // 1-based; 0 when unknown (a policy built in code)
  int column = 0;     // 1-based, as protobuf's tokenizer counts (bytes)
  std::string field;  // e.g. "regions[0].standards[1].dibao_standard_fen"
  std::string problem;
};

// "file:line:column: field: problem" (without line and column when unknown).
std::string FormatPolicyError(absl::string_view file, const PolicyError& error);

// INVALID_ARGUMENT listing every error, one a line, in file order; OK when
// `errors` is empty. All of them, not the first: a policy is edited by hand
// and reloading once per mistake wastes the editor's time.
absl::Status PolicyErrorsToStatus(absl::string_view file,
                                  std::vector<PolicyError> errors);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_POLICY_ERROR_H_
