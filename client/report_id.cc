#include "client/report_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hedui::cli {
namespace {

constexpr size_t kDigits = 12;

// Characters, not bytes, so "Ｒ00000000001" is said to be 12 characters long.
size_t Utf8Characters(absl::string_view text) {
  size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string Problem(absl::string_view id) {
  if (id.empty()) return "missing";
  const size_t characters = Utf8Characters(id);
  if (characters != kDigits + 1) {
    return absl::StrCat("has ", characters, " characters, not ", kDigits + 1);
  }
  if (id.size() != kDigits + 1) {
    return "has characters other than R and the digits 0-9 (fullwidth?)";
  }
  if (id[0] != 'R') return "does not start with a capital R";
  for (char c : id.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::StrCat("has something other than a digit after the R");
    }
  }
  if (id.substr(1).find_first_not_of('0') == absl::string_view::npos) {
    return "is R000000000000, which no report has";
  }
  return "";
}

}  // namespace

absl::Status ValidateReportId(absl::string_view argument,
                              absl::string_view id) {
  const std::string problem = Problem(id);
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      argument, ": the report id ", problem,
      " (expected R followed by 12 digits, e.g. ", kReportIdExample, ")"));
}

}  // namespace hedui::cli
