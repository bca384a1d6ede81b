#include "storage/backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/audit_chain.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

namespace fs = std::filesystem;

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

ServiceRecord Record(int i) {
  ServiceRecord record;
  record.audit.set_time_unix_micros(1000 + i);
  record.audit.set_caller("caller-a");
  record.audit.set_method("/hedui.v1.VerificationService/Verify");
  record.audit.set_program(hedui::v1::DIBAO);
  record.audit.set_outcome("OK");
  hedui::v1::Report report;
  report.set_program(hedui::v1::DIBAO);
  report.mutable_verification_date()->set_year(2026);
  report.mutable_verification_date()->set_month(11);
  report.mutable_verification_date()->set_day(1);
  report.set_verdict(hedui::v1::MEETS_CRITERIA);
  report.set_summary(absl::StrCat("报告 ", i));
  report.mutable_policy()->set_region_code("320581");
  report.mutable_request()->set_program(hedui::v1::DIBAO);
  report.mutable_request()->set_region_code("320581");
  report.mutable_request()->add_members()->set_person_id(PersonId(i));
  record.report = std::move(report);
  return record;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat(
               "backup_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_options_.audit_key = std::string(32, 'k');
    log_options_.head_file = (dir_ / "audit.heads").string();
    log_options_.head_every = 10;
  }
  void TearDown() override {
    Close();
    fs::remove_all(dir_);
  }

  void Open(const std::string& data = "db") {
    Close();
    StoreOptions options;
    options.path = (dir_ / data).string();
    options.block_cache_bytes = 8 << 20;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto log = ServiceLog::Open(store_->service_tables(), log_options_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    backups_ = std::make_unique<BackupManager>(store_->service_tables(),
                                               (dir_ / "backups").string());
  }
  void Close() {
    backups_.reset();
    log_.reset();
    store_.reset();
  }

  // Appends n records; returns report id -> stored bytes.
  std::map<std::string, std::string> AppendN(int n, int first = 0) {
    std::map<std::string, std::string> stored;
    for (int i = first; i < first + n; ++i) {
      std::vector<ServiceRecord> records;
      records.push_back(Record(i));
      auto appended = log_->Append(std::move(records));
      EXPECT_TRUE(appended.ok()) << appended.status();
      if (!appended.ok()) continue;
      const std::string& id = (*appended)[0].report_id;
      stored[id] = log_->GetReport(id).value().value();
    }
    return stored;
  }

  RestoreRequest Restore(const std::string& data, uint32_t id = 0) {
    RestoreRequest request;
    request.backup_dir = (dir_ / "backups").string();
    request.backup_id = id;
    request.data_dir = (dir_ / data).string();
    request.head_file = log_options_.head_file;
    return request;
  }

  hedui::v1::VerifyAuditResponse VerifyAudit() {
    auto verified = log_->VerifyAudit();
    EXPECT_TRUE(verified.ok()) << verified.status();
    return verified.ok() ? *verified : hedui::v1::VerifyAuditResponse();
  }

  fs::path dir_;
  ServiceLogOptions log_options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceLog> log_;
  std::unique_ptr<BackupManager> backups_;
};

TEST(BackupMetadataTest, RoundTripsAndRefusesOtherTools) {
  BackupMetadata metadata;
  metadata.format_version = kFormatVersion;
  metadata.audit_sequence = 42;
  metadata.audit_mac = std::string(32, '\xab');
  metadata.created_unix_seconds = 1'790'000'000;
  metadata.requested_by = "admin-1\nhas a newline";
  auto decoded = DecodeBackupMetadata(EncodeBackupMetadata(metadata));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->format_version, kFormatVersion);
  EXPECT_EQ(decoded->audit_sequence, 42u);
  EXPECT_EQ(decoded->audit_mac, metadata.audit_mac);
  EXPECT_EQ(decoded->created_unix_seconds, 1'790'000'000);
  EXPECT_EQ(decoded->requested_by, metadata.requested_by);
  EXPECT_FALSE(DecodeBackupMetadata("").ok());
  EXPECT_FALSE(DecodeBackupMetadata("hedui-backup 1\nformat_version=2\n").ok());
}

TEST_F(BackupTest, BackupWhileWritesContinueRestoresAConsistentStore) {
  Open();
  std::map<std::string, std::string> before = AppendN(55);
  std::atomic<bool> stop{false};
  std::map<std::string, std::string> during;
  std::thread writer([&] {
    int i = 1000;
    while (!stop) {
      for (auto& [id, bytes] : AppendN(1, i++)) during[id] = bytes;
    }
  });
  auto made = backups_->Create("admin-1");
  stop = true;
  writer.join();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->backup_id, 1u);
  EXPECT_GE(made->metadata.audit_sequence, 55u);
  EXPECT_EQ(made->metadata.requested_by, "admin-1");
  EXPECT_EQ(made->metadata.format_version, kFormatVersion);
  EXPECT_GT(made->size_bytes, 0u);
  EXPECT_FALSE(during.empty()) << "the writer wrote while the backup ran";
  AppendN(30, 5000);  // the later history, discarded by the restore
  Close();

  auto restored = RestoreBackup(Restore("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->backup.backup_id, 1u);
  EXPECT_GE(restored->audit_sequence, made->metadata.audit_sequence);
  EXPECT_GT(restored->discarded_through, restored->audit_sequence);
  EXPECT_GE(restored->heads_checked, 5);

  Open("restored");
  // Every report from before the backup, byte-identical; of those made
  // while it ran, exactly the ones the chain kept, unchanged.
  for (const auto& [id, bytes] : before) {
    EXPECT_EQ(log_->GetReport(id).value(), bytes) << id;
  }
  EXPECT_EQ(log_->AuditLength(), restored->audit_sequence);
  for (const auto& [id, bytes] : during) {
    auto got = log_->GetReport(id);
    ASSERT_TRUE(got.ok());
    if (got->has_value()) {
      EXPECT_EQ(**got, bytes) << id;
    }
  }
  hedui::v1::VerifyAuditResponse verified = VerifyAudit();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.entries(), restored->audit_sequence);

  // The chain goes on from the restored end, head lines and all.
  AppendN(25, 9000);
  Close();
  Open("restored");
  verified = VerifyAudit();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.entries(), restored->audit_sequence + 25);
}

// The roll families are part of the store: a restore brings back the roll
// as it was at the backup, with its request ids, and numbering goes on.
TEST_F(BackupTest, RollsAreBackedUpAndRestored) {
  Open();
  auto enrol = [&](RollStore& rolls, const std::string& request_id) {
    hedui::v1::RollEntry entry;
    {
      absl::MutexLock lock(&rolls.mu());
      entry.set_entry_id(rolls.AllocateEntryId().value());
    }
    entry.set_program(hedui::v1::DIBAO);
    entry.set_region_code("320581");
    entry.set_applicant_id(PersonId(7));
    entry.set_state(hedui::v1::RollEntry::ACTIVE);
    entry.mutable_request()->add_members()->set_person_id(PersonId(7));
    RollChange change;
    change.entries = {entry};
    change.caller = "caller-a";
    change.request_id = request_id;
    ServiceRecord record = Record(0);
    record.report.reset();
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.writes = rolls.Writes(change);
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    EXPECT_TRUE(log_->Append(std::move(records)).ok());
    return entry.entry_id();
  };
  auto rolls = RollStore::Open(store_->service_tables());
  ASSERT_TRUE(rolls.ok()) << rolls.status();
  const std::string kept = enrol(**rolls, "before-backup");
  auto made = backups_->Create("admin-1");
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string discarded = enrol(**rolls, "after-backup");
  rolls->reset();
  Close();

  ASSERT_TRUE(RestoreBackup(Restore("restored")).ok());
  Open("restored");
  rolls = RollStore::Open(store_->service_tables());
  ASSERT_TRUE(rolls.ok()) << rolls.status();
  auto got = (*rolls)->Get(kept);
  ASSERT_TRUE(got.ok() && got->has_value()) << kept;
  auto request = (*rolls)->FindRequest("caller-a", "before-backup");
  ASSERT_TRUE(request.ok() && request->has_value());
  auto later = (*rolls)->Get(discarded);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->has_value());
  auto active = (*rolls)->FindActive(hedui::v1::DIBAO, PersonId(7));
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->entry_id(), kept);
  EXPECT_TRUE(VerifyAudit().intact());
}

TEST_F(BackupTest, ListVerifyAndPrune) {
  Open();
  auto listed = backups_->List();
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->backups.empty());
  for (int i = 0; i < 3; ++i) {
    AppendN(5, i * 10);
    ASSERT_TRUE(backups_->Create("admin-1").ok());
  }
  listed = backups_->List();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->backups.size(), 3u);
  EXPECT_EQ(listed->backups[2].backup_id, 3u);
  EXPECT_EQ(listed->backups[0].metadata.audit_sequence, 5u);
  EXPECT_EQ(listed->backups[2].metadata.audit_sequence, 15u);
  EXPECT_TRUE(listed->corrupt_ids.empty());

  auto checked = backups_->Verify(2);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_TRUE(checked->intact) << checked->problem;
  EXPECT_EQ(backups_->Verify(9).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(backups_->Prune(0).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto pruned = backups_->Prune(2);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(pruned->deleted_ids, std::vector<uint32_t>{1});
  ASSERT_EQ(pruned->kept.size(), 2u);
  EXPECT_EQ(pruned->kept[0].backup_id, 2u);
  // Files shared with the deleted backup are still there for the others.
  checked = backups_->Verify(2);
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->intact) << checked->problem;
}

TEST_F(BackupTest, VerifyFindsACorruptedFile) {
  Open();
  AppendN(40);
  ASSERT_TRUE(backups_->Create("admin-1").ok());
  // Flip one byte in the middle of the largest backed-up file.
  fs::path victim;
  uintmax_t largest = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "backups")) {
    if (entry.is_regular_file() &&
        entry.path().parent_path().filename() != "meta" &&
        entry.file_size() > largest) {
      largest = entry.file_size();
      victim = entry.path();
    }
  }
  ASSERT_FALSE(victim.empty());
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(largest / 2));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(largest / 2));
    f.put(static_cast<char>(c ^ 0x5a));
  }
  auto checked = backups_->Verify(1);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_FALSE(checked->intact);
  EXPECT_FALSE(checked->problem.empty());
  // Nor would it restore.
  Close();
  EXPECT_FALSE(RestoreBackup(Restore("restored")).ok());
  EXPECT_FALSE(fs::exists(dir_ / "restored"));
}

TEST_F(BackupTest, RestoreRefusesANonEmptyDataDirectory) {
  Open();
  AppendN(3);
  ASSERT_TRUE(backups_->Create("admin-1").ok());
  Close();
  const std::string heads_before = [&] {
    std::ifstream in(log_options_.head_file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  auto refused = RestoreBackup(Restore("db"));  // the live store
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "not empty"))
      << refused.status();
  std::ifstream in(log_options_.head_file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), heads_before)
      << "nothing written to the head file";
  // An empty directory is fine.
  fs::create_directories(dir_ / "empty");
  EXPECT_TRUE(RestoreBackup(Restore("empty")).ok());
  // A trailing slash names the same directory, not a place inside it.
  EXPECT_TRUE(RestoreBackup(Restore("slash/")).ok());
  EXPECT_TRUE(fs::exists(dir_ / "slash" / "CURRENT"));
  EXPECT_FALSE(RestoreBackup(Restore("nothing", 7)).ok());  // no backup 7
}

TEST_F(BackupTest, RestoreRefusesAnotherServersHeadFile) {
  Open();
  AppendN(12);
  ASSERT_TRUE(backups_->Create("admin-1").ok());
  Close();
  // Another server's head file: same sequences, other MACs.
  log_options_.head_file = (dir_ / "other.heads").string();
  log_options_.audit_key = std::string(32, 'o');
  Open("other");
  AppendN(12);
  Close();
  auto refused = RestoreBackup(Restore("restored"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "head file"))
      << refused.status();
  EXPECT_FALSE(fs::exists(dir_ / "restored"));
  EXPECT_FALSE(fs::exists(dir_ / "restored.restoring"));
}

TEST_F(BackupTest, WithoutItsMarkerTheRestoredChainReadsAsCutAndIsRefused) {
  Open();
  AppendN(12);
  ASSERT_TRUE(backups_->Create("admin-1").ok());
  AppendN(20, 100);  // heads at 20, 30 and 32 (shutdown)
  Close();
  ASSERT_TRUE(RestoreBackup(Restore("restored")).ok());
  Open("restored");
  EXPECT_TRUE(VerifyAudit().intact());
  Close();
  // Removing the marker brings the discarded heads back into the check: the
  // head file then names entries the restored store lacks, and numbering on
  // from 13 would hand out ids it already gave, so the log is not opened.
  std::ifstream in(log_options_.head_file);
  std::string kept, line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, "restored ")) kept += line + "\n";
  }
  in.close();
  std::ofstream(log_options_.head_file, std::ios::trunc) << kept;
  StoreOptions options;
  options.path = (dir_ / "restored").string();
  options.block_cache_bytes = 8 << 20;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto log = ServiceLog::Open((*store)->service_tables(), log_options_);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss) << log.status();
  EXPECT_TRUE(absl::StrContains(log.status().message(),
                                "names audit entry 20, but the store's audit "
                                "chain ends at entry 12"))
      << log.status();
}

}  // namespace
}  // namespace hedui::storage
