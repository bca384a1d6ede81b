// The roll scan for duplicate enrolment (domain.md §10, §10.1 "Duplicate
// enrolment"): every expected pair and event below is worked out by hand
// from the domain text.
#include "server/service/duplicate_scan.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/rolls/roll_store.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::RollEntry;
using storage::RollChange;

const absl::CivilDay kDay(2026, 11, 10);

std::string Person(int n) {
  const std::string first17 = absl::StrFormat("32058219500101%03d", n);
  return first17 + ResidentIdCheckCharacter(first17);
}

// An active entry of `program` in `region` whose declared members are
// `members` (the first is the applicant).
RollEntry Entry(int number, hedui::v1::Program program,
                const std::vector<int>& members,
                const std::string& region = "320581") {
  RollEntry entry;
  entry.set_entry_id(absl::StrFormat("E%012d", number));
  entry.set_program(program);
  entry.set_region_code(region);
  entry.set_applicant_id(Person(members[0]));
  entry.set_household_number(absl::StrFormat("H%d", number));
  entry.set_state(RollEntry::ACTIVE);
  entry.set_report_id(absl::StrFormat("R%012d", number));
  *entry.mutable_approval_date() = ToProto(kDay);
  auto* request = entry.mutable_request();
  request->set_program(program);
  for (int m : members) request->add_members()->set_person_id(Person(m));
  return entry;
}

RollEntry Ended(RollEntry entry, const std::string& replaced_by = "") {
  entry.set_state(RollEntry::ENDED);
  entry.set_end_reason(replaced_by.empty() ? RollEntry::VOLUNTARY
                                           : RollEntry::REPLACED);
  entry.set_replaced_by_entry_id(replaced_by);
  *entry.mutable_ended_on() = ToProto(kDay);
  return entry;
}

class DuplicateScanTest : public storage::testing::ServiceLogFixture {
 protected:
  void SetUp() override {
    ServiceLogFixture::SetUp();
    ASSERT_TRUE(Open().ok());
    auto rolls = storage::RollStore::Open(store_->service_tables());
    ASSERT_TRUE(rolls.ok()) << rolls.status();
    rolls_ = std::move(*rolls);
  }

  // One roll call as the service makes it: the change scanned, then the
  // change, the scan's writes and events in one synced write. Returns the
  // events.
  std::vector<ChangeEvent> Call(std::vector<RollEntry> entries,
                                std::vector<RollEntry> previous = {}) {
    RollChange change;
    change.entries = std::move(entries);
    change.previous = std::move(previous);
    change.caller = "dibao-system";
    absl::MutexLock lock(&rolls_->mu());
    auto scan = ScanRollChange(rolls_.get(), change, kDay);
    EXPECT_TRUE(scan.ok()) << scan.status();
    if (!scan.ok()) return {};
    Write(rolls_->Writes(change), *scan);
    return scan->events;
  }

  std::vector<ChangeEvent> WholeRoll() {
    absl::MutexLock lock(&rolls_->mu());
    auto scan = ScanWholeRoll(rolls_.get(), kDay);
    EXPECT_TRUE(scan.ok()) << scan.status();
    if (!scan.ok()) return {};
    Write({}, *scan);
    return scan->events;
  }

  void Write(std::vector<storage::StoreWrite> writes,
             const DuplicateScan& scan) {
    storage::ServiceRecord record;
    record.audit.set_caller("dibao-system");
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.audit.set_outcome("OK");
    record.writes = std::move(writes);
    for (const storage::StoreWrite& w : scan.writes) {
      record.writes.push_back(w);
    }
    record.events = scan.events;
    std::vector<storage::ServiceRecord> records;
    records.push_back(std::move(record));
    ASSERT_TRUE(log_->Append(std::move(records)).ok());
  }

  std::unique_ptr<storage::RollStore> rolls_;
};

TEST_F(DuplicateScanTest, ConflictingPrograms) {
  using hedui::v1::DIBAO;
  using hedui::v1::HOUSING;
  using hedui::v1::LOW_INCOME_MARGIN;
  using hedui::v1::TEKUN;
  EXPECT_TRUE(ProgramsConflict(DIBAO, DIBAO));
  EXPECT_TRUE(ProgramsConflict(DIBAO, TEKUN));
  EXPECT_TRUE(ProgramsConflict(TEKUN, LOW_INCOME_MARGIN));
  EXPECT_TRUE(ProgramsConflict(LOW_INCOME_MARGIN, DIBAO));
  EXPECT_FALSE(ProgramsConflict(DIBAO, HOUSING));
  EXPECT_FALSE(ProgramsConflict(HOUSING, HOUSING));
  EXPECT_FALSE(ProgramsConflict(hedui::v1::UNION_HARDSHIP, TEKUN));
}

// 特困 of person 1 alone; then 低保 of persons 10 and 1: one new pair, one
// event per side, each naming only the other side's program and county.
TEST_F(DuplicateScanTest, NewPairOneEventPerSide) {
  const RollEntry tekun = Entry(1, hedui::v1::TEKUN, {1}, "320582");
  EXPECT_TRUE(Call({tekun}).empty());
  const RollEntry dibao = Entry(2, hedui::v1::DIBAO, {10, 1});
  const std::vector<ChangeEvent> events = Call({dibao});
  ASSERT_EQ(events.size(), 2u);
  const ChangeEvent& mine = events[0];
  const ChangeEvent& theirs = events[1];
  EXPECT_EQ(mine.kind(), ChangeEvent::DUPLICATE_ENROLLMENT);
  EXPECT_EQ(mine.trigger(), ChangeEvent::DUPLICATE_SCAN);
  EXPECT_EQ(mine.entry_id(), "E000000000002");
  EXPECT_EQ(mine.program(), hedui::v1::DIBAO);
  EXPECT_EQ(mine.region_code(), "320581");
  EXPECT_EQ(mine.duplicate().other_program(), hedui::v1::TEKUN);
  EXPECT_EQ(mine.duplicate().other_region_code(), "320582");
  ASSERT_EQ(mine.duplicate().shared_person_ids_size(), 1);
  EXPECT_EQ(mine.duplicate().shared_person_ids(0), Person(1));
  EXPECT_EQ(FormatCivilDay(*FromProto(mine.occurred_on(), "")), "2026-11-10");
  EXPECT_EQ(
      mine.summary(),
      "一人一保：本条目的家庭成员 " + MaskResidentId(Person(1)) +
          " 同时在特困供养名册在册（320582），与本条目的低保不能同时享受，"
          "需人工核实是转移还是重复享受。");
  EXPECT_EQ(theirs.entry_id(), "E000000000001");
  EXPECT_EQ(theirs.program(), hedui::v1::TEKUN);
  EXPECT_EQ(theirs.region_code(), "320582");
  EXPECT_EQ(theirs.duplicate().other_program(), hedui::v1::DIBAO);
  EXPECT_EQ(theirs.duplicate().other_region_code(), "320581");
  // Neither side names the other's entry or report.
  EXPECT_EQ(mine.DebugString().find("E000000000001"), std::string::npos);
  EXPECT_EQ(mine.DebugString().find("R000000000001"), std::string::npos);
  EXPECT_EQ(theirs.DebugString().find("E000000000002"), std::string::npos);
  EXPECT_EQ(theirs.DebugString().find("R000000000002"), std::string::npos);
  EXPECT_EQ(rolls_->KnownPairsOf("E000000000002")->size(), 1u);
  // Known: the whole-roll scan repeats nothing.
  EXPECT_TRUE(WholeRoll().empty());
}

// Two 低保 entries (two households: a roll holds a household once) sharing
// person 5: a pair; its summary says "another household".
TEST_F(DuplicateScanTest, SameProgramOtherHousehold) {
  EXPECT_TRUE(Call({Entry(1, hedui::v1::DIBAO, {1, 5})}).empty());
  const std::vector<ChangeEvent> events =
      Call({Entry(2, hedui::v1::DIBAO, {2, 5})});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].summary(),
            "一人一保：本条目的家庭成员 " + MaskResidentId(Person(5)) +
                " 同时在另一户的低保名册在册（320581），需人工核实是转移还是"
                "重复享受。");
}

// No pair: programs without the criterion, an obligor, a member the entry
// no longer counts (found dead or moved), a member outside single-person
// coverage, an ended entry.
TEST_F(DuplicateScanTest, WhatMakesNoPair) {
  RollEntry tekun = Entry(1, hedui::v1::TEKUN, {1, 2, 3, 4});
  tekun.add_persons_gone(Person(3));
  tekun.mutable_request()->set_single_person_member_id("");
  EXPECT_TRUE(Call({tekun}).empty());
  EXPECT_TRUE(Call({Entry(2, hedui::v1::HOUSING, {1})}).empty());
  RollEntry obligor = Entry(3, hedui::v1::DIBAO, {20});
  obligor.mutable_request()->add_obligors()->set_person_id(Person(2));
  EXPECT_TRUE(Call({obligor}).empty());
  EXPECT_TRUE(Call({Entry(4, hedui::v1::DIBAO, {21, 3})}).empty());
  RollEntry single = Entry(5, hedui::v1::LOW_INCOME_MARGIN, {22, 4});
  single.mutable_request()->set_single_person_member_id(Person(22));
  EXPECT_TRUE(Call({single}).empty());
  const RollEntry gone = Entry(6, hedui::v1::DIBAO, {23});
  EXPECT_TRUE(Call({gone}).empty());
  EXPECT_TRUE(Call({Ended(gone)}, {gone}).empty());
  // 23 is on no active entry now; a new entry of 23 finds nothing.
  EXPECT_TRUE(Call({Entry(7, hedui::v1::LOW_INCOME_MARGIN, {23})}).empty());
  EXPECT_TRUE(WholeRoll().empty());
}

// A re-enrolment (the new entry replaces the old) is the same pair: no
// event; a withdrawal forgets it without an event; coming back is a new
// pair.
TEST_F(DuplicateScanTest, ReplacementInheritsWithdrawalForgets) {
  const RollEntry tekun = Entry(1, hedui::v1::TEKUN, {1});
  Call({tekun});
  const RollEntry first = Entry(2, hedui::v1::DIBAO, {10, 1});
  ASSERT_EQ(Call({first}).size(), 2u);
  RollEntry second = Entry(3, hedui::v1::DIBAO, {10, 1});
  second.set_replaces_entry_id(first.entry_id());
  EXPECT_TRUE(Call({Ended(first, second.entry_id()), second}, {first}).empty());
  EXPECT_TRUE(rolls_->KnownPairsOf(first.entry_id())->empty());
  EXPECT_EQ(*rolls_->KnownPairsOf(second.entry_id()),
            std::vector<std::string>{tekun.entry_id()});
  EXPECT_EQ(*rolls_->KnownPairsOf(tekun.entry_id()),
            std::vector<std::string>{second.entry_id()});
  EXPECT_TRUE(Call({Ended(second)}, {second}).empty());
  EXPECT_TRUE(rolls_->KnownPairsOf(tekun.entry_id())->empty());
  EXPECT_EQ(Call({Entry(4, hedui::v1::DIBAO, {10, 1})}).size(), 2u);
}

// Entries written without the scan (a store from before it): the
// whole-roll scan finds their pairs once; a pair that stops holding is
// forgotten, without an event.
TEST_F(DuplicateScanTest, WholeRollFindsPairsOnce) {
  const RollEntry a = Entry(1, hedui::v1::DIBAO, {1, 2});
  const RollEntry b = Entry(2, hedui::v1::TEKUN, {2});
  const RollEntry c = Entry(3, hedui::v1::LOW_INCOME_MARGIN, {3, 1});
  RollChange change;
  change.entries = {a, b, c};
  Write(rolls_->Writes(change), DuplicateScan{});
  // Pairs: (1,2) share person 2, (1,3) share person 1; (2,3) share none.
  const std::vector<ChangeEvent> events = WholeRoll();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].entry_id(), "E000000000001");
  EXPECT_EQ(events[0].duplicate().other_program(), hedui::v1::TEKUN);
  EXPECT_EQ(events[1].entry_id(), "E000000000002");
  EXPECT_EQ(events[2].entry_id(), "E000000000001");
  EXPECT_EQ(events[2].duplicate().other_program(),
            hedui::v1::LOW_INCOME_MARGIN);
  EXPECT_EQ(events[3].entry_id(), "E000000000003");
  EXPECT_TRUE(WholeRoll().empty());
  // Person 2 found dead on a's re-verification: (1,2) no longer holds.
  RollEntry a_now = a;
  a_now.add_persons_gone(Person(2));
  storage::ServiceRecord record;
  record.audit.set_caller("(server)");
  record.audit.set_method("internal/reverify");
  record.audit.set_outcome("OK");
  record.writes = {rolls_->EntryStateWrite(a_now)};
  std::vector<storage::ServiceRecord> records;
  records.push_back(std::move(record));
  ASSERT_TRUE(log_->Append(std::move(records)).ok());
  {
    absl::MutexLock lock(&rolls_->mu());
    auto scan = ScanWholeRoll(rolls_.get(), kDay);
    ASSERT_TRUE(scan.ok());
    EXPECT_TRUE(scan->events.empty());
    EXPECT_EQ(scan->forgotten_pairs, 1);
    Write({}, *scan);
  }
  EXPECT_EQ(*rolls_->KnownPairsOf("E000000000001"),
            std::vector<std::string>{"E000000000003"});
}

}  // namespace
}  // namespace hedui::server
