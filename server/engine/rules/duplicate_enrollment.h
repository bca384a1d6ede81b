#ifndef HEDUI_SERVER_ENGINE_RULES_DUPLICATE_ENROLLMENT_H_
#define HEDUI_SERVER_ENGINE_RULES_DUPLICATE_ENROLLMENT_H_

#include <string>
#include <vector>

#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// One active enrolment of a counted member, from whichever source shows it:
// the assistance-enrollment feed or Hedui's own rolls (domain.md §10.1:
// either source counts).
struct ActiveEnrollment {
  enum class Source { kFeed, kRoll };
  const MemberView* member = nullptr;
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  std::string household_number;  // the 户号 it is enrolled under
  hedui::v1::Evidence evidence;  // the record, its department and as-of
  Source source = Source::kFeed;
  // A roll entry's own: its applicant (an entry of this applicant in the
  // applied program is the household's own), county and id.
  std::string applicant_id;
  std::string region_code;
  std::string entry_id;
};

// The feed's ENROLLED records of the counted members (SUSPENDED and ENDED do
// not count, domain.md §3), in 低保, 特困 or margin: the only programs that
// can make a duplicate. Stale data is read too: a duplicate it shows is still
// one (§10.1).
std::vector<ActiveEnrollment> FeedEnrollments(const EvaluationContext& ctx);

// The active roll entries of the counted members (PersonRecords.
// roll_enrollments, filled by the server from its rolls), in 低保, 特困 or
// margin. A roll is Hedui's own: never stale.
std::vector<ActiveEnrollment> RollEnrollments(const EvaluationContext& ctx);

// A roll entry as evidence: program, county, entry id, 户号 and approval
// date; never the entry's applicant or any other resident ID.
std::string DescribeRollEntry(const hedui::store::v1::RollEnrollmentRecord& r);

// How an active enrolment stands to a verification for `applied` by the
// household of `applicant_household` (its 户号; empty when the applicant has
// none).
enum class EnrollmentStanding {
  kNotRelevant,  // a program that neither is nor excludes `applied`
  kOwn,          // `applied` under the applicant's 户号: this household's own
  kOtherHousehold,     // `applied` under another 户号
  kNoHouseholdNumber,  // `applied`, and the applicant has no 户号 to compare
  kExcludingProgram,  // 低保, 特困 and margin exclude each other, any 户号
};
EnrollmentStanding StandingOf(hedui::v1::Program applied,
                              const std::string& applicant_household,
                              hedui::v1::Program enrolled,
                              const std::string& enrolled_household);

// StandingOf for one enrolment of either source: a roll entry of the
// applicant (`applicant_id`) in the applied program is the household's own
// whatever the 户号 says.
EnrollmentStanding StandingOf(hedui::v1::Program applied,
                              const std::string& applicant_id,
                              const std::string& applicant_household,
                              const ActiveEnrollment& enrollment);

// Appends DUPLICATE_ENROLLMENT judged on `enrollments` (domain.md §10.1):
// REVIEW when any is a duplicate, whatever the feed's age; otherwise UNKNOWN
// when the feed is missing or stale, else PASS. When the feed (present) and
// the rolls disagree about a counted member the rolls know, the explanation
// says so. Appends nothing for programs other than 低保, 特困 and margin.
void JudgeDuplicateEnrollment(const EvaluationContext& ctx,
                              const std::vector<ActiveEnrollment>& enrollments,
                              hedui::v1::Report* report);

// DUPLICATE_ENROLLMENT (一人一保, domain.md §10, §10.1) for 低保, 特困 and
// margin verifications, from the assistance-enrollment feed and Hedui's
// rolls; other programs
// get no finding, nor does a household with nobody counted (no living
// declared member). Needs ctx.counted (the composition rule).
void EvaluateDuplicateEnrollment(const EvaluationContext& ctx,
                                 hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_DUPLICATE_ENROLLMENT_H_
