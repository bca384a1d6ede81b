#include "storage/rolls/roll_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/rocks_status.h"
#include "storage/rolls/roll_keys.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

using hedui::v1::ListRollRequest;
using hedui::v1::RollEntry;

// As ListReports: a page that matches little cannot make one call walk the
// whole roll.
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

bool Wanted(ListRollRequest::StateFilter filter, char state) {
  switch (filter) {
    case ListRollRequest::ENDED_ONLY:
      return state == kListEnded;
    case ListRollRequest::ALL:
      return true;
    default:
      return state == kListActive;
  }
}

StoreWrite Put(rocksdb::ColumnFamilyHandle* family, std::string key,
               std::string value) {
  return StoreWrite{family, std::move(key), std::move(value)};
}

StoreWrite Delete(rocksdb::ColumnFamilyHandle* family, std::string key) {
  return StoreWrite{family, std::move(key), std::nullopt};
}

}  // namespace

std::vector<std::string> RollEntryPersons(
    const hedui::v1::VerificationRequest& request) {
  std::vector<std::string> ids;
  for (const auto& member : request.members()) {
    ids.push_back(member.person_id());
  }
  for (const auto& obligor : request.obligors()) {
    ids.push_back(obligor.person_id());
    if (!obligor.spouse().person_id().empty()) {
      ids.push_back(obligor.spouse().person_id());
    }
  }
  ids.erase(std::remove(ids.begin(), ids.end(), std::string()), ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> RollEntryEnrolledMembers(const RollEntry& entry) {
  const hedui::v1::VerificationRequest& request = entry.request();
  std::vector<std::string> ids;
  for (const auto& member : request.members()) {
    if (!request.single_person_member_id().empty() &&
        member.person_id() != request.single_person_member_id()) {
      continue;
    }
    if (std::find(entry.persons_gone().begin(), entry.persons_gone().end(),
                  member.person_id()) != entry.persons_gone().end()) {
      continue;
    }
    if (!member.person_id().empty()) ids.push_back(member.person_id());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

absl::StatusOr<std::vector<hedui::store::v1::RollEnrollmentRecord>>
ActiveRollEnrollments(Store::ServiceTables tables,
                      const std::vector<std::string>& persons) {
  std::vector<hedui::store::v1::RollEnrollmentRecord> out;
  if (tables.rolls == nullptr || tables.roll_persons == nullptr ||
      persons.empty()) {
    return out;
  }
  rocksdb::ReadOptions options;
  const rocksdb::Snapshot* snapshot = tables.db->GetSnapshot();
  options.snapshot = snapshot;
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{tables.db, snapshot};
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(options, tables.roll_persons));
  for (const std::string& person : persons) {
    if (person.empty()) continue;
    std::vector<std::string> entry_ids;
    for (it->Seek(person); it->Valid() && HasPrefix(it->key(), person);
         it->Next()) {
      if (it->key().size() != person.size() + kEntryIdBytes) continue;
      entry_ids.emplace_back(View(it->key()).substr(person.size()));
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "reading the roll person index");
    }
    for (const std::string& entry_id : entry_ids) {
      std::string value;
      rocksdb::Status s =
          tables.db->Get(options, tables.rolls, RollEntryKey(entry_id), &value);
      if (s.IsNotFound()) continue;
      if (!s.ok()) return FromRocks(s, "reading a roll entry");
      RollEntry entry;
      if (!entry.ParseFromString(value)) {
        return absl::DataLossError(
            absl::StrCat("roll entry ", entry_id, " cannot be read"));
      }
      if (entry.state() != RollEntry::ACTIVE) continue;
      const std::vector<std::string> enrolled = RollEntryEnrolledMembers(entry);
      if (!std::binary_search(enrolled.begin(), enrolled.end(), person)) {
        continue;
      }
      hedui::store::v1::RollEnrollmentRecord record;
      record.set_person_id(person);
      record.set_program(entry.program());
      record.set_region_code(entry.region_code());
      record.set_entry_id(entry.entry_id());
      record.set_applicant_id(entry.applicant_id());
      record.set_household_number(entry.household_number());
      *record.mutable_approval_date() = entry.approval_date();
      out.push_back(std::move(record));
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<RollStore>> RollStore::Open(
    Store::ServiceTables tables) {
  absl::StatusOr<PageTokenCodec> page_tokens = PageTokenCodec::WithRandomKey();
  if (!page_tokens.ok()) return page_tokens.status();
  return OpenWith(tables, *std::move(page_tokens));
}

absl::StatusOr<std::unique_ptr<RollStore>> RollStore::Open(
    Store::ServiceTables tables, absl::string_view page_token_key) {
  absl::StatusOr<PageTokenCodec> page_tokens =
      PageTokenCodec::Create(page_token_key);
  if (!page_tokens.ok()) return page_tokens.status();
  return OpenWith(tables, *std::move(page_tokens));
}

absl::StatusOr<std::unique_ptr<RollStore>> RollStore::OpenWith(
    Store::ServiceTables tables, PageTokenCodec page_tokens) {
  if (tables.rolls == nullptr || tables.roll_requests == nullptr ||
      tables.roll_persons == nullptr) {
    return absl::FailedPreconditionError("the store has no roll families");
  }
  std::unique_ptr<RollStore> store(
      new RollStore(tables, std::move(page_tokens)));
  uint64_t highest = 0;
  std::string floor;
  rocksdb::Status s = tables.db->Get(rocksdb::ReadOptions(), tables.rolls,
                                     RollNumberFloorKey(), &floor);
  if (s.ok() && floor.size() == 8) {
    highest = ReadBigEndian64(floor);
  } else if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, "reading the roll numbering");
  }
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(rocksdb::ReadOptions(), tables.rolls));
  // The last 'e' key: seek past the entry space and step back.
  it->SeekForPrev(std::string(1, kRollEntryTag) + "\xff");
  if (it->Valid() && it->key().size() == 1 + kEntryIdBytes &&
      it->key()[0] == kRollEntryTag) {
    if (auto number = ParseEntryId(View(it->key()).substr(1))) {
      highest = std::max(highest, *number);
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll numbering");
  }
  absl::MutexLock lock(&store->mu_);
  store->next_number_ = highest + 1;
  return store;
}

absl::StatusOr<std::string> RollStore::AllocateEntryId() {
  constexpr uint64_t kMaxEntryNumber = 999'999'999'999ull;
  if (next_number_ > kMaxEntryNumber) {
    return absl::ResourceExhaustedError("roll entry ids are exhausted");
  }
  return FormatEntryId(next_number_++);
}

std::vector<StoreWrite> RollStore::Writes(const RollChange& change) const {
  std::vector<StoreWrite> writes;
  // Index keys of the previous states first: a later write of the same key
  // in the batch wins, so an entry that takes another's applicant or 户号
  // keeps them.
  for (const RollEntry& old : change.previous) {
    if (old.state() != RollEntry::ACTIVE) continue;
    writes.push_back(Delete(tables_.rolls,
                            RollActiveKey(old.program(), old.applicant_id())));
    writes.push_back(
        Delete(tables_.rolls, RollReportKey(old.report_id(), old.entry_id())));
    if (!old.household_number().empty()) {
      writes.push_back(
          Delete(tables_.rolls,
                 RollHouseholdKey(old.program(), old.household_number())));
    }
    for (const std::string& person : RollEntryPersons(old.request())) {
      writes.push_back(
          Delete(tables_.roll_persons, RollPersonKey(person, old.entry_id())));
    }
  }
  for (const RollEntry& entry : change.entries) {
    writes.push_back(Put(tables_.rolls, RollEntryKey(entry.entry_id()),
                         entry.SerializeAsString()));
    const bool active = entry.state() == RollEntry::ACTIVE;
    writes.push_back(
        Put(tables_.rolls,
            RollListKey(entry.program(), entry.region_code(), entry.entry_id()),
            std::string(1, active ? kListActive : kListEnded)));
    if (active) {
      writes.push_back(Put(tables_.rolls,
                           RollActiveKey(entry.program(), entry.applicant_id()),
                           entry.entry_id()));
      writes.push_back(Put(tables_.rolls,
                           RollReportKey(entry.report_id(), entry.entry_id()),
                           ""));
      if (!entry.household_number().empty()) {
        writes.push_back(
            Put(tables_.rolls,
                RollHouseholdKey(entry.program(), entry.household_number()),
                entry.entry_id()));
      }
      for (const std::string& person : RollEntryPersons(entry.request())) {
        writes.push_back(Put(tables_.roll_persons,
                             RollPersonKey(person, entry.entry_id()), ""));
      }
    } else {
      writes.push_back(Put(
          tables_.rolls,
          RollEndedKey(DateNumber(entry.ended_on()), entry.entry_id()), ""));
    }
  }
  if (!change.request_id.empty()) {
    writes.push_back(Put(tables_.roll_requests,
                         RollRequestKey(change.caller, change.request_id),
                         change.result.SerializeAsString()));
  }
  return writes;
}

absl::StatusOr<std::optional<RollEntry>> RollStore::Get(
    absl::string_view entry_id) {
  std::string value;
  rocksdb::Status s = tables_.db->Get(rocksdb::ReadOptions(), tables_.rolls,
                                      RollEntryKey(entry_id), &value);
  if (s.IsNotFound()) return std::optional<RollEntry>();
  if (!s.ok()) return FromRocks(s, "reading a roll entry");
  RollEntry entry;
  if (!entry.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("roll entry ", entry_id, " cannot be read"));
  }
  return std::optional<RollEntry>(std::move(entry));
}

absl::StatusOr<std::optional<RollEntry>> RollStore::GetByIndex(
    const std::string& index_key) {
  std::string entry_id;
  rocksdb::Status s = tables_.db->Get(rocksdb::ReadOptions(), tables_.rolls,
                                      index_key, &entry_id);
  if (s.IsNotFound()) return std::optional<RollEntry>();
  if (!s.ok()) return FromRocks(s, "reading a roll index");
  absl::StatusOr<std::optional<RollEntry>> entry = Get(entry_id);
  if (entry.ok() && !entry->has_value()) {
    return absl::DataLossError(absl::StrCat("a roll index names entry ",
                                            entry_id,
                                            ", which the store does not hold"));
  }
  return entry;
}

absl::StatusOr<std::optional<RollEntry>> RollStore::FindActive(
    hedui::v1::Program program, absl::string_view applicant_id) {
  return GetByIndex(RollActiveKey(program, applicant_id));
}

absl::StatusOr<std::optional<RollEntry>> RollStore::FindActiveByHousehold(
    hedui::v1::Program program, absl::string_view household_number) {
  return GetByIndex(RollHouseholdKey(program, household_number));
}

absl::StatusOr<std::optional<hedui::store::v1::RollRequestResult>>
RollStore::FindRequest(absl::string_view caller, absl::string_view request_id) {
  using Result = hedui::store::v1::RollRequestResult;
  std::string value;
  rocksdb::Status s =
      tables_.db->Get(rocksdb::ReadOptions(), tables_.roll_requests,
                      RollRequestKey(caller, request_id), &value);
  if (s.IsNotFound()) return std::optional<Result>();
  if (!s.ok()) return FromRocks(s, "reading a roll request");
  Result result;
  if (!result.ParseFromString(value)) {
    return absl::DataLossError("a stored roll request cannot be read");
  }
  return std::optional<Result>(std::move(result));
}

namespace {

// A page token (storage/page_token.h) seals the last key listed (county and
// entry id) under the filters that listed it, so a token brought to another
// query is refused instead of silently listing from the wrong place. The
// counties as a set: their order changes nothing listed.
std::string TokenFilters(const RollListQuery& query) {
  std::string filters;
  AppendTokenFilter(&filters, absl::StrCat(static_cast<int>(query.program)));
  AppendTokenFilter(&filters, absl::StrCat(static_cast<int>(query.state)));
  std::vector<std::string> regions = query.regions;
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  for (const std::string& region : regions) AppendTokenFilter(&filters, region);
  return filters;
}

bool AllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

absl::StatusOr<hedui::v1::ListRollResponse> RollStore::List(
    const RollListQuery& query) {
  const std::string prefix = RollListPrefix(query.program);
  const size_t suffix_bytes = kRegionBytes + kEntryIdBytes;
  // One county: its own range of the program's roll.
  const std::string scanned =
      query.regions.size() == 1 && query.regions[0].size() == kRegionBytes
          ? prefix + query.regions[0]
          : prefix;
  std::string start = scanned;
  const std::string filters = TokenFilters(query);
  if (!query.page_token.empty()) {
    absl::StatusOr<std::string> last_key =
        page_tokens_.Open(PageTokenKind::kRoll, query.page_token, filters,
                          "program, counties or state");
    if (!last_key.ok()) return last_key.status();
    // Sealed by this store, so only a fault of its own makes it malformed.
    if (last_key->size() != suffix_bytes ||
        !AllDigits(absl::string_view(*last_key).substr(0, kRegionBytes)) ||
        !ParseEntryId(absl::string_view(*last_key).substr(kRegionBytes))) {
      return PageTokenCodec::NotAToken();
    }
    // Just past the token's key.
    start = std::max(
        scanned, absl::StrCat(prefix, *last_key, absl::string_view("\0", 1)));
  }
  const int page_size = query.page_size <= 0
                            ? kDefaultPageSize
                            : std::min(query.page_size, kMaxPageSize);
  rocksdb::ReadOptions options;
  const rocksdb::Snapshot* snapshot = tables_.db->GetSnapshot();
  options.snapshot = snapshot;
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{tables_.db, snapshot};

  hedui::v1::ListRollResponse response;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(options, tables_.rolls));
  int examined = 0;
  std::string last;
  for (it->Seek(start); it->Valid() && HasPrefix(it->key(), scanned);
       it->Next()) {
    const absl::string_view key = View(it->key());
    if (key.size() != prefix.size() + suffix_bytes) continue;
    const absl::string_view suffix = key.substr(prefix.size());
    if (response.entries_size() == page_size || examined == kScanBudget) {
      response.set_next_page_token(
          page_tokens_.Seal(PageTokenKind::kRoll, last, filters));
      break;
    }
    ++examined;
    last = std::string(suffix);
    const absl::string_view region = suffix.substr(0, kRegionBytes);
    if (!query.regions.empty() &&
        std::find(query.regions.begin(), query.regions.end(), region) ==
            query.regions.end()) {
      continue;
    }
    if (it->value().size() != 1 || !Wanted(query.state, it->value()[0])) {
      continue;
    }
    std::string value;
    rocksdb::Status s =
        tables_.db->Get(options, tables_.rolls,
                        RollEntryKey(suffix.substr(kRegionBytes)), &value);
    if (!s.ok()) return FromRocks(s, "reading a roll entry");
    RollEntry* entry = response.add_entries();
    if (!entry->ParseFromString(value)) {
      return absl::DataLossError("a roll entry cannot be read");
    }
    entry->clear_request();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing a roll");
  return response;
}

absl::StatusOr<std::vector<std::string>> RollStore::ActiveEntriesOf(
    absl::string_view person_id) {
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.roll_persons));
  const std::string prefix(person_id);
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    if (it->key().size() != prefix.size() + kEntryIdBytes) continue;
    ids.emplace_back(View(it->key()).substr(prefix.size()));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll person index");
  }
  return ids;
}

absl::Status RollStore::ForEachEntry(
    const std::function<void(const RollEntry&)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.rolls));
  const std::string prefix(1, kRollEntryTag);
  RollEntry entry;
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    if (!entry.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a roll entry does not parse");
    }
    visit(entry);
  }
  return FromRocks(it->status(), "reading the roll entries");
}

absl::StatusOr<std::vector<std::string>> RollStore::ActivePersons() {
  std::vector<std::string> persons;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.roll_persons));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key = View(it->key());
    if (key.size() <= kEntryIdBytes) continue;
    const absl::string_view person = key.substr(0, key.size() - kEntryIdBytes);
    if (persons.empty() || persons.back() != person) {
      persons.emplace_back(person);
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll person index");
  }
  return persons;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
RollStore::ActiveHouseholds() {
  std::vector<std::pair<std::string, std::string>> households;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.rolls));
  const std::string prefix(1, kRollHouseholdTag);
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    const absl::string_view key = View(it->key());
    if (key.size() < 3) continue;
    households.emplace_back(std::string(key.substr(2)),
                            std::string(View(it->value())));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll household index");
  }
  return households;
}

absl::StatusOr<std::vector<std::string>> RollStore::KnownPairsOf(
    absl::string_view entry_id) {
  std::vector<std::string> others;
  const std::string prefix = RollPairPrefix(entry_id);
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.rolls));
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    if (it->key().size() != prefix.size() + kEntryIdBytes) continue;
    others.emplace_back(View(it->key()).substr(prefix.size()));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the duplicate pairs");
  }
  return others;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
RollStore::KnownPairs() {
  std::vector<std::pair<std::string, std::string>> pairs;
  const std::string prefix(1, kRollPairTag);
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.rolls));
  for (it->Seek(prefix); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    if (it->key().size() != 1 + 2 * kEntryIdBytes) continue;
    const absl::string_view key = View(it->key());
    pairs.emplace_back(std::string(key.substr(1, kEntryIdBytes)),
                       std::string(key.substr(1 + kEntryIdBytes)));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the duplicate pairs");
  }
  return pairs;
}

std::vector<StoreWrite> RollStore::PairWrites(absl::string_view a,
                                              absl::string_view b,
                                              bool known) const {
  std::vector<StoreWrite> writes;
  for (const auto& [first, second] : {std::pair(a, b), std::pair(b, a)}) {
    writes.push_back(known ? Put(tables_.rolls, RollPairKey(first, second), "")
                           : Delete(tables_.rolls, RollPairKey(first, second)));
  }
  return writes;
}

StoreWrite RollStore::EntryStateWrite(const RollEntry& entry) const {
  return StoreWrite{tables_.rolls, RollEntryKey(entry.entry_id()),
                    entry.SerializeAsString()};
}

absl::StatusOr<bool> ReportInUse(Store::ServiceTables tables,
                                 absl::string_view report_id) {
  if (tables.rolls == nullptr) return false;
  const std::string prefix = RollReportPrefix(report_id);
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(rocksdb::ReadOptions(), tables.rolls));
  it->Seek(prefix);
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll report index");
  }
  return it->Valid() && HasPrefix(it->key(), prefix);
}

}  // namespace hedui::storage
