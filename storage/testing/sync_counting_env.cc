#include "storage/testing/sync_counting_env.h"

#include "absl/strings/match.h"

namespace hedui::storage::testing {
namespace {

class CountingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  CountingFile(std::unique_ptr<rocksdb::FSWritableFile> file,
               std::atomic<int64_t>* syncs)
      : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), syncs_(syncs) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Sync(options, dbg);
    if (s.ok()) ++*syncs_;
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Fsync(options, dbg);
    if (s.ok()) ++*syncs_;
    return s;
  }

 private:
  std::atomic<int64_t>* syncs_;
};

}  // namespace

void SyncCountingFileSystem::Wrap(
    const std::string& name, std::unique_ptr<rocksdb::FSWritableFile>* file) {
  if (absl::EndsWith(name, ".log")) {
    *file = std::make_unique<CountingFile>(std::move(*file), &wal_syncs_);
  }
}

rocksdb::IOStatus SyncCountingFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file,
    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s =
      FileSystemWrapper::NewWritableFile(name, options, file, dbg);
  if (s.ok()) Wrap(name, file);
  return s;
}

rocksdb::IOStatus SyncCountingFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& old_name,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file,
    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s =
      FileSystemWrapper::ReuseWritableFile(name, old_name, options, file, dbg);
  if (s.ok()) Wrap(name, file);
  return s;
}

SyncCountingEnv::SyncCountingEnv()
    : fs(std::make_shared<SyncCountingFileSystem>()),
      env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace hedui::storage::testing
