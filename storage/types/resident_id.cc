#include "storage/types/resident_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/types/utf8_count.h"

namespace hedui {
namespace {

constexpr int kWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
constexpr char kCheckCharacters[11] = {'1', '0', 'X', '9', '8', '7',
                                       '6', '5', '4', '3', '2'};

int ParseDigits(absl::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

char ResidentIdCheckCharacter(absl::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckCharacters[sum % 11];
}

absl::Status ValidateResidentId(absl::string_view id, absl::string_view field) {
  if (id.size() != kResidentIdLength) {
    // Counted in characters, not bytes: an ID typed in fullwidth digits is
    // 18 characters long, and saying "got 54" would mislead whoever typed it.
    const size_t characters = Utf8CharacterCount(id);
    if (characters == kResidentIdLength) {
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ": a resident ID is written in ASCII digits 0-9 and X; this one has "
          "other characters (fullwidth digits?)"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": a resident ID has 18 characters, got ", characters));
  }
  for (int i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": character ", i + 1, " of the resident ID is not a digit"));
    }
  }
  const char last = id[17];
  if (!absl::ascii_isdigit(static_cast<unsigned char>(last)) && last != 'X') {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": the check character of the resident ID must be 0-9 or X"));
  }
  if (id.substr(0, 2) == "00") {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": the region code of the resident ID is invalid"));
  }
  const int year = ParseDigits(id.substr(6, 4));
  const int month = ParseDigits(id.substr(10, 2));
  const int day = ParseDigits(id.substr(12, 2));
  const absl::CivilDay birth(year, month, day);
  if (year < 1900 || birth.year() != year || birth.month() != month ||
      birth.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": the birth date in the resident ID is not a valid date"));
  }
  if (ResidentIdCheckCharacter(id.substr(0, 17)) != last) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": the check character of the resident ID does not match"));
  }
  return absl::OkStatus();
}

absl::CivilDay ResidentIdBirthDate(absl::string_view valid_id) {
  return absl::CivilDay(ParseDigits(valid_id.substr(6, 4)),
                        ParseDigits(valid_id.substr(10, 2)),
                        ParseDigits(valid_id.substr(12, 2)));
}

int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() ||
      (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

std::string MaskResidentId(absl::string_view id) {
  if (id.size() != kResidentIdLength) return std::string(id.size(), '*');
  return absl::StrCat(id.substr(0, 4), std::string(10, '*'), id.substr(14));
}

std::string MaskResidentIdsInText(absl::string_view text) {
  std::string out(text);
  const auto alnum = [&](size_t i) {
    return absl::ascii_isalnum(static_cast<unsigned char>(out[i]));
  };
  size_t i = 0;
  while (i + kResidentIdLength <= out.size()) {
    if (i > 0 && alnum(i - 1)) {
      ++i;
      continue;
    }
    size_t digits = 0;
    while (digits < 17 &&
           absl::ascii_isdigit(static_cast<unsigned char>(out[i + digits]))) {
      ++digits;
    }
    const size_t end = i + kResidentIdLength;
    if (digits == 17 &&
        (absl::ascii_isdigit(static_cast<unsigned char>(out[i + 17])) ||
         out[i + 17] == 'X' || out[i + 17] == 'x') &&
        (end == out.size() || !alnum(end))) {
      for (size_t k = i + 4; k < i + 14; ++k) out[k] = '*';
      i = end;
    } else {
      i += digits == 0 ? 1 : digits;
    }
  }
  // RocksDB prints keys in hex too ("3131303130..."): an ID there is 17
  // pairs "3d" and a last "3d" or "58" (X). Mask the digits of the middle.
  constexpr size_t kHexIdLength = size_t{2} * kResidentIdLength;
  for (size_t start = 0; start + kHexIdLength <= out.size(); ++start) {
    bool is_id = true;
    for (size_t pair = 0; pair < kResidentIdLength && is_id; ++pair) {
      const char hi = out[start + 2 * pair];
      const char lo = out[start + 2 * pair + 1];
      const bool digit =
          hi == '3' && absl::ascii_isdigit(static_cast<unsigned char>(lo));
      const bool x = pair == 17 && hi == '5' && lo == '8';
      is_id = digit || x;
    }
    if (!is_id) continue;
    for (size_t k = start + 8; k < start + 28; ++k) out[k] = '*';
    start += kHexIdLength - 1;
  }
  return out;
}

std::string MaskName(absl::string_view name) {
  if (name.empty()) return "";
  // Length of the first UTF-8 sequence, from its lead byte.
  const unsigned char lead = static_cast<unsigned char>(name[0]);
  size_t first = 1;
  if (lead >= 0xF0) {
    first = 4;
  } else if (lead >= 0xE0) {
    first = 3;
  } else if (lead >= 0xC0) {
    first = 2;
  }
  if (first > name.size()) first = name.size();
  std::string masked(name.substr(0, first));
  for (size_t i = first; i < name.size(); ++i) {
    // Count characters, not bytes: continuation bytes are 10xxxxxx.
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) masked += '*';
  }
  if (masked.size() == first) masked += '*';
  return masked;
}

}  // namespace hedui
