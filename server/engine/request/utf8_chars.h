#ifndef HEDUI_SERVER_ENGINE_REQUEST_UTF8_CHARS_H_
#define HEDUI_SERVER_ENGINE_REQUEST_UTF8_CHARS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace hedui::engine {

// The number of Unicode characters of `text` when it is valid UTF-8 (no
// overlong forms, surrogates or code points above U+10FFFF), nullopt when it
// is not. Limits on names and purposes count characters, not bytes: they are
// Chinese text, three bytes a character.
std::optional<int64_t> Utf8Chars(absl::string_view text);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REQUEST_UTF8_CHARS_H_
