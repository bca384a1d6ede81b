#ifndef HEDUI_TESTS_DATAGEN_COUNTY_CALENDAR_H_
#define HEDUI_TESTS_DATAGEN_COUNTY_CALENDAR_H_

// The dates of the generated county: when each department's snapshot was
// taken, which months carry income records and when applications are
// verified. They are chosen together so that staleness is decided exactly:
// every application not planted STALE_DEPARTMENT sees every department fresh,
// and a STALE_DEPARTMENT one sees kStaleDepartment stale, and from
// FirstEnrollmentStaleDay() on ASSISTANCE_ENROLLMENT too.

#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::datagen {

struct DepartmentSnapshot {
  hedui::v1::Department department;
  int year;
  int month;
  int day;

  absl::CivilDay as_of() const { return absl::CivilDay(year, month, day); }
};

// In the order to ingest (the enum's order). Every as-of is on or before the
// first verification date, so no application reads data "from the future".
// VEHICLES is three months old: with its 92-day maximum it is fresh up to and
// including 2026-11-10 (age 92) and stale from 2026-11-11 (age 93).
// ASSISTANCE_ENROLLMENT (31 days) is fresh up to and including 2026-11-20 and
// stale from 2026-11-21, inside the stale verification dates: there
// DUPLICATE_ENROLLMENT is UNKNOWN unless a duplicate shows (REVIEW).
inline constexpr DepartmentSnapshot kSnapshots[] = {
    {hedui::v1::HOUSEHOLD_REGISTRATION, 2026, 11, 1},
    {hedui::v1::MARRIAGE, 2026, 10, 30},
    {hedui::v1::DEATH, 2026, 10, 31},
    {hedui::v1::SOCIAL_INSURANCE, 2026, 11, 1},
    {hedui::v1::BENEFITS, 2026, 11, 1},
    {hedui::v1::TAX, 2026, 11, 1},
    {hedui::v1::HOUSING_FUND, 2026, 10, 31},
    {hedui::v1::REAL_ESTATE, 2026, 10, 15},
    {hedui::v1::VEHICLES, 2026, 8, 10},
    {hedui::v1::BUSINESS, 2026, 10, 20},
    {hedui::v1::FINANCIAL_ASSETS, 2026, 10, 31},
    {hedui::v1::DISABILITY, 2026, 10, 1},
    {hedui::v1::ASSISTANCE_ENROLLMENT, 2026, 10, 20},
};

inline absl::CivilDay AsOf(hedui::v1::Department department) {
  for (const DepartmentSnapshot& s : kSnapshots) {
    if (s.department == department) return s.as_of();
  }
  return absl::CivilDay(1970, 1, 1);
}

// The one department a STALE_DEPARTMENT application sees stale. VEHICLES is
// needed by every asset-tested program and by no criterion but VEHICLES.
inline constexpr hedui::v1::Department kStaleDepartment = hedui::v1::VEHICLES;

// Verification dates: all in November 2026, so every application's look-back
// window is 2025-11 … 2026-10.
inline absl::CivilDay FirstFreshVerificationDay() {
  return absl::CivilDay(2026, 11, 1);
}
inline absl::CivilDay LastFreshVerificationDay() {
  return absl::CivilDay(2026, 11, 10);
}
inline absl::CivilDay FirstStaleVerificationDay() {
  return absl::CivilDay(2026, 11, 11);
}
inline absl::CivilDay LastStaleVerificationDay() {
  return absl::CivilDay(2026, 11, 27);
}
// The first verification date on which the enrollment feed is stale (age 32
// > 31); a STALE_DEPARTMENT application verified from then on sees it stale.
inline absl::CivilDay FirstEnrollmentStaleDay() {
  return absl::CivilDay(2026, 11, 21);
}

// Months with income records: the window plus the month before it, so that a
// record just outside the window exists for every earner.
inline absl::CivilMonth FirstRecordMonth() {
  return absl::CivilMonth(2025, 10);
}
inline absl::CivilMonth LastRecordMonth() { return absl::CivilMonth(2026, 10); }
inline absl::CivilMonth FirstWindowMonth() {
  return absl::CivilMonth(2025, 11);
}
inline absl::CivilMonth LastWindowMonth() { return absl::CivilMonth(2026, 10); }

// Month-end balances reported by the financial institutions.
inline absl::CivilDay BalanceDate() { return absl::CivilDay(2026, 10, 31); }

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_COUNTY_CALENDAR_H_
