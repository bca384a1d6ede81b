#include "server/engine/rules/verdict.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;

std::string ResultName(Finding::Result result) {
  switch (result) {
    case Finding::FAIL:
      return "不通过";
    case Finding::UNKNOWN:
      return "无法判断";
    case Finding::REVIEW:
      return "需人工复核";
    default:
      return "通过";
  }
}

}  // namespace

void DecideVerdict(hedui::v1::Report* report) {
  auto* findings = report->mutable_findings();
  std::stable_sort(findings->begin(), findings->end(),
                   [](const Finding& a, const Finding& b) {
                     return a.criterion() < b.criterion();
                   });
  bool failed = false;
  bool doubtful = false;
  // A MEDICAL household whose enrollment is unknown may pass by enrollment
  // whatever its income and assets: a failure there is not definitive (a
  // failed consent or composition still is).
  bool enrollment_unknown = false;
  for (const Finding& f : *findings) {
    enrollment_unknown |=
        f.criterion() == Finding::ENROLLMENT && f.result() == Finding::UNKNOWN;
  }
  std::vector<std::string> reasons;
  for (const Finding& f : *findings) {
    if (f.result() == Finding::PASS) continue;
    const bool waived_by_enrollment = enrollment_unknown &&
                                      f.criterion() != Finding::CONSENT &&
                                      f.criterion() != Finding::COMPOSITION;
    if (f.result() == Finding::FAIL && !waived_by_enrollment) {
      failed = true;
    } else {
      doubtful = true;
    }
    reasons.push_back(absl::StrCat(Finding::Criterion_Name(f.criterion()), " ",
                                   ResultName(f.result()), "：",
                                   f.explanation()));
  }
  hedui::v1::Verdict verdict = hedui::v1::MEETS_CRITERIA;
  if (failed) {
    verdict = hedui::v1::DOES_NOT_MEET;
  } else if (doubtful) {
    verdict = hedui::v1::NEEDS_REVIEW;
  }
  report->set_verdict(verdict);
  const char* head = verdict == hedui::v1::MEETS_CRITERIA
                         ? "核对建议：符合。各项条件均已通过。"
                     : verdict == hedui::v1::DOES_NOT_MEET
                         ? "核对建议：不符合。"
                         : "核对建议：需复核。";
  report->set_summary(absl::StrCat(head, absl::StrJoin(reasons, "；")));
}

}  // namespace hedui::engine
