#ifndef HEDUI_STORAGE_ROLLS_ROLL_STORE_H_
#define HEDUI_STORAGE_ROLLS_ROLL_STORE_H_

// The rolls (domain.md §10): entries, their indexes, the results of roll
// calls by request id and the person index, in the store's roll families
// (format 3, storage/rolls/roll_keys.h, storage/FORMAT.md). The rules of
// enrolment live in the service (server/service/roll_service.h); this layer
// keeps the indexes in step with the entries. A roll change is written as
// StoreWrites that go into the synced WriteBatch of the call's audit entry
// (ServiceLog::Append), so a call is acknowledged only once both are
// durable, and neither is without the other.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/store/v1/rolls.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "storage/page_token.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::storage {

// What one roll call changes.
struct RollChange {
  // Entries written whole, each with the indexes its state calls for. An
  // entry this change ends goes before the entry that replaces it (they may
  // share the applicant and 户号 keys).
  std::vector<hedui::v1::RollEntry> entries;
  // Entries as they were before this change (by entry id), whose indexes
  // the change must move; absent for a new entry.
  std::vector<hedui::v1::RollEntry> previous;
  std::string caller;  // identity; the request id is scoped to it
  std::string request_id;
  hedui::store::v1::RollRequestResult result;
};

struct RollListQuery {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  // Counties listed (empty: every county).
  std::vector<std::string> regions;
  hedui::v1::ListRollRequest::StateFilter state =
      hedui::v1::ListRollRequest::ACTIVE_ONLY;
  int page_size = 50;
  std::string page_token;
};

// The persons an entry's declaration names: members, obligors and the
// spouses declared with them (the persons whose records a re-verification
// reads), sorted and de-duplicated.
std::vector<std::string> RollEntryPersons(
    const hedui::v1::VerificationRequest& request);

// The declared members an entry enrols, as the duplicate checks count them
// (domain.md §10.1): its declared members (never obligors or their
// spouses), only the covered member when the declaration asks for
// single-person coverage, less the persons its re-verifications found dead
// or moved away. Sorted and unique.
std::vector<std::string> RollEntryEnrolledMembers(
    const hedui::v1::RollEntry& entry);

// The active roll entries (any program, any county) that enrol any of
// `persons` (RollEntryEnrolledMembers), one record per person and entry, in
// the order of `persons` then entry id, read from one snapshot of the person
// index and the entries. No roll families: none.
absl::StatusOr<std::vector<hedui::store::v1::RollEnrollmentRecord>>
ActiveRollEnrollments(Store::ServiceTables tables,
                      const std::vector<std::string>& persons);

// Whether an active roll entry rests on the report: the purge keeps it
// (domain.md §10.1), whatever its age.
absl::StatusOr<bool> ReportInUse(Store::ServiceTables tables,
                                 absl::string_view report_id);

// Thread-safe. Reads run concurrently; a call that changes a roll holds mu()
// from its first read until its write is durable, so that what it checked
// still holds when it writes.
class RollStore {
 public:
  // Over the store's roll families (the store must outlive it): resumes the
  // entry numbering after the highest entry stored or purged. Page tokens
  // (ListRoll's, and ListReviewsDue's through page_tokens()) are sealed under
  // `page_token_key`: heduid passes the audit key, as ListReports' tokens
  // use, so a token outlives a restart and one made under another key is
  // refused.
  static absl::StatusOr<std::unique_ptr<RollStore>> Open(
      Store::ServiceTables tables, absl::string_view page_token_key);
  // With a page token key drawn at random: its tokens are good only while it
  // lives (tests and tools that never page across a reopen).
  static absl::StatusOr<std::unique_ptr<RollStore>> Open(
      Store::ServiceTables tables);

  absl::Mutex& mu() { return mu_; }

  // A new entry id, never given before (one whose write fails is skipped).
  absl::StatusOr<std::string> AllocateEntryId()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The writes of a change, for ServiceRecord::writes.
  std::vector<StoreWrite> Writes(const RollChange& change) const;

  absl::StatusOr<std::optional<hedui::v1::RollEntry>> Get(
      absl::string_view entry_id);
  // The active entry of a program and applicant, or of a program and 户号.
  absl::StatusOr<std::optional<hedui::v1::RollEntry>> FindActive(
      hedui::v1::Program program, absl::string_view applicant_id);
  absl::StatusOr<std::optional<hedui::v1::RollEntry>> FindActiveByHousehold(
      hedui::v1::Program program, absl::string_view household_number);
  absl::StatusOr<std::optional<hedui::store::v1::RollRequestResult>>
  FindRequest(absl::string_view caller, absl::string_view request_id);
  // Entries without their stored request, in key order (county, entry id).
  // A page stops after 10,000 index entries examined, with a token.
  // INVALID_ARGUMENT ("page_token: ...") for a page token that is not one
  // this returned, or returned for other filters (program, counties, state).
  absl::StatusOr<hedui::v1::ListRollResponse> List(const RollListQuery& query);
  // The codec of this roll's page tokens, for the listings derived from it
  // (ListReviewsDue), each under its own PageTokenKind.
  const PageTokenCodec& page_tokens() const { return page_tokens_; }
  // Ids of the active entries whose declaration names the person.
  absl::StatusOr<std::vector<std::string>> ActiveEntriesOf(
      absl::string_view person_id);

  // For the re-verification runner (server/service/reverification_runner.h):
  // every entry, active or ended, in entry id order (with its stored
  // request); the persons of active entries, sorted and unique; the 户号 of
  // every active entry with the entry's id.
  absl::Status ForEachEntry(
      const std::function<void(const hedui::v1::RollEntry&)>& visit);
  absl::StatusOr<std::vector<std::string>> ActivePersons();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ActiveHouseholds();
  // Duplicate pairs already reported (server/service/duplicate_scan.h):
  // the other entries paired with `entry_id`, and every pair (each in both
  // orders).
  absl::StatusOr<std::vector<std::string>> KnownPairsOf(
      absl::string_view entry_id);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> KnownPairs();
  // The writes that remember or forget a pair (both orders).
  std::vector<StoreWrite> PairWrites(absl::string_view a, absl::string_view b,
                                     bool known) const;

  // The write that stores an entry's new state when none of its index keys
  // moves (a re-verification's).
  StoreWrite EntryStateWrite(const hedui::v1::RollEntry& entry) const;

 private:
  static absl::StatusOr<std::unique_ptr<RollStore>> OpenWith(
      Store::ServiceTables tables, PageTokenCodec page_tokens);
  RollStore(Store::ServiceTables tables, PageTokenCodec page_tokens)
      : tables_(tables), page_tokens_(std::move(page_tokens)) {}
  absl::StatusOr<std::optional<hedui::v1::RollEntry>> GetByIndex(
      const std::string& index_key);

  const Store::ServiceTables tables_;
  const PageTokenCodec page_tokens_;
  absl::Mutex mu_;
  uint64_t next_number_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_ROLLS_ROLL_STORE_H_
