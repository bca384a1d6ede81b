#include "client/changes.h"

#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_roll_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::ApplicantId;
using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeRollServer;
using ::hedui::cli::testing::SpouseId;
using ::hedui::cli::testing::TestDate;
using ::hedui::cli::testing::TestQuantity;
using ::hedui::v1::ChangeEvent;
using ::hedui::v1::Finding;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Masked(const std::string& id) {
  return absl::StrCat(id.substr(0, 4), "**********", id.substr(14));
}

// A 低保 household whose wages rose past the line after a TAX delivery, and
// whose spouse died (domain.md §10 "Change events").
ChangeEvent IncomeEvent(uint64_t number) {
  ChangeEvent e;
  e.set_number(number);
  e.set_kind(ChangeEvent::REVERIFICATION);
  e.set_trigger(ChangeEvent::FEED);
  e.set_program(hedui::v1::DIBAO);
  e.set_region_code("320581");
  e.set_entry_id("E000000000007");
  *e.mutable_occurred_on() = TestDate(2026, 11, 20);
  e.set_previous_report_id("R000000000042");
  e.set_new_report_id("R000000000050");
  e.set_verdict_before(hedui::v1::MEETS_CRITERIA);
  e.set_verdict_after(hedui::v1::DOES_NOT_MEET);
  e.add_departments(hedui::v1::TAX);
  auto* income = e.add_criteria();
  income->set_criterion(Finding::INCOME);
  income->set_before(Finding::PASS);
  income->set_after(Finding::FAIL);
  *income->mutable_value_before() = TestQuantity(
      50000, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "500.00 元/人·月");
  *income->mutable_value_after() = TestQuantity(
      120000, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "1200.00 元/人·月");
  *income->mutable_threshold_before() = TestQuantity(
      93000, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "930.00 元/人·月");
  *income->mutable_threshold_after() = TestQuantity(
      93000, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "930.00 元/人·月");
  income->set_explanation("人均月收入超过低保标准");
  auto* added = income->add_evidence();
  added->set_kind(hedui::v1::EvidenceChange::ADDED);
  added->mutable_after()->set_department(hedui::v1::TAX);
  *added->mutable_after()->mutable_as_of() = TestDate(2026, 10, 31);
  added->mutable_after()->set_person_id(ApplicantId());
  added->mutable_after()->set_record(
      absl::StrCat("2026-10 工资 3,500.00 元 (纳税人 ", ApplicantId(), ")"));
  auto* person = e.add_persons();
  person->set_person_id(SpouseId());
  person->set_name("李秀英");
  person->set_kind(hedui::v1::PersonChange::DIED);
  person->set_source(hedui::v1::DEATH);
  *person->mutable_on() = TestDate(2026, 11, 2);
  *e.mutable_gradual_exit_date() = TestDate(2027, 5, 31);
  e.set_summary("家庭人均月收入由 500.00 元升至 1200.00 元，超过低保标准");
  return e;
}

class ChangesTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    return cli_.RunAt(server_.address(), std::move(args));
  }

  FakeRollServer server_;
  CliRunner cli_;
};

TEST(ChangesFlagsTest, Requests) {
  ListChangesOptions list;
  list.program = "dibao";
  list.region = "320581";
  list.entry = "E000000000007";
  list.after = "41";
  list.unresolved = true;
  absl::StatusOr<hedui::v1::ListChangesRequest> request =
      BuildListChangesRequest(list);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->program(), hedui::v1::DIBAO);
  EXPECT_EQ(request->entry_id(), "E000000000007");
  EXPECT_EQ(request->after(), 41u);
  EXPECT_TRUE(request->unresolved_only());
  list.after = "-1";
  EXPECT_EQ(BuildListChangesRequest(list).status().message(),
            "--after \"-1\": expected an event number (0 or more, digits "
            "only)");
  list.after = "99999999999999999999999";
  EXPECT_THAT(std::string(BuildListChangesRequest(list).status().message()),
              StartsWith("--after \""));
  list.after = "";
  list.entry = "R000000000042";
  EXPECT_THAT(std::string(BuildListChangesRequest(list).status().message()),
              StartsWith("--entry: the entry id does not start with a "
                         "capital E"));
  list.entry = "";
  list.program = "temporary";
  EXPECT_THAT(std::string(BuildListChangesRequest(list).status().message()),
              HasSubstr("one-off assistance has no roll"));
  // No program: every program the caller may see.
  list.program = "";
  EXPECT_EQ(BuildListChangesRequest(list)->program(),
            hedui::v1::PROGRAM_UNSPECIFIED);

  EXPECT_EQ(BuildGetChangeRequest("0").status().message(),
            "N \"0\": expected an event number (1 or more, digits only)");
  EXPECT_EQ(BuildGetChangeRequest("12")->number(), 12u);

  WatchChangesOptions watch;
  EXPECT_EQ(BuildWatchChangesRequest(watch)->after(), 0u);
  watch.region = "3205";
  EXPECT_THAT(std::string(BuildWatchChangesRequest(watch).status().message()),
              StartsWith("--region \"3205\""));

  ResolveChangeOptions resolve;
  resolve.number = "12";
  EXPECT_THAT(
      std::string(BuildResolveChangeRequest(resolve).status().message()),
      StartsWith("--outcome is required"));
  resolve.outcome = "wrong";
  EXPECT_EQ(BuildResolveChangeRequest(resolve).status().message(),
            "--outcome: unknown outcome \"wrong\" (expected one of "
            "confirmed, explained, source-wrong)");
  resolve.outcome = "source-wrong";
  EXPECT_THAT(
      std::string(BuildResolveChangeRequest(resolve).status().message()),
      StartsWith("--caseworker is required"));
  resolve.caseworker = "张社工";
  resolve.note = "税务数据重复";
  absl::StatusOr<hedui::v1::ResolveChangeRequest> resolved =
      BuildResolveChangeRequest(resolve);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->outcome(), hedui::v1::Resolution::SOURCE_WRONG);
  EXPECT_EQ(resolved->number(), 12u);
  EXPECT_EQ(resolved->request_id(), "");
  resolve.request_id = "r/1";
  EXPECT_THAT(
      std::string(BuildResolveChangeRequest(resolve).status().message()),
      StartsWith("--request-id: "));

  ChangeStatsOptions stats;
  stats.first_day = "2026-12-01";
  stats.last_day = "2026-11-01";
  EXPECT_EQ(BuildChangeStatsRequest(stats).status().message(),
            "--first-day 2026-12-01 is after --last-day 2026-11-01");
  stats.last_day = "2026-12-31";
  absl::StatusOr<hedui::v1::GetChangeStatsRequest> range =
      BuildChangeStatsRequest(stats);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->first_day().month(), 12);
  EXPECT_EQ(range->last_day().day(), 31);
}

TEST_F(ChangesTest, MistakesAreRefusedBeforeConnecting) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"changes", "get", "twelve"}, "hedui changes get: N \"twelve\""},
      {{"changes", "list", "--entry", "E7"},
       "hedui changes list: --entry: the entry id has 2 characters"},
      {{"changes", "watch", "--after", "x"},
       "hedui changes watch: --after \"x\""},
      {{"changes", "resolve", "3", "--outcome", "confirmed"},
       "hedui changes resolve: --caseworker is required"},
      {{"changes", "stats", "--first-day", "2026-13-01"},
       "hedui changes stats: --first-day \"2026-13-01\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Run(c.args), kExitUsage);
    EXPECT_THAT(cli_.err(), StartsWith(c.expected));
    EXPECT_EQ(cli_.out(), "");
  }
  EXPECT_EQ(server_.changes().calls(), 0);
}

TEST_F(ChangesTest, GetShowsWhatChangedInChinese) {
  server_.changes().SetEvents({IncomeEvent(12)});
  ASSERT_EQ(Run({"changes", "get", "12"}), kExitOk) << cli_.err();
  const std::string out = cli_.out();
  EXPECT_THAT(out, StartsWith("变化事件  #12\n"));
  for (const char* piece :
       {"复核结果变化（REVERIFICATION）",
        "部门数据更新（FEED）：税务",
        "最低生活保障（DIBAO）",
        "E000000000007",
        "2026-11-20",
        "R000000000042",
        "R000000000050",
        "符合 → 不符合",
        "渐退期至",
        "2027-05-31",
        "超过低保标准",
        "变化的核对项目（共 1 项）\n  1. 家庭收入（INCOME）：通过 → 不通过\n",
        "500.00 元/人·月 → 1,200.00 元/人·月",
        "930.00 元/人·月 → 930.00 元/人·月",
        "变化的依据记录：",
        "新增",
        "2026-10 工资 3,500.00 元",
        "死亡或迁出的人员（1 人）",
        "李**",
        "死亡",
        "2026-11-02",
        "处理结果：未处理"}) {
    EXPECT_THAT(out, HasSubstr(piece));
  }
  EXPECT_THAT(out, HasSubstr(Masked(SpouseId())));
  EXPECT_THAT(out, HasSubstr(Masked(ApplicantId())));
  EXPECT_THAT(out, Not(HasSubstr(ApplicantId())));
  EXPECT_THAT(out, Not(HasSubstr(SpouseId())));
  EXPECT_THAT(out, Not(HasSubstr("秀英")));

  EXPECT_EQ(Run({"changes", "get", "13"}), kExitNotFound);
  EXPECT_EQ(cli_.err(), "hedui changes get: NOT_FOUND: no such change event\n");
}

TEST_F(ChangesTest, ListTableAndJson) {
  ChangeEvent expired;
  expired.set_number(15);
  expired.set_kind(ChangeEvent::CONSENT_EXPIRED);
  expired.set_trigger(ChangeEvent::CONSENT_CHECK);
  expired.set_program(hedui::v1::TEKUN);
  expired.set_region_code("320582");
  expired.set_entry_id("E000000000009");
  *expired.mutable_occurred_on() = TestDate(2026, 11, 21);
  expired.set_consent_id("C-9");
  ChangeEvent resolved = IncomeEvent(14);
  resolved.mutable_resolution()->set_outcome(hedui::v1::Resolution::CONFIRMED);
  server_.changes().SetEvents({IncomeEvent(12), resolved, expired});
  ASSERT_EQ(Run({"changes", "list"}), kExitOk) << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << cli_.out();
  for (const char* title :
       {"编号", "发生日期", "类型", "触发", "救助项目", "地区", "条目编号",
        "核对结论", "变化内容", "处理"}) {
    EXPECT_THAT(lines[0], HasSubstr(title));
  }
  EXPECT_THAT(lines[1], HasSubstr("12  2026-11-20"));
  EXPECT_THAT(lines[1], HasSubstr("符合 → 不符合"));
  EXPECT_THAT(lines[1], HasSubstr("家庭收入、死亡 1 人"));
  EXPECT_THAT(lines[1], HasSubstr("未处理"));
  EXPECT_THAT(lines[2], HasSubstr("核实属实"));
  EXPECT_THAT(lines[3], HasSubstr("授权已过期"));
  EXPECT_THAT(lines[3], HasSubstr("特困人员救助供养"));

  ASSERT_EQ(Run({"changes", "list", "--after", "12", "--unresolved",
                 "--program", "DIBAO", "--region", "320581", "--entry",
                 "E000000000007", "-o", "json"}),
            kExitOk);
  const hedui::v1::ListChangesRequest sent = server_.changes().lists().back();
  EXPECT_EQ(sent.after(), 12u);
  EXPECT_TRUE(sent.unresolved_only());
  EXPECT_EQ(sent.entry_id(), "E000000000007");
  EXPECT_EQ(sent.region_code(), "320581");
  hedui::v1::ListChangesResponse parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  ASSERT_EQ(parsed.events_size(), 1);  // 14 is resolved
  EXPECT_EQ(parsed.events(0).number(), 15u);
  EXPECT_THAT(cli_.out(), HasSubstr("\"consent_id\":\"C-9\""));

  // An empty store: the titles only, or an empty list.
  server_.changes().SetEvents({});
  ASSERT_EQ(Run({"changes", "list"}), kExitOk);
  const std::vector<std::string> titles =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  EXPECT_EQ(titles.size(), 1u);
  ASSERT_EQ(Run({"changes", "list", "-o", "json"}), kExitOk);
  EXPECT_EQ(cli_.out(), "{\"events\":[],\"next_page_token\":\"\"}\n");
}

TEST_F(ChangesTest, ResolveRecordsTheOutcome) {
  server_.changes().SetEvents({IncomeEvent(12)});
  ASSERT_EQ(Run({"changes", "resolve", "12", "--outcome", "explained",
                 "--caseworker", "张社工", "--note", "家庭已提供离职证明"}),
            kExitOk)
      << cli_.err();
  const hedui::v1::ResolveChangeRequest sent =
      server_.changes().resolved().back();
  EXPECT_EQ(sent.number(), 12u);
  EXPECT_EQ(sent.outcome(), hedui::v1::Resolution::EXPLAINED);
  EXPECT_EQ(sent.caseworker(), "张社工");
  EXPECT_THAT(sent.request_id(), StartsWith("cli-"));
  EXPECT_THAT(cli_.err(), HasSubstr(sent.request_id()));
  EXPECT_THAT(cli_.out(), StartsWith("已处理变化事件 #12\n\n变化事件  #12\n"));
  EXPECT_THAT(cli_.out(), HasSubstr("\n处理结果\n"));
  EXPECT_THAT(cli_.out(), HasSubstr("家庭已说明（EXPLAINED）"));
  EXPECT_THAT(cli_.out(), HasSubstr("家庭已提供离职证明"));
  EXPECT_THAT(cli_.out(), HasSubstr("2026-12-01（staff-1）"));
}

TEST_F(ChangesTest, StatsShowPrecisionAsAPercentage) {
  hedui::v1::GetChangeStatsResponse stats;
  auto* income = stats.add_rows();
  income->set_kind(ChangeEvent::REVERIFICATION);
  income->set_criterion(Finding::INCOME);
  income->set_events(10);
  income->set_unresolved(2);
  income->set_confirmed(6);
  income->set_explained(1);
  income->set_source_wrong(1);
  income->set_precision(0.75);  // 6 of 8 resolved
  auto* vehicles = stats.add_rows();
  vehicles->set_kind(ChangeEvent::REVERIFICATION);
  vehicles->set_criterion(Finding::VEHICLES);
  vehicles->set_events(3);
  vehicles->set_unresolved(3);
  auto* expired = stats.add_rows();
  expired->set_kind(ChangeEvent::CONSENT_EXPIRED);
  expired->set_events(1);
  expired->set_confirmed(1);
  expired->set_precision(1);
  stats.set_events(13);
  server_.changes().SetStats(stats);
  ASSERT_EQ(Run({"changes", "stats", "--program", "DIBAO", "--first-day",
                 "2026-11-01", "--last-day", "2026-11-30"}),
            kExitOk)
      << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << cli_.out();
  EXPECT_THAT(lines[1], HasSubstr("准确率"));
  EXPECT_THAT(lines[2], HasSubstr("家庭收入（INCOME）"));
  EXPECT_THAT(lines[2], HasSubstr("75.0%"));
  EXPECT_THAT(lines[3], HasSubstr("机动车辆（VEHICLES）"));
  EXPECT_THAT(lines[3], ::testing::EndsWith("-"));
  EXPECT_THAT(lines[4], HasSubstr("授权已过期"));
  EXPECT_THAT(lines[4], HasSubstr("100.0%"));
  EXPECT_EQ(lines[5], "事件合计  13 件");
  const hedui::v1::GetChangeStatsRequest sent =
      server_.changes().stats_requests().back();
  EXPECT_EQ(sent.first_day().day(), 1);
  EXPECT_EQ(sent.last_day().day(), 30);

  ASSERT_EQ(Run({"changes", "stats", "-o", "json"}), kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("\"source_wrong\":\"1\""));
  EXPECT_THAT(cli_.out(), HasSubstr("\"precision\":0.75"));
}

// The stream ends on its own: the error, and where to resume.
TEST_F(ChangesTest, WatchPrintsEachEventAndSaysWhereToResume) {
  server_.changes().SetEvents({IncomeEvent(12), IncomeEvent(14)});
  server_.changes().SetWatchEnd(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
  ASSERT_EQ(Run({"changes", "watch", "--after", "10"}), kExitUnavailable);
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << cli_.out();
  EXPECT_THAT(lines[0],
              StartsWith("#12  2026-11-20  复核结果变化（部门数据更新）  "
                         "低保 320581  E000000000007  符合 → 不符合  "
                         "家庭收入、死亡 1 人  家庭人均月收入"));
  EXPECT_THAT(lines[1], StartsWith("#14  "));
  EXPECT_EQ(server_.changes().watches().back().after(), 10u);
  EXPECT_THAT(cli_.err(),
              StartsWith("hedui changes watch: UNAVAILABLE: server shutting "
                         "down"));
  EXPECT_THAT(cli_.err(),
              HasSubstr("hedui changes watch: the stream ended after event "
                        "#14 (2 received); to resume, run it again with "
                        "--after 14\n"));

  // The server closing the stream is no success either.
  server_.changes().SetWatchEnd(grpc::Status::OK);
  ASSERT_EQ(Run({"changes", "watch", "--after", "12", "-o", "json"}),
            kExitUnavailable);
  ChangeEvent parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.number(), 14u);
  EXPECT_THAT(cli_.err(), HasSubstr("the server ended the stream after event "
                                    "#14 (1 received)"));
  EXPECT_THAT(cli_.err(), HasSubstr("--after 14"));

  // A refused start is not resumed.
  hedui::v1::ErrorDetails details;
  auto* violation = details.add_field_violations();
  violation->set_field("after");
  violation->set_description("below the oldest event kept");
  server_.changes().Fail(
      "WatchChanges",
      {grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "events purged"), details});
  ASSERT_EQ(Run({"changes", "watch", "--after", "1"}), kExitInvalidArgument);
  EXPECT_EQ(cli_.err(),
            "hedui changes watch: OUT_OF_RANGE: events purged\n"
            "  after: below the oldest event kept\n");
  server_.changes().Fail(
      "WatchChanges",
      {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), absl::nullopt});
  ASSERT_EQ(Run({"changes", "watch"}), kExitError);
  EXPECT_THAT(cli_.err(),
              HasSubstr("does not offer ChangeService.WatchChanges yet"));
  EXPECT_THAT(cli_.err(), Not(HasSubstr("resume")));
}

// Ctrl-C ends a live watch with exit 0 and the number to resume after.
TEST_F(ChangesTest, WatchEndsCleanlyOnInterrupt) {
  server_.changes().SetEvents({IncomeEvent(12), IncomeEvent(14)});
  for (const bool real_signal : {false, true}) {
    SCOPED_TRACE(real_signal ? "SIGINT" : "InterruptChangesWatch");
    const int sent_before = server_.changes().watch_sent();
    int code = -1;
    CliRunner cli;
    std::thread watcher([&] {
      code = cli.RunAt(server_.address(), {"changes", "watch", "-o", "json",
                                           "--program", "DIBAO"});
    });
    // The handler is in place before the call reaches the server.
    ASSERT_TRUE(server_.changes().AwaitWatchSent(sent_before + 2));
    // Sent is not yet received: give the client a moment to print them (a
    // loaded machine may still interrupt it earlier; checked below).
    absl::SleepFor(absl::Milliseconds(300));
    if (real_signal) {
      std::raise(SIGINT);
    } else {
      InterruptChangesWatch();
    }
    watcher.join();
    EXPECT_EQ(code, kExitOk) << cli.err();
    const std::vector<std::string> lines =
        absl::StrSplit(cli.out(), '\n', absl::SkipEmpty());
    ASSERT_LE(lines.size(), 2u);
    if (lines.size() == 2) {
      EXPECT_THAT(lines[1], HasSubstr("\"number\":\"14\""));
      EXPECT_EQ(cli.err(),
                "hedui changes watch: stopped after event #14 (2 received); "
                "to go on from there, run it again with --after 14\n");
    } else {
      EXPECT_THAT(cli.err(), HasSubstr("hedui changes watch: stopped"));
    }
  }
  EXPECT_EQ(server_.changes().watches().back().program(), hedui::v1::DIBAO);
}

}  // namespace
}  // namespace hedui::cli
