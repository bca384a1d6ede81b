#include "client/amount_text.h"

#include <cstdint>
#include <limits>

#include "client/policy_text.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using hedui::v1::Quantity;

Quantity Q(int64_t numerator, int64_t denominator, Quantity::Unit unit) {
  Quantity q;
  q.set_numerator(numerator);
  q.set_denominator(denominator);
  q.set_unit(unit);
  return q;
}

TEST(AmountTextTest, Yuan) {
  EXPECT_EQ(YuanText(0), "0.00");
  EXPECT_EQ(YuanText(5), "0.05");
  EXPECT_EQ(YuanText(-5), "-0.05");
  EXPECT_EQ(YuanText(93000), "930.00");
  EXPECT_EQ(YuanText(88499999), "884,999.99");
  EXPECT_EQ(YuanText(100000000), "1,000,000.00");
  EXPECT_EQ(YuanText(std::numeric_limits<int64_t>::min()),
            "-92,233,720,368,547,758.08");
}

// domain.md §4's own examples: 88,499.9958 -> 88,499.99 and
// -5,000.041 -> -5,000.05 (rounded toward minus infinity).
TEST(AmountTextTest, ExactFractionsRoundedDown) {
  EXPECT_EQ(QuantityZhText(Q(884999958, 100, Quantity::FEN)), "88,499.99 元");
  EXPECT_EQ(QuantityZhText(Q(-5000041, 10, Quantity::FEN)), "-5,000.05 元");
  EXPECT_EQ(QuantityZhText(Q(650000, 3, Quantity::FEN)), "2,166.66 元");
  EXPECT_EQ(QuantityZhText(Q(-650000, 3, Quantity::FEN)), "-2,166.67 元");
  EXPECT_EQ(QuantityZhText(Q(4051125, 36, Quantity::FEN_PER_PERSON_MONTH)),
            "1,125.31 元/人·月");
  EXPECT_EQ(QuantityZhText(Q(2232000, 1, Quantity::FEN_PER_PERSON)),
            "22,320.00 元/人");
  EXPECT_EQ(QuantityZhText(Q(3301, 2, Quantity::CENTI_M2_PER_PERSON)),
            "16.50 m²/人");
  // No overflow where numerator × 100 exceeds 64 bits.
  EXPECT_EQ(QuantityZhText(
                Q(std::numeric_limits<int64_t>::max(), 100, Quantity::COUNT)),
            "92233720368547758.07 个");
}

TEST(AmountTextTest, CountsAndAges) {
  EXPECT_EQ(QuantityZhText(Q(3, 1, Quantity::COUNT)), "3 个");
  EXPECT_EQ(QuantityZhText(Q(3, 1, Quantity::COUNT), "辆"), "3 辆");
  EXPECT_EQ(QuantityZhText(Q(17, 1, Quantity::YEARS)), "17 岁");
  EXPECT_EQ(QuantityZhText(Q(7, 2, Quantity::COUNT)), "3.50 个");
  EXPECT_EQ(QuantityZhText(Q(7, 1, Quantity::UNIT_UNSPECIFIED)), "7");
}

TEST(AmountTextTest, ShownOnlyWithoutAFraction) {
  Quantity q = Q(650000, 3, Quantity::FEN);
  q.set_shown("2,166.6666 元");
  EXPECT_EQ(QuantityZhText(q), "2,166.66 元");
  Quantity text_only;
  text_only.set_shown("约 5 元");
  EXPECT_EQ(QuantityZhText(text_only), "约 5 元");
  EXPECT_EQ(QuantityZhText(Quantity()), "-");
  EXPECT_FALSE(QuantityIsSet(Quantity()));
  EXPECT_TRUE(QuantityIsSet(Q(0, 1, Quantity::FEN)));
}

TEST(PolicyTextTest, KnownParameters) {
  auto check = [](const char* name, const char* value, const char* label,
                  const char* shown) {
    const PolicyParameterLine line = PolicyParameterText(name, value);
    EXPECT_EQ(line.label, label) << name;
    EXPECT_EQ(line.value, shown) << name;
  };
  check("dibao_standard_fen", "93000", "低保标准", "930.00 元/人·月");
  check("tekun_support_fen", "121000", "特困人员基本生活标准",
        "1,210.00 元/人·月");
  check("temporary_income_limit_fen_per_year", "3600000",
        "临时救助收入上限（上年人均可支配收入）", "36,000.00 元/人·年");
  check("margin_multiple_percent", "150", "低保边缘收入线（低保标准的倍数）",
        "1.5 倍");
  check("union_relative_multiple_percent", "200",
        "工会相对困难线（低保标准的倍数）", "2 倍");
  check("margin_multiple_percent", "125", "低保边缘收入线（低保标准的倍数）",
        "1.25 倍");
  check("employment_cost_percent", "10", "就业成本扣除比例（占工资性收入）",
        "10%");
  check("look_back_months", "12", "收入核算月数", "12 个月");
  check("housing_area_limit_centi_m2_per_member", "1500",
        "住房困难人均面积上限", "15.00 m²/人");
  check("individual_business_capital_limit_fen", "10000000",
        "个体工商户注册资本上限", "100,000.00 元");
  check("residence_class", "RURAL", "城乡类别", "农村（RURAL）");
  check("effective_until", "none", "本版政策失效日期", "无（长期有效）");
  check("effective_until", "2026-12-31", "本版政策失效日期", "2026-12-31");
  check("financial_asset_cap_basis", "DIBAO_STANDARD_PER_MEMBER",
        "金融资产上限计算基数",
        "按低保标准、每位计入成员计（DIBAO_STANDARD_PER_MEMBER）");
  check("exempt_vehicle_types", "MOTORCYCLE,DISABILITY_VEHICLE,E_BIKE",
        "不计入的车辆类型", "摩托车、残疾人专用车、电动自行车");
  check("exempt_vehicle_types", "", "不计入的车辆类型", "无");
  check("financial_asset_months.DIBAO", "24", "金融资产上限月数（低保）",
        "24 个月");
  check("max_data_age_days.FINANCIAL_ASSETS", "31",
        "数据最长有效天数（银行/证券/保险）", "31 天");
}

// A parameter or value this build does not know is shown as it is, never
// dropped.
TEST(PolicyTextTest, UnknownShownAsItIs) {
  auto check = [](const char* name, const char* value, const char* label,
                  const char* shown) {
    const PolicyParameterLine line = PolicyParameterText(name, value);
    EXPECT_EQ(line.label, label) << name;
    EXPECT_EQ(line.value, shown) << name;
  };
  check("new_knob_percent", "7", "new_knob_percent", "7");
  check("max_data_age_days.NEW_DEPARTMENT", "9",
        "max_data_age_days.NEW_DEPARTMENT", "9");
  check("dibao_standard_fen", "n/a", "低保标准", "n/a");
  check("exempt_vehicle_types", "E_BIKE,HOVERCRAFT", "不计入的车辆类型",
        "电动自行车、HOVERCRAFT");
  check("financial_asset_cap_basis", "OTHER_BASIS", "金融资产上限计算基数",
        "OTHER_BASIS");
}

}  // namespace
}  // namespace hedui::cli
