#include "storage/generation_filter.h"

#include "storage/keys.h"

namespace hedui::storage {
namespace {

class GenerationFilter : public rocksdb::CompactionFilter {
 public:
  GenerationFilter(std::shared_ptr<LiveGenerations> live, GenerationKeys keys)
      : live_(std::move(live)), keys_(keys) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key,
              const rocksdb::Slice& /*existing_value*/,
              std::string* /*new_value*/,
              bool* /*value_changed*/) const override {
    const absl::string_view k(key.data(), key.size());
    if (keys_ == GenerationKeys::kHouseholds) {
      const auto decoded = DecodeHouseholdKey(k);
      if (!decoded) return false;  // not ours to judge: keep
      return !live_->IsLive(hedui::v1::HOUSEHOLD_REGISTRATION,
                            decoded->generation);
    }
    const auto decoded = DecodeRecordKey(k);
    if (!decoded) return false;
    return !live_->IsLive(static_cast<int>(decoded->department),
                          decoded->generation);
  }

  const char* Name() const override { return "hedui.GenerationFilter"; }

 private:
  std::shared_ptr<LiveGenerations> live_;
  GenerationKeys keys_;
};

}  // namespace

void LiveGenerations::MarkLoaded() {
  absl::MutexLock lock(&mu_);
  loaded_ = true;
}

void LiveGenerations::Add(int department, uint32_t generation) {
  if (department < 0 || department > kMaxDepartmentNumber) return;
  absl::MutexLock lock(&mu_);
  live_[department].insert(generation);
}

void LiveGenerations::Remove(int department, uint32_t generation) {
  if (department < 0 || department > kMaxDepartmentNumber) return;
  absl::MutexLock lock(&mu_);
  live_[department].erase(generation);
}

bool LiveGenerations::IsLive(int department, uint32_t generation) const {
  absl::MutexLock lock(&mu_);
  if (!loaded_) return true;
  if (department < 0 || department > kMaxDepartmentNumber) return true;
  return live_[department].contains(generation);
}

std::unique_ptr<rocksdb::CompactionFilter>
GenerationFilterFactory::CreateCompactionFilter(
    const rocksdb::CompactionFilter::Context& /*context*/) {
  return std::make_unique<GenerationFilter>(live_, keys_);
}

}  // namespace hedui::storage
