#ifndef HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_
#define HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_

// The effect of one department file on the rolls before it is switched in
// (domain.md §10 "Feed impact preview", §10.1 "Preview and hold"): every
// active entry the switch would re-verify, evaluated as of today twice by
// the verification path itself (server/service/verifier.h), once on the
// current data and once on the same data with the file applied, so that the
// difference is the file's alone (data going stale meanwhile cancels out).
//
// Which entries the switch would touch follows the re-verification runner
// (reverification_runner.cc, EntriesTouchedBy): the persons of active
// entries whose rows of the department differ between the current
// generation and the file (a delta: the rows that really change), the
// 户号 registers that change (registration), and the entries whose latest
// report found the department missing or stale.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/admin.pb.h"
#include "server/service/policy_holder.h"
#include "server/service/verifier.h"
#include "storage/record_batch.h"
#include "storage/rolls/roll_store.h"
#include "storage/store.h"

namespace hedui::server {

// When a switch is held (configuration `feed-hold-share`,
// `feed-hold-min-entries`): in some roll the file changes more than `share`
// of the entries' verdicts and at least `min_entries` of them.
struct FeedHoldSettings {
  double share = 0.05;
  int min_entries = 3;
};

// A parsed and validated file, not yet switched.
struct StagedFeed {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  absl::CivilDay as_of;
  bool delta = false;
  std::string batch_id;
  // Sorted by (person, natural key), each key once (FeedIngestor's).
  const storage::RecordBatch* records = nullptr;
};

// Whether a roll's figures pass the hold threshold.
bool RollWouldHold(int64_t entries, int64_t verdicts_changed,
                   const FeedHoldSettings& settings);

// Adds one touched entry's two reports to its roll's figures (CompareReports'
// rules: only results count; absent vs PASS is no change).
void CountEntryImpact(const hedui::v1::Report& current,
                      const hedui::v1::Report& staged,
                      hedui::v1::RollImpact* roll);

class FeedPreviewer {
 public:
  // All must outlive it.
  FeedPreviewer(storage::Store* store, storage::RollStore* rolls,
                const PolicyHolder* policies, FeedHoldSettings settings);

  // The server's today (Asia/Shanghai when unset); tests fix it.
  void set_today(std::function<absl::CivilDay()> today) {
    today_ = std::move(today);
  }
  // Applied to each Verifier the previewer makes, so that it reads exactly
  // like the server's (heduid sets what it sets on its own).
  void set_verifier_setup(std::function<void(Verifier&)> setup) {
    verifier_setup_ = std::move(setup);
  }
  // Entries evaluated at once (each twice).
  void set_threads(int threads) { threads_ = threads < 1 ? 1 : threads; }
  const FeedHoldSettings& settings() const { return settings_; }

  // The file's effect. Reads only; the caller keeps other files of the
  // department from switching meanwhile.
  absl::StatusOr<hedui::v1::FeedImpact> Evaluate(const StagedFeed& feed) const;

 private:
  absl::CivilDay Today() const;

  storage::Store* store_;
  storage::RollStore* rolls_;
  const PolicyHolder* policies_;
  FeedHoldSettings settings_;
  std::function<absl::CivilDay()> today_;
  std::function<void(Verifier&)> verifier_setup_;
  int threads_ = 2;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_FEED_PREVIEW_H_
