#include "storage/record_codec.h"

namespace hedui::storage {
namespace {

template <typename Message>
bool ParseInto(google::protobuf::RepeatedPtrField<Message>* field,
               absl::string_view value) {
  Message* record = field->Add();
  if (record->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return true;
  }
  field->RemoveLast();
  return false;
}

}  // namespace

bool AppendRecord(hedui::v1::Department department, absl::string_view value,
                  hedui::store::v1::PersonRecords* p) {
  switch (department) {
    case hedui::v1::HOUSEHOLD_REGISTRATION:
      return ParseInto(p->mutable_household_registration(), value);
    case hedui::v1::MARRIAGE:
      return ParseInto(p->mutable_marriage(), value);
    case hedui::v1::DEATH:
      return ParseInto(p->mutable_death(), value);
    case hedui::v1::SOCIAL_INSURANCE:
      return ParseInto(p->mutable_social_insurance(), value);
    case hedui::v1::BENEFITS:
      return ParseInto(p->mutable_benefits(), value);
    case hedui::v1::TAX:
      return ParseInto(p->mutable_tax(), value);
    case hedui::v1::HOUSING_FUND:
      return ParseInto(p->mutable_housing_fund(), value);
    case hedui::v1::REAL_ESTATE:
      return ParseInto(p->mutable_real_estate(), value);
    case hedui::v1::VEHICLES:
      return ParseInto(p->mutable_vehicles(), value);
    case hedui::v1::BUSINESS:
      return ParseInto(p->mutable_business(), value);
    case hedui::v1::FINANCIAL_ASSETS:
      return ParseInto(p->mutable_financial_assets(), value);
    case hedui::v1::DISABILITY:
      return ParseInto(p->mutable_disability(), value);
    case hedui::v1::ASSISTANCE_ENROLLMENT:
      return ParseInto(p->mutable_assistance_enrollment(), value);
    default:
      return false;
  }
}

}  // namespace hedui::storage
