#include "server/engine/rules/tekun.h"

namespace hedui::engine {
// Placeholder replaced in this same change (tekun helper).
void EvaluateCannotWork(const EvaluationContext&, hedui::v1::Report*) {}
void EvaluateObligors(const EvaluationContext&, hedui::v1::Report*) {}
}  // namespace hedui::engine
