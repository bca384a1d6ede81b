// Household composition (domain.md §2): who is counted, and which
// differences between the declaration and the registers need review.
#include "server/engine/rules/composition.h"

#include <string>

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

TEST_F(SinglePersonCoverage, HouseholdAtTheMarginLineDoesNotQualify) {
  Disability(store::INTELLECTUAL, 3);
  ParentPension(279'000);  // per capita exactly 139,500: not below
  const hedui::v1::Report report = h_.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::COMPOSITION), Finding::FAIL);
  EXPECT_FALSE(report.household().single_person_coverage());
}

TEST_F(SinglePersonCoverage, DisabilityMustBeSevereEnough) {
  Disability(store::PHYSICAL, 3);
  EXPECT_EQ(ResultOf(h_.Evaluate(), Finding::COMPOSITION), Finding::FAIL);
  h_.request().set_serious_illness(true);
  EXPECT_EQ(ResultOf(h_.Evaluate(), Finding::COMPOSITION), Finding::REVIEW);
}

}  // namespace
}  // namespace hedui::engine
