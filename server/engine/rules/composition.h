#ifndef HEDUI_SERVER_ENGINE_RULES_COMPOSITION_H_
#define HEDUI_SERVER_ENGINE_RULES_COMPOSITION_H_

#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// The household as counted (domain.md §2): declared members checked against
// registration, death and marriage records; the register of the applicant's
// 户号 for undeclared spouses and minor children; single-person coverage.
// Sets ctx->counted and each member's `counted`, fills report->household and
// appends the COMPOSITION finding. False when no declared member is alive:
// COMPOSITION then fails, and no other criterion is judged (domain.md §10.1
// "Special households").
bool EvaluateComposition(EvaluationContext* ctx, hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_COMPOSITION_H_
