#include "storage/feed/error_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hedui::feed {
namespace {

constexpr size_t kMaxQuotedBytes = 32;
// 15-digit (first-generation) and 18-digit resident IDs.
constexpr int kIdLikeDigits = 15;

bool LooksLikeResidentId(absl::string_view value) {
  int run = 0;
  for (char c : value) {
    run = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run >= kIdLikeDigits) return true;
  }
  return false;
}

}  // namespace

std::string QuoteForError(absl::string_view value) {
  if (LooksLikeResidentId(value))
    return "(value withheld: it looks like an ID)";
  // Codes, dates and amounts are ASCII; Chinese text in a coded column is
  // most likely a name in the wrong column, which an error must not repeat.
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return "(value withheld: non-ASCII text, possibly a name)";
    }
  }
  if (value.size() <= kMaxQuotedBytes) return absl::StrCat("\"", value, "\"");
  size_t cut = kMaxQuotedBytes;
  // Back up over continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat("\"", value.substr(0, cut), "...\"");
}

}  // namespace hedui::feed
