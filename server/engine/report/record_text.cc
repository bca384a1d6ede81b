#include "server/engine/report/record_text.h"

#include "absl/strings/str_cat.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/zh_names.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;

std::string Day(const hedui::v1::Date& d) {
  return FormatCivilDay(ToCivilDay(d));
}
std::string Month(const hedui::v1::YearMonth& m) {
  return FormatCivilMonth(ToCivilMonth(m));
}
std::string Area(int64_t centi_m2) {
  return absl::StrCat(ExactAmount::Fen(centi_m2).FormatYuanFloor(), " m²");
}
std::string Share(int32_t per_10000) {
  return absl::StrCat(ExactAmount::Fen(per_10000).FormatYuanFloor(), "%");
}

// The value's Chinese name from its (hedui.v1.zh) option, or `fallback`
// for an unset value or one this build does not know.
template <typename Enum>
std::string ZhNameOr(Enum value, const char* fallback) {
  const std::string& name = ZhName(value);
  return name.empty() ? fallback : name;
}

std::string TaxTypeName(store::TaxIncomeType type) {
  return ZhNameOr(type, "其他");
}

std::string EnterpriseTypeName(store::EnterpriseType type) {
  return ZhNameOr(type, "企业");
}

std::string RoleName(store::BusinessRole role) {
  return ZhNameOr(role, "相关人");
}

std::string EnterpriseStatusName(store::EnterpriseStatus status) {
  return ZhNameOr(status, "状态不明");
}

std::string AssetTypeName(store::FinancialAssetType type) {
  return ZhNameOr(type, "金融资产");
}

std::string EnrollmentStatusName(store::EnrollmentStatus status) {
  return ZhNameOr(status, "状态不明");
}

}  // namespace

std::string ProgramName(hedui::v1::Program program) {
  const std::string& name = ZhShortName(program);
  return name.empty() ? "未知项目" : name;
}

std::string RelationName(hedui::v1::Relation relation) {
  // Declared relations are to the applicant, who need not head the register.
  const std::string& name = ZhName(relation);
  return name.empty() ? "关系不明" : name;
}

std::string RegisteredRelationName(store::RelationToHead relation) {
  // The register's relations are to its head; the values are numbered as the
  // declared ones (hedui.v1.Relation), whose Chinese names are the one list.
  if (relation == store::HEAD) return "户主";
  const std::string& name =
      ZhName(static_cast<hedui::v1::Relation>(static_cast<int>(relation)));
  return name.empty() ? "关系不明" : name;
}

std::string StatusName(store::RegistrationStatus status) {
  return ZhNameOr(status, "状态不明");
}

std::string BenefitName(store::BenefitType type) {
  return ZhNameOr(type, "待遇");
}

std::string VehicleName(store::VehicleType type) {
  return ZhNameOr(type, "车辆");
}

std::string DisabilityName(store::DisabilityCategory category) {
  return ZhNameOr(category, "类别不明");
}

std::string DescribeRecord(const store::HouseholdRegistrationRecord& r) {
  return absl::StrCat("户号 ", r.household_number(), "，与户主关系 ",
                      RegisteredRelationName(r.relation_to_head()), "，地区 ",
                      r.region_code(),
                      r.residence_class() == store::RURAL ? " 农村" : " 城市",
                      "，状态 ", StatusName(r.status()));
}

std::string DescribeRecord(const store::MarriageRecord& r) {
  return absl::StrCat(ZhNameOr(r.status(), "婚姻登记"), " ", Day(r.date()));
}

std::string DescribeRecord(const store::DeathRecord& r) {
  return absl::StrCat("死亡日期 ", Day(r.date_of_death()));
}

std::string DescribeRecord(const store::SocialInsuranceRecord& r) {
  return absl::StrCat(Month(r.period()), " 社保缴费基数 ",
                      Yuan(r.contribution_base_fen()), "（单位 ", r.employer(),
                      "）");
}

std::string DescribeRecord(const store::BenefitRecord& r) {
  return absl::StrCat(Month(r.period()), " ", BenefitName(r.benefit_type()),
                      " ", Yuan(r.amount_fen()), "（发放日 ", Day(r.pay_date()),
                      "，", r.payer(), "）");
}

std::string DescribeRecord(const store::TaxRecord& r) {
  return absl::StrCat(Month(r.period()), " ", TaxTypeName(r.income_type()), " ",
                      Yuan(r.amount_fen()), "（扣缴单位 ", r.payer(), "）");
}

std::string DescribeRecord(const store::HousingFundRecord& r) {
  return absl::StrCat(Month(r.period()), " 公积金缴存基数 ",
                      Yuan(r.deposit_base_fen()), "（单位 ", r.employer(),
                      "）");
}

std::string DescribeRecord(const store::RealEstateRecord& r) {
  return absl::StrCat("不动产权证 ", r.property_id(), " ",
                      ZhNameOr(r.use(), "房产"), " ", Area(r.area_centi_m2()),
                      "，份额 ", Share(r.share_per_10000()), "，登记 ",
                      Day(r.acquired()));
}

std::string DescribeRecord(const store::VehicleRecord& r) {
  return absl::StrCat(VehicleName(r.vehicle_type()), " ", r.plate(), "，登记 ",
                      Day(r.registered()));
}

std::string DescribeRecord(const store::BusinessRecord& r) {
  return absl::StrCat(
      EnterpriseTypeName(r.enterprise_type()), " ", r.enterprise_name(), "（",
      r.enterprise_id(), "）", RoleName(r.role()), "，注册资本 ",
      Yuan(r.registered_capital_fen()), "，", EnterpriseStatusName(r.status()));
}

std::string DescribeRecord(const store::FinancialAssetRecord& r) {
  return absl::StrCat(r.institution(), " ", AssetTypeName(r.asset_type()), " ",
                      r.account(), " 余额 ", Yuan(r.balance_fen()), "（",
                      Day(r.balance_date()), "）");
}

std::string DescribeRecord(const store::DisabilityRecord& r) {
  return absl::StrCat(DisabilityName(r.category()), "残疾 ", r.grade(), " 级");
}

std::string DescribeRecord(const store::AssistanceEnrollmentRecord& r) {
  return absl::StrCat(ProgramName(r.program()), " ",
                      EnrollmentStatusName(r.status()), "，自 ", Day(r.since()),
                      "，救助家庭 ", r.household_id());
}

}  // namespace hedui::engine
