#ifndef HEDUI_STORAGE_TYPES_CIVIL_DATE_H_
#define HEDUI_STORAGE_TYPES_CIVIL_DATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hedui/v1/codes.pb.h"

namespace hedui {

// Strict "YYYY-MM-DD" (a real calendar day, years 1900-9999).
absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text);
// Strict "YYYY-MM".
absl::StatusOr<absl::CivilMonth> ParseCivilMonth(absl::string_view text);

std::string FormatCivilDay(absl::CivilDay day);        // "2026-11-28"
std::string FormatCivilMonth(absl::CivilMonth month);  // "2026-11"

// Proto conversions. FromProto validates (an unset or impossible date is an
// error naming `field`).
hedui::v1::Date ToProto(absl::CivilDay day);
hedui::v1::YearMonth ToProto(absl::CivilMonth month);
absl::StatusOr<absl::CivilDay> FromProto(const hedui::v1::Date& date,
                                         absl::string_view field);
absl::StatusOr<absl::CivilMonth> FromProto(const hedui::v1::YearMonth& month,
                                           absl::string_view field);

// Every date in Hedui is China's (domain.md §1), whatever the host's zone.
absl::TimeZone ChinaTimeZone();
absl::CivilDay TodayInChina(absl::Time now = absl::Now());

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_CIVIL_DATE_H_
