#ifndef HEDUI_STORAGE_FEED_COLUMN_VALUE_H_
#define HEDUI_STORAGE_FEED_COLUMN_VALUE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "storage/feed/schema.h"

namespace hedui::feed {

// Required text is at most this long, after decoding and trimming.
inline constexpr size_t kMaxTextBytes = 128;

// One parsed CSV field. Only the member for the column's type is set.
struct ColumnValue {
  bool present = false;    // false: an empty non-key field of a delta delete
  absl::string_view text;  // IDs, text (trimmed), region codes
  int64_t number = 0;      // enum number, fen, 0.01 m2, share per 10000, grade
  absl::CivilDay day;
  absl::CivilMonth month;
};

// Parses the field `raw` of `column` into *value. Text is trimmed of
// surrounding ASCII spaces; other types are not (a space is an error).
// Error messages start with the column name and never hold the value of a
// personal column (resident IDs, names).
absl::Status ParseColumnValue(const Column& column, absl::string_view raw,
                              ColumnValue* value);

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_COLUMN_VALUE_H_
