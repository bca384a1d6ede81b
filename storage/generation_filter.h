#ifndef HEDUI_STORAGE_GENERATION_FILTER_H_
#define HEDUI_STORAGE_GENERATION_FILTER_H_

// Retention without blocking readers: records of generations that are
// neither current, retained nor being ingested are dropped by compaction.

#include <array>
#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/compaction_filter.h"

namespace hedui::storage {

inline constexpr int kMaxDepartmentNumber = 13;

// The generations of each department that must be kept.
class LiveGenerations {
 public:
  // Until the store has loaded its metadata every record is kept.
  void MarkLoaded();
  void Add(int department, uint32_t generation);
  void Remove(int department, uint32_t generation);
  bool IsLive(int department, uint32_t generation) const;

 private:
  mutable absl::Mutex mu_;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  std::array<absl::flat_hash_set<uint32_t>, kMaxDepartmentNumber + 1> live_
      ABSL_GUARDED_BY(mu_);
};

// Which key layout a filtered column family holds (storage/keys.h).
enum class GenerationKeys { kRecords, kHouseholds };

class GenerationFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  GenerationFilterFactory(std::shared_ptr<LiveGenerations> live,
                          GenerationKeys keys)
      : live_(std::move(live)), keys_(keys) {}
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& context) override;
  const char* Name() const override { return "hedui.GenerationFilter"; }

 private:
  std::shared_ptr<LiveGenerations> live_;
  GenerationKeys keys_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_GENERATION_FILTER_H_
