#ifndef HEDUI_TESTS_DATAGEN_APPLICANT_HOUSEHOLD_H_
#define HEDUI_TESTS_DATAGEN_APPLICANT_HOUSEHOLD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "tests/datagen/case_plan.h"
#include "tests/datagen/county.h"
#include "tests/datagen/income.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// A person the application declares as a member.
struct ApplicantMember {
  Person person;
  hedui::store::v1::RelationToHead relation = hedui::store::v1::HEAD;
  int age = 0;            // on the verification date
  bool deceased = false;  // DECEASED_MEMBER: a death record exists
  bool student = false;   // an adult child in full-time education
  bool physical_disability = false;
  // Income the departments see, by construction:
  std::vector<Job> jobs;         // declared (wage and property income)
  std::vector<Job> hidden_jobs;  // UNDECLARED_WAGES: not declared
  std::vector<BenefitStream> benefits;
  int64_t informal_wage_fen = 0;  // declared only: no department covers it
  // The declaration (monthly fen by domain.md §4 category).
  int64_t declared_wages_fen = 0;
  int64_t declared_property_fen = 0;
  int64_t declared_transfer_fen = 0;
  // Categories left blank (declared nothing, not 0; their figure above is
  // 0 and counts for nothing).
  std::vector<std::string> blank;
  std::string blank_shown;  // DECLARED_NOTHING: the one the records show

  bool adult() const { return age >= 18; }
};

// A 特困 applicant's obligor, declared with the request.
struct Obligor {
  Person person;
  hedui::store::v1::RelationToHead relation = hedui::store::v1::CHILD;
  hedui::store::v1::RegistrationStatus status = hedui::store::v1::NORMAL;
};

// An assistance-enrollment row written for a declared person (member or
// obligor): what DUPLICATE_ENROLLMENT is re-derived from.
struct EnrollmentFact {
  std::string person_id;
  // A declared member who is counted (domain.md §10.1: only they are checked
  // for duplicates; never obligors, never the deceased).
  bool counted = false;
  hedui::v1::Program program = hedui::v1::DIBAO;
  std::string household;  // the 户号 it is enrolled under
  hedui::store::v1::EnrollmentStatus status = hedui::store::v1::ENROLLED;
};

// One applicant household while it is being built.
struct ApplicantHousehold {
  const CasePlan* plan = nullptr;
  int64_t standard_fen = 0;  // 低保 standard in force on the verification date
  std::string household_number;
  std::vector<ApplicantMember> members;  // members[0] is the applicant (HEAD)
  std::optional<Person> undeclared_spouse;
  std::vector<Obligor> obligors;
  absl::CivilDay death_day;  // of the DECEASED_MEMBER, if any
  std::vector<EnrollmentFact> enrollments;

  absl::CivilDay day() const { return plan->verification_date; }
  // Members counted for per-capita figures: the deceased are left out whole
  // (domain.md §2).
  int counted() const;
};

// Creates the declared members for the plan (ages, relations, the planted
// undeclared spouse or deceased member, 特困 obligors), registers every
// person it creates and writes their marriage, death, disability and
// enrollment rows. Income and assets come later.
void MakeHouseholdPeople(County& county, Rng& rng,
                         ApplicantHousehold& household);

// Writes `person_id`'s assistance-enrollment row and keeps it in
// `household.enrollments`.
void EnrollDeclared(FeedWriter& feeds, ApplicantHousehold& household,
                    const EnrollmentFact& fact, absl::CivilDay since);

// Birth date for someone aged exactly `age` on `day`, with a birthday at
// least two weeks away from `day` so that no age is a near miss by accident.
absl::CivilDay BirthForAgeOn(Rng& rng, absl::CivilDay day, int age);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_APPLICANT_HOUSEHOLD_H_
