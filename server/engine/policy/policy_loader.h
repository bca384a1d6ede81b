#ifndef HEDUI_SERVER_ENGINE_POLICY_POLICY_LOADER_H_
#define HEDUI_SERVER_ENGINE_POLICY_POLICY_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/engine/policy/policy.h"

namespace hedui::engine {

// Reads a policy in protobuf text format (deploy/policy/README.md), validates
// it whole and indexes it. INVALID_ARGUMENT: a syntax error or unknown field
// ("file:line:column: text format: ..."), else every semantic problem, one a
// line ("file:line:column: field: problem"); lines and columns are 1-based.
absl::StatusOr<Policy> LoadPolicyText(absl::string_view text,
                                      absl::string_view file_name);

// LoadPolicyText on the file's content, named by `path` in errors. NOT_FOUND
// when it cannot be read.
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_POLICY_LOADER_H_
