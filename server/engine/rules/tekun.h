#ifndef HEDUI_SERVER_ENGINE_RULES_TEKUN_H_
#define HEDUI_SERVER_ENGINE_RULES_TEKUN_H_

#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// domain.md §5 "cannot work" by age, on the verification date: under 16 or
// 60 and over. Also what the review period reads (domain.md §10.1).
inline constexpr int kWorkingAgeFrom = 16;
inline constexpr int kWorkingAgeUntil = 60;  // 60 and over cannot work

// domain.md §5 "cannot work" by disability: intellectual or mental grade
// 1–3, physical 1–2, visual 1. MULTIPLE is not listed there: a multiple
// disability of grade 1–2 is at least as severe as a physical one of that
// grade, so it is treated like one; grade 3–4 multiple is not enough, as
// for physical. The one classification the 特困 rule and the review period
// share.
bool DisablesWork(const hedui::store::v1::DisabilityRecord& r);

// 特困 (domain.md §5): CANNOT_WORK for the counted members, on the
// verification date (age from the resident ID, disability records).
void EvaluateCannotWork(const EvaluationContext& ctx,
                        hedui::v1::Report* report);

// 特困: OBLIGORS, whether each declared obligor is unable to support.
void EvaluateObligors(const EvaluationContext& ctx, hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_TEKUN_H_
