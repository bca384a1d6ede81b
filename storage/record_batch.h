#ifndef HEDUI_STORAGE_RECORD_BATCH_H_
#define HEDUI_STORAGE_RECORD_BATCH_H_

// The records of one feed between the parser and the store: all bytes in one
// buffer, sorted through small fixed-size entries, so a million rows cost no
// million allocations and sorting moves no strings.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hedui::storage {

struct RecordView {
  absl::string_view person_id;  // 18 bytes
  absl::string_view natural_key;
  absl::string_view value;  // serialized department record
  int64_t line = 0;         // feed line, for error messages
  bool erase = false;       // a delta's deletion
};

class RecordBatch {
 public:
  void Reserve(size_t records, size_t bytes);
  // REQUIRES: person_id has 18 bytes.
  void Add(absl::string_view person_id, absl::string_view natural_key,
           absl::string_view value, int64_t line = 0, bool erase = false);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The i-th record in the current order (insertion order until Sort()).
  RecordView operator[](size_t i) const;

  // Orders by (person_id, natural_key), ties by line.
  void Sort();
  // True when ordered by (person_id, natural_key) with no key twice.
  bool IsSortedAndUnique() const;
  // Same person and natural key as the record before it (after Sort()).
  bool SameKeyAsPrevious(size_t i) const;

 private:
  struct Entry {
    uint64_t head;    // first 8 key bytes, big-endian: most compares end here
    uint64_t offset;  // key (person_id + natural_key) then value
    uint32_t key_size;
    uint32_t value_size;
    int64_t line;
    bool erase;
  };
  absl::string_view Key(const Entry& e) const {
    return absl::string_view(buffer_.data() + e.offset, e.key_size);
  }
  int CompareKeys(const Entry& a, const Entry& b) const;

  std::string buffer_;
  std::vector<Entry> entries_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_RECORD_BATCH_H_
