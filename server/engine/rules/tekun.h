#ifndef HEDUI_SERVER_ENGINE_RULES_TEKUN_H_
#define HEDUI_SERVER_ENGINE_RULES_TEKUN_H_

#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// 特困 (domain.md §5): CANNOT_WORK for the counted members, on the
// verification date (age from the resident ID, disability records).
void EvaluateCannotWork(const EvaluationContext& ctx,
                        hedui::v1::Report* report);

// 特困: OBLIGORS, whether each declared obligor is unable to support.
void EvaluateObligors(const EvaluationContext& ctx, hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_TEKUN_H_
