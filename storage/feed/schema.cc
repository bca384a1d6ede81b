#include "storage/feed/schema.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "hedui/store/v1/records.pb.h"

namespace hedui::feed {
namespace {

namespace store = hedui::store::v1;
using T = ColumnType;

struct ColumnSpec {
  const char* name;
  ColumnType type;
  bool key;
};

constexpr bool kKey = true;
constexpr bool kValue = false;

Schema MakeSchema(hedui::v1::Department department,
                  const google::protobuf::Descriptor* record,
                  std::vector<ColumnSpec> specs) {
  Schema schema;
  schema.department = department;
  schema.name = hedui::v1::Department_Name(department);
  schema.record = record;
  for (size_t i = 0; i < specs.size(); ++i) {
    Column column;
    column.name = specs[i].name;
    column.type = specs[i].type;
    column.key = specs[i].key;
    column.field = record->FindFieldByNumber(static_cast<int>(i) + 1);
    if (column.type == T::kEnum && column.field != nullptr &&
        column.field->enum_type() != nullptr) {
      const google::protobuf::EnumDescriptor* type = column.field->enum_type();
      std::vector<std::string> names;
      for (int v = 0; v < type->value_count(); ++v) {
        const google::protobuf::EnumValueDescriptor* value = type->value(v);
        // 0 is proto3's "unspecified": never a value a department can send.
        if (value->number() == 0) continue;
        column.codes.push_back({value->name(), value->number()});
        names.push_back(value->name());
      }
      column.codes_list = absl::StrJoin(names, ", ");
    }
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

std::vector<Schema>* BuildSchemas() {
  using D = hedui::v1::Department;
  auto* schemas = new std::vector<Schema>;
  schemas->push_back(
      MakeSchema(D::HOUSEHOLD_REGISTRATION,
                 store::HouseholdRegistrationRecord::descriptor(),
                 {{"person_id", T::kResidentId, kKey},
                  {"name", T::kName, kValue},
                  {"household_number", T::kText, kValue},
                  {"relation_to_head", T::kEnum, kValue},
                  {"region_code", T::kRegionCode, kValue},
                  {"residence_class", T::kEnum, kValue},
                  {"status", T::kEnum, kValue}}));
  schemas->push_back(MakeSchema(D::MARRIAGE,
                                store::MarriageRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"spouse_id", T::kResidentId, kKey},
                                 {"status", T::kEnum, kKey},
                                 {"date", T::kDate, kKey}}));
  schemas->push_back(MakeSchema(D::DEATH, store::DeathRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"date_of_death", T::kDate, kValue}}));
  schemas->push_back(MakeSchema(D::SOCIAL_INSURANCE,
                                store::SocialInsuranceRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"period", T::kMonth, kKey},
                                 {"contribution_base_yuan", T::kMoney, kValue},
                                 {"employer", T::kText, kKey}}));
  schemas->push_back(MakeSchema(D::BENEFITS, store::BenefitRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"period", T::kMonth, kKey},
                                 {"benefit_type", T::kEnum, kKey},
                                 {"amount_yuan", T::kMoney, kValue},
                                 {"pay_date", T::kDate, kKey},
                                 {"payer", T::kText, kKey}}));
  schemas->push_back(MakeSchema(D::TAX, store::TaxRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"period", T::kMonth, kKey},
                                 {"income_type", T::kEnum, kKey},
                                 {"amount_yuan", T::kMoney, kValue},
                                 {"payer", T::kText, kKey},
                                 {"pay_date", T::kDate, kKey}}));
  schemas->push_back(MakeSchema(D::HOUSING_FUND,
                                store::HousingFundRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"period", T::kMonth, kKey},
                                 {"deposit_base_yuan", T::kMoney, kValue},
                                 {"employer", T::kText, kKey}}));
  schemas->push_back(MakeSchema(D::REAL_ESTATE,
                                store::RealEstateRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"property_id", T::kText, kKey},
                                 {"use", T::kEnum, kValue},
                                 {"area_m2", T::kArea, kValue},
                                 {"share", T::kShare, kValue},
                                 {"acquired", T::kDate, kValue}}));
  schemas->push_back(MakeSchema(D::VEHICLES, store::VehicleRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"plate", T::kText, kKey},
                                 {"vehicle_type", T::kEnum, kValue},
                                 {"registered", T::kDate, kValue}}));
  schemas->push_back(MakeSchema(D::BUSINESS,
                                store::BusinessRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"enterprise_id", T::kText, kKey},
                                 {"enterprise_name", T::kText, kValue},
                                 {"enterprise_type", T::kEnum, kValue},
                                 {"role", T::kEnum, kKey},
                                 {"registered_capital_yuan", T::kMoney, kValue},
                                 {"status", T::kEnum, kValue}}));
  schemas->push_back(MakeSchema(D::FINANCIAL_ASSETS,
                                store::FinancialAssetRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"institution", T::kText, kKey},
                                 {"account", T::kText, kKey},
                                 {"asset_type", T::kEnum, kValue},
                                 {"balance_yuan", T::kMoney, kValue},
                                 {"balance_date", T::kDate, kValue}}));
  schemas->push_back(MakeSchema(D::DISABILITY,
                                store::DisabilityRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"category", T::kEnum, kKey},
                                 {"grade", T::kGrade, kValue}}));
  schemas->push_back(MakeSchema(D::ASSISTANCE_ENROLLMENT,
                                store::AssistanceEnrollmentRecord::descriptor(),
                                {{"person_id", T::kResidentId, kKey},
                                 {"program", T::kEnum, kKey},
                                 {"household_id", T::kText, kValue},
                                 {"since", T::kDate, kKey},
                                 {"status", T::kEnum, kValue}}));
  return schemas;
}

}  // namespace

const std::vector<Schema>& AllSchemas() {
  static const std::vector<Schema>* const schemas = BuildSchemas();
  return *schemas;
}

const Schema* FindSchema(hedui::v1::Department department) {
  for (const Schema& schema : AllSchemas()) {
    if (schema.department == department) return &schema;
  }
  return nullptr;
}

}  // namespace hedui::feed
