#include "storage/events/event_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rocksdb/db.h"
#include "storage/events/event_keys.h"
#include "storage/rocks_status.h"
#include "storage/rolls/roll_keys.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

using hedui::v1::ChangeEvent;

// As ListReports and ListRoll: a page that matches little cannot make one
// call walk every event.
constexpr int kScanBudget = 10'000;
constexpr int kMaxPageSize = 500;
constexpr int kDefaultPageSize = 50;

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

bool HasPrefix(const rocksdb::Slice& key, absl::string_view prefix) {
  return key.size() >= prefix.size() &&
         absl::string_view(key.data(), prefix.size()) == prefix;
}

bool Contains(const std::vector<std::string>& set, absl::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

// One snapshot for an index and the events it names.
class Snapshot {
 public:
  explicit Snapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~Snapshot() { db_->ReleaseSnapshot(snapshot_); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  rocksdb::ReadOptions& options() { return options_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

// A page token (storage/page_token.h) seals the last event examined under
// the filters that listed it (program, counties as a set, entry and
// unresolved_only), so a token brought to another query is refused instead
// of silently listing from the wrong place. `after` is not among them: the
// listing goes on from the later of the two.
std::string TokenFilters(const EventQuery& query) {
  std::string filters;
  AppendTokenFilter(&filters, absl::StrCat(static_cast<int>(query.program)));
  AppendTokenFilter(&filters, query.entry_id);
  AppendTokenFilter(&filters, query.unresolved_only ? "1" : "0");
  std::vector<std::string> regions = query.regions;
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  for (const std::string& region : regions) AppendTokenFilter(&filters, region);
  return filters;
}

bool Wanted(const EventQuery& query, const ChangeEvent& event) {
  return (query.program == hedui::v1::PROGRAM_UNSPECIFIED ||
          event.program() == query.program) &&
         (query.regions.empty() ||
          Contains(query.regions, event.region_code())) &&
         (query.entry_id.empty() || event.entry_id() == query.entry_id) &&
         (!query.unresolved_only || !event.has_resolution()) &&
         (!query.visible ||
          query.visible(event.program(), event.region_code()));
}

}  // namespace

std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request) {
  std::string bytes(method);
  bytes.push_back('\0');
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(
    Store::ServiceTables tables) {
  absl::StatusOr<PageTokenCodec> page_tokens = PageTokenCodec::WithRandomKey();
  if (!page_tokens.ok()) return page_tokens.status();
  return OpenWith(tables, *std::move(page_tokens));
}

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(
    Store::ServiceTables tables, absl::string_view page_token_key) {
  absl::StatusOr<PageTokenCodec> page_tokens =
      PageTokenCodec::Create(page_token_key);
  if (!page_tokens.ok()) return page_tokens.status();
  return OpenWith(tables, *std::move(page_tokens));
}

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::OpenWith(
    Store::ServiceTables tables, PageTokenCodec page_tokens) {
  if (tables.db == nullptr || tables.events == nullptr) {
    return absl::FailedPreconditionError("the store has no events family");
  }
  return std::unique_ptr<EventStore>(
      new EventStore(tables, std::move(page_tokens)));
}

absl::StatusOr<std::optional<ChangeEvent>> EventStore::Get(uint64_t number,
                                                           uint64_t through) {
  if (number == 0 || number > through) return std::optional<ChangeEvent>();
  std::string value;
  rocksdb::Status s = tables_.db->Get(rocksdb::ReadOptions(), tables_.events,
                                      EventKey(number), &value);
  if (s.IsNotFound()) return std::optional<ChangeEvent>();
  if (!s.ok()) return FromRocks(s, "reading a change event");
  ChangeEvent event;
  if (!event.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("change event ", number, " cannot be read"));
  }
  return std::optional<ChangeEvent>(std::move(event));
}

absl::StatusOr<EventPage> EventStore::List(const EventQuery& query) {
  const std::string filters = TokenFilters(query);
  uint64_t start = query.after;
  if (!query.page_token.empty()) {
    absl::StatusOr<std::string> last =
        page_tokens_.Open(PageTokenKind::kEvents, query.page_token, filters,
                          "program, counties, entry or unresolved_only");
    if (!last.ok()) return last.status();
    // Sealed here, so only a fault of this store's makes it malformed.
    if (last->size() != 8 || ReadBigEndian64(*last) == 0) {
      return PageTokenCodec::NotAToken();
    }
    start = std::max(start, ReadBigEndian64(*last));
  }
  const int page_size = query.page_size <= 0
                            ? kDefaultPageSize
                            : std::min(query.page_size, kMaxPageSize);
  EventPage page;
  page.examined_through = std::max(start, query.through);
  if (start >= query.through) return page;

  // The narrowest index: one entry's, one program and county's, or every
  // event in number order.
  std::string prefix;
  bool by_event = false;
  if (!query.entry_id.empty()) {
    prefix = EventByEntryPrefix(query.entry_id);
  } else if (query.program != hedui::v1::PROGRAM_UNSPECIFIED &&
             query.regions.size() == 1 &&
             query.regions[0].size() == kEventRegionBytes) {
    prefix = EventByCountyPrefix(query.program, query.regions[0]);
  } else {
    prefix = std::string(1, kEventTag);
    by_event = true;
  }
  std::string seek = prefix;
  AppendBigEndian64(start + 1, &seek);

  Snapshot snapshot(tables_.db);
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(snapshot.options(), tables_.events));
  int examined = 0;
  uint64_t last = start;
  ChangeEvent event;
  std::string value;
  for (it->Seek(seek); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    const std::optional<uint64_t> number =
        IndexedNumber(View(it->key()), prefix.size());
    if (!number) {
      // Another key space's key sharing the prefix cannot happen: every
      // index key is its prefix and 8 bytes.
      return absl::DataLossError("an event index key is malformed");
    }
    if (*number > query.through) break;
    if (static_cast<int>(page.events.size()) == page_size ||
        examined == kScanBudget) {
      std::string position;
      AppendBigEndian64(last, &position);
      page.next_page_token =
          page_tokens_.Seal(PageTokenKind::kEvents, position, filters);
      page.examined_through = last;
      break;
    }
    ++examined;
    last = *number;
    absl::string_view raw = View(it->value());
    if (!by_event) {
      rocksdb::Status s = tables_.db->Get(snapshot.options(), tables_.events,
                                          EventKey(*number), &value);
      if (s.IsNotFound()) {
        return absl::DataLossError(absl::StrCat("change event ", *number,
                                                " is indexed but not stored"));
      }
      if (!s.ok()) return FromRocks(s, "reading a change event");
      raw = value;
    }
    if (!event.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
      return absl::DataLossError(
          absl::StrCat("change event ", *number, " cannot be read"));
    }
    if (Wanted(query, event)) page.events.push_back(event);
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "listing change events");
  }
  return page;
}

absl::StatusOr<uint64_t> EventStore::PurgedThrough() {
  std::string stored;
  rocksdb::Status s = tables_.db->Get(rocksdb::ReadOptions(), tables_.events,
                                      EventNumberFloorKey(), &stored);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading the events");
  if (stored.size() != 8) {
    return absl::DataLossError("the purged-event number floor is malformed");
  }
  return ReadBigEndian64(stored);
}

absl::StatusOr<uint64_t> EventStore::LowestKept() {
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.events));
  it->Seek(EventKey(0));
  if (!it->status().ok()) return FromRocks(it->status(), "reading the events");
  if (!it->Valid()) return 0;
  const std::optional<uint64_t> number = DecodeEventKey(View(it->key()));
  return number.value_or(0);
}

std::vector<StoreWrite> EventStore::ResolveWrites(
    const ChangeEvent& event) const {
  std::vector<StoreWrite> writes;
  writes.push_back(StoreWrite{tables_.events, EventKey(event.number()),
                              event.SerializeAsString()});
  // The stats view follows the resolution; the other index entries are
  // written as they were.
  for (auto& [key, value] : EventIndexEntries(event)) {
    writes.push_back(
        StoreWrite{tables_.events, std::move(key), std::move(value)});
  }
  return writes;
}

absl::StatusOr<hedui::v1::GetChangeStatsResponse> EventStore::Stats(
    const EventStatsQuery& query) {
  const std::string lower_key = EventByDayPrefix(query.first_day);
  const std::string upper_key =
      query.last_day == 0
          ? std::string(1, static_cast<char>(kEventByDayTag + 1))
          : EventByDayPrefix(query.last_day + 1);
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower;
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(options, tables_.events));

  struct Counts {
    int64_t events = 0, unresolved = 0, confirmed = 0, explained = 0,
            source_wrong = 0;
  };
  std::map<std::pair<int, int>, Counts> rows;  // (kind, criterion)
  hedui::v1::GetChangeStatsResponse response;
  ChangeEvent view;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!view.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a change event's day index is damaged");
    }
    if (view.number() > query.through ||
        (query.program != hedui::v1::PROGRAM_UNSPECIFIED &&
         view.program() != query.program) ||
        (!query.regions.empty() &&
         !Contains(query.regions, view.region_code())) ||
        (query.visible && !query.visible(view.program(), view.region_code()))) {
      continue;
    }
    response.set_events(response.events() + 1);
    // Each criterion it changed once; consent and duplicate events, and a
    // re-verification that changed none (a death or move), under none.
    std::set<int> criteria;
    if (view.kind() == ChangeEvent::REVERIFICATION) {
      for (const hedui::v1::CriterionChange& change : view.criteria()) {
        criteria.insert(change.criterion());
      }
    }
    if (criteria.empty())
      criteria.insert(hedui::v1::Finding::CRITERION_UNSPECIFIED);
    for (int criterion : criteria) {
      Counts& counts = rows[{view.kind(), criterion}];
      ++counts.events;
      switch (view.has_resolution()
                  ? view.resolution().outcome()
                  : hedui::v1::Resolution::OUTCOME_UNSPECIFIED) {
        case hedui::v1::Resolution::CONFIRMED:
          ++counts.confirmed;
          break;
        case hedui::v1::Resolution::EXPLAINED:
          ++counts.explained;
          break;
        case hedui::v1::Resolution::SOURCE_WRONG:
          ++counts.source_wrong;
          break;
        default:
          ++counts.unresolved;
      }
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "counting change events");
  }
  for (const auto& [key, counts] : rows) {
    hedui::v1::ChangeStatsRow* row = response.add_rows();
    row->set_kind(static_cast<ChangeEvent::Kind>(key.first));
    row->set_criterion(static_cast<hedui::v1::Finding::Criterion>(key.second));
    row->set_events(counts.events);
    row->set_unresolved(counts.unresolved);
    row->set_confirmed(counts.confirmed);
    row->set_explained(counts.explained);
    row->set_source_wrong(counts.source_wrong);
    const int64_t resolved =
        counts.confirmed + counts.explained + counts.source_wrong;
    row->set_precision(resolved == 0 ? 0.0
                                     : static_cast<double>(counts.confirmed) /
                                           static_cast<double>(resolved));
  }
  return response;
}

}  // namespace hedui::storage
