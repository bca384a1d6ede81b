#ifndef HEDUI_SERVER_ENGINE_RULES_ASSETS_H_
#define HEDUI_SERVER_ENGINE_RULES_ASSETS_H_

#include "hedui/v1/report.pb.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// Assets of the counted members (domain.md §5): fills report->assets for
// every program; for a program that judges assets (JudgesAssets) appends the
// FINANCIAL_ASSETS, RESIDENTIAL_PROPERTY, NON_RESIDENTIAL_PROPERTY, VEHICLES
// and BUSINESS findings, and for HOUSING also HOUSING_NEED; appends the
// discrepancies between declared and found assets (a household declaring
// more than the records in a way that would fail a criterion: REVIEW).
void EvaluateAssets(const EvaluationContext& ctx, hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_ASSETS_H_
