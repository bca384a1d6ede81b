#ifndef HEDUI_STORAGE_FEED_SCHEMA_H_
#define HEDUI_STORAGE_FEED_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::feed {

// How a CSV column is validated and converted (deploy/feeds/README.md,
// "Types").
enum class ColumnType {
  kResidentId,  // person_id, spouse_id: personal data, never quoted in errors
  kName,        // a person's name: required text, personal data
  kText,        // required text, trimmed, at most 128 bytes
  kRegionCode,  // 6 digits
  kEnum,        // upper-case code of the record field's proto enum
  kDate,        // YYYY-MM-DD -> hedui.v1.Date
  kMonth,       // YYYY-MM -> hedui.v1.YearMonth
  kMoney,       // yuan, <= 2 decimals -> int64 fen
  kArea,        // m2, <= 2 decimals -> int64 0.01 m2
  kShare,       // (0, 1], <= 4 decimals -> int32 per 10000
  kGrade,       // 1-4 -> int32
};

struct EnumCode {
  std::string name;
  int number = 0;
};

struct Column {
  std::string name;
  ColumnType type = ColumnType::kText;
  bool key = false;
  // The record field this column fills: column i fills field number i + 1,
  // so the README's column order and the disk format's field order are one
  // list (checked by schema_test).
  const google::protobuf::FieldDescriptor* field = nullptr;
  // kEnum: the accepted codes (the proto enum's values except 0), and the
  // same as "A, B, C" for error messages.
  std::vector<EnumCode> codes;
  std::string codes_list;
};

struct Schema {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  std::string name;                                      // "TAX"
  const google::protobuf::Descriptor* record = nullptr;  // hedui.store.v1.*
  std::vector<Column> columns;
};

// The schema of `department`, or nullptr when it has none (UNSPECIFIED or a
// number outside the enum). Schemas live for the whole process.
const Schema* FindSchema(hedui::v1::Department department);

// Every department's schema, in enum order.
const std::vector<Schema>& AllSchemas();

// True for columns whose values must never appear in an error message.
inline bool IsPersonal(ColumnType type) {
  return type == ColumnType::kResidentId || type == ColumnType::kName;
}

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_SCHEMA_H_
