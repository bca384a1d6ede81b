#ifndef HEDUI_SERVER_SERVICE_REVIEWS_DUE_H_
#define HEDUI_SERVER_SERVICE_REVIEWS_DUE_H_

// Reviews of enrolled households (domain.md §10 "Reviews due", §10.1
// "Reviews"): the review state an entry gets at enrolment, when an entry's
// review falls due, and the list of entries due within N days
// (RollService.ListReviewsDue).

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "storage/rolls/roll_store.h"

namespace hedui::server {

// An entry's earliest due date and why.
struct ReviewDueOn {
  absl::CivilDay day;
  hedui::v1::ReviewDue::Reason reason = hedui::v1::ReviewDue::PERIODIC;
};

// The earliest of the entry's periodic review and death re-check; none for an
// ended entry or one without an approval date. An entry enrolled before the
// review state was kept (no next_review_date) is due where enrolment would
// have put it: the first grid date from its approval after its enrolment day,
// every review_period_months, or every 6 months when that is unknown too
// (sooner rather than late, as §10.1 does when data cannot show that nobody
// can work). A death re-check on the same day as the periodic review is named
// as the reason: it is the more particular of the two.
std::optional<ReviewDueOn> EarliestReview(const hedui::v1::RollEntry& entry);

// Entries of the request's program whose review is overdue or falls due up to
// and including today + within_days, one line per entry with its earliest date
// and reason, by due date then entry id, paged (default 50). `regions`: the
// counties the caller may see (empty: all); request.region_code narrows to
// one of them. The page token seals the last line listed under the filters
// (program, counties, within_days) with the roll's page token codec
// (RollStore::page_tokens, storage/page_token.h), so a token brought to other
// filters or made up is refused with INVALID_ARGUMENT naming page_token (as
// ListRoll's); today is not among the filters, so a listing continued the next
// day goes on from where it was. The request must be within its bounds
// (BoundListReviewsDue). Every active entry of the program in those counties is
// read (a roll is listed whole to order it by date).
absl::StatusOr<hedui::v1::ListReviewsDueResponse> ListReviewsDue(
    storage::RollStore* rolls, const hedui::v1::ListReviewsDueRequest& request,
    absl::Span<const std::string> regions, absl::CivilDay today);

// At enrolment, with the report the entry rests on (the entry's approval_date
// already set): the entry's latest report is that report
// (latest_report_id, latest_verdict, latest_verification_date), its review
// period is read from it (engine::ReviewPeriodMonths: the period the engine
// judged from the records, or for a report stored before it kept one, the
// period derived from what the report shows), and its next review is the
// first date of the grid from its approval date strictly after `today`, the
// day of enrolment. A moved-in entry keeps its original approval's grid, and
// enrolment never makes an entry overdue: grid dates before the day of
// enrolment are skipped (the enrolment's fresh report stands for them).
// Nothing else is touched.
void InitReviewState(const hedui::v1::Report& report,
                     hedui::v1::RollEntry* entry, absl::CivilDay today);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_REVIEWS_DUE_H_
