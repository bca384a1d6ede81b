#ifndef HEDUI_STORAGE_TYPES_SMALL_FILE_H_
#define HEDUI_STORAGE_TYPES_SMALL_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hedui {

// The whole of a configuration file (a policy, a callers file). NOT_FOUND
// naming `what` and the path when it cannot be opened or read;
// INVALID_ARGUMENT when it is larger than `max_bytes`, which no such file
// is (a wrong path given, e.g. a data file).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path,
                                          absl::string_view what,
                                          size_t max_bytes);

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_SMALL_FILE_H_
