#include "storage/record_batch.h"

#include <algorithm>
#include <cstring>

#include "storage/keys.h"

namespace hedui::storage {

void RecordBatch::Reserve(size_t records, size_t bytes) {
  entries_.reserve(records);
  buffer_.reserve(bytes);
}

void RecordBatch::Add(absl::string_view person_id,
                      absl::string_view natural_key, absl::string_view value,
                      int64_t line, bool erase) {
  Entry e;
  e.offset = buffer_.size();
  e.key_size = static_cast<uint32_t>(person_id.size() + natural_key.size());
  e.value_size = static_cast<uint32_t>(value.size());
  e.line = line;
  e.erase = erase;
  e.head = 0;
  for (size_t i = 0; i < 8; ++i) {
    const uint8_t byte =
        i < person_id.size() ? static_cast<uint8_t>(person_id[i]) : 0;
    e.head = (e.head << 8) | byte;
  }
  buffer_.append(person_id.data(), person_id.size());
  buffer_.append(natural_key.data(), natural_key.size());
  buffer_.append(value.data(), value.size());
  entries_.push_back(e);
}

RecordView RecordBatch::operator[](size_t i) const {
  const Entry& e = entries_[i];
  const char* base = buffer_.data() + e.offset;
  RecordView view;
  view.person_id = absl::string_view(base, kPersonIdBytes);
  view.natural_key =
      absl::string_view(base + kPersonIdBytes, e.key_size - kPersonIdBytes);
  view.value = absl::string_view(base + e.key_size, e.value_size);
  view.line = e.line;
  view.erase = e.erase;
  return view;
}

int RecordBatch::CompareKeys(const Entry& a, const Entry& b) const {
  if (a.head != b.head) return a.head < b.head ? -1 : 1;
  // person_id is fixed-size, so comparing the concatenations compares
  // (person_id, natural_key) lexicographically.
  const int c = Key(a).compare(Key(b));
  return c;
}

void RecordBatch::Sort() {
  std::sort(entries_.begin(), entries_.end(),
            [this](const Entry& a, const Entry& b) {
              const int c = CompareKeys(a, b);
              return c != 0 ? c < 0 : a.line < b.line;
            });
}

bool RecordBatch::IsSortedAndUnique() const {
  for (size_t i = 1; i < entries_.size(); ++i) {
    if (CompareKeys(entries_[i - 1], entries_[i]) >= 0) return false;
  }
  return true;
}

bool RecordBatch::SameKeyAsPrevious(size_t i) const {
  return i > 0 && CompareKeys(entries_[i - 1], entries_[i]) == 0;
}

}  // namespace hedui::storage
