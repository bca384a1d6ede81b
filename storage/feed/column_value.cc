#include "storage/feed/column_value.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "storage/feed/error_text.h"
#include "storage/types/civil_date.h"
#include "storage/types/money.h"
#include "storage/types/resident_id.h"

namespace hedui::feed {
namespace {

constexpr int kRegionCodeDigits = 6;
constexpr int64_t kWholeShare = 10000;  // share_per_10000 of a sole owner

absl::Status Invalid(const Column& column, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(column.name, ": ", problem));
}

bool IsTextType(ColumnType type) {
  return type == ColumnType::kText || type == ColumnType::kName;
}

absl::string_view TrimSpaces(absl::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status ParseText(const Column& column, absl::string_view raw,
                       ColumnValue* value) {
  const absl::string_view text = TrimSpaces(raw);
  if (text.empty()) return Invalid(column, "required text is empty");
  if (text.size() > kMaxTextBytes) {
    return Invalid(
        column, absl::StrCat("text is ", text.size(), " bytes long; at most ",
                             kMaxTextBytes, " bytes are allowed"));
  }
  value->text = text;
  return absl::OkStatus();
}

absl::Status ParseEnum(const Column& column, absl::string_view raw,
                       ColumnValue* value) {
  for (const EnumCode& code : column.codes) {
    if (code.name == raw) {
      value->number = code.number;
      return absl::OkStatus();
    }
  }
  return Invalid(column, absl::StrCat("unknown code ", QuoteForError(raw),
                                      "; expected one of ", column.codes_list));
}

absl::Status ParseMoney(const Column& column, absl::string_view raw,
                        ColumnValue* value) {
  if (raw.front() == '-') {
    return Invalid(column, absl::StrCat(QuoteForError(raw),
                                        " is a negative amount; amounts are "
                                        "non-negative yuan without a sign"));
  }
  const absl::StatusOr<int64_t> fen = ParseYuanToFen(raw);
  if (!fen.ok()) {
    return Invalid(
        column,
        absl::StrCat(QuoteForError(raw), " is not an amount in yuan (",
                     fen.status().message(), "); write e.g. 3500 or 3500.50"));
  }
  value->number = *fen;
  return absl::OkStatus();
}

absl::Status ParseArea(const Column& column, absl::string_view raw,
                       ColumnValue* value) {
  const absl::StatusOr<int64_t> centi = ParseScaledDecimal(raw, 2);
  if (!centi.ok()) {
    return Invalid(
        column,
        absl::StrCat(QuoteForError(raw), " is not an area in square metres (",
                     centi.status().message(), "); write e.g. 89 or 89.25"));
  }
  value->number = *centi;
  return absl::OkStatus();
}

absl::Status ParseShare(const Column& column, absl::string_view raw,
                        ColumnValue* value) {
  const absl::StatusOr<int64_t> share = ParseScaledDecimal(raw, 4);
  if (!share.ok() || *share <= 0 || *share > kWholeShare) {
    return Invalid(
        column,
        absl::StrCat(
            QuoteForError(raw),
            " is not a share: expected a decimal greater than 0 and "
            "at most 1, with at most 4 decimals (e.g. 1, 0.5, 0.3333)"));
  }
  value->number = *share;
  return absl::OkStatus();
}

absl::Status ParseGrade(const Column& column, absl::string_view raw,
                        ColumnValue* value) {
  if (raw.size() != 1 || raw[0] < '1' || raw[0] > '4') {
    return Invalid(column, absl::StrCat(QuoteForError(raw),
                                        " is not a grade; expected 1, 2, 3 "
                                        "or 4"));
  }
  value->number = raw[0] - '0';
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseColumnValue(const Column& column, absl::string_view raw,
                              ColumnValue* value) {
  value->present = true;
  if (IsTextType(column.type)) return ParseText(column, raw, value);
  if (raw.empty()) return Invalid(column, "a value is required");
  if (raw.front() == ' ' || raw.back() == ' ') {
    return Invalid(column,
                   "remove the spaces around the value (only text columns "
                   "are trimmed)");
  }
  switch (column.type) {
    case ColumnType::kResidentId: {
      absl::Status status = ValidateResidentId(raw, column.name);
      if (!status.ok()) return status;
      value->text = raw;
      return absl::OkStatus();
    }
    case ColumnType::kRegionCode:
      if (raw.size() != kRegionCodeDigits || !AllDigits(raw)) {
        return Invalid(column, absl::StrCat(QuoteForError(raw),
                                            " is not a region code; expected "
                                            "6 digits"));
      }
      value->text = raw;
      return absl::OkStatus();
    case ColumnType::kEnum:
      return ParseEnum(column, raw, value);
    case ColumnType::kDate: {
      const absl::StatusOr<absl::CivilDay> day = ParseCivilDay(raw);
      if (!day.ok()) {
        return Invalid(column, absl::StrCat(QuoteForError(raw), ": ",
                                            day.status().message()));
      }
      value->day = *day;
      return absl::OkStatus();
    }
    case ColumnType::kMonth: {
      const absl::StatusOr<absl::CivilMonth> month = ParseCivilMonth(raw);
      if (!month.ok()) {
        return Invalid(column, absl::StrCat(QuoteForError(raw), ": ",
                                            month.status().message()));
      }
      value->month = *month;
      return absl::OkStatus();
    }
    case ColumnType::kMoney:
      return ParseMoney(column, raw, value);
    case ColumnType::kArea:
      return ParseArea(column, raw, value);
    case ColumnType::kShare:
      return ParseShare(column, raw, value);
    case ColumnType::kGrade:
      return ParseGrade(column, raw, value);
    case ColumnType::kName:
    case ColumnType::kText:
      break;  // handled above
  }
  return Invalid(column, "unsupported column type");
}

}  // namespace hedui::feed
