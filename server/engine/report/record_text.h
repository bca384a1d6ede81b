#ifndef HEDUI_SERVER_ENGINE_REPORT_RECORD_TEXT_H_
#define HEDUI_SERVER_ENGINE_REPORT_RECORD_TEXT_H_

// Department records in words, for the evidence of a report: what a
// caseworker needs to find the record again at its department. Never the
// resident ID (Evidence.person_id carries it) nor a name.

#include <string>

#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/verification.pb.h"

namespace hedui::engine {

std::string DescribeRecord(
    const hedui::store::v1::HouseholdRegistrationRecord& r);
std::string DescribeRecord(const hedui::store::v1::MarriageRecord& r);
std::string DescribeRecord(const hedui::store::v1::DeathRecord& r);
std::string DescribeRecord(const hedui::store::v1::SocialInsuranceRecord& r);
std::string DescribeRecord(const hedui::store::v1::BenefitRecord& r);
std::string DescribeRecord(const hedui::store::v1::TaxRecord& r);
std::string DescribeRecord(const hedui::store::v1::HousingFundRecord& r);
std::string DescribeRecord(const hedui::store::v1::RealEstateRecord& r);
std::string DescribeRecord(const hedui::store::v1::VehicleRecord& r);
std::string DescribeRecord(const hedui::store::v1::BusinessRecord& r);
std::string DescribeRecord(const hedui::store::v1::FinancialAssetRecord& r);
std::string DescribeRecord(const hedui::store::v1::DisabilityRecord& r);
std::string DescribeRecord(
    const hedui::store::v1::AssistanceEnrollmentRecord& r);

// Chinese names of codes.
std::string ProgramName(hedui::v1::Program program);     // "低保"
std::string RelationName(hedui::v1::Relation relation);  // "配偶"
std::string RegisteredRelationName(hedui::store::v1::RelationToHead relation);
std::string StatusName(hedui::store::v1::RegistrationStatus status);  // "死亡"
std::string BenefitName(hedui::store::v1::BenefitType type);
std::string VehicleName(hedui::store::v1::VehicleType type);
std::string DisabilityName(hedui::store::v1::DisabilityCategory category);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REPORT_RECORD_TEXT_H_
