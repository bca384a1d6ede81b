#ifndef HEDUI_STORAGE_TYPES_UTF8_COUNT_H_
#define HEDUI_STORAGE_TYPES_UTF8_COUNT_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace hedui {

// Characters, not bytes, for messages that say how long an identifier is:
// an ID typed in fullwidth digits is 18 characters of 54 bytes. Counts the
// bytes that start a UTF-8 sequence; a malformed sequence counts each stray
// byte, which is still a fair count for such a message.
size_t Utf8CharacterCount(absl::string_view text);

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_UTF8_COUNT_H_
