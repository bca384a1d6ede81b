#ifndef HEDUI_TESTS_FUZZ_FUZZ_CHECK_H_
#define HEDUI_TESTS_FUZZ_FUZZ_CHECK_H_

// What every harness asserts besides "no sanitizer report": a broken property
// aborts, so libFuzzer saves the input as a crash like any other.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"

namespace hedui::fuzz {

[[noreturn]] inline void Fail(const char* what, absl::string_view detail) {
  std::fprintf(stderr, "hedui fuzz property broken: %s\n%.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

#define HEDUI_FUZZ_CHECK(condition, detail)                      \
  do {                                                           \
    if (!(condition)) ::hedui::fuzz::Fail(#condition, (detail)); \
  } while (0)

// A text file's loader (policy, callers file) refusing its input: always
// INVALID_ARGUMENT, every line of the message starting with the file's name.
inline void CheckFileRefusal(const absl::Status& refusal,
                             absl::string_view file) {
  HEDUI_FUZZ_CHECK(refusal.code() == absl::StatusCode::kInvalidArgument,
                   refusal.ToString());
  for (absl::string_view line : absl::StrSplit(refusal.message(), '\n')) {
    HEDUI_FUZZ_CHECK(absl::StartsWith(line, file), refusal.ToString());
  }
}

// Protobuf logs every string with invalid UTF-8 it refuses to parse: at
// thousands of inputs a second that is all a run would print. Call from
// LLVMFuzzerInitialize.
inline void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

// The first run of 15 or more ASCII digits in `message` that also occurs in
// `input`, or "" when there is none. The rule (domain.md, project brief):
// resident IDs never appear unmasked in errors; the feed parser also withholds
// any value with 15+ digits in a row, so such a run copied from the input is
// personal data leaking, whatever column it came from. A run the input does
// not hold (a count, a line number) is not data.
inline std::string LeakedDigits(absl::string_view message,
                                absl::string_view input) {
  size_t i = 0;
  while (i < message.size()) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(message[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < message.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(message[end]))) {
      ++end;
    }
    if (end - i >= 15) {
      // Any 15 digits of the run found in the input is enough.
      const absl::string_view run = message.substr(i, 15);
      if (input.find(run) != absl::string_view::npos) return std::string(run);
    }
    i = end;
  }
  return "";
}

// A resident ID (GB 11643): 17 digits and the ISO 7064 MOD 11-2 check
// character, computed here rather than by the code under test.
inline bool IsResidentId(absl::string_view s) {
  static constexpr int kWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                       3, 7, 9,  10, 5, 8, 4, 2};
  if (s.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
    sum += (s[i] - '0') * kWeights[i];
  }
  return s[17] == "10X98765432"[sum % 11];
}

// Whether text[i, i + 18) is not part of a longer run of letters and digits
// (in a message, masking stars count as the digits they replaced).
inline bool StandsAlone(absl::string_view text, size_t i,
                        bool stars_are_digits = false) {
  const auto part = [&](size_t k) {
    return k < text.size() &&
           (absl::ascii_isalnum(static_cast<unsigned char>(text[k])) ||
            (stars_are_digits && text[k] == '*'));
  };
  return !(i > 0 && part(i - 1)) && !part(i + 18);
}

// The first resident ID of `input` that `message` shows unmasked, or "".
// Like the project's masking (MaskResidentIdsInText), an ID is 18
// characters standing alone, not part of a longer run of letters and digits,
// in the input and in the message: 18 digits left beside the stars of a
// masked stretch of a longer run were never an ID.
inline std::string LeakedResidentId(absl::string_view message,
                                    absl::string_view input) {
  for (size_t i = 0; i + 18 <= message.size(); ++i) {
    if (!StandsAlone(message, i, /*stars_are_digits=*/true)) continue;
    const absl::string_view candidate = message.substr(i, 18);
    if (!IsResidentId(candidate)) continue;
    for (size_t at = input.find(candidate); at != absl::string_view::npos;
         at = input.find(candidate, at + 1)) {
      if (StandsAlone(input, at)) return std::string(candidate);
    }
  }
  return "";
}

// RFC 3629 UTF-8, written here rather than taken from the code under test: no
// overlong forms, no surrogates, nothing above U+10FFFF.
inline bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length;
    unsigned int code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char t = static_cast<unsigned char>(text[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      code = (code << 6) | (t & 0x3F);
    }
    if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) ||
        (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace hedui::fuzz

#endif  // HEDUI_TESTS_FUZZ_FUZZ_CHECK_H_
