#ifndef HEDUI_SERVER_ENGINE_RULES_ENROLLMENT_H_
#define HEDUI_SERVER_ENGINE_RULES_ENROLLMENT_H_

#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// MEDICAL (domain.md §5, §10.1): a counted member with an active 低保,
// 特困 or margin enrollment (ENROLLED in the feed, or an active Hedui roll
// entry) passes by enrollment; returns true then (income
// and assets are not judged) after appending ENROLLMENT PASS. Returns false
// and appends nothing when no member is enrolled; appends ENROLLMENT UNKNOWN
// (and returns false) when the enrollment data is missing or stale and no
// roll entry shows an enrolment.
bool EvaluateEnrollment(const EvaluationContext& ctx,
                        hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_ENROLLMENT_H_
