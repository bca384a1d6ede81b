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

std::string TaxTypeName(store::TaxIncomeType type) {
  switch (type) {
    case store::WAGE:
      return "工资薪金";
    case store::LABOUR:
      return "劳务报酬";
    case store::BUSINESS_INCOME:
      return "经营所得";
    case store::PROPERTY_INCOME:
      return "财产性所得";
    default:
      return "其他";
  }
}

std::string EnterpriseTypeName(store::EnterpriseType type) {
  switch (type) {
    case store::COMPANY:
      return "公司";
    case store::INDIVIDUAL_BUSINESS:
      return "个体工商户";
    case store::FARMERS_COOPERATIVE:
      return "农民专业合作社";
    default:
      return "企业";
  }
}

std::string RoleName(store::BusinessRole role) {
  switch (role) {
    case store::LEGAL_REPRESENTATIVE:
      return "法定代表人";
    case store::SHAREHOLDER:
      return "股东";
    case store::OPERATOR:
      return "经营者";
    default:
      return "相关人";
  }
}

std::string EnterpriseStatusName(store::EnterpriseStatus status) {
  switch (status) {
    case store::ACTIVE:
      return "存续";
    case store::DISSOLVED:
      return "注销";
    case store::REVOKED:
      return "吊销";
    default:
      return "状态不明";
  }
}

std::string AssetTypeName(store::FinancialAssetType type) {
  switch (type) {
    case store::DEPOSIT:
      return "存款";
    case store::SECURITIES:
      return "证券";
    case store::INSURANCE_CASH_VALUE:
      return "保险现金价值";
    default:
      return "金融资产";
  }
}

std::string EnrollmentStatusName(store::EnrollmentStatus status) {
  switch (status) {
    case store::ENROLLED:
      return "在保";
    case store::SUSPENDED:
      return "暂停";
    case store::ENDED:
      return "已终止";
    default:
      return "状态不明";
  }
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
  switch (status) {
    case store::NORMAL:
      return "正常";
    case store::DECEASED:
      return "死亡";
    case store::MOVED:
      return "迁出";
    // The names of the statuses an obligor can be declared in: the one
    // wording for both (proto/hedui/v1/verification.proto).
    case store::MISSING:
      return ZhName(hedui::v1::Obligor::MISSING);
    case store::IN_CUSTODY:
      return ZhName(hedui::v1::Obligor::IN_CUSTODY);
    default:
      return "状态不明";
  }
}

std::string BenefitName(store::BenefitType type) {
  switch (type) {
    case store::EMPLOYEE_PENSION:
      return "职工养老金";
    case store::RESIDENTS_BASIC_PENSION:
      return "城乡居民基础养老金";
    case store::UNEMPLOYMENT_BENEFIT:
      return "失业保险金";
    case store::SPECIAL_CARE_PENSION:
      return "优待抚恤金";
    case store::SURVIVOR_PENSION:
      return "遗属抚恤";
    case store::DISABILITY_SUBSIDY:
      return "残疾人补贴";
    case store::ASSISTANCE_PAYMENT:
      return "社会救助金";
    default:
      return "待遇";
  }
}

std::string VehicleName(store::VehicleType type) {
  switch (type) {
    case store::CAR:
      return "小汽车";
    case store::TRUCK:
      return "货车";
    case store::MOTORCYCLE:
      return "摩托车";
    case store::DISABILITY_VEHICLE:
      return "残疾人专用车";
    case store::E_BIKE:
      return "电动自行车";
    default:
      return "车辆";
  }
}

std::string DisabilityName(store::DisabilityCategory category) {
  switch (category) {
    case store::PHYSICAL:
      return "肢体";
    case store::INTELLECTUAL:
      return "智力";
    case store::MENTAL:
      return "精神";
    case store::VISUAL:
      return "视力";
    case store::HEARING:
      return "听力";
    case store::SPEECH:
      return "言语";
    case store::MULTIPLE:
      return "多重";
    default:
      return "类别不明";
  }
}

std::string DescribeRecord(const store::HouseholdRegistrationRecord& r) {
  return absl::StrCat("户号 ", r.household_number(), "，与户主关系 ",
                      RegisteredRelationName(r.relation_to_head()), "，地区 ",
                      r.region_code(),
                      r.residence_class() == store::RURAL ? " 农村" : " 城市",
                      "，状态 ", StatusName(r.status()));
}

std::string DescribeRecord(const store::MarriageRecord& r) {
  return absl::StrCat(r.status() == store::MARRIED ? "结婚登记" : "离婚登记",
                      " ", Day(r.date()));
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
  return absl::StrCat("不动产权证 ", r.property_id(),
                      r.use() == store::RESIDENTIAL ? " 住宅" : " 非住宅", " ",
                      Area(r.area_centi_m2()), "，份额 ",
                      Share(r.share_per_10000()), "，登记 ", Day(r.acquired()));
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
