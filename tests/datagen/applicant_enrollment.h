#ifndef HEDUI_TESTS_DATAGEN_APPLICANT_ENROLLMENT_H_
#define HEDUI_TESTS_DATAGEN_APPLICANT_ENROLLMENT_H_

// The assistance-enrollment records of an applicant household's declared
// members that the plan's enrollment plants call for (一人一保, domain.md
// §10, §10.1 "Duplicate enrolment"), and DUPLICATE_ENROLLMENT re-derived
// from every enrollment record written for a declared person.

#include <string>

#include "tests/datagen/applicant_household.h"
#include "tests/datagen/county.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// Writes the enrollment rows of the plan's DUPLICATE_* and ENROLLMENT_*
// plants (the obligors' are written with the obligors), registers the other
// households they name, and adds the assistance payments of the applicant's
// own roll to its head. Draws nothing for a plan without such a plant. Runs
// after MakeHouseholdPeople and before BuildIncome.
void BuildEnrollments(County& county, Rng& rng, ApplicantHousehold& household);

// True when a counted member's ENROLLED record is in the program applied
// for under another 户号, or in a program that excludes it in any household.
bool HasDuplicateEnrollment(const ApplicantHousehold& household);

// DUPLICATE_ENROLLMENT by domain.md §10.1: REVIEW for a duplicate shown
// (stale data included), else UNKNOWN when the enrollment feed is stale on
// the verification date, else PASS. "" for a program without it.
std::string DuplicateEnrollmentResult(const ApplicantHousehold& household);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_APPLICANT_ENROLLMENT_H_
