// A damaged store is never served (issue 14, defect 7): what a crash leaves
// (an incomplete last write-ahead-log record, never acknowledged) is dropped,
// and every other damage stops the open, or the read that meets it, with a
// message naming the file and how to restore.

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/service_log_keys.h"
#include "storage/store_damage.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

namespace fs = std::filesystem;

class DamagedStoreTest : public testing::ServiceLogFixture {
 protected:
  // Refused with DATA_LOSS, naming `file` and saying how to restore.
  static void ExpectRefused(const absl::Status& status,
                            const std::string& file) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), file))
        << "wanted " << file << " in: " << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "heduid restore"))
        << status;
  }
};

TEST_F(DamagedStoreTest, TornTailOfAWriteInFlightIsDroppedAndNumberingGoesOn) {
  ASSERT_TRUE(Open().ok());
  Append(10);
  const fs::path wal = FilesOf(".log").back();
  const uint64_t acknowledged = fs::file_size(wal);
  Append(1);  // stands for the write the crash interrupted
  const uint64_t written = fs::file_size(wal);
  ASSERT_GT(written, acknowledged + 20);
  CopyWhileOpen("db", "crash");
  Close();  // writes a head line for entry 11, which the crash never wrote
  const std::string heads_at_crash = options_.head_file + ".crash";
  ASSERT_FALSE(fs::exists(heads_at_crash));

  // Cut inside the record's header, just after it, in its middle, one byte
  // short: each is what a crash during that write can leave.
  for (uint64_t cut : {acknowledged + 3, acknowledged + 9,
                       (acknowledged + written) / 2, written - 1}) {
    SCOPED_TRACE(absl::StrCat("cut at ", cut, " of ", written));
    const std::string copy = absl::StrCat("crash-", cut);
    fs::copy(Data("crash"), Data(copy));
    fs::resize_file(FilesOf(".log", copy).back(), cut);
    options_.head_file = absl::StrCat(heads_at_crash, cut);
    absl::Status opened = Open(copy);
    ASSERT_TRUE(opened.ok()) << opened;
    EXPECT_EQ(log_->AuditLength(), 10u);
    auto verified = log_->VerifyAudit();
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_TRUE(verified->intact()) << verified->problem();
    // The dropped write was never acknowledged: its numbers are free.
    auto next = AppendOne(100);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ((*next)[0].sequence, 11u);
    EXPECT_EQ((*next)[0].report_id, FormatReportId(11));
    Close();
  }
}

TEST_F(DamagedStoreTest, WriteAheadLogDamagedBeforeItsEndIsRefused) {
  ASSERT_TRUE(Open().ok());
  Append(20);
  Close();  // the entries stay in the write-ahead log
  const fs::path wal = FilesOf(".log").back();
  FlipByte(wal, fs::file_size(wal) / 3);
  absl::Status opened = Open();
  ExpectRefused(opened, wal.filename().string());
  EXPECT_TRUE(absl::StrContains(opened.message(), "damaged before its end"))
      << opened;
}

TEST_F(DamagedStoreTest, DamagedLastRecordIsNotMistakenForATornTail) {
  // A crash leaves a last record cut short, never one whose bytes changed.
  ASSERT_TRUE(Open().ok());
  Append(20);
  Close();
  const fs::path wal = FilesOf(".log").back();
  FlipByte(wal, fs::file_size(wal) - 5);
  ExpectRefused(Open(), wal.filename().string());
}

TEST_F(DamagedStoreTest, WriteAheadLogCutShortIsRefusedByTheHeadFile) {
  // A log cut at a record boundary looks like a torn tail to RocksDB; the
  // head file written at shutdown shows the entries were acknowledged.
  ASSERT_TRUE(Open().ok());
  Append(20);
  Close();
  const fs::path wal = FilesOf(".log").back();
  fs::resize_file(wal, fs::file_size(wal) / 2);
  absl::Status opened = Open();
  ExpectRefused(opened, "audit.heads");
  EXPECT_TRUE(absl::StrContains(opened.message(), "names audit entry 20"))
      << opened;
}

TEST_F(DamagedStoreTest, RemovedWriteAheadLogIsRefusedByTheHeadFile) {
  ASSERT_TRUE(Open().ok());
  Append(20);
  Close();
  fs::remove(FilesOf(".log").back());
  ExpectRefused(Open(), "audit.heads");
}

TEST_F(DamagedStoreTest, TableCutShortIsRefusedAtOpen) {
  ASSERT_TRUE(Open().ok());
  Append(50);
  ASSERT_TRUE(Open().ok());  // replays the log into tables
  const std::vector<std::string> tables = TablesOf("audit");
  ASSERT_FALSE(tables.empty());
  Close();
  const fs::path table = Data() / tables.front();
  fs::resize_file(table, fs::file_size(table) / 2);
  ExpectRefused(Open(), tables.front());
}

TEST_F(DamagedStoreTest, DamagedManifestIsRefusedAtOpen) {
  ASSERT_TRUE(Open().ok());
  Append(50);
  ASSERT_TRUE(Open().ok());
  Close();
  const fs::path manifest = FilesOf("MANIFEST").back();
  FlipByte(manifest, fs::file_size(manifest) / 2);
  ExpectRefused(Open(), manifest.filename().string());
}

TEST_F(DamagedStoreTest, DamagedTableBlockIsRefusedByTheReadsThatMeetIt) {
  ASSERT_TRUE(Open().ok());
  std::vector<Appended> acknowledged = Append(200);
  ASSERT_TRUE(Open().ok());
  const std::vector<std::string> tables = TablesOf("reports");
  ASSERT_EQ(tables.size(), 1u);
  Close();
  // A data block: the open need not read it.
  const fs::path table = Data() / tables.front();
  FlipByte(table, fs::file_size(table) / 3);

  absl::Status opened = Open();
  if (!opened.ok()) {
    ExpectRefused(opened, tables.front());
    return;
  }
  int refused = 0;
  hedui::v1::ListReportsRequest by_person, by_program, all;
  by_person.set_person_id(std::string("32058119800101003") +
                          ResidentIdCheckCharacter("32058119800101003"));
  by_program.set_program(hedui::v1::DIBAO);
  for (const Appended& appended : acknowledged) {
    auto report = log_->GetReport(appended.report_id);
    if (report.ok()) {
      ASSERT_TRUE(report->has_value()) << appended.report_id;
      continue;
    }
    ++refused;
    ExpectRefused(report.status(), tables.front());
    // Callers never learn where the server keeps its data.
    EXPECT_FALSE(absl::StrContains(report.status().message(), dir_.string()))
        << report.status();
  }
  for (auto* request : {&by_person, &by_program, &all}) {
    auto listed = log_->ListReports(*request, {});
    if (!listed.ok()) {
      ++refused;
      ExpectRefused(listed.status(), tables.front());
    }
  }
  EXPECT_GT(refused, 0);
  // The server turns its health to NOT_SERVING on this.
  ASSERT_TRUE(StoreDamage().has_value());
  EXPECT_TRUE(absl::StrContains(*StoreDamage(), tables.front()));
  // `heduid --check` finds it without a read having to meet it.
  ExpectRefused(store_->VerifyChecksums(), tables.front());
}

TEST_F(DamagedStoreTest, AnIntactStorePassesTheChecksumCheck) {
  ASSERT_TRUE(Open().ok());
  Append(50);
  ASSERT_TRUE(Open().ok());
  EXPECT_TRUE(store_->VerifyChecksums().ok());
  EXPECT_FALSE(StoreDamage().has_value());
}

}  // namespace
}  // namespace hedui::storage
