#include "server/service/duplicate_scan.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"
#include "storage/types/zh_names.h"

namespace hedui::server {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::Program;
using hedui::v1::RollEntry;

bool Exclusive(Program p) {
  return p == hedui::v1::DIBAO || p == hedui::v1::TEKUN ||
         p == hedui::v1::LOW_INCOME_MARGIN;
}

std::vector<std::string> Shared(const std::vector<std::string>& a,
                                const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(out));
  return out;
}

}  // namespace

bool ProgramsConflict(Program a, Program b) {
  return Exclusive(a) && Exclusive(b);
}

ChangeEvent DuplicateEvent(const RollEntry& entry, const RollEntry& other,
                           const std::vector<std::string>& shared,
                           absl::CivilDay day) {
  ChangeEvent event;
  event.set_kind(ChangeEvent::DUPLICATE_ENROLLMENT);
  event.set_trigger(ChangeEvent::DUPLICATE_SCAN);
  event.set_program(entry.program());
  event.set_region_code(entry.region_code());
  event.set_entry_id(entry.entry_id());
  *event.mutable_occurred_on() = ToProto(day);
  event.set_previous_report_id(entry.latest_report_id().empty()
                                   ? entry.report_id()
                                   : entry.latest_report_id());
  event.set_verdict_before(entry.latest_verdict());
  hedui::v1::DuplicatePair* pair = event.mutable_duplicate();
  pair->set_other_program(other.program());
  pair->set_other_region_code(other.region_code());
  std::vector<std::string> masked;
  for (const std::string& id : shared) {
    pair->add_shared_person_ids(id);
    masked.push_back(MaskResidentId(id));
  }
  const std::string& program = ZhShortName(other.program());
  event.set_summary(absl::StrCat(
      "一人一保：本条目的家庭成员 ", absl::StrJoin(masked, "、"),
      other.program() == entry.program()
          ? absl::StrCat(" 同时在另一户的", program, "名册在册（",
                         other.region_code(), "）")
          : absl::StrCat(" 同时在", program, "名册在册（", other.region_code(),
                         "），与本条目的", ZhShortName(entry.program()),
                         "不能同时享受"),
      "，需人工核实是转移还是重复享受。"));
  return event;
}

absl::StatusOr<DuplicateScan> ScanRollChange(storage::RollStore* rolls,
                                             const storage::RollChange& change,
                                             absl::CivilDay day) {
  DuplicateScan scan;
  absl::flat_hash_set<std::string> in_change;
  // The pairs an ended entry had, by the entry that replaced it.
  absl::flat_hash_map<std::string, std::set<std::string>> inherited;
  for (const RollEntry& entry : change.entries) {
    in_change.insert(entry.entry_id());
    if (entry.state() == RollEntry::ACTIVE) continue;
    auto partners = rolls->KnownPairsOf(entry.entry_id());
    if (!partners.ok()) return partners.status();
    for (const std::string& other : *partners) {
      for (storage::StoreWrite& w :
           rolls->PairWrites(entry.entry_id(), other, false)) {
        scan.writes.push_back(std::move(w));
      }
      ++scan.forgotten_pairs;
      if (!entry.replaced_by_entry_id().empty()) {
        inherited[entry.replaced_by_entry_id()].insert(other);
      }
    }
  }
  for (const RollEntry& entry : change.entries) {
    if (entry.state() != RollEntry::ACTIVE) continue;
    const std::vector<std::string> members =
        storage::RollEntryEnrolledMembers(entry);
    auto known_list = rolls->KnownPairsOf(entry.entry_id());
    if (!known_list.ok()) return known_list.status();
    const std::set<std::string> known(known_list->begin(), known_list->end());
    const std::set<std::string>& passed = inherited[entry.entry_id()];
    std::set<std::string> candidates;
    if (Exclusive(entry.program())) {
      for (const std::string& person : members) {
        auto ids = rolls->ActiveEntriesOf(person);
        if (!ids.ok()) return ids.status();
        candidates.insert(ids->begin(), ids->end());
      }
    }
    std::set<std::string> holding;
    for (const std::string& id : candidates) {
      if (id == entry.entry_id() || in_change.contains(id)) continue;
      auto other = rolls->Get(id);
      if (!other.ok()) return other.status();
      if (!other->has_value() || (*other)->state() != RollEntry::ACTIVE ||
          !ProgramsConflict(entry.program(), (*other)->program())) {
        continue;
      }
      const std::vector<std::string> shared =
          Shared(members, storage::RollEntryEnrolledMembers(**other));
      if (shared.empty()) continue;
      holding.insert(id);
      if (known.count(id) > 0) continue;
      for (storage::StoreWrite& w :
           rolls->PairWrites(entry.entry_id(), id, true)) {
        scan.writes.push_back(std::move(w));
      }
      if (passed.count(id) > 0) continue;  // the predecessor's pair, reported
      ++scan.new_pairs;
      scan.events.push_back(DuplicateEvent(entry, **other, shared, day));
      scan.events.push_back(DuplicateEvent(**other, entry, shared, day));
    }
    // Pairs remembered for this entry that no longer hold.
    for (const std::string& id : known) {
      if (holding.count(id) > 0) continue;
      for (storage::StoreWrite& w :
           rolls->PairWrites(entry.entry_id(), id, false)) {
        scan.writes.push_back(std::move(w));
      }
      ++scan.forgotten_pairs;
    }
  }
  return scan;
}

absl::StatusOr<DuplicateScan> ScanWholeRoll(storage::RollStore* rolls,
                                            absl::CivilDay day) {
  struct Side {
    RollEntry entry;  // without its stored request
    std::vector<std::string> members;
  };
  std::map<std::string, Side> active;
  absl::flat_hash_map<std::string, std::vector<std::string>> by_person;
  if (absl::Status s = rolls->ForEachEntry([&](const RollEntry& entry) {
        if (entry.state() != RollEntry::ACTIVE || !Exclusive(entry.program())) {
          return;
        }
        Side side;
        side.members = storage::RollEntryEnrolledMembers(entry);
        side.entry = entry;
        side.entry.clear_request();
        for (const std::string& person : side.members) {
          by_person[person].push_back(entry.entry_id());
        }
        active.emplace(entry.entry_id(), std::move(side));
      });
      !s.ok()) {
    return s;
  }
  // Every pair that holds now, first entry id lower.
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& [person, ids] : by_person) {
    for (size_t i = 0; i < ids.size(); ++i) {
      for (size_t j = i + 1; j < ids.size(); ++j) {
        found.insert(std::minmax(ids[i], ids[j]));
      }
    }
  }
  auto known_list = rolls->KnownPairs();
  if (!known_list.ok()) return known_list.status();
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& pair : *known_list) {
    known.insert(std::minmax(pair.first, pair.second));
  }
  DuplicateScan scan;
  for (const auto& [a, b] : found) {
    if (known.count({a, b}) > 0) continue;
    const Side& first = active.at(a);
    const Side& second = active.at(b);
    for (storage::StoreWrite& w : rolls->PairWrites(a, b, true)) {
      scan.writes.push_back(std::move(w));
    }
    ++scan.new_pairs;
    const std::vector<std::string> shared =
        Shared(first.members, second.members);
    scan.events.push_back(
        DuplicateEvent(first.entry, second.entry, shared, day));
    scan.events.push_back(
        DuplicateEvent(second.entry, first.entry, shared, day));
  }
  for (const auto& pair : known) {
    if (found.count(pair) > 0) continue;
    for (storage::StoreWrite& w :
         rolls->PairWrites(pair.first, pair.second, false)) {
      scan.writes.push_back(std::move(w));
    }
    ++scan.forgotten_pairs;
  }
  return scan;
}

}  // namespace hedui::server
