#include "storage/rolls/roll_store.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rolls/roll_keys.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/testing/sync_counting_env.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::v1::ListRollRequest;
using hedui::v1::RollEntry;

std::string Person(int n) {
  const std::string first17 = absl::StrFormat("32058219800101%03d", n);
  return first17 + ResidentIdCheckCharacter(first17);
}

RollEntry Entry(const std::string& id, int applicant,
                const std::string& region = "320581",
                const std::string& household = "") {
  RollEntry entry;
  entry.set_entry_id(id);
  entry.set_program(hedui::v1::DIBAO);
  entry.set_region_code(region);
  entry.set_applicant_id(Person(applicant));
  entry.set_household_number(household);
  entry.set_state(RollEntry::ACTIVE);
  entry.set_report_id("R000000000001");
  *entry.mutable_approval_date() = ToProto(absl::CivilDay(2026, 11, 20));
  auto* request = entry.mutable_request();
  request->set_program(hedui::v1::DIBAO);
  request->add_members()->set_person_id(Person(applicant));
  request->add_members()->set_person_id(Person(applicant + 1));
  return entry;
}

RollEntry Ended(RollEntry entry, RollEntry::EndReason reason) {
  entry.set_state(RollEntry::ENDED);
  entry.set_end_reason(reason);
  *entry.mutable_ended_on() = ToProto(absl::CivilDay(2026, 11, 25));
  return entry;
}

class RollStoreTest : public testing::ServiceLogFixture {
 protected:
  void OpenRolls(rocksdb::Env* env = nullptr) {
    rolls_.reset();
    ASSERT_TRUE(Open("db", env).ok());
    ReopenRolls(options_.audit_key);
  }
  // The same store, the roll opened again with another page token key.
  void ReopenRolls(const std::string& page_token_key) {
    rolls_.reset();
    auto rolls = RollStore::Open(store_->service_tables(), page_token_key);
    ASSERT_TRUE(rolls.ok()) << rolls.status();
    rolls_ = std::move(*rolls);
  }

  // One roll call: the change in the batch of its audit entry.
  absl::Status Commit(RollChange change) {
    ServiceRecord record;
    record.audit.set_caller(change.caller);
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.audit.set_outcome("OK");
    record.writes = rolls_->Writes(change);
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    return log_->Append(std::move(records)).status();
  }

  RollChange Change(std::vector<RollEntry> entries,
                    std::vector<RollEntry> previous = {},
                    const std::string& request_id = "") {
    RollChange change;
    change.entries = std::move(entries);
    change.previous = std::move(previous);
    change.caller = "dibao-system";
    change.request_id = request_id;
    change.result.set_method("/hedui.v1.RollService/Enroll");
    change.result.set_response("first answer");
    return change;
  }

  std::unique_ptr<RollStore> rolls_;
};

TEST_F(RollStoreTest, KeysAreDocumentedLayouts) {
  EXPECT_EQ(FormatEntryId(42), "E000000000042");
  EXPECT_EQ(ParseEntryId("E000000000042"), 42u);
  EXPECT_FALSE(ParseEntryId("E000000000000").has_value());
  EXPECT_FALSE(ParseEntryId("R000000000042").has_value());
  EXPECT_FALSE(ParseEntryId("E00000000042").has_value());
  EXPECT_EQ(RollActiveKey(hedui::v1::TEKUN, "X"), std::string("a\x02X", 3));
  EXPECT_EQ(RollListKey(hedui::v1::DIBAO, "320581", "E000000000001"),
            std::string("c\x01"
                        "320581E000000000001",
                        21));
  EXPECT_EQ(RollEndedKey(20261125, "E000000000001"),
            std::string("x\x01\x35\x29\x05"
                        "E000000000001",
                        18));
  EXPECT_EQ(RollReportKey("R000000000007", "E000000000001"),
            "rR000000000007E000000000001");
  EXPECT_EQ(RollPersonKey(Person(1), "E000000000001"),
            Person(1) + "E000000000001");
  // Scoped to the caller, who cannot read another's results.
  EXPECT_NE(RollRequestKey("a", "r1"), RollRequestKey("b", "r1"));
  EXPECT_EQ(RollRequestKey("a", "r1").size(), 32u + 2u);
}

TEST_F(RollStoreTest, AnAcknowledgedEnrolmentIsSyncedWithItsAuditEntry) {
  testing::SyncCountingEnv counting;
  OpenRolls(counting.env.get());
  std::string id;
  {
    absl::MutexLock lock(&rolls_->mu());
    auto allocated = rolls_->AllocateEntryId();
    ASSERT_TRUE(allocated.ok());
    id = *allocated;
  }
  EXPECT_EQ(id, "E000000000001");
  const int64_t before = counting.fs->wal_syncs();
  ASSERT_TRUE(Commit(Change({Entry(id, 1, "320581", "H1")}, {}, "req-1")).ok());
  // The call is acknowledged after its write was synced, not merely queued.
  EXPECT_GT(counting.fs->wal_syncs(), before);

  auto got = rolls_->Get(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->applicant_id(), Person(1));
  auto active = rolls_->FindActive(hedui::v1::DIBAO, Person(1));
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->entry_id(), id);
  auto by_household = rolls_->FindActiveByHousehold(hedui::v1::DIBAO, "H1");
  ASSERT_TRUE(by_household.ok() && by_household->has_value());
  auto other_program = rolls_->FindActive(hedui::v1::TEKUN, Person(1));
  ASSERT_TRUE(other_program.ok());
  EXPECT_FALSE(other_program->has_value());
  // Every declared member is in the person index.
  auto of_member = rolls_->ActiveEntriesOf(Person(2));
  ASSERT_TRUE(of_member.ok());
  EXPECT_EQ(*of_member, std::vector<std::string>{id});
  auto request = rolls_->FindRequest("dibao-system", "req-1");
  ASSERT_TRUE(request.ok() && request->has_value());
  EXPECT_EQ((*request)->response(), "first answer");
  auto other_caller = rolls_->FindRequest("tekun-system", "req-1");
  ASSERT_TRUE(other_caller.ok());
  EXPECT_FALSE(other_caller->has_value());

  // Durable across a reopen, and numbering goes on after it.
  OpenRolls();
  auto reread = rolls_->Get(id);
  ASSERT_TRUE(reread.ok() && reread->has_value());
  absl::MutexLock lock(&rolls_->mu());
  EXPECT_EQ(*rolls_->AllocateEntryId(), "E000000000002");
}

TEST_F(RollStoreTest, ReplacingAndEndingMoveTheIndexes) {
  OpenRolls();
  const RollEntry first = Entry("E000000000001", 1, "320581", "H1");
  ASSERT_TRUE(Commit(Change({first})).ok());
  // Another applicant of the same 户号 replaces the entry.
  RollEntry second = Entry("E000000000002", 3, "320581", "H1");
  RollEntry replaced = Ended(first, RollEntry::REPLACED);
  replaced.set_replaced_by_entry_id(second.entry_id());
  ASSERT_TRUE(Commit(Change({replaced, second}, {first})).ok());

  auto old_applicant = rolls_->FindActive(hedui::v1::DIBAO, Person(1));
  ASSERT_TRUE(old_applicant.ok());
  EXPECT_FALSE(old_applicant->has_value());
  auto household = rolls_->FindActiveByHousehold(hedui::v1::DIBAO, "H1");
  ASSERT_TRUE(household.ok() && household->has_value());
  EXPECT_EQ((*household)->entry_id(), "E000000000002");
  auto of_old_member = rolls_->ActiveEntriesOf(Person(1));
  ASSERT_TRUE(of_old_member.ok());
  EXPECT_TRUE(of_old_member->empty());
  auto ended = rolls_->Get("E000000000001");
  ASSERT_TRUE(ended.ok() && ended->has_value());
  EXPECT_EQ((*ended)->state(), RollEntry::ENDED);

  // Withdrawn: no active keys left, the entry kept.
  ASSERT_TRUE(
      Commit(Change({Ended(second, RollEntry::INCOME)}, {second})).ok());
  auto none = rolls_->FindActiveByHousehold(hedui::v1::DIBAO, "H1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto of_member = rolls_->ActiveEntriesOf(Person(4));
  ASSERT_TRUE(of_member.ok());
  EXPECT_TRUE(of_member->empty());

  RollListQuery query;
  query.program = hedui::v1::DIBAO;
  auto active = rolls_->List(query);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->entries_size(), 0);
  query.state = ListRollRequest::ENDED_ONLY;
  auto ended_list = rolls_->List(query);
  ASSERT_TRUE(ended_list.ok());
  ASSERT_EQ(ended_list->entries_size(), 2);
  EXPECT_FALSE(ended_list->entries(0).has_request());
}

TEST_F(RollStoreTest, ListsByCountyInPagesThatResume) {
  OpenRolls();
  std::vector<RollEntry> entries;
  for (int i = 1; i <= 7; ++i) {
    entries.push_back(
        Entry(FormatEntryId(i), 10 * i, i % 2 == 0 ? "320582" : "320581"));
  }
  ASSERT_TRUE(Commit(Change(entries)).ok());
  RollListQuery query;
  query.program = hedui::v1::DIBAO;
  query.regions = {"320581"};
  query.page_size = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto listed = rolls_->List(query);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const auto& e : listed->entries()) {
      EXPECT_EQ(e.region_code(), "320581");
      seen.push_back(e.entry_id());
    }
    if (listed->next_page_token().empty()) break;
    query.page_token = listed->next_page_token();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"E000000000001", "E000000000003",
                                            "E000000000005", "E000000000007"}));
  query.regions.clear();
  query.page_token.clear();
  query.page_size = 0;
  auto all = rolls_->List(query);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->entries_size(), 7);
  EXPECT_TRUE(all->next_page_token().empty());
  query.page_token = "not a token";
  EXPECT_EQ(rolls_->List(query).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A token is tied to the filters that made it (AIP-158), and one made up
  // from a valid-looking key is refused, not read as "the roll is empty".
  RollListQuery one_county;
  one_county.program = hedui::v1::DIBAO;
  one_county.regions = {"320581"};
  one_county.page_size = 1;
  auto first = rolls_->List(one_county);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  RollListQuery other_county = one_county;
  other_county.regions = {"320582"};
  other_county.page_token = first->next_page_token();
  const absl::Status moved = rolls_->List(other_county).status();
  EXPECT_EQ(moved.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(moved.message(),
            "page_token: made by a listing with other filters (program, "
            "counties or state); start again without a token");
  RollListQuery other_state = one_county;
  other_state.state = hedui::v1::ListRollRequest::ALL;
  other_state.page_token = first->next_page_token();
  EXPECT_EQ(rolls_->List(other_state).status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const std::string& made_up :
       {std::string("abcdefE000000000001"), std::string("000000E000000000001"),
        absl::StrCat("abcdefE000000000001",
                     first->next_page_token().substr(19))}) {
    RollListQuery forged = one_county;
    forged.page_token = made_up;
    EXPECT_EQ(rolls_->List(forged).status().code(),
              absl::StatusCode::kInvalidArgument)
        << made_up;
  }
  one_county.page_token = first->next_page_token();
  auto second = rolls_->List(one_county);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->entries_size(), 1);
  EXPECT_EQ(second->entries(0).entry_id(), "E000000000003");
}

// Tokens are sealed (storage/page_token.h): they show no county or entry,
// a reopened roll under the same key continues them, another key refuses
// them, and a listing given its counties in another order takes them.
TEST_F(RollStoreTest, PageTokensAreOpaqueAndKeyed) {
  OpenRolls();
  std::vector<RollEntry> entries;
  for (int i = 1; i <= 5; ++i) {
    entries.push_back(
        Entry(FormatEntryId(i), 10 * i, i % 2 == 0 ? "320582" : "320581"));
  }
  ASSERT_TRUE(Commit(Change(entries)).ok());
  RollListQuery query;
  query.program = hedui::v1::DIBAO;
  query.regions = {"320582", "320581"};
  query.page_size = 2;
  auto first = rolls_->List(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->entries_size(), 2);
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  for (const char* shown :
       {"320581", "E000000000003", "000000000003", ".", "E0000"}) {
    EXPECT_FALSE(absl::StrContains(token, shown)) << token;
  }
  EXPECT_NE(token[0], '-');
  // Deterministic: the same place under the same filters.
  auto again = rolls_->List(query);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->next_page_token(), token);

  ReopenRolls(options_.audit_key);
  RollListQuery reordered = query;
  reordered.regions = {"320581", "320582"};
  reordered.page_token = token;
  auto second = rolls_->List(reordered);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->entries_size(), 2);
  // County 320581 first (1, 3, 5), then 320582 (2, 4): the first page was
  // 1 and 3.
  EXPECT_EQ(second->entries(0).entry_id(), "E000000000005");
  EXPECT_EQ(second->entries(1).entry_id(), "E000000000002");

  ReopenRolls(std::string(32, 'z'));
  query.page_token = token;
  const absl::Status refused = rolls_->List(query).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(),
            "page_token: not a next_page_token of this listing; start again "
            "without a token");
  EXPECT_FALSE(RollStore::Open(store_->service_tables(), "").ok());
}

// The members an entry enrols for the duplicate checks: declared members
// only, the covered member alone under single-person coverage, less those
// found dead or moved away.
TEST(RollEntryEnrolledMembersTest, MembersOnly) {
  RollEntry entry = Entry("E000000000001", 10);
  hedui::v1::Obligor* obligor = entry.mutable_request()->add_obligors();
  obligor->set_person_id(Person(30));
  obligor->mutable_spouse()->set_person_id(Person(31));
  EXPECT_THAT(RollEntryEnrolledMembers(entry),
              ::testing::ElementsAre(Person(10), Person(11)));
  entry.add_persons_gone(Person(10));
  EXPECT_THAT(RollEntryEnrolledMembers(entry),
              ::testing::ElementsAre(Person(11)));
  entry.clear_persons_gone();
  entry.mutable_request()->set_single_person_member_id(Person(10));
  EXPECT_THAT(RollEntryEnrolledMembers(entry),
              ::testing::ElementsAre(Person(10)));
}

TEST_F(RollStoreTest, ActiveRollEnrollmentsOfThePersonsAsked) {
  OpenRolls();
  RollEntry dibao = Entry("E000000000001", 10, "320581", "H1");
  RollEntry tekun = Entry("E000000000002", 11, "320582", "H2");
  tekun.set_program(hedui::v1::TEKUN);
  // 13 is an obligor of the 特困 entry: never enrolled by it.
  tekun.mutable_request()->add_obligors()->set_person_id(Person(13));
  RollEntry ended = Entry("E000000000003", 11, "320581", "H3");
  ended.set_program(hedui::v1::LOW_INCOME_MARGIN);
  ASSERT_TRUE(Commit(Change({dibao, tekun, ended})).ok());
  ASSERT_TRUE(
      Commit(Change({Ended(ended, RollEntry::VOLUNTARY)}, {ended})).ok());

  auto found = ActiveRollEnrollments(store_->service_tables(),
                                     {Person(11), Person(13), Person(40)});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].person_id(), Person(11));
  EXPECT_EQ((*found)[0].entry_id(), "E000000000001");
  EXPECT_EQ((*found)[0].program(), hedui::v1::DIBAO);
  EXPECT_EQ((*found)[0].applicant_id(), Person(10));
  EXPECT_EQ((*found)[0].household_number(), "H1");
  EXPECT_EQ((*found)[0].region_code(), "320581");
  EXPECT_EQ(FormatCivilDay(*FromProto((*found)[0].approval_date(), "")),
            "2026-11-20");
  EXPECT_EQ((*found)[1].person_id(), Person(11));
  EXPECT_EQ((*found)[1].entry_id(), "E000000000002");
  EXPECT_EQ((*found)[1].program(), hedui::v1::TEKUN);
  EXPECT_EQ((*found)[1].region_code(), "320582");
}

TEST_F(RollStoreTest, DuplicatePairsRememberedInBothOrdersAndForgotten) {
  OpenRolls();
  std::vector<StoreWrite> writes =
      rolls_->PairWrites("E000000000001", "E000000000002", true);
  for (StoreWrite& w :
       rolls_->PairWrites("E000000000001", "E000000000005", true)) {
    writes.push_back(std::move(w));
  }
  ServiceRecord record;
  record.audit.set_caller("dibao-system");
  record.audit.set_method("/hedui.v1.RollService/Enroll");
  record.audit.set_outcome("OK");
  record.writes = writes;
  std::vector<ServiceRecord> records;
  records.push_back(std::move(record));
  ASSERT_TRUE(log_->Append(std::move(records)).ok());
  EXPECT_THAT(*rolls_->KnownPairsOf("E000000000001"),
              ::testing::ElementsAre("E000000000002", "E000000000005"));
  EXPECT_THAT(*rolls_->KnownPairsOf("E000000000002"),
              ::testing::ElementsAre("E000000000001"));
  EXPECT_EQ(rolls_->KnownPairs()->size(), 4u);

  ServiceRecord forget;
  forget.audit.set_caller("dibao-system");
  forget.audit.set_method("/hedui.v1.RollService/Withdraw");
  forget.audit.set_outcome("OK");
  forget.writes = rolls_->PairWrites("E000000000002", "E000000000001", false);
  records.clear();
  records.push_back(std::move(forget));
  ASSERT_TRUE(log_->Append(std::move(records)).ok());
  EXPECT_THAT(*rolls_->KnownPairsOf("E000000000001"),
              ::testing::ElementsAre("E000000000005"));
  EXPECT_TRUE(rolls_->KnownPairsOf("E000000000002")->empty());
  // The pairs are not entries: the numbering and the listing ignore them.
  OpenRolls();
  auto id = [&] {
    absl::MutexLock lock(&rolls_->mu());
    return rolls_->AllocateEntryId();
  }();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "E000000000001");
}

}  // namespace
}  // namespace hedui::storage
