#include "server/service/reviews_due.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/errors/error_details.h"
#include "storage/rolls/roll_keys.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using absl::CivilDay;
using hedui::v1::ListReviewsDueRequest;
using hedui::v1::ListReviewsDueResponse;
using hedui::v1::ReviewDue;
using hedui::v1::RollEntry;

// Dates fixed by hand (domain.md §10.1 "Reviews").
const CivilDay kToday(2026, 11, 5);

RollEntry Entry(const std::string& id, const std::string& region,
                std::optional<CivilDay> next_review,
                hedui::v1::Program program = hedui::v1::DIBAO) {
  RollEntry entry;
  entry.set_entry_id(id);
  entry.set_program(program);
  entry.set_region_code(region);
  entry.set_applicant_id(absl::StrCat("applicant-", id));
  entry.set_state(RollEntry::ACTIVE);
  entry.set_report_id("R000000000001");
  *entry.mutable_approval_date() = ToProto(CivilDay(2025, 11, 20));
  *entry.mutable_enrolled_on() = ToProto(CivilDay(2025, 11, 20));
  if (next_review.has_value()) {
    *entry.mutable_next_review_date() = ToProto(*next_review);
    entry.set_review_period_months(12);
  }
  return entry;
}

std::string Id(int n) { return storage::FormatEntryId(n); }

TEST(EarliestReviewTest, ThePeriodicReviewOrTheDeathRecheckWhicheverFirst) {
  RollEntry entry = Entry(Id(1), "320581", CivilDay(2027, 5, 1));
  std::optional<ReviewDueOn> due = EarliestReview(entry);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->day, CivilDay(2027, 5, 1));
  EXPECT_EQ(due->reason, ReviewDue::PERIODIC);

  *entry.mutable_death_recheck_date() = ToProto(CivilDay(2027, 2, 28));
  due = EarliestReview(entry);
  EXPECT_EQ(due->day, CivilDay(2027, 2, 28));
  EXPECT_EQ(due->reason, ReviewDue::DEATH_RECHECK);

  // The same day: named by the death re-check.
  *entry.mutable_death_recheck_date() = ToProto(CivilDay(2027, 5, 1));
  due = EarliestReview(entry);
  EXPECT_EQ(due->day, CivilDay(2027, 5, 1));
  EXPECT_EQ(due->reason, ReviewDue::DEATH_RECHECK);

  *entry.mutable_death_recheck_date() = ToProto(CivilDay(2027, 5, 2));
  due = EarliestReview(entry);
  EXPECT_EQ(due->day, CivilDay(2027, 5, 1));
  EXPECT_EQ(due->reason, ReviewDue::PERIODIC);

  entry.set_state(RollEntry::ENDED);
  EXPECT_FALSE(EarliestReview(entry).has_value());
}

TEST(EarliestReviewTest, AnEntryEnrolledBeforeReviewsWereKept) {
  // No next_review_date, no period: every 6 months from the approval, the
  // first date after the enrolment day.
  RollEntry entry = Entry(Id(1), "320581", std::nullopt);
  *entry.mutable_approval_date() = ToProto(CivilDay(2026, 2, 10));
  *entry.mutable_enrolled_on() = ToProto(CivilDay(2026, 2, 10));
  EXPECT_EQ(EarliestReview(entry)->day, CivilDay(2026, 8, 10));
  entry.set_review_period_months(12);
  EXPECT_EQ(EarliestReview(entry)->day, CivilDay(2027, 2, 10));
  // Moved in on 2026-11-05 with an approval of 2023-08-31.
  *entry.mutable_approval_date() = ToProto(CivilDay(2023, 8, 31));
  *entry.mutable_enrolled_on() = ToProto(CivilDay(2026, 11, 5));
  EXPECT_EQ(EarliestReview(entry)->day, CivilDay(2027, 8, 31));
  entry.set_review_period_months(0);
  EXPECT_EQ(EarliestReview(entry)->day, CivilDay(2027, 2, 28));
  // Its re-verifications have since taken it past: a long-unreviewed entry
  // shows as overdue from its enrolment's grid date on.
  *entry.mutable_enrolled_on() = ToProto(CivilDay(2024, 1, 10));
  EXPECT_EQ(EarliestReview(entry)->day, CivilDay(2024, 2, 29));
}

hedui::v1::Report WorkingAgeReport() {
  hedui::v1::Report report;
  report.set_report_id("R000000000042");
  report.set_verdict(hedui::v1::MEETS_CRITERIA);
  *report.mutable_verification_date() = ToProto(CivilDay(2026, 11, 1));
  auto* m = report.mutable_household()->add_members();
  m->set_person_id("A");
  m->set_age(40);
  m->set_counted(true);
  auto* d = report.add_departments();
  d->set_department(hedui::v1::DISABILITY);
  d->set_state(hedui::v1::DepartmentData::FRESH);
  return report;
}

TEST(InitReviewStateTest, TheGridFromTheApprovalAfterTheEnrolmentDay) {
  RollEntry entry = Entry(Id(1), "320581", std::nullopt);
  *entry.mutable_approval_date() = ToProto(CivilDay(2026, 11, 3));
  InitReviewState(WorkingAgeReport(), &entry, kToday);
  EXPECT_EQ(entry.review_period_months(), 6);
  EXPECT_EQ(*FromProto(entry.next_review_date(), ""), CivilDay(2027, 5, 3));
  EXPECT_EQ(entry.latest_report_id(), "R000000000042");
  EXPECT_EQ(entry.latest_verdict(), hedui::v1::MEETS_CRITERIA);
  EXPECT_EQ(*FromProto(entry.latest_verification_date(), ""),
            CivilDay(2026, 11, 1));

  // Nobody can work: 12 months.
  hedui::v1::Report elderly = WorkingAgeReport();
  elderly.mutable_household()->mutable_members(0)->set_age(75);
  InitReviewState(elderly, &entry, kToday);
  EXPECT_EQ(entry.review_period_months(), 12);
  EXPECT_EQ(*FromProto(entry.next_review_date(), ""), CivilDay(2027, 11, 3));

  // Moved in with an approval of 2023-08-31: 2024-02-29, ..., 2026-08-31
  // are behind the enrolment day; the next is 2027-02-28, not overdue.
  *entry.mutable_approval_date() = ToProto(CivilDay(2023, 8, 31));
  entry.set_moved_in(true);
  InitReviewState(WorkingAgeReport(), &entry, kToday);
  EXPECT_EQ(*FromProto(entry.next_review_date(), ""), CivilDay(2027, 2, 28));
  // A grid date on the enrolment day itself: the fresh report stands for it.
  *entry.mutable_approval_date() = ToProto(CivilDay(2025, 11, 5));
  InitReviewState(elderly, &entry, kToday);
  EXPECT_EQ(*FromProto(entry.next_review_date(), ""), CivilDay(2027, 11, 5));
}

// The period the engine judged at evaluation (Report.review_period_months,
// from the records in every program) is the entry's: a 低保 report shows no
// disability records, so a working-age member's §5 "cannot work" disability
// is only in the field. A report stored before the field (0) keeps the
// period derived from what it shows.
TEST(InitReviewStateTest, ThePeriodTheReportCarries) {
  RollEntry entry = Entry(Id(1), "320581", std::nullopt);
  *entry.mutable_approval_date() = ToProto(CivilDay(2026, 11, 3));
  hedui::v1::Report judged = WorkingAgeReport();
  judged.set_review_period_months(12);
  InitReviewState(judged, &entry, kToday);
  EXPECT_EQ(entry.review_period_months(), 12);
  EXPECT_EQ(*FromProto(entry.next_review_date(), ""), CivilDay(2027, 11, 3));

  // Stored before the field: derived, 6 for the working-age member.
  InitReviewState(WorkingAgeReport(), &entry, kToday);
  EXPECT_EQ(entry.review_period_months(), 6);
}

class ListReviewsDueTest : public storage::testing::ServiceLogFixture {
 protected:
  void SetUp() override {
    ServiceLogFixture::SetUp();
    ASSERT_TRUE(Open("db").ok());
    ReopenRolls(options_.audit_key);
  }
  void ReopenRolls(const std::string& page_token_key) {
    rolls_.reset();
    auto rolls =
        storage::RollStore::Open(store_->service_tables(), page_token_key);
    ASSERT_TRUE(rolls.ok()) << rolls.status();
    rolls_ = std::move(*rolls);
  }
  void TearDown() override {
    rolls_.reset();
    ServiceLogFixture::TearDown();
  }

  void Put(std::vector<RollEntry> entries) {
    storage::RollChange change;
    change.entries = std::move(entries);
    storage::ServiceRecord record;
    record.audit.set_caller("test");
    record.audit.set_method("/hedui.v1.RollService/Enroll");
    record.audit.set_outcome("OK");
    record.writes = rolls_->Writes(change);
    std::vector<storage::ServiceRecord> records;
    records.push_back(std::move(record));
    ASSERT_TRUE(log_->Append(std::move(records)).ok());
  }

  // The standard roll of these tests, today 2026-11-05.
  void PutRoll() {
    RollEntry ended = Entry(Id(6), "320581", CivilDay(2026, 11, 1));
    ended.set_state(RollEntry::ENDED);
    *ended.mutable_ended_on() = ToProto(CivilDay(2026, 11, 2));
    RollEntry death = Entry(Id(4), "320581", CivilDay(2027, 5, 1));
    *death.mutable_death_recheck_date() = ToProto(kToday);
    Put({
        Entry(Id(1), "320581", CivilDay(2026, 12, 5)),  // today + 30
        Entry(Id(2), "320581", CivilDay(2026, 12, 6)),  // today + 31
        Entry(Id(3), "320582", CivilDay(2026, 11, 1)),  // overdue
        death,                                          // re-check today
        Entry(Id(5), "320581", kToday),                 // today
        ended, Entry(Id(7), "320581", CivilDay(2026, 11, 1), hedui::v1::TEKUN),
        Entry(Id(8), "320582", CivilDay(2026, 11, 1)),  // overdue
    });
  }

  absl::StatusOr<ListReviewsDueResponse> List(
      int within_days, std::vector<std::string> regions = {},
      const std::string& region_code = "", int page_size = 0,
      const std::string& token = "") {
    ListReviewsDueRequest request;
    request.set_program(hedui::v1::DIBAO);
    request.set_region_code(region_code);
    request.set_within_days(within_days);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return ListReviewsDue(rolls_.get(), request, regions, kToday);
  }

  static std::vector<std::string> Lines(const ListReviewsDueResponse& r) {
    std::vector<std::string> out;
    for (const ReviewDue& line : r.reviews()) {
      out.push_back(absl::StrCat(line.entry_id().substr(12), " ",
                                 FormatCivilDay(*FromProto(line.due_on(), "")),
                                 " ", ReviewDue::Reason_Name(line.reason()),
                                 line.overdue() ? " overdue" : ""));
    }
    return out;
  }

  std::unique_ptr<storage::RollStore> rolls_;
};

TEST_F(ListReviewsDueTest, OverdueAndDueWithinTheWindowByDateThenEntry) {
  PutRoll();
  auto listed = List(30);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(Lines(*listed), (std::vector<std::string>{
                                "3 2026-11-01 PERIODIC overdue",
                                "8 2026-11-01 PERIODIC overdue",
                                "4 2026-11-05 DEATH_RECHECK",
                                "5 2026-11-05 PERIODIC",
                                "1 2026-12-05 PERIODIC",
                            }));
  EXPECT_EQ(listed->next_page_token(), "");
  EXPECT_EQ(listed->reviews(0).region_code(), "320582");
  EXPECT_EQ(listed->reviews(0).program(), hedui::v1::DIBAO);

  listed = List(0);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Lines(*listed), (std::vector<std::string>{
                                "3 2026-11-01 PERIODIC overdue",
                                "8 2026-11-01 PERIODIC overdue",
                                "4 2026-11-05 DEATH_RECHECK",
                                "5 2026-11-05 PERIODIC",
                            }));
  listed = List(31);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->reviews_size(), 6);
}

TEST_F(ListReviewsDueTest, OnlyTheCountiesAskedAndSeen) {
  PutRoll();
  auto listed = List(30, {"320581"});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Lines(*listed), (std::vector<std::string>{
                                "4 2026-11-05 DEATH_RECHECK",
                                "5 2026-11-05 PERIODIC",
                                "1 2026-12-05 PERIODIC",
                            }));
  listed = List(30, {}, "320582");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(Lines(*listed), (std::vector<std::string>{
                                "3 2026-11-01 PERIODIC overdue",
                                "8 2026-11-01 PERIODIC overdue",
                            }));
  listed = List(30, {"320581"}, "320582");
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kPermissionDenied);
  listed = List(30, {"320583"});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->reviews_size(), 0);
}

TEST_F(ListReviewsDueTest, PagesAndTheirTokens) {
  PutRoll();
  auto first = List(30, {}, "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Lines(*first), (std::vector<std::string>{
                               "3 2026-11-01 PERIODIC overdue",
                               "8 2026-11-01 PERIODIC overdue",
                           }));
  ASSERT_FALSE(first->next_page_token().empty());
  auto second = List(30, {}, "", 2, first->next_page_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Lines(*second), (std::vector<std::string>{
                                "4 2026-11-05 DEATH_RECHECK",
                                "5 2026-11-05 PERIODIC",
                            }));
  auto third = List(30, {}, "", 2, second->next_page_token());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Lines(*third), (std::vector<std::string>{"1 2026-12-05 PERIODIC"}));
  EXPECT_EQ(third->next_page_token(), "");

  // Brought to other filters, or made up: refused naming page_token.
  for (auto refused : {
           List(0, {}, "", 2, first->next_page_token()),
           List(30, {"320581"}, "", 2, first->next_page_token()),
           List(30, {}, "320582", 2, first->next_page_token()),
           List(30, {}, "", 2, "20261101E000000000003.0000000000000000"),
           List(30, {}, "", 2, "20261301E000000000003.0000000000000000"),
           List(30, {}, "", 2, "garbage"),
       }) {
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    std::optional<hedui::v1::ErrorDetails> details =
        GetErrorDetails(refused.status());
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->field_violations(0).field(), "page_token");
  }
}

// Sealed with the roll's codec (storage/page_token.h) as a listing of its
// own: no day or entry shows, a roll restarted under the same key goes on,
// another key, a ListRoll token and the messages are as the other listings'.
TEST_F(ListReviewsDueTest, TokensAreOpaqueKeyedAndOfThisListingOnly) {
  PutRoll();
  auto first = List(30, {"320582", "320581"}, "", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  for (const char* shown : {".", "20261101", "E000000000008", "320581"}) {
    EXPECT_EQ(token.find(shown), std::string::npos) << token;
  }
  EXPECT_NE(token[0], '-');

  ReopenRolls(options_.audit_key);
  // The counties in another order are the same filters.
  auto second = List(30, {"320581", "320582"}, "", 2, token);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Lines(*second), (std::vector<std::string>{
                                "4 2026-11-05 DEATH_RECHECK",
                                "5 2026-11-05 PERIODIC",
                            }));
  auto other_filters = List(31, {"320581", "320582"}, "", 2, token);
  EXPECT_EQ(other_filters.status().message(),
            "page_token: made by a listing with other filters (program, "
            "counties or within_days); start again without a token");

  // A ListRoll token of the same program and counties is not this
  // listing's.
  storage::RollListQuery roll;
  roll.program = hedui::v1::DIBAO;
  roll.page_size = 1;
  auto roll_page = rolls_->List(roll);
  ASSERT_TRUE(roll_page.ok());
  ASSERT_FALSE(roll_page->next_page_token().empty());
  const std::string not_a_token =
      "page_token: not a next_page_token of this listing; start again "
      "without a token";
  EXPECT_EQ(
      List(30, {}, "", 2, roll_page->next_page_token()).status().message(),
      not_a_token);

  ReopenRolls(std::string(32, 'z'));
  auto other_key = List(30, {"320581", "320582"}, "", 2, token);
  ASSERT_EQ(other_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(other_key.status().message(), not_a_token);
  std::optional<hedui::v1::ErrorDetails> details =
      GetErrorDetails(other_key.status());
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->field_violations(0).field(), "page_token");
}

// More entries than one store page (500): every line found once, in order.
// Entry i is due 2026-11-01 + ((i - 1) % 40) days;
// within 30 days of 2026-11-05 (to 2026-12-05, offset 34) that is 35 of every
// 40: 27 × 35 + the last 20 (offsets 0..19) = 965 of 1,100.
TEST_F(ListReviewsDueTest, AWholeLargeRollInPages) {
  std::vector<RollEntry> entries;
  for (int i = 1; i <= 1100; ++i) {
    entries.push_back(Entry(Id(i), i % 2 == 0 ? "320581" : "320582",
                            CivilDay(2026, 11, 1) + (i - 1) % 40));
  }
  Put(std::move(entries));
  std::vector<std::pair<CivilDay, std::string>> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = List(30, {}, "", 500, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const ReviewDue& line : page->reviews()) {
      seen.emplace_back(*FromProto(line.due_on(), ""), line.entry_id());
    }
    token = page->next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(seen.size(), 965u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.front(), std::make_pair(CivilDay(2026, 11, 1), Id(1)));
  EXPECT_EQ(seen.back(), std::make_pair(CivilDay(2026, 12, 5), Id(1075)));
}

}  // namespace
}  // namespace hedui::server
