#include "client/roll.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_roll_service.h"
#include "client/reviews.h"
#include "client/test_files.h"
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
using ::hedui::cli::testing::WriteTempFile;
using ::hedui::v1::RollEntry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// domain.md / README: a masked ID keeps the region's first 4 characters and
// the last 4.
std::string Masked(const std::string& id) {
  return absl::StrCat(id.substr(0, 4), "**********", id.substr(14));
}

RollEntry SampleEntry() {
  RollEntry e;
  e.set_entry_id("E000000000007");
  e.set_program(hedui::v1::DIBAO);
  e.set_region_code("320581");
  e.set_applicant_id(ApplicantId());
  e.set_household_number("320581000123");
  e.set_state(RollEntry::ACTIVE);
  e.set_report_id("R000000000042");
  e.set_report_verdict(hedui::v1::MEETS_CRITERIA);
  *e.mutable_report_verification_date() = TestDate(2026, 11, 3);
  *e.mutable_approval_date() = TestDate(2026, 11, 10);
  *e.mutable_enrolled_on() = TestDate(2026, 11, 30);
  e.set_enrolled_by("dibao-system");
  auto* request = e.mutable_request();
  request->set_program(hedui::v1::DIBAO);
  auto* applicant = request->add_members();
  applicant->set_person_id(ApplicantId());
  applicant->set_name("王建国");
  applicant->set_relation(hedui::v1::HEAD);
  auto* spouse = request->add_members();
  spouse->set_person_id(SpouseId());
  spouse->set_name("李秀英");
  spouse->set_relation(hedui::v1::SPOUSE);
  auto* consent = request->mutable_consent();
  consent->set_consent_id("C-1");
  *consent->mutable_signed_on() = TestDate(2026, 10, 20);
  consent->add_signer_ids(ApplicantId());
  consent->add_signer_ids(SpouseId());
  consent->add_programs(hedui::v1::DIBAO);
  e.set_latest_report_id("R000000000042");
  e.set_latest_verdict(hedui::v1::MEETS_CRITERIA);
  *e.mutable_latest_verification_date() = TestDate(2026, 11, 3);
  *e.mutable_next_review_date() = TestDate(2027, 11, 10);
  e.set_review_period_months(12);
  return e;
}

RollEntry Ended(RollEntry e) {
  e.clear_request();
  e.set_state(RollEntry::ENDED);
  *e.mutable_ended_on() = TestDate(2026, 12, 1);
  e.set_end_reason(RollEntry::MOVED_AWAY);
  e.set_end_note("迁往外省");
  e.set_ended_by("dibao-system");
  return e;
}

class RollTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    return cli_.RunAt(server_.address(), std::move(args));
  }

  static std::vector<std::string> Enroll(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "roll",   "enroll",   "--program",     "dibao",           "--region",
        "320581", "--report", "R000000000042", "--approval-date", "2026-11-10"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  FakeRollServer server_;
  CliRunner cli_;
};

TEST(RollFlagsTest, EnrollRequestFromFlags) {
  EnrollOptions options;
  options.program = "dibao";
  options.region = "320581";
  options.report = "R000000000042";
  options.approval_date = "2026-11-10";
  options.request_id = "app-7:enrol.1";
  options.moved_in = true;
  options.caseworker = "张社工";
  options.reason = "收入波动已核实";
  absl::StatusOr<hedui::v1::EnrollRequest> request =
      BuildEnrollRequest(options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->program(), hedui::v1::DIBAO);
  EXPECT_EQ(request->region_code(), "320581");
  EXPECT_EQ(request->report_id(), "R000000000042");
  EXPECT_EQ(request->approval_date().year(), 2026);
  EXPECT_EQ(request->approval_date().month(), 11);
  EXPECT_EQ(request->approval_date().day(), 10);
  EXPECT_TRUE(request->moved_in());
  EXPECT_EQ(request->request_id(), "app-7:enrol.1");
  EXPECT_EQ(request->resolution().caseworker(), "张社工");
  EXPECT_EQ(request->resolution().reason(), "收入波动已核实");
}

// Each mistake is named by its flag before anything is sent.
TEST(RollFlagsTest, EnrollMistakesNameTheFlag) {
  const auto error = [](void (*edit)(EnrollOptions*)) {
    EnrollOptions options;
    options.program = "DIBAO";
    options.region = "320581";
    options.report = "R000000000042";
    options.approval_date = "2026-11-10";
    edit(&options);
    return std::string(BuildEnrollRequest(options).status().message());
  };
  EXPECT_THAT(error([](EnrollOptions* o) { o->program = ""; }),
              StartsWith("--program is required"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->program = "DIBOA"; }),
              StartsWith("--program: unknown program \"DIBOA\""));
  // domain.md §10.1: temporary and medical assistance are one-off.
  EXPECT_THAT(error([](EnrollOptions* o) { o->program = "temporary"; }),
              StartsWith("--program TEMPORARY: one-off assistance has no roll "
                         "(expected one of DIBAO, TEKUN, LOW_INCOME_MARGIN, "
                         "HOUSING, UNION_HARDSHIP)"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->program = "MEDICAL"; }),
              HasSubstr("one-off assistance has no roll"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->region = ""; }),
              StartsWith("--region is required"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->region = "32058"; }),
              StartsWith("--region \"32058\": expected a 6-digit county code"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->report = ""; }),
              StartsWith("--report: the report id missing"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->report = "E000000000042"; }),
              StartsWith("--report: the report id does not start with a "
                         "capital R"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->approval_date = ""; }),
              StartsWith("--approval-date is required"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->approval_date = "2026-02-30"; }),
              StartsWith("--approval-date \"2026-02-30\""));
  EXPECT_THAT(error([](EnrollOptions* o) { o->caseworker = "张社工"; }),
              StartsWith("--caseworker and --reason go together"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->reason = "已核实"; }),
              StartsWith("--caseworker and --reason go together"));
  EXPECT_THAT(error([](EnrollOptions* o) {
                o->caseworker = "  ";
                o->reason = "已核实";
              }),
              StartsWith("--caseworker is blank"));
  EXPECT_THAT(error([](EnrollOptions* o) {
                o->caseworker = std::string(65, 'a');
                o->reason = "已核实";
              }),
              StartsWith("--caseworker: 65 characters, at most 64"));
  // Characters, not bytes: 200 Chinese characters are allowed, 201 not.
  std::string reason;
  for (int i = 0; i < 201; ++i) reason += "核";
  EnrollOptions long_reason;
  long_reason.program = "DIBAO";
  long_reason.region = "320581";
  long_reason.report = "R000000000042";
  long_reason.approval_date = "2026-11-10";
  long_reason.caseworker = "张社工";
  long_reason.reason = reason;
  EXPECT_EQ(BuildEnrollRequest(long_reason).status().message(),
            "--reason: 201 characters, at most 200");
  long_reason.reason = reason.substr(3);
  EXPECT_TRUE(BuildEnrollRequest(long_reason).ok());
  long_reason.reason = "第一行\n第二行";
  EXPECT_THAT(std::string(BuildEnrollRequest(long_reason).status().message()),
              StartsWith("--reason: has a control character"));
  EXPECT_THAT(error([](EnrollOptions* o) { o->request_id = "id with space"; }),
              StartsWith("--request-id: the request id has other characters "
                         "(expected 1 to 64 characters of A-Z a-z 0-9 . _ : "
                         "-)"));
  EXPECT_THAT(
      error([](EnrollOptions* o) { o->request_id = std::string(65, 'x'); }),
      StartsWith("--request-id: the request id has 65 characters"));
}

TEST(RollFlagsTest, EntryIds) {
  EXPECT_TRUE(ValidateEntryId("ENTRY_ID", "E000000000001").ok());
  EXPECT_TRUE(ValidateEntryId("ENTRY_ID", "E999999999999").ok());
  EXPECT_EQ(ValidateEntryId("ENTRY_ID", "E00000000001").message(),
            "ENTRY_ID: the entry id has 12 characters, not 13 (expected E "
            "followed by 12 digits, e.g. E000000000001)");
  EXPECT_THAT(
      std::string(ValidateEntryId("ENTRY_ID", "R000000000001").message()),
      StartsWith("ENTRY_ID: the entry id does not start with a "
                 "capital E"));
  EXPECT_THAT(
      std::string(ValidateEntryId("ENTRY_ID", "e000000000001").message()),
      HasSubstr("does not start with a capital E"));
  EXPECT_THAT(
      std::string(ValidateEntryId("ENTRY_ID", "E00000000000x").message()),
      HasSubstr("something other than a digit"));
  EXPECT_THAT(
      std::string(ValidateEntryId("ENTRY_ID", "E000000000000").message()),
      HasSubstr("E000000000000, which no entry has"));
  EXPECT_THAT(
      std::string(ValidateEntryId("--entry", "\uFF25000000000001").message()),
      HasSubstr("fullwidth"));
  // A resident ID pasted by mistake is not echoed.
  EXPECT_THAT(std::string(ValidateEntryId("ENTRY_ID", ApplicantId()).message()),
              Not(HasSubstr(ApplicantId())));
}

TEST(RollFlagsTest, NewRequestIdsAreValidAndDiffer) {
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_NE(a, b);
  EXPECT_THAT(a, StartsWith("cli-"));
  EXPECT_EQ(a.size(), 36u);
  EXPECT_TRUE(ValidateRequestId("--request-id", a).ok());
}

TEST(RollFlagsTest, WithdrawReasonsAsWords) {
  WithdrawOptions options;
  options.entry_id = "E000000000007";
  for (const auto& [word, reason] :
       std::vector<std::pair<std::string, RollEntry::EndReason>>{
           {"income", RollEntry::INCOME},
           {"assets", RollEntry::ASSETS},
           {"death", RollEntry::DEATH},
           {"moved-away", RollEntry::MOVED_AWAY},
           {"MOVED_AWAY", RollEntry::MOVED_AWAY},
           {"voluntary", RollEntry::VOLUNTARY},
           {"other", RollEntry::OTHER}}) {
    options.reason = word;
    absl::StatusOr<hedui::v1::WithdrawRequest> request =
        BuildWithdrawRequest(options);
    ASSERT_TRUE(request.ok()) << word << ": " << request.status();
    EXPECT_EQ(request->reason(), reason) << word;
  }
  // REPLACED is the server's alone (roll_service.proto).
  options.reason = "replaced";
  EXPECT_EQ(BuildWithdrawRequest(options).status().message(),
            "--reason: unknown reason \"replaced\" (expected one of income, "
            "assets, death, moved-away, voluntary, other)");
  options.reason = "";
  EXPECT_THAT(std::string(BuildWithdrawRequest(options).status().message()),
              StartsWith("--reason is required"));
  options.reason = "death";
  options.note = std::string(201, 'n');
  EXPECT_EQ(BuildWithdrawRequest(options).status().message(),
            "--note: 201 characters, at most 200");
  options.note = "";
  options.entry_id = "E7";
  EXPECT_THAT(std::string(BuildWithdrawRequest(options).status().message()),
              StartsWith("ENTRY_ID: the entry id has 2 characters"));
}

TEST(RollFlagsTest, ConsentFromFlagsOrFile) {
  AttachConsentOptions options;
  options.entry_id = "E000000000007";
  options.consent_id = "C-2";
  options.signed_on = "2026-12-01";
  options.signers = {ApplicantId(), SpouseId()};
  options.programs = {"dibao", "MEDICAL"};
  absl::StatusOr<hedui::v1::AttachConsentRequest> request =
      BuildAttachConsentRequest(options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->consent().consent_id(), "C-2");
  EXPECT_EQ(request->consent().signed_on().day(), 1);
  EXPECT_THAT(request->consent().signer_ids(),
              ElementsAre(ApplicantId(), SpouseId()));
  EXPECT_THAT(request->consent().programs(),
              ElementsAre(hedui::v1::DIBAO, hedui::v1::MEDICAL));

  AttachConsentOptions bad = options;
  bad.signers = {ApplicantId(), ApplicantId().substr(0, 17) + "0"};
  if (bad.signers[1] == ApplicantId()) bad.signers[1].back() = '1';
  const std::string message(BuildAttachConsentRequest(bad).status().message());
  EXPECT_THAT(message, StartsWith("--signer (signer 2)"));
  EXPECT_THAT(message, Not(HasSubstr(ApplicantId().substr(0, 17))));
  bad = options;
  bad.signers.clear();
  EXPECT_THAT(std::string(BuildAttachConsentRequest(bad).status().message()),
              StartsWith("--signer is required"));
  bad = options;
  bad.programs.clear();
  EXPECT_THAT(std::string(BuildAttachConsentRequest(bad).status().message()),
              StartsWith("--program is required"));
  bad = options;
  bad.signed_on = "";
  EXPECT_THAT(std::string(BuildAttachConsentRequest(bad).status().message()),
              StartsWith("--signed-on is required"));
  bad = options;
  bad.consent_id = "";
  EXPECT_THAT(std::string(BuildAttachConsentRequest(bad).status().message()),
              StartsWith("--consent-id is required"));

  // The consent as a verify --household file writes it.
  const std::string file = WriteTempFile(
      "consent.json",
      absl::StrCat(R"({"consent_id":"C-3","signed_on":{"year":2026,)",
                   R"("month":12,"day":2},"signer_ids":[")", ApplicantId(),
                   R"("],"programs":["DIBAO"]})"));
  AttachConsentOptions by_file;
  by_file.entry_id = "E000000000007";
  by_file.consent_file = file;
  request = BuildAttachConsentRequest(by_file);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->consent().consent_id(), "C-3");
  EXPECT_THAT(request->consent().signer_ids(), ElementsAre(ApplicantId()));
  by_file.consent_id = "C-4";
  EXPECT_THAT(
      std::string(BuildAttachConsentRequest(by_file).status().message()),
      HasSubstr("exclusive"));
  const std::string misspelt =
      WriteTempFile("misspelt.json", R"({"consent_idd":"C-3"})");
  by_file = {};
  by_file.entry_id = "E000000000007";
  by_file.consent_file = misspelt;
  EXPECT_THAT(
      std::string(BuildAttachConsentRequest(by_file).status().message()),
      StartsWith("--consent: not a hedui.v1.Consent in proto JSON"));
  const std::string text_file = WriteTempFile(
      "consent.textproto",
      absl::StrCat("consent_id: \"C-5\" signed_on { year: 2026 month: 2 day: "
                   "30 } signer_ids: \"",
                   ApplicantId(), "\" programs: DIBAO"));
  by_file.consent_file = text_file;
  EXPECT_EQ(BuildAttachConsentRequest(by_file).status().message(),
            "--consent: signed_on 2026-02-30: not a calendar date (expected a "
            "real date as YYYY-MM-DD)");
}

TEST(RollFlagsTest, GetListAndReverifyRequests) {
  GetEntryOptions get;
  EXPECT_THAT(std::string(BuildGetEntryRequest(get).status().message()),
              StartsWith("ENTRY_ID is required, or --program and "
                         "--applicant"));
  get.entry_id = "E000000000007";
  get.program = "DIBAO";
  EXPECT_THAT(std::string(BuildGetEntryRequest(get).status().message()),
              HasSubstr("not both"));
  get.entry_id = "";
  EXPECT_THAT(std::string(BuildGetEntryRequest(get).status().message()),
              StartsWith("--applicant is required with --program"));
  get.applicant = ApplicantId().substr(0, 17);
  EXPECT_THAT(std::string(BuildGetEntryRequest(get).status().message()),
              StartsWith("--applicant"));
  get.applicant = ApplicantId();
  absl::StatusOr<hedui::v1::GetRollEntryRequest> by_applicant =
      BuildGetEntryRequest(get);
  ASSERT_TRUE(by_applicant.ok());
  EXPECT_EQ(by_applicant->applicant_id(), ApplicantId());
  EXPECT_EQ(by_applicant->program(), hedui::v1::DIBAO);

  ListRollOptions list;
  EXPECT_THAT(std::string(BuildListRollRequest(list).status().message()),
              StartsWith("--program is required"));
  list.program = "tekun";
  list.state = "ended";
  list.page_size = 500;
  absl::StatusOr<hedui::v1::ListRollRequest> listed =
      BuildListRollRequest(list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->program(), hedui::v1::TEKUN);
  EXPECT_EQ(listed->state(), hedui::v1::ListRollRequest::ENDED_ONLY);
  list.state = "All";
  EXPECT_EQ(BuildListRollRequest(list)->state(),
            hedui::v1::ListRollRequest::ALL);
  list.state = "";
  EXPECT_EQ(BuildListRollRequest(list)->state(),
            hedui::v1::ListRollRequest::STATE_FILTER_UNSPECIFIED);
  list.state = "gone";
  EXPECT_EQ(BuildListRollRequest(list).status().message(),
            "--state: unknown state \"gone\" (expected one of active, ended, "
            "all)");
  list.state = "";
  list.page_size = 501;
  EXPECT_EQ(BuildListRollRequest(list).status().message(),
            "--page-size 501: expected 1 to 500");

  ReverifyOptions reverify;
  EXPECT_THAT(std::string(BuildReverifyRequest(reverify).status().message()),
              StartsWith("ENTRY_ID is required (one entry), or --program"));
  reverify.entry_id = "E000000000007";
  reverify.region = "320581";
  EXPECT_THAT(std::string(BuildReverifyRequest(reverify).status().message()),
              HasSubstr("not both"));
  reverify.entry_id = "";
  reverify.program = "housing";
  absl::StatusOr<hedui::v1::ReverifyRequest> roll =
      BuildReverifyRequest(reverify);
  ASSERT_TRUE(roll.ok());
  EXPECT_EQ(roll->program(), hedui::v1::HOUSING);
  EXPECT_EQ(roll->region_code(), "320581");
  EXPECT_EQ(roll->entry_id(), "");
}

TEST(RollFlagsTest, ReviewsDueRequest) {
  ReviewsDueOptions options;
  options.program = "DIBAO";
  EXPECT_THAT(std::string(BuildReviewsDueRequest(options).status().message()),
              StartsWith("--within-days is required"));
  for (const std::string bad : {"-1", "367", "ten", "1e2", " 3"}) {
    options.within_days = bad;
    EXPECT_THAT(std::string(BuildReviewsDueRequest(options).status().message()),
                StartsWith("--within-days \""))
        << bad;
  }
  options.within_days = "0";
  EXPECT_EQ(BuildReviewsDueRequest(options)->within_days(), 0);
  options.within_days = "366";
  options.region = "320582";
  absl::StatusOr<hedui::v1::ListReviewsDueRequest> request =
      BuildReviewsDueRequest(options);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->within_days(), 366);
  EXPECT_EQ(request->region_code(), "320582");
  options.program = "";
  EXPECT_THAT(std::string(BuildReviewsDueRequest(options).status().message()),
              StartsWith("--program is required"));
}

// Flag mistakes stop the command before it connects: exit 2, the command
// and the flag named, nothing sent, no resident ID echoed.
TEST_F(RollTest, MistakesAreRefusedBeforeConnecting) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"roll", "enroll", "--region", "320581"},
       "hedui roll enroll: --program is required"},
      {{"roll", "enroll", "--program", "DIBAO", "--region", "320581",
        "--report", "R42", "--approval-date", "2026-11-10"},
       "hedui roll enroll: --report: "},
      {{"roll", "enroll", "--program", "DIBAO", "--region", "320581",
        "--report", "R000000000042", "--approval-date", "10/11/2026"},
       "hedui roll enroll: --approval-date \"10/11/2026\""},
      {{"roll", "withdraw", "E1", "--reason", "death"},
       "hedui roll withdraw: ENTRY_ID: the entry id has 2 characters"},
      {{"roll", "withdraw", "E000000000007", "--reason", "bored"},
       "hedui roll withdraw: --reason: unknown reason \"bored\""},
      {{"roll", "withdraw", ApplicantId(), "--reason", "death"},
       "hedui roll withdraw: ENTRY_ID: the entry id has 18 characters"},
      {{"roll", "attach-consent", "E000000000007", "--consent-id", "C-2",
        "--signed-on", "2026-12-01", "--signer",
        ApplicantId().substr(0, 17) + (ApplicantId().back() == 'X' ? "0" : "X"),
        "--program", "DIBAO"},
       "hedui roll attach-consent: --signer (signer 1)"},
      {{"roll", "get", "--applicant", ApplicantId()},
       "hedui roll get: --program is required with --applicant"},
      {{"roll", "list", "--program", "medical"},
       "hedui roll list: --program MEDICAL: one-off assistance has no roll"},
      {{"roll", "reverify"},
       "hedui roll reverify: ENTRY_ID is required (one entry)"},
      {{"reviews", "due", "--program", "DIBAO"},
       "hedui reviews due: --within-days is required"},
      {{"reviews", "due", "--program", "DIBAO", "--within-days", "400"},
       "hedui reviews due: --within-days \"400\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Run(c.args), kExitUsage);
    EXPECT_THAT(cli_.err(), StartsWith(c.expected));
    EXPECT_THAT(cli_.err(), Not(HasSubstr(ApplicantId().substr(6, 8))));
    EXPECT_EQ(cli_.out(), "");
  }
  EXPECT_EQ(server_.roll().calls(), 0);
}

TEST_F(RollTest, EnrollSendsTheRequestAndShowsTheEntry) {
  hedui::v1::EnrollResponse response;
  *response.mutable_entry() = SampleEntry();
  response.mutable_entry()->clear_request();
  response.mutable_entry()->set_replaces_entry_id("E000000000003");
  RollEntry old = Ended(SampleEntry());
  old.set_entry_id("E000000000003");
  old.set_end_reason(RollEntry::REPLACED);
  old.set_replaced_by_entry_id("E000000000007");
  *response.add_replaced() = old;
  server_.roll().SetEnrollResponse(response);

  ASSERT_EQ(Run(Enroll({"--request-id", "app-7-enrol"})), kExitOk)
      << cli_.err();
  ASSERT_EQ(server_.roll().enrolled().size(), 1u);
  const hedui::v1::EnrollRequest sent = server_.roll().enrolled()[0];
  EXPECT_EQ(sent.request_id(), "app-7-enrol");
  EXPECT_EQ(sent.program(), hedui::v1::DIBAO);
  EXPECT_EQ(sent.region_code(), "320581");
  EXPECT_EQ(sent.report_id(), "R000000000042");
  EXPECT_EQ(sent.approval_date().day(), 10);
  EXPECT_FALSE(sent.moved_in());
  EXPECT_FALSE(sent.has_resolution());
  // A given request id is not announced.
  EXPECT_EQ(cli_.err(), "");

  const std::string out = cli_.out();
  EXPECT_THAT(out, StartsWith("已纳入名册：E000000000007\n已结束原条目 "
                              "E000000000003（重新纳入，被新条目取代）\n\n"
                              "名册条目  E000000000007\n"));
  for (const char* piece :
       {"救助项目", "最低生活保障（DIBAO）", "在册（ACTIVE）", "320581000123",
        "R000000000042（符合，核对日期 2026-11-03）", "批准日期", "2026-11-10",
        "2026-11-30（dibao-system）", "取代条目", "E000000000003",
        "下次定期复核", "2027-11-10（每 12 个月）"}) {
    EXPECT_THAT(out, HasSubstr(piece));
  }
  EXPECT_THAT(out, HasSubstr(Masked(ApplicantId())));
  EXPECT_THAT(out, Not(HasSubstr(ApplicantId())));
}

TEST_F(RollTest, EnrollGeneratesAndAnnouncesARequestId) {
  server_.roll().SetEnrollResponse({});
  ASSERT_EQ(Run(Enroll({"--moved-in", "--caseworker", "张社工", "--reason",
                        "收入波动已核实"})),
            kExitOk)
      << cli_.err();
  ASSERT_EQ(server_.roll().enrolled().size(), 1u);
  const hedui::v1::EnrollRequest sent = server_.roll().enrolled()[0];
  EXPECT_THAT(sent.request_id(), StartsWith("cli-"));
  EXPECT_TRUE(sent.moved_in());
  EXPECT_EQ(sent.resolution().caseworker(), "张社工");
  EXPECT_EQ(cli_.err(),
            absl::StrCat("hedui roll enroll: request id ", sent.request_id(),
                         " (to repeat this call without doing it twice, add "
                         "--request-id ",
                         sent.request_id(), ")\n"));
}

TEST_F(RollTest, JsonAndYamlAreTheResponseWhole) {
  hedui::v1::EnrollResponse response;
  *response.mutable_entry() = SampleEntry();
  server_.roll().SetEnrollResponse(response);
  ASSERT_EQ(Run(Enroll({"--request-id", "r1", "-o", "json"})), kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("\"entry_id\":\"E000000000007\""));
  EXPECT_THAT(cli_.out(), HasSubstr("\"approval_date\":"));
  EXPECT_THAT(cli_.out(), Not(HasSubstr("entryId")));
  hedui::v1::EnrollResponse parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), response.SerializeAsString());

  ASSERT_EQ(Run(Enroll({"--request-id", "r1", "-o", "yaml"})), kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("entry_id: \"E000000000007\""));
}

TEST_F(RollTest, ServerRefusalsKeepTheirExitCodes) {
  hedui::v1::ErrorDetails details;
  auto* v = details.add_field_violations();
  v->set_field("report_id");
  v->set_description("the report is DOES_NOT_MEET");
  server_.roll().Fail(
      "Enroll",
      {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not enrollable"),
       details});
  EXPECT_EQ(Run(Enroll({"--request-id", "r2"})), kExitFailedPrecondition);
  EXPECT_EQ(cli_.err(),
            "hedui roll enroll: FAILED_PRECONDITION: not enrollable\n"
            "  report_id: the report is DOES_NOT_MEET\n");
  server_.roll().Fail(
      "GetRollEntry",
      {grpc::Status(grpc::StatusCode::NOT_FOUND, "no entry"), absl::nullopt});
  EXPECT_EQ(Run({"roll", "get", "E000000000009"}), kExitNotFound);
  server_.roll().Fail(
      "Withdraw",
      {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not your county"),
       absl::nullopt});
  EXPECT_EQ(Run({"roll", "withdraw", "E000000000009", "--reason", "other"}),
            kExitPermission);
}

TEST_F(RollTest, WithdrawAndAttachConsent) {
  hedui::v1::WithdrawResponse withdrawn;
  *withdrawn.mutable_entry() = Ended(SampleEntry());
  server_.roll().SetWithdrawResponse(withdrawn);
  ASSERT_EQ(Run({"roll", "withdraw", "E000000000007", "--reason", "moved-away",
                 "--note", "迁往外省", "--request-id", "w-1"}),
            kExitOk)
      << cli_.err();
  ASSERT_EQ(server_.roll().withdrawn().size(), 1u);
  EXPECT_EQ(server_.roll().withdrawn()[0].reason(), RollEntry::MOVED_AWAY);
  EXPECT_EQ(server_.roll().withdrawn()[0].note(), "迁往外省");
  EXPECT_EQ(server_.roll().withdrawn()[0].request_id(), "w-1");
  EXPECT_THAT(cli_.out(), StartsWith("已退出名册：E000000000007\n"));
  for (const char* piece : {"已退出（ENDED）", "退出日期", "2026-12-01",
                            "迁出（MOVED_AWAY）", "迁往外省"}) {
    EXPECT_THAT(cli_.out(), HasSubstr(piece));
  }

  hedui::v1::AttachConsentResponse attached;
  *attached.mutable_entry() = SampleEntry();
  auto* history = attached.mutable_entry()->add_consent_history();
  history->mutable_consent()->set_consent_id("C-2");
  *history->mutable_consent()->mutable_signed_on() = TestDate(2026, 12, 1);
  *history->mutable_attached_on() = TestDate(2026, 12, 2);
  history->set_attached_by("dibao-system");
  history->mutable_replaced()->set_consent_id("C-1");
  server_.roll().SetAttachConsentResponse(attached);
  ASSERT_EQ(Run({"roll", "attach-consent", "E000000000007", "--consent-id",
                 "C-2", "--signed-on", "2026-12-01", "--signer", ApplicantId(),
                 "--signer", SpouseId(), "--program", "DIBAO"}),
            kExitOk)
      << cli_.err();
  ASSERT_EQ(server_.roll().consents().size(), 1u);
  const hedui::v1::AttachConsentRequest sent = server_.roll().consents()[0];
  EXPECT_EQ(sent.entry_id(), "E000000000007");
  EXPECT_THAT(sent.consent().signer_ids(),
              ElementsAre(ApplicantId(), SpouseId()));
  EXPECT_THAT(sent.request_id(), StartsWith("cli-"));
  EXPECT_THAT(cli_.out(), HasSubstr("重新授权记录（1 次）"));
  EXPECT_THAT(cli_.out(), HasSubstr("2026-12-02"));
  EXPECT_THAT(cli_.out(), Not(HasSubstr(SpouseId())));
}

TEST_F(RollTest, GetShowsTheDeclarationMasked) {
  server_.roll().SetEntries({SampleEntry()});
  ASSERT_EQ(Run({"roll", "get", "E000000000007"}), kExitOk) << cli_.err();
  const std::string out = cli_.out();
  EXPECT_THAT(out, StartsWith("名册条目  E000000000007\n"));
  EXPECT_THAT(out, HasSubstr("\n授权\n"));
  EXPECT_THAT(out, HasSubstr("C-1"));
  EXPECT_THAT(out, HasSubstr(absl::StrCat(Masked(ApplicantId()), "、",
                                          Masked(SpouseId()))));
  EXPECT_THAT(out, HasSubstr("\n申报家庭成员（2 人）\n"));
  EXPECT_THAT(out, HasSubstr("王**"));
  EXPECT_THAT(out, HasSubstr("李**"));
  EXPECT_THAT(out, Not(HasSubstr("建国")));
  EXPECT_THAT(out, Not(HasSubstr(ApplicantId())));
  EXPECT_THAT(out, Not(HasSubstr(SpouseId())));

  ASSERT_EQ(Run({"roll", "get", "--program", "DIBAO", "--applicant",
                 ApplicantId(), "-o", "json"}),
            kExitOk)
      << cli_.err();
  RollEntry parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), SampleEntry().SerializeAsString());
  EXPECT_EQ(server_.roll().gets().back().applicant_id(), ApplicantId());

  EXPECT_EQ(Run({"roll", "get", "E000000000008"}), kExitNotFound);
  EXPECT_EQ(cli_.err(), "hedui roll get: NOT_FOUND: no such roll entry\n");
}

TEST_F(RollTest, ListPagesLikeReportList) {
  std::vector<RollEntry> entries;
  for (int i = 1; i <= 5; ++i) {
    RollEntry e = SampleEntry();
    e.set_entry_id(absl::StrFormat("E%012d", i));
    if (i == 5) e = Ended(e);
    entries.push_back(e);
  }
  server_.roll().SetEntries(entries);
  ASSERT_EQ(Run({"roll", "list", "--program", "DIBAO", "--page-size", "2"}),
            kExitOk);
  std::vector<std::string> lines = absl::StrSplit(cli_.out(), '\n');
  ASSERT_EQ(lines.size(), 4u) << cli_.out();  // header, 2 entries, ""
  EXPECT_THAT(lines[0], StartsWith("条目编号"));
  for (const char* title : {"地区", "状态", "申请人", "批准日期", "最新报告",
                            "最新结论", "下次复核", "退出"}) {
    EXPECT_THAT(lines[0], HasSubstr(title));
  }
  EXPECT_THAT(lines[1], StartsWith("E000000000001"));
  EXPECT_THAT(lines[1], HasSubstr(Masked(ApplicantId())));
  EXPECT_THAT(lines[1], HasSubstr("在册"));
  EXPECT_THAT(lines[1], HasSubstr("2027-11-10"));
  EXPECT_EQ(cli_.err(),
            "hedui roll list: more entries: add --all, or --page-token 2\n");

  ASSERT_EQ(Run({"roll", "list", "--program", "DIBAO", "--region", "320581",
                 "--state", "all", "--page-size", "2", "--all"}),
            kExitOk);
  lines = absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << cli_.out();
  EXPECT_THAT(lines[5], HasSubstr("2026-12-01 迁出"));
  EXPECT_EQ(cli_.err(), "");
  const auto requests = server_.roll().lists();
  ASSERT_EQ(requests.size(), 4u);  // one page, then three
  EXPECT_EQ(requests[1].region_code(), "320581");
  EXPECT_EQ(requests[1].state(), hedui::v1::ListRollRequest::ALL);
  EXPECT_EQ(requests[3].page_token(), "4");

  ASSERT_EQ(Run({"roll", "list", "--program", "DIBAO", "--all", "-o", "json"}),
            kExitOk);
  hedui::v1::ListRollResponse parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.entries_size(), 5);
}

TEST_F(RollTest, ReverifyOneEntryOrAWholeRoll) {
  hedui::v1::ReverifyResponse one;
  one.set_report_id("R000000000050");
  one.set_event_number(12);
  server_.roll().SetReverifyResponse(one);
  ASSERT_EQ(Run({"roll", "reverify", "E000000000007"}), kExitOk) << cli_.err();
  EXPECT_THAT(cli_.out(), StartsWith("已复核名册条目  E000000000007\n"));
  EXPECT_THAT(cli_.out(), HasSubstr("R000000000050"));
  EXPECT_THAT(cli_.out(), HasSubstr("#12"));
  EXPECT_THAT(server_.roll().reverified().back().request_id(),
              StartsWith("cli-"));

  hedui::v1::ReverifyResponse expired;
  expired.set_consent_expired(true);
  server_.roll().SetReverifyResponse(expired);
  ASSERT_EQ(Run({"roll", "reverify", "E000000000007", "--request-id", "rv"}),
            kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("已过期：未读取任何数据"));
  EXPECT_THAT(cli_.out(), HasSubstr("无（结果与上次报告相同）"));

  hedui::v1::ReverifyResponse job;
  job.set_job_id("J000000000003");
  job.set_entries(1234);
  server_.roll().SetReverifyResponse(job);
  ASSERT_EQ(Run({"roll", "reverify", "--program", "DIBAO", "--region", "320581",
                 "--request-id", "whole"}),
            kExitOk)
      << cli_.err();
  EXPECT_THAT(cli_.out(), StartsWith("已安排整册复核\n"));
  EXPECT_THAT(cli_.out(), HasSubstr("J000000000003"));
  EXPECT_THAT(cli_.out(), HasSubstr("1234 条"));
  const hedui::v1::ReverifyRequest sent = server_.roll().reverified().back();
  EXPECT_EQ(sent.program(), hedui::v1::DIBAO);
  EXPECT_EQ(sent.region_code(), "320581");
  EXPECT_EQ(sent.request_id(), "whole");

  ASSERT_EQ(Run({"roll", "reverify", "--program", "DIBAO", "--request-id",
                 "whole", "-o", "json"}),
            kExitOk);
  EXPECT_EQ(cli_.out(),
            "{\"report_id\":\"\",\"event_number\":\"0\",\"consent_expired\":"
            "false,\"job_id\":\"J000000000003\",\"entries\":1234}\n");
}

// A server without the method yet (this session's server side lands later)
// says so: exit 1, and the method named.
TEST_F(RollTest, UnimplementedIsNamed) {
  server_.roll().Fail(
      "Reverify",
      {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), absl::nullopt});
  EXPECT_EQ(Run({"roll", "reverify", "E000000000007", "--request-id", "x"}),
            kExitError);
  EXPECT_EQ(cli_.err(),
            absl::StrCat("hedui roll reverify: UNIMPLEMENTED\n  the server at ",
                         server_.address(),
                         " does not offer RollService.Reverify yet (it needs "
                         "a newer heduid); nothing was done\n"));
  server_.roll().Fail(
      "ListReviewsDue",
      {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), absl::nullopt});
  EXPECT_EQ(
      Run({"reviews", "due", "--program", "DIBAO", "--within-days", "30"}),
      kExitError);
  EXPECT_THAT(cli_.err(), HasSubstr("does not offer "
                                    "RollService.ListReviewsDue yet"));
}

TEST_F(RollTest, ReviewsDue) {
  std::vector<hedui::v1::ReviewDue> reviews;
  for (int i = 1; i <= 3; ++i) {
    hedui::v1::ReviewDue r;
    r.set_entry_id(absl::StrFormat("E%012d", i));
    r.set_program(hedui::v1::DIBAO);
    r.set_region_code("320581");
    *r.mutable_due_on() = TestDate(2026, 11, 27 + i);
    r.set_reason(i == 3 ? hedui::v1::ReviewDue::DEATH_RECHECK
                        : hedui::v1::ReviewDue::PERIODIC);
    r.set_overdue(i == 1);
    reviews.push_back(r);
  }
  server_.roll().SetReviews(reviews);
  ASSERT_EQ(Run({"reviews", "due", "--program", "dibao", "--region", "320581",
                 "--within-days", "30"}),
            kExitOk)
      << cli_.err();
  const hedui::v1::ListReviewsDueRequest sent =
      server_.roll().reviews_requests().back();
  EXPECT_EQ(sent.within_days(), 30);
  EXPECT_EQ(sent.region_code(), "320581");
  EXPECT_EQ(sent.program(), hedui::v1::DIBAO);
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << cli_.out();
  EXPECT_THAT(lines[0], StartsWith("条目编号"));
  EXPECT_THAT(lines[1], StartsWith("E000000000001"));
  EXPECT_THAT(lines[1], HasSubstr("2026-11-28"));
  EXPECT_THAT(lines[1], HasSubstr("定期复核"));
  EXPECT_THAT(lines[1], HasSubstr("已逾期"));
  EXPECT_THAT(lines[2], Not(HasSubstr("已逾期")));
  EXPECT_THAT(lines[3], HasSubstr("死亡后复查"));
  EXPECT_THAT(lines[3], HasSubstr("2026-11-30"));

  ASSERT_EQ(Run({"reviews", "due", "--program", "DIBAO", "--within-days", "0",
                 "-o", "json"}),
            kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("\"due_on\":{\"year\":2026"));
  EXPECT_THAT(cli_.out(), HasSubstr("\"reason\":\"DEATH_RECHECK\""));
}

TEST_F(RollTest, HelpAndSuggestions) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"roll", "enroll"},
                                             {"roll", "withdraw"},
                                             {"roll", "attach-consent"},
                                             {"roll", "get"},
                                             {"roll", "list"},
                                             {"roll", "reverify"},
                                             {"reviews", "due"}}) {
    SCOPED_TRACE(::testing::PrintToString(command));
    std::vector<std::string> args = command;
    args.push_back("--help");
    ASSERT_EQ(cli_.Run(args), kExitOk);
    EXPECT_THAT(cli_.out(), HasSubstr("Global options"));
  }
  ASSERT_EQ(cli_.Run({"roll", "enroll", "--help"}), kExitOk);
  for (const char* flag :
       {"--program", "--region", "--report", "--approval-date", "--request-id",
        "--moved-in", "--caseworker", "--reason"}) {
    EXPECT_THAT(cli_.out(), HasSubstr(flag));
  }
  EXPECT_EQ(cli_.Run({"roll", "enrol"}), kExitUsage);
  EXPECT_EQ(cli_.err(),
            "hedui roll: unknown command 'enrol'; did you mean 'enroll'?\n"
            "Run 'hedui roll --help' for usage.\n");
  EXPECT_EQ(cli_.Run({"roll", "withdraw", "E000000000007", "--reson", "death"}),
            kExitUsage);
  EXPECT_THAT(cli_.err(), StartsWith("hedui roll withdraw: unknown flag "
                                     "'--reson'; did you mean '--reason'?"));
  EXPECT_EQ(cli_.Run({"reviews", "deu"}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("did you mean 'due'?"));
  EXPECT_EQ(cli_.Run({"rol"}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("did you mean 'roll'?"));
}

}  // namespace
}  // namespace hedui::cli
