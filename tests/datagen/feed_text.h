#ifndef HEDUI_TESTS_DATAGEN_FEED_TEXT_H_
#define HEDUI_TESTS_DATAGEN_FEED_TEXT_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace hedui::datagen {

// Field text for the feed files (deploy/feeds/README.md "Types"), formatted
// into a small buffer: the writer formats tens of millions of fields, and
// these avoid a heap string per field.
class FieldText {
 public:
  absl::string_view view() const { return absl::string_view(buf_, len_); }

  // Yuan with at most two decimals: 350000 -> "3500", 350050 -> "3500.50".
  static FieldText Yuan(int64_t fen);
  // Same scaling for areas in 0.01 m².
  static FieldText CentiDecimal(int64_t centi) { return Yuan(centi); }
  // A share in 1/10000: 10000 -> "1", 5000 -> "0.5", 3333 -> "0.3333".
  static FieldText Share(int per_10000);
  static FieldText Day(absl::CivilDay day);        // "2026-11-01"
  static FieldText Month(absl::CivilMonth month);  // "2026-10"
  static FieldText Int(int64_t value);

 private:
  char buf_[32];
  size_t len_ = 0;
};

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_FEED_TEXT_H_
