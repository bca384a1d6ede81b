#ifndef HEDUI_STORAGE_EVENTS_EVENT_STORE_H_
#define HEDUI_STORAGE_EVENTS_EVENT_STORE_H_

// Change events (domain.md §10, §10.1 "Events") in the store's `events`
// family (format 4, storage/events/event_keys.h, storage/FORMAT.md). Events
// are written by the service log (ServiceRecord::events), which numbers
// them in commit order in the synced batch of the call's audit entry and
// publishes the highest durable number (ServiceLog::HighestDurableEvent)
// after the sync. Every read here takes that number as `through`: nothing
// above it is shown, so a reader never sees an event before a lower one is
// durable. This layer reads, lists and counts events and makes the writes
// of a resolution; who may see what is the service's (a predicate).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "hedui/v1/change_service.pb.h"
#include "storage/page_token.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::storage {

// Whether the caller may see events of this program and county.
using EventVisibility =
    std::function<bool(hedui::v1::Program, absl::string_view region)>;

struct EventQuery {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;  // any
  // Counties listed (empty: every county).
  std::vector<std::string> regions;
  std::string entry_id;  // one entry's events; empty: all
  uint64_t after = 0;    // only events numbered above this
  bool unresolved_only = false;
  int page_size = 50;  // at most 500
  std::string page_token;
  // The highest durable event (ServiceLog::HighestDurableEvent): nothing
  // above it is listed.
  uint64_t through = 0;
  EventVisibility visible;  // null: every event
};

struct EventPage {
  std::vector<hedui::v1::ChangeEvent> events;
  std::string next_page_token;  // empty: nothing more up to `through`
  // Every event numbered up to this has been examined: a watch goes on
  // from here.
  uint64_t examined_through = 0;
};

struct EventStatsQuery {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;  // any
  std::vector<std::string> regions;  // empty: every county
  uint32_t first_day = 0;            // YYYYMMDD, 0: no bound
  uint32_t last_day = 0;             // YYYYMMDD, 0: no bound
  uint64_t through = 0;
  EventVisibility visible;
};

// SHA-256 of the method's name and the request as decoded, serialized
// deterministically: what a retry under the same request id must repeat
// (the RollRequestResult fingerprint, as the roll service computes it).
std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request);

// Thread-safe: reads only; a resolution's writes go through the service log.
class EventStore {
 public:
  // Over the store's events family (the store must outlive it). Page tokens
  // are sealed under `page_token_key`: heduid passes the audit key, as
  // ListReports' tokens use, so a token outlives a restart and one made
  // under another key is refused.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      Store::ServiceTables tables, absl::string_view page_token_key);
  // With a page token key drawn at random: its tokens are good only while it
  // lives (tests and tools that never page across a reopen).
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      Store::ServiceTables tables);

  // The event, nullopt for one not stored (never written, purged, or above
  // `through`).
  absl::StatusOr<std::optional<hedui::v1::ChangeEvent>> Get(uint64_t number,
                                                            uint64_t through);

  // Events in number order, filtered. A page stops after 10,000 index keys
  // examined, with a token. INVALID_ARGUMENT ("page_token: ...") for a
  // token this did not return, or returned for other filters.
  absl::StatusOr<EventPage> List(const EventQuery& query);

  // The highest number a purge deleted (0: none): a watcher resuming below
  // it missed purged events.
  absl::StatusOr<uint64_t> PurgedThrough();
  // The lowest number still stored (0: none).
  absl::StatusOr<uint64_t> LowestKept();

  // The writes that store `event` (read by Get, now with its resolution),
  // for ServiceRecord::writes: the event and its day-index stats view, in
  // the synced batch of the call's audit entry.
  std::vector<StoreWrite> ResolveWrites(
      const hedui::v1::ChangeEvent& event) const;

  // Events by kind, criterion and resolution (GetChangeStats): an event
  // counts under each criterion it changed; one that changed none, and the
  // other kinds, under CRITERION_UNSPECIFIED.
  absl::StatusOr<hedui::v1::GetChangeStatsResponse> Stats(
      const EventStatsQuery& query);

 private:
  static absl::StatusOr<std::unique_ptr<EventStore>> OpenWith(
      Store::ServiceTables tables, PageTokenCodec page_tokens);
  EventStore(Store::ServiceTables tables, PageTokenCodec page_tokens)
      : tables_(tables), page_tokens_(std::move(page_tokens)) {}

  const Store::ServiceTables tables_;
  const PageTokenCodec page_tokens_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_EVENTS_EVENT_STORE_H_
