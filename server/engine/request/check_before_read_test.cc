// CheckBeforeRead (issue 14, defect 3; domain.md §1 "The verification
// date"): the date is bounded by today, on both sides of each bound, before
// the consent is looked at. Expected outcomes are written from domain.md by
// hand: today is 2026-12-07, the example policy's backdating limit is 30 days
// (inclusive) and its consent validity 12 months.
#include "server/engine/request/check_before_read.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/policy/test_policy_text.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::VerificationRequest;
using testing::ExamplePolicy;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::PersonId;

constexpr absl::CivilDay kToday(2026, 12, 7);

const std::string kHead = PersonId(absl::CivilDay(1970, 5, 1), 1);
const std::string kSpouse = PersonId(absl::CivilDay(1972, 6, 2), 2);

// A DIBAO request of the applicant and spouse dated `day`, with a consent
// signed by both on `signed_on` covering DIBAO.
VerificationRequest Request(absl::CivilDay day, absl::CivilDay signed_on) {
  VerificationRequest r;
  r.set_application_id("APP-1");
  r.set_program(hedui::v1::DIBAO);
  r.set_purpose("申请审核");
  r.set_region_code("320581");
  *r.mutable_verification_date() = ToProto(day);
  for (const auto& [id, relation] : {std::pair{kHead, hedui::v1::HEAD},
                                     std::pair{kSpouse, hedui::v1::SPOUSE}}) {
    hedui::v1::DeclaredMember* m = r.add_members();
    m->set_person_id(id);
    m->set_name("张三");
    m->set_relation(relation);
  }
  hedui::v1::Consent* c = r.mutable_consent();
  c->set_consent_id("C-1");
  *c->mutable_signed_on() = ToProto(signed_on);
  c->add_signer_ids(kHead);
  c->add_signer_ids(kSpouse);
  c->add_programs(hedui::v1::DIBAO);
  return r;
}

enum class Outcome { kOk, kInvalid, kPrecondition };

struct Case {
  std::string name;
  VerificationRequest request;
  Outcome outcome;
  std::string field;  // of the one violation, when kInvalid
  std::string text;   // in the violation or precondition failure
};

std::string Describe(const PreReadCheck& check) {
  std::string out = check.precondition_failure;
  for (const auto& v : check.violations) {
    absl::StrAppend(&out, " [", v.field(), ": ", v.description(), "]");
  }
  return out;
}

void Expect(const Case& c, const Policy& policy, absl::CivilDay today) {
  SCOPED_TRACE(c.name);
  const PreReadCheck check = CheckBeforeRead(c.request, today, policy);
  switch (c.outcome) {
    case Outcome::kOk:
      EXPECT_TRUE(check.ok()) << Describe(check);
      EXPECT_EQ(check.rules.consent_validity_months, 12);
      EXPECT_EQ(check.rules.region_code, "320581");
      break;
    case Outcome::kInvalid:
      ASSERT_EQ(check.violations.size(), 1u) << Describe(check);
      EXPECT_EQ(check.violations[0].field(), c.field);
      EXPECT_THAT(check.violations[0].description(), HasSubstr(c.text));
      EXPECT_THAT(check.precondition_failure, IsEmpty());
      break;
    case Outcome::kPrecondition:
      EXPECT_THAT(check.violations, IsEmpty()) << Describe(check);
      EXPECT_THAT(check.precondition_failure, HasSubstr(c.text));
      break;
  }
  // Resident IDs never appear whole in what goes back to the caller.
  for (const std::string& id : {kHead, kSpouse}) {
    EXPECT_THAT(Describe(check), Not(HasSubstr(id.substr(0, 14))));
  }
}

TEST(CheckBeforeReadTest, TheVerificationDateIsBoundedByToday) {
  const absl::CivilDay recent = kToday - 20;  // consent valid on every date
  const Case cases[] = {
      {"Today", Request(kToday, recent), Outcome::kOk, "", ""},
      {"Yesterday", Request(kToday - 1, recent), Outcome::kOk, "", ""},
      {"Tomorrow", Request(kToday + 1, recent), Outcome::kInvalid,
       "verification_date", "must not be after today (2026-12-07)"},
      {"NextYear", Request(absl::CivilDay(2027, 12, 7), recent),
       Outcome::kInvalid, "verification_date", "after today"},
      {"ThirtyDaysBackIsInside", Request(kToday - 30, kToday - 40),
       Outcome::kOk, "", ""},
      {"ThirtyOneDaysBackIsOutside", Request(kToday - 31, kToday - 40),
       Outcome::kInvalid, "verification_date",
       "must be at most 30 days before today (2026-12-07, the policy's "
       "backdating limit), got 2026-11-06, 31 days before"},
      {"YearsBack", Request(absl::CivilDay(2020, 1, 1), kToday - 40),
       Outcome::kInvalid, "verification_date", "at most 30 days"},
  };
  for (const Case& c : cases) Expect(c, ExamplePolicy(), kToday);
}

// Defect 3's three bypasses, each on both sides of the limit.
TEST(CheckBeforeReadTest, ADateCannotReviveOrAdvanceAConsent) {
  // Signed 2025-11-20, 12 months: valid through 2026-11-19, expired today.
  const absl::CivilDay signed_expired(2025, 11, 20);
  // Signed 2025-10-01: valid through 2026-09-30, 68 days before today.
  const absl::CivilDay signed_long_ago(2025, 10, 1);

  // An adult of 20 today who never signed: a minor before 2024-12-01.
  const std::string grown = PersonId(absl::CivilDay(2006, 12, 1), 3);
  // Turns 18 on 2026-12-01: a minor on 2026-11-30, 7 days back.
  const std::string just_18 = PersonId(absl::CivilDay(2008, 12, 1), 4);
  auto with_unsigned_child = [](VerificationRequest r, const std::string& id) {
    hedui::v1::DeclaredMember* m = r.add_members();
    m->set_person_id(id);
    m->set_name("张小");
    m->set_relation(hedui::v1::CHILD);
    return r;
  };
  auto signed_on = [](VerificationRequest r, absl::CivilDay day) {
    *r.mutable_consent()->mutable_signed_on() = ToProto(day);
    return r;
  };

  const Case cases[] = {
      // Expired consent: refused today; within the limit, a date on which
      // it was valid is accepted (the application was made then); beyond
      // the limit the date itself is refused, before the consent.
      {"ExpiredConsentToday", Request(kToday, signed_expired),
       Outcome::kPrecondition, "",
       "consent does not cover this verification: consent \"C-1\" is not "
       "valid: it expired: signed on 2025-11-20, valid 12 months through "
       "2026-11-19"},
      {"ExpiredConsentBackdatedWithinTheLimit",
       Request(absl::CivilDay(2026, 11, 19), signed_expired), Outcome::kOk, "",
       ""},
      {"ExpiredConsentBackdatedOneDayTooFewToHelp",
       Request(absl::CivilDay(2026, 11, 20), signed_expired),
       Outcome::kPrecondition, "", "it expired"},
      {"ExpiredConsentBackdatedOverTheLimit",
       Request(absl::CivilDay(2026, 9, 30), signed_long_ago), Outcome::kInvalid,
       "verification_date", "at most 30 days"},
      // An adult who never signed: refused today; dated back to when they
      // were a minor, refused by the date, not let through as a minor.
      {"AdultWhoNeverSignedToday",
       with_unsigned_child(Request(kToday, kToday - 20), grown),
       Outcome::kPrecondition, "", "declared adults who did not sign"},
      {"AdultWhoNeverSignedBackdatedToChildhood",
       with_unsigned_child(
           Request(absl::CivilDay(2024, 11, 30), absl::CivilDay(2024, 11, 1)),
           grown),
       Outcome::kInvalid, "verification_date", "at most 30 days"},
      // Within the limit the date is the verification date (domain.md §1):
      // a minor on it needs no signature; an adult on it does.
      {"MinorOnABackdatedDateWithinTheLimit",
       with_unsigned_child(Request(absl::CivilDay(2026, 11, 30), kToday - 20),
                           just_18),
       Outcome::kOk, "", ""},
      {"AdultOnTheBackdatedDate",
       with_unsigned_child(Request(absl::CivilDay(2026, 12, 1), kToday - 20),
                           just_18),
       Outcome::kPrecondition, "", "declared adults who did not sign"},
      // A consent "signed" in the future: refused on today's date; a future
      // date to match it is refused as a date.
      {"ConsentSignedInTheFutureToday",
       signed_on(Request(kToday, kToday), absl::CivilDay(2030, 1, 1)),
       Outcome::kPrecondition, "",
       "it was signed on 2030-01-01, after the verification date 2026-12-07"},
      {"ConsentSignedInTheFutureWithAFutureDate",
       Request(absl::CivilDay(2030, 1, 1), absl::CivilDay(2030, 1, 1)),
       Outcome::kInvalid, "verification_date", "after today"},
      {"ConsentSignedTomorrow", Request(kToday, kToday + 1),
       Outcome::kPrecondition, "", "after the verification date"},
      {"ConsentSignedToday", Request(kToday, kToday), Outcome::kOk, "", ""},
  };
  for (const Case& c : cases) Expect(c, ExamplePolicy(), kToday);
}

TEST(CheckBeforeReadTest, FieldsAreCheckedBeforeTheDate) {
  VerificationRequest r = Request(kToday + 1, kToday);
  r.mutable_members(1)->clear_name();
  const PreReadCheck check = CheckBeforeRead(r, kToday, ExamplePolicy());
  ASSERT_EQ(check.violations.size(), 1u) << Describe(check);
  EXPECT_EQ(check.violations[0].field(), "members[1].name");
}

TEST(CheckBeforeReadTest, TheDateIsCheckedBeforeThePolicyOfTheDate) {
  // The example policy starts on 2025-01-01: a date before it that is also
  // beyond the limit is the caller's error, not a missing policy.
  const PreReadCheck check = CheckBeforeRead(
      Request(absl::CivilDay(2024, 6, 1), absl::CivilDay(2024, 5, 1)), kToday,
      ExamplePolicy());
  ASSERT_EQ(check.violations.size(), 1u) << Describe(check);
  EXPECT_EQ(check.violations[0].field(), "verification_date");
}

TEST(CheckBeforeReadTest, NoPolicyForTheRegion) {
  VerificationRequest r = Request(kToday, kToday - 20);
  r.set_region_code("999999");
  const PreReadCheck check = CheckBeforeRead(r, kToday, ExamplePolicy());
  EXPECT_THAT(check.violations, IsEmpty());
  EXPECT_THAT(
      check.precondition_failure,
      HasSubstr("no policy in force for region 999999 on 2026-12-07: "));
}

// A policy whose rules change on 2026-12-01: until then a year of
// backdating, from then 30 days.
Policy TwoLimitsPolicy() {
  const std::string old_rules = absl::StrReplaceAll(
      test_policy::kRules,
      {{"  effective_from { year: 2026 month: 1 day: 1 }\n",
        "  effective_from { year: 2026 month: 1 day: 1 }\n"
        "  effective_until { year: 2026 month: 11 day: 30 }\n"},
       {"max_backdating_days: 30", "max_backdating_days: 366"}});
  const std::string new_rules =
      absl::StrReplaceAll(test_policy::kRules,
                          {{"effective_from { year: 2026 month: 1 day: 1 }",
                            "effective_from { year: 2026 month: 12 day: 1 }"}});
  const std::string text =
      absl::StrCat(test_policy::kVersion, test_policy::kRegion1Head,
                   test_policy::kRegion1UrbanOld, test_policy::kRegion1UrbanNew,
                   test_policy::kRegion1Rural, test_policy::kRegion2Head,
                   test_policy::kRegion2Urban, test_policy::kRegion2Rural,
                   test_policy::kRegion2Tail, old_rules, new_rules);
  absl::StatusOr<Policy> policy = LoadPolicyText(text, "two-limits");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *std::move(policy);
}

TEST(CheckBeforeReadTest, TheLimitInForceTodayApplies) {
  const Policy policy = TwoLimitsPolicy();
  // 2026-11-01 lies in the old period (366 days allowed) but 36 days before
  // today, when 30 are allowed: today's limit decides.
  Expect({"OldPeriodsLimitDoesNotReopenIt",
          Request(absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 10, 1)),
          Outcome::kInvalid, "verification_date", "at most 30 days"},
         policy, kToday);
  // On 2026-11-20 the old limit was in force: 2026-01-01 was within it.
  Expect({"BeforeTheChangeTheOldLimit",
          Request(absl::CivilDay(2026, 1, 5), absl::CivilDay(2026, 1, 1)),
          Outcome::kOk, "", ""},
         policy, absl::CivilDay(2026, 11, 20));
}

}  // namespace
}  // namespace hedui::engine
