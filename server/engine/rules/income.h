#ifndef HEDUI_SERVER_ENGINE_RULES_INCOME_H_
#define HEDUI_SERVER_ENGINE_RULES_INCOME_H_

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

// Income over the look-back window (domain.md §4).
struct IncomeResult {
  // Window totals in fen after the employment-cost deduction and the
  // exclusions: what the departments show (plus declared categories no
  // department covers), and what the household declared.
  ExactAmount found_total = ExactAmount::Fen(0);
  ExactAmount declared_total = ExactAmount::Fen(0);
  // Income departments missing or stale: the found total is then unknown.
  std::vector<hedui::v1::Department> unusable;
  // Per person and category, with the records used and excluded.
  std::vector<hedui::v1::MemberIncome> members;
  // Declared and found differ, per person and category.
  std::vector<hedui::v1::Discrepancy> discrepancies;
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
