// The fault-injecting file system itself: it drops what a power loss drops
// (the negative controls), and keeps what was made durable. The oracle is
// the file as read back with plain reads, never the layer's own bookkeeping.

#include "tests/faults/power_cut_fs.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace hedui::faults {
namespace {

using rocksdb::IOOptions;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PowerCutFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "power_cut_fs_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "data");
    env_ = std::make_unique<PowerCutEnv>((dir_ / "scratch").string());
    fs_ = env_->fs.get();
  }
  void TearDown() override {
    env_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Path(const std::string& name) const {
    return (dir_ / "data" / name).string();
  }

  // Writes `text` to a new file; syncs it if asked; closes it.
  void Write(const std::string& name, const std::string& text, bool sync) {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    ASSERT_TRUE(
        fs_->NewWritableFile(Path(name), rocksdb::FileOptions(), &file, nullptr)
            .ok());
    ASSERT_TRUE(file->Append(text, IOOptions(), nullptr).ok());
    if (sync) {
      ASSERT_TRUE(file->Sync(IOOptions(), nullptr).ok());
    }
    ASSERT_TRUE(file->Close(IOOptions(), nullptr).ok());
  }

  void SyncDir() {
    std::unique_ptr<rocksdb::FSDirectory> dir;
    ASSERT_TRUE(
        fs_->NewDirectory((dir_ / "data").string(), IOOptions(), &dir, nullptr)
            .ok());
    ASSERT_TRUE(dir->Fsync(IOOptions(), nullptr).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<PowerCutEnv> env_;
  PowerCutFileSystem* fs_ = nullptr;
};

TEST_F(PowerCutFsTest, UnsyncedTailIsCutOff) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  ASSERT_TRUE(
      fs_->NewWritableFile(Path("f"), rocksdb::FileOptions(), &file, nullptr)
          .ok());
  ASSERT_TRUE(file->Append("durable|", IOOptions(), nullptr).ok());
  ASSERT_TRUE(file->Sync(IOOptions(), nullptr).ok());
  SyncDir();
  ASSERT_TRUE(file->Append("lost", IOOptions(), nullptr).ok());
  ASSERT_TRUE(file->Close(IOOptions(), nullptr).ok());
  EXPECT_EQ(ReadAll(Path("f")), "durable|lost");  // the page cache has it
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("f")), "durable|");
}

TEST_F(PowerCutFsTest, NewFileWithoutDirectorySyncIsGone) {
  Write("synced-but-not-named", "data", /*sync=*/true);
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_FALSE(std::filesystem::exists(Path("synced-but-not-named")));

  Write("named", "data", /*sync=*/true);
  SyncDir();
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("named")), "data");
}

TEST_F(PowerCutFsTest, UnsyncedRenameAndDeleteAreUndone) {
  Write("old", "old contents", true);
  Write("tmp", "new contents", true);
  Write("doomed", "still here", true);
  SyncDir();
  ASSERT_TRUE(
      fs_->RenameFile(Path("tmp"), Path("old"), IOOptions(), nullptr).ok());
  ASSERT_TRUE(
      fs_->RenameFile(Path("doomed"), Path("moved"), IOOptions(), nullptr)
          .ok());
  EXPECT_EQ(ReadAll(Path("old")), "new contents");
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("old")), "old contents");
  EXPECT_EQ(ReadAll(Path("tmp")), "new contents");
  EXPECT_EQ(ReadAll(Path("doomed")), "still here");
  EXPECT_FALSE(std::filesystem::exists(Path("moved")));

  ASSERT_TRUE(
      fs_->RenameFile(Path("tmp"), Path("old"), IOOptions(), nullptr).ok());
  SyncDir();
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("old")), "new contents");
  EXPECT_FALSE(std::filesystem::exists(Path("tmp")));

  ASSERT_TRUE(fs_->DeleteFile(Path("old"), IOOptions(), nullptr).ok());
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("old")), "new contents");
  ASSERT_TRUE(fs_->DeleteFile(Path("old"), IOOptions(), nullptr).ok());
  SyncDir();
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_FALSE(std::filesystem::exists(Path("old")));
}

TEST_F(PowerCutFsTest, UnsyncedOverwriteIsUndone) {
  Write("f", "0123456789", true);
  SyncDir();
  std::unique_ptr<rocksdb::FSRandomRWFile> file;
  ASSERT_TRUE(
      fs_->NewRandomRWFile(Path("f"), rocksdb::FileOptions(), &file, nullptr)
          .ok());
  ASSERT_TRUE(file->Write(2, "ab", IOOptions(), nullptr).ok());
  ASSERT_TRUE(file->Write(3, "cd", IOOptions(), nullptr).ok());
  ASSERT_TRUE(file->Close(IOOptions(), nullptr).ok());
  EXPECT_EQ(ReadAll(Path("f")), "01acd56789");
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(Path("f")), "0123456789");
}

TEST_F(PowerCutFsTest, NothingIsWrittenAfterTheCut) {
  fs_->CutAfter([](const FsOp& op) { return op.kind == OpKind::kSync; }, 2);
  Write("a", "a", true);
  EXPECT_FALSE(fs_->is_cut());
  Write("b", "b", true);  // the second sync: the power goes right after it
  ASSERT_TRUE(fs_->is_cut());
  // create a, append a, sync a, create b, append b, sync b.
  EXPECT_EQ(fs_->cut_op()->Describe(), "#6 sync b");
  std::unique_ptr<rocksdb::FSWritableFile> file;
  EXPECT_FALSE(
      fs_->NewWritableFile(Path("c"), rocksdb::FileOptions(), &file, nullptr)
          .ok());
}

TEST_F(PowerCutFsTest, PlainFileKeepsItsSizeAtTheCut) {
  const std::string plain = Path("heads");
  fs_->WatchPlainFile(plain);
  std::ofstream(plain) << "1 line\n";
  fs_->CutNow();
  std::ofstream(plain, std::ios::app) << "2 written after the cut\n";
  ASSERT_TRUE(fs_->Reboot().ok());
  EXPECT_EQ(ReadAll(plain), "1 line\n");
}

// The negative control on a real RocksDB: a write acknowledged without a
// sync is gone after the cut, the synced one before it is kept. If the
// layer kept everything, the first expectation would fail.
TEST_F(PowerCutFsTest, RocksDbWriteWithoutSyncIsLost) {
  const std::string db_path = Path("db");
  rocksdb::Options options;
  options.create_if_missing = true;
  options.env = env_->env.get();
  rocksdb::WriteOptions synced, unsynced;
  synced.sync = true;
  unsynced.sync = false;
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, db_path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(synced, "kept", "1").ok());
    ASSERT_TRUE(db->Put(unsynced, "acknowledged-unsynced", "2").ok());
    std::string value;
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), "acknowledged-unsynced", &value).ok());
    fs_->CutNow();
    db->Close().PermitUncheckedError();
  }
  ASSERT_TRUE(fs_->Reboot().ok());
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, db_path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "acknowledged-unsynced", &value)
                  .IsNotFound())
      << "the layer kept a write that was never synced";
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "kept", &value).ok());
  EXPECT_EQ(value, "1");
}

}  // namespace
}  // namespace hedui::faults
