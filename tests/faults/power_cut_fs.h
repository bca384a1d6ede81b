#ifndef HEDUI_TESTS_FAULTS_POWER_CUT_FS_H_
#define HEDUI_TESTS_FAULTS_POWER_CUT_FS_H_

// Test only. A RocksDB file system that remembers what a power loss would
// keep, and can lose it: after a cut every later write fails, and Reboot()
// rewrites the disk to what was durable at the cut.
//
// What survives (the POSIX guarantees RocksDB itself relies on, no more):
// - a file's bytes up to its last Sync/Fsync; RangeSync (sync_file_range)
//   writes no metadata and so keeps nothing;
// - a name (created, renamed, linked or deleted) only once its directory
//   was fsynced (FSDirectory::Fsync) after the change; until then the old
//   name, and the old file behind it, come back;
// - in-place writes of a random-access file only once it was synced.
// Directories themselves are taken as durable. Every name is tracked
// through hard links in a scratch directory (same file system as the data),
// so a file renamed over or deleted can be brought back.
//
// Files written outside RocksDB's Env are invisible here; WatchPlainFile
// covers one that is fsynced after every write (its size at the cut
// survives).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace hedui::faults {

// The file-system operations that change what is on disk, in the order
// they were made; a cut point is "after the n-th operation matching ...".
enum class OpKind {
  kCreate,     // NewWritableFile
  kReopen,     // ReopenWritableFile, NewRandomRWFile
  kAppend,     // Append / PositionedAppend
  kSync,       // Sync / Fsync of a file
  kRangeSync,  // counted, keeps nothing
  kTruncate,
  kOverwrite,  // FSRandomRWFile::Write (e.g. an ingested file's seqno)
  kRename,
  kLink,
  kDelete,
  kDirSync,  // FSDirectory::Fsync
};

enum class FileKind {
  kWal,
  kManifest,
  kCurrent,
  kTable,
  kOptions,
  kDir,
  kOther
};

struct FsOp {
  int64_t number = 0;  // 1-based, since the last Reboot
  OpKind kind = OpKind::kAppend;
  FileKind file = FileKind::kOther;
  std::string path;
  std::string target;  // rename and link
  uint64_t bytes = 0;  // append and overwrite
  // "#12 sync 000008.log" (names relative to nothing, for a test's log).
  std::string Describe() const;
};

class PowerCutFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // `scratch`: an empty directory of the tests' own, on the same file system
  // as the data (hard links).
  explicit PowerCutFileSystem(const std::string& scratch);
  ~PowerCutFileSystem() override;
  const char* Name() const override { return "PowerCutFileSystem"; }

  using Match = std::function<bool(const FsOp&)>;
  // The power goes off right after the n-th (1-based) operation from now
  // that `match` accepts; that operation itself succeeds.
  void CutAfter(Match match, int n);
  // The power goes off now.
  void CutNow();
  // Called (with the file system's lock held: it must not touch files) at
  // the moment of the cut.
  void OnCut(std::function<void()> callback);
  bool is_cut() const;
  // The operation the cut followed; nullopt before a cut or after CutNow.
  std::optional<FsOp> cut_op() const;
  // Operations made since the last Reboot.
  std::vector<FsOp> trace() const;
  int64_t ops() const;

  // A file written with plain POSIX calls and fsynced after each write: the
  // size it had at the cut is what Reboot leaves (gone if it did not exist).
  void WatchPlainFile(const std::string& path);

  // Cuts (if not yet cut) and rewrites the disk to what was durable at the
  // cut, then powers on with nothing pending (every file on disk durable).
  // Every file opened through this file system must be closed first.
  absl::Status Reboot();

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
  rocksdb::IOStatus NewRandomRWFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSRandomRWFile>* file,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name,
                                 const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* dir,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& name, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src,
                               const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& src, const std::string& target,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

  // One inode as the disk holds it: `backing` is a hard link in the scratch
  // directory that keeps it whatever happens to its names.
  struct Node {
    std::string backing;
    uint64_t size = 0;    // bytes written so far
    uint64_t synced = 0;  // bytes a power loss keeps
    // Bytes overwritten in place since the last sync, oldest first: (offset,
    // the bytes that were there).
    std::vector<std::pair<uint64_t, std::string>> undo;
  };

  // For the file objects handed out: runs `act` (the operation and the
  // bookkeeping of its effect) as operation `op` unless the power is off.
  // Under one lock, so operations are totally ordered and a cut falls
  // between two of them.
  rocksdb::IOStatus Mutate(FsOp op,
                           const std::function<rocksdb::IOStatus()>& act);

 private:
  // Starts tracking `name` if it is not yet: a file that exists is durable
  // as it is (it was there at the last power-on).
  void Adopt(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A new inode at `name` (just created), with its backing link.
  rocksdb::IOStatus NewNode(const std::string& name,
                            std::shared_ptr<Node>* node)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Cut(std::optional<FsOp> op) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DirSynced(const std::string& dir) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string scratch_;
  mutable absl::Mutex mu_;
  bool dead_ ABSL_GUARDED_BY(mu_) = false;
  int64_t ops_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_node_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<FsOp> trace_ ABSL_GUARDED_BY(mu_);
  Match match_ ABSL_GUARDED_BY(mu_);
  int remaining_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<FsOp> cut_op_ ABSL_GUARDED_BY(mu_);
  std::function<void()> on_cut_ ABSL_GUARDED_BY(mu_);
  // Names ever touched since the last Reboot; the others are left alone.
  std::set<std::string> known_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<Node>> live_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<Node>> durable_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> watched_ ABSL_GUARDED_BY(mu_);
  // Watched plain files at the cut: their size (nullopt: absent).
  std::map<std::string, std::optional<uint64_t>> plain_ ABSL_GUARDED_BY(mu_);
};

// An Env over a PowerCutFileSystem; keeps both alive. Once the power is cut
// its sleeps return at once.
struct PowerCutEnv {
  explicit PowerCutEnv(const std::string& scratch);
  std::shared_ptr<PowerCutFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace hedui::faults

#endif  // HEDUI_TESTS_FAULTS_POWER_CUT_FS_H_
