#ifndef HEDUI_STORAGE_TESTING_SYNC_COUNTING_ENV_H_
#define HEDUI_STORAGE_TESTING_SYNC_COUNTING_ENV_H_

// Test only. A kill -9 cannot see a missing fsync (the page cache survives
// the process), so durability tests count the syncs of the write-ahead log.

#include <atomic>
#include <memory>
#include <string>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace hedui::storage::testing {

class SyncCountingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  SyncCountingFileSystem()
      : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "SyncCountingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* file,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* file,
      rocksdb::IODebugContext* dbg) override;

  // Syncs of write-ahead-log files (*.log) so far.
  int64_t wal_syncs() const { return wal_syncs_.load(); }

 private:
  void Wrap(const std::string& name,
            std::unique_ptr<rocksdb::FSWritableFile>* file);
  std::atomic<int64_t> wal_syncs_{0};
};

// An Env over a SyncCountingFileSystem; keeps both alive.
struct SyncCountingEnv {
  SyncCountingEnv();
  std::shared_ptr<SyncCountingFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace hedui::storage::testing

#endif  // HEDUI_STORAGE_TESTING_SYNC_COUNTING_ENV_H_
