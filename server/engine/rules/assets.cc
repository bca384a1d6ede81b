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
#include "absl/types/span.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/arithmetic/fen_sum.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/report/zh_names.h"

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

void FillAssets(const EvaluationContext& ctx, const AssetFacts& facts,
                hedui::v1::Assets* assets) {
  // A missing or stale department leaves its quantities unset (domain.md §1:
  // missing is not zero): a stale total is no figure the criteria used, and
  // a missing one would read as nothing held. The report's departments say
  // which data were not usable.
  if (ctx.freshness.Usable(hedui::v1::FINANCIAL_ASSETS)) {
    *assets->mutable_financial_assets() =
        MakeQuantity(facts.financial_total.Amount(), Quantity::FEN);
  }
  assets->set_residential_properties(
      static_cast<int32_t>(facts.residential_ids.size()));
  assets->set_non_residential_properties(
      static_cast<int32_t>(facts.non_residential_ids.size()));
  if (ctx.freshness.Usable(hedui::v1::REAL_ESTATE)) {
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

// --- The standard a line depends on (domain.md §2). ---

// One financial-asset cap: the months of a program times the 低保 standard of
// one residence class, per counted member.
struct Cap {
  ExactAmount per_capita = ExactAmount::Fen(0);
  int months = 0;
  int64_t standard = 0;
  hedui::store::v1::ResidenceClass residence_class =
      hedui::store::v1::RESIDENCE_CLASS_UNSPECIFIED;
};

// The caps to judge against: the one of the applicant's registration or,
// with no registration record, one for each residence class of the request's
// region; none when neither is known or the policy sets no cap.
std::vector<Cap> CapsToJudge(const EvaluationContext& ctx) {
  std::vector<const PolicyValues*> standards;
  if (ctx.standards_known) {
    standards.push_back(&ctx.policy);
  } else {
    for (const PolicyValues& p : ctx.candidate_policies) {
      standards.push_back(&p);
    }
  }
  std::vector<Cap> caps;
  for (const PolicyValues* p : standards) {
    const std::optional<int> months =
        p->FinancialAssetMonths(ctx.request->program());
    if (!months.has_value()) return {};
    Cap cap;
    cap.months = *months;
    cap.standard = p->dibao_standard_fen;
    cap.per_capita = ExactAmount::Fen(cap.standard).Times(cap.months);
    cap.residence_class = p->residence_class;
    caps.push_back(cap);
  }
  return caps;
}

// The lowest cap: a figure within it is within every one.
const Cap& StrictestCap(const std::vector<Cap>& caps) {
  const Cap* strictest = &caps.front();
  for (const Cap& cap : caps) {
    if (cap.per_capita < strictest->per_capita) strictest = &cap;
  }
  return *strictest;
}

const Cap& MostLenientCap(const std::vector<Cap>& caps) {
  const Cap* lenient = &caps.front();
  for (const Cap& cap : caps) {
    if (lenient->per_capita < cap.per_capita) lenient = &cap;
  }
  return *lenient;
}

std::string ClassName(hedui::store::v1::ResidenceClass residence_class) {
  return ZhName(static_cast<hedui::v1::ResidenceClass>(
      static_cast<int>(residence_class)));
}

// --- The criteria. Each returns the finding (null when not judged). ---

Finding* FinancialAssets(const EvaluationContext& ctx, const AssetFacts& facts,
                         hedui::v1::Report* report) {
  Finding* f = AddFinding(report, Finding::FINANCIAL_ASSETS);
  AddAllEvidence(f, facts.financial_evidence);
  const bool data_unusable = MarkUnknownIfUnusable(
      f, ctx, {hedui::v1::FINANCIAL_ASSETS}, "金融资产条件");
  const std::vector<Cap> caps = CapsToJudge(ctx);
  if (caps.empty()) {
    const bool no_standard =
        !ctx.standards_known && ctx.candidate_policies.empty();
    const std::string problem =
        no_standard
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

  const ExactAmount total = facts.financial_total.Amount();
  const ExactAmount per_capita = total.DividedBy(Divisor(facts));
  const std::string figure =
      absl::StrCat("家庭金融资产合计 ", Yuan(total), "，", facts.members,
                   " 人，人均 ", Yuan(per_capita));
  // Per capita against the cap, exactly: total ≤ months × standard × members.
  const auto within = [&](const Cap& cap) {
    return per_capita.Compare(cap.per_capita) <= 0;
  };
  if (ctx.standards_known) {
    const Cap& cap = caps.front();
    SetComparison(f, Finding::AT_MOST, cap.per_capita, per_capita,
                  Quantity::FEN_PER_PERSON);
    f->set_result(within(cap) ? Finding::PASS : Finding::FAIL);
    f->set_explanation(
        absl::StrCat(figure, within(cap) ? "，未超过上限 " : "，超过上限 ",
                     Yuan(cap.per_capita), "（", cap.months, " 个月低保标准 ",
                     Yuan(cap.standard), "）"));
    return f;
  }

  // No registration record (domain.md §2): the cap of every residence class
  // of the region; within every one passes, over every one fails.
  size_t passes = 0;
  std::vector<std::string> parts;
  for (const Cap& cap : caps) {
    passes += within(cap) ? 1 : 0;
    parts.push_back(absl::StrCat(
        "按", ClassName(cap.residence_class), "低保标准 ", Yuan(cap.standard),
        "，", cap.months, " 个月上限 ", Yuan(cap.per_capita),
        within(cap) ? "，未超过（符合）" : "，超过（不符合）"));
  }
  const Finding::Result result = passes == caps.size() ? Finding::PASS
                                 : passes == 0         ? Finding::FAIL
                                                       : Finding::UNKNOWN;
  // The line shown is the one the value must stay within to pass under
  // every standard, or for a fail the highest, which it exceeds too.
  const Cap& shown =
      result == Finding::FAIL ? MostLenientCap(caps) : StrictestCap(caps);
  SetComparison(f, Finding::AT_MOST, shown.per_capita, per_capita,
                Quantity::FEN_PER_PERSON);
  f->set_result(result);
  f->set_explanation(absl::StrCat(
      figure, "；", ctx.standards_problem, "，按本地区各城乡标准分别比较：",
      absl::StrJoin(parts, "；"), "；",
      result == Finding::PASS ? "在每一标准下均未超过上限，此项通过"
      : result == Finding::FAIL ? "在每一标准下均超过上限，此项不通过"
                                : "各标准下结论不同，无法判断"));
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

// The area limit is a rule of the region, the same for every residence class:
// it does not depend on the standard, so a household without a registration
// record is judged on it as usual.
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

// --- Declared against found (domain.md §1, §2, §4, §7). ---

// The items of DeclaredAssets, in the order their discrepancies are listed.
enum class Item { kFinancial, kResidential, kNonResidential, kVehicles };
constexpr Item kItems[] = {Item::kFinancial, Item::kResidential,
                           Item::kNonResidential, Item::kVehicles};

// The figure declared for `item`; nothing when the field is not set:
// "declared nothing" is not "declared 0" (domain.md §4).
std::optional<int64_t> DeclaredValue(const hedui::v1::DeclaredAssets& a,
                                     Item item) {
  switch (item) {
    case Item::kFinancial:
      if (a.has_financial_assets_fen()) return a.financial_assets_fen();
      break;
    case Item::kResidential:
      if (a.has_residential_properties()) return a.residential_properties();
      break;
    case Item::kNonResidential:
      if (a.has_non_residential_properties()) {
        return a.non_residential_properties();
      }
      break;
    case Item::kVehicles:
      if (a.has_vehicles()) return a.vehicles();
      break;
  }
  return std::nullopt;
}

const char* ItemCode(Item item) {
  switch (item) {
    case Item::kFinancial:
      return "FINANCIAL_ASSETS";
    case Item::kResidential:
      return "RESIDENTIAL_PROPERTIES";
    case Item::kNonResidential:
      return "NON_RESIDENTIAL_PROPERTIES";
    case Item::kVehicles:
      return "VEHICLES";
  }
  return "";
}

const char* ItemName(Item item) {
  switch (item) {
    case Item::kFinancial:
      return "金融资产";
    case Item::kResidential:
      return "住宅";
    case Item::kNonResidential:
      return "非住宅房产";
    case Item::kVehicles:
      return "车辆";
  }
  return "";
}

const char* RecordsName(Item item) {
  switch (item) {
    case Item::kFinancial:
      return "金融资产部门记录";
    case Item::kVehicles:
      return "车管记录";
    default:
      return "不动产登记记录";
  }
}

Department ItemDepartment(Item item) {
  switch (item) {
    case Item::kFinancial:
      return hedui::v1::FINANCIAL_ASSETS;
    case Item::kVehicles:
      return hedui::v1::VEHICLES;
    default:
      return hedui::v1::REAL_ESTATE;
  }
}

// An amount of the item as text: money in yuan, counts with their measure.
std::string ItemFigure(Item item, const ExactAmount& amount) {
  switch (item) {
    case Item::kFinancial:
      return Yuan(amount);
    case Item::kResidential:
      return absl::StrCat(amount.numerator(), " 套");
    case Item::kNonResidential:
      return absl::StrCat(amount.numerator(), " 处");
    case Item::kVehicles:
      return absl::StrCat(amount.numerator(), " 辆");
  }
  return "";
}

Quantity ItemQuantity(Item item, const ExactAmount& amount) {
  return item == Item::kFinancial ? MakeQuantity(amount, Quantity::FEN)
                                  : CountQuantity(amount.numerator());
}

// What a set of members holds of each item by their own records: a property
// several of them hold in shares is one property.
struct Holdings {
  FenSum financial;
  DistinctList residential;
  DistinctList non_residential;
  int64_t vehicles = 0;

  ExactAmount Of(Item item) const {
    switch (item) {
      case Item::kFinancial:
        return financial.Amount();
      case Item::kResidential:
        return ExactAmount::Fen(static_cast<int64_t>(residential.size()));
      case Item::kNonResidential:
        return ExactAmount::Fen(static_cast<int64_t>(non_residential.size()));
      case Item::kVehicles:
        return ExactAmount::Fen(vehicles);
    }
    return ExactAmount::Fen(0);
  }
};

Holdings HoldingsOf(absl::Span<const MemberView* const> members) {
  Holdings h;
  for (const MemberView* m : members) {
    for (const auto& r : m->records->financial_assets()) {
      h.financial.Add(r.balance_fen());
    }
    for (const auto& r : m->records->real_estate()) {
      (r.use() == store::RESIDENTIAL ? h.residential : h.non_residential)
          .Add(r.property_id());
    }
    h.vehicles += m->records->vehicles_size();
  }
  return h;
}

// One declared figure of an item and the records it answers for.
struct Declaration {
  std::string person_id;  // empty: the household's, not attributed
  // The household's figure when some members declared the item themselves:
  // it answers for the records of the others only.
  bool beside_members = false;
  int64_t declared = 0;
  ExactAmount found = ExactAmount::Fen(0);

  bool More() const { return found < ExactAmount::Fen(declared); }
};

// The declarations of an item that count: under single-person coverage the
// covered member's own only (domain.md §2); otherwise each counted member's
// own, compared with their own records, and the household's unattributed
// figure, compared with the records of the members who declared nothing.
std::vector<Declaration> DeclarationsOf(const EvaluationContext& ctx,
                                        bool single_person, Item item) {
  std::vector<Declaration> out;
  std::vector<const MemberView*> undeclared;
  for (const MemberView* m : ctx.counted) {
    const std::optional<int64_t> value =
        DeclaredValue(m->declared->declared_assets(), item);
    if (!value.has_value()) {
      undeclared.push_back(m);
      continue;
    }
    Declaration d;
    d.person_id = m->declared->person_id();
    d.declared = *value;
    d.found = HoldingsOf({m}).Of(item);
    out.push_back(std::move(d));
  }
  const std::optional<int64_t> household =
      DeclaredValue(ctx.request->declared_assets(), item);
  if (household.has_value() && !single_person) {
    Declaration d;
    d.beside_members = undeclared.size() != ctx.counted.size();
    d.declared = *household;
    d.found = HoldingsOf(undeclared).Of(item);
    out.push_back(std::move(d));
  }
  return out;
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
  // The cap a declared figure must stay within to pass under every standard.
  std::optional<ExactAmount> financial_cap;
  Finding* residential = nullptr;
  Finding* non_residential = nullptr;
  Finding* vehicles = nullptr;
  Finding* housing_need = nullptr;
};

// The household declares more than the records show, and the declaration
// would fail a criterion the records pass: a person must look (domain.md §1).
void MarkDeclaredMore(Finding* finding, std::string explanation) {
  finding->set_result(Finding::REVIEW);
  finding->set_explanation(std::move(explanation));
}

// What the records show of an item and what the declarations add to them.
struct ItemTotals {
  ExactAmount found = ExactAmount::Fen(0);
  // Each declaration above its records adds what the records do not show; a
  // declaration below them adds nothing (department data prevail), so one
  // member's shortfall never offsets another's excess.
  ExactAmount unseen = ExactAmount::Fen(0);
  ExactAmount AsDeclared() const { return found.Plus(unseen); }
};

// Whether the declarations change the outcome of the item's criterion, and if
// so makes it REVIEW; returns the sentence added to each discrepancy that
// declares more, empty when they change nothing.
std::string JudgeDeclaredMore(const AssetFacts& facts, const Judged& judged,
                              Item item, const ItemTotals& t) {
  if (!(ExactAmount::Fen(0) < t.unseen)) return "";
  const std::string found_text = absl::StrCat("（", RecordsName(item), " ",
                                              ItemFigure(item, t.found), "）");
  switch (item) {
    case Item::kFinancial: {
      if (!Passes(judged.financial) || !judged.financial_cap.has_value()) {
        return "";
      }
      const ExactAmount& cap = *judged.financial_cap;
      const ExactAmount per_capita = t.AsDeclared().DividedBy(Divisor(facts));
      if (!(cap < per_capita)) return "";
      const std::string why =
          absl::StrCat("按申报计家庭金融资产至少 ", Yuan(t.AsDeclared()),
                       "，人均 ", Yuan(per_capita), "，超过上限 ", Yuan(cap));
      MarkDeclaredMore(
          judged.financial,
          absl::StrCat("家庭申报金融资产多于部门记录", found_text,
                       "，部门记录人均 ", judged.financial->value().shown(),
                       "，未超过上限；", why, "，需人工复核"));
      return absl::StrCat("；", why, "，需人工复核");
    }
    case Item::kResidential: {
      std::string added;
      if (Passes(judged.residential) && ExactAmount::Fen(1) < t.AsDeclared()) {
        const std::string why = absl::StrCat(
            "按申报计 ", ItemFigure(item, t.AsDeclared()), "，超过上限 1 套");
        MarkDeclaredMore(judged.residential,
                         absl::StrCat("家庭申报住宅多于不动产登记记录",
                                      found_text, "；", why, "，需人工复核"));
        absl::StrAppend(&added, "；", why, "，需人工复核");
      }
      // A home the registry does not show has an area nobody can check, and
      // it could take the household over the housing-need limit.
      if (Passes(judged.housing_need)) {
        MarkDeclaredMore(
            judged.housing_need,
            absl::StrCat("家庭申报住宅多于不动产登记记录", found_text,
                         "；未登记住宅面积无法核实，需人工复核"));
        absl::StrAppend(&added,
                        "；未登记住宅面积无法核实，住房困难条件需人工复核");
      }
      return added;
    }
    case Item::kNonResidential: {
      if (!Passes(judged.non_residential)) return "";
      const std::string why = absl::StrCat(
          "按申报计 ", ItemFigure(item, t.AsDeclared()), "，超过上限 0 处");
      MarkDeclaredMore(judged.non_residential,
                       absl::StrCat("家庭申报非住宅房产多于不动产登记记录",
                                    found_text, "；", why, "，需人工复核"));
      return absl::StrCat("；", why, "，需人工复核");
    }
    case Item::kVehicles: {
      // The declaration does not say of what type the unrecorded vehicles
      // are; one that is not exempt would fail the test the records pass.
      if (!Passes(judged.vehicles)) return "";
      MarkDeclaredMore(
          judged.vehicles,
          absl::StrCat("家庭申报车辆多于车管记录", found_text, "；",
                       facts.vehicles > 0 ? "记录车辆均为豁免类型，" : "",
                       "未登记车辆类型无法核实，需人工复核"));
      return "；未登记车辆类型无法核实，需人工复核";
    }
  }
  return "";
}

std::string DiscrepancyText(Item item, const Declaration& d) {
  const char* more = d.More() ? "，多于" : "，少于";
  const std::string declared = ItemFigure(item, ExactAmount::Fen(d.declared));
  const std::string found = ItemFigure(item, d.found);
  if (!d.person_id.empty()) {
    return absl::StrCat("本人申报", ItemName(item), " ", declared, more,
                        "本人的", RecordsName(item), " ", found);
  }
  if (d.beside_members) {
    return absl::StrCat("家庭另行申报（未归属成员）", ItemName(item), " ",
                        declared, more, "未自行申报成员的", RecordsName(item),
                        " ", found);
  }
  return absl::StrCat("申报", ItemName(item), " ", declared, more,
                      RecordsName(item), " ", found);
}

void CompareDeclared(const EvaluationContext& ctx, const AssetFacts& facts,
                     const Judged& judged, hedui::v1::Report* report) {
  const bool single_person = report->household().single_person_coverage();
  const Holdings household = HoldingsOf(ctx.counted);
  for (const Item item : kItems) {
    // Compared only with data that can be relied on: a missing department
    // shows nothing, not zero, and its criterion is UNKNOWN anyway.
    if (!ctx.freshness.Usable(ItemDepartment(item))) continue;
    const std::vector<Declaration> declarations =
        DeclarationsOf(ctx, single_person, item);
    if (declarations.empty()) continue;

    ItemTotals totals;
    totals.found = household.Of(item);
    for (const Declaration& d : declarations) {
      if (d.More()) {
        totals.unseen =
            totals.unseen.Plus(ExactAmount::Fen(d.declared).Minus(d.found));
      }
    }
    const std::string effect =
        ctx.judge_assets ? JudgeDeclaredMore(facts, judged, item, totals) : "";
    for (const Declaration& d : declarations) {
      if (ExactAmount::Fen(d.declared) == d.found) continue;
      Discrepancy* out = report->add_discrepancies();
      out->set_person_id(d.person_id);
      out->set_item(ItemCode(item));
      *out->mutable_declared() =
          ItemQuantity(item, ExactAmount::Fen(d.declared));
      *out->mutable_found() = ItemQuantity(item, d.found);
      std::string text = DiscrepancyText(item, d);
      if (d.More() && !effect.empty()) {
        out->set_changes_outcome(true);
        absl::StrAppend(&text, effect);
      } else {
        absl::StrAppend(&text, NoEffect(ctx, d.More()));
      }
      out->set_explanation(std::move(text));
    }
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
    if (judged.financial->result() == Finding::PASS) {
      judged.financial_cap =
          ExactAmount::Fraction(judged.financial->threshold().numerator(),
                                judged.financial->threshold().denominator());
    }
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
