#ifndef HEDUI_STORAGE_TYPES_RESIDENT_ID_H_
#define HEDUI_STORAGE_TYPES_RESIDENT_ID_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace hedui {

// An 18-character resident ID (GB 11643): region (6 digits), birth date
// (YYYYMMDD), sequence (3 digits, odd = male), ISO 7064 MOD 11-2 check
// character (0-9 or X).
inline constexpr int kResidentIdLength = 18;

// OK when `id` is a well-formed resident ID. The error names `field` and the
// problem but never echoes the ID itself (personal data stays out of errors).
absl::Status ValidateResidentId(absl::string_view id,
                                absl::string_view field = "person_id");

// The check character for the first 17 characters of an ID (which must be
// digits).
char ResidentIdCheckCharacter(absl::string_view first17);

// Birth date of a validated ID.
absl::CivilDay ResidentIdBirthDate(absl::string_view valid_id);

// Age in whole years on `day`: a person born on 2010-11-28 is 16 on
// 2026-11-28 and 15 the day before. A 29 February birthday is reached on
// 1 March in non-leap years.
int AgeOn(absl::CivilDay birth, absl::CivilDay day);

// "3201**********123X": region prefix and the last four characters, for logs
// and error messages. Anything that is not 18 characters is fully starred.
std::string MaskResidentId(absl::string_view id);

// Masks every run of 17 digits followed by a digit or X that stands alone
// (not inside a longer run of letters and digits), as MaskResidentId does:
// for free text such as log lines.
std::string MaskResidentIdsInText(absl::string_view text);

// "张*" / "欧阳**": the first UTF-8 character and a star for each other one.
std::string MaskName(absl::string_view name);

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_RESIDENT_ID_H_
