#include "storage/types/civil_date.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hedui {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

int ToInt(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !AllDigits(text.substr(0, 4)) || !AllDigits(text.substr(5, 2)) ||
      !AllDigits(text.substr(8, 2))) {
    return absl::InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  const int y = ToInt(text.substr(0, 4));
  const int m = ToInt(text.substr(5, 2));
  const int d = ToInt(text.substr(8, 2));
  const absl::CivilDay day(y, m, d);
  if (y < 1900 || day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError("not a calendar date");
  }
  return day;
}

absl::StatusOr<absl::CivilMonth> ParseCivilMonth(absl::string_view text) {
  if (text.size() != 7 || text[4] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2))) {
    return absl::InvalidArgumentError("expected a month as YYYY-MM");
  }
  const int y = ToInt(text.substr(0, 4));
  const int m = ToInt(text.substr(5, 2));
  if (y < 1900 || m < 1 || m > 12) {
    return absl::InvalidArgumentError("not a calendar month");
  }
  return absl::CivilMonth(y, m);
}

std::string FormatCivilDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatCivilMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

hedui::v1::Date ToProto(absl::CivilDay day) {
  hedui::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

hedui::v1::YearMonth ToProto(absl::CivilMonth month) {
  hedui::v1::YearMonth ym;
  ym.set_year(static_cast<int32_t>(month.year()));
  ym.set_month(month.month());
  return ym;
}

absl::StatusOr<absl::CivilDay> FromProto(const hedui::v1::Date& date,
                                         absl::string_view field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1900 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a calendar date (year ", date.year(),
                     ", month ", date.month(), ", day ", date.day(), ")"));
  }
  return day;
}

absl::StatusOr<absl::CivilMonth> FromProto(const hedui::v1::YearMonth& month,
                                           absl::string_view field) {
  if (month.year() < 1900 || month.year() > 9999 || month.month() < 1 ||
      month.month() > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a calendar month (year ", month.year(),
                     ", month ", month.month(), ")"));
  }
  return absl::CivilMonth(month.year(), month.month());
}

absl::TimeZone ChinaTimeZone() {
  absl::TimeZone tz;
  // Without tzdata the fixed UTC+8 is exact: China has kept no DST since 1991.
  if (!absl::LoadTimeZone("Asia/Shanghai", &tz)) {
    tz = absl::FixedTimeZone(8 * 60 * 60);
  }
  return tz;
}

absl::CivilDay TodayInChina(absl::Time now) {
  return absl::ToCivilDay(now, ChinaTimeZone());
}

}  // namespace hedui
