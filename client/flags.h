#ifndef HEDUI_CLIENT_FLAGS_H_
#define HEDUI_CLIENT_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// Checks of flag values, done before a command connects. Every error is
// INVALID_ARGUMENT and starts with the flag's name ("--from ..."), so the
// user sees which flag to fix; none echoes a resident ID.

// A program code (DIBAO, TEKUN, ...), case-insensitive.
absl::StatusOr<hedui::v1::Program> ParseProgramFlag(absl::string_view flag,
                                                    absl::string_view text);

// A verdict code (MEETS_CRITERIA, DOES_NOT_MEET, NEEDS_REVIEW),
// case-insensitive.
absl::StatusOr<hedui::v1::Verdict> ParseVerdictFlag(absl::string_view flag,
                                                    absl::string_view text);

// A real date as YYYY-MM-DD.
absl::StatusOr<hedui::v1::Date> ParseDateFlag(absl::string_view flag,
                                              absl::string_view text);

// `from` not after `to` (both given as dates). Names both flags.
absl::Status CheckDateRange(absl::string_view from_flag,
                            const hedui::v1::Date& from,
                            absl::string_view to_flag,
                            const hedui::v1::Date& to);

// A well-formed 18-character resident ID.
absl::Status ValidatePersonFlag(absl::string_view flag, absl::string_view text);

// A county code: 6 digits.
absl::Status ValidateRegionFlag(absl::string_view flag, absl::string_view text);

// A point in time as Unix microseconds: "YYYY-MM-DD" (midnight in
// Asia/Shanghai; with `end_of_day`, the next midnight, so that an exclusive
// upper bound still includes the whole day), "YYYY-MM-DD HH:MM[:SS]" or
// "YYYY-MM-DDTHH:MM[:SS]" in Asia/Shanghai, or RFC 3339 with a zone offset.
absl::StatusOr<int64_t> ParseTimeFlag(absl::string_view flag,
                                      absl::string_view text, bool end_of_day);

// --from and --to as ParseTimeFlag reads them (either may be empty: 0, no
// bound); --from must come before --to when both are given.
struct TimeRange {
  int64_t from_unix_micros = 0;
  int64_t to_unix_micros = 0;
};
absl::StatusOr<TimeRange> ParseTimeRangeFlags(absl::string_view from,
                                              absl::string_view to);

// The enum value's name, or "<PREFIX>_<number>" for a value added to the
// proto after this build, so a newer server still prints. Chinese names are
// in zh_names.h, read from the .proto.
std::string ProgramName(hedui::v1::Program program);
std::string VerdictName(hedui::v1::Verdict verdict);
std::string DepartmentName(hedui::v1::Department department);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_FLAGS_H_
