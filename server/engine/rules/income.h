#ifndef HEDUI_SERVER_ENGINE_RULES_INCOME_H_
#define HEDUI_SERVER_ENGINE_RULES_INCOME_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/context/evaluation_context.h"

namespace hedui::engine {

// A person whose income counts: their records and, for a declared member,
// their declaration (null for an obligor or an obligor's spouse).
struct IncomePerson {
  const hedui::store::v1::PersonRecords* records = nullptr;
  const hedui::v1::DeclaredMember* declared = nullptr;
};

// A declared figure that differs from the records of the category it covers
// (domain.md §1, §4: only a declared figure can disagree with the records).
struct DeclaredDifference {
  hedui::v1::Discrepancy discrepancy;
  bool above_records = false;  // declared more than the records show
};

// Income over the look-back window (domain.md §4).
struct IncomeResult {
  // Window totals in fen after the employment-cost deduction and the
  // exclusions: what the departments show, plus declared categories no
  // department covers.
  ExactAmount found_total = ExactAmount::Fen(0);
  // The household's own account, per person and category: where a figure
  // was declared for a category a department covers, the larger (resp. the
  // smaller) of the declared figure and the records', else the records'. A
  // category declared nothing is the records' alone ("declared nothing" is
  // not "declared 0").
  ExactAmount declared_above_total = ExactAmount::Fen(0);
  ExactAmount declared_below_total = ExactAmount::Fen(0);
  // Income departments missing or stale: the found total is then unknown.
  std::vector<hedui::v1::Department> unusable;
  // Per person and category, with the records used and excluded.
  std::vector<hedui::v1::MemberIncome> members;
  // Declared and found differ, per person and category.
  std::vector<DeclaredDifference> differences;
  // The housing-fund base above 1.5 × the wage figure used, per person and
  // month (corroboration only: never changes the outcome).
  std::vector<hedui::v1::Discrepancy> corroboration;
  // Per declared person: categories no department covers for which nothing
  // was declared, counted 0 (person ID, text).
  std::vector<std::pair<std::string, std::string>> undeclared;
};

IncomeResult ComputeIncome(const EvaluationContext& ctx,
                           absl::Span<const IncomePerson> persons);

// The INCOME finding of the program (and ENROLLMENT for MEDICAL is separate),
// the report's income section and its income discrepancies. Also sets
// report->union_tier for UNION_HARDSHIP.
void EvaluateIncome(const EvaluationContext& ctx, hedui::v1::Report* report);

// The counted members' income, as EvaluateIncome computes it (single-person
// coverage asks it for the whole declared household).
IncomeResult CountedIncome(const EvaluationContext& ctx,
                           absl::Span<const MemberView* const> members);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_INCOME_H_
