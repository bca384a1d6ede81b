#include "server/engine/rules/enrollment.h"

#include "absl/strings/str_cat.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/rules/duplicate_enrollment.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

bool Qualifying(hedui::v1::Program program) {
  return program == hedui::v1::DIBAO || program == hedui::v1::TEKUN ||
         program == hedui::v1::LOW_INCOME_MARGIN;
}

constexpr char kPassTail[] = "，凭救助身份直接符合医疗救助，收入和财产不再判断";

}  // namespace

bool EvaluateEnrollment(const EvaluationContext& ctx,
                        hedui::v1::Report* report) {
  Finding* finding = nullptr;
  // Hedui's own rolls first: an active entry is never stale, so it passes
  // the household whatever the feed's age (domain.md §10.1).
  for (const MemberView* member : ctx.counted) {
    const std::string& id = member->declared->person_id();
    for (const auto& r : member->records->roll_enrollments()) {
      if (r.person_id() != id || !Qualifying(r.program())) continue;
      if (finding == nullptr) {
        finding = AddFinding(report, Finding::ENROLLMENT, Finding::PASS);
        finding->set_explanation(absl::StrCat(
            "家庭成员（", MaskResidentId(id), "）在核对系统名册在保",
            ProgramName(r.program()), "（", r.region_code(), " 条目 ",
            r.entry_id(), "）", kPassTail));
      }
      hedui::v1::Evidence* e = finding->add_evidence();
      e->set_person_id(id);
      e->set_record(DescribeRollEntry(r));
    }
  }
  if (!ctx.freshness.Usable(hedui::v1::ASSISTANCE_ENROLLMENT)) {
    if (finding != nullptr) return true;
    finding = AddFinding(report, Finding::ENROLLMENT);
    MarkUnknownIfUnusable(finding, ctx, {hedui::v1::ASSISTANCE_ENROLLMENT},
                          "是否已纳入低保、特困或低保边缘");
    return false;
  }
  for (const MemberView* member : ctx.counted) {
    for (const auto& r : member->records->assistance_enrollment()) {
      if (!Qualifying(r.program()) ||
          r.status() != hedui::store::v1::ENROLLED) {
        continue;
      }
      if (finding == nullptr) {
        finding = AddFinding(report, Finding::ENROLLMENT, Finding::PASS);
        finding->set_explanation(absl::StrCat(
            "家庭成员（", MaskResidentId(member->declared->person_id()),
            "）在保", ProgramName(r.program()), kPassTail));
      }
      AddEvidence(finding, ctx, hedui::v1::ASSISTANCE_ENROLLMENT,
                  member->declared->person_id(), DescribeRecord(r));
    }
  }
  return finding != nullptr;
}

}  // namespace hedui::engine
