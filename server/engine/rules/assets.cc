#include "server/engine/rules/assets.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/arithmetic/fen_sum.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Department;
using hedui::v1::Discrepancy;
using hedui::v1::Evidence;

// A list of distinct values in first-seen order, linear in the records
// however many a person holds (stored data is never refused for its size).
class DistinctList {
 public:
  void Add(const std::string& value) {
    if (seen_.insert(value).second) values_.push_back(value);
  }
  size_t size() const { return values_.size(); }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
  absl::flat_hash_set<std::string> seen_;
};

// Everything the asset criteria read, gathered once from the counted
// members' records in declared-member order, then each member's stored order.
struct AssetFacts {
  int members = 0;

  FenSum financial_total;  // fen, 128 bits: stored balances of any size
  std::vector<Evidence> financial_evidence;

  // Distinct certificates in first-seen order: a property held in shares by
  // two members is one property (domain.md §3).
  DistinctList residential_ids;
  int residential_records = 0;
  DistinctList non_residential_ids;
  // Floor area counted by share, 0.01 m²; exact since shares need not divide.
  // Summed as area × share (1/10,000) in 128 bits, divided once at the end.
  FenSum residential_area_by_share;
  ExactAmount residential_area = ExactAmount::Fen(0);
  std::vector<Evidence> residential_evidence;
  std::vector<Evidence> non_residential_evidence;

  int vehicles = 0;
  int non_exempt_vehicles = 0;
  std::vector<std::string> non_exempt_names;  // "小汽车 苏E12345"
  DistinctList exempt_type_names;
  std::vector<Evidence> vehicle_evidence;

  Finding::Result business_result = Finding::PASS;
  DistinctList active_enterprise_ids;
  int business_records = 0;
  std::vector<std::string> business_failures;  // why FAIL, one per record
  std::vector<std::string> business_reviews;   // why REVIEW, one per record
  std::vector<Evidence> business_evidence;
};

// FAIL beats REVIEW beats PASS.
Finding::Result Worse(Finding::Result a, Finding::Result b) {
  const auto rank = [](Finding::Result r) {
    switch (r) {
      case Finding::FAIL:
        return 2;
      case Finding::REVIEW:
        return 1;
      default:
        return 0;
    }
  };
  return rank(b) > rank(a) ? b : a;
}

std::string Area(const ExactAmount& centi_m2) {
  return absl::StrCat(centi_m2.FormatYuanFloor(), " m²");
}

void GatherBusiness(const EvaluationContext& ctx,
                    const store::BusinessRecord& r, AssetFacts* facts) {
  ++facts->business_records;
  switch (r.status()) {
    case store::DISSOLVED:
    case store::REVOKED:
      return;
    case store::ACTIVE:
      break;
    default:
      // A status the department did not state is not proof of closure.
      facts->business_reviews.push_back(DescribeRecord(r));
      facts->business_result = Worse(facts->business_result, Finding::REVIEW);
      return;
  }
  facts->active_enterprise_ids.Add(r.enterprise_id());
  const int64_t limit = ctx.policy.individual_business_capital_limit_fen;
  if (r.enterprise_type() != store::INDIVIDUAL_BUSINESS) {
    facts->business_failures.push_back(DescribeRecord(r));
    facts->business_result = Finding::FAIL;
  } else if (r.registered_capital_fen() > limit) {
    facts->business_failures.push_back(
        absl::StrCat(DescribeRecord(r), "，超过豁免上限 ", Yuan(limit)));
    facts->business_result = Finding::FAIL;
  } else {
    // Small individual businesses may be exempted, but only a person can say
    // whether this one is (domain.md §5).
    facts->business_reviews.push_back(
        absl::StrCat(DescribeRecord(r), "，未超过豁免上限 ", Yuan(limit)));
    facts->business_result = Worse(facts->business_result, Finding::REVIEW);
  }
}

AssetFacts Gather(const EvaluationContext& ctx) {
  AssetFacts facts;
  facts.members = ctx.CountedSize();
  // Department by department, so that the report's evidence list reads in
  // the same order as the findings.
  for (const MemberView* m : ctx.counted) {
    for (const store::FinancialAssetRecord& r :
         m->records->financial_assets()) {
      facts.financial_total.Add(r.balance_fen());
      facts.financial_evidence.push_back(MakeEvidence(
          ctx, hedui::v1::FINANCIAL_ASSETS, r.person_id(), DescribeRecord(r)));
    }
  }
  for (const MemberView* m : ctx.counted) {
    for (const store::RealEstateRecord& r : m->records->real_estate()) {
      Evidence evidence = MakeEvidence(ctx, hedui::v1::REAL_ESTATE,
                                       r.person_id(), DescribeRecord(r));
      // Anything not registered as residential is treated as the record text
      // shows it (非住宅), so the report and the rule never disagree.
      if (r.use() == store::RESIDENTIAL) {
        facts.residential_ids.Add(r.property_id());
        ++facts.residential_records;
        facts.residential_area_by_share.AddProduct(r.area_centi_m2(),
                                                   r.share_per_10000());
        facts.residential_evidence.push_back(std::move(evidence));
      } else {
        facts.non_residential_ids.Add(r.property_id());
        facts.non_residential_evidence.push_back(std::move(evidence));
      }
    }
  }
  for (const MemberView* m : ctx.counted) {
    // One 车管 record per registered vehicle and owner: records are vehicles.
    for (const store::VehicleRecord& r : m->records->vehicles()) {
      ++facts.vehicles;
      const std::string type = VehicleName(r.vehicle_type());
      if (ctx.policy.IsExemptVehicle(r.vehicle_type())) {
        facts.exempt_type_names.Add(type);
      } else {
        ++facts.non_exempt_vehicles;
        facts.non_exempt_names.push_back(absl::StrCat(type, " ", r.plate()));
      }
      facts.vehicle_evidence.push_back(MakeEvidence(
          ctx, hedui::v1::VEHICLES, r.person_id(), DescribeRecord(r)));
    }
  }
  for (const MemberView* m : ctx.counted) {
    for (const store::BusinessRecord& r : m->records->business()) {
      GatherBusiness(ctx, r, &facts);
      facts.business_evidence.push_back(MakeEvidence(
          ctx, hedui::v1::BUSINESS, r.person_id(), DescribeRecord(r)));
    }
  }
  facts.residential_area = facts.residential_area_by_share.Amount(10000);
  return facts;
}

// Per-capita figures of a household nobody counts in: no records are read
// for it, so dividing by one keeps every figure zero instead of undefined.
int64_t Divisor(const AssetFacts& facts) {
  return std::max<int64_t>(1, facts.members);
}

bool Present(const EvaluationContext& ctx, Department department) {
  return ctx.freshness.Data(department).state() !=
         hedui::v1::DepartmentData::MISSING;
}

void FillAssets(const EvaluationContext& ctx, const AssetFacts& facts,
                hedui::v1::Assets* assets) {
  // A missing department leaves its quantities unset: missing is not zero.
  if (Present(ctx, hedui::v1::FINANCIAL_ASSETS)) {
    *assets->mutable_financial_assets() =
        MakeQuantity(facts.financial_total.Amount(), Quantity::FEN);
  }
  assets->set_residential_properties(
      static_cast<int32_t>(facts.residential_ids.size()));
  assets->set_non_residential_properties(
      static_cast<int32_t>(facts.non_residential_ids.size()));
  if (Present(ctx, hedui::v1::REAL_ESTATE)) {
    *assets->mutable_residential_area_per_member() =
        MakeQuantity(facts.residential_area.DividedBy(Divisor(facts)),
                     Quantity::CENTI_M2_PER_PERSON);
  }
  assets->set_vehicles(facts.vehicles);
  assets->set_non_exempt_vehicles(facts.non_exempt_vehicles);
  assets->set_active_enterprises(
      static_cast<int32_t>(facts.active_enterprise_ids.size()));
  for (const auto* list :
       {&facts.financial_evidence, &facts.residential_evidence,
        &facts.non_residential_evidence, &facts.vehicle_evidence,
        &facts.business_evidence}) {
    for (const Evidence& e : *list) *assets->add_records() = e;
  }
}

void AddAllEvidence(Finding* finding, const std::vector<Evidence>& evidence) {
  for (const Evidence& e : evidence) *finding->add_evidence() = e;
}

// SetComparison for counts, whose quantities show as plain integers.
void SetCountComparison(Finding* finding, Finding::Comparison comparison,
                        int64_t threshold, int64_t value) {
  finding->set_comparison(comparison);
  *finding->mutable_threshold() = CountQuantity(threshold);
  *finding->mutable_value() = CountQuantity(value);
  *finding->mutable_distance() = CountQuantity(threshold - value);
}

// The household declares more than the records show, and the declaration
// would fail a criterion the records pass: a person must look (domain.md §1).
void MarkDeclaredMore(Finding* finding, std::string explanation) {
  finding->set_result(Finding::REVIEW);
  finding->set_explanation(std::move(explanation));
}

// --- The criteria. Each returns the finding (null when not judged). ---

Finding* FinancialAssets(const EvaluationContext& ctx, const AssetFacts& facts,
                         hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::FINANCIAL_ASSETS);
  AddAllEvidence(f, facts.financial_evidence);
  const bool data_unusable = MarkUnknownIfUnusable(
      f, ctx, {hedui::v1::FINANCIAL_ASSETS}, "金融资产条件");
  const std::optional<int> months =
      ctx.policy.FinancialAssetMonths(ctx.request->program());
  if (!ctx.standards_known || !months.has_value()) {
    const std::string problem =
        !ctx.standards_known
            ? absl::StrCat(ctx.standards_problem, "，无法判断金融资产条件")
            : absl::StrCat("核对政策未规定",
                           ProgramName(ctx.request->program()),
                           "的金融资产上限，无法判断金融资产条件");
    f->set_result(Finding::UNKNOWN);
    f->set_explanation(data_unusable
                           ? absl::StrCat(f->explanation(), "；", problem)
                           : problem);
    return f;
  }
  if (data_unusable) return f;

  const int64_t standard = ctx.policy.dibao_standard_fen;
  const ExactAmount threshold = ExactAmount::Fen(standard).Times(*months);
  const ExactAmount total = facts.financial_total.Amount();
  const ExactAmount per_capita = total.DividedBy(Divisor(facts));
  SetComparison(f, Finding::AT_MOST, threshold, per_capita,
                Quantity::FEN_PER_PERSON);
  // Per capita against the cap, exactly: total ≤ months × standard × members.
  const bool within = per_capita.Compare(threshold) <= 0;
  f->set_result(within ? Finding::PASS : Finding::FAIL);
  f->set_explanation(absl::StrCat(
      "家庭金融资产合计 ", Yuan(total), "，", facts.members, " 人，人均 ",
      Yuan(per_capita), within ? "，未超过上限 " : "，超过上限 ",
      Yuan(threshold), "（", *months, " 个月低保标准 ", Yuan(standard), "）"));
  return f;
}

Finding* ResidentialProperty(const EvaluationContext& ctx,
                             const AssetFacts& facts,
                             hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::RESIDENTIAL_PROPERTY);
  AddAllEvidence(f, facts.residential_evidence);
  if (MarkUnknownIfUnusable(f, ctx, {hedui::v1::REAL_ESTATE}, "住宅房产条件")) {
    return f;
  }
  const int64_t count = static_cast<int64_t>(facts.residential_ids.size());
  SetCountComparison(f, Finding::AT_MOST, 1, count);
  const bool within = count <= 1;
  f->set_result(within ? Finding::PASS : Finding::FAIL);
  const bool shared = facts.residential_records > count;
  f->set_explanation(
      count == 0 ? "家庭无住宅房产，未超过上限 1 套"
                 : absl::StrCat("家庭住宅 ", count, " 套",
                                shared ? "（共有房产计一套）" : "", "，",
                                within ? "未超过" : "超过", "上限 1 套"));
  return f;
}

Finding* NonResidentialProperty(const EvaluationContext& ctx,
                                const AssetFacts& facts,
                                hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::NON_RESIDENTIAL_PROPERTY);
  AddAllEvidence(f, facts.non_residential_evidence);
  if (MarkUnknownIfUnusable(f, ctx, {hedui::v1::REAL_ESTATE},
                            "非住宅房产条件")) {
    return f;
  }
  const int64_t count = static_cast<int64_t>(facts.non_residential_ids.size());
  SetCountComparison(f, Finding::AT_MOST, 0, count);
  f->set_result(count == 0 ? Finding::PASS : Finding::FAIL);
  f->set_explanation(
      count == 0 ? "家庭无非住宅房产，未超过上限 0 处"
                 : absl::StrCat("家庭非住宅房产 ", count,
                                " 处，超过上限 0 处（不得拥有非住宅房产）"));
  return f;
}

Finding* Vehicles(const EvaluationContext& ctx, const AssetFacts& facts,
                  hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::VEHICLES);
  AddAllEvidence(f, facts.vehicle_evidence);
  if (MarkUnknownIfUnusable(f, ctx, {hedui::v1::VEHICLES}, "车辆条件")) {
    return f;
  }
  SetCountComparison(f, Finding::AT_MOST, 0, facts.non_exempt_vehicles);
  if (facts.non_exempt_vehicles > 0) {
    f->set_result(Finding::FAIL);
    f->set_explanation(absl::StrCat(
        "家庭车辆 ", facts.vehicles, " 辆，其中非豁免车辆 ",
        facts.non_exempt_vehicles, " 辆（",
        absl::StrJoin(facts.non_exempt_names, "、"), "），超过上限 0 辆"));
  } else if (facts.vehicles > 0) {
    f->set_explanation(
        absl::StrCat("家庭车辆 ", facts.vehicles, " 辆，均为豁免类型（",
                     absl::StrJoin(facts.exempt_type_names.values(), "、"),
                     "），非豁免车辆 0 辆，未超过上限 0 辆"));
  } else {
    f->set_explanation("家庭无车辆登记，非豁免车辆 0 辆，未超过上限 0 辆");
  }
  return f;
}

Finding* Business(const EvaluationContext& ctx, const AssetFacts& facts,
                  hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::BUSINESS);
  AddAllEvidence(f, facts.business_evidence);
  if (MarkUnknownIfUnusable(f, ctx, {hedui::v1::BUSINESS}, "经营条件")) {
    return f;
  }
  const int64_t active =
      static_cast<int64_t>(facts.active_enterprise_ids.size());
  SetCountComparison(f, Finding::AT_MOST, 0, active);
  f->set_result(facts.business_result);
  switch (facts.business_result) {
    case Finding::FAIL:
      f->set_explanation(absl::StrCat(
          "家庭成员为存续企业的法定代表人、股东或经营者（存续企业 ", active,
          " 家，上限 0 家）：", absl::StrJoin(facts.business_failures, "；")));
      break;
    case Finding::REVIEW:
      f->set_explanation(absl::StrCat(
          "家庭成员关联存续企业 ", active, " 家（上限 0 家）：",
          absl::StrJoin(facts.business_reviews, "；"), "；是否豁免需人工复核"));
      break;
    default:
      f->set_explanation(
          facts.business_records == 0
              ? "家庭成员无企业登记，存续企业 0 家，未超过上限 0 家"
              : absl::StrCat("家庭成员关联企业 ", facts.business_records,
                             " 条记录均已注销或吊销，存续企业 0 家，"
                             "未超过上限 0 家"));
      break;
  }
  return f;
}

Finding* HousingNeed(const EvaluationContext& ctx, const AssetFacts& facts,
                     hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::HOUSING_NEED);
  AddAllEvidence(f, facts.residential_evidence);
  if (MarkUnknownIfUnusable(f, ctx, {hedui::v1::REAL_ESTATE}, "住房困难条件")) {
    return f;
  }
  const ExactAmount limit =
      ExactAmount::Fen(ctx.policy.housing_area_limit_centi_m2_per_member);
  const ExactAmount per_member =
      facts.residential_area.DividedBy(Divisor(facts));
  SetComparison(f, Finding::LESS_THAN, limit, per_member,
                Quantity::CENTI_M2_PER_PERSON);
  if (facts.residential_ids.size() == 0) {
    f->set_explanation("家庭无住宅房产，符合住房困难条件");
    return f;
  }
  // "Below" the area limit is strict, as for income (domain.md §4).
  const bool below = per_member < limit;
  f->set_result(below ? Finding::PASS : Finding::FAIL);
  f->set_explanation(absl::StrCat(
      "家庭住宅面积按份额合计 ", Area(facts.residential_area), "，",
      facts.members, " 人，人均 ", Area(per_member),
      below ? "，低于上限 " : "，不低于上限 ", Area(limit), "/人"));
  return f;
}

// --- Declared against found (domain.md §1, §7). ---

Discrepancy* AddDiscrepancy(hedui::v1::Report* report, absl::string_view item,
                            Quantity declared, Quantity found) {
  Discrepancy* d = report->add_discrepancies();
  d->set_item(std::string(item));
  *d->mutable_declared() = std::move(declared);
  *d->mutable_found() = std::move(found);
  return d;
}

// The discrepancy's explanation when the declaration changes nothing.
std::string NoEffect(const EvaluationContext& ctx, bool declared_more) {
  if (!ctx.judge_assets) {
    return absl::StrCat("；", ProgramName(ctx.request->program()),
                        "不判断资产，仅列示");
  }
  return declared_more ? "；不影响核对结果" : "；以部门数据为准";
}

bool Passes(const Finding* f) {
  return f != nullptr && f->result() == Finding::PASS;
}

struct Judged {
  Finding* financial = nullptr;
  Finding* residential = nullptr;
  Finding* non_residential = nullptr;
  Finding* vehicles = nullptr;
  Finding* housing_need = nullptr;
};

void CompareDeclared(const EvaluationContext& ctx, const AssetFacts& facts,
                     const Judged& judged, hedui::v1::Report* report) {
  const hedui::v1::DeclaredAssets& declared = ctx.request->declared_assets();

  // Compared only with data that can be relied on: a missing department shows
  // nothing, not zero, and its criterion is UNKNOWN anyway.
  if (ctx.freshness.Usable(hedui::v1::FINANCIAL_ASSETS) &&
      ExactAmount::Fen(declared.financial_assets_fen()) !=
          facts.financial_total.Amount()) {
    const ExactAmount found = facts.financial_total.Amount();
    const int64_t claimed = declared.financial_assets_fen();
    Discrepancy* d =
        AddDiscrepancy(report, "FINANCIAL_ASSETS",
                       MakeQuantity(ExactAmount::Fen(claimed), Quantity::FEN),
                       MakeQuantity(found, Quantity::FEN));
    const bool more = found < ExactAmount::Fen(claimed);
    std::string text =
        absl::StrCat("申报金融资产 ", Yuan(claimed), more ? "，多于" : "，少于",
                     "金融资产部门记录 ", Yuan(found));
    Finding* f = judged.financial;
    if (more && Passes(f)) {
      const ExactAmount cap = ExactAmount::Fraction(
          f->threshold().numerator(), f->threshold().denominator());
      const ExactAmount claimed_per_capita =
          ExactAmount::Fen(claimed).DividedBy(Divisor(facts));
      if (cap < claimed_per_capita) {
        d->set_changes_outcome(true);
        absl::StrAppend(&text, "；按申报人均 ", Yuan(claimed_per_capita),
                        "，超过上限 ", Yuan(cap), "，需人工复核");
        MarkDeclaredMore(
            f, absl::StrCat("家庭申报金融资产 ", Yuan(claimed),
                            "，多于部门记录 ", Yuan(found), "（人均 ",
                            f->value().shown(), "，未超过上限）；按申报人均 ",
                            Yuan(claimed_per_capita), "，超过上限 ", Yuan(cap),
                            "，需人工复核"));
      }
    }
    if (!d->changes_outcome()) absl::StrAppend(&text, NoEffect(ctx, more));
    d->set_explanation(std::move(text));
  }

  const bool real_estate = ctx.freshness.Usable(hedui::v1::REAL_ESTATE);
  const int64_t residential =
      static_cast<int64_t>(facts.residential_ids.size());
  if (real_estate && declared.residential_properties() != residential) {
    const int64_t claimed = declared.residential_properties();
    Discrepancy* d =
        AddDiscrepancy(report, "RESIDENTIAL_PROPERTIES", CountQuantity(claimed),
                       CountQuantity(residential));
    const bool more = claimed > residential;
    std::string text =
        absl::StrCat("申报住宅 ", claimed, " 套，", more ? "多于" : "少于",
                     "不动产登记记录的 ", residential, " 套");
    if (more && claimed > 1 && Passes(judged.residential)) {
      d->set_changes_outcome(true);
      absl::StrAppend(&text, "；按申报超过上限 1 套，需人工复核");
      MarkDeclaredMore(
          judged.residential,
          absl::StrCat("家庭申报住宅 ", claimed, " 套，多于不动产登记记录的 ",
                       residential, " 套；按申报超过上限 1 套，需人工复核"));
    }
    // A home the registry does not show has an area nobody can check, and it
    // could take the household over the housing-need limit.
    if (more && Passes(judged.housing_need)) {
      d->set_changes_outcome(true);
      absl::StrAppend(&text,
                      "；未登记住宅面积无法核实，住房困难条件需人工复核");
      MarkDeclaredMore(
          judged.housing_need,
          absl::StrCat("家庭申报住宅 ", claimed, " 套，多于不动产登记记录的 ",
                       residential, " 套；未登记住宅面积无法核实，需人工复核"));
    }
    if (!d->changes_outcome()) absl::StrAppend(&text, NoEffect(ctx, more));
    d->set_explanation(std::move(text));
  }

  const int64_t non_residential =
      static_cast<int64_t>(facts.non_residential_ids.size());
  if (real_estate && declared.non_residential_properties() != non_residential) {
    const int64_t claimed = declared.non_residential_properties();
    Discrepancy* d =
        AddDiscrepancy(report, "NON_RESIDENTIAL_PROPERTIES",
                       CountQuantity(claimed), CountQuantity(non_residential));
    const bool more = claimed > non_residential;
    std::string text = absl::StrCat("申报非住宅房产 ", claimed, " 处，",
                                    more ? "多于" : "少于", "不动产登记记录的 ",
                                    non_residential, " 处");
    if (more && Passes(judged.non_residential)) {
      d->set_changes_outcome(true);
      absl::StrAppend(&text, "；按申报不符合非住宅房产条件，需人工复核");
      MarkDeclaredMore(
          judged.non_residential,
          absl::StrCat("家庭申报非住宅房产 ", claimed,
                       " 处，多于不动产登记记录的 ", non_residential,
                       " 处；按申报超过上限 0 处，需人工复核"));
    }
    if (!d->changes_outcome()) absl::StrAppend(&text, NoEffect(ctx, more));
    d->set_explanation(std::move(text));
  }

  if (ctx.freshness.Usable(hedui::v1::VEHICLES) &&
      declared.vehicles() != facts.vehicles) {
    const int64_t claimed = declared.vehicles();
    Discrepancy* d = AddDiscrepancy(report, "VEHICLES", CountQuantity(claimed),
                                    CountQuantity(facts.vehicles));
    const bool more = claimed > facts.vehicles;
    std::string text =
        absl::StrCat("申报车辆 ", claimed, " 辆，", more ? "多于" : "少于",
                     "车管记录的 ", facts.vehicles, " 辆");
    // The declaration does not say of what type the unrecorded vehicles are;
    // one that is not exempt would fail the test the records pass.
    if (more && Passes(judged.vehicles)) {
      d->set_changes_outcome(true);
      absl::StrAppend(&text, "；未登记车辆类型无法核实，需人工复核");
      MarkDeclaredMore(
          judged.vehicles,
          absl::StrCat("家庭申报车辆 ", claimed, " 辆，多于车管记录的 ",
                       facts.vehicles, " 辆；",
                       facts.vehicles > 0 ? "记录车辆均为豁免类型，" : "",
                       "未登记车辆类型无法核实，需人工复核"));
    }
    if (!d->changes_outcome()) absl::StrAppend(&text, NoEffect(ctx, more));
    d->set_explanation(std::move(text));
  }
}

}  // namespace

void EvaluateAssets(const EvaluationContext& ctx, hedui::v1::Report* report) {
  const AssetFacts facts = Gather(ctx);
  FillAssets(ctx, facts, report->mutable_assets());

  Judged judged;
  const hedui::v1::Program program = ctx.request->program();
  if (ctx.judge_assets) {
    judged.financial = FinancialAssets(ctx, facts, report);
    judged.residential = ResidentialProperty(ctx, facts, report);
    judged.non_residential = NonResidentialProperty(ctx, facts, report);
    judged.vehicles = Vehicles(ctx, facts, report);
    Business(ctx, facts, report);
    if (program == hedui::v1::HOUSING) {
      judged.housing_need = HousingNeed(ctx, facts, report);
    }
  }
  CompareDeclared(ctx, facts, judged, report);
}

}  // namespace hedui::engine
