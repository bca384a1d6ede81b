#ifndef HEDUI_SERVER_SERVICE_REVERIFICATION_RUNNER_H_
#define HEDUI_SERVER_SERVICE_REVERIFICATION_RUNNER_H_

// Keeps the rolls under review (domain.md §10): turns each acknowledged
// department file (storage/switch_log.h) into a durable re-verification job
// over the roll entries it touches, runs jobs in the background, and
// re-verifies one entry or a whole roll on request.
//
// Durability and exactly-once: the pending switch records become a job in
// one synced write that also deletes them; each batch of entries is written
// (reports, audit entries, events, the entries' new state and the job's
// cursor) in one synced write; the job is deleted after its last batch. A
// server killed at any point resumes the job after its cursor: no entry is
// skipped or re-verified twice, and the events are those of an
// uninterrupted run (numbers and report ids aside).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hedui/store/v1/meta.pb.h"
#include "hedui/v1/change_service.pb.h"
#include "server/metrics/metric_registry.h"
#include "server/service/reverifier.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::server {

struct ReverificationRunnerOptions {
  // Entries written per synced write.
  int batch_size = 64;
  // Threads evaluating a batch's entries (the write is one).
  int threads = 2;
  // A job's next batch is evaluated while the current one is written.
  bool overlap = true;
  // How often pending switch records are looked for when nobody wakes the
  // runner.
  absl::Duration poll = absl::Milliseconds(500);
  // The server's today (Asia/Shanghai when empty); tests fix it.
  std::function<absl::CivilDay()> today;
  // TEST ONLY: called at the points a crash test kills the server, with
  // the entries done so far: "job recorded" (0); per batch of a job,
  // "batch evaluated" (before its synced write), "batch appended" (after
  // it, before the entries' report ids are copied) and "batch written",
  // each with the count including that batch.
  std::function<void(const char* point, int64_t done)> test_hook;
};

// What a single re-verification on request answered.
struct SingleReverification {
  std::string report_id;  // empty: the consent had expired
  uint64_t event_number = 0;
  bool consent_expired = false;
};

class ReverificationRunner {
 public:
  // All must outlive the runner.
  ReverificationRunner(storage::Store* store, storage::ServiceLog* log,
                       storage::RollStore* rolls, const Reverifier* reverifier,
                       ReverificationRunnerOptions options);
  ~ReverificationRunner();

  // Starts the background thread: unfinished jobs first (after a restart),
  // then new switches as they come.
  void Start();
  // Waits for the current batch to be written, then stops.
  void Stop();
  // A department file was acknowledged: look for switch records now.
  void Wake();
  // A job prepared by PrepareJob is durable: wakes the thread (and passes
  // the crash test's "job recorded" point).
  void JobRecorded();

  // Re-verifies one active entry now, synchronously (Reverify with an
  // entry id). NOT_FOUND / FAILED_PRECONDITION for an entry that is not
  // active.
  absl::StatusOr<SingleReverification> ReverifyNow(
      const std::string& entry_id, hedui::v1::ChangeEvent::Trigger trigger);

  // Records a durable job over these entries (sorted here) and wakes the
  // thread; returns the job's id.
  absl::StatusOr<uint64_t> QueueJob(hedui::v1::ChangeEvent::Trigger trigger,
                                    std::vector<std::string> entry_ids,
                                    const std::string& caller);

  // A job as writes for the caller's own synced batch, so that the call
  // that asks for it (Reverify, AttachConsent) records the job, its request
  // id and its audit entry together: a retry after a crash finds the job
  // already asked for. JobRecorded() once the batch is durable.
  struct JobWrites {
    uint64_t id = 0;
    std::vector<storage::StoreWrite> writes;
  };
  absl::StatusOr<JobWrites> PrepareJob(hedui::v1::ChangeEvent::Trigger trigger,
                                       std::vector<std::string> entry_ids,
                                       const std::string& caller);

  // Entries waiting in recorded jobs, and switch records not yet taken up
  // (metrics: the backlog and whether it drains).
  int64_t BacklogEntries() const;
  int64_t PendingSwitchRecords() const;
  // Seconds since the oldest unfinished job or pending switch was
  // acknowledged; 0 when idle.
  double LagSeconds() const;
  // Entries re-verified and events made since the server started.
  int64_t EntriesDone() const;

  // TEST ONLY: blocks until no job and no switch record is left (or the
  // timeout passes); true when idle.
  bool WaitIdle(absl::Duration timeout);

 private:
  void Loop();
  absl::CivilDay Today() const;
  // The switch records pending now, as one FEED job (one pass for a day's
  // files), written with their deletion. False when there were none, or
  // while a joint switch (ConfirmHeldFeeds) is unfinished: its files make
  // one job once all of them are switched.
  absl::StatusOr<bool> TakeUpSwitches();
  // Each touched entry, sorted, with the departments whose files touched
  // it (its persons' changed rows, its 户号 register, marriage rows, or a
  // department its latest report found missing or stale).
  using TouchedEntries = std::map<std::string, std::set<int>>;
  absl::StatusOr<TouchedEntries> EntriesTouchedBy(
      const std::vector<hedui::store::v1::SwitchRecord>& switches);
  absl::Status RunJob(const hedui::store::v1::ReverificationJob& job);
  // Prepares, then writes under the roll lock, the entries of one batch.
  // `cursor` (job id, last entry) goes in the same write when set.
  // `departments_of`: the departments an entry's event names (FEED).
  using DepartmentsOf =
      std::function<std::vector<hedui::v1::Department>(const std::string&)>;
  absl::StatusOr<std::vector<storage::Appended>> WriteBatch(
      const std::vector<std::string>& entry_ids, absl::CivilDay date,
      hedui::v1::ChangeEvent::Trigger trigger,
      const DepartmentsOf& departments_of, uint64_t job_id,
      const hedui::store::v1::ReverificationCursor* cursor,
      std::vector<PreparedReverification>* written);
  // WriteBatch's two halves: the evaluation (no lock, nothing written) and
  // the write under the roll lock, each entry checked again there.
  struct Pending {
    std::string base;  // the entry as evaluated, serialized
    PreparedReverification prepared;
  };
  absl::StatusOr<std::vector<Pending>> EvaluateBatch(
      const std::vector<std::string>& entry_ids, absl::CivilDay date,
      hedui::v1::ChangeEvent::Trigger trigger,
      const DepartmentsOf& departments_of, uint64_t job_id);
  absl::StatusOr<std::vector<storage::Appended>> CommitBatch(
      std::vector<Pending> pending, absl::CivilDay date,
      hedui::v1::ChangeEvent::Trigger trigger,
      const DepartmentsOf& departments_of, uint64_t job_id,
      const hedui::store::v1::ReverificationCursor* cursor,
      std::vector<PreparedReverification>* written);
  // The end of a FEED job of an assistance-enrollment file: the whole-roll
  // duplicate scan (server/service/duplicate_scan.h), its events and pairs
  // written with the job's deletion.
  absl::Status FinishWithDuplicateScan(
      const hedui::store::v1::ReverificationJob& job, absl::CivilDay date);
  // `touched`: per department, its entries (TouchedKey's values).
  absl::StatusOr<uint64_t> RecordJob(
      hedui::store::v1::ReverificationJob job,
      const std::vector<hedui::store::v1::SwitchRecord>& consumed,
      const std::vector<std::pair<int, std::string>>& touched);
  absl::StatusOr<std::vector<hedui::store::v1::ReverificationJob>>
  UnfinishedJobs();
  // Once a day (and at start, catching up after downtime): jobs for the
  // reviews and death re-checks due by today and for consents found
  // expired today, leaving out entries an unfinished job already holds.
  absl::Status ScheduleDue();
  void Hook(const char* point, int64_t done) const;

  storage::Store* store_;
  storage::ServiceLog* log_;
  storage::RollStore* rolls_;
  const Reverifier* reverifier_;
  const ReverificationRunnerOptions options_;
  storage::Store::ServiceTables tables_;

  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  int64_t backlog_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t pending_switches_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t oldest_unix_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t done_ ABSL_GUARDED_BY(mu_) = 0;
  // The day ScheduleDue last ran for (runner thread only).
  std::optional<absl::CivilDay> scheduled_for_;
  // Job ids are handed out from memory (the runner and Reverify calls), so
  // no lock is held while a call's batch is written; an id whose write
  // fails is skipped, never handed out twice.
  absl::StatusOr<uint64_t> AllocateJobId();
  absl::Mutex job_mu_;
  uint64_t next_job_id_ ABSL_GUARDED_BY(job_mu_) = 0;  // 0: not loaded
  std::thread thread_;
};

// Gauges read at scrape time: the re-verification backlog (entries in
// recorded jobs, files not yet taken up), its lag (seconds since the oldest
// unfinished work was acknowledged), entries re-verified since start, and
// the change events made (the highest durable event number).
void AddReverificationMetrics(metrics::Registry& registry,
                              const ReverificationRunner* runner,
                              const storage::ServiceLog* log);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_REVERIFICATION_RUNNER_H_
