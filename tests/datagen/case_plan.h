#ifndef HEDUI_TESTS_DATAGEN_CASE_PLAN_H_
#define HEDUI_TESTS_DATAGEN_CASE_PLAN_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// A discrepancy planted in an application's data (the label's "planted").
enum class Plant {
  kUndeclaredWages,          // → INCOME FAIL
  kHiddenCar,                // → VEHICLES FAIL
  kUndeclaredSpouse,         // → COMPOSITION REVIEW
  kDeceasedMember,           // → COMPOSITION REVIEW
  kExtraHouse,               // → RESIDENTIAL_PROPERTY FAIL
  kBusinessOwner,            // → BUSINESS FAIL
  kBusinessOwnerIndividual,  // → BUSINESS REVIEW
  kDepositsOverLimit,        // → FINANCIAL_ASSETS FAIL
  kStaleDepartment,          // → VEHICLES UNKNOWN
  kDeclaredDiffersNoEffect,  // declared income differs, same side: no effect
  // A member declares nothing (leaves blank) for a category the records show:
  // not a declared 0, so no discrepancy (domain.md §4); no effect.
  kDeclaredNothing,
  // 一人一保 (domain.md §10, §10.1 "Duplicate enrolment"), 低保/特困/margin:
  kDuplicateSameProgram,       // → DUPLICATE_ENROLLMENT REVIEW
  kDuplicateExcludingProgram,  // → DUPLICATE_ENROLLMENT REVIEW
  // Negative controls, DUPLICATE_ENROLLMENT stays PASS:
  kEnrollmentOwnHousehold,  // same program, the applicant's own 户号
  kEnrollmentNotActive,     // SUSPENDED or ENDED records only
  kEnrollmentOfObligor,     // 特困: an obligor's own 低保/特困 enrolment
  kEnrollmentOfUncounted,   // the deceased member's enrolment
};
absl::string_view PlantName(Plant plant);
// True for the plants that make a criterion FAIL.
bool PlantFails(Plant plant);
// True for the plants that leave every criterion PASS (the verdict stays
// what the other plants make it).
bool PlantHasNoEffect(Plant plant);
// The assistance programs whose verification has DUPLICATE_ENROLLMENT
// (domain.md §10: 低保, 特困 and margin).
bool ChecksDuplicateEnrollment(hedui::v1::Program program);
// Whether an active enrolment in `enrolled` excludes `applied` (domain.md
// §10: 低保, 特困 and margin exclude each other).
bool ProgramsExclude(hedui::v1::Program applied, hedui::v1::Program enrolled);

// A deliberate case at a threshold, computed exactly (domain.md §4: "test
// both sides of every threshold to the fen").
enum class Boundary {
  kNone,
  kIncomeJustBelow,           // income the smallest amount below the line
  kIncomeAtLine,              // found income exactly at the 低保 line: FAIL
  kDepositsAtLimit,           // financial assets exactly 24 × standard: PASS
  kDepositsOneFenOver,        // one fen more: FAIL
  kVehiclesAgeAtMax,          // VEHICLES age exactly 92 days: fresh
  kVehiclesAgeOneOver,        // 93 days: stale
  kConsentLastValidDay,       // consent signed 12 months ago, valid today
  kTurns18Today,              // a member turns 18 today: must sign
  kTurns60Today,              // 特困 applicant turns 60 today: cannot work
  kTurns16Tomorrow,           // 特困 applicant is 15 until tomorrow
  kHousingAreaJustBelow,      // 14.99 m² per member
  kBetweenOldAndNewStandard,  // income between the old and the raised standard
  kIndividualCapitalAtLimit,  // individual business capital exactly 100,000
  kIndividualCapitalOneFenOver,
};
absl::string_view BoundaryName(Boundary boundary);

// How a 特困 applicant cannot work and who the obligors are.
enum class TekunKind {
  kNone,
  kElderAlone,      // 60+, no obligor
  kElderWithChild,  // 80+, child obligor unable (低保 60+, missing, custody)
  kSeverelyDisabled,  // 20–55, severe disability
  kMinor,             // under 16, parents missing/in custody and 特困
  kElderCouple,       // two persons, both 60+
};

// Everything decided about an application before any data is generated: the
// label comes first, the data is built to produce it.
struct CasePlan {
  int index = 0;  // 0-based; APP-000001 is index 0
  hedui::v1::Program program = hedui::v1::DIBAO;
  int size = 1;  // declared members
  std::vector<Plant> plants;
  Boundary boundary = Boundary::kNone;
  absl::CivilDay verification_date;
  std::string region;
  bool urban = true;
  bool medical_enrolled = false;
  bool emergency = false;
  TekunKind tekun = TekunKind::kNone;
  // kElderWithChild: the child obligor is a 低保 recipient aged 60+ (else
  // missing or in custody); kMinor: the mother is 特困 (always).
  bool obligor_enrolled = false;

  bool Has(Plant plant) const;
};

// The plans whose household needs income a department covers, for the
// declaration to differ on or leave blank.
bool NeedsCoveredIncome(const CasePlan& plan);

// Plans `applications` applications: the program mix and household sizes of
// domain.md §1, about 60% clean, 20% failing and 20% needing review, a few
// with two plants, and a fixed set of boundary cases (as many as fit).
std::vector<CasePlan> PlanApplications(Rng& rng, int applications);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_CASE_PLAN_H_
