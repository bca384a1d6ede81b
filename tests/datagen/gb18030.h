#ifndef HEDUI_TESTS_DATAGEN_GB18030_H_
#define HEDUI_TESTS_DATAGEN_GB18030_H_

#include <string>

#include "absl/status/status.h"

namespace hedui::datagen {

// Re-encodes a UTF-8 file as GB18030 with iconv(3), the encoding many
// departments export in (domain.md §8). Every Unicode character has a
// GB18030 form, so the conversion never loses text.
absl::Status ConvertUtf8FileToGb18030(const std::string& from,
                                      const std::string& to);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_GB18030_H_
