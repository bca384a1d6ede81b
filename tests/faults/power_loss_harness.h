#ifndef HEDUI_TESTS_FAULTS_POWER_LOSS_HARNESS_H_
#define HEDUI_TESTS_FAULTS_POWER_LOSS_HARNESS_H_

// Test only. The real store, service log and feed ingestor over a
// PowerCutFileSystem, a ledger of what they acknowledged, and the checks
// made after the power comes back. The ledger is filled from the answers the
// workload got, never read back from the store.

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/report.pb.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/store.h"
#include "tests/faults/power_cut_fs.h"

namespace hedui::faults {

// The TAX feed used throughout: persons 0..kFeedPersons-1.
inline constexpr int kFeedPersons = 6;
std::string FeedPersonId(int n);

struct Ledger {
  struct Audit {
    std::string purpose;    // unique per call
    std::string report_id;  // empty without a report
  };
  // One TAX batch as sent: a full snapshot sets every person's amount, a
  // delta only person 0's.
  struct Batch {
    std::string batch_id;
    bool delta = false;
    absl::CivilDay as_of;
    int64_t amount_fen = 0;
    bool acknowledged = false;
    uint64_t generation = 0;  // from the answer, when acknowledged
  };

  absl::Mutex mu;
  std::map<uint64_t, Audit> audits ABSL_GUARDED_BY(mu);  // by sequence
  std::map<std::string, hedui::v1::Report> reports ABSL_GUARDED_BY(mu);
  // Roll entries enrolled with a report's call (the same synced batch), by
  // entry id, with the request id that made them.
  std::map<std::string, std::string> roll_entries ABSL_GUARDED_BY(mu);
  // In the order sent; once a send fails the power is gone, so only the
  // last one can be unacknowledged.
  std::vector<Batch> batches ABSL_GUARDED_BY(mu);
};

class PowerLossStore {
 public:
  // Everything lives under `dir` (recreated empty).
  explicit PowerLossStore(std::filesystem::path dir);
  ~PowerLossStore();

  absl::Status Open();
  // The log first (it writes through the store), then the store.
  void Close();
  PowerCutFileSystem& fs() { return *env_.fs; }
  storage::Store& store() { return *store_; }
  storage::ServiceLog& log() { return *log_; }
  // Called by the store between ingesting a snapshot's files and the
  // switch (StoreOptions::before_switch_hook).
  void set_before_switch(std::function<void()> hook) {
    before_switch_ = std::move(hook);
  }
  // Calls inside ServiceLog::Append right now (for "cut while waiting").
  int appends_in_flight() const { return in_flight_.load(); }

  // One verification call's record (with a report when `with_report`, and
  // then a roll entry written in the same batch, as an enrolment writes
  // its entry with its audit entry); acknowledged ones go into the ledger.
  absl::StatusOr<storage::Appended> Append(const std::string& purpose,
                                           bool with_report, Ledger* ledger);
  // A TAX feed through the server's ingest path (FeedIngestor); the
  // generation it made current.
  absl::StatusOr<uint64_t> Ingest(const std::string& batch_id, bool delta,
                                  absl::CivilDay as_of, int64_t amount_fen,
                                  Ledger* ledger);

  // After the reboot (the store open): every acknowledged report, audit
  // entry and feed switch is there and the chain verifies. gtest failures.
  void CheckAcknowledged(Ledger& ledger);
  // Appends and ingests more: no report id, audit number or generation is
  // handed out a second time. gtest failures.
  void CheckNoReuse(Ledger& ledger);

 private:
  const std::filesystem::path dir_;
  PowerCutEnv env_;
  std::function<void()> before_switch_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::ServiceLog> log_;
  std::unique_ptr<storage::RollStore> rolls_;
  std::atomic<int> in_flight_{0};
  std::atomic<int64_t> clock_{0};
};

}  // namespace hedui::faults

#endif  // HEDUI_TESTS_FAULTS_POWER_LOSS_HARNESS_H_
