#ifndef HEDUI_STORAGE_RETENTION_H_
#define HEDUI_STORAGE_RETENTION_H_

// Retention (issue 9: personal data must not live forever). A purge deletes
// the reports verified before the report cutoff, with their index entries,
// the change events and request ids of that age, the roll entries that
// ended before that cutoff (domain.md §10) with every key naming them,
// drops the audit person-index keys of entries written before that cutoff
// (the personal link of an old entry expires with the report), and deletes
// retired department snapshots retired before the snapshot cutoff. Audit
// entries are never deleted: the chain stays verifiable across purges. Every
// run, dry or not, is itself audited with its counts.

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hedui/v1/retention.pb.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::storage {

struct RetentionOptions {
  // Reports whose verification date is more than this many days before
  // today (Asia/Shanghai) are deleted; 0 keeps them for ever.
  int report_retention_days = 0;
  // Retired snapshots that stopped being current more than this many days
  // ago are deleted (the store's retained_snapshots bounds their number
  // meanwhile); 0 keeps them until a load retires them. At least 1 when set:
  // a read that started before a switch must still find its snapshot.
  int retired_snapshot_retention_days = 0;
  // Keys per synced write.
  int batch_size = 1000;
};

absl::Status ValidateRetentionOptions(const RetentionOptions& options);

// Who asked, as the purge's audit entry records it.
struct PurgeCaller {
  std::string identity;  // the admin's, or kScheduledPurgeCaller
  std::string method;    // full gRPC method, or kScheduledPurgeMethod
};
inline constexpr char kScheduledPurgeCaller[] = "(scheduled)";
inline constexpr char kScheduledPurgeMethod[] = "internal/purge";

// What a run deleted that PurgeResponse has no field for (-1: not run,
// report retention off).
struct PurgeTally {
  int64_t events = -1;
  int64_t request_ids = -1;
  int64_t roll_entries = -1;  // ended roll entries
};

// Thread-safe: runs are serialized.
class Purger {
 public:
  // The store and the log must outlive the purger.
  Purger(Store* store, ServiceLog* log, RetentionOptions options);

  // Purges what has expired at `now` and appends the run's audit entry (its
  // outcome text has the counts and cutoffs; a failed run is audited with
  // its code and what was deleted before it failed). Returns when the entry
  // is durable.
  absl::StatusOr<hedui::v1::PurgeResponse> Run(const PurgeCaller& caller,
                                               bool dry_run,
                                               absl::Time now = absl::Now());
  // As above, also telling what the response cannot hold (for the log
  // line), when the run succeeds.
  absl::StatusOr<hedui::v1::PurgeResponse> Run(const PurgeCaller& caller,
                                               bool dry_run, absl::Time now,
                                               PurgeTally* tally);

  const RetentionOptions& options() const { return options_; }

 private:
  absl::Status Purge(bool dry_run, absl::Time now,
                     hedui::v1::PurgeResponse* response, PurgeTally* tally)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* const store_;
  ServiceLog* const log_;
  const RetentionOptions options_;
  absl::Mutex mu_;
};

// The audit outcome of a run: "purged 12 reports verified before
// 2025-11-01, 40 person-index keys, 3 change events, 1 retired snapshot
// retired before 2026-10-02 08:00:00". What PurgeResponse does not count
// is named when the tally's count is not negative: change events, the
// request ids forgotten (kept as long as the reports they answered) and the
// roll entries that ended before the cutoff.
std::string DescribePurge(const hedui::v1::PurgeResponse& response,
                          const PurgeTally& tally = {});

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_RETENTION_H_
