#ifndef HEDUI_SERVER_ENGINE_REPORT_FINDING_BUILDER_H_
#define HEDUI_SERVER_ENGINE_REPORT_FINDING_BUILDER_H_

// Shared by every rule, so that all findings show thresholds, values,
// distances, evidence and unknowns the same way.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

using hedui::v1::Finding;
using hedui::v1::Quantity;

// `amount` (fen, or 0.01 m² for areas) as a Quantity: exact fraction plus its
// text, rounded down ("884.9999 元/人·月", "14.99 m²/人").
Quantity MakeQuantity(const ExactAmount& amount, Quantity::Unit unit);
Quantity CountQuantity(int64_t count);
Quantity YearsQuantity(int years);
// Text of an amount of fen: "884.9999 元" (no unit suffix beyond 元).
std::string Yuan(const ExactAmount& amount);
std::string Yuan(int64_t fen);

// Appends a finding for `criterion` with `result` (findings are put in
// criterion order when the report is finished).
Finding* AddFinding(hedui::v1::Report* report, Finding::Criterion criterion,
                    Finding::Result result = Finding::PASS);

// Sets the comparison, threshold, value and their distance
// (threshold − value).
void SetComparison(Finding* finding, Finding::Comparison comparison,
                   const ExactAmount& threshold, const ExactAmount& value,
                   Quantity::Unit unit);

// Appends the evidence of a record of `department` (its as-of date from the
// context).
void AddEvidence(Finding* finding, const EvaluationContext& ctx,
                 hedui::v1::Department department, absl::string_view person_id,
                 std::string record);
hedui::v1::Evidence MakeEvidence(const EvaluationContext& ctx,
                                 hedui::v1::Department department,
                                 absl::string_view person_id,
                                 std::string record);

// If any of `departments` is missing or stale, makes `finding` UNKNOWN with
// an explanation naming them and what could not be judged (`what`, e.g.
// "车辆条件"), and returns true. Missing is never zero (domain.md §1).
bool MarkUnknownIfUnusable(
    Finding* finding, const EvaluationContext& ctx,
    std::initializer_list<hedui::v1::Department> departments,
    absl::string_view what);

// The Chinese name of a department ("车管") and its state ("截至 2026-08-10，
// 已 93 天，超过上限 92 天").
std::string DepartmentName(hedui::v1::Department department);
std::string DescribeDepartmentState(const EvaluationContext& ctx,
                                    hedui::v1::Department department);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REPORT_FINDING_BUILDER_H_
