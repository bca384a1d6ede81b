#include "storage/types/utf8_count.h"

namespace hedui {

size_t Utf8CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace hedui
