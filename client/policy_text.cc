#include "client/policy_text.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/amount_text.h"
#include "client/zh_names.h"
#include "hedui/policy/v1/policy.pb.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"

namespace hedui::cli {
namespace {

enum class Kind {
  kText,                // as it is (a region code, a version)
  kDate,                // YYYY-MM-DD
  kUntil,               // a date, or "none": no end
  kResidenceClass,      // URBAN / RURAL
  kYuan,                // fen
  kYuanPerPersonMonth,  // fen per person per month
  kYuanPerPersonYear,   // fen per person per year
  kMultiple,            // percent of a standard, read as a multiple
  kPercent,             // percent
  kMonths,
  kDays,
  kAreaPerPerson,  // 0.01 m² per member
  kCapBasis,
  kVehicleTypes,  // comma-separated codes
  kBenefitTypes,
};

struct Parameter {
  const char* name;
  const char* label;
  Kind kind;
};

// The engine's names, in the order it emits them.
constexpr Parameter kParameters[] = {
    {"policy_version", "政策版本", Kind::kText},
    {"region_code", "适用地区", Kind::kText},
    {"residence_class", "城乡类别", Kind::kResidenceClass},
    {"effective_from", "本版政策生效日期", Kind::kDate},
    {"effective_until", "本版政策失效日期", Kind::kUntil},
    {"standards_effective_from", "现行标准生效日期", Kind::kDate},
    {"rules_effective_from", "现行规则生效日期", Kind::kDate},
    {"dibao_standard_fen", "低保标准", Kind::kYuanPerPersonMonth},
    {"tekun_support_fen", "特困人员基本生活标准", Kind::kYuanPerPersonMonth},
    {"temporary_income_limit_fen_per_year",
     "临时救助收入上限（上年人均可支配收入）", Kind::kYuanPerPersonYear},
    {"margin_multiple_percent", "低保边缘收入线（低保标准的倍数）",
     Kind::kMultiple},
    {"union_relative_multiple_percent", "工会相对困难线（低保标准的倍数）",
     Kind::kMultiple},
    {"financial_asset_cap_basis", "金融资产上限计算基数", Kind::kCapBasis},
    {"exempt_vehicle_types", "不计入的车辆类型", Kind::kVehicleTypes},
    {"excluded_benefit_types", "不计入收入的待遇", Kind::kBenefitTypes},
    {"employment_cost_percent", "就业成本扣除比例（占工资性收入）",
     Kind::kPercent},
    {"look_back_months", "收入核算月数", Kind::kMonths},
    {"gradual_exit_months", "渐退期上限", Kind::kMonths},
    {"review_months_stable", "复核周期（收入稳定）", Kind::kMonths},
    {"review_months_irregular", "复核周期（收入不稳定或有劳动能力）",
     Kind::kMonths},
    {"death_recheck_months", "家庭成员死亡后复核期限", Kind::kMonths},
    {"consent_validity_months", "授权书有效期", Kind::kMonths},
    {"housing_area_limit_centi_m2_per_member", "住房困难人均面积上限",
     Kind::kAreaPerPerson},
    {"individual_business_capital_limit_fen", "个体工商户注册资本上限",
     Kind::kYuan},
    {"max_backdating_days", "核对日期最多可早于当日", Kind::kDays},
};

// Parameters per program or department: "<prefix>.<CODE>".
struct Family {
  const char* prefix;
  const char* label;
  Kind kind;
  const google::protobuf::EnumDescriptor* (*codes)();
  bool short_name;  // "低保" reads better than "最低生活保障" in a label
};

const Family kFamilies[] = {
    {"financial_asset_months.", "金融资产上限月数", Kind::kMonths,
     &hedui::v1::Program_descriptor, true},
    {"max_data_age_days.", "数据最长有效天数", Kind::kDays,
     &hedui::v1::Department_descriptor, false},
};

// The Chinese name of a code of one of the policy's own enums, read from the
// enum value's (hedui.v1.zh) option like every other name the CLI prints.
std::string CodeName(const google::protobuf::EnumDescriptor* type,
                     absl::string_view code) {
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByName(std::string(code));
  if (value == nullptr) return "";
  return ZhNameOf(type, value->number());
}

std::string CodeText(const google::protobuf::EnumDescriptor* type,
                     absl::string_view code) {
  const std::string name = CodeName(type, code);
  if (name.empty()) return std::string(code);
  return absl::StrCat(name, "（", code, "）");
}

std::string CodeListText(const google::protobuf::EnumDescriptor* type,
                         absl::string_view value) {
  if (value.empty()) return "无";
  std::vector<std::string> out;
  for (absl::string_view code : absl::StrSplit(value, ',')) {
    const std::string name = CodeName(type, code);
    out.push_back(name.empty() ? std::string(code) : name);
  }
  return absl::StrJoin(out, "、");
}

// A multiple of a standard from its percent: 150 -> "1.5 倍", 200 -> "2 倍".
std::string MultipleText(int64_t percent) {
  std::string text = HundredthsText(percent, /*separators=*/false);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return absl::StrCat(text, " 倍");
}

std::string ValueText(Kind kind, absl::string_view value) {
  int64_t number = 0;
  const bool integer = absl::SimpleAtoi(value, &number);
  switch (kind) {
    case Kind::kText:
    case Kind::kDate:
      break;
    case Kind::kUntil:
      if (value == "none") return "无（长期有效）";
      break;
    case Kind::kResidenceClass: {
      hedui::v1::ResidenceClass residence;
      if (hedui::v1::ResidenceClass_Parse(std::string(value), &residence) &&
          !ZhName(residence).empty()) {
        return ZhWithCode(residence);
      }
      break;
    }
    case Kind::kYuan:
      if (integer) return absl::StrCat(YuanText(number), " 元");
      break;
    case Kind::kYuanPerPersonMonth:
      if (integer) return absl::StrCat(YuanText(number), " 元/人·月");
      break;
    case Kind::kYuanPerPersonYear:
      if (integer) return absl::StrCat(YuanText(number), " 元/人·年");
      break;
    case Kind::kMultiple:
      if (integer) return MultipleText(number);
      break;
    case Kind::kPercent:
      if (integer) return absl::StrCat(number, "%");
      break;
    case Kind::kMonths:
      if (integer) return absl::StrCat(number, " 个月");
      break;
    case Kind::kDays:
      if (integer) return absl::StrCat(number, " 天");
      break;
    case Kind::kAreaPerPerson:
      if (integer) {
        return absl::StrCat(HundredthsText(number, /*separators=*/true),
                            " m²/人");
      }
      break;
    case Kind::kCapBasis:
      return CodeText(hedui::policy::v1::FinancialAssetCapBasis_descriptor(),
                      value);
    case Kind::kVehicleTypes:
      return CodeListText(hedui::store::v1::VehicleType_descriptor(), value);
    case Kind::kBenefitTypes:
      return CodeListText(hedui::store::v1::BenefitType_descriptor(), value);
  }
  return std::string(value);
}

}  // namespace

PolicyParameterLine PolicyParameterText(absl::string_view name,
                                        absl::string_view value) {
  for (const Parameter& p : kParameters) {
    if (name == p.name) return {p.label, ValueText(p.kind, value)};
  }
  for (const Family& f : kFamilies) {
    absl::string_view code = name;
    if (!absl::ConsumePrefix(&code, f.prefix)) continue;
    const google::protobuf::EnumValueDescriptor* known =
        f.codes()->FindValueByName(std::string(code));
    if (known == nullptr) break;
    const std::string& zh = f.short_name
                                ? ZhShortNameOf(f.codes(), known->number())
                                : ZhNameOf(f.codes(), known->number());
    if (zh.empty()) break;
    return {absl::StrCat(f.label, "（", zh, "）"), ValueText(f.kind, value)};
  }
  return {std::string(name), std::string(value)};
}

}  // namespace hedui::cli
