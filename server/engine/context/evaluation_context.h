#ifndef HEDUI_SERVER_ENGINE_CONTEXT_EVALUATION_CONTEXT_H_
#define HEDUI_SERVER_ENGINE_CONTEXT_EVALUATION_CONTEXT_H_

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

// Everything a rule reads: the request, the records, the policy values in
// force and each department's freshness. Built once per evaluation; rules
// never see the store or the clock.
struct EvaluationContext {
  const hedui::v1::VerificationRequest* request = nullptr;
  const hedui::store::v1::RecordSet* records = nullptr;
  absl::CivilDay day;
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
  LookBackWindow window;
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
