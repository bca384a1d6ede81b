#include "storage/record_batch.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include "storage/keys.h"

namespace hedui::storage {

namespace {

constexpr size_t kHugePage = 2u << 20;

// A resident ID as one integer in the same order as its bytes: 17 digits and
// a check character (0-9 < X), i.e. digits17 * 11 + check. Persons differ,
// so comparisons end here instead of in memcmp over a shared region prefix.
uint64_t PackPersonId(absl::string_view id) {
  uint64_t packed = 0;
  for (size_t i = 0; i < 17 && i < id.size(); ++i) {
    packed = packed * 10 + static_cast<uint64_t>(id[i] - '0');
  }
  const char check = id.size() > 17 ? id[17] : '0';
  return packed * 11 + (check == 'X' ? 10 : static_cast<uint64_t>(check - '0'));
}
constexpr size_t kBlockBytes = 8u << 20;

}  // namespace

void RecordBatch::FreeBlock::operator()(char* block) const { std::free(block); }

void RecordBatch::Reserve(size_t records) { entries_.reserve(records); }

char* RecordBatch::Allocate(size_t bytes) {
  if (bytes > remaining_) {
    const size_t size =
        std::max(kBlockBytes, (bytes + kHugePage - 1) / kHugePage * kHugePage);
    char* block = static_cast<char*>(std::aligned_alloc(kHugePage, size));
    if (block == nullptr) throw std::bad_alloc();
    madvise(block, size, MADV_HUGEPAGE);  // a hint: failure is harmless
    blocks_.emplace_back(block);
    cursor_ = block;
    remaining_ = size;
  }
  char* out = cursor_;
  cursor_ += bytes;
  remaining_ -= bytes;
  return out;
}

void RecordBatch::Add(absl::string_view person_id,
                      absl::string_view natural_key, absl::string_view value,
                      int64_t line, bool erase) {
  Entry e;
  e.key_size = static_cast<uint32_t>(person_id.size() + natural_key.size());
  e.value_size = static_cast<uint32_t>(value.size());
  e.line = line;
  e.erase = erase;
  e.head = PackPersonId(person_id);
  sorted_ = false;
  char* out = Allocate(e.key_size + e.value_size);
  e.data = out;
  std::memcpy(out, person_id.data(), person_id.size());
  std::memcpy(out + person_id.size(), natural_key.data(), natural_key.size());
  std::memcpy(out + e.key_size, value.data(), value.size());
  entries_.push_back(e);
}

RecordBatch& RecordBatch::operator=(RecordBatch&& other) noexcept {
  blocks_ = std::move(other.blocks_);
  entries_ = std::move(other.entries_);
  cursor_ = std::exchange(other.cursor_, nullptr);
  remaining_ = std::exchange(other.remaining_, 0);
  sorted_ = std::exchange(other.sorted_, true);
  other.blocks_.clear();
  other.entries_.clear();
  return *this;
}

RecordBatch RecordBatch::MergeSorted(std::vector<RecordBatch> runs) {
  RecordBatch merged;
  size_t total = 0;
  for (const RecordBatch& run : runs) total += run.size();
  merged.entries_.reserve(total);
  // A min-heap of run positions; k is small (one run per block of a feed).
  using Cursor = std::pair<size_t, size_t>;  // run, entry
  auto greater = [&runs](const Cursor& a, const Cursor& b) {
    return Less(runs[b.first].entries_[b.second],
                runs[a.first].entries_[a.second]);
  };
  std::vector<Cursor> heap;
  for (size_t r = 0; r < runs.size(); ++r) {
    if (!runs[r].entries_.empty()) heap.emplace_back(r, 0);
  }
  std::make_heap(heap.begin(), heap.end(), greater);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), greater);
    Cursor& top = heap.back();
    merged.entries_.push_back(runs[top.first].entries_[top.second]);
    if (++top.second < runs[top.first].entries_.size()) {
      std::push_heap(heap.begin(), heap.end(), greater);
    } else {
      heap.pop_back();
    }
  }
  // The entries point into the runs' blocks, which move without moving
  // memory.
  for (RecordBatch& run : runs) {
    for (auto& block : run.blocks_) merged.blocks_.push_back(std::move(block));
  }
  merged.sorted_ = true;
  return merged;
}

RecordView RecordBatch::operator[](size_t i) const {
  const Entry& e = entries_[i];
  const char* base = e.data;
  RecordView view;
  view.person_id = absl::string_view(base, kPersonIdBytes);
  view.natural_key =
      absl::string_view(base + kPersonIdBytes, e.key_size - kPersonIdBytes);
  view.value = absl::string_view(base + e.key_size, e.value_size);
  view.line = e.line;
  view.erase = e.erase;
  return view;
}

int RecordBatch::CompareKeys(const Entry& a, const Entry& b) {
  if (a.head != b.head) return a.head < b.head ? -1 : 1;
  // Same person (validated IDs pack without collisions): the natural keys.
  return Key(a).substr(kPersonIdBytes).compare(Key(b).substr(kPersonIdBytes));
}

void RecordBatch::Sort() {
  if (sorted_) return;
  sorted_ = true;
  const auto less = [](const Entry& a, const Entry& b) { return Less(a, b); };
  // Two halves sorted on two threads, then merged: a large feed is sorted
  // while nothing else runs.
  const auto middle = entries_.begin() + static_cast<ptrdiff_t>(size() / 2);
  if (size() < 100'000) {
    std::sort(entries_.begin(), entries_.end(), less);
    return;
  }
  std::thread first([&] { std::sort(entries_.begin(), middle, less); });
  std::sort(middle, entries_.end(), less);
  first.join();
  std::inplace_merge(entries_.begin(), middle, entries_.end(), less);
}

bool RecordBatch::IsSortedAndUnique() const {
  // Byte order of the whole keys, not the packed comparison: this is the
  // order SST files need, checked independently of how Sort() got there.
  for (size_t i = 1; i < entries_.size(); ++i) {
    if (Key(entries_[i - 1]).compare(Key(entries_[i])) >= 0) return false;
  }
  return true;
}

bool RecordBatch::SameKeyAsPrevious(size_t i) const {
  return i > 0 && CompareKeys(entries_[i - 1], entries_[i]) == 0;
}

}  // namespace hedui::storage
