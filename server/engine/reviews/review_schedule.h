#ifndef HEDUI_SERVER_ENGINE_REVIEWS_REVIEW_SCHEDULE_H_
#define HEDUI_SERVER_ENGINE_REVIEWS_REVIEW_SCHEDULE_H_

// When an enrolled household's reviews fall due (domain.md §6, §10 (b),
// §10.1 "Reviews"): its review period, read from its latest report, and the
// grid of due dates from its approval date. Pure: no store, no clock.

#include "absl/time/civil_time.h"
#include "hedui/v1/report.pb.h"

namespace hedui::engine {

inline constexpr int kShortReviewMonths = 6;
inline constexpr int kLongReviewMonths = 12;
inline constexpr int kDeathRecheckMonths = 3;

// 6 when a counted member of the report can work, else 12 (domain.md §10.1
// "Reviews"). A counted member can work when aged 16–59 on the verification
// date, not a declared full-time student, and without a §5 "cannot work"
// disability among the disability records the report shows for them (the
// CANNOT_WORK evidence of a 特困 report, the COMPOSITION evidence of a
// single-person coverage). With the DISABILITY department stale or missing
// in the report, such a member counts as able to work (the 6-month period
// applies); members whom age or study already excuse need no disability
// data, so a household of only those keeps 12 whatever that department's
// state. Under single-person coverage only the covered member counts.
// Reports of programs that judge no CANNOT_WORK show no disability records
// at all: their working-age members count as able to work.
int ReviewPeriodMonths(const hedui::v1::Report& latest_report);

// `day` plus `months` months, the day clamped to the target month's last day
// (2026-08-31 + 6 → 2027-02-28). `months` may be negative.
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months);

// The k-th date of the review grid (k ≥ 0; k = 0 is the approval itself):
// approval + k × period months, clamped to the month's end. Always from the
// approval date, so a clamp never drifts (08-31 → 02-28 → 08-31).
absl::CivilDay GridDate(absl::CivilDay approval, int period_months, int k);

// The first grid date (k ≥ 1) strictly after `after`.
absl::CivilDay NextReviewDate(absl::CivilDay approval, int period_months,
                              absl::CivilDay after);

// The §6 death re-check: 3 months after the re-verification that found the
// death (same clamp).
absl::CivilDay DeathRecheckDate(absl::CivilDay found_on);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REVIEWS_REVIEW_SCHEDULE_H_
