#include "server/engine/report/finding_builder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/report/zh_names.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

using hedui::v1::Department;
using hedui::v1::DepartmentData;

absl::string_view UnitSuffix(Quantity::Unit unit) {
  switch (unit) {
    case Quantity::FEN:
      return " 元";
    case Quantity::FEN_PER_PERSON_MONTH:
      return " 元/人·月";
    case Quantity::FEN_PER_PERSON:
      return " 元/人";
    case Quantity::CENTI_M2_PER_PERSON:
      return " m²/人";
    default:
      return "";
  }
}

}  // namespace

std::string Yuan(const ExactAmount& amount) {
  return absl::StrCat(amount.FormatYuanFloor(), " 元");
}
// Whole fen, the figure of every record: formatted without the exact
// fraction's 128-bit arithmetic (the report's hottest path).
std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  uint64_t magnitude =
      negative ? ~static_cast<uint64_t>(fen) + 1 : static_cast<uint64_t>(fen);
  const unsigned cents = static_cast<unsigned>(magnitude % 100);
  magnitude /= 100;
  char buffer[48];
  char* end = buffer + sizeof(buffer);
  char* p = end;
  // Right to left; " 元" is appended after.
  *--p = static_cast<char>('0' + cents % 10);
  *--p = static_cast<char>('0' + cents / 10);
  *--p = '.';
  int group = 0;
  do {
    if (group == 3) {
      *--p = ',';
      group = 0;
    }
    *--p = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++group;
  } while (magnitude > 0);
  if (negative) *--p = '-';
  std::string out(p, end);
  out += " 元";
  return out;
}

Quantity MakeQuantity(const ExactAmount& amount, Quantity::Unit unit) {
  Quantity q;
  q.set_numerator(amount.numerator());
  q.set_denominator(amount.denominator());
  q.set_unit(unit);
  // Fen and 0.01 m² both show as hundredths of their display unit.
  q.set_shown(absl::StrCat(amount.FormatYuanFloor(), UnitSuffix(unit)));
  return q;
}

Quantity CountQuantity(int64_t count) {
  Quantity q;
  q.set_numerator(count);
  q.set_denominator(1);
  q.set_unit(Quantity::COUNT);
  q.set_shown(absl::StrCat(count));
  return q;
}

Quantity YearsQuantity(int years) {
  Quantity q;
  q.set_numerator(years);
  q.set_denominator(1);
  q.set_unit(Quantity::YEARS);
  q.set_shown(absl::StrCat(years, " 岁"));
  return q;
}

Finding* AddFinding(hedui::v1::Report* report, Finding::Criterion criterion,
                    Finding::Result result) {
  Finding* finding = report->add_findings();
  finding->set_criterion(criterion);
  finding->set_result(result);
  return finding;
}

void SetComparison(Finding* finding, Finding::Comparison comparison,
                   const ExactAmount& threshold, const ExactAmount& value,
                   Quantity::Unit unit) {
  finding->set_comparison(comparison);
  *finding->mutable_threshold() = MakeQuantity(threshold, unit);
  *finding->mutable_value() = MakeQuantity(value, unit);
  *finding->mutable_distance() = MakeQuantity(threshold.Minus(value), unit);
}

hedui::v1::Evidence MakeEvidence(const EvaluationContext& ctx,
                                 Department department,
                                 absl::string_view person_id,
                                 std::string record) {
  hedui::v1::Evidence evidence;
  evidence.set_department(department);
  *evidence.mutable_as_of() = ctx.freshness.Data(department).as_of();
  evidence.set_person_id(std::string(person_id));
  evidence.set_record(std::move(record));
  return evidence;
}

void AddEvidence(Finding* finding, const EvaluationContext& ctx,
                 Department department, absl::string_view person_id,
                 std::string record) {
  *finding->add_evidence() =
      MakeEvidence(ctx, department, person_id, std::move(record));
}

std::string DepartmentName(Department department) {
  // The full name: which office a caseworker asks about missing data.
  const std::string& name = ZhName(department);
  return name.empty() ? "未知部门" : name;
}

std::string DescribeDepartmentState(const EvaluationContext& ctx,
                                    Department department) {
  const DepartmentData& data = ctx.freshness.Data(department);
  switch (data.state()) {
    case DepartmentData::MISSING:
      return absl::StrCat(DepartmentName(department), "数据缺失");
    case DepartmentData::STALE:
      // Only by age: data dated after the verification date is fresh
      // (data_freshness.h, domain.md §6).
      return absl::StrCat(DepartmentName(department), "数据截至 ",
                          FormatCivilDay(ctx.freshness.AsOf(department)),
                          "，已 ", data.age_days(), " 天，超过上限 ",
                          data.max_age_days(), " 天");
    default:
      return absl::StrCat(DepartmentName(department), "数据截至 ",
                          FormatCivilDay(ctx.freshness.AsOf(department)));
  }
}

bool MarkUnknownIfUnusable(Finding* finding, const EvaluationContext& ctx,
                           std::initializer_list<Department> departments,
                           absl::string_view what) {
  const std::vector<Department> unusable = ctx.freshness.Unusable(departments);
  if (unusable.empty()) return false;
  finding->set_result(Finding::UNKNOWN);
  std::vector<std::string> states;
  for (Department d : unusable) {
    finding->add_missing_departments(d);
    states.push_back(DescribeDepartmentState(ctx, d));
  }
  finding->set_explanation(absl::StrCat(
      absl::StrJoin(states, "；"), "，无法判断", what, "（缺失不视为零）"));
  return true;
}

}  // namespace hedui::engine
