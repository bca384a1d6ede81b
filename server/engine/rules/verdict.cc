#include "server/engine/rules/verdict.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "server/engine/report/zh_names.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;

// "家庭收入（不通过）": the criterion's name inside a sentence and its result.
std::string NameAndResult(const Finding& f) {
  return absl::StrCat(ZhShortName(f.criterion()), "（", ZhName(f.result()),
                      "）");
}

// "家庭收入（不通过）：家庭月收入 …". The summary punctuates the reasons
// itself: an explanation's own closing full stop would double it.
std::string Reason(const Finding& f) {
  absl::string_view explanation = f.explanation();
  while (absl::ConsumeSuffix(&explanation, "。")) {
  }
  return absl::StrCat(NameAndResult(f), "：", explanation);
}

// "家庭收入、机动车辆": the deciding criteria by name; each reason that
// follows gives its result.
std::string JoinNames(const std::vector<const Finding*>& findings) {
  std::vector<std::string> names;
  names.reserve(findings.size());
  for (const Finding* f : findings) {
    names.push_back(ZhShortName(f->criterion()));
  }
  return absl::StrJoin(names, "、");
}

std::string JoinReasons(const std::vector<const Finding*>& findings) {
  std::vector<std::string> reasons;
  reasons.reserve(findings.size());
  for (const Finding* f : findings) reasons.push_back(Reason(*f));
  return absl::StrJoin(reasons, "；");
}

}  // namespace

void DecideVerdict(hedui::v1::Report* report) {
  auto* findings = report->mutable_findings();
  std::stable_sort(findings->begin(), findings->end(),
                   [](const Finding& a, const Finding& b) {
                     return a.criterion() < b.criterion();
                   });
  // A MEDICAL household whose enrollment is unknown may pass by enrollment
  // whatever its income and assets: a failure there is not definitive (a
  // failed consent or composition still is).
  bool enrollment_unknown = false;
  for (const Finding& f : *findings) {
    enrollment_unknown |=
        f.criterion() == Finding::ENROLLMENT && f.result() == Finding::UNKNOWN;
  }
  std::vector<const Finding*> failed;    // definitive failures
  std::vector<const Finding*> doubtful;  // unknown, for review, or waived
  std::vector<const Finding*> open;      // unknown or for review
  std::vector<const Finding*> waived;    // failed, unless enrolled
  for (const Finding& f : *findings) {
    if (f.result() == Finding::PASS) continue;
    const bool waived_by_enrollment = enrollment_unknown &&
                                      f.criterion() != Finding::CONSENT &&
                                      f.criterion() != Finding::COMPOSITION;
    if (f.result() == Finding::FAIL && !waived_by_enrollment) {
      failed.push_back(&f);
      continue;
    }
    doubtful.push_back(&f);
    (f.result() == Finding::FAIL ? waived : open).push_back(&f);
  }

  // The criteria that decide: the failures for DOES_NOT_MEET; for
  // NEEDS_REVIEW every criterion still open, a failure that the unknown
  // enrollment may waive included (it decides if the household is not
  // enrolled).
  const std::vector<const Finding*>& deciding =
      !failed.empty() ? failed : doubtful;
  report->clear_deciding_criteria();
  for (const Finding* f : deciding)
    report->add_deciding_criteria(f->criterion());

  std::string summary;
  if (!failed.empty()) {
    report->set_verdict(hedui::v1::DOES_NOT_MEET);
    summary = absl::StrCat("核对建议：", ZhName(hedui::v1::DOES_NOT_MEET),
                           "。决定结果的条件：", JoinNames(failed), "。",
                           JoinReasons(failed), "。");
    if (!open.empty()) {
      absl::StrAppend(&summary, "另有条件未能判定：", JoinReasons(open), "。");
    }
    // A failure the unknown enrollment may waive was judged: it failed, it
    // is not undetermined; it only does not decide, the verdict being
    // decided already.
    if (!waived.empty()) {
      absl::StrAppend(&summary, "另有条件不通过，但",
                      ZhShortName(Finding::ENROLLMENT),
                      "情况未明（如已在保，则按在保通过，收入和财产不再判断），"
                      "不作为决定条件：",
                      JoinReasons(waived), "。");
    }
  } else if (!doubtful.empty()) {
    report->set_verdict(hedui::v1::NEEDS_REVIEW);
    summary = absl::StrCat("核对建议：", ZhName(hedui::v1::NEEDS_REVIEW),
                           "。决定结果的条件：", JoinNames(doubtful), "。",
                           JoinReasons(doubtful), "。");
    if (!waived.empty()) {
      absl::StrAppend(&summary, ZhShortName(Finding::ENROLLMENT),
                      "情况未明：如已在保，则按在保通过，收入和财产不再判断；"
                      "如未在保，则因上列不通过的条件不符合。");
    }
  } else {
    report->set_verdict(hedui::v1::MEETS_CRITERIA);
    summary = absl::StrCat("核对建议：", ZhName(hedui::v1::MEETS_CRITERIA),
                           "。各项条件均已通过。");
  }
  report->set_summary(std::move(summary));
}

}  // namespace hedui::engine
