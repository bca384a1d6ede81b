#include "client/flags.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

// The values of an enum except its UNSPECIFIED zero, from the proto so a
// new program needs no CLI change.
std::string EnumNames(const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() == 0) continue;
    names.push_back(descriptor->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<int> ParseEnumFlag(
    const google::protobuf::EnumDescriptor* descriptor, absl::string_view flag,
    absl::string_view what, absl::string_view text) {
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(absl::AsciiStrToUpper(text));
  if (value == nullptr || value->number() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": unknown ", what, " \"", text,
                     "\" (expected one of ", EnumNames(descriptor), ")"));
  }
  return value->number();
}

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     absl::string_view prefix, int number) {
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByNumber(number);
  if (value != nullptr) return value->name();
  return absl::StrCat(prefix, "_", number);
}

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<hedui::v1::Program> ParseProgramFlag(absl::string_view flag,
                                                    absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumFlag(hedui::v1::Program_descriptor(), flag, "program", text);
  if (!value.ok()) return value.status();
  return static_cast<hedui::v1::Program>(*value);
}

absl::StatusOr<hedui::v1::Verdict> ParseVerdictFlag(absl::string_view flag,
                                                    absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumFlag(hedui::v1::Verdict_descriptor(), flag, "verdict", text);
  if (!value.ok()) return value.status();
  return static_cast<hedui::v1::Verdict>(*value);
}

absl::StatusOr<hedui::v1::Date> ParseDateFlag(absl::string_view flag,
                                              absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseCivilDay(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " \"", text, "\": ", day.status().message(),
                     " (expected a real date as YYYY-MM-DD)"));
  }
  return ToProto(*day);
}

absl::Status CheckDateRange(absl::string_view from_flag,
                            const hedui::v1::Date& from,
                            absl::string_view to_flag,
                            const hedui::v1::Date& to) {
  const absl::CivilDay a(from.year(), from.month(), from.day());
  const absl::CivilDay b(to.year(), to.month(), to.day());
  if (a > b) {
    return absl::InvalidArgumentError(
        absl::StrCat(from_flag, " ", FormatCivilDay(a), " is after ", to_flag,
                     " ", FormatCivilDay(b)));
  }
  return absl::OkStatus();
}

absl::Status ValidatePersonFlag(absl::string_view flag,
                                absl::string_view text) {
  return ValidateResidentId(text, flag);
}

absl::Status ValidateRegionFlag(absl::string_view flag,
                                absl::string_view text) {
  if (text.size() != 6 || !AllDigits(text)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " \"", text, "\": expected a 6-digit county code, e.g. 320581"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseTimeFlag(absl::string_view flag,
                                      absl::string_view text, bool end_of_day) {
  const absl::TimeZone china = ChinaTimeZone();
  if (absl::StatusOr<absl::CivilDay> day = ParseCivilDay(text); day.ok()) {
    const absl::CivilDay start = end_of_day ? *day + 1 : *day;
    return absl::ToUnixMicros(absl::FromCivil(start, china));
  }
  absl::Time time;
  std::string error;
  // Zone-less forms are China's time, like every time Hedui shows.
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                             "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"}) {
    if (absl::ParseTime(format, std::string(text), china, &time, &error)) {
      return absl::ToUnixMicros(time);
    }
  }
  if (absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return absl::ToUnixMicros(time);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      flag, " \"", text,
      "\": expected YYYY-MM-DD, \"YYYY-MM-DD HH:MM[:SS]\" (Asia/Shanghai) or "
      "RFC 3339 (2026-11-03T09:30:00+08:00)"));
}

absl::StatusOr<TimeRange> ParseTimeRangeFlags(absl::string_view from,
                                              absl::string_view to) {
  TimeRange range;
  if (!from.empty()) {
    absl::StatusOr<int64_t> micros =
        ParseTimeFlag("--from", from, /*end_of_day=*/false);
    if (!micros.ok()) return micros.status();
    range.from_unix_micros = *micros;
  }
  if (!to.empty()) {
    absl::StatusOr<int64_t> micros =
        ParseTimeFlag("--to", to, /*end_of_day=*/true);
    if (!micros.ok()) return micros.status();
    range.to_unix_micros = *micros;
  }
  if (range.to_unix_micros != 0 &&
      range.from_unix_micros >= range.to_unix_micros) {
    return absl::InvalidArgumentError(
        absl::StrCat("--from ", from, " is not before --to ", to));
  }
  return range;
}

std::string ProgramName(hedui::v1::Program program) {
  return EnumName(hedui::v1::Program_descriptor(), "PROGRAM", program);
}

std::string VerdictName(hedui::v1::Verdict verdict) {
  return EnumName(hedui::v1::Verdict_descriptor(), "VERDICT", verdict);
}

std::string DepartmentName(hedui::v1::Department department) {
  return EnumName(hedui::v1::Department_descriptor(), "DEPARTMENT", department);
}

}  // namespace hedui::cli
