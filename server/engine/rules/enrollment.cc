#include "server/engine/rules/enrollment.h"

#include "absl/strings/str_cat.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {

bool EvaluateEnrollment(const EvaluationContext& ctx,
                        hedui::v1::Report* report) {
  if (!ctx.freshness.Usable(hedui::v1::ASSISTANCE_ENROLLMENT)) {
    Finding* finding = AddFinding(report, Finding::ENROLLMENT);
    MarkUnknownIfUnusable(finding, ctx, {hedui::v1::ASSISTANCE_ENROLLMENT},
                          "是否已纳入低保、特困或低保边缘");
    return false;
  }
  Finding* finding = nullptr;
  for (const MemberView* member : ctx.counted) {
    for (const auto& r : member->records->assistance_enrollment()) {
      const bool qualifying = r.program() == hedui::v1::DIBAO ||
                              r.program() == hedui::v1::TEKUN ||
                              r.program() == hedui::v1::LOW_INCOME_MARGIN;
      if (!qualifying || r.status() != hedui::store::v1::ENROLLED) continue;
      if (finding == nullptr) {
        finding = AddFinding(report, Finding::ENROLLMENT, Finding::PASS);
        finding->set_explanation(absl::StrCat(
            "家庭成员（", MaskResidentId(member->declared->person_id()),
            "）在保", ProgramName(r.program()),
            "，凭救助身份直接符合医疗救助，收入和财产不再判断"));
      }
      AddEvidence(finding, ctx, hedui::v1::ASSISTANCE_ENROLLMENT,
                  member->declared->person_id(), DescribeRecord(r));
    }
  }
  return finding != nullptr;
}

}  // namespace hedui::engine
