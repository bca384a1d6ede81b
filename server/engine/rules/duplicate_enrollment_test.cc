// DUPLICATE_ENROLLMENT (一人一保, domain.md §10, §10.1) through the whole
// engine: every expected result below is worked out by hand from §10.1.
//
// The day is 2026-11-05 and every department's data is as of 2026-11-01
// unless a row says otherwise; the enrollment feed's maximum age in the
// example policy is 31 days (as of 2026-10-05 is 31 days old, fresh; as of
// 2026-10-04 is 32, stale). Members are registered in 户号 H1.
#include "server/engine/rules/duplicate_enrollment.h"

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/golden/golden_file.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Finding;
using hedui::v1::Program;
using hedui::v1::Report;
using testing::HouseholdBuilder;

constexpr Finding::Result PASS = Finding::PASS;
constexpr Finding::Result UNKNOWN = Finding::UNKNOWN;
constexpr Finding::Result REVIEW = Finding::REVIEW;
// No DUPLICATE_ENROLLMENT finding at all.
constexpr Finding::Result ABSENT = Finding::RESULT_UNSPECIFIED;

constexpr Program DIBAO = hedui::v1::DIBAO;
constexpr Program TEKUN = hedui::v1::TEKUN;
constexpr Program MARGIN = hedui::v1::LOW_INCOME_MARGIN;

const absl::CivilDay kDay(2026, 11, 5);
const absl::CivilDay kHeadBirth(1980, 5, 5);    // 46
const absl::CivilDay kSpouseBirth(1982, 8, 8);  // 44
const absl::CivilDay kChildBirth(2015, 3, 3);   // 11
const absl::CivilDay kElderBirth(1954, 3, 1);   // 72

void Enroll(HouseholdBuilder& h, const std::string& id, Program program,
            const std::string& household,
            store::EnrollmentStatus status = store::ENROLLED) {
  store::AssistanceEnrollmentRecord* r =
      h.Person(id)->add_assistance_enrollment();
  r->set_person_id(id);
  r->set_program(program);
  r->set_household_id(household);
  *r->mutable_since() = ToProto(absl::CivilDay(2024, 3, 1));
  r->set_status(status);
}

// An active Hedui roll entry listing `id` as an enrolled member (what the
// server reads from its rolls into PersonRecords.roll_enrollments).
void RollEnroll(HouseholdBuilder& h, const std::string& id, Program program,
                const std::string& applicant, const std::string& household,
                const std::string& entry_id = "E000000000007",
                const std::string& region = "320581") {
  store::RollEnrollmentRecord* r = h.Person(id)->add_roll_enrollments();
  r->set_person_id(id);
  r->set_program(program);
  r->set_region_code(region);
  r->set_entry_id(entry_id);
  r->set_applicant_id(applicant);
  r->set_household_number(household);
  *r->mutable_approval_date() = ToProto(absl::CivilDay(2026, 10, 1));
}

// Another household's applicant (not declared here).
const std::string& OtherApplicant() {
  static const std::string* const id =
      new std::string(testing::PersonId(absl::CivilDay(1970, 1, 1), 201));
  return *id;
}

// Head, spouse and a child of 11 in H1; the head's wages keep the income
// well inside every line (45,000 a person a month), which this rule does not
// read anyway.
HouseholdBuilder Family(Program program) {
  HouseholdBuilder h(program, kDay);
  const std::string head = h.AddMember(kHeadBirth);
  h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
  h.AddMember(kChildBirth, hedui::v1::CHILD);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(head, m, 150'000);
  }
  return h;
}

std::string Id(HouseholdBuilder& h, int member) {
  return h.request().members(member).person_id();
}

// A 特困 obligor (a child of 46) registered in their own 户号 H2.
std::string AddObligor(HouseholdBuilder& h) {
  const std::string id = testing::PersonId(kHeadBirth, 101);
  hedui::v1::Obligor* o = h.request().add_obligors();
  o->set_person_id(id);
  o->set_name("王五");
  o->set_relation(hedui::v1::CHILD);
  o->set_declared_status(hedui::v1::Obligor::NORMAL);
  store::HouseholdRegistrationRecord* r =
      h.Person(id)->add_household_registration();
  r->set_person_id(id);
  r->set_name("王五");
  r->set_household_number("H2");
  r->set_relation_to_head(store::HEAD);
  r->set_region_code("320581");
  r->set_residence_class(store::URBAN);
  r->set_status(store::NORMAL);
  *h.Register("H2")->add_members() = *r;
  h.request().mutable_consent()->add_signer_ids(id);
  return id;
}

// 单人保 of the spouse (physical disability grade 1); the household's 45,000
// a person is below the margin line 139,500, so coverage applies.
HouseholdBuilder SinglePersonFamily() {
  HouseholdBuilder h = Family(DIBAO);
  const std::string spouse = Id(h, 1);
  store::DisabilityRecord* d = h.Person(spouse)->add_disability();
  d->set_person_id(spouse);
  d->set_category(store::PHYSICAL);
  d->set_grade(1);
  h.request().set_single_person_member_id(spouse);
  return h;
}

// The applicant unknown to the registration: no 户号 to compare with.
void NoHouseholdNumber(HouseholdBuilder& h) {
  h.Person(Id(h, 0))->clear_household_registration();
}

struct Row {
  std::string name;
  std::function<HouseholdBuilder()> build;
  Finding::Result result = ABSENT;
  int evidence = 0;       // enrollment records shown as evidence
  int roll_evidence = 0;  // of which roll entries (no department, no as-of)
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

std::vector<Row> Rows() {
  return {
      // --- 低保 ---
      {"DibaoNoEnrollment", [] { return Family(DIBAO); }, PASS, 0},
      // 低保 under H1, the applicant's 户号: this household's own (a
      // re-verification of an enrolled household).
      {"DibaoOwnHouseholdSameProgram",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 0), DIBAO, "H1");
         return h;
       },
       PASS, 1},
      {"DibaoOtherHouseholdSameProgram",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         return h;
       },
       REVIEW, 1},
      // 特困 excludes 低保 even under the household's own 户号.
      {"DibaoExcludingProgramSameHousehold",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 2), TEKUN, "H1");
         return h;
       },
       REVIEW, 1},
      {"DibaoExcludingProgramOtherHousehold",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 1), MARGIN, "H7");
         return h;
       },
       REVIEW, 1},
      // Own 低保 and another household's 低保: the duplicate decides; both
      // records are shown.
      {"DibaoOwnAndOtherHousehold",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 0), DIBAO, "H1");
         Enroll(h, Id(h, 1), DIBAO, "H7");
         return h;
       },
       REVIEW, 2},
      // Only ENROLLED counts.
      {"DibaoSuspendedElsewhereIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 1), DIBAO, "H7", store::SUSPENDED);
         return h;
       },
       PASS, 0},
      {"DibaoEndedExcludingProgramIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 0), TEKUN, "H1", store::ENDED);
         Enroll(h, Id(h, 1), MARGIN, "H7", store::ENDED);
         return h;
       },
       PASS, 0},
      // Programs that do not exclude 低保 are no duplicate, nor shown.
      {"DibaoOtherProgramsIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 0), hedui::v1::MEDICAL, "H7");
         Enroll(h, Id(h, 1), hedui::v1::HOUSING, "H7");
         Enroll(h, Id(h, 2), hedui::v1::TEMPORARY, "H7");
         return h;
       },
       PASS, 0},
      // The spouse died on 2026-05-01 and is not counted: their enrolment
      // elsewhere (typically not yet ended) is not this household's concern.
      {"DibaoDeceasedMemberIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         const std::string spouse = Id(h, 1);
         store::DeathRecord* d = h.Person(spouse)->add_death();
         d->set_person_id(spouse);
         *d->mutable_date_of_death() = ToProto(absl::CivilDay(2026, 5, 1));
         Enroll(h, spouse, DIBAO, "H7");
         Enroll(h, spouse, TEKUN, "H7");
         return h;
       },
       PASS, 0},
      // No living declared member (§10.1 "Special households"): COMPOSITION
      // fails and the other criteria are absent, this one included.
      {"DibaoNoLivingMemberNoFinding",
       [] {
         HouseholdBuilder h(DIBAO, kDay);
         const std::string head = h.AddMember(kElderBirth);
         store::DeathRecord* d = h.Person(head)->add_death();
         d->set_person_id(head);
         *d->mutable_date_of_death() = ToProto(absl::CivilDay(2026, 9, 1));
         Enroll(h, head, DIBAO, "H7");
         return h;
       },
       ABSENT, 0},
      // 单人保 of the spouse: the head's enrolment elsewhere is not checked.
      {"SinglePersonOtherMemberIgnored",
       [] {
         HouseholdBuilder h = SinglePersonFamily();
         Enroll(h, Id(h, 0), DIBAO, "H7");
         Enroll(h, Id(h, 2), TEKUN, "H1");
         return h;
       },
       PASS, 0},
      {"SinglePersonCoveredMemberEnrolledElsewhere",
       [] {
         HouseholdBuilder h = SinglePersonFamily();
         Enroll(h, Id(h, 1), DIBAO, "H7");
         return h;
       },
       REVIEW, 1},
      // No 户号 for the applicant: even 低保 under "H1" cannot be shown to
      // be this household's.
      {"NoHouseholdNumberSameProgram",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         NoHouseholdNumber(h);
         Enroll(h, Id(h, 1), DIBAO, "H1");
         return h;
       },
       REVIEW, 1},
      {"NoHouseholdNumberNoEnrollment",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         NoHouseholdNumber(h);
         return h;
       },
       PASS, 0},
      {"NoHouseholdNumberSuspendedIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         NoHouseholdNumber(h);
         Enroll(h, Id(h, 1), DIBAO, "H1", store::SUSPENDED);
         return h;
       },
       PASS, 0},
      // --- The feed's age ---
      // 31 days old: equal to the maximum, still fresh.
      {"FeedAtMaximumAge",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 5));
         return h;
       },
       PASS, 0},
      {"FeedStaleNoDuplicate",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       UNKNOWN, 0},
      // The household's own enrolment on stale data proves no absence of a
      // duplicate: still unknown.
      {"FeedStaleOwnEnrollmentOnly",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 0), DIBAO, "H1");
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       UNKNOWN, 1},
      {"FeedStaleShowsDuplicate",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       REVIEW, 1},
      {"FeedMissing",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
         return h;
       },
       UNKNOWN, 0},
      // --- 特困 ---
      {"TekunOwnHouseholdSameProgram",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         Enroll(h, h.AddMember(kElderBirth), TEKUN, "H1");
         return h;
       },
       PASS, 1},
      {"TekunOtherHouseholdSameProgram",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         Enroll(h, h.AddMember(kElderBirth), TEKUN, "H9");
         return h;
       },
       REVIEW, 1},
      {"TekunApplicantOnDibaoSameHousehold",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         Enroll(h, h.AddMember(kElderBirth), DIBAO, "H1");
         return h;
       },
       REVIEW, 1},
      // An obligor's own 低保 (or 特困) is what §5 relies on, never a
      // duplicate.
      {"TekunObligorEnrollmentIgnored",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         h.AddMember(kElderBirth);
         const std::string obligor = AddObligor(h);
         Enroll(h, obligor, DIBAO, "H2");
         Enroll(h, obligor, TEKUN, "H1");
         return h;
       },
       PASS, 0},
      {"TekunFeedStale",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         h.AddMember(kElderBirth);
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       UNKNOWN, 0},
      // --- 低保边缘 ---
      {"MarginOwnHouseholdSameProgram",
       [] {
         HouseholdBuilder h = Family(MARGIN);
         Enroll(h, Id(h, 0), MARGIN, "H1");
         Enroll(h, Id(h, 1), MARGIN, "H1");
         return h;
       },
       PASS, 2},
      {"MarginOtherHouseholdSameProgram",
       [] {
         HouseholdBuilder h = Family(MARGIN);
         Enroll(h, Id(h, 2), MARGIN, "H3");
         return h;
       },
       REVIEW, 1},
      {"MarginDibaoSameHousehold",
       [] {
         HouseholdBuilder h = Family(MARGIN);
         Enroll(h, Id(h, 0), DIBAO, "H1");
         return h;
       },
       REVIEW, 1},
      {"MarginFeedMissing",
       [] {
         HouseholdBuilder h = Family(MARGIN);
         h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
         return h;
       },
       UNKNOWN, 0},
      // --- Hedui's rolls as a second source (§10.1) ---
      // The applicant's own entry in the applied program is this household's
      // own, whatever 户号 it was enrolled under (a 户号 changed since).
      {"RollOwnEntryOfTheApplicant",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 0), DIBAO, Id(h, 0), "H9");
         return h;
       },
       PASS, 1, 1},
      // Another applicant's entry under the applicant's 户号: own too.
      {"RollOwnByHouseholdNumber",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 1), DIBAO, Id(h, 1), "H1");
         return h;
       },
       PASS, 1, 1},
      {"RollOtherHouseholdSameProgram",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 1), DIBAO, OtherApplicant(), "H7");
         return h;
       },
       REVIEW, 1, 1},
      // 特困 excludes 低保 in any household, this one's own entry included.
      {"RollExcludingProgramOwnHousehold",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 2), TEKUN, Id(h, 0), "H1");
         return h;
       },
       REVIEW, 1, 1},
      {"RollExcludingProgramOtherCounty",
       [] {
         HouseholdBuilder h = Family(TEKUN);
         RollEnroll(h, Id(h, 0), MARGIN, OtherApplicant(), "H8",
                    "E000000000009", "320582");
         return h;
       },
       REVIEW, 1, 1},
      // A duplicate shown by any source is REVIEW, the feed stale or
      // missing.
      {"RollDuplicateFeedStale",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 1), DIBAO, OtherApplicant(), "H7");
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       REVIEW, 1, 1},
      {"RollDuplicateFeedMissing",
       [] {
         HouseholdBuilder h = Family(MARGIN);
         RollEnroll(h, Id(h, 2), DIBAO, OtherApplicant(), "H7");
         h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
         return h;
       },
       REVIEW, 1, 1},
      // Only the household's own entry, the feed stale or missing: no
      // duplicate shown anywhere, and none can be ruled out.
      {"RollOwnOnlyFeedStale",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 0), DIBAO, Id(h, 0), "H1");
         h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                   absl::CivilDay(2026, 10, 4));
         return h;
       },
       UNKNOWN, 1, 1},
      {"RollOwnOnlyFeedMissing",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 0), DIBAO, Id(h, 0), "H1");
         h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
         return h;
       },
       UNKNOWN, 1, 1},
      // Both sources show the same duplicate: both are shown.
      {"RollAndFeedAgree",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         RollEnroll(h, Id(h, 1), DIBAO, OtherApplicant(), "H7");
         return h;
       },
       REVIEW, 2, 1},
      {"RollDeceasedMemberIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         const std::string spouse = Id(h, 1);
         store::DeathRecord* d = h.Person(spouse)->add_death();
         d->set_person_id(spouse);
         *d->mutable_date_of_death() = ToProto(absl::CivilDay(2026, 5, 1));
         RollEnroll(h, spouse, TEKUN, OtherApplicant(), "H7");
         return h;
       },
       PASS, 0, 0},
      {"RollSinglePersonOtherMemberIgnored",
       [] {
         HouseholdBuilder h = SinglePersonFamily();
         RollEnroll(h, Id(h, 0), DIBAO, OtherApplicant(), "H7");
         return h;
       },
       PASS, 0, 0},
      {"RollSinglePersonCoveredMember",
       [] {
         HouseholdBuilder h = SinglePersonFamily();
         RollEnroll(h, Id(h, 1), MARGIN, OtherApplicant(), "H7");
         return h;
       },
       REVIEW, 1, 1},
      {"RollObligorIgnored",
       [] {
         HouseholdBuilder h(TEKUN, kDay);
         h.AddMember(kElderBirth);
         const std::string obligor = AddObligor(h);
         RollEnroll(h, obligor, DIBAO, obligor, "H2");
         return h;
       },
       PASS, 0, 0},
      {"RollOtherProgramsIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 0), hedui::v1::HOUSING, OtherApplicant(), "H7");
         RollEnroll(h, Id(h, 1), hedui::v1::UNION_HARDSHIP, OtherApplicant(),
                    "H7", "E000000000008");
         return h;
       },
       PASS, 0, 0},
      // A record read for another person is not this member's.
      {"RollRecordOfAnotherPersonIgnored",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         RollEnroll(h, Id(h, 1), DIBAO, OtherApplicant(), "H7");
         h.Person(Id(h, 1))->mutable_roll_enrollments(0)->set_person_id(
             OtherApplicant());
         return h;
       },
       PASS, 0, 0},
      // No 户号 for the applicant: the applicant's own entry is still own;
      // another applicant's entry in the same program cannot be shown to be
      // this household's.
      {"RollNoHouseholdNumberOwnApplicant",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         NoHouseholdNumber(h);
         RollEnroll(h, Id(h, 0), DIBAO, Id(h, 0), "H1");
         return h;
       },
       PASS, 1, 1},
      {"RollNoHouseholdNumberOtherApplicant",
       [] {
         HouseholdBuilder h = Family(DIBAO);
         NoHouseholdNumber(h);
         RollEnroll(h, Id(h, 1), DIBAO, OtherApplicant(), "H1");
         return h;
       },
       REVIEW, 1, 1},
      // --- Programs without the criterion, whatever the enrolments ---
      {"HousingNoFinding",
       [] {
         HouseholdBuilder h = Family(hedui::v1::HOUSING);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         Enroll(h, Id(h, 0), hedui::v1::HOUSING, "H7");
         return h;
       },
       ABSENT, 0},
      {"TemporaryNoFinding",
       [] {
         HouseholdBuilder h = Family(hedui::v1::TEMPORARY);
         Enroll(h, Id(h, 1), TEKUN, "H7");
         return h;
       },
       ABSENT, 0},
      {"MedicalNoFinding",
       [] {
         HouseholdBuilder h = Family(hedui::v1::MEDICAL);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         Enroll(h, Id(h, 1), MARGIN, "H1");
         return h;
       },
       ABSENT, 0},
      {"UnionHardshipNoFinding",
       [] {
         HouseholdBuilder h = Family(hedui::v1::UNION_HARDSHIP);
         Enroll(h, Id(h, 1), DIBAO, "H7");
         return h;
       },
       ABSENT, 0},
  };
}

class DuplicateEnrollmentTable : public ::testing::TestWithParam<Row> {};

TEST_P(DuplicateEnrollmentTable, ResultAndEvidence) {
  const Row& row = GetParam();
  const Report report = row.build().Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  if (row.result == ABSENT) {
    EXPECT_EQ(f, nullptr) << f->DebugString();
    return;
  }
  ASSERT_NE(f, nullptr) << report.summary();
  SCOPED_TRACE(f->explanation());
  EXPECT_EQ(Finding::Result_Name(f->result()),
            Finding::Result_Name(row.result));
  EXPECT_EQ(f->evidence_size(), row.evidence);
  int roll = 0;
  for (const auto& e : f->evidence()) {
    if (e.department() == hedui::v1::DEPARTMENT_UNSPECIFIED) {
      // A roll entry: named by program, county and entry id.
      ++roll;
      EXPECT_FALSE(e.has_as_of());
      EXPECT_NE(e.record().find("核对系统名册"), std::string::npos);
      EXPECT_EQ(e.record().find(OtherApplicant()), std::string::npos);
      continue;
    }
    EXPECT_EQ(e.department(), hedui::v1::ASSISTANCE_ENROLLMENT);
    EXPECT_TRUE(e.has_as_of());
  }
  EXPECT_EQ(roll, row.roll_evidence);
  EXPECT_FALSE(f->explanation().empty());
  EXPECT_EQ(f->explanation().find('\n'), std::string::npos);
  // Only an unknown names the feed as missing or stale.
  EXPECT_EQ(f->missing_departments_size(), row.result == UNKNOWN ? 1 : 0);
  // A doubt never passes the household (§7); no duplicate alone fails it.
  if (row.result != PASS) {
    EXPECT_NE(report.verdict(), hedui::v1::MEETS_CRITERIA);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, DuplicateEnrollmentTable,
                         ::testing::ValuesIn(Rows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           return info.param.name;
                         });

// --- The words a caseworker reads, written out by hand. ---

TEST(DuplicateEnrollmentTest, OtherHouseholdNamesMemberHouseholdAndProgram) {
  HouseholdBuilder h = Family(DIBAO);
  const std::string spouse = Id(h, 1);
  Enroll(h, spouse, DIBAO, "H7");
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation(),
            absl::StrCat("配偶（", MaskResidentId(spouse),
                         "）在户号 H7 享受低保，不是本户（户号 H1）：一人一保，"
                         "需人工核实是转移还是重复享受"));
  ASSERT_EQ(f->evidence_size(), 1);
  EXPECT_EQ(f->evidence(0).person_id(), spouse);
  EXPECT_EQ(f->evidence(0).record(), "低保 在保，自 2024-03-01，救助家庭 H7");
  EXPECT_EQ(FormatCivilDay(ToCivilDay(f->evidence(0).as_of())), "2026-11-01");
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
}

TEST(DuplicateEnrollmentTest, ExcludingProgramInTheOwnHousehold) {
  HouseholdBuilder h = Family(DIBAO);
  const std::string child = Id(h, 2);
  Enroll(h, child, TEKUN, "H1");
  // The report outlives the finding it holds.
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation(),
            absl::StrCat("子女（", MaskResidentId(child),
                         "）在户号 H1 享受特困供养（本户），与低保不能同时享受"
                         "：一人一保，需人工核实是转移还是重复享受"));
}

TEST(DuplicateEnrollmentTest, NoHouseholdNumberSaysSo) {
  HouseholdBuilder h = Family(DIBAO);
  NoHouseholdNumber(h);
  const std::string head = Id(h, 0);
  Enroll(h, head, DIBAO, "H1");
  // The report outlives the finding it holds.
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(
      f->explanation(),
      absl::StrCat("申请人（", MaskResidentId(head),
                   "）在户号 H1 享受低保，申请人无户籍户号，无法认定是否本户"
                   "：一人一保，需人工核实是转移还是重复享受"));
}

TEST(DuplicateEnrollmentTest, StaleFeedShowingADuplicateSaysTheDataAreOld) {
  HouseholdBuilder h = Family(MARGIN);
  const std::string spouse = Id(h, 1);
  Enroll(h, spouse, DIBAO, "H7");
  h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT, absl::CivilDay(2026, 10, 4));
  // The report outlives the finding it holds.
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  EXPECT_EQ(
      f->explanation(),
      absl::StrCat("民政救助数据截至 2026-10-04，已 32 天，超过上限 31 "
                   "天；配偶（",
                   MaskResidentId(spouse),
                   "）在户号 H7 享受低保，与低保边缘不能同时享受：一人一保，"
                   "需人工核实是转移还是重复享受"));
}

TEST(DuplicateEnrollmentTest, PassNamesTheProgramsChecked) {
  HouseholdBuilder none = Family(TEKUN);
  // Each report outlives the finding it holds.
  const Report none_report = none.Evaluate();
  const Finding* f =
      testing::FindingOf(none_report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation(),
            "计入的家庭成员均未在其他家庭享受特困供养，也未享受低保、低保边缘，"
            "无重复享受救助（救助在保数据截至 2026-11-01）");

  HouseholdBuilder own = Family(DIBAO);
  Enroll(own, Id(own, 0), DIBAO, "H1");
  const Report own_report = own.Evaluate();
  f = testing::FindingOf(own_report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation(),
            "计入的家庭成员在本户（户号 H1）享受低保；计入的家庭成员均未在其他"
            "家庭享受低保，也未享受特困供养、低保边缘，无重复享受救助（救助在保"
            "数据截至 2026-11-01）");

  HouseholdBuilder single = SinglePersonFamily();
  // The date said is the enrollment feed's own, not any other department's.
  single.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                 absl::CivilDay(2026, 10, 20));
  const Report single_report = single.Evaluate();
  f = testing::FindingOf(single_report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->explanation(),
            "单人保对象未在其他家庭享受低保，也未享受特困供养、低保边缘，"
            "无重复享受救助（救助在保数据截至 2026-10-20）");
}

TEST(DuplicateEnrollmentTest, MissingFeedIsUnknownNeverPass) {
  HouseholdBuilder h = Family(DIBAO);
  h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), UNKNOWN);
  EXPECT_EQ(f->explanation(),
            "民政救助数据缺失，无法判断是否重复享受救助（缺失不视为零）");
  ASSERT_EQ(f->missing_departments_size(), 1);
  EXPECT_EQ(f->missing_departments(0), hedui::v1::ASSISTANCE_ENROLLMENT);
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
}

// --- The rolls in words, written out by hand. ---

TEST(DuplicateEnrollmentTest, RollDuplicateNamesEntryAndSaysTheFeedDisagrees) {
  HouseholdBuilder h = Family(DIBAO);
  const std::string spouse = Id(h, 1);
  RollEnroll(h, spouse, DIBAO, OtherApplicant(), "H7");
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  EXPECT_EQ(
      f->explanation(),
      absl::StrCat("配偶（", MaskResidentId(spouse),
                   "）在核对系统名册（320581 条目 E000000000007，户号 H7）享受"
                   "低保，不是本户（户号 H1）：一人一保，需人工核实是转移还是"
                   "重复享受；民政救助数据与核对系统名册不一致：配偶（",
                   MaskResidentId(spouse),
                   "）在核对系统名册享受低保，民政救助数据未见在保记录"));
  ASSERT_EQ(f->evidence_size(), 1);
  EXPECT_EQ(f->evidence(0).person_id(), spouse);
  EXPECT_EQ(f->evidence(0).department(), hedui::v1::DEPARTMENT_UNSPECIFIED);
  EXPECT_EQ(f->evidence(0).record(),
            "低保 在册（核对系统名册 320581 条目 E000000000007，户号 H7），"
            "批准 2026-10-01");
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
}

TEST(DuplicateEnrollmentTest, RollAndFeedAgreeingSayNothingMore) {
  HouseholdBuilder h = Family(DIBAO);
  const std::string spouse = Id(h, 1);
  Enroll(h, spouse, DIBAO, "H7");
  RollEnroll(h, spouse, DIBAO, OtherApplicant(), "H7");
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(
      f->explanation(),
      absl::StrCat("配偶（", MaskResidentId(spouse),
                   "）在户号 H7 享受低保，不是本户（户号 H1）；配偶（",
                   MaskResidentId(spouse),
                   "）在核对系统名册（320581 条目 E000000000007，户号 H7）享受"
                   "低保，不是本户（户号 H1）：一人一保，需人工核实是转移还是"
                   "重复享受"));
}

// The feed shows an enrolment the rolls, which know the member, do not: the
// report says so, and the duplicate stands on the feed alone.
TEST(DuplicateEnrollmentTest, FeedShowsWhatTheRollsDoNot) {
  HouseholdBuilder h = Family(DIBAO);
  const std::string child = Id(h, 2);
  Enroll(h, child, TEKUN, "H7");
  RollEnroll(h, child, hedui::v1::HOUSING, OtherApplicant(), "H7");
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  EXPECT_EQ(
      f->explanation(),
      absl::StrCat("子女（", MaskResidentId(child),
                   "）在户号 H7 享受特困供养，与低保不能同时享受：一人一保，"
                   "需人工核实是转移还是重复享受；民政救助数据与核对系统名册"
                   "不一致：子女（",
                   MaskResidentId(child),
                   "）民政救助数据显示在保特困供养，核对系统名册未见在册条目"));
}

// The household's own entry and a missing feed: UNKNOWN, naming the feed.
TEST(DuplicateEnrollmentTest, OwnRollEntryWithTheFeedMissingIsUnknown) {
  HouseholdBuilder h = Family(DIBAO);
  RollEnroll(h, Id(h, 0), DIBAO, Id(h, 0), "H1");
  h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), UNKNOWN);
  EXPECT_EQ(f->explanation(),
            "民政救助数据缺失，无法判断是否重复享受救助（缺失不视为零）");
}

// --- MEDICAL's ENROLLMENT accepts an active roll entry (§10.1). ---

TEST(EnrollmentTest, MedicalPassesOnARollEntry) {
  HouseholdBuilder h = Family(hedui::v1::MEDICAL);
  const std::string spouse = Id(h, 1);
  RollEnroll(h, spouse, MARGIN, OtherApplicant(), "H7");
  // The feed is stale: a roll is Hedui's own and never stale.
  h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT, absl::CivilDay(2026, 10, 4));
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  EXPECT_EQ(f->explanation(),
            absl::StrCat("家庭成员（", MaskResidentId(spouse),
                         "）在核对系统名册在保低保边缘（320581 条目 "
                         "E000000000007），凭救助身份直接符合医疗救助，收入和"
                         "财产不再判断"));
  ASSERT_EQ(f->evidence_size(), 1);
  EXPECT_EQ(f->evidence(0).department(), hedui::v1::DEPARTMENT_UNSPECIFIED);
  // Income and assets are not judged.
  EXPECT_EQ(testing::FindingOf(report, Finding::INCOME), nullptr);
}

TEST(EnrollmentTest, MedicalIgnoresRollEntriesThatDoNotQualify) {
  HouseholdBuilder h = Family(hedui::v1::MEDICAL);
  RollEnroll(h, Id(h, 1), hedui::v1::HOUSING, OtherApplicant(), "H7");
  h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT, absl::CivilDay(2026, 10, 4));
  const Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::ENROLLMENT);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), UNKNOWN);
}

TEST(EnrollmentTest, MedicalRollEntryOfADeceasedMemberDoesNotCount) {
  HouseholdBuilder h = Family(hedui::v1::MEDICAL);
  const std::string spouse = Id(h, 1);
  store::DeathRecord* d = h.Person(spouse)->add_death();
  d->set_person_id(spouse);
  *d->mutable_date_of_death() = ToProto(absl::CivilDay(2026, 5, 1));
  RollEnroll(h, spouse, DIBAO, OtherApplicant(), "H7");
  const Report report = h.Evaluate();
  // Fresh feed, nobody counted enrolled: no ENROLLMENT, income judged.
  EXPECT_EQ(testing::FindingOf(report, Finding::ENROLLMENT), nullptr);
  EXPECT_NE(testing::FindingOf(report, Finding::INCOME), nullptr);
}

// --- The classification alone, every combination (§10.1). ---

TEST(DuplicateEnrollmentTest, StandingOfEveryProgramPair) {
  using S = EnrollmentStanding;
  struct Case {
    Program applied;
    std::string applicant;
    Program enrolled;
    std::string household;
    S expected;
  };
  const std::vector<Case> cases = {
      {DIBAO, "H1", DIBAO, "H1", S::kOwn},
      {DIBAO, "H1", DIBAO, "H2", S::kOtherHousehold},
      {DIBAO, "H1", DIBAO, "", S::kOtherHousehold},
      {DIBAO, "", DIBAO, "H1", S::kNoHouseholdNumber},
      {DIBAO, "", DIBAO, "", S::kNoHouseholdNumber},
      {DIBAO, "H1", TEKUN, "H1", S::kExcludingProgram},
      {DIBAO, "H1", MARGIN, "H2", S::kExcludingProgram},
      {DIBAO, "", TEKUN, "H2", S::kExcludingProgram},
      {TEKUN, "H1", TEKUN, "H1", S::kOwn},
      {TEKUN, "H1", TEKUN, "H2", S::kOtherHousehold},
      {TEKUN, "H1", DIBAO, "H1", S::kExcludingProgram},
      {TEKUN, "H1", MARGIN, "H1", S::kExcludingProgram},
      {MARGIN, "H1", MARGIN, "H1", S::kOwn},
      {MARGIN, "H1", MARGIN, "H9", S::kOtherHousehold},
      {MARGIN, "H1", DIBAO, "H9", S::kExcludingProgram},
      {MARGIN, "H1", TEKUN, "H1", S::kExcludingProgram},
      {DIBAO, "H1", hedui::v1::MEDICAL, "H2", S::kNotRelevant},
      {DIBAO, "H1", hedui::v1::HOUSING, "H1", S::kNotRelevant},
      {TEKUN, "H1", hedui::v1::TEMPORARY, "H2", S::kNotRelevant},
      {MARGIN, "H1", hedui::v1::UNION_HARDSHIP, "H2", S::kNotRelevant},
      {hedui::v1::MEDICAL, "H1", DIBAO, "H2", S::kNotRelevant},
      {hedui::v1::HOUSING, "H1", DIBAO, "H1", S::kNotRelevant},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StandingOf(c.applied, c.applicant, c.enrolled, c.household),
              c.expected)
        << hedui::v1::Program_Name(c.applied) << " in '" << c.applicant
        << "' vs " << hedui::v1::Program_Name(c.enrolled) << " in '"
        << c.household << "'";
  }
}

// The seam for Hedui's rolls: any source's active enrolment in the list
// counts, even with the feed missing (a duplicate shown anywhere is REVIEW).
TEST(DuplicateEnrollmentTest, JudgesAnyListOfEnrollments) {
  HouseholdBuilder h = Family(DIBAO);
  h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
  const hedui::v1::VerificationRequest& request = h.request();
  absl::StatusOr<EvaluationContext> ctx =
      BuildContext(request, h.records(), testing::ExamplePolicy());
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  // Every declared member counted (the composition rule is not run here).
  for (MemberView& m : ctx->members) {
    m.counted = true;
    ctx->counted.push_back(&m);
  }
  EXPECT_TRUE(FeedEnrollments(*ctx).empty());

  ActiveEnrollment roll;
  roll.member = ctx->counted[1];
  roll.program = TEKUN;
  roll.household_number = "H5";
  roll.evidence.set_record("特困供养 在保（核对系统名册）");
  Report report;
  JudgeDuplicateEnrollment(*ctx, {roll}, &report);
  ASSERT_EQ(report.findings_size(), 1);
  EXPECT_EQ(report.findings(0).result(), REVIEW);
  ASSERT_EQ(report.findings(0).evidence_size(), 1);
  EXPECT_EQ(report.findings(0).evidence(0).record(),
            "特困供养 在保（核对系统名册）");

  Report empty;
  JudgeDuplicateEnrollment(*ctx, {}, &empty);
  ASSERT_EQ(empty.findings_size(), 1);
  EXPECT_EQ(empty.findings(0).result(), UNKNOWN);
}

// --- Golden: a caseworker's whole report. ---

// 低保, 320581 URBAN: 张三 (46) and his wife 李四 (44); his wages of 1,500.00
// a month for the window, 1,500 × 0.9 / 2 = 675.00 a person < 930.00, no
// assets. The feed shows 李四 enrolled in 低保 since 2024-03-01 under another
// 户号 (3205810102017, her parents' household): a transfer or a double
// enrolment, a person decides. Expected by hand: DUPLICATE_ENROLLMENT REVIEW,
// every other criterion PASS, verdict NEEDS_REVIEW.
TEST(DuplicateEnrollmentGolden, DibaoOtherHousehold) {
  HouseholdBuilder h(DIBAO, kDay);
  const std::string head = h.AddMember(kHeadBirth);
  const std::string wife = h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
  const auto name = [&h](const std::string& id, const std::string& n) {
    h.Member(id)->set_name(n);
    for (auto& r : *h.Person(id)->mutable_household_registration()) {
      r.set_name(n);
    }
    for (auto& r : *h.Register("H1")->mutable_members()) {
      if (r.person_id() == id) r.set_name(n);
    }
  };
  name(head, "张三");
  name(wife, "李四");
  for (const auto& [self, other] :
       {std::pair(head, wife), std::pair(wife, head)}) {
    store::MarriageRecord* r = h.Person(self)->add_marriage();
    r->set_person_id(self);
    r->set_spouse_id(other);
    r->set_status(store::MARRIED);
    *r->mutable_date() = ToProto(absl::CivilDay(2010, 10, 1));
  }
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(head, m, 150'000);
  }
  Enroll(h, wife, DIBAO, "3205810102017");

  const Report report = h.Evaluate();
  for (const Finding& f : report.findings()) {
    EXPECT_EQ(
        Finding::Result_Name(f.result()),
        f.criterion() == Finding::DUPLICATE_ENROLLMENT ? "REVIEW" : "PASS")
        << Finding::Criterion_Name(f.criterion()) << ": " << f.explanation();
  }
  ASSERT_NE(testing::FindingOf(report, Finding::DUPLICATE_ENROLLMENT), nullptr);
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
  ExpectMatchesGolden("duplicate_dibao_other_household", report);
}

}  // namespace
}  // namespace hedui::engine
