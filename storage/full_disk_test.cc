// A full disk (issue 14, defect 6): writes are refused cleanly while the
// store cannot make them durable, nothing acknowledged is lost, and the log
// recovers by itself once space returns, numbering on from what the store
// holds.

#include <thread>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/service_log_keys.h"
#include "storage/testing/no_space_file_system.h"
#include "storage/testing/service_log_fixture.h"

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

}  // namespace
}  // namespace hedui::storage
