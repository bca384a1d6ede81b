#ifndef HEDUI_SERVER_ENGINE_REVIEWS_REVIEW_SCHEDULE_H_
#define HEDUI_SERVER_ENGINE_REVIEWS_REVIEW_SCHEDULE_H_

// When an enrolled household's reviews fall due (domain.md §6, §10 (b),
// §10.1 "Reviews"): its review period, judged when it is evaluated and read
// back from its latest report, and the grid of due dates from its approval
// date. Pure: no store, no clock.

#include "absl/time/civil_time.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

inline constexpr int kShortReviewMonths = 6;
inline constexpr int kLongReviewMonths = 12;
inline constexpr int kDeathRecheckMonths = 3;

// The period the evaluated household calls for (domain.md §6, §10.1
// "Reviews"), judged from the records in every program, whether or not its
// criteria include CANNOT_WORK: 6 when a counted member can work, else 12.
// A counted member can work when aged 16–59 on the verification date, not a
// declared full-time student, and without a §5 "cannot work" disability
// (DisablesWork) among their disability records. With the DISABILITY
// department stale or missing such a member counts as able to work (the
// 6-month period applies); members whom age or study already excuse need no
// disability data, so a household of only those keeps 12 whatever that
// department's state. Under single-person coverage only the covered member
// is counted (ctx.counted). Call after the composition rule set ctx.counted;
// Evaluate stores it as Report.review_period_months.
int JudgeReviewPeriodMonths(const EvaluationContext& ctx);

// The review period a report calls for: its review_period_months when set.
// Reports stored before that field existed (0) have theirs derived from
// what they show, by the same rules as JudgeReviewPeriodMonths: the
// disability records they show as evidence (the CANNOT_WORK evidence of a
// 特困 report, the COMPOSITION evidence of a single-person coverage), the
// DISABILITY department's state, the members as counted and the declared
// students. Such reports of programs that judge no CANNOT_WORK show no
// disability records at all: their working-age members count as able to
// work.
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
