#include "storage/store_damage.h"

#include <atomic>

#include "absl/synchronization/mutex.h"

namespace hedui::storage {
namespace {

struct DamageRecord {
  absl::Mutex mu;
  std::optional<std::string> first ABSL_GUARDED_BY(mu);
  std::function<void(const std::string&)> listener ABSL_GUARDED_BY(mu);
};

std::atomic<bool> damaged{false};

DamageRecord& Record() {
  // Never destroyed: a thread may still report damage while the process
  // exits.
  static DamageRecord* record = new DamageRecord();
  return *record;
}

}  // namespace

void ReportStoreDamage(absl::string_view message) {
  std::function<void(const std::string&)> listener;
  std::string first;
  {
    DamageRecord& record = Record();
    absl::MutexLock lock(&record.mu);
    if (record.first.has_value()) return;
    record.first = std::string(message);
    first = *record.first;
    listener = record.listener;
    damaged.store(true, std::memory_order_release);
  }
  if (listener) listener(first);
}

std::optional<std::string> StoreDamage() {
  if (!damaged.load(std::memory_order_acquire)) return std::nullopt;
  DamageRecord& record = Record();
  absl::MutexLock lock(&record.mu);
  return record.first;
}

void SetStoreDamageListener(std::function<void(const std::string&)> listener) {
  DamageRecord& record = Record();
  absl::MutexLock lock(&record.mu);
  record.listener = std::move(listener);
}

void ClearStoreDamageForTesting() {
  DamageRecord& record = Record();
  absl::MutexLock lock(&record.mu);
  record.first.reset();
  damaged.store(false, std::memory_order_release);
}

}  // namespace hedui::storage
