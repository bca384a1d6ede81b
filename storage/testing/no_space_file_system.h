#ifndef HEDUI_STORAGE_TESTING_NO_SPACE_FILE_SYSTEM_H_
#define HEDUI_STORAGE_TESTING_NO_SPACE_FILE_SYSTEM_H_

// Test only. A full disk on demand: while it is "full", writes and syncs of
// the chosen files fail with IOStatus::NoSpace, as ENOSPC makes them fail on
// a real disk; the files RocksDB writes are otherwise the real ones.

#include <atomic>
#include <memory>
#include <string>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace hedui::storage::testing {

class NoSpaceFileSystem : public rocksdb::FileSystemWrapper {
 public:
  enum class Fail {
    kNothing,
    kWalWrites,  // appends and syncs of write-ahead logs (*.log)
    kWalSyncs,   // syncs of write-ahead logs only: the bytes reach the file
    kAllWrites,  // appends and syncs of every file
  };

  NoSpaceFileSystem()
      : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "NoSpaceFileSystem"; }

  void set_fail(Fail fail) { fail_ = fail; }
  // Failed operations so far (a test that sets a failure checks it bit).
  int64_t failures() const { return failures_.load(); }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* file,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* file,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* file,
      rocksdb::IODebugContext* dbg) override;
  // None while full, else the real disk's: what RocksDB's own recovery
  // polls for.
  rocksdb::IOStatus GetFreeSpace(const std::string& path,
                                 const rocksdb::IOOptions& options,
                                 uint64_t* free,
                                 rocksdb::IODebugContext* dbg) override;

  // Whether an operation of this kind on this file fails now; counts it.
  bool ShouldFail(bool wal, bool sync);

 private:
  void Wrap(const std::string& name,
            std::unique_ptr<rocksdb::FSWritableFile>* file);
  std::atomic<Fail> fail_{Fail::kNothing};
  std::atomic<int64_t> failures_{0};
};

// An Env over a NoSpaceFileSystem; keeps both alive.
struct NoSpaceEnv {
  NoSpaceEnv();
  std::shared_ptr<NoSpaceFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace hedui::storage::testing

#endif  // HEDUI_STORAGE_TESTING_NO_SPACE_FILE_SYSTEM_H_
