#include "server/engine/report/what_would_change.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hedui/store/v1/records.pb.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/report/record_text.h"
#include "server/engine/report/zh_names.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using hedui::v1::Quantity;
using hedui::v1::Report;

// An exact non-negative-denominator fraction of the finding's unit (fen,
// 0.01 m², or a count). Products stay far below 2^127: stored numerators are
// int64, denominators products of small policy numbers (exact_amount.h), and
// the factors used here are ≤ 12 × members.
struct Fraction {
  __int128 num = 0;
  __int128 den = 1;  // > 0
};

Fraction Times(Fraction f, int64_t factor) { return {f.num * factor, f.den}; }

__int128 Floor(Fraction f) {
  __int128 q = f.num / f.den;
  if (f.num % f.den != 0 && f.num < 0) --q;
  return q;
}

__int128 Ceil(Fraction f) {
  __int128 q = f.num / f.den;
  if (f.num % f.den != 0 && f.num > 0) ++q;
  return q;
}

// The smallest whole number of units by which a value `gap` away from a line
// must move to cross it: to reach the line (the line itself is on the far
// side) it is the gap rounded up; to get past it (the line is on the near
// side) it is one unit more than the gap rounded down.
__int128 Step(Fraction gap, bool past_the_line) {
  return past_the_line ? Floor(gap) + 1 : Ceil(gap);
}

// 10 × change ≤ line, with line > 0: the change is at most 10 % of the line.
bool WithinTenPercent(Fraction change, Fraction line) {
  if (line.num <= 0) return false;
  return 10 * change.num * line.den <= line.num * change.den;
}

Fraction Minus(Fraction a, Fraction b) {
  return {a.num * b.den - b.num * a.den, a.den * b.den};
}

// A quantity that ExactAmount had to saturate (a figure beyond int64 fen) is
// no longer exact: no sentence is made from it.
std::optional<Fraction> Read(const Quantity& q, Quantity::Unit unit) {
  if (q.unit() != unit || q.denominator() <= 0) return std::nullopt;
  if (q.denominator() == 1 &&
      (q.numerator() == std::numeric_limits<int64_t>::max() ||
       q.numerator() == std::numeric_limits<int64_t>::min())) {
    return std::nullopt;
  }
  return Fraction{q.numerator(), q.denominator()};
}

// A finding's comparison, read from its threshold, value and distance.
struct Line {
  Finding::Comparison comparison = Finding::COMPARISON_UNSPECIFIED;
  Fraction threshold;
  Fraction value;
  Fraction gap;  // |threshold − value| (the finding's distance)
  bool on_pass_side = false;
};

std::optional<Line> ReadLine(const Finding& f, Quantity::Unit unit) {
  if (f.comparison() == Finding::COMPARISON_UNSPECIFIED) return std::nullopt;
  const std::optional<Fraction> threshold = Read(f.threshold(), unit);
  const std::optional<Fraction> value = Read(f.value(), unit);
  const std::optional<Fraction> distance = Read(f.distance(), unit);
  if (!threshold || !value || !distance) return std::nullopt;
  Line line;
  line.comparison = f.comparison();
  line.threshold = *threshold;
  line.value = *value;
  line.gap = *distance;
  if (line.gap.num < 0) line.gap.num = -line.gap.num;
  const int sign = distance->num > 0 ? 1 : (distance->num < 0 ? -1 : 0);
  switch (f.comparison()) {
    case Finding::LESS_THAN:
      line.on_pass_side = sign > 0;
      break;
    case Finding::AT_MOST:
      line.on_pass_side = sign >= 0;
      break;
    default:  // AT_LEAST
      line.on_pass_side = sign <= 0;
      break;
  }
  return line;
}

// Crossing from the pass side to the fail side goes past the line unless the
// line itself fails ("below" is strict: LESS_THAN fails at the line).
bool PastTheLineToFail(const Line& line) {
  return line.comparison != Finding::LESS_THAN;
}
bool PastTheLineToPass(const Line& line) {
  return line.comparison == Finding::LESS_THAN;
}

// A pass is near its line when the smallest change that fails it is at most
// 10 % of the line: the distance itself for amounts, whole units for counts.
bool PassNearLine(const Line& line, bool whole_units) {
  Fraction change = line.gap;
  if (whole_units && PastTheLineToFail(line)) {
    change = {line.gap.num + line.gap.den, line.gap.den};
  }
  return WithinTenPercent(change, line.threshold);
}

std::string Money(__int128 fen) {
  return absl::StrCat(ExactAmount::Fraction128(fen, 1).FormatYuanFloor(),
                      " 元");
}
// A line is shown as it is: a line that is no whole fen (1.5 × an odd
// standard: 1,327.515 元) keeps the digits it has, not padded to four.
std::string Exact(Fraction f) {
  std::string text =
      ExactAmount::Fraction128(f.num, static_cast<int64_t>(f.den))
          .FormatYuanFloor();
  const size_t point = text.find('.');
  while (point != std::string::npos && text.size() > point + 3 &&
         text.back() == '0') {
    text.pop_back();
  }
  return text;
}

std::string Money(Fraction f) { return absl::StrCat(Exact(f), " 元"); }
std::string Area(__int128 centi_m2) {
  return absl::StrCat(ExactAmount::Fraction128(centi_m2, 1).FormatYuanFloor(),
                      " m²");
}
std::string Area(Fraction f) { return absl::StrCat(Exact(f), " m²"); }
std::string Count(__int128 n) { return absl::StrCat(static_cast<int64_t>(n)); }

// The 低保 standard of the policy used (the margin program's lower bound and
// the trade-union deep tier), as the report records it.
std::optional<Fraction> DibaoStandard(const Report& report) {
  for (const auto& p : report.policy().parameters()) {
    int64_t fen = 0;
    if (p.name() == "dibao_standard_fen" && absl::SimpleAtoi(p.value(), &fen) &&
        fen > 0) {
      return Fraction{fen, 1};
    }
  }
  return std::nullopt;
}

int64_t Members(const Report& report) {
  return report.household().counted_members();
}

// --- 家庭收入 ---

// Per capita against a line, and the household figure (per capita × the
// counted members: a monthly income, for the trade union after the rigid
// spending) that moves with it.
std::string IncomeSentence(const Finding& f, const Report& report) {
  const std::optional<Line> line = ReadLine(f, Quantity::FEN_PER_PERSON_MONTH);
  const int64_t members = Members(report);
  if (!line || line->comparison != Finding::LESS_THAN || members <= 0) {
    return "";
  }
  const bool union_hardship = report.program() == hedui::v1::UNION_HARDSHIP;
  const bool margin = report.program() == hedui::v1::LOW_INCOME_MARGIN;
  const std::optional<Fraction> standard = DibaoStandard(report);
  const std::string figure =
      union_hardship ? "扣除刚性支出后的人均月收入" : "人均月收入";
  const std::string threshold = Money(line->threshold);

  if (f.result() == Finding::FAIL) {
    if (!line->on_pass_side) {
      const Fraction household = Times(line->gap, members);
      const std::string less = Money(Step(household, PastTheLineToPass(*line)));
      if (union_hardship) {
        // (12 × monthly − rigid) / 12 / members: the rigid spending moves
        // the figure 12 × members times less than the monthly income.
        const std::string rigid = Money(
            Step(Times(line->gap, 12 * members), PastTheLineToPass(*line)));
        return absl::StrCat(figure, "需低于 ", threshold,
                            "，即家庭月收入至少再少 ", less,
                            "（或刚性支出至少再多 ", rigid,
                            "），方可达到相对困难标准，此项方可通过");
      }
      return absl::StrCat(figure, "需低于 ", threshold,
                          "，即家庭月收入至少再少 ", less, "，此项方可通过");
    }
    // Below the line and still failed: the margin program's lower bound.
    if (margin && standard && Minus(line->value, *standard).num < 0) {
      const Fraction gap = Minus(*standard, line->value);
      return absl::StrCat(figure, "低于低保标准 ", Money(*standard),
                          "，应改按低保核对（家庭月收入至少再多 ",
                          Money(Step(Times(gap, members), false)),
                          "方属低保边缘）");
    }
    return "";
  }
  if (f.result() != Finding::PASS || !line->on_pass_side) return "";

  if (PassNearLine(*line, false)) {
    return absl::StrCat(
        figure, "再增加 ", Money(Step(line->gap, PastTheLineToFail(*line))),
        "即达到 ", threshold, union_hardship ? "的相对困难标准" : "的标准",
        "（即家庭月收入再多 ",
        Money(Step(Times(line->gap, members), PastTheLineToFail(*line))),
        "），此项将不通过");
  }
  if (!standard) return "";
  const Fraction above_standard = Minus(line->value, *standard);
  if (margin && above_standard.num >= 0 &&
      WithinTenPercent(above_standard, *standard)) {
    // Falling below the 低保 standard takes the household out of the margin
    // program: the standard itself is still in it.
    return absl::StrCat(figure, "再减少 ", Money(Step(above_standard, true)),
                        "即低于低保标准 ", Money(*standard),
                        "（即家庭月收入再少 ",
                        Money(Step(Times(above_standard, members), true)),
                        "），应改按低保核对，此项将不通过");
  }
  if (union_hardship) {
    // The tier changes, the result does not (domain.md §5: deep below the
    // standard, relative below the relative line).
    if (above_standard.num < 0) {
      const Fraction below = {-above_standard.num, above_standard.den};
      if (WithinTenPercent(below, *standard)) {
        return absl::StrCat(figure, "再增加 ", Money(Step(below, false)),
                            "即达到低保标准 ", Money(*standard),
                            "（即家庭月收入再多 ",
                            Money(Step(Times(below, members), false)),
                            "），将由深度困难转为相对困难，此项仍通过");
      }
    } else if (WithinTenPercent(above_standard, *standard)) {
      return absl::StrCat(figure, "再减少 ", Money(Step(above_standard, true)),
                          "即低于低保标准 ", Money(*standard),
                          "（即家庭月收入再少 ",
                          Money(Step(Times(above_standard, members), true)),
                          "），将达到深度困难，此项仍通过");
    }
  }
  return "";
}

// --- 金融资产, 住房困难: per capita of the counted members ---

// Assets divide by at least one (assets.cc: a household nobody counts in
// keeps its figures zero).
int64_t AssetDivisor(const Report& report) {
  return Members(report) > 0 ? Members(report) : 1;
}

std::string FinancialAssetsSentence(const Finding& f, const Report& report) {
  const std::optional<Line> line = ReadLine(f, Quantity::FEN_PER_PERSON);
  if (!line || line->comparison != Finding::AT_MOST) return "";
  const Fraction household = Times(line->gap, AssetDivisor(report));
  if (f.result() == Finding::FAIL && !line->on_pass_side) {
    return absl::StrCat("人均金融资产需不超过 ", Money(line->threshold),
                        "，即家庭金融资产至少再少 ",
                        Money(Step(household, PastTheLineToPass(*line))),
                        "，此项方可通过");
  }
  if (f.result() == Finding::PASS && line->on_pass_side &&
      PassNearLine(*line, false)) {
    return absl::StrCat(
        "人均金融资产再增加 ", Money(Step(line->gap, PastTheLineToFail(*line))),
        "即超过 ", Money(line->threshold), "的上限（即家庭金融资产再多 ",
        Money(Step(household, PastTheLineToFail(*line))), "），此项将不通过");
  }
  return "";
}

std::string HousingNeedSentence(const Finding& f, const Report& report) {
  const std::optional<Line> line = ReadLine(f, Quantity::CENTI_M2_PER_PERSON);
  if (!line || line->comparison != Finding::LESS_THAN) return "";
  const Fraction household = Times(line->gap, AssetDivisor(report));
  if (f.result() == Finding::FAIL && !line->on_pass_side) {
    return absl::StrCat("人均住宅面积需低于 ", Area(line->threshold),
                        "，即家庭住宅面积（按产权份额）至少再少 ",
                        Area(Step(household, PastTheLineToPass(*line))),
                        "，此项方可通过");
  }
  if (f.result() == Finding::PASS && line->on_pass_side &&
      PassNearLine(*line, false)) {
    return absl::StrCat(
        "人均住宅面积再增加 ", Area(Step(line->gap, PastTheLineToFail(*line))),
        " 即达到 ", Area(line->threshold), " 的上限（即家庭住宅面积再多 ",
        Area(Step(household, PastTheLineToFail(*line))), "），此项将不通过");
  }
  return "";
}

// --- Counts: properties, vehicles, enterprises ---

// "摩托车、残疾人专用车、电动自行车": the exempt vehicle types of the policy
// used, as the report records them; empty when it records none.
std::string ExemptVehicles(const Report& report) {
  for (const auto& p : report.policy().parameters()) {
    if (p.name() != "exempt_vehicle_types") continue;
    std::vector<std::string> names;
    for (absl::string_view code :
         absl::StrSplit(p.value(), ',', absl::SkipWhitespace())) {
      hedui::store::v1::VehicleType type;
      if (!hedui::store::v1::VehicleType_Parse(std::string(code), &type)) {
        return "";
      }
      names.push_back(VehicleName(type));
    }
    return absl::StrJoin(names, "、");
  }
  return "";
}

std::string CountSentence(const Finding& f, const Report& report) {
  const std::optional<Line> line = ReadLine(f, Quantity::COUNT);
  if (!line || line->comparison != Finding::AT_MOST) return "";
  // Counts move in whole units: a pass is never within 10 % of a line of 0
  // or 1 (PassNearLine), and no limit in domain.md §5 is larger.
  if (f.result() == Finding::PASS && line->on_pass_side &&
      PassNearLine(*line, true)) {
    return absl::StrCat(
        "再增加 ", Count(Step(line->gap, PastTheLineToFail(*line))),
        " 项即超过上限 ", Count(Floor(line->threshold)), "，此项将不通过");
  }
  if (f.result() != Finding::FAIL || line->on_pass_side) return "";
  const std::string fewer = Count(Step(line->gap, PastTheLineToPass(*line)));
  switch (f.criterion()) {
    case Finding::RESIDENTIAL_PROPERTY:
      return absl::StrCat("需减少 ", fewer, " 套住宅房产（上限 ",
                          Count(Floor(line->threshold)), " 套），此项方可通过");
    case Finding::NON_RESIDENTIAL_PROPERTY:
      return absl::StrCat("需减少 ", fewer,
                          " 处非住宅房产（不得拥有非住宅房产），此项方可通过");
    case Finding::VEHICLES: {
      const std::string exempt = ExemptVehicles(report);
      return absl::StrCat("需减少 ", fewer, " 辆非豁免车辆（",
                          exempt.empty() ? "豁免类型" : exempt,
                          "以外的车辆不得拥有），"
                          "此项方可通过");
    }
    case Finding::BUSINESS:
      return absl::StrCat("需减少 ", fewer,
                          " 家存续企业（不再担任其法定代表人、股东或经营者，"
                          "或企业注销、吊销），此项方可通过");
    default:
      return "";
  }
}

// --- 义务人 ---

// The finding compares an income (per person with the spouse) only when
// every obligor whose income was judged had the same one: one obligor's, or
// the joint income of two obligors married to each other. A failure rests
// on it only when that obligor is the one declared (another may be able to
// support for another reason). A pass rests on it whenever it is shown: every
// living obligor is unable to support, and one whose income was judged is
// so only by that income being below the standard, so the income reaching
// the standard fails the criterion however many obligors there are.
std::string ObligorsSentence(const Finding& f, const Report& report) {
  const std::optional<Line> line = ReadLine(f, Quantity::FEN_PER_PERSON_MONTH);
  const bool compared = line && line->comparison == Finding::LESS_THAN;
  const bool one_compared = compared && report.request().obligors_size() == 1;
  if (f.result() == Finding::FAIL) {
    if (one_compared && !line->on_pass_side) {
      return absl::StrCat("义务人人均月收入需低于低保标准 ",
                          Money(line->threshold), "（即人均至少再少 ",
                          Money(Step(line->gap, PastTheLineToPass(*line))),
                          "），此项方可通过");
    }
    return absl::StrCat(
        "需每位义务人均无履行义务的能力（特困人员、60 周岁以上低保对象、",
        ZhName(hedui::v1::Obligor::MISSING), "、",
        ZhName(hedui::v1::Obligor::IN_CUSTODY),
        "，或年满 70 周岁或重度残疾且与配偶人均月收入低于低保标准），"
        "此项方可通过");
  }
  if (f.result() == Finding::PASS && compared && line->on_pass_side &&
      PassNearLine(*line, false)) {
    return absl::StrCat("义务人人均月收入再增加 ",
                        Money(Step(line->gap, PastTheLineToFail(*line))),
                        "即达到低保标准 ", Money(line->threshold),
                        "，此项将不通过");
  }
  return "";
}

// --- Criteria without a figure to move: what the rule needs ---

std::string RuleSentence(const Finding& f) {
  if (f.result() != Finding::FAIL) return "";
  switch (f.criterion()) {
    case Finding::CONSENT:
      return "需全部成年申报人员签署覆盖本项目、在有效期内且签于核对日期之前的"
             "授权书，重新核对，此项方可通过";
    case Finding::COMPOSITION:
      return "需按户籍、婚姻、死亡登记核实并更正申报的家庭成员，重新核对，"
             "此项方可通过";
    case Finding::CANNOT_WORK:
      // An age or a disability grade is not something to change: the
      // sentence says what the rule needs, read from the registrations.
      return "需每位计入成员均无劳动能力（年满 60 周岁或未满 16 周岁，或智力、"
             "精神残疾一至三级、肢体残疾一至二级、视力残疾一级，以户籍和残联"
             "登记为准），此项方可通过";
    default:
      return "";
  }
}

std::string Sentence(const Finding& f, const Report& report) {
  switch (f.criterion()) {
    case Finding::INCOME:
      return IncomeSentence(f, report);
    case Finding::FINANCIAL_ASSETS:
      return FinancialAssetsSentence(f, report);
    case Finding::HOUSING_NEED:
      return HousingNeedSentence(f, report);
    case Finding::RESIDENTIAL_PROPERTY:
    case Finding::NON_RESIDENTIAL_PROPERTY:
    case Finding::VEHICLES:
    case Finding::BUSINESS:
      return CountSentence(f, report);
    case Finding::OBLIGORS:
      return ObligorsSentence(f, report);
    default:
      return RuleSentence(f);
  }
}

}  // namespace

void AddWhatWouldChange(Report* report) {
  for (Finding& f : *report->mutable_findings()) {
    f.set_what_would_change(Sentence(f, *report));
  }
}

}  // namespace hedui::engine
