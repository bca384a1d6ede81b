#include "server/engine/evaluate.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/what_would_change.h"
#include "server/engine/reviews/review_schedule.h"
#include "server/engine/rules/assets.h"
#include "server/engine/rules/composition.h"
#include "server/engine/rules/consent.h"
#include "server/engine/rules/duplicate_enrollment.h"
#include "server/engine/rules/enrollment.h"
#include "server/engine/rules/income.h"
#include "server/engine/rules/tekun.h"
#include "server/engine/rules/verdict.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

using hedui::v1::Report;

void AddPolicyUsed(const EvaluationContext& ctx, Report* report) {
  hedui::v1::PolicyUsed* used = report->mutable_policy();
  used->set_version(ctx.policy.policy_version);
  used->set_region_code(ctx.policy.region_code);
  if (ctx.standards_known) {
    used->set_residence_class(static_cast<hedui::v1::ResidenceClass>(
        static_cast<int>(ctx.policy.residence_class)));
  }
  *used->mutable_effective_from() = ToProto(ctx.policy.effective_from);
  // Made once per policy period when the policy is indexed.
  const auto parameters =
      ctx.policy.parameters != nullptr
          ? ctx.policy.parameters
          : std::make_shared<
                const std::vector<std::pair<std::string, std::string>>>(
                PolicyParameters(ctx.policy));
  for (const auto& [name, value] : *parameters) {
    hedui::v1::PolicyParameter* p = used->add_parameters();
    p->set_name(name);
    p->set_value(value);
  }
}

void AddDepartments(const EvaluationContext& ctx, Report* report) {
  for (int d = 1; d < hedui::v1::Department_ARRAYSIZE; ++d) {
    *report->add_departments() =
        ctx.freshness.Data(static_cast<hedui::v1::Department>(d));
  }
}

}  // namespace

std::vector<std::string> PersonsToRead(
    const hedui::v1::VerificationRequest& request) {
  std::vector<std::string> ids;
  absl::flat_hash_set<absl::string_view> seen;  // keys point into `request`
  auto add = [&ids, &seen](const std::string& id) {
    if (id.empty() || !seen.insert(id).second) return;
    ids.push_back(id);
  };
  for (const auto& m : request.members()) add(m.person_id());
  for (const auto& o : request.obligors()) {
    add(o.person_id());
    add(o.spouse().person_id());
  }
  return ids;
}

absl::Status Evaluate(const hedui::v1::VerificationRequest& request,
                      const hedui::store::v1::RecordSet& records,
                      const Policy& policy, Report* report, Occasion occasion) {
  report->Clear();
  absl::StatusOr<EvaluationContext> built =
      BuildContext(request, records, policy);
  if (!built.ok()) return built.status();
  EvaluationContext& ctx = *built;
  ctx.occasion = occasion;

  *report->mutable_request() = request;
  report->set_program(request.program());
  *report->mutable_verification_date() = request.verification_date();
  report->set_engine_version(kEngineVersion);
  report->set_verified_after_the_fact(
      request.program() == hedui::v1::TEMPORARY && request.emergency());
  AddPolicyUsed(ctx, report);
  AddDepartments(ctx, report);

  EvaluateConsent(ctx, report);
  const bool anyone_alive = EvaluateComposition(&ctx, report);
  // From the members as counted, in every program: the review period does
  // not wait for a CANNOT_WORK finding (domain.md §10.1 "Reviews").
  report->set_review_period_months(JudgeReviewPeriodMonths(ctx));
  if (!anyone_alive) {
    // No living declared member: the other criteria are absent and the
    // household does not meet them (domain.md §10.1). The consent, judged
    // before any record was read, stays.
    DecideVerdict(report);
    AddWhatWouldChange(report);
    return absl::OkStatus();
  }
  switch (request.program()) {
    case hedui::v1::MEDICAL: {
      // Enrolled households pass by enrollment: income and assets are
      // not judged (domain.md §5), assets still shown.
      const bool enrolled = EvaluateEnrollment(ctx, report);
      if (!enrolled) EvaluateIncome(ctx, report);
      ctx.judge_assets = !enrolled;
      EvaluateAssets(ctx, report);
      break;
    }
    case hedui::v1::TEKUN:
      EvaluateIncome(ctx, report);
      EvaluateAssets(ctx, report);
      EvaluateCannotWork(ctx, report);
      EvaluateObligors(ctx, report);
      break;
    default:
      EvaluateIncome(ctx, report);
      EvaluateAssets(ctx, report);
  }
  EvaluateDuplicateEnrollment(ctx, report);
  DecideVerdict(report);
  AddWhatWouldChange(report);
  return absl::OkStatus();
}

}  // namespace hedui::engine
