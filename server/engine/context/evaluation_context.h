#ifndef HEDUI_SERVER_ENGINE_CONTEXT_EVALUATION_CONTEXT_H_
#define HEDUI_SERVER_ENGINE_CONTEXT_EVALUATION_CONTEXT_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/arithmetic/look_back_window.h"
#include "server/engine/context/data_freshness.h"
#include "server/engine/context/occasion.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_values.h"

namespace hedui::engine {

// A declared member with their records.
struct MemberView {
  const hedui::v1::DeclaredMember* declared = nullptr;
  const hedui::store::v1::PersonRecords* records = nullptr;  // never null
  int age = 0;           // on the verification date, from the resident ID
  bool counted = false;  // decided by the composition rule
};

// A fresh income department whose data end before the look-back window
// would (domain.md §10.1): a month after its as-of date is not known yet.
struct WindowLimit {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  absl::CivilDay as_of;
  absl::CivilMonth last_covered;  // LastFullMonthCovered(as_of)
};

// The departments whose records make up income (domain.md §4): they decide
// where the look-back window ends. The housing fund only corroborates, so
// its data neither make income unknown nor move the window.
inline constexpr std::initializer_list<hedui::v1::Department>
    kIncomeDepartments = {hedui::v1::TAX, hedui::v1::SOCIAL_INSURANCE,
                          hedui::v1::BENEFITS};

// The window for a verification on `day` with `months` of look-back: the N
// full months before the verification month, ending no later than the last
// full month covered by every FRESH income department of `freshness` (a
// missing or stale one makes income unknown on its own account and moves
// nothing). `limits`, if not null, receives the departments that moved it.
LookBackWindow IncomeWindowFrom(absl::CivilDay day, int months,
                                const DataFreshness& freshness,
                                std::vector<WindowLimit>* limits);

// Everything a rule reads: the request, the records, the policy values in
// force and each department's freshness. Built once per evaluation; rules
// never see the store or the clock.
struct EvaluationContext {
  const hedui::v1::VerificationRequest* request = nullptr;
  const hedui::store::v1::RecordSet* records = nullptr;
  absl::CivilDay day;
  // An application or a roll entry's re-verification (occasion.h).
  Occasion occasion = Occasion::kApplication;
  // The values in force for the applicant's registered region and class; when
  // the applicant has no usable registration, the request's region with its
  // first class, for the rules that do not depend on the class, and
  // `standards_known` is false.
  PolicyValues policy;
  bool standards_known = false;
  // With the standards unknown (no usable registration), the values in force
  // for each residence class of the request's region: a criterion whose line
  // needs the standard passes when it passes under every one of them, fails
  // when it fails under every one, and is UNKNOWN otherwise (domain.md §2).
  // Empty when the standards are known.
  std::vector<PolicyValues> candidate_policies;
  std::string standards_problem;  // why not, in Chinese, for UNKNOWN findings
  const hedui::store::v1::HouseholdRegistrationRecord* applicant_registration =
      nullptr;
  // The look-back window used: the N full months before the verification
  // month, moved back to end no later than the last full month every fresh
  // income department covers (domain.md §4, §10.1; IncomeWindowFrom).
  LookBackWindow window;
  // The fresh income departments whose data end before the N months before
  // the verification month do, each with the last month it covers: why
  // `window` was moved back (empty when it was not).
  std::vector<WindowLimit> window_limits;
  DataFreshness freshness;
  // The program judges assets (JudgesAssets), unless it passes otherwise: an
  // enrolled MEDICAL household's assets are shown, not judged.
  bool judge_assets = false;
  std::vector<MemberView> members;  // in declared order; [0] is the applicant
  // The members whose income and assets count (set by the composition rule):
  // the declared household less deceased, missing and in-custody persons, or
  // the one member of a single-person coverage.
  std::vector<const MemberView*> counted;

  // The records of a declared person (member, obligor or obligor's spouse);
  // an empty message for anyone else. Constant time: a lookup per declared
  // person must not scan every person read (cost linear in members).
  const hedui::store::v1::PersonRecords& Person(absl::string_view id) const;
  // Person's index into `records`, made by BuildContext; the keys point
  // into `records`, which outlives the context.
  absl::flat_hash_map<absl::string_view, const hedui::store::v1::PersonRecords*>
      persons_by_id;
  int CountedSize() const { return static_cast<int>(counted.size()); }
};

// FAILED_PRECONDITION when the policy has no values for the request's region
// on its day; the request must have been validated (ValidateRequest).
absl::StatusOr<EvaluationContext> BuildContext(
    const hedui::v1::VerificationRequest& request,
    const hedui::store::v1::RecordSet& records, const Policy& policy);

// The rules in force for a region on a day, whichever residence class: the
// consent validity and the data ages do not depend on the class. For checks
// made before any record is read (the consent).
absl::StatusOr<PolicyValues> RulesInForce(const Policy& policy,
                                          absl::string_view region_code,
                                          absl::CivilDay day);

// The person's current registration record, if any (a person has at most one).
const hedui::store::v1::HouseholdRegistrationRecord* RegistrationOf(
    const hedui::store::v1::PersonRecords& person);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_CONTEXT_EVALUATION_CONTEXT_H_
