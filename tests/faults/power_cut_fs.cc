#include "tests/faults/power_cut_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/system_clock.h"

namespace hedui::faults {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using Node = PowerCutFileSystem::Node;

IOStatus PowerIsOff() {
  return IOStatus::IOError("simulated power loss: the disk is gone");
}

// RocksDB names a file the same way each time, but a directory may come
// with a trailing slash: names are compared in this form.
std::string Normal(const std::string& name) {
  std::string n = std::filesystem::path(name).lexically_normal().string();
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  return n;
}

std::string Parent(const std::string& normal) {
  return std::filesystem::path(normal).parent_path().string();
}

FileKind KindOf(const std::string& path) {
  const std::string base = std::filesystem::path(path).filename().string();
  if (absl::EndsWith(base, ".log")) return FileKind::kWal;
  if (absl::StartsWith(base, "MANIFEST-")) return FileKind::kManifest;
  if (base == "CURRENT") return FileKind::kCurrent;
  if (absl::EndsWith(base, ".sst")) return FileKind::kTable;
  if (absl::StartsWith(base, "OPTIONS-")) return FileKind::kOptions;
  return FileKind::kOther;
}

FsOp Op(OpKind kind, const std::string& path, uint64_t bytes = 0,
        std::string target = "") {
  FsOp op;
  op.kind = kind;
  op.file = kind == OpKind::kDirSync ? FileKind::kDir : KindOf(path);
  op.path = path;
  op.target = std::move(target);
  op.bytes = bytes;
  return op;
}

IOStatus Errno(const std::string& what, const std::string& path) {
  return IOStatus::IOError(absl::StrCat("power-cut file system: ", what, " ",
                                        path, ": ", std::strerror(errno)));
}

class WritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  WritableFile(std::unique_ptr<rocksdb::FSWritableFile> file,
               PowerCutFileSystem* fs, std::string path,
               std::shared_ptr<Node> node)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        path_(std::move(path)),
        node_(std::move(node)) {}

  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kAppend, path_, data.size()), [&] {
      IOStatus s = target()->Append(data, options, dbg);
      if (s.ok()) node_->size += data.size();
      return s;
    });
  }
  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kAppend, path_, data.size()), [&] {
      IOStatus s = target()->Append(data, options, info, dbg);
      if (s.ok()) node_->size += data.size();
      return s;
    });
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kAppend, path_, data.size()), [&] {
      IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
      if (s.ok()) node_->size = std::max(node_->size, offset + data.size());
      return s;
    });
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kAppend, path_, data.size()), [&] {
      IOStatus s = target()->PositionedAppend(data, offset, options, info, dbg);
      if (s.ok()) node_->size = std::max(node_->size, offset + data.size());
      return s;
    });
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kTruncate, path_), [&] {
      IOStatus s = target()->Truncate(size, options, dbg);
      if (s.ok()) {
        node_->size = size;
        node_->synced = std::min(node_->synced, size);
      }
      return s;
    });
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kSync, path_), [&] {
      IOStatus s = target()->Sync(options, dbg);
      if (s.ok()) Synced();
      return s;
    });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kSync, path_), [&] {
      IOStatus s = target()->Fsync(options, dbg);
      if (s.ok()) Synced();
      return s;
    });
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kRangeSync, path_, nbytes), [&] {
      return target()->RangeSync(offset, nbytes, options, dbg);
    });
  }

 private:
  void Synced() {
    node_->synced = node_->size;
    node_->undo.clear();
  }

  PowerCutFileSystem* const fs_;
  const std::string path_;
  const std::shared_ptr<Node> node_;
};

class RandomRWFile : public rocksdb::FSRandomRWFileOwnerWrapper {
 public:
  RandomRWFile(std::unique_ptr<rocksdb::FSRandomRWFile> file,
               PowerCutFileSystem* fs, std::string path,
               std::shared_ptr<Node> node)
      : FSRandomRWFileOwnerWrapper(std::move(file)),
        fs_(fs),
        path_(std::move(path)),
        node_(std::move(node)) {}

  IOStatus Write(uint64_t offset, const rocksdb::Slice& data,
                 const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kOverwrite, path_, data.size()), [&] {
      // Keep what is overwritten: until a sync, a power loss brings it back.
      if (offset < node_->size) {
        const size_t n = static_cast<size_t>(
            std::min<uint64_t>(data.size(), node_->size - offset));
        std::string old(n, '\0');
        rocksdb::Slice read;
        IOStatus s = target()->Read(offset, n, options, &read, old.data(), dbg);
        if (!s.ok()) return s;
        node_->undo.emplace_back(offset, std::string(read.data(), read.size()));
      }
      IOStatus s = target()->Write(offset, data, options, dbg);
      if (s.ok()) node_->size = std::max(node_->size, offset + data.size());
      return s;
    });
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kSync, path_), [&] {
      IOStatus s = target()->Sync(options, dbg);
      if (s.ok()) Synced();
      return s;
    });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kSync, path_), [&] {
      IOStatus s = target()->Fsync(options, dbg);
      if (s.ok()) Synced();
      return s;
    });
  }

 private:
  void Synced() {
    node_->synced = node_->size;
    node_->undo.clear();
  }

  PowerCutFileSystem* const fs_;
  const std::string path_;
  const std::shared_ptr<Node> node_;
};

class Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(std::unique_ptr<rocksdb::FSDirectory> dir, PowerCutFileSystem* fs,
            std::string path, std::function<void()> synced)
      : FSDirectoryWrapper(std::move(dir)),
        fs_(fs),
        path_(std::move(path)),
        synced_(std::move(synced)) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->Mutate(Op(OpKind::kDirSync, path_), [&] {
      IOStatus s = FSDirectoryWrapper::Fsync(options, dbg);
      if (s.ok()) synced_();
      return s;
    });
  }
  IOStatus FsyncWithDirOptions(
      const IOOptions& options, IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& dir_options) override {
    return fs_->Mutate(Op(OpKind::kDirSync, path_), [&] {
      IOStatus s =
          FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
      if (s.ok()) synced_();
      return s;
    });
  }

 private:
  PowerCutFileSystem* const fs_;
  const std::string path_;
  // Runs under the file system's lock (inside Mutate).
  const std::function<void()> synced_;
};

}  // namespace

std::string FsOp::Describe() const {
  static constexpr const char* kNames[] = {
      "create",    "reopen", "append", "sync",   "range-sync", "truncate",
      "overwrite", "rename", "link",   "delete", "dir-fsync"};
  const auto name = [](const std::string& p) {
    return std::filesystem::path(p).filename().string();
  };
  std::string text = absl::StrCat(
      "#", number, " ", kNames[static_cast<int>(kind)], " ", name(path));
  if (!target.empty()) absl::StrAppend(&text, " -> ", name(target));
  if (bytes != 0) absl::StrAppend(&text, " (", bytes, " B)");
  return text;
}

PowerCutFileSystem::PowerCutFileSystem(const std::string& scratch)
    : FileSystemWrapper(rocksdb::FileSystem::Default()),
      scratch_(Normal(scratch)) {
  std::filesystem::create_directories(scratch_);
}

PowerCutFileSystem::~PowerCutFileSystem() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_, ec);
}

void PowerCutFileSystem::CutAfter(Match match, int n) {
  absl::MutexLock lock(&mu_);
  match_ = std::move(match);
  remaining_ = n;
}

void PowerCutFileSystem::CutNow() {
  absl::MutexLock lock(&mu_);
  if (!dead_) Cut(std::nullopt);
}

void PowerCutFileSystem::OnCut(std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  on_cut_ = std::move(callback);
}

bool PowerCutFileSystem::is_cut() const {
  absl::MutexLock lock(&mu_);
  return dead_;
}

std::optional<FsOp> PowerCutFileSystem::cut_op() const {
  absl::MutexLock lock(&mu_);
  return cut_op_;
}

std::vector<FsOp> PowerCutFileSystem::trace() const {
  absl::MutexLock lock(&mu_);
  return trace_;
}

int64_t PowerCutFileSystem::ops() const {
  absl::MutexLock lock(&mu_);
  return ops_;
}

void PowerCutFileSystem::WatchPlainFile(const std::string& path) {
  absl::MutexLock lock(&mu_);
  watched_.insert(Normal(path));
}

void PowerCutFileSystem::Cut(std::optional<FsOp> op) {
  dead_ = true;
  cut_op_ = std::move(op);
  match_ = nullptr;
  for (const std::string& path : watched_) {
    struct stat st;
    plain_[path] = ::stat(path.c_str(), &st) == 0
                       ? std::optional<uint64_t>(st.st_size)
                       : std::nullopt;
  }
  if (on_cut_) on_cut_();
}

IOStatus PowerCutFileSystem::Mutate(FsOp op,
                                    const std::function<IOStatus()>& act) {
  absl::MutexLock lock(&mu_);
  if (dead_) return PowerIsOff();
  IOStatus s = act();
  if (!s.ok()) return s;
  op.number = ++ops_;
  trace_.push_back(op);
  if (match_ && match_(op) && --remaining_ == 0) Cut(std::move(op));
  return s;
}

IOStatus PowerCutFileSystem::NewNode(const std::string& name,
                                     std::shared_ptr<Node>* node) {
  auto created = std::make_shared<Node>();
  created->backing = absl::StrCat(scratch_, "/node-", ++next_node_);
  if (::link(name.c_str(), created->backing.c_str()) != 0) {
    return Errno("cannot link", name);
  }
  *node = std::move(created);
  return IOStatus::OK();
}

void PowerCutFileSystem::Adopt(const std::string& name) {
  if (!known_.insert(name).second) return;
  struct stat st;
  if (::stat(name.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  std::shared_ptr<Node> node;
  if (!NewNode(name, &node).ok()) return;  // untracked: left as it is
  node->size = node->synced = static_cast<uint64_t>(st.st_size);
  live_[name] = node;
  durable_[name] = node;
}

void PowerCutFileSystem::DirSynced(const std::string& dir) {
  for (const std::string& name : known_) {
    if (Parent(name) != dir) continue;
    auto it = live_.find(name);
    if (it != live_.end()) {
      durable_[name] = it->second;
    } else {
      durable_.erase(name);
    }
  }
}

IOStatus PowerCutFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file, IODebugContext* dbg) {
  const std::string path = Normal(name);
  return Mutate(Op(OpKind::kCreate, path), [&] {
    Adopt(path);  // a file it replaces stays durable until the directory is
    IOStatus s = target()->NewWritableFile(path, options, file, dbg);
    if (!s.ok()) return s;
    std::shared_ptr<Node> node;
    s = NewNode(path, &node);
    if (!s.ok()) return s;
    live_[path] = node;
    *file = std::make_unique<WritableFile>(std::move(*file), this, path, node);
    return s;
  });
}

IOStatus PowerCutFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* file, IODebugContext* dbg) {
  const std::string path = Normal(name);
  return Mutate(Op(OpKind::kReopen, path), [&] {
    Adopt(path);
    IOStatus s = target()->ReopenWritableFile(path, options, file, dbg);
    if (!s.ok()) return s;
    std::shared_ptr<Node>& node = live_[path];
    if (node == nullptr) {  // created by the reopen
      s = NewNode(path, &node);
      if (!s.ok()) return s;
    }
    *file = std::make_unique<WritableFile>(std::move(*file), this, path, node);
    return s;
  });
}

IOStatus PowerCutFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& /*old_name*/,
    const rocksdb::FileOptions& /*options*/,
    std::unique_ptr<rocksdb::FSWritableFile>* /*file*/,
    IODebugContext* /*dbg*/) {
  // WAL recycling (recycle_log_file_num) is off in Hedui; refuse loudly
  // rather than model it.
  return IOStatus::NotSupported("power-cut file system: reusing", name);
}

IOStatus PowerCutFileSystem::NewRandomRWFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomRWFile>* file, IODebugContext* dbg) {
  const std::string path = Normal(name);
  return Mutate(Op(OpKind::kReopen, path), [&] {
    Adopt(path);
    IOStatus s = target()->NewRandomRWFile(path, options, file, dbg);
    if (!s.ok()) return s;
    std::shared_ptr<Node>& node = live_[path];
    if (node == nullptr) {
      s = NewNode(path, &node);
      if (!s.ok()) return s;
    }
    *file = std::make_unique<RandomRWFile>(std::move(*file), this, path, node);
    return s;
  });
}

IOStatus PowerCutFileSystem::NewDirectory(
    const std::string& name, const IOOptions& options,
    std::unique_ptr<rocksdb::FSDirectory>* dir, IODebugContext* dbg) {
  IOStatus s = target()->NewDirectory(name, options, dir, dbg);
  if (!s.ok()) return s;
  const std::string path = Normal(name);
  *dir = std::make_unique<Directory>(
      std::move(*dir), this, path,
      [this, path]() ABSL_NO_THREAD_SAFETY_ANALYSIS { DirSynced(path); });
  return s;
}

IOStatus PowerCutFileSystem::DeleteFile(const std::string& name,
                                        const IOOptions& options,
                                        IODebugContext* dbg) {
  const std::string path = Normal(name);
  return Mutate(Op(OpKind::kDelete, path), [&] {
    Adopt(path);
    IOStatus s = target()->DeleteFile(path, options, dbg);
    if (s.ok()) live_.erase(path);
    return s;
  });
}

IOStatus PowerCutFileSystem::Truncate(const std::string& name, size_t size,
                                      const IOOptions& options,
                                      IODebugContext* dbg) {
  const std::string path = Normal(name);
  return Mutate(Op(OpKind::kTruncate, path), [&] {
    Adopt(path);
    IOStatus s = target()->Truncate(path, size, options, dbg);
    auto it = live_.find(path);
    if (s.ok() && it != live_.end()) {
      it->second->size = size;
      it->second->synced = std::min<uint64_t>(it->second->synced, size);
    }
    return s;
  });
}

IOStatus PowerCutFileSystem::RenameFile(const std::string& src,
                                        const std::string& target_name,
                                        const IOOptions& options,
                                        IODebugContext* dbg) {
  const std::string from = Normal(src), to = Normal(target_name);
  return Mutate(Op(OpKind::kRename, from, 0, to), [&] {
    Adopt(from);
    Adopt(to);
    IOStatus s = target()->RenameFile(from, to, options, dbg);
    if (!s.ok()) return s;
    auto it = live_.find(from);
    if (it != live_.end()) {
      live_[to] = it->second;
      live_.erase(it);
    } else {
      live_.erase(to);
    }
    return s;
  });
}

IOStatus PowerCutFileSystem::LinkFile(const std::string& src,
                                      const std::string& target_name,
                                      const IOOptions& options,
                                      IODebugContext* dbg) {
  const std::string from = Normal(src), to = Normal(target_name);
  return Mutate(Op(OpKind::kLink, from, 0, to), [&] {
    Adopt(from);
    Adopt(to);
    IOStatus s = target()->LinkFile(from, to, options, dbg);
    if (!s.ok()) return s;
    auto it = live_.find(from);
    if (it != live_.end()) live_[to] = it->second;
    return s;
  });
}

absl::Status PowerCutFileSystem::Reboot() {
  absl::MutexLock lock(&mu_);
  if (!dead_) Cut(std::nullopt);
  auto fail = [](const std::string& what, const std::string& path) {
    return absl::InternalError(
        absl::StrCat("reboot: ", what, " ", path, ": ", std::strerror(errno)));
  };
  // 1. Each inode that has a durable name back to what was synced: in-place
  //    writes undone (newest first), unsynced bytes cut off.
  std::set<const Node*> restored;
  for (const auto& [name, node] : durable_) {
    if (!restored.insert(node.get()).second) continue;
    const int fd = ::open(node->backing.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return fail("cannot open", node->backing);
    for (auto undo = node->undo.rbegin(); undo != node->undo.rend(); ++undo) {
      if (undo->first >= node->synced) continue;
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(undo->second.size(), node->synced - undo->first));
      if (::pwrite(fd, undo->second.data(), n,
                   static_cast<off_t>(undo->first)) !=
          static_cast<ssize_t>(n)) {
        ::close(fd);
        return fail("cannot undo a write in", node->backing);
      }
    }
    const bool truncated =
        ::ftruncate(fd, static_cast<off_t>(node->synced)) == 0;
    ::close(fd);
    if (!truncated) return fail("cannot truncate", node->backing);
  }
  // 2. Each name back to the inode it durably named, or gone.
  for (const std::string& name : known_) {
    std::error_code ec;
    std::filesystem::remove(name, ec);
    if (ec) return fail("cannot remove", name);
    auto it = durable_.find(name);
    if (it == durable_.end()) continue;
    std::filesystem::create_directories(Parent(name), ec);
    if (::link(it->second->backing.c_str(), name.c_str()) != 0) {
      return fail("cannot restore", name);
    }
  }
  // 3. Plain files: what their writer had fsynced when the power went.
  for (const auto& [path, size] : plain_) {
    if (!size.has_value()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    } else if (::truncate(path.c_str(), static_cast<off_t>(*size)) != 0) {
      return fail("cannot truncate", path);
    }
  }
  // 4. Power on: everything on disk is durable, nothing is pending.
  std::error_code ec;
  std::filesystem::remove_all(scratch_, ec);
  std::filesystem::create_directories(scratch_, ec);
  if (ec) return fail("cannot recreate", scratch_);
  dead_ = false;
  ops_ = 0;
  trace_.clear();
  match_ = nullptr;
  remaining_ = 0;
  cut_op_.reset();
  on_cut_ = nullptr;
  known_.clear();
  live_.clear();
  durable_.clear();
  plain_.clear();
  return absl::OkStatus();
}

namespace {

// A machine without power does not wait: RocksDB sleeps a second before it
// retries a failed flush, which would only slow every cut down.
class AfterCutClock : public rocksdb::SystemClockWrapper {
 public:
  explicit AfterCutClock(const PowerCutFileSystem* fs)
      : SystemClockWrapper(rocksdb::SystemClock::Default()), fs_(fs) {}
  const char* Name() const override { return "AfterCutClock"; }
  void SleepForMicroseconds(int micros) override {
    if (!fs_->is_cut()) SystemClockWrapper::SleepForMicroseconds(micros);
  }

 private:
  const PowerCutFileSystem* const fs_;
};

class Env : public rocksdb::EnvWrapper {
 public:
  explicit Env(const std::shared_ptr<PowerCutFileSystem>& fs)
      : EnvWrapper(rocksdb::NewCompositeEnv(fs)), fs_(fs.get()) {
    // What RocksDB reads through GetFileSystem and GetSystemClock.
    file_system_ = fs;
    system_clock_ = std::make_shared<AfterCutClock>(fs.get());
  }
  const char* Name() const override { return "PowerCutEnv"; }
  void SleepForMicroseconds(int micros) override {
    if (!fs_->is_cut()) EnvWrapper::SleepForMicroseconds(micros);
  }

 private:
  const PowerCutFileSystem* const fs_;
};

}  // namespace

PowerCutEnv::PowerCutEnv(const std::string& scratch)
    : fs(std::make_shared<PowerCutFileSystem>(scratch)),
      env(std::make_unique<Env>(fs)) {}

}  // namespace hedui::faults
