#include "client/text_golden.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace hedui::cli::testing {
namespace {

std::string GoldenPath(const std::string& name) {
  return absl::StrCat(HEDUI_CLIENT_TESTDATA_DIR, "/", name, ".txt");
}

bool Updating() {
  const char* update = std::getenv("HEDUI_UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

std::string FirstDifference(const std::string& stored,
                            const std::string& rendered) {
  const std::vector<std::string> a = absl::StrSplit(stored, '\n');
  const std::vector<std::string> b = absl::StrSplit(rendered, '\n');
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return absl::StrCat(
      "  line ", i + 1, "\n  golden: ", i < a.size() ? a[i] : "<end of file>",
      "\n  now:    ", i < b.size() ? b[i] : "<end of text>", "\n");
}

bool IdentifierByte(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '-' || c == '_' || c == '*';
}

}  // namespace

void ExpectMatchesTextGolden(const std::string& name, const std::string& text) {
  const std::string path = GoldenPath(name);
  if (Updating()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "no golden file " << path
                         << " (HEDUI_UPDATE_GOLDEN=1 writes it)";
  std::stringstream stored;
  stored << in.rdbuf();
  if (text != stored.str()) {
    ADD_FAILURE() << "the text view differs from " << path << ":\n"
                  << FirstDifference(stored.str(), text)
                  << "If the change is intended, regenerate with "
                     "HEDUI_UPDATE_GOLDEN=1 and read the whole diff as a "
                     "caseworker would.";
  }
}

std::vector<std::string> EnglishOutsideParentheses(const std::string& text) {
  static constexpr char kOpenWide[] = "\xEF\xBC\x88";   // （
  static constexpr char kCloseWide[] = "\xEF\xBC\x89";  // ）
  static constexpr char kSquared[] = "\xC2\xB2";        // ²
  std::vector<std::string> found;
  int depth = 0;
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    const absl::string_view rest = absl::string_view(text).substr(i);
    if (text[i] == '\n') {
      ++line;
      depth = 0;  // an unclosed parenthesis must not hide the next lines
      ++i;
    } else if (text[i] == '(' || absl::StartsWith(rest, kOpenWide)) {
      ++depth;
      i += text[i] == '(' ? 1 : 3;
    } else if (text[i] == ')' || absl::StartsWith(rest, kCloseWide)) {
      if (depth > 0) --depth;
      i += text[i] == ')' ? 1 : 3;
    } else if (IdentifierByte(text[i])) {
      size_t end = i;
      bool letter = false;
      bool digit = false;
      while (end < text.size() && IdentifierByte(text[end])) {
        letter = letter ||
                 absl::ascii_isalpha(static_cast<unsigned char>(text[end]));
        digit =
            digit || absl::ascii_isdigit(static_cast<unsigned char>(text[end]));
        ++end;
      }
      const std::string word = text.substr(i, end - i);
      const bool unit_m2 =
          word == "m" && absl::StartsWith(text.substr(end), kSquared);
      if (depth == 0 && letter && !digit && !unit_m2) {
        found.push_back(absl::StrCat("line ", line, ": ", word));
      }
      i = end;
    } else {
      ++i;
    }
  }
  return found;
}

}  // namespace hedui::cli::testing
