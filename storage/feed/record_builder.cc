#include "storage/feed/record_builder.h"

#include "google/protobuf/reflection.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::feed {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

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

void SetField(const Column& column, const ColumnValue& value,
              const Reflection& reflection, Message* message) {
  const FieldDescriptor* field = column.field;
  switch (column.type) {
    case ColumnType::kResidentId:
    case ColumnType::kName:
    case ColumnType::kText:
    case ColumnType::kRegionCode:
      reflection.SetString(message, field, std::string(value.text));
      break;
    case ColumnType::kEnum:
      reflection.SetEnumValue(message, field, static_cast<int>(value.number));
      break;
    case ColumnType::kMoney:
    case ColumnType::kArea:
      reflection.SetInt64(message, field, value.number);
      break;
    case ColumnType::kShare:
    case ColumnType::kGrade:
      reflection.SetInt32(message, field, static_cast<int32_t>(value.number));
      break;
    case ColumnType::kDate: {
      // Generated messages only (schema_test checks the field types), so the
      // downcast is safe and skips reflection for the three ints.
      auto* date = static_cast<hedui::v1::Date*>(
          reflection.MutableMessage(message, field));
      date->set_year(static_cast<int32_t>(value.day.year()));
      date->set_month(value.day.month());
      date->set_day(value.day.day());
      break;
    }
    case ColumnType::kMonth: {
      auto* month = static_cast<hedui::v1::YearMonth*>(
          reflection.MutableMessage(message, field));
      month->set_year(static_cast<int32_t>(value.month.year()));
      month->set_month(value.month.month());
      break;
    }
  }
}

}  // namespace

RecordBuilder::RecordBuilder(const Schema& schema)
    : schema_(schema),
      message_(google::protobuf::MessageFactory::generated_factory()
                   ->GetPrototype(schema.record)
                   ->New()) {}

void RecordBuilder::BuildRecord(absl::Span<const ColumnValue> values,
                                std::string* record) {
  // Every field is overwritten or cleared, so the message needs no Clear(),
  // which would free the date submessages and allocate them again each row.
  const Reflection& reflection = *message_->GetReflection();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].present) {
      SetField(schema_.columns[i], values[i], reflection, message_.get());
    } else {
      reflection.ClearField(message_.get(), schema_.columns[i].field);
    }
  }
  message_->SerializeToString(record);
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
