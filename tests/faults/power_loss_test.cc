// Simulated power loss under the real store, service log and feed ingestor
// (issue 14): at each cut point a workload runs, the power goes after the
// n-th file-system operation, the disk is rewritten to what was durable, and
// the store is opened again. Every acknowledged report, audit entry and feed
// switch must be there, the audit chain must verify, and nothing may be
// numbered twice afterwards.
//
// Cut points count operations from the moment the cut is armed, so they are
// the same on every run where the workload is single-threaded; each point
// prints the operation it followed. A sweep visits at most
// HEDUI_FAULTS_CUTS operations of its workload (default below), spread
// evenly and always including the first and the last.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/faults/power_cut_fs.h"
#include "tests/faults/power_loss_harness.h"

namespace hedui::faults {
namespace {

constexpr int kDefaultSweep = 10;

int SweepLimit() {
  const char* value = std::getenv("HEDUI_FAULTS_CUTS");
  if (value == nullptr) return kDefaultSweep;
  return std::max(1, std::atoi(value));
}

// 1..total, at most `limit` of them, evenly spread, first and last included.
std::vector<int64_t> Spread(int64_t total, int limit) {
  std::vector<int64_t> points;
  if (total <= 0) return points;
  if (total <= limit || limit == 1) {
    for (int64_t n = total <= limit ? 1 : total; n <= total; ++n) {
      points.push_back(n);
    }
    return points;
  }
  for (int i = 0; i < limit; ++i) {
    const int64_t n = 1 + (total - 1) * i / (limit - 1);
    if (points.empty() || points.back() != n) points.push_back(n);
  }
  return points;
}

// A workload step that failed: fine after the cut, a test failure before.
bool Stopped(const absl::Status& status, PowerLossStore& store) {
  if (status.ok()) return false;
  EXPECT_TRUE(store.fs().is_cut()) << "failed with the power on: " << status;
  return true;
}

struct Scenario {
  std::string name;
  // Before the cut is armed; must succeed.
  std::function<void(PowerLossStore&, Ledger&)> setup;
  // The part the power is cut in.
  std::function<void(PowerLossStore&, Ledger&)> workload;
};

void Appends(PowerLossStore& store, Ledger& ledger, const std::string& prefix,
             int count) {
  for (int i = 0; i < count; ++i) {
    auto appended =
        store.Append(absl::StrCat(prefix, "-", i), i % 3 != 2, &ledger);
    if (Stopped(appended.status(), store)) return;
  }
}

void Ingest(PowerLossStore& store, Ledger& ledger, const std::string& batch,
            bool delta, absl::CivilDay as_of, int64_t amount_fen) {
  auto generation = store.Ingest(batch, delta, as_of, amount_fen, &ledger);
  Stopped(generation.status(), store);
}

const Scenario kSequential{
    "sequential appends",
    [](PowerLossStore& s, Ledger& l) { Appends(s, l, "setup", 2); },
    [](PowerLossStore& s, Ledger& l) { Appends(s, l, "seq", 7); }};

// Four callers at once: the service log commits whoever is waiting in one
// synced write.
const Scenario kGroupCommit{
    "group commit",
    [](PowerLossStore& s, Ledger& l) { Appends(s, l, "setup", 1); },
    [](PowerLossStore& s, Ledger& l) {
      std::vector<std::thread> callers;
      for (int t = 0; t < 4; ++t) {
        callers.emplace_back(
            [&, t] { Appends(s, l, absl::StrCat("caller", t), 10); });
      }
      for (auto& caller : callers) caller.join();
    }};

// A memtable flush: new WAL, table files, MANIFEST, the old WAL deleted.
const Scenario kFlush{
    "flush", [](PowerLossStore& s, Ledger& l) { Appends(s, l, "setup", 6); },
    [](PowerLossStore& s, Ledger& l) {
      auto tables = s.store().service_tables();
      rocksdb::FlushOptions wait;
      wait.wait = true;
      rocksdb::Status flushed =
          tables.db->Flush(wait, {tables.reports, tables.audit});
      if (!flushed.ok()) {
        EXPECT_TRUE(s.fs().is_cut()) << flushed.ToString();
        return;
      }
      Appends(s, l, "after-flush", 2);
    }};

// A full snapshot replacing the current one: reserve, SST files, ingestion,
// the switch, then a call.
const Scenario kIngest{
    "full snapshot ingest",
    [](PowerLossStore& s, Ledger& l) {
      Ingest(s, l, "b1", false, absl::CivilDay(2026, 10, 31), 3500'00);
      Appends(s, l, "setup", 2);
    },
    [](PowerLossStore& s, Ledger& l) {
      Ingest(s, l, "b2", false, absl::CivilDay(2026, 11, 10), 4100'00);
      if (!s.fs().is_cut()) Appends(s, l, "after-ingest", 1);
    }};

const Scenario kDelta{
    "delta ingest",
    [](PowerLossStore& s, Ledger& l) {
      Ingest(s, l, "b1", false, absl::CivilDay(2026, 10, 31), 3500'00);
      // The head file then exists from the start after the reboot: the
      // first one created while VerifyAudit reads can make it fail
      // (ReadHeadFile's race, reported).
      Appends(s, l, "setup", 1);
    },
    [](PowerLossStore& s, Ledger& l) {
      Ingest(s, l, "d1", true, absl::CivilDay(2026, 11, 5), 123'45);
      if (!s.fs().is_cut()) Appends(s, l, "after-delta", 1);
    }};

class PowerLossTest : public ::testing::Test {
 protected:
  // The layer decides what is durable, so the disk's own fsync only costs
  // time: on tmpfs a cut point takes a tenth of what it takes on disk.
  static std::filesystem::path Dir() {
    std::error_code ec;
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ec) &&
                ::access("/dev/shm", W_OK) == 0
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::path(::testing::TempDir());
    return base / absl::StrCat("hedui_power_loss_", getpid());
  }

  // The workload without a cut: the operations it makes (numbered from the
  // arming point, as cut points count them), and the number of the first
  // operation after the store's before-switch hook (0: no hook).
  struct Dry {
    std::vector<FsOp> ops;
    int64_t after_hook = 0;
  };
  Dry DryRun(const Scenario& scenario) {
    Dry dry;
    PowerLossStore store(Dir());
    Ledger ledger;
    EXPECT_TRUE(store.Open().ok());
    scenario.setup(store, ledger);
    const int64_t armed = store.fs().ops();
    store.set_before_switch(
        [&] { dry.after_hook = store.fs().ops() - armed + 1; });
    scenario.workload(store, ledger);
    for (FsOp op : store.fs().trace()) {
      if (op.number <= armed) continue;
      op.number -= armed;
      dry.ops.push_back(op);
    }
    return dry;
  }

  // One cut point: setup, arm, workload, cut, reboot, open, check.
  void RunCut(const Scenario& scenario, const std::string& label,
              const std::function<void(PowerLossStore&)>& arm) {
    SCOPED_TRACE(absl::StrCat(scenario.name, ", ", label));
    PowerLossStore store(Dir());
    Ledger ledger;
    ASSERT_TRUE(store.Open().ok());
    const bool failed_before = HasFailure();
    scenario.setup(store, ledger);
    ASSERT_EQ(HasFailure(), failed_before) << "the setup failed";
    int waiting = -1;
    store.fs().OnCut([&] { waiting = store.appends_in_flight(); });
    const int64_t armed = store.fs().ops();
    arm(store);
    scenario.workload(store, ledger);
    const bool reached = store.fs().is_cut();
    store.fs().CutNow();
    std::optional<FsOp> op = store.fs().cut_op();
    if (op.has_value()) op->number -= armed;  // as the cut points count
    std::printf(
        "[ cut      ] %s, %s: %s%s\n", scenario.name.c_str(), label.c_str(),
        op.has_value() ? ("after " + op->Describe()).c_str()
        : reached      ? "at the hook"
                       : "NOT REACHED (cut after the workload)",
        waiting > 0 ? absl::StrCat(" [", waiting, " calls waiting]").c_str()
                    : "");
    EXPECT_TRUE(reached) << "the cut point lies past the workload";
    last_waiting_ = waiting;
    store.set_before_switch(nullptr);
    store.Close();
    absl::Status rebooted = store.fs().Reboot();
    ASSERT_TRUE(rebooted.ok()) << rebooted;
    absl::Status opened = store.Open();
    ASSERT_TRUE(opened.ok())
        << "the store does not open after the cut: " << opened;
    store.CheckAcknowledged(ledger);
    store.CheckNoReuse(ledger);
    ++cuts_;
  }

  // Cuts after the n-th operation (any kind) since arming.
  static std::function<void(PowerLossStore&)> AfterOp(int64_t n) {
    return [n](PowerLossStore& store) {
      store.fs().CutAfter([](const FsOp&) { return true; },
                          static_cast<int>(n));
    };
  }

  // Every n of the sweep of `scenario`'s operations.
  void Sweep(const Scenario& scenario) {
    const Dry dry = DryRun(scenario);
    ASSERT_FALSE(dry.ops.empty());
    for (int64_t n :
         Spread(static_cast<int64_t>(dry.ops.size()), SweepLimit())) {
      RunCut(scenario,
             absl::StrCat("op ", n, "/", dry.ops.size(), " (",
                          dry.ops[n - 1].Describe(), " in the dry run)"),
             AfterOp(n));
    }
  }

  int cuts_ = 0;
  int last_waiting_ = -1;
};

TEST_F(PowerLossTest, SequentialAppends) { Sweep(kSequential); }

TEST_F(PowerLossTest, FlushOfTheServiceFamilies) { Sweep(kFlush); }

// Cut after a WAL sync (that commit acknowledged, the calls queued behind
// it not) and after a WAL append (that commit unsynced, not acknowledged),
// while other callers wait. Which calls share a commit varies from run to
// run; the number of commits does not go below one caller's 10 calls, so
// points up to the 9th commit are always reached with all four callers
// still busy. The commit the cut follows is held for a moment first, so
// that the other callers are queued behind it.
TEST_F(PowerLossTest, InsideGroupCommit) {
  constexpr int kAlwaysReached = 9;
  const auto held_at = [](OpKind kind, int64_t k) {
    return [kind, k](PowerLossStore& s) {
      auto seen = std::make_shared<int64_t>(0);
      s.fs().CutAfter(
          [kind, k, seen](const FsOp& op) {
            if (op.file != FileKind::kWal || op.kind != kind) return false;
            if (++*seen != k) return false;
            absl::SleepFor(absl::Milliseconds(30));
            return true;
          },
          1);
    };
  };
  std::vector<std::pair<std::string, std::function<void(PowerLossStore&)>>>
      points;
  for (int64_t k : Spread(kAlwaysReached, SweepLimit())) {
    points.emplace_back(absl::StrCat("after WAL sync ", k),
                        held_at(OpKind::kSync, k));
  }
  for (int64_t k : {2, 5, 8}) {
    points.emplace_back(absl::StrCat("after WAL append ", k, " (unsynced)"),
                        held_at(OpKind::kAppend, k));
  }
  for (const auto& [label, arm] : points) {
    RunCut(kGroupCommit, label, arm);
    EXPECT_GE(last_waiting_, 2) << "no call was queued behind the commit";
  }
}

// Inside the ingest switch: every operation of the ingest, plus the moment
// between file ingestion and the synced switch write (the store's hook) and
// right after that write.
TEST_F(PowerLossTest, InsideTheIngestSwitch) {
  const Dry dry = DryRun(kIngest);
  ASSERT_GT(dry.after_hook, 0) << "the ingest never reached the switch";
  int64_t switch_sync = 0;
  for (const FsOp& op : dry.ops) {
    if (op.number >= dry.after_hook && op.kind == OpKind::kSync &&
        op.file == FileKind::kWal) {
      switch_sync = op.number;
      break;
    }
  }
  ASSERT_GT(switch_sync, 0) << "no synced switch write after the hook";
  RunCut(kIngest, "between file ingestion and the switch write",
         [](PowerLossStore& s) {
           s.set_before_switch([&s] { s.fs().CutNow(); });
         });
  RunCut(kIngest,
         absl::StrCat("right after the switch write's sync (op ", switch_sync,
                      ")"),
         AfterOp(switch_sync));
  Sweep(kIngest);
}

TEST_F(PowerLossTest, DeltaIngest) { Sweep(kDelta); }

// A second cut while the store recovers from the first.
TEST_F(PowerLossTest, DuringRecovery) {
  const auto first_cut = [](PowerLossStore& store, Ledger& ledger) {
    EXPECT_TRUE(store.Open().ok());
    Appends(store, ledger, "before", 4);
    store.fs().CutAfter(
        [](const FsOp& op) {
          return op.file == FileKind::kWal && op.kind == OpKind::kAppend;
        },
        2);
    Appends(store, ledger, "cut", 4);
    store.fs().CutNow();
    store.Close();
    EXPECT_TRUE(store.fs().Reboot().ok());
  };
  int64_t recovery_ops = 0;
  {
    PowerLossStore store(Dir());
    Ledger ledger;
    first_cut(store, ledger);
    ASSERT_TRUE(store.Open().ok());
    recovery_ops = store.fs().ops();
  }
  ASSERT_GT(recovery_ops, 0);
  for (int64_t n : Spread(recovery_ops, SweepLimit())) {
    SCOPED_TRACE(absl::StrCat("recovery op ", n));
    PowerLossStore store(Dir());
    Ledger ledger;
    const bool failed_before = HasFailure();
    first_cut(store, ledger);
    ASSERT_EQ(HasFailure(), failed_before) << "the first cut failed";
    store.fs().CutAfter([](const FsOp&) { return true; }, static_cast<int>(n));
    absl::Status opened = store.Open();  // may fail: the power went
    // The dry run's count includes the open's background work (obsolete
    // files deleted): calls keep the store busy until the cut.
    if (opened.ok()) Appends(store, ledger, "after-recovery", 3);
    const std::optional<FsOp> op = store.fs().cut_op();
    std::printf(
        "[ cut      ] recovery, op %ld/%ld: %s (open: %s)\n",
        static_cast<long>(n), static_cast<long>(recovery_ops),
        op.has_value() ? ("after " + op->Describe()).c_str() : "NOT REACHED",
        opened.ok() ? "ok" : "failed");
    EXPECT_TRUE(op.has_value());
    store.Close();
    ASSERT_TRUE(store.fs().Reboot().ok());
    opened = store.Open();
    ASSERT_TRUE(opened.ok()) << "the store does not open after a cut during "
                                "recovery: "
                             << opened;
    store.CheckAcknowledged(ledger);
    store.CheckNoReuse(ledger);
    ++cuts_;
  }
}

}  // namespace
}  // namespace hedui::faults
