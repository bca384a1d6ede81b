#include "storage/retention.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/audit_chain.h"
#include "storage/audit_range.h"
#include "storage/events/event_store.h"
#include "storage/rolls/roll_keys.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log_keys.h"
#include "storage/testing/audit_mac_vector.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::v1::ListAuditRequest;
using hedui::v1::ListReportsRequest;
using hedui::v1::Report;

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

int64_t ChinaMicros(absl::CivilDay day, int hour = 10) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), hour),
                      ChinaTimeZone()));
}

// A verification of `members` on `day`, audited at 10:00 that day.
ServiceRecord Verification(absl::CivilDay day,
                           const std::vector<std::string>& members) {
  ServiceRecord record;
  record.audit.set_time_unix_micros(ChinaMicros(day));
  record.audit.set_caller("dibao-system");
  record.audit.set_method("/hedui.v1.VerificationService/Verify");
  record.audit.set_program(hedui::v1::DIBAO);
  record.audit.set_outcome("OK");
  record.audit.set_batch_index(-1);
  Report report;
  report.set_program(hedui::v1::DIBAO);
  *report.mutable_verification_date() = ToProto(day);
  report.set_verdict(hedui::v1::MEETS_CRITERIA);
  report.mutable_policy()->set_region_code("320581");
  report.mutable_request()->set_program(hedui::v1::DIBAO);
  report.mutable_request()->set_region_code("320581");
  for (const std::string& id : members) {
    report.mutable_request()->add_members()->set_person_id(id);
  }
  record.report = std::move(report);
  return record;
}

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "retention_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_options_.audit_key = std::string(32, 'k');
    log_options_.head_file = (dir_ / "audit.heads").string();
    log_options_.head_every = 7;
    Open();
  }
  void TearDown() override {
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    log_.reset();
    store_.reset();
    StoreOptions options;
    options.path = (dir_ / "db").string();
    options.block_cache_bytes = 8 << 20;
    options.retained_snapshots = 2;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto log = ServiceLog::Open(store_->service_tables(), log_options_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  // 10 old reports (October 2026) of persons 0..9, then 5 recent ones
  // (November) of persons 5..9: persons 5..9 have both.
  std::vector<std::string> AddReports() {
    std::vector<std::string> ids;
    for (int i = 0; i < 15; ++i) {
      const absl::CivilDay day = i < 10 ? absl::CivilDay(2026, 10, 1 + i)
                                        : absl::CivilDay(2026, 11, i - 8);
      std::vector<ServiceRecord> records;
      records.push_back(
          Verification(day, {PersonId(i < 10 ? i : i - 5), PersonId(100 + i)}));
      auto appended = log_->Append(std::move(records));
      EXPECT_TRUE(appended.ok()) << appended.status();
      if (appended.ok()) ids.push_back((*appended)[0].report_id);
    }
    return ids;
  }

  int CountReports(const std::string& person = "") {
    ListReportsRequest request;
    request.set_person_id(person);
    request.set_page_size(500);
    auto listed = log_->ListReports(request, {});
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? listed->reports_size() : -1;
  }

  std::vector<uint64_t> AuditOf(const std::string& person) {
    ListAuditRequest request;
    request.set_person_id(person);
    auto listed = log_->ListAudit(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<uint64_t> sequences;
    if (listed.ok()) {
      for (const auto& e : listed->entries()) sequences.push_back(e.sequence());
    }
    return sequences;
  }

  hedui::v1::AuditEntry LastEntry() {
    ListAuditRequest request;
    request.set_page_size(1000);
    auto listed = log_->ListAudit(request);
    EXPECT_TRUE(listed.ok() && listed->entries_size() > 0);
    return listed->entries(listed->entries_size() - 1);
  }

  std::unique_ptr<Purger> MakePurger(int report_days, int snapshot_days = 0) {
    RetentionOptions options;
    options.report_retention_days = report_days;
    options.retired_snapshot_retention_days = snapshot_days;
    options.batch_size = 3;  // several batches
    return std::make_unique<Purger>(store_.get(), log_.get(), options);
  }

  std::filesystem::path dir_;
  ServiceLogOptions log_options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceLog> log_;
};

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 12, 1, 12, 0, 0), ChinaTimeZone());
const PurgeCaller kAdmin{"admin-1", "/hedui.v1.RetentionService/Purge"};

TEST_F(RetentionTest, PurgesReportsBeforeTheCutoffWithTheirIndexes) {
  const std::vector<std::string> ids = AddReports();
  // 30 days before 2026-12-01: reports verified before 2026-11-01 go.
  auto purged = MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(purged->reports_purged(), 10);
  EXPECT_EQ(DateNumber(purged->report_cutoff()), 20261101u);
  for (int i = 0; i < 15; ++i) {
    auto report = log_->GetReport(ids[i]);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->has_value(), i >= 10) << ids[i];
  }
  EXPECT_EQ(CountReports(), 5);
  EXPECT_EQ(CountReports(PersonId(0)), 0);  // its 'm' key is gone
  EXPECT_EQ(CountReports(PersonId(5)), 1);  // the November one stays
  EXPECT_EQ(CountReports(PersonId(100)), 0);
  hedui::v1::GetStatsRequest stats;
  *stats.mutable_from_date() = ToProto(absl::CivilDay(2026, 1, 1));
  *stats.mutable_to_date() = ToProto(absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(log_->Stats(stats, {})->households(), 5);
}

// domain.md §10.1: reports that active roll entries rest on are kept by the
// purge whatever their age; once the entry ends, the next run takes them.
TEST_F(RetentionTest, ReportsOfActiveRollEntriesSurviveThePurge) {
  const std::vector<std::string> ids = AddReports();
  auto rolls = RollStore::Open(store_->service_tables());
  ASSERT_TRUE(rolls.ok()) << rolls.status();
  auto enrol = [&](const RollChange& change) {
    ServiceRecord record;
    record.audit.set_caller("dibao-system");
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.audit.set_outcome("OK");
    record.writes = (*rolls)->Writes(change);
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    ASSERT_TRUE(log_->Append(std::move(records)).ok());
  };
  hedui::v1::RollEntry entry;
  entry.set_entry_id("E000000000001");
  entry.set_program(hedui::v1::DIBAO);
  entry.set_region_code("320581");
  entry.set_applicant_id(PersonId(2));
  entry.set_state(hedui::v1::RollEntry::ACTIVE);
  entry.set_report_id(ids[2]);  // verified 2026-10-03, past the cutoff
  entry.mutable_request()->add_members()->set_person_id(PersonId(2));
  RollChange enrolled;
  enrolled.entries = {entry};
  enrol(enrolled);

  auto purged = MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(purged->reports_purged(), 9);
  for (int i = 0; i < 15; ++i) {
    auto report = log_->GetReport(ids[i]);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->has_value(), i >= 10 || i == 2) << ids[i];
  }
  EXPECT_EQ(CountReports(PersonId(2)), 1) << "its indexes stay with it";

  hedui::v1::RollEntry ended = entry;
  ended.set_state(hedui::v1::RollEntry::ENDED);
  ended.set_end_reason(hedui::v1::RollEntry::VOLUNTARY);
  *ended.mutable_ended_on() = ToProto(absl::CivilDay(2026, 11, 30));
  RollChange withdrawn;
  withdrawn.entries = {ended};
  withdrawn.previous = {entry};
  enrol(withdrawn);
  purged = MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(purged->reports_purged(), 1);
  auto report = log_->GetReport(ids[2]);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->has_value());
}

TEST_F(RetentionTest, ChainStaysIntactAndThePurgeIsAudited) {
  AddReports();
  auto purged = MakePurger(30)->Run(kAdmin, false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  auto verified = log_->VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->entries(), 16u);  // 15 verifications + the purge
  const hedui::v1::AuditEntry entry = LastEntry();
  EXPECT_EQ(entry.sequence(), purged->audit_sequence());
  EXPECT_EQ(entry.caller(), "admin-1");
  EXPECT_EQ(entry.method(), "/hedui.v1.RetentionService/Purge");
  EXPECT_EQ(entry.code(), 0);
  EXPECT_EQ(entry.outcome(),
            "purged 10 reports verified before 2026-11-01, 20 audit "
            "person-index keys, 0 change events that occurred before the "
            "same day, 0 request ids, 0 roll entries that ended before the "
            "same day, no "
            "snapshots (snapshot retention off)");
  EXPECT_TRUE(entry.persons_hash().empty());
}

TEST_F(RetentionTest, PersonIndexOfOldEntriesExpires) {
  AddReports();
  EXPECT_EQ(AuditOf(PersonId(5)), (std::vector<uint64_t>{6, 11}));
  auto purged = MakePurger(30)->Run(kAdmin, false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  // Two persons per entry, ten entries before 2026-11-01.
  EXPECT_EQ(purged->person_index_keys_dropped(), 20);
  EXPECT_TRUE(AuditOf(PersonId(0)).empty());
  EXPECT_EQ(AuditOf(PersonId(5)), (std::vector<uint64_t>{11}));
  EXPECT_EQ(AuditOf(PersonId(110)), (std::vector<uint64_t>{11}));
  // A second run finds nothing more.
  auto again = MakePurger(30)->Run(kAdmin, false, kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reports_purged(), 0);
  EXPECT_EQ(again->person_index_keys_dropped(), 0);
}

TEST_F(RetentionTest, DryRunCountsAndChangesNothingButTheAudit) {
  const std::vector<std::string> ids = AddReports();
  auto dry = MakePurger(30)->Run(kAdmin, /*dry_run=*/true, kNow);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->dry_run());
  EXPECT_EQ(dry->reports_purged(), 10);
  EXPECT_EQ(dry->person_index_keys_dropped(), 20);
  EXPECT_EQ(CountReports(), 15);
  EXPECT_TRUE(log_->GetReport(ids[0])->has_value());
  EXPECT_EQ(AuditOf(PersonId(0)).size(), 1u);
  EXPECT_TRUE(absl::StartsWith(LastEntry().outcome(),
                               "dry run, would purge 10 reports"));
}

TEST_F(RetentionTest, RetentionOffPurgesNothing) {
  AddReports();
  auto purged = MakePurger(0)->Run(kAdmin, false, kNow);
  ASSERT_TRUE(purged.ok());
  EXPECT_FALSE(purged->has_report_cutoff());
  EXPECT_EQ(CountReports(), 15);
}

TEST_F(RetentionTest, PurgedReportIdsAreNeverGivenAgain) {
  const std::vector<std::string> ids = AddReports();
  // Everything verified before 2026-12-01 goes, the newest report too.
  auto purged = MakePurger(1)->Run(kAdmin, false, kNow + absl::Hours(24));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(purged->reports_purged(), 15);
  Open();  // numbering resumes from the store
  std::vector<ServiceRecord> records;
  records.push_back(
      Verification(absl::CivilDay(2026, 12, 2), {PersonId(1), PersonId(2)}));
  auto appended = log_->Append(std::move(records));
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ((*appended)[0].report_id, "R000000000016");
  EXPECT_EQ(ids.back(), "R000000000015");
}

TEST_F(RetentionTest, RetiredSnapshotsPastTheirPeriodAreDeleted) {
  for (int i = 1; i <= 3; ++i) {
    RecordBatch records;
    hedui::store::v1::TaxRecord tax;
    tax.set_person_id(PersonId(1));
    tax.mutable_period()->set_year(2026);
    tax.mutable_period()->set_month(1);
    tax.set_amount_fen(i);
    records.Add(PersonId(1), "202601", tax.SerializeAsString(), 0, false);
    records.Sort();
    BatchHeader header;
    header.department = hedui::v1::TAX;
    header.batch_id = absl::StrCat("s", i);
    header.as_of = absl::CivilDay(2026, 10, i);
    ASSERT_TRUE(store_->ApplyFullSnapshot(header, records).ok());
  }
  ASSERT_EQ((*store_->ListDepartments())[0].retained_size(), 2);
  // Retired a moment ago: within any period.
  auto kept = MakePurger(0, 30)->Run(kAdmin, false, absl::Now());
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->snapshots_purged(), 0);
  // 31 days on, both retired ones are past 30 days; a dry run first.
  const absl::Time later = absl::Now() + absl::Hours(24 * 31);
  auto dry = MakePurger(0, 30)->Run(kAdmin, true, later);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->snapshots_purged(), 2);
  EXPECT_EQ((*store_->ListDepartments())[0].retained_size(), 2);
  auto purged = MakePurger(0, 30)->Run(kAdmin, false, later);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged->snapshots_purged(), 2);
  EXPECT_EQ((*store_->ListDepartments())[0].retained_size(), 0);
  ASSERT_TRUE(store_->CompactRetired().ok());
  EXPECT_EQ(*store_->CountRecords(hedui::v1::TAX, 1), 0);
  EXPECT_EQ(*store_->CountRecords(hedui::v1::TAX, 2), 0);
  EXPECT_EQ(*store_->CountRecords(hedui::v1::TAX, 3), 1);
  EXPECT_EQ(store_->ReadPersons({PersonId(1)})->persons(0).tax(0).amount_fen(),
            3);
  EXPECT_TRUE(
      absl::StrContains(LastEntry().outcome(), ", 2 retired snapshots"));
}

TEST_F(RetentionTest, NegativePeriodsAreRefused) {
  RetentionOptions options;
  options.report_retention_days = -1;
  EXPECT_FALSE(ValidateRetentionOptions(options).ok());
  options.report_retention_days = 365;
  EXPECT_TRUE(ValidateRetentionOptions(options).ok());
}

TEST_F(RetentionTest, AuditReaderFindsARangeAndItsAnchor) {
  AddReports();
  AuditReader reader(store_->service_tables());
  // November: entries 11..15.
  auto range = reader.Range(ChinaMicros(absl::CivilDay(2026, 11, 1), 0),
                            ChinaMicros(absl::CivilDay(2026, 12, 1), 0));
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->first, 11u);
  EXPECT_EQ(range->last, 15u);
  EXPECT_EQ(range->chain_length, 15u);
  std::vector<std::string> values;
  ASSERT_TRUE(reader
                  .Read(range->first, range->last, 100,
                        [&](std::vector<std::string>& chunk) {
                          values.insert(values.end(), chunk.begin(),
                                        chunk.end());
                          return true;
                        })
                  .ok());
  ASSERT_EQ(values.size(), 5u);
  hedui::v1::AuditEntry first;
  ASSERT_TRUE(first.ParseFromString(values[0]));
  EXPECT_EQ(first.sequence(), 11u);
  EXPECT_EQ(first.previous_mac(), range->anchor_mac);
  // From the start: the anchor is 32 zero bytes; an empty range is 0..0.
  auto all = reader.Range(0, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->first, 1u);
  EXPECT_EQ(all->last, 15u);
  EXPECT_EQ(all->anchor_mac, std::string(32, '\0'));
  auto none = reader.Range(ChinaMicros(absl::CivilDay(2027, 1, 1)), 0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->first, 0u);
  EXPECT_EQ(none->last, 0u);
}

TEST(AuditMacVectorTest, ServerMacMatchesTheSharedVector) {
  auto hmac = HmacSha256::Create(hedui::testing::kAuditVectorKey);
  ASSERT_TRUE(hmac.ok());
  const std::string body =
      absl::HexStringToBytes(hedui::testing::kAuditVectorBodyHex);
  const std::string mac1 = (*hmac)->Mac({std::string(32, '\0'), body});
  EXPECT_EQ(absl::BytesToHexString(mac1), hedui::testing::kAuditVectorMac1Hex);
  EXPECT_EQ(absl::BytesToHexString((*hmac)->Mac({mac1, body})),
            hedui::testing::kAuditVectorMac2Hex);
}

// Change events are kept for the reports' retention period, measured by the
// day they occurred on (domain.md §10), each deleted whole with its
// indexes; their numbers are never given again, and the purge's audit
// entry counts them.
TEST_F(RetentionTest, ChangeEventsArePurgedLikeReports) {
  auto event = [](absl::CivilDay day, const char* entry) {
    hedui::v1::ChangeEvent e;
    e.set_kind(hedui::v1::ChangeEvent::REVERIFICATION);
    e.set_trigger(hedui::v1::ChangeEvent::FEED);
    e.set_program(hedui::v1::DIBAO);
    e.set_region_code("320581");
    e.set_entry_id(entry);
    *e.mutable_occurred_on() = ToProto(day);
    return e;
  };
  std::vector<uint64_t> numbers;
  for (int i = 0; i < 4; ++i) {
    // Two in October, then two in November; the last one committed is old.
    const absl::CivilDay day = i == 3   ? absl::CivilDay(2026, 10, 20)
                               : i == 0 ? absl::CivilDay(2026, 10, 5)
                                        : absl::CivilDay(2026, 11, 2 + i);
    ServiceRecord record = Verification(day, {PersonId(i)});
    record.reverification_trigger = hedui::v1::ChangeEvent::FEED;
    record.events = {event(day, "E000000000001")};
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    auto appended = log_->Append(std::move(records));
    ASSERT_TRUE(appended.ok()) << appended.status();
    numbers.push_back((*appended)[0].event_numbers.at(0));
  }
  ASSERT_EQ(numbers, (std::vector<uint64_t>{1, 2, 3, 4}));
  // A refused re-verification in October, counted by GetStats until purged.
  ServiceRecord refused;
  refused.audit.set_caller("(server)");
  refused.audit.set_method("internal/reverify");
  refused.audit.set_program(hedui::v1::DIBAO);
  refused.audit.set_region_code("320581");
  refused.audit.set_time_unix_micros(ChinaMicros(absl::CivilDay(2026, 10, 9)));
  refused.reverification_trigger = hedui::v1::ChangeEvent::REVIEW;
  std::vector<ServiceRecord> records;
  records.push_back(std::move(refused));
  ASSERT_TRUE(log_->Append(std::move(records)).ok());
  hedui::v1::GetStatsRequest stats;
  *stats.mutable_from_date() = ToProto(absl::CivilDay(2026, 1, 1));
  *stats.mutable_to_date() = ToProto(absl::CivilDay(2026, 12, 31));
  auto before = log_->Stats(stats, {});
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->reverifications_by_trigger_size(), 2);
  EXPECT_EQ(before->reverifications_by_trigger(1).refused(), 1);

  auto purged = MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_NE(LastEntry().outcome().find(
                "2 change events that occurred before the same day"),
            std::string::npos)
      << LastEntry().outcome();
  auto events = EventStore::Open(store_->service_tables());
  ASSERT_TRUE(events.ok());
  const uint64_t through = log_->HighestDurableEvent();
  EXPECT_EQ(through, 4u);
  for (uint64_t n = 1; n <= 4; ++n) {
    EXPECT_EQ((*events)->Get(n, through).value().has_value(), n == 2 || n == 3)
        << n;
  }
  EXPECT_EQ((*events)->PurgedThrough().value(), 4u);
  EventQuery entry;
  entry.entry_id = "E000000000001";
  entry.through = through;
  auto listed = (*events)->List(entry);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->events.size(), 2u);
  auto after = log_->Stats(stats, {});
  ASSERT_TRUE(after.ok());
  for (const auto& row : after->reverifications_by_trigger()) {
    EXPECT_EQ(row.refused(), 0) << "the refused October one went too";
  }

  Open();  // numbering resumes after the purged number 4
  EXPECT_EQ(log_->HighestDurableEvent(), 4u);
  ServiceRecord next =
      Verification(absl::CivilDay(2026, 11, 30), {PersonId(9)});
  next.events = {event(absl::CivilDay(2026, 11, 30), "E000000000002")};
  records.clear();
  records.push_back(std::move(next));
  auto appended = log_->Append(std::move(records));
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ((*appended)[0].event_numbers, (std::vector<uint64_t>{5}));
}

// Ended roll entries (domain.md §10: "ended entries are kept for the
// retention period"). Today 2026-12-01, 30 days: the cutoff is 2026-11-01,
// so an entry that ended 2026-10-31 (31 days ago, one past the period) goes
// and one that ended 2026-11-01 (30 days ago) stays, as a report verified
// that day stays.
class RollRetentionTest : public RetentionTest {
 protected:
  static constexpr char kWithdrawnOld[] = "E000000000001";   // 2026-10-31
  static constexpr char kEndedInPeriod[] = "E000000000002";  // 2026-11-01
  static constexpr char kActiveOld[] = "E000000000003";    // report 2026-10-01
  static constexpr char kReplacedOld[] = "E000000000004";  // 2026-10-20
  static constexpr char kReplacement[] = "E000000000005";  // active

  void SetUp() override {
    RetentionTest::SetUp();
    ids_ = AddReports();
    OpenRolls();
  }

  void OpenRolls() {
    auto rolls = RollStore::Open(store_->service_tables());
    ASSERT_TRUE(rolls.ok()) << rolls.status();
    rolls_ = std::move(*rolls);
  }

  void Commit(std::vector<StoreWrite> writes) {
    ServiceRecord record;
    record.audit.set_caller("dibao-system");
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.audit.set_outcome("OK");
    record.writes = std::move(writes);
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    ASSERT_TRUE(log_->Append(std::move(records)).ok());
  }

  static hedui::v1::RollEntry Entry(const char* id, int applicant,
                                    const std::string& report_id) {
    hedui::v1::RollEntry entry;
    entry.set_entry_id(id);
    entry.set_program(hedui::v1::DIBAO);
    entry.set_region_code("320581");
    entry.set_applicant_id(PersonId(applicant));
    entry.set_state(hedui::v1::RollEntry::ACTIVE);
    entry.set_report_id(report_id);
    entry.mutable_request()->add_members()->set_person_id(PersonId(applicant));
    entry.mutable_request()->add_members()->set_person_id(
        PersonId(300 + applicant));
    return entry;
  }

  void Enrol(const hedui::v1::RollEntry& entry) {
    RollChange change;
    change.entries = {entry};
    Commit(rolls_->Writes(change));
  }

  void End(const hedui::v1::RollEntry& entry, absl::CivilDay day,
           hedui::v1::RollEntry::EndReason reason,
           const hedui::v1::RollEntry* replacement = nullptr) {
    hedui::v1::RollEntry ended = entry;
    ended.set_state(hedui::v1::RollEntry::ENDED);
    ended.set_end_reason(reason);
    *ended.mutable_ended_on() = ToProto(day);
    RollChange change;
    change.entries = {ended};
    if (replacement != nullptr) {
      ended.set_replaced_by_entry_id(replacement->entry_id());
      change.entries = {ended, *replacement};
    }
    change.previous = {entry};
    Commit(rolls_->Writes(change));
  }

  // Two withdrawn or replaced before the cutoff, one ended on it, two
  // active (one resting on a report older than the period).
  void AddEntries() {
    const hedui::v1::RollEntry withdrawn = Entry(kWithdrawnOld, 1, ids_[1]);
    const hedui::v1::RollEntry in_period = Entry(kEndedInPeriod, 2, ids_[10]);
    const hedui::v1::RollEntry active = Entry(kActiveOld, 3, ids_[0]);
    const hedui::v1::RollEntry replaced = Entry(kReplacedOld, 4, ids_[4]);
    const hedui::v1::RollEntry replacement = Entry(kReplacement, 4, ids_[11]);
    for (const auto* entry : {&withdrawn, &in_period, &active, &replaced}) {
      Enrol(*entry);
    }
    // Duplicate pairs already reported, remembered past the ends (as a
    // store written before the scan forgot them would hold): the purge
    // must not leave a pair naming a deleted entry.
    std::vector<StoreWrite> pairs =
        rolls_->PairWrites(kWithdrawnOld, kActiveOld, true);
    for (StoreWrite& w :
         rolls_->PairWrites(kReplacedOld, kEndedInPeriod, true)) {
      pairs.push_back(std::move(w));
    }
    Commit(std::move(pairs));
    End(withdrawn, absl::CivilDay(2026, 10, 31), hedui::v1::RollEntry::INCOME);
    End(in_period, absl::CivilDay(2026, 11, 1),
        hedui::v1::RollEntry::VOLUNTARY);
    End(replaced, absl::CivilDay(2026, 10, 20), hedui::v1::RollEntry::REPLACED,
        &replacement);
    // A person-index row left behind by an older store.
    Commit({StoreWrite{store_->service_tables().roll_persons,
                       RollPersonKey(PersonId(1), kWithdrawnOld), ""}});
  }

  bool Has(const char* entry_id) {
    auto got = rolls_->Get(entry_id);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() && got->has_value();
  }

  // Every key of the roll families that names the entry.
  std::vector<std::string> KeysNaming(absl::string_view entry_id) {
    std::vector<std::string> found;
    const Store::ServiceTables tables = store_->service_tables();
    for (rocksdb::ColumnFamilyHandle* family :
         {tables.rolls, tables.roll_persons}) {
      std::unique_ptr<rocksdb::Iterator> it(
          tables.db->NewIterator(rocksdb::ReadOptions(), family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (absl::StrContains(it->key().ToString(), entry_id) ||
            it->value().ToString() == entry_id) {
          found.push_back(absl::CEscape(it->key().ToString()));
        }
      }
      EXPECT_TRUE(it->status().ok());
    }
    return found;
  }

  std::vector<std::string> Listed() {
    RollListQuery query;
    query.program = hedui::v1::DIBAO;
    query.state = hedui::v1::ListRollRequest::ALL;
    auto listed = rolls_->List(query);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const auto& e : listed->entries()) ids.push_back(e.entry_id());
    }
    return ids;
  }

  std::vector<std::string> ids_;
  std::unique_ptr<RollStore> rolls_;
};

TEST_F(RollRetentionTest, EntriesEndedBeforeTheCutoffGoWithEveryKey) {
  AddEntries();
  ASSERT_EQ(Listed(),
            (std::vector<std::string>{kWithdrawnOld, kEndedInPeriod, kActiveOld,
                                      kReplacedOld, kReplacement}));
  ASSERT_FALSE(KeysNaming(kWithdrawnOld).empty());

  auto purged = MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_NE(LastEntry().outcome().find(
                ", 2 roll entries that ended before the same day, "),
            std::string::npos)
      << LastEntry().outcome();

  // Withdrawn 31 days ago and replaced 42 days ago: gone, with every key.
  EXPECT_FALSE(Has(kWithdrawnOld));
  EXPECT_FALSE(Has(kReplacedOld));
  EXPECT_TRUE(KeysNaming(kWithdrawnOld).empty())
      << absl::StrJoin(KeysNaming(kWithdrawnOld), " ");
  EXPECT_TRUE(KeysNaming(kReplacedOld).empty())
      << absl::StrJoin(KeysNaming(kReplacedOld), " ");
  // Ended 30 days ago: kept. Active whatever the age of its report: kept,
  // with its report; the one that replaced a purged entry too.
  EXPECT_TRUE(Has(kEndedInPeriod));
  EXPECT_TRUE(Has(kActiveOld));
  EXPECT_TRUE(Has(kReplacement));
  EXPECT_EQ(Listed(), (std::vector<std::string>{kEndedInPeriod, kActiveOld,
                                                kReplacement}));
  EXPECT_TRUE(log_->GetReport(ids_[0])->has_value());
  EXPECT_FALSE(log_->GetReport(ids_[1])->has_value())
      << "the withdrawn entry's report goes by its own date";
  auto active = rolls_->FindActive(hedui::v1::DIBAO, PersonId(3));
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->entry_id(), kActiveOld);
  auto replacement = rolls_->FindActive(hedui::v1::DIBAO, PersonId(4));
  ASSERT_TRUE(replacement.ok() && replacement->has_value());
  EXPECT_EQ((*replacement)->entry_id(), kReplacement);
  EXPECT_EQ(rolls_->ActiveEntriesOf(PersonId(3)).value(),
            (std::vector<std::string>{kActiveOld}));
  EXPECT_TRUE(rolls_->ActiveEntriesOf(PersonId(1)).value().empty());
  EXPECT_TRUE(rolls_->KnownPairsOf(kActiveOld).value().empty());
  EXPECT_TRUE(rolls_->KnownPairsOf(kEndedInPeriod).value().empty());

  // A second run finds nothing more; numbering never goes back.
  auto again = MakePurger(30)->Run(kAdmin, false, kNow);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(LastEntry().outcome().find(", 0 roll entries that ended"),
            std::string::npos);
  OpenRolls();
  absl::MutexLock lock(&rolls_->mu());
  EXPECT_EQ(rolls_->AllocateEntryId().value(), "E000000000006");
}

// domain.md §10.1: "Reports that active entries rest on are kept by the
// purge": the enrolment's report and the latest re-verification's, which
// the entry shows and its next re-verification compares with. An ended
// entry's latest report goes by its date.
TEST_F(RollRetentionTest, AnActiveEntrysLatestReportIsKept) {
  hedui::v1::RollEntry active = Entry(kActiveOld, 3, ids_[0]);
  active.set_latest_report_id(ids_[2]);  // verified 2026-10-03
  Enrol(active);
  hedui::v1::RollEntry ended = Entry(kWithdrawnOld, 1, ids_[1]);
  ended.set_latest_report_id(ids_[5]);
  Enrol(ended);
  End(ended, absl::CivilDay(2026, 11, 20), hedui::v1::RollEntry::VOLUNTARY);

  ASSERT_TRUE(MakePurger(30)->Run(kAdmin, /*dry_run=*/false, kNow).ok());
  EXPECT_TRUE(log_->GetReport(ids_[0])->has_value());
  EXPECT_TRUE(log_->GetReport(ids_[2])->has_value())
      << "the active entry's latest report was purged";
  EXPECT_FALSE(log_->GetReport(ids_[3])->has_value()) << "an unused old one";
  EXPECT_FALSE(log_->GetReport(ids_[5])->has_value())
      << "an ended entry's latest report goes by its date";
}

TEST_F(RollRetentionTest, HighestPurgedEntryNumberIsNeverGivenAgain) {
  // The newest entry ended long ago: after it goes, its number stays taken.
  const hedui::v1::RollEntry entry = Entry(kWithdrawnOld, 1, ids_[1]);
  Enrol(entry);
  End(entry, absl::CivilDay(2026, 10, 5), hedui::v1::RollEntry::DEATH);
  ASSERT_TRUE(MakePurger(30)->Run(kAdmin, false, kNow).ok());
  ASSERT_FALSE(Has(kWithdrawnOld));
  OpenRolls();
  absl::MutexLock lock(&rolls_->mu());
  EXPECT_EQ(rolls_->AllocateEntryId().value(), "E000000000002");
}

TEST_F(RollRetentionTest, DryRunCountsTheSameAndDeletesNothing) {
  AddEntries();
  const std::vector<std::string> keys = KeysNaming("E0000000000");
  auto dry = MakePurger(30)->Run(kAdmin, /*dry_run=*/true, kNow);
  ASSERT_TRUE(dry.ok()) << dry.status();
  const std::string outcome = LastEntry().outcome();
  EXPECT_TRUE(absl::StartsWith(outcome, "dry run, would purge ")) << outcome;
  EXPECT_NE(outcome.find(", 2 roll entries that ended before the same day"),
            std::string::npos)
      << outcome;
  EXPECT_EQ(KeysNaming("E0000000000"), keys);
  EXPECT_TRUE(Has(kWithdrawnOld));
  EXPECT_TRUE(Has(kReplacedOld));

  storage::PurgeTally tally;
  auto purged = MakePurger(30)->Run(kAdmin, false, kNow, &tally);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(tally.roll_entries, 2);
  EXPECT_EQ(purged->reports_purged(), dry->reports_purged());
}

TEST_F(RollRetentionTest, RetentionOffKeepsEndedEntries) {
  AddEntries();
  storage::PurgeTally tally;
  ASSERT_TRUE(MakePurger(0)->Run(kAdmin, false, kNow, &tally).ok());
  EXPECT_EQ(tally.roll_entries, -1);
  EXPECT_TRUE(Has(kWithdrawnOld));
  EXPECT_TRUE(Has(kReplacedOld));
}

}  // namespace
}  // namespace hedui::storage
