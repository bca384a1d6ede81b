#ifndef HEDUI_TESTS_DATAGEN_APPLICANT_INCOME_H_
#define HEDUI_TESTS_DATAGEN_APPLICANT_INCOME_H_

#include <cstdint>

#include "absl/status/status.h"
#include "tests/datagen/applicant_household.h"
#include "tests/datagen/county.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// Income figures are window totals × 100, so that the 10% employment cost and
// the 1.5 multiple stay whole numbers and comparisons are exact (domain.md
// §4): income100 = wages × (100 − 10) + other income × 100, summed over the
// 12 window months and the counted members.

// What the departments show (plus declared informal wages, which no
// department covers).
int64_t FoundIncome100(const ApplicantHousehold& household);
// What the application declares.
int64_t DeclaredIncome100(const ApplicantHousehold& household);
// The program's line for the counted members over the window × 100: the
// income test passes when income100 − rigid spending × 100 < line100
// (rigid spending only for UNION_HARDSHIP, whose line is the relative tier).
int64_t IncomeLine100(const ApplicantHousehold& household);
// The 低保 line (UNION_HARDSHIP's deep tier).
int64_t DibaoLine100(const ApplicantHousehold& household);

// Gives the household the income its plan calls for (clean, undeclared
// wages, a declaration that differs, an exact boundary), sets the members'
// declarations and writes every member's income rows.
absl::Status BuildIncome(County& county, Rng& rng,
                         ApplicantHousehold& household,
                         int64_t rigid_spending_fen);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_APPLICANT_INCOME_H_
