#include "server/errors/utf8_text.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace hedui::server {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kEllipsis[] = "\xE2\x80\xA6";     // U+2026

// Length of the well-formed UTF-8 sequence at `text[i]` (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF); 0 when ill-formed.
size_t SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[i + k]); };
  const size_t left = text.size() - i;
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) return 1;
  const auto cont = [&](size_t k) {
    return k < left && (byte(k) & 0xC0) == 0x80;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const uint8_t b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const uint8_t b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string CutUtf8(absl::string_view text, size_t max_chars) {
  // Each character's bytes as they will be kept; stops one past the limit so
  // that a cut is known without reading the rest of a huge text.
  std::vector<absl::string_view> chars;
  chars.reserve(std::min(text.size(), max_chars + 1));
  for (size_t i = 0; i < text.size() && chars.size() <= max_chars;) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) {
      chars.emplace_back(kReplacement, 3);
      ++i;
    } else {
      chars.push_back(text.substr(i, n));
      i += n;
    }
  }
  const bool cut = chars.size() > max_chars;
  if (cut) chars.resize(max_chars == 0 ? 0 : max_chars - 1);
  std::string out;
  for (absl::string_view c : chars) out.append(c.data(), c.size());
  if (cut && max_chars > 0) out += kEllipsis;
  return out;
}

size_t Utf8Length(absl::string_view text) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++chars) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) return absl::string_view::npos;
    i += n;
  }
  return chars;
}

}  // namespace hedui::server
