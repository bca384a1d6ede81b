#include "storage/store.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/column_families.h"
#include "storage/joint_switch.h"
#include "storage/keys.h"
#include "storage/switch_log.h"
#include "storage/testing/sync_counting_env.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::store::v1::RecordSet;
using hedui::store::v1::TaxRecord;

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

// Adds a TAX record whose amount tells which snapshot wrote it.
void AddTax(RecordBatch& batch, const std::string& person, int month,
            int64_t amount, bool erase = false) {
  TaxRecord tax;
  tax.set_person_id(person);
  tax.mutable_period()->set_year(2026);
  tax.mutable_period()->set_month(month);
  tax.set_income_type(hedui::store::v1::WAGE);
  tax.set_amount_fen(amount);
  batch.Add(person, absl::StrFormat("2026%02d", month), tax.SerializeAsString(),
            0, erase);
}

// persons x months records, sorted, all with `amount`.
RecordBatch TaxSnapshot(int persons, int months, int64_t amount) {
  RecordBatch records;
  for (int p = 0; p < persons; ++p) {
    for (int m = 1; m <= months; ++m) AddTax(records, PersonId(p), m, amount);
  }
  records.Sort();
  return records;
}

BatchHeader Header(hedui::v1::Department d, const std::string& batch,
                   absl::CivilDay as_of = absl::CivilDay(2026, 10, 31)) {
  BatchHeader h;
  h.department = d;
  h.batch_id = batch;
  h.as_of = as_of;
  return h;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        std::filesystem::path(::testing::TempDir()) /
        absl::StrCat(
            "store_test_", getpid(), "_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
  }
  void TearDown() override { std::filesystem::remove_all(path_); }

  std::unique_ptr<Store> OpenStore(int retained = 1,
                                   rocksdb::Env* env = nullptr) {
    StoreOptions options;
    options.path = path_.string();
    options.retained_snapshots = retained;
    options.block_cache_bytes = 8 << 20;
    options.env = env;
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::filesystem::path path_;
};

TEST_F(StoreTest, EmptyStoreHasNoDepartmentsAndNoRecords) {
  auto store = OpenStore();
  auto read = store->ReadPersons({PersonId(1)});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->persons_size(), 1);
  EXPECT_EQ(read->persons(0).tax_size(), 0);
  EXPECT_EQ(read->departments_size(), 0);  // missing, not zero
  EXPECT_TRUE(store->ListDepartments()->empty());
}

TEST_F(StoreTest, FullSnapshotIsReadBackWithItsAsOfAndSurvivesReopen) {
  {
    auto store = OpenStore();
    auto applied = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "b1"),
                                            TaxSnapshot(3, 2, 500));
    ASSERT_TRUE(applied.ok()) << applied.status();
    EXPECT_EQ(applied->current.generation(), 1u);
    EXPECT_EQ(applied->current.rows(), 6);
  }
  auto store = OpenStore();
  auto read = store->ReadPersons({PersonId(2), PersonId(0), PersonId(7)});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->persons_size(), 3);
  EXPECT_EQ(read->persons(0).person_id(), PersonId(2));
  EXPECT_EQ(read->persons(0).tax_size(), 2);
  EXPECT_EQ(read->persons(1).tax_size(), 2);
  EXPECT_EQ(read->persons(2).tax_size(), 0);
  EXPECT_EQ(read->persons(0).tax(1).amount_fen(), 500);
  ASSERT_EQ(read->departments_size(), 1);
  EXPECT_EQ(read->departments(0).department(), hedui::v1::TAX);
  EXPECT_EQ(*FromProto(read->departments(0).as_of(), "as_of"),
            absl::CivilDay(2026, 10, 31));
  auto states = store->ListDepartments();
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].current().rows(), 6);
}

TEST_F(StoreTest, AfterAnotherWritersRecoveryNoFileIsTakenUntilRestart) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store
                    ->ApplyFullSnapshot(Header(hedui::v1::TAX, "b1"),
                                        TaxSnapshot(3, 2, 500))
                    .ok());
    // The service log recovered the database with DB::Resume.
    store->TakeNoFilesUntilRestart();
    auto refused = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "b2"),
                                            TaxSnapshot(3, 1, 700));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_NE(refused.status().message().find("until heduid is restarted"),
              std::string::npos)
        << refused.status();
    auto read = store->ReadPersons({PersonId(1)});
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->persons(0).tax_size(), 2) << "the first snapshot stays";
  }
  auto store = OpenStore();
  EXPECT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "b2"),
                                      TaxSnapshot(3, 1, 700))
                  .ok())
      << "a restart takes files again";
}

TEST_F(StoreTest, ReadRejectsMalformedIdsWithoutEchoingThem) {
  auto store = OpenStore();
  auto read = store->ReadPersons({"12345"});
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(read.status().message().find("12345"), std::string::npos);
}

TEST_F(StoreTest, SameBatchIdTwiceIsANoOp) {
  auto store = OpenStore();
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "same"),
                                      TaxSnapshot(2, 1, 1))
                  .ok());
  auto again = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "same"),
                                        TaxSnapshot(2, 1, 2));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_applied);
  EXPECT_EQ(again->current.generation(), 1u);
  EXPECT_EQ(store->ReadPersons({PersonId(0)})->persons(0).tax(0).amount_fen(),
            1);
  // The same id for another department is another batch.
  auto other = store->ApplyFullSnapshot(
      Header(hedui::v1::SOCIAL_INSURANCE, "same"), RecordBatch());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->already_applied);
}

TEST_F(StoreTest, ShrinkingOrOlderSnapshotNeedsForce) {
  auto store = OpenStore();
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "big"),
                                      TaxSnapshot(10, 2, 1))
                  .ok());  // 20 rows
  auto small = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "small"),
                                        TaxSnapshot(4, 2, 2));  // 8 < 10
  EXPECT_EQ(small.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(small.status().message().find("under half"), std::string::npos);
  EXPECT_EQ(store->ReadPersons({PersonId(9)})->persons(0).tax_size(), 2);
  // Exactly half is accepted.
  auto half = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "half"),
                                       TaxSnapshot(5, 2, 3));
  ASSERT_TRUE(half.ok()) << half.status();
  auto older = store->ApplyFullSnapshot(
      Header(hedui::v1::TAX, "older", absl::CivilDay(2026, 10, 30)),
      TaxSnapshot(5, 2, 4));
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  BatchHeader forced = Header(hedui::v1::TAX, "forced");
  forced.force = true;
  ASSERT_TRUE(store->ApplyFullSnapshot(forced, TaxSnapshot(1, 1, 5)).ok());
  EXPECT_EQ(store->ReadPersons({PersonId(4)})->persons(0).tax_size(), 0);
}

TEST_F(StoreTest, DeltasUpsertAndDeleteWithExactRowCounts) {
  auto store = OpenStore();
  auto early = store->ApplyDelta(Header(hedui::v1::TAX, "d0"), RecordBatch());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "full"),
                                      TaxSnapshot(2, 2, 100))
                  .ok());
  RecordBatch delta;
  AddTax(delta, PersonId(0), 1, 999);                // replace
  AddTax(delta, PersonId(0), 3, 300);                // add
  AddTax(delta, PersonId(1), 2, 0, /*erase=*/true);  // delete
  AddTax(delta, PersonId(1), 9, 0, /*erase=*/true);  // delete of nothing
  auto applied = store->ApplyDelta(
      Header(hedui::v1::TAX, "d1", absl::CivilDay(2026, 11, 15)), delta);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->upserts, 2);
  EXPECT_EQ(applied->deletions, 2);
  EXPECT_EQ(applied->current.rows(), 4 + 1 - 1);
  auto read = store->ReadPersons({PersonId(0), PersonId(1)});
  ASSERT_EQ(read->persons(0).tax_size(), 3);
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 999);
  EXPECT_EQ(read->persons(1).tax_size(), 1);
  EXPECT_EQ(*FromProto(read->departments(0).as_of(), "as_of"),
            absl::CivilDay(2026, 11, 15));
  auto again = store->ApplyDelta(Header(hedui::v1::TAX, "d1"), delta);
  EXPECT_TRUE(again->already_applied);
  EXPECT_EQ(again->current.rows(), 4);
}

TEST_F(StoreTest, RetainsPreviousSnapshotAndCompactsOlderOnes) {
  auto store = OpenStore(/*retained=*/1);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        store
            ->ApplyFullSnapshot(Header(hedui::v1::TAX, absl::StrCat("s", i)),
                                TaxSnapshot(3, 2, i))
            .ok());
  }
  ASSERT_TRUE(store->CompactRetired().ok());
  EXPECT_EQ(*store->CountRecords(hedui::v1::TAX, 1), 0);
  EXPECT_EQ(*store->CountRecords(hedui::v1::TAX, 2), 6);
  EXPECT_EQ(*store->CountRecords(hedui::v1::TAX, 3), 6);
  auto states = store->ListDepartments();
  ASSERT_EQ((*states)[0].retained_size(), 1);
  EXPECT_EQ((*states)[0].retained(0).generation(), 2u);

  hedui::store::v1::DepartmentAsOf at;
  at.set_department(hedui::v1::TAX);
  at.set_generation(2);
  auto old = store->ReadPersonsAt({PersonId(0)}, {at});
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->persons(0).tax(0).amount_fen(), 2);
  EXPECT_EQ(store->ReadPersons({PersonId(0)})->persons(0).tax(0).amount_fen(),
            3);
  at.set_generation(1);
  EXPECT_EQ(store->ReadPersonsAt({PersonId(0)}, {at}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, ReaderRacingSwitchesNeverSeesAMix) {
  auto store = OpenStore();
  constexpr int kPersons = 50;
  constexpr int kMonths = 4;
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "v0"),
                                      TaxSnapshot(kPersons, kMonths, 0))
                  .ok());
  std::vector<std::string> ids;
  for (int p = 0; p < kPersons; ++p) ids.push_back(PersonId(p));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> mixed{0};
  std::thread reader([&] {
    while (!done) {
      auto read = store->ReadPersons(ids);
      ASSERT_TRUE(read.ok());
      const int64_t first = read->persons(0).tax(0).amount_fen();
      for (const auto& person : read->persons()) {
        if (person.tax_size() != kMonths) ++mixed;
        for (const auto& tax : person.tax()) {
          if (tax.amount_fen() != first) ++mixed;
        }
      }
      ++reads;
    }
  });
  for (int v = 1; v <= 30; ++v) {
    ASSERT_TRUE(
        store
            ->ApplyFullSnapshot(Header(hedui::v1::TAX, absl::StrCat("v", v)),
                                TaxSnapshot(kPersons, kMonths, v))
            .ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(mixed.load(), 0);
}

TEST_F(StoreTest, AcknowledgedWritesAreSynced) {
  testing::SyncCountingEnv counting;
  auto store = OpenStore(1, counting.env.get());
  const int64_t before_full = counting.fs->wal_syncs();
  ASSERT_TRUE(
      store
          ->ApplyFullSnapshot(Header(hedui::v1::TAX, "f"), TaxSnapshot(2, 1, 1))
          .ok());
  const int64_t after_full = counting.fs->wal_syncs();
  EXPECT_GT(after_full, before_full);
  RecordBatch delta;
  AddTax(delta, PersonId(0), 5, 1);
  ASSERT_TRUE(store->ApplyDelta(Header(hedui::v1::TAX, "d"), delta).ok());
  EXPECT_GT(counting.fs->wal_syncs(), after_full);
}

TEST_F(StoreTest, EachDepartmentHasItsOwnAsOf) {
  auto store = OpenStore();
  ASSERT_TRUE(
      store
          ->ApplyFullSnapshot(Header(hedui::v1::TAX, "t"), TaxSnapshot(1, 1, 1))
          .ok());
  hedui::store::v1::VehicleRecord car;
  car.set_person_id(PersonId(0));
  car.set_plate("苏E12345");
  car.set_vehicle_type(hedui::store::v1::CAR);
  RecordBatch cars;
  cars.Add(PersonId(0), "plate", car.SerializeAsString());
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::VEHICLES, "v",
                                             absl::CivilDay(2026, 8, 10)),
                                      cars)
                  .ok());
  auto read = store->ReadPersons({PersonId(0)});
  ASSERT_EQ(read->departments_size(), 2);
  EXPECT_EQ(read->persons(0).vehicles(0).plate(), "苏E12345");
  EXPECT_EQ(read->persons(0).tax_size(), 1);
}

TEST_F(StoreTest, RefusesUnknownDataFormatVersion) {
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(99);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("data-format version 99"),
            std::string::npos)
      << store.status();
}

TEST_F(StoreTest, UpgradesAVersionOneStoreInPlace) {
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(1);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    // A version-1 store had neither of the service families.
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.reports).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.audit).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.rolls).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.roll_requests).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.roll_persons).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.events).ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_NE((*store)->service_tables().reports, nullptr);
  EXPECT_NE((*store)->service_tables().audit, nullptr);
  store->reset();
  ColumnFamilies cfs;
  auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
  ASSERT_TRUE(db.ok());
  std::string value;
  ASSERT_TRUE(
      (*db)->Get(rocksdb::ReadOptions(), cfs.meta, FormatKey(), &value).ok());
  hedui::store::v1::StoreFormat format;
  ASSERT_TRUE(format.ParseFromString(value));
  EXPECT_EQ(format.version(), kFormatVersion);
  cfs.Close(db->get());
}

// Format 3 (the rolls) and 4 (the events): a version-2 store, which has
// neither, is upgraded explicitly at open; its records, reports and audit
// stay.
TEST_F(StoreTest, UpgradesAVersionTwoStoreToFourInPlace) {
  ASSERT_EQ(kFormatVersion, 5u);
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(2);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    ASSERT_TRUE(
        (*db)->Put(rocksdb::WriteOptions(), cfs.reports, "kept", "v2").ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.rolls).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.roll_requests).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.roll_persons).ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.events).ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  const Store::ServiceTables tables = (*store)->service_tables();
  EXPECT_NE(tables.rolls, nullptr);
  EXPECT_NE(tables.roll_requests, nullptr);
  EXPECT_NE(tables.roll_persons, nullptr);
  EXPECT_NE(tables.events, nullptr);
  std::string kept;
  ASSERT_TRUE(
      tables.db->Get(rocksdb::ReadOptions(), tables.reports, "kept", &kept)
          .ok());
  EXPECT_EQ(kept, "v2");
  store->reset();
  ColumnFamilies cfs;
  auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
  ASSERT_TRUE(db.ok());
  std::string value;
  ASSERT_TRUE(
      (*db)->Get(rocksdb::ReadOptions(), cfs.meta, FormatKey(), &value).ok());
  hedui::store::v1::StoreFormat format;
  ASSERT_TRUE(format.ParseFromString(value));
  EXPECT_EQ(format.version(), kFormatVersion);
  cfs.Close(db->get());
}

// Format 4: a version-3 store (rolls, no events) is upgraded the same way;
// its rolls stay.
TEST_F(StoreTest, UpgradesAVersionThreeStoreToFourInPlace) {
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(3);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    ASSERT_TRUE(
        (*db)
            ->Put(rocksdb::WriteOptions(), cfs.rolls, "eE000000000001", "v3")
            .ok());
    ASSERT_TRUE((*db)->DropColumnFamily(cfs.events).ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  const Store::ServiceTables tables = (*store)->service_tables();
  ASSERT_NE(tables.events, nullptr);
  std::string kept;
  ASSERT_TRUE(
      tables.db
          ->Get(rocksdb::ReadOptions(), tables.rolls, "eE000000000001", &kept)
          .ok());
  EXPECT_EQ(kept, "v3");
  store->reset();
  ColumnFamilies cfs;
  auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
  ASSERT_TRUE(db.ok());
  std::string value;
  ASSERT_TRUE(
      (*db)->Get(rocksdb::ReadOptions(), cfs.meta, FormatKey(), &value).ok());
  hedui::store::v1::StoreFormat format;
  ASSERT_TRUE(format.ParseFromString(value));
  EXPECT_EQ(format.version(), kFormatVersion);
  cfs.Close(db->get());
}

// A store marked version 3 whose events family holds data was not written
// by a version-3 heduid: not adopted silently.
TEST_F(StoreTest, RefusesToUpgradeAVersionThreeStoreHoldingEvents) {
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(3);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    ASSERT_TRUE(
        (*db)->Put(rocksdb::WriteOptions(), cfs.events, "v12345678", "x").ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("'events'"), std::string::npos)
      << store.status();
  EXPECT_NE(store.status().message().find("version 3"), std::string::npos)
      << store.status();
}

// A store marked version 2 whose roll families hold data was not written by
// a version-2 heduid: not adopted silently.
TEST_F(StoreTest, RefusesToUpgradeAVersionTwoStoreHoldingRolls) {
  OpenStore().reset();
  {
    ColumnFamilies cfs;
    auto db = OpenDatabase(path_.string(), ColumnFamilyConfig(), &cfs);
    ASSERT_TRUE(db.ok());
    hedui::store::v1::StoreFormat format;
    format.set_version(2);
    ASSERT_TRUE((*db)
                    ->Put(rocksdb::WriteOptions(), cfs.meta, FormatKey(),
                          format.SerializeAsString())
                    .ok());
    ASSERT_TRUE(
        (*db)
            ->Put(rocksdb::WriteOptions(), cfs.rolls, "eE000000000001", "x")
            .ok());
    cfs.Close(db->get());
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("'rolls'"), std::string::npos)
      << store.status();
}

TEST_F(StoreTest, RefusesColumnFamiliesItDoesNotKnow) {
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path_.string(), &db).ok());
    rocksdb::ColumnFamilyHandle* cf = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(),
                                       "from_the_future", &cf)
                    .ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(cf).ok());
    delete db;
  }
  StoreOptions options;
  options.path = path_.string();
  auto store = Store::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("from_the_future"),
            std::string::npos);
}

void AddRegistration(RecordBatch& batch, const std::string& person,
                     const std::string& household, bool erase = false) {
  hedui::store::v1::HouseholdRegistrationRecord r;
  r.set_person_id(person);
  r.set_name("测试");
  r.set_household_number(household);
  r.set_status(hedui::store::v1::NORMAL);
  batch.Add(person, "", r.SerializeAsString(), 0, erase);
}

std::vector<std::string> Members(const hedui::store::v1::RecordSet& set,
                                 const std::string& household) {
  std::vector<std::string> ids;
  for (const auto& h : set.household_registers()) {
    if (h.household_number() != household) continue;
    for (const auto& m : h.members()) ids.push_back(m.person_id());
  }
  return ids;
}

TEST_F(StoreTest, HouseholdRegistersFollowSnapshotsAndDeltas) {
  auto store = OpenStore();
  RecordBatch first;
  AddRegistration(first, PersonId(0), "H1");
  AddRegistration(first, PersonId(1), "H1");
  AddRegistration(first, PersonId(2), "H2");
  AddRegistration(first, PersonId(3), "H10");
  first.Sort();
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(
                      Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1"), first)
                  .ok());
  hedui::store::v1::RecordSet set;
  ASSERT_TRUE(store->ReadPersonsWithHouseholds({PersonId(0)}, &set).ok());
  // The undeclared co-resident is found, with only their registration row.
  EXPECT_EQ(Members(set, "H1"),
            (std::vector<std::string>{PersonId(0), PersonId(1)}));
  ASSERT_EQ(set.persons_size(), 1);
  EXPECT_TRUE(store->ReadPersons({PersonId(0)})->household_registers().empty());

  // A new snapshot moves person 1 to H2: gen 1's entries no longer count.
  RecordBatch second;
  AddRegistration(second, PersonId(0), "H1");
  AddRegistration(second, PersonId(1), "H2");
  AddRegistration(second, PersonId(2), "H2");
  AddRegistration(second, PersonId(3), "H10");
  second.Sort();
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(
                      Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r2"), second)
                  .ok());
  ASSERT_TRUE(
      store->ReadPersonsWithHouseholds({PersonId(0), PersonId(2)}, &set).ok());
  EXPECT_EQ(Members(set, "H1"), (std::vector<std::string>{PersonId(0)}));
  EXPECT_EQ(Members(set, "H2"),
            (std::vector<std::string>{PersonId(1), PersonId(2)}));

  // A delta moves person 0 into H2 and deletes person 2.
  RecordBatch delta;
  AddRegistration(delta, PersonId(0), "H2");
  AddRegistration(delta, PersonId(2), "H2", /*erase=*/true);
  ASSERT_TRUE(
      store->ApplyDelta(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "d"), delta)
          .ok());
  ASSERT_TRUE(store->ReadPersonsWithHouseholds({PersonId(1)}, &set).ok());
  EXPECT_EQ(Members(set, "H2"),
            (std::vector<std::string>{PersonId(0), PersonId(1)}));
  EXPECT_TRUE(Members(set, "H1").empty());
}

TEST_F(StoreTest, RefusesUnsortedRecords) {
  auto store = OpenStore();
  RecordBatch unsorted;
  AddTax(unsorted, PersonId(2), 1, 1);
  AddTax(unsorted, PersonId(1), 1, 1);
  EXPECT_EQ(store->ApplyFullSnapshot(Header(hedui::v1::TAX, "u"), unsorted)
                .status()
                .code(),
            absl::StatusCode::kInternal);
  EXPECT_TRUE(store->ListDepartments()->empty());
}

TEST(RecordBatchTest, SortsByPersonThenKeyThenLine) {
  RecordBatch batch;
  batch.Add(PersonId(2), "b", "v1", 1);
  batch.Add(PersonId(1), "z", "v2", 2);
  batch.Add(PersonId(2), "a", "v3", 3);
  batch.Add(PersonId(2), "a", "v4", 4);
  batch.Sort();
  EXPECT_EQ(batch[0].value, "v2");
  EXPECT_EQ(batch[1].value, "v3");
  EXPECT_EQ(batch[2].value, "v4");
  EXPECT_EQ(batch[3].value, "v1");
  EXPECT_TRUE(batch.SameKeyAsPrevious(2));
  EXPECT_FALSE(batch.SameKeyAsPrevious(3));
  EXPECT_FALSE(batch.IsSortedAndUnique());
  EXPECT_EQ(batch[2].person_id, PersonId(2));
  EXPECT_EQ(batch[2].natural_key, "a");
  EXPECT_EQ(batch[2].line, 4);
}

TEST(RecordBatchTest, MergesSortedRunsIntoOneOrder) {
  std::vector<RecordBatch> runs(3);
  for (int i = 0; i < 30; ++i) {
    runs[static_cast<size_t>(i % 3)].Add(PersonId((i * 7) % 30), "k",
                                         absl::StrCat("v", i), i);
  }
  runs[1].Add(PersonId(4), "k", "dup", 100);  // same key as another run's
  for (auto& run : runs) run.Sort();
  RecordBatch merged = RecordBatch::MergeSorted(std::move(runs));
  ASSERT_EQ(merged.size(), 31u);
  for (size_t i = 1; i < merged.size(); ++i) {
    const auto a = merged[i - 1];
    const auto b = merged[i];
    EXPECT_LE(a.person_id, b.person_id);
    if (a.person_id == b.person_id) {
      EXPECT_LT(a.line, b.line);
    }
  }
  EXPECT_FALSE(merged.IsSortedAndUnique());  // the duplicate is adjacent
  int duplicates = 0;
  for (size_t i = 1; i < merged.size(); ++i) {
    duplicates += merged.SameKeyAsPrevious(i) ? 1 : 0;
  }
  EXPECT_EQ(duplicates, 1);
}

TEST_F(StoreTest, RejectsRetentionBelowOne) {
  StoreOptions options;
  options.path = path_.string();
  options.retained_snapshots = 0;
  EXPECT_EQ(Store::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Joint switches (Store::ApplyJoint): several files made current by one
// synced write, their rows streamed in pieces.

// Hands out `rows` in pieces of `piece` rows (the last may be shorter).
RowSource Pieces(const RecordBatch& rows, size_t piece) {
  return [&rows, piece](const RowSink& sink) -> absl::Status {
    for (size_t begin = 0; begin < rows.size(); begin += piece) {
      RecordBatch part;
      for (size_t i = begin; i < std::min(rows.size(), begin + piece); ++i) {
        const RecordView r = rows[i];
        part.Add(r.person_id, r.natural_key, r.value, 0, r.erase);
      }
      if (absl::Status s = sink(part); !s.ok()) return s;
    }
    return absl::OkStatus();
  };
}

JointFile Joint(const BatchHeader& header, const RecordBatch& rows,
                size_t piece, bool delta = false) {
  JointFile file;
  file.header = header;
  file.delta = delta;
  file.rows = static_cast<int64_t>(rows.size());
  file.source = Pieces(rows, piece);
  return file;
}

RecordBatch Registrations(const std::vector<std::string>& households) {
  RecordBatch rows;
  for (size_t i = 0; i < households.size(); ++i) {
    AddRegistration(rows, PersonId(static_cast<int>(i)), households[i]);
  }
  rows.Sort();
  return rows;
}

class JointSwitchTest : public StoreTest {
 protected:
  std::unique_ptr<Store> Open(rocksdb::Env* env = nullptr,
                              std::function<void()> hook = nullptr) {
    StoreOptions options;
    options.path = path_.string();
    options.block_cache_bytes = 8 << 20;
    options.env = env;
    options.max_records_per_sst = 2;  // several SST files per generation
    options.household_run_bytes = 1;  // one household run per row
    options.before_switch_hook = std::move(hook);
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // TAX (3 persons x 2 months of 100) and a register of four persons, each
  // as generation 1.
  void LoadFirst(Store* store) {
    ASSERT_TRUE(store
                    ->ApplyFullSnapshot(Header(hedui::v1::TAX, "t1"),
                                        TaxSnapshot(3, 2, 100))
                    .ok());
    ASSERT_TRUE(
        store
            ->ApplyFullSnapshot(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r1"),
                                Registrations({"H1", "H1", "H2", "H10"}))
            .ok());
  }

  static int64_t TaxOf(Store* store, int person) {
    auto read = store->ReadPersons({PersonId(person)});
    EXPECT_TRUE(read.ok()) << read.status();
    if (!read.ok() || read->persons(0).tax_size() == 0) return -1;
    return read->persons(0).tax(0).amount_fen();
  }

  static std::map<int, int64_t> Generations(Store* store) {
    std::map<int, int64_t> out;
    const std::vector<hedui::store::v1::DepartmentState> states =
        store->ListDepartments().value();
    for (const auto& state : states) {
      out[state.department()] = state.current().generation();
    }
    return out;
  }

  static bool HasKey(Store* store, const std::string& key) {
    std::string value;
    return store->service_tables()
        .db
        ->Get(rocksdb::ReadOptions(), store->service_tables().meta, key, &value)
        .ok();
  }
};

TEST_F(JointSwitchTest, EveryFileCurrentAfterOneSyncedWrite) {
  testing::SyncCountingEnv counting;
  int64_t syncs_at_last_file = -1;
  auto store = Open(counting.env.get(),
                    [&] { syncs_at_last_file = counting.fs->wal_syncs(); });
  LoadFirst(store.get());
  const RecordBatch tax = TaxSnapshot(3, 2, 200);
  const RecordBatch registrations = Registrations({"H3", "H3", "H3", "H3"});
  std::vector<JointFile> files = {
      Joint(Header(hedui::v1::TAX, "t2"), tax, 1),
      Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "r2"), registrations, 3)};
  rocksdb::ColumnFamilyHandle* meta = store->service_tables().meta;
  auto applied = store->ApplyJoint(files, [&](rocksdb::WriteBatch* batch) {
    batch->Put(meta, "test/also", "1");
  });
  ASSERT_TRUE(applied.ok()) << applied.status();
  // The acknowledging write is synced after the last file was prepared.
  EXPECT_GT(counting.fs->wal_syncs(), syncs_at_last_file);
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].current.generation(), 2u);
  EXPECT_EQ((*applied)[0].current.rows(), 6);
  EXPECT_EQ((*applied)[1].current.generation(), 2u);
  EXPECT_EQ((*applied)[1].current.rows(), 4);
  EXPECT_TRUE(HasKey(store.get(), "test/also"));

  auto check = [&](Store* s) {
    EXPECT_EQ(TaxOf(s, 0), 200);
    EXPECT_EQ(TaxOf(s, 2), 200);
    hedui::store::v1::RecordSet set;
    ASSERT_TRUE(s->ReadPersonsWithHouseholds({PersonId(0)}, &set).ok());
    EXPECT_EQ(Members(set, "H3"),
              (std::vector<std::string>{PersonId(0), PersonId(1), PersonId(2),
                                        PersonId(3)}));
    EXPECT_EQ(Generations(s),
              (std::map<int, int64_t>{{hedui::v1::HOUSEHOLD_REGISTRATION, 2},
                                      {hedui::v1::TAX, 2}}));
    EXPECT_TRUE(s->FindBatch(hedui::v1::TAX, "t2")->has_value());
    EXPECT_TRUE(
        s->FindBatch(hedui::v1::HOUSEHOLD_REGISTRATION, "r2")->has_value());
  };
  check(store.get());
  store.reset();
  store = Open();
  check(store.get());
  EXPECT_EQ(store->CountRecords(hedui::v1::TAX, 2).value(), 6);
}

TEST_F(JointSwitchTest, ADeltaAndASnapshotTogether) {
  auto store = Open();
  LoadFirst(store.get());
  // Person 0 moves to H2, person 2 leaves the register, person 3's row is
  // sent again unchanged.
  RecordBatch delta;
  AddRegistration(delta, PersonId(0), "H2");
  AddRegistration(delta, PersonId(2), "H2", /*erase=*/true);
  AddRegistration(delta, PersonId(3), "H10");
  delta.Sort();
  const RecordBatch tax = TaxSnapshot(3, 2, 300);
  auto applied = store->ApplyJoint(
      {Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta, 1,
             /*delta=*/true),
       Joint(Header(hedui::v1::TAX, "t2"), tax, 4)},
      nullptr);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ((*applied)[0].current.rows(), 3);
  EXPECT_EQ((*applied)[0].upserts, 2);
  EXPECT_EQ((*applied)[0].deletions, 1);
  EXPECT_EQ((*applied)[0].current.generation(), 1u);
  EXPECT_EQ(TaxOf(store.get(), 1), 300);
  hedui::store::v1::RecordSet set;
  ASSERT_TRUE(store->ReadPersonsWithHouseholds({PersonId(1)}, &set).ok());
  EXPECT_EQ(Members(set, "H1"), (std::vector<std::string>{PersonId(1)}));
  ASSERT_TRUE(store->ReadPersonsWithHouseholds({PersonId(0)}, &set).ok());
  EXPECT_EQ(Members(set, "H2"), (std::vector<std::string>{PersonId(0)}));
}

TEST_F(JointSwitchTest, ARefusalOrABrokenFileSwitchesNothing) {
  auto store = Open();
  LoadFirst(store.get());
  const std::map<int, int64_t> before = Generations(store.get());
  rocksdb::ColumnFamilyHandle* meta = store->service_tables().meta;
  auto marker = [&](rocksdb::WriteBatch* batch) {
    batch->Put(meta, "test/also", "1");
  };
  RecordBatch delta;
  AddRegistration(delta, PersonId(1), "H9");
  delta.Sort();
  auto nothing_switched = [&](const char* why) {
    SCOPED_TRACE(why);
    EXPECT_EQ(Generations(store.get()), before);
    EXPECT_EQ(TaxOf(store.get(), 0), 100);
    hedui::store::v1::RecordSet set;
    ASSERT_TRUE(store->ReadPersonsWithHouseholds({PersonId(1)}, &set).ok());
    EXPECT_EQ(Members(set, "H1"),
              (std::vector<std::string>{PersonId(0), PersonId(1)}));
    EXPECT_FALSE(HasKey(store.get(), "test/also"));
    EXPECT_FALSE(
        store->FindBatch(hedui::v1::HOUSEHOLD_REGISTRATION, "rd")->has_value());
  };

  // A full snapshot under half the current rows, without force, beside a
  // good delta.
  const RecordBatch shrunk = TaxSnapshot(1, 2, 200);
  auto refused = store->ApplyJoint(
      {Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta, 1, true),
       Joint(Header(hedui::v1::TAX, "t2"), shrunk, 1)},
      marker);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  nothing_switched("shrinking snapshot");

  // A batch already applied.
  const RecordBatch tax = TaxSnapshot(3, 2, 200);
  refused = store->ApplyJoint(
      {Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta, 1, true),
       Joint(Header(hedui::v1::TAX, "t1"), tax, 1)},
      marker);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  nothing_switched("already applied");

  // A source that gives fewer rows than the file has (a damaged hold): the
  // generation it loaded is abandoned and compacted away.
  JointFile short_file = Joint(Header(hedui::v1::TAX, "t2"), tax, 2);
  short_file.rows = 7;
  refused = store->ApplyJoint(
      {Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta, 1, true),
       short_file},
      marker);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss)
      << refused.status();
  nothing_switched("rows missing");
  ASSERT_TRUE(store->CompactRetired().ok());
  EXPECT_EQ(store->CountRecords(hedui::v1::TAX, 2).value(), 0);

  // Pieces out of order.
  JointFile backwards = Joint(Header(hedui::v1::TAX, "t2"), tax, 3);
  backwards.source = [&tax](const RowSink& sink) -> absl::Status {
    RecordBatch second;
    RecordBatch first;
    for (size_t i = 0; i < tax.size(); ++i) {
      const RecordView r = tax[i];
      (i < 3 ? first : second).Add(r.person_id, r.natural_key, r.value);
    }
    if (absl::Status s = sink(second); !s.ok()) return s;
    return sink(first);
  };
  refused = store->ApplyJoint({backwards}, marker);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInternal)
      << refused.status();
  nothing_switched("out of order");

  // The same files, whole and in order, then switch.
  auto applied = store->ApplyJoint(
      {Joint(Header(hedui::v1::HOUSEHOLD_REGISTRATION, "rd"), delta, 1, true),
       Joint(Header(hedui::v1::TAX, "t2"), tax, 2)},
      marker);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(TaxOf(store.get(), 0), 200);
  EXPECT_TRUE(HasKey(store.get(), "test/also"));
}

// Changed persons recorded while a full snapshot loads (issue 16): added,
// removed and changed persons found, unchanged ones not, and read back by
// PersonsChangedBetween without comparing the generations.
TEST_F(StoreTest, RecordsTheChangedPersonsOfAFullSnapshotWhileLoading) {
  auto store = OpenStore(2);
  // Generation 1: persons 0..5, two months each, amount 100.
  auto first = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "g1"),
                                        TaxSnapshot(6, 2, 100));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->changed_persons, 6);  // all new
  // Generation 2: person 0 removed, person 2 a new amount in month 2,
  // person 4 a third month, person 7 new; 1, 3 and 5 as before.
  RecordBatch next;
  for (int p : {1, 2, 3, 4, 5, 7}) {
    AddTax(next, PersonId(p), 1, 100);
    AddTax(next, PersonId(p), 2, p == 2 ? 150 : 100);
    if (p == 4) AddTax(next, PersonId(p), 3, 100);
  }
  next.Sort();
  auto second = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "g2"), next);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->changed_persons, 4);
  std::vector<std::string> asked;
  for (int p = 0; p < 9; ++p) asked.push_back(PersonId(p));
  auto changed = PersonsChangedBetween(store->service_tables(), hedui::v1::TAX,
                                       1, 2, asked);
  ASSERT_TRUE(changed.ok()) << changed.status();
  std::vector<std::string> expected = {PersonId(0), PersonId(2), PersonId(4),
                                       PersonId(7)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*changed, expected);
  // Only the persons asked.
  changed = PersonsChangedBetween(store->service_tables(), hedui::v1::TAX, 1, 2,
                                  {PersonId(1), PersonId(2)});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, std::vector<std::string>{PersonId(2)});
  // The same rows again: nobody changed, through a joint switch too.
  auto same = store->ApplyJoint({Joint(Header(hedui::v1::TAX, "g3"), next, 5)},
                                nullptr);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ((*same)[0].changed_persons, 0);
  changed = PersonsChangedBetween(store->service_tables(), hedui::v1::TAX, 2, 3,
                                  asked);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->empty());
}

// A generation loaded before format 5 has no digests: the next file is not
// recorded and its changes are found by comparing the generations; the one
// after is recorded again. Generations retired take their digests along.
TEST_F(StoreTest, GenerationsWithoutDigestsAreComparedTheOldWay) {
  auto store = OpenStore(1);
  ASSERT_TRUE(store
                  ->ApplyFullSnapshot(Header(hedui::v1::TAX, "g1"),
                                      TaxSnapshot(3, 1, 100))
                  .ok());
  Store::ServiceTables tables = store->service_tables();
  const auto [from, to] = DigestRange(hedui::v1::TAX, 1);
  ASSERT_TRUE(
      tables.db->DeleteRange(rocksdb::WriteOptions(), tables.meta, from, to)
          .ok());
  RecordBatch next = TaxSnapshot(3, 1, 100);
  AddTax(next, PersonId(5), 1, 1);
  next.Sort();
  auto second = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "g2"), next);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->changed_persons, -1);
  EXPECT_FALSE(RecordedChanges(tables.db, tables.meta, hedui::v1::TAX, 1, 2)
                   ->has_value());
  std::vector<std::string> asked = {PersonId(0), PersonId(5)};
  std::sort(asked.begin(), asked.end());
  auto changed = PersonsChangedBetween(tables, hedui::v1::TAX, 1, 2, asked);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, std::vector<std::string>{PersonId(5)});
  auto third = store->ApplyFullSnapshot(Header(hedui::v1::TAX, "g3"),
                                        TaxSnapshot(3, 1, 100));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->changed_persons, 1);  // person 5 removed
  // Generation 1 left the retained ones: its keys are gone.
  std::string value;
  EXPECT_TRUE(tables.db
                  ->Get(rocksdb::ReadOptions(), tables.meta,
                        ChangedRange(hedui::v1::TAX, 1).first, &value)
                  .IsNotFound());
  EXPECT_TRUE(tables.db
                  ->Get(rocksdb::ReadOptions(), tables.meta,
                        ChangedRange(hedui::v1::TAX, 3).first, &value)
                  .ok());
}

}  // namespace
}  // namespace hedui::storage
