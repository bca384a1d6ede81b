#include "storage/service_log.h"

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/audit_chain.h"
#include "storage/service_log_keys.h"
#include "storage/testing/no_space_file_system.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/testing/sync_counting_env.h"
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

Report MakeReport(hedui::v1::Program program, absl::CivilDay day,
                  hedui::v1::Verdict verdict, const std::string& region,
                  const std::vector<std::string>& members) {
  Report report;
  report.set_program(program);
  report.mutable_verification_date()->set_year(static_cast<int>(day.year()));
  report.mutable_verification_date()->set_month(day.month());
  report.mutable_verification_date()->set_day(day.day());
  report.set_verdict(verdict);
  report.set_summary("符合条件");
  report.mutable_policy()->set_region_code(region);
  report.mutable_policy()->set_version("2026-1");
  auto* request = report.mutable_request();
  request->set_program(program);
  request->set_region_code(region);
  request->set_application_id(absl::StrCat("app-", members.size()));
  for (const std::string& id : members) {
    request->add_members()->set_person_id(id);
  }
  report.set_engine_version("test");
  return report;
}

ServiceRecord Record(const std::string& caller, int64_t micros,
                     hedui::v1::Program program,
                     std::optional<Report> report = std::nullopt,
                     std::vector<std::string> persons = {}) {
  ServiceRecord record;
  record.audit.set_time_unix_micros(micros);
  record.audit.set_caller(caller);
  record.audit.set_method("/hedui.v1.VerificationService/Verify");
  record.audit.set_program(program);
  record.audit.set_purpose("test");
  record.audit.set_outcome("OK");
  record.audit.set_batch_index(-1);
  record.report = std::move(report);
  record.person_ids = std::move(persons);
  return record;
}

ServiceRecord Simple(int i) {
  return Record(
      "caller-a", 1000 + i, hedui::v1::DIBAO,
      MakeReport(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 1),
                 hedui::v1::MEETS_CRITERIA, "320581", {PersonId(i % 50)}));
}

class ServiceLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "service_log_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.audit_key = std::string(32, 'k');
    options_.head_file = (dir_ / "audit.heads").string();
    options_.head_every = 100;
  }
  void TearDown() override {
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open(rocksdb::Env* env = nullptr) {
    log_.reset();
    store_.reset();
    StoreOptions store_options;
    store_options.path = (dir_ / "db").string();
    store_options.block_cache_bytes = 8 << 20;
    store_options.env = env;
    auto store = Store::Open(store_options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto log = ServiceLog::Open(store_->service_tables(), options_);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  std::vector<Appended> AppendOne(ServiceRecord record) {
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    auto appended = log_->Append(std::move(records));
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.ok() ? *appended : std::vector<Appended>{};
  }

  void AppendN(int n) {
    for (int i = 0; i < n; ++i) AppendOne(Simple(i));
  }

  // Tampering goes straight to RocksDB, as someone with the data directory
  // (but not the key) could.
  rocksdb::DB* db() { return store_->service_tables().db; }
  rocksdb::ColumnFamilyHandle* audit() {
    return store_->service_tables().audit;
  }

  hedui::v1::VerifyAuditResponse Verify() {
    auto verified = log_->VerifyAudit();
    EXPECT_TRUE(verified.ok()) << verified.status();
    return verified.ok() ? *verified : hedui::v1::VerifyAuditResponse();
  }

  std::vector<std::string> ListIds(ListReportsRequest request,
                                   absl::Span<const std::string> regions = {}) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 100; ++pages) {
      auto listed = log_->ListReports(request, regions);
      EXPECT_TRUE(listed.ok()) << listed.status();
      if (!listed.ok()) break;
      for (const auto& summary : listed->reports()) {
        ids.push_back(summary.report_id());
      }
      if (listed->next_page_token().empty()) break;
      request.set_page_token(listed->next_page_token());
    }
    return ids;
  }

  std::vector<uint64_t> ListSequences(ListAuditRequest request) {
    std::vector<uint64_t> sequences;
    for (int pages = 0; pages < 100; ++pages) {
      auto listed = log_->ListAudit(request);
      EXPECT_TRUE(listed.ok()) << listed.status();
      if (!listed.ok()) break;
      for (const auto& entry : listed->entries()) {
        sequences.push_back(entry.sequence());
      }
      if (listed->next_page_token().empty()) break;
      request.set_page_token(listed->next_page_token());
    }
    return sequences;
  }

  std::filesystem::path dir_;
  ServiceLogOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceLog> log_;
};

TEST_F(ServiceLogTest, StoredReportIsReturnedByteIdentical) {
  Open();
  Report report = MakeReport(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 1),
                             hedui::v1::DOES_NOT_MEET, "320581",
                             {PersonId(1), PersonId(2)});
  auto appended = AppendOne(Record("c", 1, hedui::v1::DIBAO, report));
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].sequence, 1u);
  EXPECT_EQ(appended[0].report_id, "R000000000001");

  report.set_report_id(appended[0].report_id);
  auto stored = log_->GetReport(appended[0].report_id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, report.SerializeAsString());

  EXPECT_FALSE(log_->GetReport("R000000000002")->has_value());
  EXPECT_FALSE(log_->GetReport("../etc")->has_value());
}

TEST_F(ServiceLogTest, SequencesAndReportIdsContinueWithoutGapsAfterReopen) {
  Open();
  std::vector<ServiceRecord> batch;
  batch.push_back(Simple(1));
  batch.push_back(Record("c", 2, hedui::v1::DIBAO));  // refused: no report
  batch.push_back(Simple(3));
  auto first = log_->Append(std::move(batch));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].sequence, 1u);
  EXPECT_EQ((*first)[1].sequence, 2u);
  EXPECT_EQ((*first)[1].report_id, "");
  EXPECT_EQ((*first)[2].report_id, "R000000000002");

  Open();
  EXPECT_EQ(log_->AuditLength(), 3u);
  auto next = AppendOne(Simple(4));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].sequence, 4u);
  EXPECT_EQ(next[0].report_id, "R000000000003");
  auto verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.entries(), 4u);
}

TEST_F(ServiceLogTest, ConcurrentAppendsShareSyncsAndAreDurableWhenAcked) {
  testing::SyncCountingEnv counting;
  Open(counting.env.get());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  const int64_t syncs_before = counting.fs->wal_syncs();
  std::atomic<int> unsynced_acks{0};
  std::atomic<int> failures{0};
  std::vector<std::vector<uint64_t>> sequences(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t before = counting.fs->wal_syncs();
        std::vector<ServiceRecord> records;
        records.push_back(Simple(t * kPerThread + i));
        auto appended = log_->Append(std::move(records));
        // The acknowledged entry must have been synced after it was
        // handed over, not merely queued.
        if (counting.fs->wal_syncs() <= before) ++unsynced_acks;
        if (!appended.ok() || appended->size() != 1) {
          ++failures;
          continue;
        }
        sequences[t].push_back((*appended)[0].sequence);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const int64_t syncs = counting.fs->wal_syncs() - syncs_before;
  constexpr int kAppends = kThreads * kPerThread;
  std::cout << "[ ServiceLog ] " << kAppends << " appends, " << syncs
            << " WAL syncs\n";
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(unsynced_acks.load(), 0);
  EXPECT_LT(syncs, kAppends / 2);

  std::set<uint64_t> all;
  for (const auto& per_thread : sequences) {
    // One thread's appends are ordered: each waited for the previous one.
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));
    all.insert(per_thread.begin(), per_thread.end());
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kAppends));
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), static_cast<uint64_t>(kAppends));

  Open(counting.env.get());  // what was acknowledged is there
  EXPECT_EQ(log_->AuditLength(), static_cast<uint64_t>(kAppends));
  auto verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.entries(), static_cast<uint64_t>(kAppends));
  EXPECT_TRUE(log_->GetReport(FormatReportId(kAppends))->has_value());
  log_.reset();  // before `counting`, which the store runs on
  store_.reset();
}

TEST_F(ServiceLogTest, IntactAuditChecksEveryHeadLine) {
  options_.head_every = 10;
  Open();
  AppendN(25);   // heads at 10 and 20
  log_.reset();  // a clean shutdown records the head: 25
  auto heads = ReadHeadFile(options_.head_file);
  ASSERT_TRUE(heads.ok()) << heads.status();
  ASSERT_EQ(heads->size(), 3u);
  EXPECT_EQ((*heads)[0].sequence, 10u);
  EXPECT_EQ((*heads)[1].sequence, 20u);
  EXPECT_EQ((*heads)[2].sequence, 25u);

  Open();
  auto verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.entries(), 25u);
  EXPECT_EQ(verified.head_checkpoints(), 3u);
  EXPECT_EQ(verified.first_broken_sequence(), 0u);
}

TEST_F(ServiceLogTest, EditedEntryIsBrokenAtIt) {
  Open();
  AppendN(10);
  std::string value;
  ASSERT_TRUE(
      db()->Get(rocksdb::ReadOptions(), audit(), AuditEntryKey(4), &value)
          .ok());
  hedui::v1::AuditEntry entry;
  ASSERT_TRUE(entry.ParseFromString(value));
  entry.set_outcome("PERMISSION_DENIED");
  ASSERT_TRUE(db()->Put(rocksdb::WriteOptions(), audit(), AuditEntryKey(4),
                        entry.SerializeAsString())
                  .ok());
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 4u);
  EXPECT_EQ(verified.entries(), 3u);
  EXPECT_TRUE(absl::StrContains(verified.problem(), "altered"))
      << verified.problem();
}

TEST_F(ServiceLogTest, DeletedEntryIsDetectedAtIt) {
  Open();
  AppendN(10);
  ASSERT_TRUE(
      db()->Delete(rocksdb::WriteOptions(), audit(), AuditEntryKey(5)).ok());
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 5u);
  EXPECT_TRUE(absl::StrContains(verified.problem(), "missing"))
      << verified.problem();
}

TEST_F(ServiceLogTest, RenumberedEntryAfterADeletionIsDetected) {
  // Deleting 5 and moving 6 into its place leaves no gap; the chain of
  // previous MACs (and the MAC over the sequence) still shows it.
  Open();
  AppendN(8);
  std::string value;
  ASSERT_TRUE(
      db()->Get(rocksdb::ReadOptions(), audit(), AuditEntryKey(6), &value)
          .ok());
  ASSERT_TRUE(
      db()->Put(rocksdb::WriteOptions(), audit(), AuditEntryKey(5), value)
          .ok());
  ASSERT_TRUE(
      db()->Delete(rocksdb::WriteOptions(), audit(), AuditEntryKey(6)).ok());
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 5u);
}

TEST_F(ServiceLogTest, CutOffTailIsDetectedThanksToTheHeadFile) {
  options_.head_every = 5;
  Open();
  AppendN(22);  // heads at 5, 10, 15, 20
  for (uint64_t seq = 18; seq <= 22; ++seq) {
    ASSERT_TRUE(
        db()->Delete(rocksdb::WriteOptions(), audit(), AuditEntryKey(seq))
            .ok());
  }
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 18u);
  EXPECT_EQ(verified.entries(), 17u);
  EXPECT_TRUE(absl::StrContains(verified.problem(), "removed"))
      << verified.problem();

  // The chain alone looks whole: only the head file tells.
  std::filesystem::remove(options_.head_file);
  EXPECT_TRUE(Verify().intact());
}

TEST_F(ServiceLogTest, CutTailIsRefusedAtOpenAndARewrittenOneIsDetected) {
  options_.head_every = 5;
  Open();
  AppendN(12);   // heads at 5, 10
  log_.reset();  // and 12
  std::string heads;
  {
    std::ifstream in(options_.head_file);
    std::stringstream text;
    text << in.rdbuf();
    heads = text.str();
  }
  for (uint64_t seq = 9; seq <= 12; ++seq) {
    ASSERT_TRUE(
        db()->Delete(rocksdb::WriteOptions(), audit(), AuditEntryKey(seq))
            .ok());
  }
  // Numbering on after 8 would hand out 9..12 a second time.
  auto refused = ServiceLog::Open(store_->service_tables(), options_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "(line 2) names audit entry 10, but the "
                                "store's audit chain ends at entry 8"))
      << refused.status();

  // Someone who also cuts the head file gets past the open; the tail they
  // write is still found once the head lines are back.
  std::ofstream(options_.head_file, std::ios::trunc)
      << heads.substr(0, heads.find('\n') + 1);
  Open();      // resumes after 8
  AppendN(6);  // new 9..14 with other MACs
  std::ofstream(options_.head_file, std::ios::app) << heads;
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 10u);
}

TEST_F(ServiceLogTest, WrongKeyBreaksAtTheFirstEntry) {
  Open();
  AppendN(3);
  options_.audit_key = std::string(32, 'x');
  Open();
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 1u);
}

TEST_F(ServiceLogTest, ShortAuditKeyIsRefused) {
  StoreOptions store_options;
  store_options.path = (dir_ / "db").string();
  store_options.block_cache_bytes = 8 << 20;
  auto store = Store::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  options_.audit_key = std::string(31, 'k');
  auto log = ServiceLog::Open((*store)->service_tables(), options_);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(log.status().message(), "32")) << log.status();
}

TEST_F(ServiceLogTest, ListReportsFiltersNewestFirstAndPages) {
  Open();
  // 12 reports: DIBAO on even i, TEKUN on odd; dates 2026-11-01 + i;
  // verdict MEETS on i % 3 == 0; region 320581 for i < 8, else 320582;
  // PersonId(100) is a member of every fourth.
  for (int i = 0; i < 12; ++i) {
    std::vector<std::string> members = {PersonId(i)};
    if (i % 4 == 0) members.push_back(PersonId(100));
    AppendOne(Record("c", i, i % 2 ? hedui::v1::TEKUN : hedui::v1::DIBAO,
                     MakeReport(i % 2 ? hedui::v1::TEKUN : hedui::v1::DIBAO,
                                absl::CivilDay(2026, 11, 1 + i),
                                i % 3 == 0 ? hedui::v1::MEETS_CRITERIA
                                           : hedui::v1::DOES_NOT_MEET,
                                i < 8 ? "320581" : "320582", members)));
  }
  auto id = [](int i) { return FormatReportId(i + 1); };

  ListReportsRequest all;
  all.set_page_size(5);
  std::vector<std::string> expected;
  for (int i = 11; i >= 0; --i) expected.push_back(id(i));
  EXPECT_EQ(ListIds(all), expected);
  auto first_page = log_->ListReports(all, {});
  ASSERT_TRUE(first_page.ok());
  ASSERT_EQ(first_page->reports_size(), 5);
  EXPECT_EQ(first_page->reports(0).persons(), 1);
  EXPECT_EQ(first_page->reports(0).region_code(), "320582");
  EXPECT_EQ(first_page->reports(0).verification_date().day(), 12);

  ListReportsRequest person;
  person.set_person_id(PersonId(100));
  EXPECT_EQ(ListIds(person), (std::vector<std::string>{id(8), id(4), id(0)}));

  ListReportsRequest program;
  program.set_program(hedui::v1::TEKUN);
  program.set_page_size(2);
  EXPECT_EQ(ListIds(program), (std::vector<std::string>{id(11), id(9), id(7),
                                                        id(5), id(3), id(1)}));

  ListReportsRequest dates;
  dates.mutable_from_date()->set_year(2026);
  dates.mutable_from_date()->set_month(11);
  dates.mutable_from_date()->set_day(3);  // i = 2
  dates.mutable_to_date()->set_year(2026);
  dates.mutable_to_date()->set_month(11);
  dates.mutable_to_date()->set_day(5);  // i = 4
  dates.set_verdict(hedui::v1::DOES_NOT_MEET);
  EXPECT_EQ(ListIds(dates), (std::vector<std::string>{id(4), id(2)}));

  const std::vector<std::string> county = {"320582"};
  EXPECT_EQ(ListIds(ListReportsRequest(), county),
            (std::vector<std::string>{id(11), id(10), id(9), id(8)}));
  EXPECT_EQ(ListIds(person, county), (std::vector<std::string>{id(8)}));

  ListReportsRequest bad = all;
  bad.set_page_token("not-a-token");
  EXPECT_EQ(log_->ListReports(bad, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = all;
  bad.set_page_size(-1);
  EXPECT_EQ(log_->ListReports(bad, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = ListReportsRequest();
  bad.set_person_id("12345");
  EXPECT_EQ(log_->ListReports(bad, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ServiceLogTest, StatsCountHouseholdsAndPersons) {
  Open();
  auto add = [&](hedui::v1::Program program, int day, hedui::v1::Verdict v,
                 const std::string& region, int persons) {
    std::vector<std::string> members;
    for (int p = 0; p < persons; ++p) members.push_back(PersonId(p));
    AppendOne(Record(
        "c", day, program,
        MakeReport(program, absl::CivilDay(2026, 7, day), v, region, members)));
  };
  add(hedui::v1::DIBAO, 1, hedui::v1::MEETS_CRITERIA, "320581", 3);
  add(hedui::v1::DIBAO, 2, hedui::v1::MEETS_CRITERIA, "320581", 2);
  add(hedui::v1::DIBAO, 3, hedui::v1::DOES_NOT_MEET, "320581", 1);
  add(hedui::v1::TEKUN, 4, hedui::v1::MEETS_CRITERIA, "320582", 1);
  add(hedui::v1::DIBAO, 31, hedui::v1::MEETS_CRITERIA, "320581", 4);  // out

  hedui::v1::GetStatsRequest request;
  request.mutable_from_date()->set_year(2026);
  request.mutable_from_date()->set_month(7);
  request.mutable_from_date()->set_day(1);
  request.mutable_to_date()->set_year(2026);
  request.mutable_to_date()->set_month(7);
  request.mutable_to_date()->set_day(30);
  auto stats = log_->Stats(request, {});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->households(), 4);
  EXPECT_EQ(stats->persons(), 7);
  ASSERT_EQ(stats->rows_size(), 3);
  EXPECT_EQ(stats->rows(0).program(), hedui::v1::DIBAO);
  EXPECT_EQ(stats->rows(0).verdict(), hedui::v1::MEETS_CRITERIA);
  EXPECT_EQ(stats->rows(0).households(), 2);
  EXPECT_EQ(stats->rows(0).persons(), 5);
  EXPECT_EQ(stats->rows(1).verdict(), hedui::v1::DOES_NOT_MEET);
  EXPECT_EQ(stats->rows(2).program(), hedui::v1::TEKUN);

  const std::vector<std::string> county = {"320582"};
  auto narrowed = log_->Stats(request, county);
  ASSERT_TRUE(narrowed.ok());
  EXPECT_EQ(narrowed->households(), 1);
  request.set_region_code("320581");
  auto other = log_->Stats(request, county);  // not the caller's county
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->households(), 0);
  EXPECT_EQ(log_->Stats(request, {})->households(), 3);

  request.clear_from_date();
  EXPECT_EQ(log_->Stats(request, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ServiceLogTest, ListAuditFiltersAndPagesWithoutStoringIds) {
  Open();
  const std::string alice = PersonId(7);
  for (int i = 0; i < 10; ++i) {
    const auto program = i % 2 ? hedui::v1::TEKUN : hedui::v1::DIBAO;
    const std::string caller = i < 5 ? "county-a" : "county-b";
    if (i == 3) {  // refused before any report: the IDs come with the record
      AppendOne(
          Record(caller, 100 * i, program, std::nullopt, {alice, PersonId(8)}));
    } else {
      std::vector<std::string> members = {PersonId(20 + i)};
      if (i == 6) members.push_back(alice);
      AppendOne(
          Record(caller, 100 * i, program,
                 MakeReport(program, absl::CivilDay(2026, 11, 1),
                            hedui::v1::MEETS_CRITERIA, "320581", members)));
    }
  }
  ListAuditRequest by_person;
  by_person.set_person_id(alice);
  EXPECT_EQ(ListSequences(by_person), (std::vector<uint64_t>{4, 7}));
  by_person.set_caller("county-b");
  EXPECT_EQ(ListSequences(by_person), (std::vector<uint64_t>{7}));

  ListAuditRequest by_caller;
  by_caller.set_caller("county-a");
  by_caller.set_program(hedui::v1::TEKUN);
  EXPECT_EQ(ListSequences(by_caller), (std::vector<uint64_t>{2, 4}));

  ListAuditRequest by_time;
  by_time.set_from_unix_micros(200);
  by_time.set_to_unix_micros(700);  // exclusive
  by_time.set_page_size(2);
  EXPECT_EQ(ListSequences(by_time), (std::vector<uint64_t>{3, 4, 5, 6, 7}));
  auto page = log_->ListAudit(by_time);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries_size(), 2);
  EXPECT_EQ(page->entries(0).mac().size(), 32u);
  EXPECT_FALSE(page->entries(0).persons_hash().empty());

  ListAuditRequest bad;
  bad.set_page_token("x");
  EXPECT_EQ(log_->ListAudit(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = ListAuditRequest();
  bad.set_page_size(-3);
  EXPECT_EQ(log_->ListAudit(bad).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Nothing in the audit family names a person in the clear.
  std::unique_ptr<rocksdb::Iterator> it(
      db()->NewIterator(rocksdb::ReadOptions(), audit()));
  int keys = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
    for (int p : {7, 8, 20, 26}) {
      EXPECT_FALSE(absl::StrContains(it->key().ToString(), PersonId(p)));
      EXPECT_FALSE(absl::StrContains(it->value().ToString(), PersonId(p)));
    }
  }
  EXPECT_GT(keys, 10);
}

// A report for the token tests: DIBAO or TEKUN, dated 2026-11-<day>, one
// member, in `region`.
ServiceRecord Dated(hedui::v1::Program program, int day,
                    const std::string& region,
                    hedui::v1::Verdict verdict = hedui::v1::MEETS_CRITERIA) {
  return Record("c", day, program,
                MakeReport(program, absl::CivilDay(2026, 11, day), verdict,
                           region, {PersonId(day)}));
}

std::vector<std::string> IdsOf(const hedui::v1::ListReportsResponse& page) {
  std::vector<std::string> ids;
  for (const auto& summary : page.reports()) ids.push_back(summary.report_id());
  return ids;
}

std::vector<uint64_t> SequencesOf(const hedui::v1::ListAuditResponse& page) {
  std::vector<uint64_t> sequences;
  for (const auto& entry : page.entries()) {
    sequences.push_back(entry.sequence());
  }
  return sequences;
}

void ExpectTokenRefused(const absl::Status& status, absl::string_view because) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), "page_token: ")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), because)) << status;
}

TEST_F(ServiceLogTest, ReportPagesContinueExactlyWhenReportsAreAdded) {
  Open();
  // R1..R12, all listed by an unfiltered request, newest first.
  for (int day = 1; day <= 12; ++day) {
    AppendOne(Dated(hedui::v1::DIBAO, day, "320581"));
  }
  ListReportsRequest request;
  request.set_page_size(5);
  auto first = log_->ListReports(request, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(IdsOf(*first),
            (std::vector<std::string>{"R000000000012", "R000000000011",
                                      "R000000000010", "R000000000009",
                                      "R000000000008"}));
  ASSERT_FALSE(first->next_page_token().empty());
  // The token names neither the last report nor anything readable.
  EXPECT_FALSE(absl::StrContains(first->next_page_token(), "R0"));
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first->next_page_token(), &decoded));
  std::string last_number;
  AppendBigEndian64(8, &last_number);
  EXPECT_FALSE(absl::StrContains(decoded, last_number));
  EXPECT_FALSE(absl::StrContains(decoded, "R000000000008"));

  // Three newer reports (R13..R15) come in between: they are above the
  // listing's place and shift nothing.
  for (int day = 13; day <= 15; ++day) {
    AppendOne(Dated(hedui::v1::DIBAO, day, "320581"));
  }
  request.set_page_token(first->next_page_token());
  auto second = log_->ListReports(request, {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(IdsOf(*second),
            (std::vector<std::string>{"R000000000007", "R000000000006",
                                      "R000000000005", "R000000000004",
                                      "R000000000003"}));
  // The same token again gives the same page (a retried call).
  auto again = log_->ListReports(request, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(IdsOf(*again), IdsOf(*second));

  // page_size may change between pages (AIP-158).
  request.set_page_size(50);
  request.set_page_token(second->next_page_token());
  auto last = log_->ListReports(request, {});
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(IdsOf(*last),
            (std::vector<std::string>{"R000000000002", "R000000000001"}));
  EXPECT_TRUE(last->next_page_token().empty());

  // An empty token starts again from the newest.
  request.clear_page_token();
  request.set_page_size(1);
  auto restart = log_->ListReports(request, {});
  ASSERT_TRUE(restart.ok());
  EXPECT_EQ(IdsOf(*restart), (std::vector<std::string>{"R000000000015"}));
}

TEST_F(ServiceLogTest, ReportTokenIsRefusedUnderOtherFilters) {
  Open();
  for (int day = 1; day <= 6; ++day) {
    AppendOne(Dated(hedui::v1::DIBAO, day, "320581"));
  }
  ListReportsRequest base;
  base.set_program(hedui::v1::DIBAO);
  base.set_verdict(hedui::v1::MEETS_CRITERIA);
  base.mutable_from_date()->set_year(2026);
  base.mutable_from_date()->set_month(11);
  base.mutable_from_date()->set_day(1);
  base.mutable_to_date()->set_year(2026);
  base.mutable_to_date()->set_month(11);
  base.mutable_to_date()->set_day(30);
  base.set_page_size(2);
  const std::vector<std::string> counties = {"320581", "320582"};
  auto first = log_->ListReports(base, counties);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  base.set_page_token(first->next_page_token());
  auto next = log_->ListReports(base, counties);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(IdsOf(*next),
            (std::vector<std::string>{"R000000000004", "R000000000003"}));
  // The counties are a set: their order does not matter.
  const std::vector<std::string> reordered = {"320582", "320581"};
  EXPECT_TRUE(log_->ListReports(base, reordered).ok());

  std::vector<ListReportsRequest> others(6, base);
  others[0].set_program(hedui::v1::TEKUN);
  others[1].set_verdict(hedui::v1::DOES_NOT_MEET);
  others[2].mutable_from_date()->set_day(2);
  others[3].clear_to_date();
  others[4].set_person_id(PersonId(3));
  others[5].clear_program();
  for (const ListReportsRequest& other : others) {
    ExpectTokenRefused(log_->ListReports(other, counties).status(),
                       "other filters");
  }
  // Other visible counties, or none (every county), are other filters too.
  const std::vector<std::string> one = {"320581"};
  ExpectTokenRefused(log_->ListReports(base, one).status(), "other filters");
  ExpectTokenRefused(log_->ListReports(base, {}).status(), "other filters");
}

TEST_F(ServiceLogTest, MadeUpOrGarbledReportTokensAreRefused) {
  Open();
  for (int day = 1; day <= 6; ++day) {
    AppendOne(Dated(hedui::v1::DIBAO, day, "320581"));
  }
  ListReportsRequest request;
  request.set_page_size(2);
  auto first = log_->ListReports(request, {});
  ASSERT_TRUE(first.ok());
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());

  std::vector<std::string> bad = {
      "R000000000004",  // the transparent tokens of before
      "x",
      token.substr(0, token.size() - 1),
      token + "A",
      token + "=",
  };
  for (size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    bad.push_back(changed);
  }
  // A token of the audit listing, at a real position.
  ListAuditRequest audit;
  audit.set_page_size(1);
  auto audit_page = log_->ListAudit(audit);
  ASSERT_TRUE(audit_page.ok());
  ASSERT_FALSE(audit_page->next_page_token().empty());
  bad.push_back(audit_page->next_page_token());
  for (const std::string& garbled : bad) {
    request.set_page_token(garbled);
    ExpectTokenRefused(log_->ListReports(request, {}).status(),
                       "not a next_page_token");
  }
}

TEST_F(ServiceLogTest, AuditPagesContinueExactlyWhenEntriesAreAppended) {
  Open();
  AppendN(7);  // sequences 1..7, caller-a, DIBAO, times 1000..1006
  ListAuditRequest request;
  request.set_caller("caller-a");
  request.set_page_size(3);
  auto first = log_->ListAudit(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(SequencesOf(*first), (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_FALSE(first->next_page_token().empty());

  AppendN(2);  // 8, 9: after the listing's place
  request.set_page_token(first->next_page_token());
  auto second = log_->ListAudit(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(SequencesOf(*second), (std::vector<uint64_t>{4, 5, 6}));

  request.set_page_size(10);
  request.set_page_token(second->next_page_token());
  auto last = log_->ListAudit(request);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(SequencesOf(*last), (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_TRUE(last->next_page_token().empty());
}

TEST_F(ServiceLogTest, AuditTokenIsRefusedUnderOtherFiltersOrGarbled) {
  Open();
  AppendN(6);
  ListAuditRequest base;
  base.set_caller("caller-a");
  base.set_program(hedui::v1::DIBAO);
  base.set_from_unix_micros(1000);
  base.set_to_unix_micros(2000);
  base.set_person_id(PersonId(1));
  base.set_page_size(1);
  // Simple(i) names PersonId(i % 50): only sequence 2 has PersonId(1), so the
  // first page holds it and the token stands after it.
  auto first = log_->ListAudit(base);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(SequencesOf(*first), (std::vector<uint64_t>{2}));

  ListAuditRequest unfiltered;
  unfiltered.set_page_size(2);
  auto plain = log_->ListAudit(unfiltered);
  ASSERT_TRUE(plain.ok());
  const std::string token = plain->next_page_token();
  ASSERT_FALSE(token.empty());
  unfiltered.set_page_token(token);
  auto next = log_->ListAudit(unfiltered);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(SequencesOf(*next), (std::vector<uint64_t>{3, 4}));

  std::vector<ListAuditRequest> others(5, unfiltered);
  others[0].set_caller("caller-a");
  others[1].set_program(hedui::v1::DIBAO);
  others[2].set_from_unix_micros(1);
  others[3].set_to_unix_micros(5000);
  others[4].set_person_id(PersonId(1));
  for (const ListAuditRequest& other : others) {
    ExpectTokenRefused(log_->ListAudit(other).status(), "other filters");
  }

  std::vector<std::string> bad = {"3", "0", "x", token.substr(1)};
  for (size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    bad.push_back(changed);
  }
  // A ListReports token at a real position.
  ListReportsRequest reports;
  reports.set_page_size(1);
  auto report_page = log_->ListReports(reports, {});
  ASSERT_TRUE(report_page.ok());
  ASSERT_FALSE(report_page->next_page_token().empty());
  bad.push_back(report_page->next_page_token());
  for (const std::string& garbled : bad) {
    unfiltered.set_page_token(garbled);
    ExpectTokenRefused(log_->ListAudit(unfiltered).status(),
                       "not a next_page_token");
  }
}

TEST_F(ServiceLogTest, PersonsHashIgnoresOrderAndDuplicates) {
  Open();
  const std::string a = PersonId(1), b = PersonId(2);
  const std::string hash = log_->PersonsHash({a, b});
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, log_->PersonsHash({b, a, b}));
  EXPECT_NE(hash, log_->PersonsHash({a}));
  for (char c : hash) EXPECT_TRUE(isdigit(c) || (c >= 'a' && c <= 'f'));

  AppendOne(Record("c", 1, hedui::v1::DIBAO,
                   MakeReport(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 1),
                              hedui::v1::MEETS_CRITERIA, "320581", {b, a})));
  auto listed = log_->ListAudit(ListAuditRequest());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->entries_size(), 1);
  EXPECT_EQ(listed->entries(0).persons_hash(), hash);
  EXPECT_EQ(listed->entries(0).report_id(), "R000000000001");
}

TEST(AuditChainTest, HeadFileIgnoresAnInterruptedLastLine) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            absl::StrCat("heads_", getpid()))
                               .string();
  std::filesystem::remove(path);
  const std::string mac(32, '\x01');
  ASSERT_TRUE(AppendHeadLine(path, FormatHeadLine(7, mac)).ok());
  {
    std::ofstream out(path, std::ios::app);
    out << "9 0101";  // a crash mid-write
  }
  auto heads = ReadHeadFile(path);
  ASSERT_TRUE(heads.ok()) << heads.status();
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ((*heads)[0].sequence, 7u);
  EXPECT_EQ((*heads)[0].mac, mac);
  {
    std::ofstream out(path, std::ios::app);
    out << "\n";
  }
  EXPECT_EQ(ReadHeadFile(path).status().code(), absl::StatusCode::kDataLoss);
  std::filesystem::remove(path);
}

TEST(AuditChainTest, RestoreMarkersDiscardTheHeadsPastThem) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            absl::StrCat("marker_heads_", getpid()))
                               .string();
  std::filesystem::remove(path);
  const std::string a(32, '\x0a'), b(32, '\x0b'), c(32, '\x0c');
  ASSERT_TRUE(AppendHeadLine(path, FormatHeadLine(10, a)).ok());
  ASSERT_TRUE(AppendHeadLine(path, FormatHeadLine(20, b)).ok());
  ASSERT_TRUE(
      AppendHeadLine(path, FormatRestoreLine(12, c, 3, 1790000000)).ok());
  ASSERT_TRUE(AppendHeadLine(path, FormatHeadLine(20, a)).ok());
  auto lines = ReadHeadFile(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_TRUE((*lines)[2].restore);
  EXPECT_EQ((*lines)[2].sequence, 12u);
  EXPECT_EQ((*lines)[2].mac, c);
  EXPECT_EQ((*lines)[2].backup_id, 3u);
  EXPECT_EQ((*lines)[2].restored_unix_seconds, 1790000000);
  // 20 (b) was the discarded history's; 10 is shared; the marker and the
  // new 20 are the current history's.
  std::vector<HeadCheckpoint> current = CurrentHistory(*lines);
  ASSERT_EQ(current.size(), 3u);
  EXPECT_EQ(current[0].line, 1);
  EXPECT_EQ(current[1].line, 3);
  EXPECT_EQ(current[2].line, 4);
  // Restoring an empty chain discards everything and checks nothing.
  ASSERT_TRUE(
      AppendHeadLine(path, FormatRestoreLine(0, std::string(32, '\0'), 1, 1))
          .ok());
  lines = ReadHeadFile(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_TRUE(CurrentHistory(*lines).empty());
  {
    std::ofstream out(path, std::ios::app);
    out << "restored 5 " << std::string(64, 'a') << " x 1\n";  // bad id
  }
  EXPECT_EQ(ReadHeadFile(path).status().code(), absl::StatusCode::kDataLoss);
  std::filesystem::remove(path);
}

TEST_F(ServiceLogTest, ARestoreMarkerIsCheckedAgainstTheChain) {
  options_.head_every = 5;
  Open();
  AppendN(12);   // heads at 5, 10
  log_.reset();  // and 12
  std::string last_head;
  {
    std::ifstream in(options_.head_file);
    for (std::string line; std::getline(in, line);) last_head = line + "\n";
  }
  // A marker naming entry 7 with a mac that is not entry 7's.
  ASSERT_TRUE(AppendHeadLine(options_.head_file,
                             FormatRestoreLine(7, std::string(32, 'x'), 1, 1))
                  .ok());
  auto refused = ServiceLog::Open(store_->service_tables(), options_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "(line 4, a restore marker)"))
      << refused.status();

  // The open checks the newest head only; the whole check finds the marker.
  ASSERT_TRUE(AppendHeadLine(options_.head_file, last_head).ok());
  Open();
  auto verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.first_broken_sequence(), 7u);
  EXPECT_TRUE(absl::StrContains(verified.problem(), "restore marker"))
      << verified.problem();
}

// A full disk fails every file the store writes, RocksDB's own LOG included.
// RocksDB's logger aborts on the line after a failed write (an assertion in
// its file writer, on in Debian's build): heduid died on the first full
// disk, and again at every restart while the disk stayed full. Refused,
// recovered, closed and reopened while full, and nothing acknowledged lost.
class FullDiskLogTest : public testing::ServiceLogFixture {
 protected:
  void TearDown() override {
    Close();  // before the file system under the store goes
    ServiceLogFixture::TearDown();
  }
  testing::NoSpaceEnv disk_;
};

TEST_F(FullDiskLogTest, NeverAbortsWhileEveryFileFailsAndLosesNothing) {
  using Fail = testing::NoSpaceFileSystem::Fail;
  testing::NoSpaceEnv& disk = disk_;
  options_.recovery_interval = absl::Milliseconds(10);
  options_.on_durability_change = [](bool, const absl::Status&) {};
  ASSERT_TRUE(Open("db", disk.env.get()).ok());
  const std::vector<Appended> acknowledged = Append(3);
  ASSERT_EQ(acknowledged.size(), 3u);

  disk.fs->set_fail(Fail::kAllWrites);
  for (int i = 0; i < 5; ++i) {
    auto refused = AppendOne(100 + i);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
        << refused.status();
    // Failed recovery attempts meanwhile, each logged by RocksDB.
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_FALSE(log_->WritesDurable());
  // RocksDB's LOG written out now, then more lines.
  store_->service_tables().db->GetDBOptions().info_log->Flush();
  EXPECT_FALSE(AppendOne(150).ok());
  absl::SleepFor(absl::Milliseconds(50));
  // A flush (what a backup starts with) fails, it does not abort.
  rocksdb::FlushOptions flush;
  flush.allow_write_stall = true;
  EXPECT_FALSE(store_->service_tables().db->Flush(flush).ok());
  Close();
  // A restart while the disk is still full: refused cleanly or served
  // without storing anything.
  absl::Status reopened = Open("db", disk.env.get());
  if (reopened.ok()) {
    EXPECT_FALSE(AppendOne(200).ok());
  } else {
    EXPECT_EQ(reopened.code(), absl::StatusCode::kResourceExhausted)
        << reopened;
  }
  Close();
  EXPECT_GT(disk.fs->failures(), 0);

  disk.fs->set_fail(Fail::kNothing);
  ASSERT_TRUE(Open("db", disk.env.get()).ok());
  EXPECT_EQ(log_->AuditLength(), acknowledged.size());
  auto verified = log_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact()) << verified->problem();
  for (const Appended& a : acknowledged) {
    auto report = log_->GetReport(a.report_id);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->has_value()) << a.report_id;
  }
  const std::vector<Appended> after = Append(1);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].sequence, acknowledged.size() + 1);
}

// Every file of the process stops growing (RLIMIT_FSIZE: writes fail with
// EFBIG, as ENOSPC fails them on a full disk), RocksDB's LOG included, which
// no test file system reaches with the logger RocksDB makes by itself.
class FileSizeLimit {
 public:
  FileSizeLimit() {
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &previous_);
    rlimit limit = previous_;
    limit.rlim_cur = 1;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &previous_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit previous_;
  void (*previous_handler_)(int);
};

TEST_F(FullDiskLogTest, NeverAbortsWhenNoFileCanGrow) {
  options_.recovery_interval = absl::Milliseconds(10);
  options_.on_durability_change = [](bool, const absl::Status&) {};
  ASSERT_TRUE(Open("db").ok());
  const std::vector<Appended> acknowledged = Append(3);
  {
    FileSizeLimit full;
    for (int i = 0; i < 5; ++i) {
      EXPECT_FALSE(AppendOne(100 + i).ok());
      store_->service_tables().db->GetDBOptions().info_log->Flush();
      absl::SleepFor(absl::Milliseconds(30));
    }
    EXPECT_FALSE(log_->WritesDurable());
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    EXPECT_FALSE(store_->service_tables().db->Flush(flush).ok());
    Close();
    absl::Status reopened = Open("db");
    if (reopened.ok()) {
      EXPECT_FALSE(AppendOne(200).ok());
    }
    Close();
  }
  ASSERT_TRUE(Open("db").ok());
  EXPECT_EQ(log_->AuditLength(), acknowledged.size());
  auto verified = log_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact()) << verified->problem();
  const std::vector<Appended> after = Append(1);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].sequence, acknowledged.size() + 1);
}

}  // namespace
}  // namespace hedui::storage
