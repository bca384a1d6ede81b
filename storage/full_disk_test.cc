// A full disk (issue 14, defect 6): writes are refused cleanly while the
// store cannot make them durable, nothing acknowledged is lost, and the log
// recovers by itself once space returns, numbering on from what the store
// holds.

#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/service_log_keys.h"
#include "storage/store.h"
#include "storage/switch_log.h"
#include "storage/testing/no_space_file_system.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using Fail = testing::NoSpaceFileSystem::Fail;

class FullDiskTest : public testing::ServiceLogFixture,
                     public ::testing::WithParamInterface<Fail> {
 protected:
  void SetUp() override {
    ServiceLogFixture::SetUp();
    options_.recovery_interval = absl::Milliseconds(20);
    options_.on_durability_change = [this](bool durable, const absl::Status&) {
      absl::MutexLock lock(&mu_);
      transitions_.push_back(durable);
    };
  }

  std::vector<bool> Transitions() {
    absl::MutexLock lock(&mu_);
    return transitions_;
  }

  bool AwaitDurable(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!log_->WritesDurable() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    return log_->WritesDurable();
  }

  // The chain as a reopened store holds it: every acknowledged entry and
  // report, nothing else, unbroken.
  void ExpectHolds(const std::string& data,
                   const std::vector<Appended>& acknowledged) {
    ASSERT_TRUE(Open(data).ok());
    EXPECT_EQ(log_->AuditLength(), acknowledged.size());
    auto verified = log_->VerifyAudit();
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_TRUE(verified->intact()) << verified->problem();
    for (size_t i = 0; i < acknowledged.size(); ++i) {
      EXPECT_EQ(acknowledged[i].sequence, i + 1);
      EXPECT_EQ(acknowledged[i].report_id, FormatReportId(i + 1));
      auto report = log_->GetReport(acknowledged[i].report_id);
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->has_value()) << acknowledged[i].report_id;
    }
    EXPECT_FALSE(log_->GetReport(FormatReportId(acknowledged.size() + 1))
                     .value()
                     .has_value());
  }

  testing::NoSpaceEnv disk_;
  absl::Mutex mu_;
  std::vector<bool> transitions_ ABSL_GUARDED_BY(mu_);
};

TEST_P(FullDiskTest, RefusedCleanlyAndRecoveredWhenSpaceReturns) {
  ASSERT_TRUE(Open("db", disk_.env.get()).ok());
  std::vector<Appended> acknowledged = Append(5);
  EXPECT_TRUE(log_->WritesDurable());

  disk_.fs->set_fail(GetParam());
  auto refused = AppendOne(100);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "nothing of this call was stored"))
      << refused.status();
  EXPECT_FALSE(absl::StrContains(refused.status().message(), dir_.string()))
      << refused.status();
  EXPECT_GT(disk_.fs->failures(), 0);
  EXPECT_FALSE(log_->WritesDurable());
  // Still full: refused again, and recovery attempts fail meanwhile.
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(log_->WritesDurable());
  auto again = AppendOne(101);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kResourceExhausted)
      << again.status();

  disk_.fs->set_fail(Fail::kNothing);
  ASSERT_TRUE(AwaitDurable(absl::Seconds(10)));
  std::vector<Appended> after = Append(3);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].sequence, 6u);
  acknowledged.insert(acknowledged.end(), after.begin(), after.end());
  EXPECT_EQ(Transitions(), (std::vector<bool>{false, true}));
  Close();
  ExpectHolds("db", acknowledged);
}

INSTANTIATE_TEST_SUITE_P(WhatFails, FullDiskTest,
                         ::testing::Values(Fail::kWalWrites, Fail::kWalSyncs,
                                           Fail::kAllWrites));

// A failed batch may still be whole in the write-ahead log (its sync failed,
// not its write). After the recovery, numbering on from the store must not
// let a crash replay that batch under the numbers given out since.
TEST_F(FullDiskTest, AFailedBatchNeverComesBackUnderNumbersGivenAgain) {
  ASSERT_TRUE(Open("db", disk_.env.get()).ok());
  std::vector<Appended> acknowledged = Append(5);
  // Reopened, the store has flushed everything: RocksDB's own recovery then
  // has nothing to flush and keeps writing to the log that holds the batch.
  ASSERT_TRUE(Open("db", disk_.env.get()).ok());
  disk_.fs->set_fail(Fail::kWalSyncs);
  {
    // Three records in one call: one batch of entries 6, 7, 8.
    auto failed = log_->Append([] {
      std::vector<ServiceRecord> records(3);
      for (ServiceRecord& r : records) {
        r.audit.set_caller("c");
        r.audit.set_method("/m");
        r.audit.set_outcome("OK");
      }
      return records;
    }());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted);
  }
  disk_.fs->set_fail(Fail::kNothing);
  ASSERT_TRUE(AwaitDurable(absl::Seconds(10)));
  std::vector<Appended> after = Append(1);  // entry 6, again
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].sequence, 6u);
  acknowledged.insert(acknowledged.end(), after.begin(), after.end());
  // A crash now (the copy of the open store) replays the logs.
  CopyWhileOpen("db", "crash");
  Close();
  ExpectHolds("crash", acknowledged);
  ExpectHolds("db", acknowledged);
}

// A joint switch whose one write fails on a full disk (issue 16): no file is
// switched, in the running store and after a reopen, and the same files
// switch once space returns. Two departments: TAX as a full snapshot, the
// registration as a delta.
class JointSwitchFullDiskTest : public ::testing::TestWithParam<Fail> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("joint_full_disk_", getpid(), "_",
                        static_cast<int>(GetParam()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenStore(rocksdb::Env* env) {
    store_.reset();
    StoreOptions options;
    options.path = dir_.string();
    options.block_cache_bytes = 8 << 20;
    options.env = env;
    options.before_switch_hook = [this] {
      if (++prepared_ == fail_at_) disk_.fs->set_fail(GetParam());
    };
    auto opened = Store::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  static std::string Person(int n) {
    const std::string first17 = absl::StrFormat("32058119800101%03d", n);
    return first17 + ResidentIdCheckCharacter(first17);
  }
  static RecordBatch Tax(int64_t amount) {
    RecordBatch rows;
    for (int p = 0; p < 4; ++p) {
      hedui::store::v1::TaxRecord tax;
      tax.set_person_id(Person(p));
      tax.mutable_period()->set_year(2026);
      tax.mutable_period()->set_month(9);
      tax.set_amount_fen(amount);
      rows.Add(Person(p), "202609", tax.SerializeAsString());
    }
    rows.Sort();
    return rows;
  }
  static RecordBatch Register(const std::string& household, int persons) {
    RecordBatch rows;
    for (int p = 0; p < persons; ++p) {
      hedui::store::v1::HouseholdRegistrationRecord r;
      r.set_person_id(Person(p));
      r.set_household_number(household);
      rows.Add(Person(p), "", r.SerializeAsString());
    }
    rows.Sort();
    return rows;
  }
  static BatchHeader Header(hedui::v1::Department d, const std::string& id) {
    BatchHeader h;
    h.department = d;
    h.batch_id = id;
    h.as_of = absl::CivilDay(2026, 10, 31);
    return h;
  }
  static JointFile File(const BatchHeader& header, const RecordBatch& rows,
                        bool delta) {
    JointFile file;
    file.header = header;
    file.delta = delta;
    file.rows = static_cast<int64_t>(rows.size());
    file.source = [&rows](const RowSink& sink) { return sink(rows); };
    return file;
  }

  absl::StatusOr<std::vector<ApplyResult>> SwitchBoth() {
    rocksdb::ColumnFamilyHandle* meta = store_->service_tables().meta;
    return store_->ApplyJoint(
        {File(Header(hedui::v1::TAX, "t2"), tax_, false),
         File(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta_, true)},
        [this, meta](rocksdb::WriteBatch* batch) {
          batch->Put(meta, "held/test", "dropped with the switch");
          // The disk fills now: only the switch's own write meets it.
          if (fail_switch_) disk_.fs->set_fail(GetParam());
        });
  }

  // TAX as first loaded, the register without the delta, the marker there.
  void ExpectNothingSwitched() {
    auto read = store_->ReadPersonsWithHouseholds({Person(0)}, &set_);
    ASSERT_TRUE(read.ok()) << read;
    ASSERT_EQ(set_.persons(0).tax_size(), 1);
    EXPECT_EQ(set_.persons(0).tax(0).amount_fen(), 100);
    ASSERT_EQ(set_.persons(0).household_registration_size(), 1);
    EXPECT_EQ(set_.persons(0).household_registration(0).household_number(),
              "H1");
    EXPECT_FALSE(store_->FindBatch(hedui::v1::TAX, "t2")->has_value());
    EXPECT_FALSE(store_->FindBatch(hedui::v1::HOUSEHOLD_REGISTRATION, "rd")
                     ->has_value());
    const std::vector<hedui::store::v1::DepartmentState> states =
        store_->ListDepartments().value();
    for (const auto& state : states) {
      EXPECT_EQ(state.current().generation(), 1u) << state.department();
    }
    std::string value;
    EXPECT_TRUE(store_->service_tables()
                    .db
                    ->Get(rocksdb::ReadOptions(), store_->service_tables().meta,
                          "held/test", &value)
                    .IsNotFound());
    auto pending = PendingSwitches(store_->service_tables());
    ASSERT_TRUE(pending.ok()) << pending.status();
    EXPECT_EQ(pending->size(), 2u);  // the two first loads only
  }

  std::filesystem::path dir_;
  testing::NoSpaceEnv disk_;
  std::unique_ptr<Store> store_;
  int prepared_ = 0;
  int fail_at_ = 0;
  bool fail_switch_ = false;
  const RecordBatch tax_ = Tax(200);
  const RecordBatch delta_ = Register("H7", 1);
  hedui::store::v1::RecordSet set_;
};

TEST_P(JointSwitchFullDiskTest, AFailedWriteSwitchesNoFile) {
  OpenStore(disk_.env.get());
  ASSERT_TRUE(
      store_->ApplyFullSnapshot(Header(hedui::v1::TAX, "t1"), Tax(100)).ok());
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1"),
                              Register("H1", 4))
          .ok());
  {
    rocksdb::WriteBatch held;
    held.Put(store_->service_tables().meta, "held/test", "a hold");
    // Stands for the holds the confirmation drops: the write's own effect.
    ASSERT_TRUE(store_->service_tables()
                    .db->Write(rocksdb::WriteOptions(), &held)
                    .ok());
  }
  fail_switch_ = true;
  auto failed = SwitchBoth();
  fail_switch_ = false;
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted)
      << failed.status();
  EXPECT_GT(disk_.fs->failures(), 0);
  {
    // The hold is still there (the write that drops it failed).
    std::string value;
    EXPECT_TRUE(store_->service_tables()
                    .db
                    ->Get(rocksdb::ReadOptions(), store_->service_tables().meta,
                          "held/test", &value)
                    .ok());
    EXPECT_EQ(value, "a hold");
  }
  // Reads still work and show the old data.
  auto read = store_->ReadPersons({Person(0)});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 100);
  EXPECT_FALSE(store_->FindBatch(hedui::v1::TAX, "t2")->has_value());

  // Space returns; the store is closed (as a server stopped) and reopened:
  // the failed write does not come back.
  disk_.fs->set_fail(Fail::kNothing);
  OpenStore(disk_.env.get());
  {
    std::string value;
    EXPECT_TRUE(store_->service_tables()
                    .db
                    ->Get(rocksdb::ReadOptions(), store_->service_tables().meta,
                          "held/test", &value)
                    .ok());
  }
  rocksdb::WriteBatch drop;
  drop.Delete(store_->service_tables().meta, "held/test");
  ASSERT_TRUE(
      store_->service_tables().db->Write(rocksdb::WriteOptions(), &drop).ok());
  ExpectNothingSwitched();

  // The same files switch now, both.
  fail_at_ = 0;
  auto switched = SwitchBoth();
  ASSERT_TRUE(switched.ok()) << switched.status();
  OpenStore(nullptr);
  auto after = store_->ReadPersonsWithHouseholds({Person(0)}, &set_);
  ASSERT_TRUE(after.ok()) << after;
  EXPECT_EQ(set_.persons(0).tax(0).amount_fen(), 200);
  EXPECT_EQ(set_.persons(0).household_registration(0).household_number(), "H7");
  EXPECT_TRUE(store_->FindBatch(hedui::v1::TAX, "t2")->has_value());
  EXPECT_EQ(PendingSwitches(store_->service_tables())->size(), 4u);
}

// RocksDB 7.8 aborts an ingestion after resuming from a failed log write:
// the store takes no file until it is reopened, and says so.
TEST_P(JointSwitchFullDiskTest, NoFileUntilReopenedAfterAFailedWrite) {
  OpenStore(disk_.env.get());
  ASSERT_TRUE(
      store_->ApplyFullSnapshot(Header(hedui::v1::TAX, "t1"), Tax(100)).ok());
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1"),
                              Register("H1", 4))
          .ok());
  fail_switch_ = true;
  ASSERT_FALSE(SwitchBoth().ok());
  fail_switch_ = false;
  disk_.fs->set_fail(Fail::kNothing);
  auto refused = SwitchBoth();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "restarted"))
      << refused.status();
  auto single =
      store_->ApplyFullSnapshot(Header(hedui::v1::TAX, "t3"), Tax(300));
  EXPECT_EQ(single.status().code(), absl::StatusCode::kUnavailable);
  ExpectNothingSwitched();
  OpenStore(disk_.env.get());
  auto switched = SwitchBoth();
  ASSERT_TRUE(switched.ok()) << switched.status();
  EXPECT_EQ((*switched)[0].current.rows(), 4);
  EXPECT_EQ((*switched)[1].current.rows(), 4);
  OpenStore(nullptr);
  auto read = store_->ReadPersons({Person(0)});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 200);
  auto pending = PendingSwitches(store_->service_tables());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 4u);
  EXPECT_EQ(pending->at(2).batch_id(), "t2");
  EXPECT_EQ(pending->at(3).batch_id(), "rd");
}

// The disk fills while the files are prepared (after the first file's
// generation is loaded, before the second file's rows): nothing switched
// either, and the store says it must be restarted.
TEST_P(JointSwitchFullDiskTest, FullWhilePreparingSwitchesNoFile) {
  OpenStore(disk_.env.get());
  ASSERT_TRUE(
      store_->ApplyFullSnapshot(Header(hedui::v1::TAX, "t1"), Tax(100)).ok());
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1"),
                              Register("H1", 4))
          .ok());
  prepared_ = 0;
  fail_at_ = 1;
  auto failed = SwitchBoth();
  ASSERT_FALSE(failed.ok());
  disk_.fs->set_fail(Fail::kNothing);
  fail_at_ = 0;
  ExpectNothingSwitched();
  OpenStore(disk_.env.get());
  ExpectNothingSwitched();
  ASSERT_TRUE(SwitchBoth().ok());
}

INSTANTIATE_TEST_SUITE_P(WhatFails, JointSwitchFullDiskTest,
                         ::testing::Values(Fail::kWalWrites, Fail::kWalSyncs,
                                           Fail::kAllWrites));

}  // namespace
}  // namespace hedui::storage
