#include "storage/switch_log.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::store::v1::HouseholdRegistrationRecord;
using hedui::store::v1::SwitchRecord;
using hedui::store::v1::TaxRecord;

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

void AddTax(RecordBatch& batch, int person, int month, int64_t amount,
            bool erase = false) {
  TaxRecord tax;
  tax.set_person_id(PersonId(person));
  tax.mutable_period()->set_year(2026);
  tax.mutable_period()->set_month(month);
  tax.set_income_type(hedui::store::v1::WAGE);
  tax.set_amount_fen(amount);
  batch.Add(PersonId(person), absl::StrFormat("2026%02d", month),
            tax.SerializeAsString(), 0, erase);
}

void AddRegistration(RecordBatch& batch, int person,
                     const std::string& household) {
  HouseholdRegistrationRecord r;
  r.set_person_id(PersonId(person));
  r.set_household_number(household);
  r.set_region_code("320581");
  batch.Add(PersonId(person), "", r.SerializeAsString(), 0, false);
}

BatchHeader Header(hedui::v1::Department d, const std::string& batch,
                   absl::CivilDay as_of) {
  BatchHeader h;
  h.department = d;
  h.batch_id = batch;
  h.as_of = as_of;
  return h;
}

class SwitchLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        std::filesystem::path(::testing::TempDir()) /
        absl::StrCat(
            "switch_log_test_", getpid(), "_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    StoreOptions options;
    options.path = path_.string();
    options.block_cache_bytes = 8 << 20;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  std::vector<SwitchRecord> Pending() {
    auto pending = PendingSwitches(store_->service_tables());
    EXPECT_TRUE(pending.ok()) << pending.status();
    return pending.ok() ? *pending : std::vector<SwitchRecord>{};
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SwitchLogTest, EverySwitchLeavesARecordInItsOwnBatch) {
  RecordBatch first;
  for (int p = 0; p < 3; ++p) AddTax(first, p, 1, 100);
  first.Sort();
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(
              Header(hedui::v1::TAX, "t1", absl::CivilDay(2026, 10, 31)), first)
          .ok());
  RecordBatch second;
  AddTax(second, 0, 1, 100);  // unchanged
  AddTax(second, 1, 1, 999);  // another amount
  AddTax(second, 2, 2, 100);  // another month: added and removed
  AddTax(second, 3, 1, 100);  // new person
  second.Sort();
  ASSERT_TRUE(store_
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "t2",
                                             absl::CivilDay(2026, 11, 30)),
                                      second)
                  .ok());
  // The same batch again is a no-op: no third record.
  ASSERT_TRUE(store_
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "t2",
                                             absl::CivilDay(2026, 11, 30)),
                                      second)
                  .ok());
  const std::vector<SwitchRecord> pending = Pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].sequence(), 1u);
  EXPECT_EQ(pending[0].previous_generation(), 0u);
  EXPECT_EQ(pending[1].sequence(), 2u);
  EXPECT_EQ(pending[1].previous_generation(), pending[0].generation());
  EXPECT_FALSE(pending[1].delta());
  EXPECT_EQ(pending[1].batch_id(), "t2");

  const std::vector<std::string> persons = {
      PersonId(0), PersonId(1), PersonId(2), PersonId(3), PersonId(4)};
  auto changed = PersonsChangedBetween(store_->service_tables(), hedui::v1::TAX,
                                       pending[1].previous_generation(),
                                       pending[1].generation(), persons);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(*changed,
            (std::vector<std::string>{PersonId(1), PersonId(2), PersonId(3)}));
  // Another department's generations hold nothing of these persons.
  auto none = PersonsChangedBetween(store_->service_tables(),
                                    hedui::v1::VEHICLES, 1, 2, persons);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(SwitchLogTest, ADeltaNamesOnlyThePersonsWhoseRowsReallyChanged) {
  RecordBatch first;
  for (int p = 0; p < 4; ++p) AddTax(first, p, 1, 100);
  first.Sort();
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(
              Header(hedui::v1::TAX, "t1", absl::CivilDay(2026, 10, 31)), first)
          .ok());
  RecordBatch delta;
  AddTax(delta, 0, 1, 100);                // equal to the stored row
  AddTax(delta, 1, 1, 200);                // changed
  AddTax(delta, 2, 1, 0, /*erase=*/true);  // removed
  AddTax(delta, 3, 5, 0, /*erase=*/true);  // removing nothing
  AddTax(delta, 5, 1, 100);                // added
  delta.Sort();
  ASSERT_TRUE(
      store_
          ->ApplyDelta(
              Header(hedui::v1::TAX, "d1", absl::CivilDay(2026, 11, 5)), delta)
          .ok());
  const std::vector<SwitchRecord> pending = Pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_TRUE(pending[1].delta());
  EXPECT_EQ(std::vector<std::string>(pending[1].changed_persons().begin(),
                                     pending[1].changed_persons().end()),
            (std::vector<std::string>{PersonId(1), PersonId(2), PersonId(5)}));
}

TEST_F(SwitchLogTest, RegistrationChangesNameTheHouseholdsOnBothSides) {
  RecordBatch first;
  AddRegistration(first, 0, "H1");
  AddRegistration(first, 1, "H1");
  AddRegistration(first, 2, "H2");
  first.Sort();
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1",
                                     absl::CivilDay(2026, 10, 31)),
                              first)
          .ok());
  RecordBatch second;
  AddRegistration(second, 0, "H1");
  AddRegistration(second, 1, "H3");  // moved out of H1 into H3
  AddRegistration(second, 2, "H2");
  second.Sort();
  ASSERT_TRUE(
      store_
          ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r2",
                                     absl::CivilDay(2026, 11, 30)),
                              second)
          .ok());
  std::vector<SwitchRecord> pending = Pending();
  ASSERT_EQ(pending.size(), 2u);
  auto households = HouseholdsChangedBetween(
      store_->service_tables(), pending[1].previous_generation(),
      pending[1].generation(), {"H1", "H2", "H3", "H4"});
  ASSERT_TRUE(households.ok()) << households.status();
  EXPECT_EQ(*households, (std::vector<std::string>{"H1", "H3"}));

  RecordBatch delta;
  AddRegistration(delta, 2, "H4");  // out of H2 into H4
  AddRegistration(delta, 0, "H1");  // the same row again
  delta.Sort();
  ASSERT_TRUE(store_
                  ->ApplyDelta(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd",
                                      absl::CivilDay(2026, 12, 1)),
                               delta)
                  .ok());
  pending = Pending();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(pending[2].changed_households().begin(),
                                     pending[2].changed_households().end()),
            (std::vector<std::string>{"H2", "H4"}));
  EXPECT_EQ(std::vector<std::string>(pending[2].changed_persons().begin(),
                                     pending[2].changed_persons().end()),
            (std::vector<std::string>{PersonId(2)}));
}

TEST_F(SwitchLogTest, RetiredGenerationsAreNotKept) {
  for (int i = 1; i <= 3; ++i) {
    RecordBatch batch;
    AddTax(batch, 0, 1, 100 * i);
    batch.Sort();
    ASSERT_TRUE(
        store_
            ->ApplyFullSnapshot(Header(hedui::v1::TAX, absl::StrCat("t", i),
                                       absl::CivilDay(2026, 9 + i, 1)),
                                batch)
            .ok());
  }
  const std::vector<SwitchRecord> pending = Pending();
  ASSERT_EQ(pending.size(), 3u);
  // One retained snapshot: the first generation left when the third came.
  EXPECT_FALSE(
      *GenerationKept(store_.get(), hedui::v1::TAX, pending[0].generation()));
  EXPECT_TRUE(
      *GenerationKept(store_.get(), hedui::v1::TAX, pending[1].generation()));
  EXPECT_TRUE(
      *GenerationKept(store_.get(), hedui::v1::TAX, pending[2].generation()));
  EXPECT_TRUE(*GenerationKept(store_.get(), hedui::v1::TAX, 0));
}

}  // namespace
}  // namespace hedui::storage
