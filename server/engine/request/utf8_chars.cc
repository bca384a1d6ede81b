#include "server/engine/request/utf8_chars.h"

#include <cstdint>

namespace hedui::engine {

std::optional<int64_t> Utf8Chars(absl::string_view text) {
  int64_t chars = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    int length = 0;
    uint32_t code = 0;
    uint32_t min = 0;  // the smallest code point of this length (no overlong)
    if (lead < 0x80) {
      length = 1;
      code = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code = lead & 0x1F;
      min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code = lead & 0x0F;
      min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code = lead & 0x07;
      min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (n - i < static_cast<size_t>(length)) return std::nullopt;
    for (int k = 1; k < length; ++k) {
      const unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      code = (code << 6) | (c & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return std::nullopt;
    }
    i += length;
    ++chars;
  }
  return chars;
}

}  // namespace hedui::engine
