#include "storage/events/event_store.h"

#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/events/event_keys.h"
#include "storage/retention.h"
#include "storage/service_log_keys.h"
#include "storage/service_purge.h"
#include "storage/testing/no_space_file_system.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::Finding;
using hedui::v1::Resolution;

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

ChangeEvent Event(hedui::v1::Program program, const std::string& region,
                  const std::string& entry, absl::CivilDay day,
                  std::vector<Finding::Criterion> criteria = {
                      Finding::INCOME}) {
  ChangeEvent event;
  event.set_kind(ChangeEvent::REVERIFICATION);
  event.set_trigger(ChangeEvent::FEED);
  event.set_program(program);
  event.set_region_code(region);
  event.set_entry_id(entry);
  *event.mutable_occurred_on() = ToProto(day);
  event.set_previous_report_id("R000000000001");
  event.set_verdict_before(hedui::v1::MEETS_CRITERIA);
  event.set_verdict_after(hedui::v1::DOES_NOT_MEET);
  for (Finding::Criterion criterion : criteria) {
    hedui::v1::CriterionChange* change = event.add_criteria();
    change->set_criterion(criterion);
    change->set_before(Finding::PASS);
    change->set_after(Finding::FAIL);
  }
  event.set_summary("收入超过标准");
  return event;
}

// A call's record: an audit entry, and optionally a report (a
// re-verification that read the household) and the events it made.
ServiceRecord Record(std::vector<ChangeEvent> events, bool with_report = true,
                     ChangeEvent::Trigger trigger = ChangeEvent::FEED) {
  ServiceRecord record;
  record.audit.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  record.audit.set_caller("(server)");
  record.audit.set_method("internal/reverify");
  record.audit.set_program(hedui::v1::DIBAO);
  record.audit.set_region_code("320581");
  record.audit.set_outcome("OK");
  record.audit.set_batch_index(-1);
  record.reverification_trigger = trigger;
  if (with_report) {
    hedui::v1::Report report;
    report.set_program(hedui::v1::DIBAO);
    *report.mutable_verification_date() = ToProto(absl::CivilDay(2026, 11, 20));
    report.set_verdict(hedui::v1::DOES_NOT_MEET);
    report.mutable_policy()->set_region_code("320581");
    report.mutable_request()->set_region_code("320581");
    report.mutable_request()->add_members()->set_person_id(PersonId(1));
    record.report = std::move(report);
  }
  record.events = std::move(events);
  return record;
}

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "event_store_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.audit_key = std::string(32, 'k');
    options_.head_file = (dir_ / "audit.heads").string();
    options_.recovery_interval = absl::Milliseconds(20);
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  void Close() {
    events_.reset();
    log_.reset();
    store_.reset();
  }
  void Open(rocksdb::Env* env = nullptr) {
    Close();
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
    auto events = EventStore::Open(
        store_->service_tables(),
        page_token_key_.empty() ? options_.audit_key : page_token_key_);
    ASSERT_TRUE(events.ok()) << events.status();
    events_ = std::move(*events);
  }

  Appended Append(ServiceRecord record) {
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    auto appended = log_->Append(std::move(records));
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.ok() ? appended->front() : Appended();
  }

  EventPage List(EventQuery query) {
    query.through = log_->HighestDurableEvent();
    auto page = events_->List(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : EventPage();
  }

  static std::vector<uint64_t> Numbers(const EventPage& page) {
    std::vector<uint64_t> numbers;
    for (const ChangeEvent& e : page.events) numbers.push_back(e.number());
    return numbers;
  }

  std::filesystem::path dir_;
  ServiceLogOptions options_;
  std::string page_token_key_;  // empty: the audit key, as heduid's
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceLog> log_;
  std::unique_ptr<EventStore> events_;
};

const absl::CivilDay kNov20(2026, 11, 20);

TEST_F(EventStoreTest, NumbersEventsInCommitOrderAndResumesAfterReopen) {
  Open();
  EXPECT_EQ(log_->HighestDurableEvent(), 0u);
  // Two events in one call, then a call with none, then one more.
  Appended first = Append(
      Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20),
              Event(hedui::v1::DIBAO, "320581", "E000000000002", kNov20)}));
  EXPECT_EQ(first.event_numbers, (std::vector<uint64_t>{1, 2}));
  Appended none = Append(Record({}));
  EXPECT_TRUE(none.event_numbers.empty());
  EXPECT_EQ(log_->HighestDurableEvent(), 2u);
  Appended third = Append(
      Record({Event(hedui::v1::DIBAO, "320581", "E000000000003", kNov20)}));
  EXPECT_EQ(third.event_numbers, (std::vector<uint64_t>{3}));
  EXPECT_EQ(log_->HighestDurableEvent(), 3u);

  // The event names its record's report, and carries its number and time.
  auto got = events_->Get(1, log_->HighestDurableEvent());
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ((*got)->number(), 1u);
  EXPECT_EQ((*got)->new_report_id(), first.report_id);
  EXPECT_FALSE(first.report_id.empty());
  EXPECT_GT((*got)->created_unix_seconds(), 0);
  EXPECT_EQ((*got)->previous_report_id(), "R000000000001");

  // An event without a report (consent expired) names none.
  ChangeEvent expired =
      Event(hedui::v1::DIBAO, "320581", "E000000000004", kNov20, {});
  expired.set_kind(ChangeEvent::CONSENT_EXPIRED);
  Appended fourth = Append(
      Record({expired}, /*with_report=*/false, ChangeEvent::CONSENT_CHECK));
  ASSERT_EQ(fourth.event_numbers, (std::vector<uint64_t>{4}));
  EXPECT_TRUE(events_->Get(4, 4).value()->new_report_id().empty());

  Open();
  EXPECT_EQ(log_->HighestDurableEvent(), 4u);
  Appended fifth = Append(
      Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
  EXPECT_EQ(fifth.event_numbers, (std::vector<uint64_t>{5}));
  EXPECT_EQ(events_->LowestKept().value(), 1u);
  EXPECT_EQ(events_->PurgedThrough().value(), 0u);
}

TEST_F(EventStoreTest, RefusesAnEventWithoutProgramCountyOrDay) {
  Open();
  ChangeEvent bad = Event(hedui::v1::DIBAO, "3205", "E000000000001", kNov20);
  std::vector<ServiceRecord> records;
  records.push_back(Record({bad}));
  auto appended = log_->Append(std::move(records));
  EXPECT_EQ(appended.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->AuditLength(), 0u);
  EXPECT_EQ(log_->HighestDurableEvent(), 0u);
}

// Purged numbers are never given again, even when the purge took the
// newest events, and a reader can tell how far the purge went.
TEST_F(EventStoreTest, NumberingResumesAfterPurgedEvents) {
  Open();
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
  // Committed later but occurred long ago (a job dated in the past).
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000002",
                       absl::CivilDay(2024, 1, 5)),
                 Event(hedui::v1::DIBAO, "320581", "E000000000003",
                       absl::CivilDay(2024, 1, 6))}));
  PurgeBatching batching;
  batching.batch_size = 1;
  auto purged = PurgeEvents(store_->service_tables(), 20250101, batching);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_FALSE(events_->Get(2, 3).value().has_value());
  EXPECT_FALSE(events_->Get(3, 3).value().has_value());
  EXPECT_TRUE(events_->Get(1, 3).value().has_value());
  EXPECT_EQ(events_->PurgedThrough().value(), 3u);
  EXPECT_EQ(events_->LowestKept().value(), 1u);
  // Their index entries went with them.
  EventQuery by_entry;
  by_entry.entry_id = "E000000000002";
  EXPECT_TRUE(List(by_entry).events.empty());
  EventQuery county;
  county.program = hedui::v1::DIBAO;
  county.regions = {"320581"};
  EXPECT_EQ(Numbers(List(county)), (std::vector<uint64_t>{1}));

  Open();
  EXPECT_EQ(log_->HighestDurableEvent(), 3u);
  Appended next = Append(
      Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
  EXPECT_EQ(next.event_numbers, (std::vector<uint64_t>{4}));
  // A dry run counts and deletes nothing.
  batching.dry_run = true;
  EXPECT_EQ(PurgeEvents(store_->service_tables(), 20270101, batching).value(),
            2);
  EXPECT_TRUE(events_->Get(4, 4).value().has_value());
}

TEST_F(EventStoreTest, WatchersWakeWhenANewEventIsDurable) {
  Open();
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
  // Already above: at once.
  EXPECT_EQ(log_->AwaitEventAbove(0, absl::Now() + absl::Seconds(10)), 1u);
  // Nothing new: returns at the deadline with the same number.
  const absl::Time start = absl::Now();
  EXPECT_EQ(log_->AwaitEventAbove(1, absl::Now() + absl::Milliseconds(100)),
            1u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));

  absl::Notification waiting;
  uint64_t seen = 0;
  std::thread watcher([&] {
    waiting.Notify();
    seen = log_->AwaitEventAbove(1, absl::Now() + absl::Seconds(30));
  });
  waiting.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(20));
  // A call without events does not wake it with a new number.
  Append(Record({}));
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000002", kNov20)}));
  watcher.join();
  EXPECT_EQ(seen, 2u);
}

// A write that fails publishes nothing: no event of it is visible, and the
// number the watermark shows stays where it was until a write succeeds.
TEST_F(EventStoreTest, AFailedWriteLeavesNoEventNumberVisible) {
  testing::NoSpaceEnv disk;
  Open(disk.env.get());
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
  ASSERT_EQ(log_->HighestDurableEvent(), 1u);
  disk.fs->set_fail(testing::NoSpaceFileSystem::Fail::kWalWrites);
  {
    std::vector<ServiceRecord> records;
    records.push_back(
        Record({Event(hedui::v1::DIBAO, "320581", "E000000000002", kNov20)}));
    auto failed = log_->Append(std::move(records));
    EXPECT_FALSE(failed.ok());
  }
  EXPECT_EQ(log_->HighestDurableEvent(), 1u);
  EXPECT_FALSE(events_->Get(2, 2).value().has_value());
  EventQuery all;
  EXPECT_EQ(Numbers(List(all)), (std::vector<uint64_t>{1}));
  disk.fs->set_fail(testing::NoSpaceFileSystem::Fail::kNothing);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!log_->WritesDurable() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE(log_->WritesDurable());
  Appended after = Append(
      Record({Event(hedui::v1::DIBAO, "320581", "E000000000003", kNov20)}));
  ASSERT_EQ(after.event_numbers.size(), 1u);
  EXPECT_EQ(after.event_numbers[0], 2u);  // never visible, so not skipped
  EXPECT_EQ(log_->HighestDurableEvent(), 2u);
  EXPECT_EQ(events_->Get(2, 2).value()->entry_id(), "E000000000003");
  Close();  // before the disk it runs on goes
}

class EventListTest : public EventStoreTest {
 protected:
  void SetUp() override {
    EventStoreTest::SetUp();
    Open();
    // 1: DIBAO 320581 E1; 2: DIBAO 320582 E2; 3: TEKUN 320581 E3;
    // 4: DIBAO 320581 E1; 5: DIBAO 320581 E4.
    Append(
        Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
    Append(
        Record({Event(hedui::v1::DIBAO, "320582", "E000000000002", kNov20)}));
    Append(
        Record({Event(hedui::v1::TEKUN, "320581", "E000000000003", kNov20)}));
    Append(
        Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20)}));
    Append(
        Record({Event(hedui::v1::DIBAO, "320581", "E000000000004", kNov20)}));
  }

  // The resolution of event `number` written as a resolve call writes it.
  void Resolve(uint64_t number, Resolution::Outcome outcome) {
    auto got = events_->Get(number, log_->HighestDurableEvent());
    ASSERT_TRUE(got.ok() && got->has_value());
    ChangeEvent event = **got;
    event.mutable_resolution()->set_outcome(outcome);
    event.mutable_resolution()->set_caseworker("王芳");
    ServiceRecord record = Record({}, false, ChangeEvent::TRIGGER_UNSPECIFIED);
    record.writes = events_->ResolveWrites(event);
    Append(std::move(record));
  }
};

TEST_F(EventListTest, FiltersByProgramCountyEntryAndAfter) {
  EventQuery all;
  EXPECT_EQ(Numbers(List(all)), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EventQuery dibao;
  dibao.program = hedui::v1::DIBAO;
  EXPECT_EQ(Numbers(List(dibao)), (std::vector<uint64_t>{1, 2, 4, 5}));
  EventQuery county = dibao;
  county.regions = {"320581"};  // the program and county index
  EXPECT_EQ(Numbers(List(county)), (std::vector<uint64_t>{1, 4, 5}));
  EventQuery counties;
  counties.regions = {"320582", "320581"};
  EXPECT_EQ(Numbers(List(counties)), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EventQuery entry;
  entry.entry_id = "E000000000001";
  EXPECT_EQ(Numbers(List(entry)), (std::vector<uint64_t>{1, 4}));
  EventQuery after = county;
  after.after = 1;
  EXPECT_EQ(Numbers(List(after)), (std::vector<uint64_t>{4, 5}));
  // The caller's visibility.
  EventQuery visible;
  visible.visible = [](hedui::v1::Program program, absl::string_view region) {
    return program == hedui::v1::DIBAO && region == "320582";
  };
  EXPECT_EQ(Numbers(List(visible)), (std::vector<uint64_t>{2}));
  // Nothing above the durable number is listed.
  EventQuery bounded;
  bounded.through = 3;
  auto page = events_->List(bounded);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Numbers(*page), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(page->next_page_token.empty());
  EXPECT_EQ(page->examined_through, 3u);
  EXPECT_FALSE(events_->Get(4, 3).value().has_value());
}

TEST_F(EventListTest, PagesContinueAndTokensAreTiedToTheirFilters) {
  EventQuery dibao;
  dibao.program = hedui::v1::DIBAO;
  dibao.page_size = 2;
  std::vector<uint64_t> seen;
  std::string token;
  std::string first_token;
  int pages = 0;
  do {
    EventQuery q = dibao;
    q.page_token = token;
    EventPage page = List(q);
    for (uint64_t n : Numbers(page)) seen.push_back(n);
    token = page.next_page_token;
    if (first_token.empty()) first_token = token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 4, 5}));
  ASSERT_FALSE(first_token.empty());

  EventQuery other = dibao;
  other.program = hedui::v1::TEKUN;
  other.page_token = first_token;
  other.through = log_->HighestDurableEvent();
  auto refused = events_->List(other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "page_token"));
  for (const char* forged : {"3", "x.0011223344556677", "0.1", ""}) {
    EventQuery q = dibao;
    q.page_token = forged;
    q.through = log_->HighestDurableEvent();
    auto listed = events_->List(q);
    if (std::string(forged).empty()) {
      EXPECT_TRUE(listed.ok());
    } else {
      EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument)
          << forged;
    }
  }
}

// Tokens are sealed (storage/page_token.h): no event number or filter shows,
// a reopened store under the same key continues them, another key refuses
// them, and the counties are a set.
TEST_F(EventListTest, PageTokensAreOpaqueAndKeyed) {
  EventQuery query;
  query.regions = {"320582", "320581"};
  query.entry_id = "E000000000001";
  query.page_size = 1;
  EventPage first = List(query);
  ASSERT_EQ(Numbers(first), (std::vector<uint64_t>{1}));
  const std::string token = first.next_page_token;
  ASSERT_FALSE(token.empty());
  for (const char* shown : {".", "E000000000001", "320581", "0000000001"}) {
    EXPECT_FALSE(absl::StrContains(token, shown)) << token;
  }
  EXPECT_NE(token[0], '-');
  EXPECT_EQ(List(query).next_page_token, token) << "deterministic";

  Open();  // the same key
  EventQuery reordered = query;
  reordered.regions = {"320581", "320582"};
  reordered.page_token = token;
  EXPECT_EQ(Numbers(List(reordered)), (std::vector<uint64_t>{4}));

  page_token_key_ = std::string(32, 'z');
  Open();
  query.page_token = token;
  query.through = log_->HighestDurableEvent();
  const absl::Status refused = events_->List(query).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(),
            "page_token: not a next_page_token of this listing; start again "
            "without a token");

  // Under other filters, the message names them.
  page_token_key_.clear();
  Open();
  query.unresolved_only = true;
  EXPECT_EQ(events_->List(query).status().message(),
            "page_token: made by a listing with other filters (program, "
            "counties, entry or unresolved_only); start again without a "
            "token");
}

TEST_F(EventListTest, AResolutionIsKeptWithTheEventAndCounted) {
  Resolve(1, Resolution::CONFIRMED);
  Resolve(2, Resolution::EXPLAINED);
  Resolve(4, Resolution::SOURCE_WRONG);
  Resolve(4, Resolution::CONFIRMED);  // again: the last one counts
  auto got = events_->Get(4, log_->HighestDurableEvent());
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->resolution().outcome(), Resolution::CONFIRMED);
  EXPECT_EQ((*got)->resolution().caseworker(), "王芳");
  // Resolving wrote no new event.
  EXPECT_EQ(log_->HighestDurableEvent(), 5u);

  EventQuery unresolved;
  unresolved.unresolved_only = true;
  EXPECT_EQ(Numbers(List(unresolved)), (std::vector<uint64_t>{3, 5}));

  EventStatsQuery query;
  query.through = log_->HighestDurableEvent();
  auto stats = events_->Stats(query);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->events(), 5);
  ASSERT_EQ(stats->rows_size(), 1);  // every event changed INCOME only
  const hedui::v1::ChangeStatsRow& row = stats->rows(0);
  EXPECT_EQ(row.kind(), ChangeEvent::REVERIFICATION);
  EXPECT_EQ(row.criterion(), Finding::INCOME);
  EXPECT_EQ(row.events(), 5);
  EXPECT_EQ(row.unresolved(), 2);
  EXPECT_EQ(row.confirmed(), 2);
  EXPECT_EQ(row.explained(), 1);
  EXPECT_EQ(row.source_wrong(), 0);
  EXPECT_DOUBLE_EQ(row.precision(), 2.0 / 3.0);
}

TEST_F(EventStoreTest, StatsCountEachCriterionAndOtherKindsApart) {
  Open();
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000001", kNov20,
                       {Finding::INCOME, Finding::VEHICLES})}));
  Append(Record({Event(hedui::v1::DIBAO, "320581", "E000000000002",
                       absl::CivilDay(2026, 12, 1), {Finding::VEHICLES})}));
  // A death only: no criterion changed.
  Append(
      Record({Event(hedui::v1::DIBAO, "320582", "E000000000003", kNov20, {})}));
  ChangeEvent expired =
      Event(hedui::v1::TEKUN, "320581", "E000000000004", kNov20, {});
  expired.set_kind(ChangeEvent::CONSENT_EXPIRED);
  Append(Record({expired}, false, ChangeEvent::CONSENT_CHECK));

  EventStatsQuery all;
  all.through = log_->HighestDurableEvent();
  auto stats = events_->Stats(all);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->events(), 4);
  // By kind, then criterion.
  ASSERT_EQ(stats->rows_size(), 4);
  EXPECT_EQ(stats->rows(0).kind(), ChangeEvent::REVERIFICATION);
  EXPECT_EQ(stats->rows(0).criterion(), Finding::CRITERION_UNSPECIFIED);
  EXPECT_EQ(stats->rows(0).events(), 1);
  EXPECT_EQ(stats->rows(1).criterion(), Finding::INCOME);
  EXPECT_EQ(stats->rows(1).events(), 1);
  EXPECT_EQ(stats->rows(2).criterion(), Finding::VEHICLES);
  EXPECT_EQ(stats->rows(2).events(), 2);
  EXPECT_EQ(stats->rows(2).unresolved(), 2);
  EXPECT_EQ(stats->rows(2).precision(), 0.0);
  EXPECT_EQ(stats->rows(3).kind(), ChangeEvent::CONSENT_EXPIRED);
  EXPECT_EQ(stats->rows(3).criterion(), Finding::CRITERION_UNSPECIFIED);

  EventStatsQuery november = all;
  november.first_day = 20261101;
  november.last_day = 20261130;
  november.program = hedui::v1::DIBAO;
  november.regions = {"320581"};
  stats = events_->Stats(november);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events(), 1);
  ASSERT_EQ(stats->rows_size(), 2);
  EXPECT_EQ(stats->rows(0).criterion(), Finding::INCOME);
  EXPECT_EQ(stats->rows(1).criterion(), Finding::VEHICLES);
}

// Re-verifications are counted apart from applications in GetStats, by
// trigger, refused ones (no report: the consent had expired) apart.
TEST_F(EventStoreTest, GetStatsCountsReverificationsApartByTrigger) {
  Open();
  ServiceRecord application =
      Record({}, true, ChangeEvent::TRIGGER_UNSPECIFIED);
  Append(std::move(application));
  Append(Record({}, true, ChangeEvent::FEED));
  Append(Record({}, true, ChangeEvent::FEED));
  Append(Record({}, true, ChangeEvent::REVIEW));
  ServiceRecord refused = Record({}, false, ChangeEvent::REVIEW);
  refused.reverification_date = kNov20;
  Append(std::move(refused));
  ServiceRecord elsewhere = Record({}, false, ChangeEvent::REVIEW);
  elsewhere.audit.set_region_code("320582");
  elsewhere.reverification_date = kNov20;
  Append(std::move(elsewhere));

  hedui::v1::GetStatsRequest request;
  *request.mutable_from_date() = ToProto(absl::CivilDay(2026, 11, 1));
  *request.mutable_to_date() = ToProto(absl::CivilDay(2026, 11, 30));
  auto stats = log_->Stats(request, {"320581"});
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->rows_size(), 1);
  EXPECT_EQ(stats->rows(0).households(), 1);
  EXPECT_EQ(stats->households(), 1);
  ASSERT_EQ(stats->reverification_rows_size(), 1);
  EXPECT_EQ(stats->reverification_rows(0).program(), hedui::v1::DIBAO);
  EXPECT_EQ(stats->reverification_rows(0).verdict(), hedui::v1::DOES_NOT_MEET);
  EXPECT_EQ(stats->reverification_rows(0).households(), 3);
  EXPECT_EQ(stats->reverifications(), 3);
  ASSERT_EQ(stats->reverifications_by_trigger_size(), 2);
  EXPECT_EQ(stats->reverifications_by_trigger(0).trigger(), ChangeEvent::FEED);
  EXPECT_EQ(stats->reverifications_by_trigger(0).reverifications(), 2);
  EXPECT_EQ(stats->reverifications_by_trigger(0).refused(), 0);
  EXPECT_EQ(stats->reverifications_by_trigger(1).trigger(),
            ChangeEvent::REVIEW);
  EXPECT_EQ(stats->reverifications_by_trigger(1).reverifications(), 1);
  EXPECT_EQ(stats->reverifications_by_trigger(1).refused(), 1);

  // The report summaries carry the trigger.
  hedui::v1::ListReportsRequest list;
  auto reports = log_->ListReports(list, {});
  ASSERT_TRUE(reports.ok());
  ASSERT_EQ(reports->reports_size(), 4);
  EXPECT_EQ(reports->reports(0).reverification_trigger(), ChangeEvent::REVIEW);
  EXPECT_EQ(reports->reports(3).reverification_trigger(),
            ChangeEvent::TRIGGER_UNSPECIFIED);

  // A day outside the range counts nothing.
  *request.mutable_from_date() = ToProto(absl::CivilDay(2026, 11, 21));
  stats = log_->Stats(request, {});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->reverifications_by_trigger_size(), 0);
}

}  // namespace
}  // namespace hedui::storage
