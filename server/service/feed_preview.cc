#include "server/service/feed_preview.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "server/engine/changes/report_changes.h"
#include "server/service/reverifier.h"
#include "storage/keys.h"
#include "storage/record_codec.h"
#include "storage/rocks_status.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using hedui::store::v1::DepartmentAsOf;
using hedui::store::v1::HouseholdRegistrationRecord;
using hedui::store::v1::PersonRecords;
using hedui::store::v1::RecordSet;
using hedui::v1::RollEntry;
using Rows = std::vector<std::pair<std::string, std::string>>;

constexpr char kConsentExpired[] = "consent does not cover this verification";

// The rows under one key prefix, (rest of key, value), in key order.
absl::Status RowsUnder(rocksdb::Iterator* it, const std::string& prefix,
                       Rows* rows) {
  rows->clear();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    rows->emplace_back(it->key().ToString().substr(prefix.size()),
                       it->value().ToString());
  }
  return storage::FromRocks(it->status(), "reading for a feed preview");
}

// [first, last) of the person's rows in a sorted batch.
std::pair<size_t, size_t> RangeOf(const storage::RecordBatch& records,
                                  absl::string_view person) {
  size_t lo = 0;
  size_t hi = records.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (records[mid].person_id < person) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  size_t end = lo;
  while (end < records.size() && records[end].person_id == person) ++end;
  return {lo, end};
}

// The department's current generation and as-of, if it has data.
struct CurrentState {
  bool present = false;
  uint32_t generation = 0;
  absl::CivilDay as_of;
};

absl::StatusOr<CurrentState> LoadCurrent(storage::Store* store,
                                         hedui::v1::Department department) {
  CurrentState state;
  auto departments = store->ListDepartments();
  if (!departments.ok()) return departments.status();
  for (const auto& d : *departments) {
    if (d.department() != department || !d.has_current()) continue;
    state.present = true;
    state.generation = static_cast<uint32_t>(d.current().generation());
    auto as_of = FromProto(d.current().as_of(), "as_of");
    if (as_of.ok()) state.as_of = *as_of;
  }
  return state;
}

// The file against the current generation: what a switch would change, and
// the department's rows as they would be after it.
class Staging {
 public:
  Staging(storage::Store* store, const StagedFeed& feed, CurrentState current)
      : tables_(store->service_tables()), feed_(feed), current_(current) {}

  // A delta: the rows that really change (an upsert equal to the stored row
  // is none), as the store's ApplyDelta finds them.
  absl::Status AnalyzeDelta() {
    const storage::RecordBatch& records = *feed_.records;
    const bool registration =
        feed_.department == hedui::v1::HOUSEHOLD_REGISTRATION;
    for (size_t i = 0; i < records.size(); ++i) {
      const storage::RecordView r = records[i];
      std::string stored;
      bool exists = false;
      if (current_.present) {
        rocksdb::Status got = tables_.db->Get(
            rocksdb::ReadOptions(), tables_.records,
            storage::EncodeRecordKey(r.person_id, feed_.department,
                                     current_.generation, r.natural_key),
            &stored);
        if (!got.ok() && !got.IsNotFound()) {
          return storage::FromRocks(got, "reading a record for a preview");
        }
        exists = got.ok();
      }
      const bool same_row = exists && !r.erase && stored == r.value;
      if (!same_row && (exists || !r.erase)) {
        changed_persons_.insert(std::string(r.person_id));
      }
      if (!registration) continue;
      Move move;
      move.person = std::string(r.person_id);
      HouseholdRegistrationRecord old_record;
      if (exists && old_record.ParseFromString(stored)) {
        move.from = old_record.household_number();
        if (!same_row) changed_households_.insert(*move.from);
      }
      HouseholdRegistrationRecord new_record;
      if (!r.erase && new_record.ParseFromArray(
                          r.value.data(), static_cast<int>(r.value.size()))) {
        move.to = new_record.household_number();
        move.value = std::string(r.value);
        if (!same_row) changed_households_.insert(*move.to);
      }
      moves_.push_back(std::move(move));
    }
    return absl::OkStatus();
  }

  // A full snapshot of the registration: the file's 户号 registers.
  absl::Status IndexRegisters() {
    const storage::RecordBatch& records = *feed_.records;
    HouseholdRegistrationRecord registration;
    for (size_t i = 0; i < records.size(); ++i) {
      const storage::RecordView r = records[i];
      if (!registration.ParseFromArray(r.value.data(),
                                       static_cast<int>(r.value.size()))) {
        return absl::InvalidArgumentError(
            "a household registration record does not parse");
      }
      registers_[registration.household_number()].emplace_back(
          std::string(r.person_id), std::string(r.value));
    }
    return absl::OkStatus();
  }

  const absl::flat_hash_set<std::string>& changed_persons() const {
    return changed_persons_;
  }
  const absl::flat_hash_set<std::string>& changed_households() const {
    return changed_households_;
  }

  // A full snapshot: of `persons`, those whose rows differ between the
  // current generation (none for a first file) and the file.
  absl::StatusOr<std::vector<std::string>> PersonsChanged(
      const std::vector<std::string>& persons) const {
    std::vector<std::string> changed;
    std::unique_ptr<rocksdb::Iterator> it(NewRecordsIterator());
    Rows before;
    Rows after;
    for (const std::string& person : persons) {
      if (person.size() != storage::kPersonIdBytes) continue;
      if (absl::Status s = CurrentRows(it.get(), person, &before); !s.ok()) {
        return s;
      }
      FileRows(person, &after);
      if (before != after) changed.push_back(person);
    }
    return changed;
  }

  // A full registration snapshot: of `households`, those whose register
  // differs.
  absl::StatusOr<std::vector<std::string>> HouseholdsChanged(
      const std::vector<std::string>& households) const {
    std::vector<std::string> changed;
    std::unique_ptr<rocksdb::Iterator> it(NewHouseholdsIterator());
    Rows before;
    for (const std::string& household : households) {
      if (household.empty()) continue;
      if (absl::Status s = CurrentRegister(it.get(), household, &before);
          !s.ok()) {
        return s;
      }
      static const Rows kNone;
      auto found = registers_.find(household);
      const Rows& after = found == registers_.end() ? kNone : found->second;
      if (before != after) changed.push_back(household);
    }
    return changed;
  }

  // What a read would return were the file switched in: the department's
  // rows of each person, its as-of date and, for the registration, the
  // registers.
  absl::Status Overlay(bool with_households, RecordSet* out) const {
    std::unique_ptr<rocksdb::Iterator> it(NewRecordsIterator());
    const auto* field = PersonRecords::descriptor()->FindFieldByNumber(
        static_cast<int>(feed_.department) + 1);
    Rows rows;
    for (PersonRecords& person : *out->mutable_persons()) {
      if (field != nullptr) {
        person.GetReflection()->ClearField(&person, field);
      }
      if (absl::Status s = StagedRows(it.get(), person.person_id(), &rows);
          !s.ok()) {
        return s;
      }
      for (const auto& [key, value] : rows) {
        if (!storage::AppendRecord(feed_.department, value, &person)) {
          return absl::DataLossError(absl::StrCat(
              "a staged ", hedui::v1::Department_Name(feed_.department),
              " record does not parse"));
        }
      }
    }
    absl::CivilDay as_of = feed_.as_of;
    if (feed_.delta && current_.present && current_.as_of > as_of) {
      as_of = current_.as_of;
    }
    DepartmentAsOf* dept = nullptr;
    for (DepartmentAsOf& d : *out->mutable_departments()) {
      if (d.department() == feed_.department) dept = &d;
    }
    if (dept == nullptr) {
      dept = out->add_departments();
      dept->set_department(feed_.department);
    }
    *dept->mutable_as_of() = ToProto(as_of);
    // Not a stored generation: nothing may read it back.
    dept->set_generation(0);
    if (with_households &&
        feed_.department == hedui::v1::HOUSEHOLD_REGISTRATION) {
      return StagedRegisters(out);
    }
    return absl::OkStatus();
  }

 private:
  struct Move {
    std::string person;
    std::optional<std::string> from;  // its household before, if any
    std::optional<std::string> to;    // after, unless deleted
    std::string value;
  };

  rocksdb::Iterator* NewRecordsIterator() const {
    rocksdb::ReadOptions read;
    read.prefix_same_as_start = true;
    return tables_.db->NewIterator(read, tables_.records);
  }
  rocksdb::Iterator* NewHouseholdsIterator() const {
    rocksdb::ReadOptions read;
    read.total_order_seek = true;
    return tables_.db->NewIterator(read, tables_.households);
  }

  absl::Status CurrentRows(rocksdb::Iterator* it, const std::string& person,
                           Rows* rows) const {
    rows->clear();
    if (!current_.present) return absl::OkStatus();
    return RowsUnder(it,
                     storage::EncodeRecordKey(person, feed_.department,
                                              current_.generation, ""),
                     rows);
  }

  void FileRows(const std::string& person, Rows* rows) const {
    rows->clear();
    const storage::RecordBatch& records = *feed_.records;
    auto [first, last] = RangeOf(records, person);
    for (size_t i = first; i < last; ++i) {
      if (records[i].erase) continue;
      rows->emplace_back(std::string(records[i].natural_key),
                         std::string(records[i].value));
    }
  }

  absl::Status StagedRows(rocksdb::Iterator* it, const std::string& person,
                          Rows* rows) const {
    if (!feed_.delta) {
      FileRows(person, rows);
      return absl::OkStatus();
    }
    if (absl::Status s = CurrentRows(it, person, rows); !s.ok()) return s;
    const storage::RecordBatch& records = *feed_.records;
    auto [first, last] = RangeOf(records, person);
    if (first == last) return absl::OkStatus();
    std::map<std::string, std::string> merged(rows->begin(), rows->end());
    for (size_t i = first; i < last; ++i) {
      const std::string key(records[i].natural_key);
      if (records[i].erase) {
        merged.erase(key);
      } else {
        merged[key] = std::string(records[i].value);
      }
    }
    rows->assign(merged.begin(), merged.end());
    return absl::OkStatus();
  }

  absl::Status CurrentRegister(rocksdb::Iterator* it,
                               const std::string& household, Rows* rows) const {
    rows->clear();
    if (!current_.present) return absl::OkStatus();
    return RowsUnder(
        it, storage::EncodeHouseholdKey(household, current_.generation, ""),
        rows);
  }

  // The registers of every 户号 the persons are registered under, in the
  // order the store reads them (first appearance).
  absl::Status StagedRegisters(RecordSet* out) const {
    out->clear_household_registers();
    std::vector<std::string> numbers;
    for (const PersonRecords& person : out->persons()) {
      for (const auto& registration : person.household_registration()) {
        const std::string& number = registration.household_number();
        if (std::find(numbers.begin(), numbers.end(), number) ==
            numbers.end()) {
          numbers.push_back(number);
        }
      }
    }
    std::unique_ptr<rocksdb::Iterator> it(NewHouseholdsIterator());
    Rows rows;
    for (const std::string& number : numbers) {
      auto* household = out->add_household_registers();
      household->set_household_number(number);
      if (!feed_.delta) {
        auto found = registers_.find(number);
        if (found != registers_.end())
          rows = found->second;
        else
          rows.clear();
      } else {
        if (absl::Status s = CurrentRegister(it.get(), number, &rows);
            !s.ok()) {
          return s;
        }
        std::map<std::string, std::string> members(rows.begin(), rows.end());
        for (const Move& move : moves_) {
          if (move.from == number) members.erase(move.person);
          if (move.to == number) members[move.person] = move.value;
        }
        rows.assign(members.begin(), members.end());
      }
      for (const auto& [person, value] : rows) {
        if (!household->add_members()->ParseFromString(value)) {
          return absl::DataLossError("a staged registration does not parse");
        }
      }
    }
    return absl::OkStatus();
  }

  storage::Store::ServiceTables tables_;
  const StagedFeed& feed_;
  const CurrentState current_;
  absl::flat_hash_set<std::string> changed_persons_;
  absl::flat_hash_set<std::string> changed_households_;
  std::vector<Move> moves_;
  // Full registration snapshot: 户号 → (person, row), by person.
  absl::flat_hash_map<std::string, Rows> registers_;
};

// The store as the verifier would read it after the switch: every read of
// current data goes through the real store, then the file is laid over it.
// Nothing is written through it.
class StagedStore final : public storage::Store {
 public:
  StagedStore(storage::Store* inner, const Staging* staging)
      : inner_(inner), staging_(staging) {}

  absl::StatusOr<storage::ApplyResult> ApplyFullSnapshot(
      const storage::BatchHeader&, const storage::RecordBatch&) override {
    return absl::InternalError("a preview writes nothing");
  }
  absl::StatusOr<storage::ApplyResult> ApplyDelta(
      const storage::BatchHeader&, const storage::RecordBatch&) override {
    return absl::InternalError("a preview writes nothing");
  }
  absl::StatusOr<RecordSet> ReadPersons(
      absl::Span<const std::string> person_ids) override {
    RecordSet out;
    if (absl::Status s = ReadPersonsInto(person_ids, &out); !s.ok()) return s;
    return out;
  }
  absl::Status ReadPersonsInto(absl::Span<const std::string> person_ids,
                               RecordSet* out) override {
    if (absl::Status s = inner_->ReadPersonsInto(person_ids, out); !s.ok()) {
      return s;
    }
    return staging_->Overlay(false, out);
  }
  absl::Status ReadPersonsWithHouseholds(
      absl::Span<const std::string> person_ids, RecordSet* out) override {
    if (absl::Status s = inner_->ReadPersonsWithHouseholds(person_ids, out);
        !s.ok()) {
      return s;
    }
    return staging_->Overlay(true, out);
  }
  absl::StatusOr<RecordSet> ReadPersonsAt(
      absl::Span<const std::string> person_ids,
      absl::Span<const DepartmentAsOf> generations) override {
    return inner_->ReadPersonsAt(person_ids, generations);
  }
  absl::StatusOr<std::vector<hedui::store::v1::DepartmentState>>
  ListDepartments() override {
    return inner_->ListDepartments();
  }
  absl::StatusOr<std::optional<hedui::store::v1::BatchRecord>> FindBatch(
      hedui::v1::Department department, absl::string_view batch_id) override {
    return inner_->FindBatch(department, batch_id);
  }
  absl::Status CompactRetired() override {
    return absl::InternalError("a preview writes nothing");
  }
  absl::StatusOr<std::vector<hedui::store::v1::SnapshotInfo>>
  PurgeRetiredSnapshots(absl::Time, bool) override {
    return absl::InternalError("a preview writes nothing");
  }
  absl::StatusOr<int64_t> CountRecords(hedui::v1::Department department,
                                       uint32_t generation) override {
    return inner_->CountRecords(department, generation);
  }
  ServiceTables service_tables() override { return inner_->service_tables(); }
  void TakeNoFilesUntilRestart() override { inner_->TakeNoFilesUntilRestart(); }
  absl::StatusOr<std::map<std::pair<int, uint32_t>, int64_t>> CountAllRecords()
      override {
    return inner_->CountAllRecords();
  }
  absl::Status VerifyChecksums() override { return inner_->VerifyChecksums(); }

 private:
  storage::Store* inner_;
  const Staging* staging_;
};

struct RollKey {
  int program;
  std::string region;
  bool operator<(const RollKey& o) const {
    return std::tie(program, region) < std::tie(o.program, o.region);
  }
};

bool ConsentExpired(const absl::Status& status) {
  return absl::IsFailedPrecondition(status) &&
         absl::StartsWith(status.message(), kConsentExpired);
}

}  // namespace

bool RollWouldHold(int64_t entries, int64_t verdicts_changed,
                   const FeedHoldSettings& settings) {
  if (entries <= 0 || verdicts_changed < settings.min_entries) return false;
  return static_cast<double>(verdicts_changed) >
         settings.share * static_cast<double>(entries);
}

void CountEntryImpact(const hedui::v1::Report& current,
                      const hedui::v1::Report& staged,
                      hedui::v1::RollImpact* roll) {
  engine::EntryChangeState state;
  state.program = roll->program();
  state.region_code = roll->region_code();
  const engine::ReportChanges changes =
      engine::CompareReports(current, staged, state);
  if (changes.event.verdict_before() != changes.event.verdict_after()) {
    roll->set_verdicts_changed(roll->verdicts_changed() + 1);
  }
  for (const hedui::v1::CriterionChange& c : changes.event.criteria()) {
    hedui::v1::CriterionChangeCount* count = nullptr;
    for (auto& existing : *roll->mutable_criteria_changed()) {
      if (existing.criterion() == c.criterion()) count = &existing;
    }
    if (count == nullptr) {
      // Kept in criterion order, like an event's.
      auto* list = roll->mutable_criteria_changed();
      count = list->Add();
      count->set_criterion(c.criterion());
      for (int i = list->size() - 1;
           i > 0 && list->Get(i - 1).criterion() > list->Get(i).criterion();
           --i) {
        list->SwapElements(i - 1, i);
      }
      for (auto& existing : *list) {
        if (existing.criterion() == c.criterion()) count = &existing;
      }
    }
    count->set_entries(count->entries() + 1);
  }
}

FeedPreviewer::FeedPreviewer(storage::Store* store, storage::RollStore* rolls,
                             const PolicyHolder* policies,
                             FeedHoldSettings settings)
    : store_(store), rolls_(rolls), policies_(policies), settings_(settings) {}

absl::CivilDay FeedPreviewer::Today() const {
  return today_ ? today_() : TodayInChina();
}

absl::StatusOr<hedui::v1::FeedImpact> FeedPreviewer::Evaluate(
    const StagedFeed& feed) const {
  const absl::CivilDay today = Today();
  hedui::v1::FeedImpact impact;
  impact.set_department(feed.department);
  impact.set_batch_id(feed.batch_id);
  *impact.mutable_as_of() = ToProto(feed.as_of);
  impact.set_delta(feed.delta);
  *impact.mutable_evaluated_on() = ToProto(today);
  impact.set_hold_share(settings_.share);
  impact.set_hold_min_entries(settings_.min_entries);

  auto current = LoadCurrent(store_, feed.department);
  if (!current.ok()) return current.status();
  Staging staging(store_, feed, *current);

  // The rolls now: active entries per roll, and those whose latest report
  // found this department missing or stale (a file of it re-verifies them).
  std::map<RollKey, int64_t> roll_sizes;
  absl::flat_hash_set<std::string> touched;
  if (absl::Status s = rolls_->ForEachEntry([&](const RollEntry& entry) {
        if (entry.state() != RollEntry::ACTIVE) return;
        ++roll_sizes[{entry.program(), entry.region_code()}];
        for (int d : entry.latest_unusable_departments()) {
          if (d == feed.department) touched.insert(entry.entry_id());
        }
      });
      !s.ok()) {
    return s;
  }
  if (roll_sizes.empty()) return impact;

  std::vector<std::string> changed_persons;
  std::vector<std::string> changed_households;
  if (feed.delta) {
    if (absl::Status s = staging.AnalyzeDelta(); !s.ok()) return s;
    changed_persons.assign(staging.changed_persons().begin(),
                           staging.changed_persons().end());
    changed_households.assign(staging.changed_households().begin(),
                              staging.changed_households().end());
  } else {
    if (feed.department == hedui::v1::HOUSEHOLD_REGISTRATION) {
      if (absl::Status s = staging.IndexRegisters(); !s.ok()) return s;
    }
    auto persons = rolls_->ActivePersons();
    if (!persons.ok()) return persons.status();
    auto changed = staging.PersonsChanged(*persons);
    if (!changed.ok()) return changed.status();
    changed_persons = *std::move(changed);
    if (feed.department == hedui::v1::HOUSEHOLD_REGISTRATION) {
      auto households = rolls_->ActiveHouseholds();
      if (!households.ok()) return households.status();
      std::vector<std::string> numbers;
      for (const auto& h : *households) numbers.push_back(h.first);
      std::sort(numbers.begin(), numbers.end());
      numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
      auto changed_numbers = staging.HouseholdsChanged(numbers);
      if (!changed_numbers.ok()) return changed_numbers.status();
      changed_households = *std::move(changed_numbers);
    }
  }
  for (const std::string& person : changed_persons) {
    auto ids = rolls_->ActiveEntriesOf(person);
    if (!ids.ok()) return ids.status();
    touched.insert(ids->begin(), ids->end());
  }
  if (!changed_households.empty()) {
    const absl::flat_hash_set<std::string> changed(changed_households.begin(),
                                                   changed_households.end());
    auto households = rolls_->ActiveHouseholds();
    if (!households.ok()) return households.status();
    for (const auto& [household, entry_id] : *households) {
      if (changed.contains(household)) touched.insert(entry_id);
    }
  }
  std::vector<std::string> ids(touched.begin(), touched.end());
  std::sort(ids.begin(), ids.end());

  // Each touched entry twice, by the same path as a re-verification.
  StagedStore staged_store(store_, &staging);
  Verifier on_current(store_, policies_);
  Verifier on_staged(&staged_store, policies_);
  for (Verifier* v : {&on_current, &on_staged}) {
    v->set_today([today] { return today; });
    if (verifier_setup_) verifier_setup_(*v);
  }
  struct Outcome {
    bool counted = false;  // active, and evaluated or its consent expired
    bool consent_expired = false;
    bool refused = false;  // the staged evaluation was refused
    RollKey roll;
    hedui::v1::Report current;
    hedui::v1::Report staged;
  };
  std::vector<Outcome> outcomes(ids.size());
  std::vector<absl::Status> failures(ids.size());
  auto evaluate = [&](size_t first, size_t step) {
    for (size_t i = first; i < ids.size(); i += step) {
      auto entry = rolls_->Get(ids[i]);
      if (!entry.ok()) {
        failures[i] = entry.status();
        continue;
      }
      if (!entry->has_value() || (*entry)->state() != RollEntry::ACTIVE) {
        continue;
      }
      const RollEntry& e = **entry;
      Outcome& out = outcomes[i];
      out.roll = {e.program(), e.region_code()};
      hedui::v1::VerificationRequest request = e.request();
      request.set_application_id(e.entry_id());
      request.set_purpose("re-verification (FEED)");
      *request.mutable_verification_date() = ToProto(today);
      CallInfo call;
      call.caller = e.enrolled_by();
      call.method = kReverifyMethod;
      call.regions = {e.region_code()};
      hedui::v1::VerificationRequest again = request;
      // As the switch's re-verification does: the stored consent and
      // declaration (engine::Occasion).
      absl::Status before = on_current.Evaluate(
          call, request, &out.current, engine::Occasion::kReverification);
      if (ConsentExpired(before)) {
        out.counted = true;
        out.consent_expired = true;
        continue;
      }
      if (absl::IsUnavailable(before) || absl::IsResourceExhausted(before) ||
          absl::IsDataLoss(before)) {
        failures[i] = before;
        continue;
      }
      // An entry the re-verification would refuse (no policy for its
      // county that day) changes nothing either way.
      if (!before.ok()) continue;
      absl::Status after = on_staged.Evaluate(
          call, again, &out.staged, engine::Occasion::kReverification);
      if (absl::IsUnavailable(after) || absl::IsResourceExhausted(after) ||
          absl::IsDataLoss(after)) {
        failures[i] = after;
        continue;
      }
      out.counted = true;
      // Refused on the file's data (registered outside the county now): the
      // switch's re-verification is refused too, stores no report and makes
      // no event, so no result changes.
      out.refused = !after.ok();
    }
  };
  const size_t threads =
      std::max<size_t>(1, std::min<size_t>(threads_, ids.size()));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t)
    workers.emplace_back(evaluate, t, threads);
  evaluate(0, threads);
  for (std::thread& worker : workers) worker.join();
  for (const absl::Status& failure : failures) {
    if (!failure.ok()) return failure;
  }

  std::map<RollKey, hedui::v1::RollImpact> rolls;
  for (Outcome& out : outcomes) {
    if (!out.counted) continue;
    hedui::v1::RollImpact& roll = rolls[out.roll];
    if (roll.entries() == 0) {
      roll.set_program(static_cast<hedui::v1::Program>(out.roll.program));
      roll.set_region_code(out.roll.region);
      roll.set_entries(roll_sizes[out.roll]);
    }
    roll.set_entries_touched(roll.entries_touched() + 1);
    if (out.consent_expired) {
      roll.set_consent_expired(roll.consent_expired() + 1);
      continue;
    }
    if (out.refused) continue;
    CountEntryImpact(out.current, out.staged, &roll);
  }
  for (auto& [key, roll] : rolls) {
    roll.set_would_hold(
        RollWouldHold(roll.entries(), roll.verdicts_changed(), settings_));
    if (roll.would_hold()) impact.set_would_hold(true);
    *impact.add_rolls() = std::move(roll);
  }
  return impact;
}

}  // namespace hedui::server
