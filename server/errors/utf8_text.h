#ifndef HEDUI_SERVER_ERRORS_UTF8_TEXT_H_
#define HEDUI_SERVER_ERRORS_UTF8_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace hedui::server {

// Text a caller sent ends up in audit entries and error messages, which are
// proto3 strings: a byte cut in the middle of a character, or a byte that was
// never UTF-8, would make the stored entry unreadable and break the chain.

// `text` as valid UTF-8 of at most `max_chars` characters: invalid bytes
// become U+FFFD, and a longer text is cut on a character boundary and ends in
// "…" (counted in `max_chars`).
std::string CutUtf8(absl::string_view text, size_t max_chars);

// Characters in `text` when it is valid UTF-8; npos when it is not.
size_t Utf8Length(absl::string_view text);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_ERRORS_UTF8_TEXT_H_
