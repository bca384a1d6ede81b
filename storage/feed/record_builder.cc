#include "storage/feed/record_builder.h"

#include "absl/strings/string_view.h"

namespace hedui::feed {
namespace {

constexpr char kKeySeparator = '\x1f';

// Appends `value` as exactly `width` decimal digits (values are in range:
// years 1900-9999, months, days, enum numbers below 100).
void AppendDigits(int64_t value, int width, std::string* out) {
  char digits[8];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(digits, width);
}

// Protocol-buffer wire format, written directly: the reflection API cost
// several times the rest of a row's parsing. Fields go in number order and
// zero values are left out, so the bytes are those SerializeToString would
// give (record_builder_test checks it for every schema).
void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

constexpr int kVarintWireType = 0;
constexpr int kLengthDelimitedWireType = 2;

void AppendTag(int field_number, int wire_type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field_number) << 3) | wire_type, out);
}

void AppendVarintField(int field_number, int64_t value, std::string* out) {
  if (value == 0) return;
  AppendTag(field_number, kVarintWireType, out);
  AppendVarint(static_cast<uint64_t>(value), out);
}

void AppendBytesField(int field_number, absl::string_view bytes,
                      std::string* out) {
  if (bytes.empty()) return;
  AppendTag(field_number, kLengthDelimitedWireType, out);
  AppendVarint(bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

void AppendField(const Column& column, const ColumnValue& value,
                 std::string* out) {
  const int number = column.field->number();
  switch (column.type) {
    case ColumnType::kResidentId:
    case ColumnType::kName:
    case ColumnType::kText:
    case ColumnType::kRegionCode:
      AppendBytesField(number, value.text, out);
      break;
    case ColumnType::kEnum:
    case ColumnType::kMoney:
    case ColumnType::kArea:
    case ColumnType::kShare:
    case ColumnType::kGrade:
      // Never negative: the column parsers accept no sign.
      AppendVarintField(number, value.number, out);
      break;
    case ColumnType::kDate: {
      // hedui.v1.Date {year = 1, month = 2, day = 3}: at most 9 bytes.
      std::string date;
      AppendVarintField(1, value.day.year(), &date);
      AppendVarintField(2, value.day.month(), &date);
      AppendVarintField(3, value.day.day(), &date);
      AppendTag(number, kLengthDelimitedWireType, out);
      AppendVarint(date.size(), out);
      out->append(date);
      break;
    }
    case ColumnType::kMonth: {
      // hedui.v1.YearMonth {year = 1, month = 2}.
      std::string month;
      AppendVarintField(1, value.month.year(), &month);
      AppendVarintField(2, value.month.month(), &month);
      AppendTag(number, kLengthDelimitedWireType, out);
      AppendVarint(month.size(), out);
      out->append(month);
      break;
    }
  }
}

}  // namespace

RecordBuilder::RecordBuilder(const Schema& schema) : schema_(schema) {}

void RecordBuilder::BuildRecord(absl::Span<const ColumnValue> values,
                                std::string* record) const {
  record->clear();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].present) AppendField(schema_.columns[i], values[i], record);
  }
}

void RecordBuilder::BuildNaturalKey(absl::Span<const ColumnValue> values,
                                    std::string* key) const {
  key->clear();
  // One allocation: text parts plus at most 8 bytes for each other part and
  // its separator.
  size_t size = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    if (schema_.columns[i].key) size += values[i].text.size() + 9;
  }
  key->reserve(size);
  bool first = true;
  // Column 0 is person_id, which the store keys on separately.
  for (size_t i = 1; i < values.size(); ++i) {
    const Column& column = schema_.columns[i];
    if (!column.key) continue;
    if (!first) key->push_back(kKeySeparator);
    first = false;
    const ColumnValue& value = values[i];
    switch (column.type) {
      case ColumnType::kDate:
        AppendDigits(value.day.year(), 4, key);
        AppendDigits(value.day.month(), 2, key);
        AppendDigits(value.day.day(), 2, key);
        break;
      case ColumnType::kMonth:
        AppendDigits(value.month.year(), 4, key);
        AppendDigits(value.month.month(), 2, key);
        break;
      case ColumnType::kEnum:
        AppendDigits(value.number, 2, key);
        break;
      default:
        key->append(value.text.data(), value.text.size());
        break;
    }
  }
}

}  // namespace hedui::feed
