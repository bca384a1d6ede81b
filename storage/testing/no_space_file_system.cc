#include "storage/testing/no_space_file_system.h"

#include "absl/strings/match.h"

namespace hedui::storage::testing {
namespace {

rocksdb::IOStatus NoSpace() {
  return rocksdb::IOStatus::NoSpace("No space left on device (test)");
}

class NoSpaceFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  NoSpaceFile(std::unique_ptr<rocksdb::FSWritableFile> file,
              NoSpaceFileSystem* fs, bool wal)
      : rocksdb::FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        wal_(wal) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, false)) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, false)) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, false)) return NoSpace();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options,
                                                        dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, false)) return NoSpace();
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options,
                                                        info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, true)) return NoSpace();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, true)) return NoSpace();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    if (fs_->ShouldFail(wal_, true)) return NoSpace();
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }

 private:
  NoSpaceFileSystem* fs_;
  bool wal_;
};

}  // namespace

bool NoSpaceFileSystem::ShouldFail(bool wal, bool sync) {
  bool fail = false;
  switch (fail_.load()) {
    case Fail::kNothing:
      break;
    case Fail::kWalWrites:
      fail = wal;
      break;
    case Fail::kWalSyncs:
      fail = wal && sync;
      break;
    case Fail::kAllWrites:
      fail = true;
      break;
  }
  if (fail) ++failures_;
  return fail;
}

void NoSpaceFileSystem::Wrap(const std::string& name,
                             std::unique_ptr<rocksdb::FSWritableFile>* file) {
  *file = std::make_unique<NoSpaceFile>(std::move(*file), this,
                                        absl::EndsWith(name, ".log"));
}

rocksdb::IOStatus NoSpaceFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file,
    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s =
      FileSystemWrapper::NewWritableFile(name, options, file, dbg);
  if (s.ok()) Wrap(name, file);
  return s;
}

rocksdb::IOStatus NoSpaceFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file,
    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s =
      FileSystemWrapper::ReopenWritableFile(name, options, file, dbg);
  if (s.ok()) Wrap(name, file);
  return s;
}

rocksdb::IOStatus NoSpaceFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& old_name,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file,
    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s =
      FileSystemWrapper::ReuseWritableFile(name, old_name, options, file, dbg);
  if (s.ok()) Wrap(name, file);
  return s;
}

rocksdb::IOStatus NoSpaceFileSystem::GetFreeSpace(
    const std::string& path, const rocksdb::IOOptions& options, uint64_t* free,
    rocksdb::IODebugContext* dbg) {
  if (fail_.load() != Fail::kNothing) {
    *free = 0;
    return rocksdb::IOStatus::OK();
  }
  return FileSystemWrapper::GetFreeSpace(path, options, free, dbg);
}

NoSpaceEnv::NoSpaceEnv()
    : fs(std::make_shared<NoSpaceFileSystem>()),
      env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace hedui::storage::testing
