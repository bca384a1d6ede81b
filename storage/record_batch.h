#ifndef HEDUI_STORAGE_RECORD_BATCH_H_
#define HEDUI_STORAGE_RECORD_BATCH_H_

// The records of one feed between the parser and the store: all bytes in one
// buffer, sorted through small fixed-size entries, so a million rows cost no
// million allocations and sorting moves no strings.

#include <cstdint>
#include <memory>
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
  RecordBatch() = default;
  // A moved-from batch is empty and must not write into blocks it gave up.
  RecordBatch(RecordBatch&& other) noexcept { *this = std::move(other); }
  RecordBatch& operator=(RecordBatch&& other) noexcept;

  // Capacity for `records` entries; bytes go to blocks allocated as needed.
  void Reserve(size_t records);
  // REQUIRES: person_id is a validated resident ID (18 bytes: 17 digits
  // and a check character); the store verifies the byte order it gets.
  void Add(absl::string_view person_id, absl::string_view natural_key,
           absl::string_view value, int64_t line = 0, bool erase = false);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The i-th record in the current order (insertion order until Sort()).
  RecordView operator[](size_t i) const;

  // Orders by (person_id, natural_key), ties by line. A no-op when the
  // batch is known to be in order already.
  void Sort();

  // Batches each sorted by Sort(), merged into one sorted batch: parser
  // threads sort their own blocks while the file still arrives.
  static RecordBatch MergeSorted(std::vector<RecordBatch> runs);
  // True when ordered by (person_id, natural_key) with no key twice.
  bool IsSortedAndUnique() const;
  // Same person and natural key as the record before it (after Sort()).
  bool SameKeyAsPrevious(size_t i) const;

 private:
  struct Entry {
    uint64_t head;     // first 8 key bytes, big-endian: most compares end here
    const char* data;  // key (person_id + natural_key) then value, in a block
    uint32_t key_size;
    uint32_t value_size;
    int64_t line;
    bool erase;
  };
  static absl::string_view Key(const Entry& e) {
    return absl::string_view(e.data, e.key_size);
  }
  static int CompareKeys(const Entry& a, const Entry& b);
  static bool Less(const Entry& a, const Entry& b) {
    const int c = CompareKeys(a, b);
    return c != 0 ? c < 0 : a.line < b.line;
  }
  // Room for `bytes` more. Bytes never move once written (no reallocation
  // copies), and blocks ask for huge pages: page faults dominate loading a
  // large feed into fresh memory on a virtual machine.
  char* Allocate(size_t bytes);

  struct FreeBlock {
    void operator()(char* block) const;
  };
  std::vector<std::unique_ptr<char, FreeBlock>> blocks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  std::vector<Entry> entries_;
  bool sorted_ = true;  // empty, or ordered by Sort() / MergeSorted()
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_RECORD_BATCH_H_
