#include "client/report_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/types/utf8_count.h"

namespace hedui::cli {
namespace {

constexpr size_t kDigits = 12;

std::string Problem(absl::string_view id) {
  if (id.empty()) return "missing";
  const size_t characters = Utf8CharacterCount(id);
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
