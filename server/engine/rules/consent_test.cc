// Consent (domain.md §1 "authorise first"): who must sign, validity to the
// day, the program, void consents. Expected values worked out by hand.
#include "server/engine/rules/consent.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/policy/policy_loader.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using hedui::v1::VerificationRequest;
using ::testing::HasSubstr;
using ::testing::Not;

// A valid resident ID of 320581 born on `birth` (YYYYMMDD).
std::string Id(const std::string& birth, int seq) {
  const std::string first17 =
      absl::StrCat("320581", birth, absl::StrFormat("%03d", seq));
  return first17 + ResidentIdCheckCharacter(first17);
}

const std::string kHead = Id("19700101", 11);
const std::string kSpouse = Id("19720202", 12);
const std::string kMinor = Id("20150601", 13);
const std::string kTurns18Today = Id("20081110", 15);  // 18 on 2026-11-10
const std::string kTurns18Tomorrow = Id("20081111", 17);
const std::string kObligor = Id("19600303", 21);
const std::string kObligorSpouse = Id("19620404", 22);
const std::string kStranger = Id("19800505", 31);

const absl::CivilDay kDay(2026, 11, 10);

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

VerificationRequest Parse(const std::string& text) {
  VerificationRequest request;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request))
      << text;
  return request;
}

std::string Date(absl::CivilDay day) {
  return absl::StrFormat("{ year: %d month: %d day: %d }", day.year(),
                         day.month(), day.day());
}

std::string Member(const std::string& id, const std::string& relation) {
  return absl::StrCat("members { person_id: '", id,
                      "' name: '张三' relation: ", relation, " }");
}

std::string Consent(absl::CivilDay signed_on,
                    const std::vector<std::string>& signers,
                    const std::string& programs = "programs: DIBAO") {
  std::string text = absl::StrCat("consent { consent_id: 'C-1' signed_on ",
                                  Date(signed_on), " ", programs);
  for (const std::string& s : signers)
    absl::StrAppend(&text, " signer_ids: '", s, "'");
  return text + " }";
}

// A DIBAO household: the adult applicant and a minor child.
VerificationRequest Household(absl::CivilDay signed_on,
                              const std::vector<std::string>& signers,
                              const std::string& programs = "programs: DIBAO") {
  return Parse(absl::StrCat(
      "program: DIBAO region_code: '320581' verification_date ", Date(kDay),
      " ", Member(kHead, "HEAD"), Member(kMinor, "CHILD"),
      Consent(signed_on, signers, programs)));
}

struct ValidityCase {
  std::string name;
  absl::CivilDay signed_on;
  int months;
  absl::CivilDay day;
  bool valid;
  bool expired;
  bool signed_after;
};

// Valid from the signing day up to and including the day before the same
// day `months` later; a month without that day ends the period with itself.
TEST(ConsentTest, ValidityToTheDay) {
  const ValidityCase cases[] = {
      // 2025-11-01 + 12 months: through 2026-10-31 (domain.md §1).
      {"DomainExampleLastDay", D(2025, 11, 1), 12, D(2026, 10, 31), true, false,
       false},
      {"DomainExampleDayAfter", D(2025, 11, 1), 12, D(2026, 11, 1), false, true,
       false},
      // Signed 2025-11-11: through 2026-11-10, the verification day.
      {"LastValidDay", D(2025, 11, 11), 12, D(2026, 11, 10), true, false,
       false},
      {"DayAfterLastValidDay", D(2025, 11, 10), 12, D(2026, 11, 10), false,
       true, false},
      {"SignedOnTheDay", D(2026, 11, 10), 12, D(2026, 11, 10), true, false,
       false},
      {"SignedTheDayAfter", D(2026, 11, 11), 12, D(2026, 11, 10), false, false,
       true},
      // 2025-08-31 + 6 months: no 2026-02-31, so through 2026-02-28.
      {"EndOfMonthLastDay", D(2025, 8, 31), 6, D(2026, 2, 28), true, false,
       false},
      {"EndOfMonthDayAfter", D(2025, 8, 31), 6, D(2026, 3, 1), false, true,
       false},
      // 2025-08-28 + 6: through 2026-02-27.
      {"TwentyEighthLastDay", D(2025, 8, 28), 6, D(2026, 2, 27), true, false,
       false},
      {"TwentyEighthDayAfter", D(2025, 8, 28), 6, D(2026, 2, 28), false, true,
       false},
      // 2024-01-31 + 1: leap February, through 2024-02-29.
      {"LeapFebruaryLastDay", D(2024, 1, 31), 1, D(2024, 2, 29), true, false,
       false},
      {"LeapFebruaryDayAfter", D(2024, 1, 31), 1, D(2024, 3, 1), false, true,
       false},
      // 2025-12-15 + 12 crosses the year: through 2026-12-14.
      {"AcrossTheYear", D(2025, 12, 15), 12, D(2026, 12, 14), true, false,
       false},
  };
  for (const ValidityCase& c : cases) {
    SCOPED_TRACE(c.name);
    // The minor was born 2015: still a minor on every day tested.
    const ConsentCheck check =
        CheckConsent(Household(c.signed_on, {kHead}), c.day, c.months);
    EXPECT_EQ(check.valid, c.valid) << check.problem;
    EXPECT_EQ(check.expired, c.expired);
    EXPECT_EQ(check.signed_after, c.signed_after);
    EXPECT_EQ(check.problem.empty(), c.valid);
  }
}

struct SignerCase {
  std::string name;
  std::string request;  // text format
  bool valid;
  std::vector<std::string> missing;
  std::vector<std::string> undeclared;
  bool program_not_covered;
};

std::string Tekun(const std::string& obligors,
                  const std::vector<std::string>& signers,
                  const std::string& programs = "programs: TEKUN") {
  return absl::StrCat("program: TEKUN region_code: '320581' verification_date ",
                      Date(kDay), " ", Member(kHead, "HEAD"), obligors,
                      Consent(D(2026, 10, 20), signers, programs));
}

std::string Obligor(const std::string& id, const std::string& status,
                    const std::string& spouse = "") {
  std::string text =
      absl::StrCat("obligors { person_id: '", id,
                   "' name: '李四' relation: CHILD declared_status: ", status);
  if (!spouse.empty()) {
    absl::StrAppend(&text, " spouse { person_id: '", spouse,
                    "' name: '王五' }");
  }
  return text + " }";
}

std::string Dibao(const std::string& members,
                  const std::vector<std::string>& signers,
                  const std::string& programs = "programs: DIBAO") {
  return absl::StrCat("program: DIBAO region_code: '320581' verification_date ",
                      Date(kDay), " ", Member(kHead, "HEAD"), members,
                      Consent(D(2026, 10, 20), signers, programs));
}

TEST(ConsentTest, WhoMustSign) {
  const SignerCase cases[] = {
      {"AdultsSignMinorNeedNot",
       Dibao(Member(kMinor, "CHILD"), {kHead}),
       true,
       {},
       {},
       false},
      {"SpouseDidNotSign",
       Dibao(Member(kSpouse, "SPOUSE"), {kHead}),
       false,
       {kSpouse},
       {},
       false},
      {"BothSigned",
       Dibao(Member(kSpouse, "SPOUSE"), {kHead, kSpouse}),
       true,
       {},
       {},
       false},
      {"MemberTurning18TodayMustSign",
       Dibao(Member(kTurns18Today, "CHILD"), {kHead}),
       false,
       {kTurns18Today},
       {},
       false},
      {"MemberTurning18TodaySigned",
       Dibao(Member(kTurns18Today, "CHILD"), {kHead, kTurns18Today}),
       true,
       {},
       {},
       false},
      {"MemberTurning18TomorrowNeedNot",
       Dibao(Member(kTurns18Tomorrow, "CHILD"), {kHead}),
       true,
       {},
       {},
       false},
      {"MinorMaySign",
       Dibao(Member(kMinor, "CHILD"), {kHead, kMinor}),
       true,
       {},
       {},
       false},
      {"UndeclaredSignerVoids",
       Dibao("", {kHead, kStranger}),
       false,
       {},
       {kStranger},
       false},
      {"ProgramNotCovered",
       Dibao("", {kHead}, "programs: MEDICAL programs: HOUSING"),
       false,
       {},
       {},
       true},
      {"ProgramAmongOthers",
       Dibao("", {kHead}, "programs: MEDICAL programs: DIBAO"),
       true,
       {},
       {},
       false},
      {"NobodySigned",
       Dibao(Member(kSpouse, "SPOUSE"), {}),
       false,
       {kHead, kSpouse},
       {},
       false},
      {"ObligorMustSign",
       Tekun(Obligor(kObligor, "NORMAL"), {kHead}),
       false,
       {kObligor},
       {},
       false},
      {"ObligorSigned",
       Tekun(Obligor(kObligor, "NORMAL"), {kHead, kObligor}),
       true,
       {},
       {},
       false},
      {"ObligorMissingExempt",
       Tekun(Obligor(kObligor, "MISSING"), {kHead}),
       true,
       {},
       {},
       false},
      {"ObligorInCustodyExempt",
       Tekun(Obligor(kObligor, "IN_CUSTODY"), {kHead}),
       true,
       {},
       {},
       false},
      {"ObligorSpouseMustSign",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse), {kHead, kObligor}),
       false,
       {kObligorSpouse},
       {},
       false},
      {"ObligorAndSpouseSigned",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse),
             {kHead, kObligor, kObligorSpouse}),
       true,
       {},
       {},
       false},
      // The spouse's income is read even when the obligor is missing.
      {"MissingObligorsSpouseMustSign",
       Tekun(Obligor(kObligor, "MISSING", kObligorSpouse), {kHead}),
       false,
       {kObligorSpouse},
       {},
       false},
      // Two obligors married to each other, each naming the other: both
      // sign, once each.
      {"MarriedObligorsBothMustSign",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse) +
                 Obligor(kObligorSpouse, "NORMAL", kObligor),
             {kHead, kObligor}),
       false,
       {kObligorSpouse},
       {},
       false},
      {"MarriedObligorsBothSigned",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse) +
                 Obligor(kObligorSpouse, "NORMAL", kObligor),
             {kHead, kObligor, kObligorSpouse}),
       true,
       {},
       {},
       false},
      // The other of the couple declared missing cannot sign, though named
      // as a spouse: their income is not read.
      {"MarriedObligorDeclaredMissingExempt",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse) +
                 Obligor(kObligorSpouse, "MISSING", kObligor),
             {kHead, kObligor}),
       true,
       {},
       {},
       false},
      {"MarriedObligorDeclaredMissingMaySign",
       Tekun(Obligor(kObligor, "NORMAL", kObligorSpouse) +
                 Obligor(kObligorSpouse, "MISSING", kObligor),
             {kHead, kObligor, kObligorSpouse}),
       true,
       {},
       {},
       false},
      // An obligor is a declared person only for 特困.
      {"ObligorSignerOutsideTekunVoids",
       Dibao("", {kHead, kObligor}),
       false,
       {},
       {kObligor},
       false},
      {"ConsentForDibaoDoesNotCoverTekun",
       Tekun("", {kHead}, "programs: DIBAO"),
       false,
       {},
       {},
       true},
  };
  for (const SignerCase& c : cases) {
    SCOPED_TRACE(c.name);
    const ConsentCheck check = CheckConsent(Parse(c.request), kDay, 12);
    EXPECT_EQ(check.valid, c.valid) << check.problem;
    EXPECT_EQ(check.missing_signers, c.missing);
    EXPECT_EQ(check.undeclared_signers, c.undeclared);
    EXPECT_EQ(check.program_not_covered, c.program_not_covered);
    EXPECT_FALSE(check.expired);
    EXPECT_FALSE(check.signed_after);
  }
}

TEST(ConsentTest, ProblemNamesMissingMembersMaskedNeverRaw) {
  const ConsentCheck check =
      CheckConsent(Parse(Dibao(Member(kSpouse, "SPOUSE"), {kHead, kStranger},
                               "programs: MEDICAL")),
                   kDay, 12);
  ASSERT_FALSE(check.valid);
  EXPECT_THAT(check.problem, HasSubstr("C-1"));
  EXPECT_THAT(check.problem, HasSubstr(MaskResidentId(kSpouse)));
  EXPECT_THAT(check.problem, HasSubstr(MaskResidentId(kStranger)));
  EXPECT_THAT(check.problem, HasSubstr("did not sign"));
  EXPECT_THAT(check.problem, HasSubstr("does not declare"));
  EXPECT_THAT(check.problem, HasSubstr("DIBAO"));
  for (const std::string& id : {kHead, kSpouse, kStranger}) {
    EXPECT_THAT(check.problem, Not(HasSubstr(id)));
    EXPECT_THAT(check.problem, Not(HasSubstr(id.substr(4, 10))));
  }
}

TEST(ConsentTest, ProblemSaysWhenItExpired) {
  const ConsentCheck check =
      CheckConsent(Household(D(2025, 11, 10), {kHead}), kDay, 12);
  EXPECT_THAT(check.problem, HasSubstr("2026-11-09"));
  EXPECT_THAT(check.problem, HasSubstr("expired"));
}

class EvaluateConsentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<Policy> loaded = LoadPolicyFile(
        std::string(HEDUI_SOURCE_DIR) + "/deploy/policy/example.textproto");
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    policy_ = new Policy(*std::move(loaded));
  }

  // No department data at all: consent is judged on the request alone.
  hedui::v1::Report Evaluate(const VerificationRequest& request) {
    const hedui::store::v1::RecordSet records;
    absl::StatusOr<EvaluationContext> ctx =
        BuildContext(request, records, *policy_);
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    hedui::v1::Report report;
    EvaluateConsent(*ctx, &report);
    return report;
  }

  static const Policy* policy_;
};

const Policy* EvaluateConsentTest::policy_ = nullptr;

TEST_F(EvaluateConsentTest, PassNamesConsentAndValidity) {
  // Applicant, spouse and a member turning 18 today: 3 adults, all signed.
  const hedui::v1::Report report = Evaluate(Parse(Dibao(
      absl::StrCat(Member(kSpouse, "SPOUSE"), Member(kTurns18Today, "CHILD"),
                   Member(kMinor, "CHILD")),
      {kHead, kSpouse, kTurns18Today})));
  ASSERT_EQ(report.findings_size(), 1);
  const Finding& f = report.findings(0);
  EXPECT_EQ(f.criterion(), Finding::CONSENT);
  EXPECT_EQ(f.result(), Finding::PASS);
  // Signed 2026-10-20, 12 months: through 2027-10-19.
  EXPECT_THAT(f.explanation(),
              HasSubstr("授权书 C-1 签于 2026-10-20，有效至 2027-10-19"));
  EXPECT_THAT(f.explanation(), HasSubstr("已覆盖全部 3 名成年申报人员"));
}

// A household of minors only has no adult to sign: a guardian's signature
// covers minors (domain.md §1), and the report says so rather than counting
// "all 0 adults".
TEST_F(EvaluateConsentTest, PassForMinorsOnlySaysTheGuardianSigns) {
  const hedui::v1::Report report = Evaluate(Parse(absl::StrCat(
      "program: DIBAO region_code: '320581' verification_date ", Date(kDay),
      " ", Member(kMinor, "HEAD"), Consent(D(2026, 10, 20), {}))));
  ASSERT_EQ(report.findings_size(), 1);
  const Finding& f = report.findings(0);
  EXPECT_EQ(f.result(), Finding::PASS);
  EXPECT_EQ(f.explanation(),
            "授权书 C-1 签于 2026-10-20，有效至 2027-10-19，覆盖低保，"
            "申报人员均未成年，无须本人签署，由监护人签署授权");
}

// A county may number consents by the applicant's resident ID: the report a
// caseworker reads and the refusal the caller gets both mask it.
TEST_F(EvaluateConsentTest, AConsentNumberedByResidentIdIsMasked) {
  for (const bool valid : {true, false}) {
    SCOPED_TRACE(valid);
    VerificationRequest request =
        Parse(Dibao(Member(kSpouse, "SPOUSE"),
                    valid ? std::vector<std::string>{kHead, kSpouse}
                          : std::vector<std::string>{kHead}));
    request.mutable_consent()->set_consent_id(absl::StrCat("SQ-", kHead));
    const hedui::v1::Report report = Evaluate(request);
    ASSERT_EQ(report.findings_size(), 1);
    const std::string& text = report.findings(0).explanation();
    EXPECT_THAT(text,
                HasSubstr(absl::StrCat("授权书 SQ-", MaskResidentId(kHead))));
    EXPECT_THAT(text, Not(HasSubstr(kHead)));
    const ConsentCheck check = CheckConsent(request, kDay, 12);
    EXPECT_EQ(check.valid, valid);
    EXPECT_THAT(check.problem, Not(HasSubstr(kHead)));
  }
}

TEST_F(EvaluateConsentTest, FailGivesTheReasonWithMaskedIds) {
  const hedui::v1::Report report =
      Evaluate(Parse(Dibao(Member(kSpouse, "SPOUSE"), {kHead})));
  ASSERT_EQ(report.findings_size(), 1);
  const Finding& f = report.findings(0);
  EXPECT_EQ(f.result(), Finding::FAIL);
  EXPECT_THAT(f.explanation(), HasSubstr("授权书 C-1 无效"));
  EXPECT_THAT(f.explanation(), HasSubstr(MaskResidentId(kSpouse)));
  EXPECT_THAT(f.explanation(), Not(HasSubstr(kSpouse)));
}

// An obligor the registration shows missing is unable to support even when
// declared present (domain.md §5), but the consent follows the request
// alone: declared NORMAL, they must sign.
TEST_F(EvaluateConsentTest, RegisteredMissingObligorDeclaredPresentMustSign) {
  hedui::store::v1::RecordSet records;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      absl::StrCat("persons { person_id: '", kObligor,
                   "' household_registration { person_id: '", kObligor,
                   "' household_number: 'H2' region_code: '320581' "
                   "residence_class: URBAN status: MISSING } }"
                   " departments { department: HOUSEHOLD_REGISTRATION "
                   "as_of { year: 2026 month: 11 day: 1 } }"),
      &records));
  for (const bool signed_by_obligor : {false, true}) {
    SCOPED_TRACE(signed_by_obligor);
    std::vector<std::string> signers = {kHead};
    if (signed_by_obligor) signers.push_back(kObligor);
    const VerificationRequest request =
        Parse(Tekun(Obligor(kObligor, "NORMAL"), signers));
    absl::StatusOr<EvaluationContext> ctx =
        BuildContext(request, records, *policy_);
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    hedui::v1::Report report;
    EvaluateConsent(*ctx, &report);
    ASSERT_EQ(report.findings_size(), 1);
    EXPECT_EQ(report.findings(0).result(),
              signed_by_obligor ? Finding::PASS : Finding::FAIL);
  }
}

TEST_F(EvaluateConsentTest, FailWhenExpiredByThePolicysValidity) {
  // Policy validity 12 months: signed 2025-11-10 ran through 2026-11-09.
  const hedui::v1::Report report =
      Evaluate(Household(D(2025, 11, 10), {kHead}));
  ASSERT_EQ(report.findings_size(), 1);
  EXPECT_EQ(report.findings(0).result(), Finding::FAIL);
  EXPECT_THAT(report.findings(0).explanation(), HasSubstr("2026-11-09 到期"));
}

// §10.1 Consent: "A minor who turns 18 is covered by the stored consent
// until it expires." Signed 2026-10-20 by the applicant alone; the child
// turns 18 on 2026-11-10 (kDay).
TEST(OccasionTest, StoredConsentCoversAMinorWhoTurned18SinceSigning) {
  const VerificationRequest request =
      Parse(Dibao(Member(kTurns18Today, "CHILD"), {kHead}));
  // An application needs the new adult's signature (§1).
  const ConsentCheck application = CheckConsent(request, kDay, 12);
  EXPECT_FALSE(application.valid);
  EXPECT_THAT(application.missing_signers,
              ::testing::ElementsAre(kTurns18Today));
  // The roll entry's stored consent does not, until it expires
  // (2027-10-19).
  EXPECT_TRUE(CheckConsent(request, kDay, 12, Occasion::kReverification).valid);
  EXPECT_TRUE(
      CheckConsent(request, D(2027, 10, 19), 12, Occasion::kReverification)
          .valid);
  const ConsentCheck expired =
      CheckConsent(request, D(2027, 10, 20), 12, Occasion::kReverification);
  EXPECT_FALSE(expired.valid);
  EXPECT_TRUE(expired.expired);
  EXPECT_TRUE(expired.missing_signers.empty());
}

TEST(OccasionTest, StoredConsentStillNeedsWhoWasAdultWhenSigned) {
  // The spouse was an adult on 2026-10-20 and did not sign: void on either
  // occasion.
  const VerificationRequest request =
      Parse(Dibao(Member(kSpouse, "SPOUSE"), {kHead}));
  for (Occasion occasion :
       {Occasion::kApplication, Occasion::kReverification}) {
    const ConsentCheck check = CheckConsent(request, kDay, 12, occasion);
    EXPECT_FALSE(check.valid);
    EXPECT_THAT(check.missing_signers, ::testing::ElementsAre(kSpouse));
  }
}

}  // namespace
}  // namespace hedui::engine
