#include "storage/rocks_status.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "storage/store_damage.h"

namespace hedui::storage {
namespace {

TEST(FromRocksTest, AFullDiskIsResourceExhausted) {
  // What RocksDB's posix file system returns for ENOSPC: an IOError with the
  // kNoSpace subcode, which IsIOError() also matches.
  const rocksdb::Status full = rocksdb::Status::NoSpace(
      "While appending to file: /var/lib/hedui/data/000123.log",
      "No space left on device");
  ASSERT_TRUE(full.IsIOError());
  const absl::Status mapped = FromRocks(full, "writing reports");
  EXPECT_EQ(mapped.code(), absl::StatusCode::kResourceExhausted) << mapped;
  EXPECT_EQ(mapped.message(),
            "writing reports: IO error: No space left on device: While "
            "appending to file: 000123.log: No space left on device");
}

TEST(FromRocksTest, OtherIoErrorsAreUnavailable) {
  const absl::Status mapped = FromRocks(
      rocksdb::Status::IOError("While fsync: a directory", "EIO"), "syncing");
  EXPECT_EQ(mapped.code(), absl::StatusCode::kUnavailable) << mapped;
}

TEST(FromRocksTest, DamageIsDataLossNamesTheFileAndIsRecorded) {
  ClearStoreDamageForTesting();
  std::string heard;
  SetStoreDamageListener([&](const std::string& m) { heard = m; });
  const absl::Status mapped = FromRocks(
      rocksdb::Status::Corruption(
          "block checksum mismatch: stored = 1, computed = 2, type = 1  in "
          "/srv/hedui/data/000042.sst offset 4096 size 3998"),
      "reading a report");
  EXPECT_EQ(mapped.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(mapped.message(), " 000042.sst offset 4096"))
      << mapped;
  EXPECT_FALSE(absl::StrContains(mapped.message(), "/srv")) << mapped;
  EXPECT_TRUE(absl::StrContains(mapped.message(), "heduid restore")) << mapped;
  ASSERT_TRUE(StoreDamage().has_value());
  EXPECT_TRUE(absl::StrContains(*StoreDamage(), "000042.sst"));
  EXPECT_EQ(heard, *StoreDamage());
  SetStoreDamageListener(nullptr);
  ClearStoreDamageForTesting();
  EXPECT_FALSE(StoreDamage().has_value());
}

TEST(WithoutDirectoriesTest, KeepsOnlyFileNames) {
  EXPECT_EQ(WithoutDirectories("While open a file for appending: "
                               "/a/b/c/000007.log: No space left"),
            "While open a file for appending: 000007.log: No space left");
  // RocksDB glues this one to the word before it.
  EXPECT_EQ(WithoutDirectories("to be an sstable/tmp/x/db/000025.sst"),
            "to be an sstable 000025.sst");
  EXPECT_EQ(WithoutDirectories("'/data/hedui/' exists"),
            "'(a directory)' exists");
  // Relative names stay: they say where inside the data directory.
  EXPECT_EQ(WithoutDirectories("ingest-tmp/3-1-0.sst: bad"),
            "ingest-tmp/3-1-0.sst: bad");
  EXPECT_EQ(WithoutDirectories("no path here"), "no path here");
}

}  // namespace
}  // namespace hedui::storage
