#ifndef HEDUI_STORAGE_FEED_RECORD_BUILDER_H_
#define HEDUI_STORAGE_FEED_RECORD_BUILDER_H_

#include <memory>
#include <string>

#include "absl/types/span.h"
#include "storage/feed/column_value.h"
#include "storage/feed/schema.h"

namespace hedui::feed {

// Turns a row's parsed values into the department's stored record and its
// natural key. Reuses one message, so building a row allocates only the
// output strings.
class RecordBuilder {
 public:
  explicit RecordBuilder(const Schema& schema);

  // Serializes the hedui.store.v1 record: value i fills field number i + 1;
  // absent values leave their field unset.
  // REQUIRES: values.size() == schema.columns.size().
  void BuildRecord(absl::Span<const ColumnValue> values,
                   std::string* record) const;

  // The key columns other than person_id, in column order, joined by U+001F:
  // dates YYYYMMDD, months YYYYMM, enums as two decimal digits of their proto
  // number, text as its UTF-8 bytes (storage/feed/README.md).
  void BuildNaturalKey(absl::Span<const ColumnValue> values,
                       std::string* key) const;

 private:
  const Schema& schema_;
};

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_RECORD_BUILDER_H_
