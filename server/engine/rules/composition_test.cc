// Household composition (domain.md §2): who is counted, and which
// differences between the declaration and the registers need review.
#include "server/engine/rules/composition.h"

#include <array>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/testing/household_builder.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using testing::HouseholdBuilder;
using testing::ResultOf;
namespace store = hedui::store::v1;

const absl::CivilDay kDay(2026, 11, 5);

void AddMarriage(HouseholdBuilder& h, const std::string& id,
                 const std::string& spouse, store::MarriageStatus status,
                 absl::CivilDay date) {
  store::MarriageRecord* m = h.Person(id)->add_marriage();
  m->set_person_id(id);
  m->set_spouse_id(spouse);
  m->set_status(status);
  *m->mutable_date() = hedui::ToProto(date);
}

// A person registered in household H1 but not declared.
std::string RegisterUndeclared(
    HouseholdBuilder& h, absl::CivilDay birth, int sequence,
    store::RelationToHead relation,
    store::RegistrationStatus status = store::NORMAL) {
  const std::string id = testing::PersonId(birth, sequence);
  store::HouseholdRegistrationRecord* r = h.Register("H1")->add_members();
  r->set_person_id(id);
  r->set_name("李四");
  r->set_household_number("H1");
  r->set_relation_to_head(relation);
  r->set_region_code("320581");
  r->set_residence_class(store::URBAN);
  r->set_status(status);
  return id;
}

TEST(CompositionTest, DeclarationMatchingTheRegistersPasses) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(absl::CivilDay(1980, 1, 1));
  const std::string b =
      h.AddMember(absl::CivilDay(1981, 1, 1), hedui::v1::SPOUSE);
  AddMarriage(h, a, b, store::MARRIED, absl::CivilDay(2005, 5, 1));
  AddMarriage(h, b, a, store::MARRIED, absl::CivilDay(2005, 5, 1));
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
  EXPECT_EQ(report.household().counted_members(), 2);
  EXPECT_EQ(report.household().household_number(), "H1");
  EXPECT_TRUE(report.household().undeclared().empty());
}

TEST(CompositionTest, DeceasedMemberIsNotCountedNorTheirIncome) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(absl::CivilDay(1950, 1, 1));
  const std::string b =
      h.AddMember(absl::CivilDay(1948, 1, 1), hedui::v1::SPOUSE);
  // b died in 2026-06 and had a pension before: left out whole. a's own
  // pension of 92,999 a month is below 93,000 for one person.
  h.MonthlyPension(b, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 5),
                   300'000);
  h.MonthlyPension(a, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   92'999);
  store::DeathRecord* d = h.Person(b)->add_death();
  d->set_person_id(b);
  *d->mutable_date_of_death() = hedui::ToProto(absl::CivilDay(2026, 6, 10));
  h.Person(b)->mutable_household_registration(0)->set_status(store::DECEASED);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
  EXPECT_EQ(report.household().counted_members(), 1);
  EXPECT_FALSE(report.household().members(1).counted());
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  EXPECT_EQ(report.income().members_size(), 1);
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
}

void Dies(HouseholdBuilder& h, const std::string& id, bool death_record,
          bool registration) {
  if (death_record) {
    store::DeathRecord* d = h.Person(id)->add_death();
    d->set_person_id(id);
    *d->mutable_date_of_death() = hedui::ToProto(absl::CivilDay(2026, 9, 1));
  }
  if (registration) {
    h.Person(id)->mutable_household_registration(0)->set_status(
        store::DECEASED);
  }
}

std::vector<Finding::Criterion> Criteria(const hedui::v1::Report& report) {
  std::vector<Finding::Criterion> criteria;
  for (const auto& f : report.findings()) criteria.push_back(f.criterion());
  return criteria;
}

// domain.md §10.1 "Special households": with no living declared member,
// COMPOSITION fails, the other criteria are absent and the verdict is
// DOES_NOT_MEET. One living member, or one only missing, is a household.
TEST(CompositionTest, NoLivingDeclaredMember) {
  struct Case {
    std::string name;
    hedui::v1::Program program;
    // Per member: {death record, registered DECEASED, registered MISSING}.
    std::vector<std::array<bool, 3>> members;
    bool none_living;
    int counted;
  };
  const Case cases[] = {
      {"ApplicantDeadByRecord",
       hedui::v1::DIBAO,
       {{true, false, false}},
       true,
       0},
      {"ApplicantDeadByRegistration",
       hedui::v1::DIBAO,
       {{false, true, false}},
       true,
       0},
      {"BothDead",
       hedui::v1::TEKUN,
       {{true, true, false}, {false, true, false}},
       true,
       0},
      {"BothDeadMargin",
       hedui::v1::LOW_INCOME_MARGIN,
       {{true, false, false}, {true, false, false}},
       true,
       0},
      {"OneAlive",
       hedui::v1::DIBAO,
       {{true, true, false}, {false, false, false}},
       false,
       1},
      {"OneDeadOneMissing",
       hedui::v1::TEKUN,
       {{true, true, false}, {false, false, true}},
       false,
       0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HouseholdBuilder h(c.program, kDay);
    for (size_t i = 0; i < c.members.size(); ++i) {
      const std::string id =
          h.AddMember(absl::CivilDay(1940 + static_cast<int>(i), 1, 1),
                      i == 0 ? hedui::v1::HEAD : hedui::v1::SPOUSE);
      Dies(h, id, c.members[i][0], c.members[i][1]);
      if (c.members[i][2]) {
        h.Person(id)->mutable_household_registration(0)->set_status(
            store::MISSING);
      }
    }
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(report.household().counted_members(), c.counted);
    if (c.none_living) {
      EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::FAIL);
      EXPECT_THAT(
          Criteria(report),
          ::testing::ElementsAre(Finding::CONSENT, Finding::COMPOSITION));
      EXPECT_EQ(report.verdict(), hedui::v1::DOES_NOT_MEET);
      EXPECT_FALSE(report.has_income());
      EXPECT_NE(testing::FindingOf(report, Finding::COMPOSITION)
                    ->explanation()
                    .find("申报成员均已死亡"),
                std::string::npos);
    } else {
      EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
      EXPECT_NE(ResultOf(report, Finding::INCOME), Finding::RESULT_UNSPECIFIED);
      EXPECT_NE(report.verdict(), hedui::v1::DOES_NOT_MEET);
    }
  }
}

TEST(CompositionTest, UndeclaredSpouseFromTheMarriageRecordNeedsReview) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(absl::CivilDay(1980, 1, 1));
  const std::string spouse =
      RegisterUndeclared(h, absl::CivilDay(1981, 2, 2), 900, store::SPOUSE);
  AddMarriage(h, a, spouse, store::MARRIED, absl::CivilDay(2010, 1, 1));
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
  ASSERT_EQ(report.household().undeclared_size(), 1);
  EXPECT_EQ(report.household().undeclared(0).person_id(), spouse);
  EXPECT_TRUE(report.household().undeclared(0).needs_review());
  // The explanation masks the ID.
  EXPECT_EQ(testing::FindingOf(report, Finding::COMPOSITION)
                ->explanation()
                .find(spouse),
            std::string::npos);
}

TEST(CompositionTest, DivorcedSpouseIsNoLongerPartOfTheHousehold) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(absl::CivilDay(1980, 1, 1));
  const std::string ex = testing::PersonId(absl::CivilDay(1979, 3, 3), 901);
  AddMarriage(h, a, ex, store::MARRIED, absl::CivilDay(2005, 1, 1));
  AddMarriage(h, a, ex, store::DIVORCED, absl::CivilDay(2015, 1, 1));
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::COMPOSITION), Finding::PASS);
}

TEST(CompositionTest, UndeclaredMinorNeedsReviewOtherCoResidentsAreReported) {
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1980, 1, 1));
    // Turns 18 the day after the verification: still a minor.
    RegisterUndeclared(h, absl::CivilDay(2008, 11, 6), 902, store::CHILD);
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
    EXPECT_TRUE(report.household().undeclared(0).needs_review());
  }
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1980, 1, 1));
    // 18 on the verification date: an adult child, reported only.
    RegisterUndeclared(h, absl::CivilDay(2008, 11, 5), 903, store::CHILD);
    RegisterUndeclared(h, absl::CivilDay(1950, 1, 1), 904, store::PARENT);
    // Deceased residents are not co-residents.
    RegisterUndeclared(h, absl::CivilDay(1930, 1, 1), 905, store::GRANDPARENT,
                       store::DECEASED);
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
    ASSERT_EQ(report.household().undeclared_size(), 2);
    EXPECT_FALSE(report.household().undeclared(0).needs_review());
    EXPECT_FALSE(report.household().undeclared(1).needs_review());
  }
}

TEST(CompositionTest, UnknownMissingAndMovedMembers) {
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1980, 1, 1));
    const std::string b =
        h.AddMember(absl::CivilDay(2010, 1, 1), hedui::v1::CHILD);
    h.Person(b)->clear_household_registration();
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
    EXPECT_EQ(report.household().counted_members(), 2);
  }
  for (store::RegistrationStatus status : {store::MISSING, store::IN_CUSTODY}) {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1980, 1, 1));
    const std::string b =
        h.AddMember(absl::CivilDay(1981, 1, 1), hedui::v1::SPOUSE);
    h.Person(b)->mutable_household_registration(0)->set_status(status);
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
    EXPECT_EQ(report.household().counted_members(), 1) << status;
  }
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1980, 1, 1));
    const std::string b =
        h.AddMember(absl::CivilDay(1981, 1, 1), hedui::v1::SPOUSE);
    h.Person(b)->mutable_household_registration(0)->set_status(store::MOVED);
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
    EXPECT_EQ(report.household().counted_members(), 2);
  }
}

TEST(CompositionTest, StaleRegistersMakeItUnknown) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  h.AddMember(absl::CivilDay(1980, 1, 1));
  // MARRIAGE may be 31 days old: 2026-10-05 is 31 days before 11-05.
  h.SetAsOf(hedui::v1::MARRIAGE, absl::CivilDay(2026, 10, 5));
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::COMPOSITION), Finding::PASS);
  h.SetAsOf(hedui::v1::MARRIAGE, absl::CivilDay(2026, 10, 4));
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::COMPOSITION), Finding::UNKNOWN);
  h.SetAsOf(hedui::v1::MARRIAGE, absl::CivilDay(2026, 10, 5));
  h.RemoveDepartment(hedui::v1::DEATH);
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::COMPOSITION), Finding::UNKNOWN);
}

// 单人保: a level-1/2 disabled member of a household below the margin line
// (1.5 × 93,000 = 139,500 per person) is verified alone.
class SinglePersonCoverage : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = h_.AddMember(absl::CivilDay(1970, 1, 1));
    b_ = h_.AddMember(absl::CivilDay(2000, 1, 1), hedui::v1::CHILD);
    h_.request().set_single_person_member_id(b_);
  }
  void Disability(store::DisabilityCategory category, int grade) {
    store::DisabilityRecord* d = h_.Person(b_)->add_disability();
    d->set_person_id(b_);
    d->set_category(category);
    d->set_grade(grade);
  }
  // Parent's monthly pension; the household's per capita is half of it.
  void ParentPension(int64_t fen) {
    h_.MonthlyPension(a_, absl::CivilMonth(2025, 11),
                      absl::CivilMonth(2026, 10), fen);
  }
  HouseholdBuilder h_{hedui::v1::DIBAO, kDay};
  std::string a_, b_;
};

TEST_F(SinglePersonCoverage, SevereDisabilityVerifiedAloneOnOwnIncome) {
  Disability(store::PHYSICAL, 2);
  ParentPension(278'999);  // per capita 139,499.5 < 139,500
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
  EXPECT_TRUE(report.household().single_person_coverage());
  EXPECT_EQ(report.household().counted_members(), 1);
  // Alone, b has no income: passes 低保's income test.
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  EXPECT_EQ(report.income().members(0).person_id(), b_);
}

// When single-person coverage does not apply, the household is verified as
// a whole exactly as without the request: the report is the one without it,
// but for the request it echoes and the note saying why.
void ExpectSameAsWithoutTheRequest(HouseholdBuilder& h) {
  hedui::v1::Report asked = h.Evaluate();
  const std::string member = h.request().single_person_member_id();
  const bool illness = h.request().serious_illness();
  h.request().clear_single_person_member_id();
  h.request().clear_serious_illness();
  hedui::v1::Report whole = h.Evaluate();
  h.request().set_single_person_member_id(member);
  h.request().set_serious_illness(illness);
  EXPECT_FALSE(asked.household().single_person_coverage());
  EXPECT_FALSE(asked.household().single_person_note().empty());
  EXPECT_TRUE(whole.household().single_person_note().empty());
  for (hedui::v1::Report* r : {&asked, &whole}) {
    r->clear_request();
    r->mutable_household()->clear_single_person_note();
  }
  EXPECT_EQ(asked.DebugString(), whole.DebugString());
}

std::string Note(const hedui::v1::Report& report) {
  return report.household().single_person_note();
}

TEST_F(SinglePersonCoverage, HouseholdAtTheMarginLineDoesNotQualify) {
  Disability(store::INTELLECTUAL, 3);
  ParentPension(279'000);  // per capita exactly 139,500: not below
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
  EXPECT_FALSE(report.household().single_person_coverage());
  EXPECT_EQ(report.household().counted_members(), 2);
  EXPECT_EQ(Note(report),
            "申请单人保，但家庭人均月收入 1,395.00 元，不低于边缘标准 "
            "1,395.00 元，不适用单人保，按全家核对");
  ExpectSameAsWithoutTheRequest(h_);
}

TEST_F(SinglePersonCoverage, HouseholdJustBelowTheMarginLineQualifies) {
  Disability(store::INTELLECTUAL, 3);
  ParentPension(278'999);  // per capita 139,499.5 < 139,500
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
  EXPECT_TRUE(report.household().single_person_coverage());
  EXPECT_EQ(report.household().counted_members(), 1);
  EXPECT_EQ(Note(report), "按单人保核对，仅计该成员本人的收入和财产");
}

TEST_F(SinglePersonCoverage, DisabilityMustBeSevereEnough) {
  struct Case {
    std::string name;
    store::DisabilityCategory category;
    int grade;
    bool applies;
  };
  const Case cases[] = {
      {"Physical2", store::PHYSICAL, 2, true},
      {"Physical3", store::PHYSICAL, 3, false},
      {"Visual1", store::VISUAL, 1, true},
      {"Mental3", store::MENTAL, 3, true},
      {"Mental4", store::MENTAL, 4, false},
      {"Intellectual4", store::INTELLECTUAL, 4, false},
      {"Hearing3", store::HEARING, 3, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(absl::CivilDay(1970, 1, 1));
    const std::string b =
        h.AddMember(absl::CivilDay(2000, 1, 1), hedui::v1::CHILD);
    h.request().set_single_person_member_id(b);
    store::DisabilityRecord* d = h.Person(b)->add_disability();
    d->set_person_id(b);
    d->set_category(c.category);
    d->set_grade(c.grade);
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
    EXPECT_EQ(report.household().single_person_coverage(), c.applies);
    EXPECT_EQ(report.household().counted_members(), c.applies ? 1 : 2);
    if (!c.applies) {
      EXPECT_EQ(Note(report),
                "申请单人保，但该成员无一、二级残疾或三级智力/精神残疾记录，"
                "也未申报重病，不适用单人保，按全家核对");
      ExpectSameAsWithoutTheRequest(h);
    }
  }
}

// A serious illness cannot be checked: coverage applies, for review.
TEST_F(SinglePersonCoverage, DeclaredSeriousIllnessIsForReview) {
  Disability(store::PHYSICAL, 3);
  h_.request().set_serious_illness(true);
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
  EXPECT_TRUE(report.household().single_person_coverage());
  EXPECT_EQ(Note(report),
            "单人保条件尚待核实，暂按单人保核对，仅计该成员本人的收入和财产");
}

// Both conditions fail: the note gives both reasons.
TEST_F(SinglePersonCoverage, EveryReasonIsGiven) {
  Disability(store::PHYSICAL, 3);
  ParentPension(279'000);
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::PASS);
  EXPECT_EQ(Note(report),
            "申请单人保，但该成员无一、二级残疾或三级智力/精神残疾记录，"
            "也未申报重病，且家庭人均月收入 1,395.00 元，不低于边缘标准 "
            "1,395.00 元，不适用单人保，按全家核对");
  ExpectSameAsWithoutTheRequest(h_);
}

// Stale disability data without a qualifying record cannot decide: the
// composition is unknown (DISABILITY may be 92 days old: 2026-08-05 is 92
// days before 11-05, 08-04 is 93).
TEST_F(SinglePersonCoverage, StaleDisabilityDataIsUnknown) {
  h_.SetAsOf(hedui::v1::DISABILITY, absl::CivilDay(2026, 8, 5));
  EXPECT_EQ(ResultOf(h_.Evaluate(), Finding::COMPOSITION), Finding::PASS);
  EXPECT_FALSE(h_.Evaluate().household().single_person_coverage());
  h_.SetAsOf(hedui::v1::DISABILITY, absl::CivilDay(2026, 8, 4));
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::UNKNOWN);
  EXPECT_TRUE(report.household().single_person_coverage());
}

// Without the applicant's registration the standard is unknown: the income
// condition holds when it holds under every standard of 320581 (margin line
// URBAN 1.5 × 93,000 = 139,500, RURAL 1.5 × 70,000 = 105,000), fails when it
// fails under every one, and is unknown otherwise (domain.md §2).
TEST_F(SinglePersonCoverage, NoRegistrationDecidesUnderEveryStandard) {
  struct Case {
    std::string name;
    int64_t pension;  // the parent's; per capita is half
    bool applies;
    Finding::Result composition_at_least;  // beside the missing registration
  };
  const Case cases[] = {
      {"BelowBoth", 209'998, true, Finding::REVIEW},  // 104,999
      {"AtRural", 210'000, true, Finding::UNKNOWN},   // 105,000
      {"BelowUrbanOnly", 278'998, true, Finding::UNKNOWN},
      {"AtUrban", 279'000, false, Finding::REVIEW},  // 139,500
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    const std::string a = h.AddMember(absl::CivilDay(1970, 1, 1));
    const std::string b =
        h.AddMember(absl::CivilDay(2000, 1, 1), hedui::v1::CHILD);
    h.request().set_single_person_member_id(b);
    store::DisabilityRecord* d = h.Person(b)->add_disability();
    d->set_person_id(b);
    d->set_category(store::PHYSICAL);
    d->set_grade(1);
    h.MonthlyPension(a, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                     c.pension);
    h.Person(a)->clear_household_registration();
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(report.household().single_person_coverage(), c.applies);
    EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), c.composition_at_least);
    if (!c.applies) {
      EXPECT_NE(Note(report).find("不低于本地区各类标准的边缘标准"),
                std::string::npos)
          << Note(report);
      ExpectSameAsWithoutTheRequest(h);
    }
  }
}

// A named member who is not counted (deceased) cannot be verified alone;
// the household is verified as it is counted, and only the death needs
// review.
TEST_F(SinglePersonCoverage, MemberNotCountedIsNotApplied) {
  Disability(store::PHYSICAL, 1);
  store::DeathRecord* d = h_.Person(b_)->add_death();
  d->set_person_id(b_);
  *d->mutable_date_of_death() = hedui::ToProto(absl::CivilDay(2026, 9, 1));
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::REVIEW);
  EXPECT_FALSE(report.household().single_person_coverage());
  EXPECT_EQ(report.household().counted_members(), 1);
  EXPECT_EQ(Note(report),
            "申请单人保，但该成员不计入家庭人口，不适用单人保，按全家核对");
  ExpectSameAsWithoutTheRequest(h_);
}

}  // namespace
}  // namespace hedui::engine
