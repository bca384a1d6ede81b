#include "tests/datagen/feed_writer.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/datagen/feed_text.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Department;

// Buffer this much per file before writing: few syscalls, bounded memory.
constexpr size_t kFlushBytes = 1 << 20;

// Header lines, copied from deploy/feeds/README.md (tests check them against
// the README itself).
constexpr absl::string_view kHeaders[FeedWriter::kDepartments + 1] = {
    "",
    "person_id,name,household_number,relation_to_head,region_code,residence_"
    "class,status",
    "person_id,spouse_id,status,date",
    "person_id,date_of_death",
    "person_id,period,contribution_base_yuan,employer",
    "person_id,period,benefit_type,amount_yuan,pay_date,payer",
    "person_id,period,income_type,amount_yuan,payer,pay_date",
    "person_id,period,deposit_base_yuan,employer",
    "person_id,property_id,use,area_m2,share,acquired",
    "person_id,plate,vehicle_type,registered",
    "person_id,enterprise_id,enterprise_name,enterprise_type,role,registered_"
    "capital_yuan,status",
    "person_id,institution,account,asset_type,balance_yuan,balance_date",
    "person_id,category,grade",
    "person_id,program,household_id,since,status",
};

using F = FieldText;

}  // namespace

absl::StatusOr<std::unique_ptr<FeedWriter>> FeedWriter::Open(
    const std::string& dir) {
  std::unique_ptr<FeedWriter> writer(new FeedWriter());
  for (int d = 1; d <= kDepartments; ++d) {
    Sink& sink = writer->sinks_[d];
    sink.path = absl::StrCat(dir, "/", FileName(static_cast<Department>(d)));
    sink.file = std::fopen(sink.path.c_str(), "wb");
    if (sink.file == nullptr) {
      return absl::UnavailableError(absl::StrCat("cannot create ", sink.path,
                                                 ": ", std::strerror(errno)));
    }
    sink.buffer.reserve(kFlushBytes + 4096);
    absl::StrAppend(&sink.buffer, kHeaders[d], "\n");
  }
  return writer;
}

FeedWriter::~FeedWriter() {
  for (Sink& sink : sinks_) {
    if (sink.file != nullptr) std::fclose(sink.file);
  }
}

std::string FeedWriter::FileName(Department department) {
  return absl::StrCat(
      absl::AsciiStrToLower(hedui::v1::Department_Name(department)), ".csv");
}

absl::string_view FeedWriter::Header(Department department) {
  return kHeaders[static_cast<int>(department)];
}

int64_t FeedWriter::rows(Department department) const {
  return sinks_[static_cast<int>(department)].rows;
}

std::string& FeedWriter::Row(Department department) {
  Sink& sink = sinks_[static_cast<int>(department)];
  if (sink.buffer.size() >= kFlushBytes) Flush(sink);
  ++sink.rows;
  return sink.buffer;
}

void FeedWriter::Flush(Sink& sink) {
  if (sink.file != nullptr && !sink.buffer.empty() &&
      std::fwrite(sink.buffer.data(), 1, sink.buffer.size(), sink.file) !=
          sink.buffer.size() &&
      status_.ok()) {
    status_ = absl::UnavailableError(
        absl::StrCat("cannot write ", sink.path, ": ", std::strerror(errno)));
  }
  sink.buffer.clear();
}

absl::Status FeedWriter::Close() {
  for (int d = 1; d <= kDepartments; ++d) {
    Sink& sink = sinks_[d];
    if (sink.file == nullptr) continue;
    Flush(sink);
    if (std::fclose(sink.file) != 0 && status_.ok()) {
      status_ =
          absl::UnavailableError(absl::StrCat("cannot close ", sink.path));
    }
    sink.file = nullptr;
  }
  return status_;
}

void FeedWriter::Registration(absl::string_view person_id,
                              absl::string_view name,
                              absl::string_view household_number,
                              store::RelationToHead relation,
                              absl::string_view region_code, bool urban,
                              store::RegistrationStatus status) {
  absl::StrAppend(&Row(hedui::v1::HOUSEHOLD_REGISTRATION), person_id, ",", name,
                  ",", household_number, ",",
                  store::RelationToHead_Name(relation), ",", region_code, ",",
                  urban ? "URBAN" : "RURAL", ",",
                  store::RegistrationStatus_Name(status), "\n");
}

void FeedWriter::Marriage(absl::string_view person_id,
                          absl::string_view spouse_id,
                          store::MarriageStatus status, absl::CivilDay date) {
  absl::StrAppend(&Row(hedui::v1::MARRIAGE), person_id, ",", spouse_id, ",",
                  store::MarriageStatus_Name(status), ",", F::Day(date).view(),
                  "\n");
}

void FeedWriter::Death(absl::string_view person_id,
                       absl::CivilDay date_of_death) {
  absl::StrAppend(&Row(hedui::v1::DEATH), person_id, ",",
                  F::Day(date_of_death).view(), "\n");
}

void FeedWriter::SocialInsurance(absl::string_view person_id,
                                 absl::CivilMonth period,
                                 int64_t contribution_base_fen,
                                 absl::string_view employer) {
  absl::StrAppend(&Row(hedui::v1::SOCIAL_INSURANCE), person_id, ",",
                  F::Month(period).view(), ",",
                  F::Yuan(contribution_base_fen).view(), ",", employer, "\n");
}

void FeedWriter::Benefit(absl::string_view person_id, absl::CivilMonth period,
                         store::BenefitType type, int64_t amount_fen,
                         absl::CivilDay pay_date, absl::string_view payer) {
  absl::StrAppend(&Row(hedui::v1::BENEFITS), person_id, ",",
                  F::Month(period).view(), ",", store::BenefitType_Name(type),
                  ",", F::Yuan(amount_fen).view(), ",", F::Day(pay_date).view(),
                  ",", payer, "\n");
}

void FeedWriter::Tax(absl::string_view person_id, absl::CivilMonth period,
                     store::TaxIncomeType type, int64_t amount_fen,
                     absl::string_view payer, absl::CivilDay pay_date) {
  absl::StrAppend(&Row(hedui::v1::TAX), person_id, ",", F::Month(period).view(),
                  ",", store::TaxIncomeType_Name(type), ",",
                  F::Yuan(amount_fen).view(), ",", payer, ",",
                  F::Day(pay_date).view(), "\n");
}

void FeedWriter::HousingFund(absl::string_view person_id,
                             absl::CivilMonth period, int64_t deposit_base_fen,
                             absl::string_view employer) {
  absl::StrAppend(&Row(hedui::v1::HOUSING_FUND), person_id, ",",
                  F::Month(period).view(), ",",
                  F::Yuan(deposit_base_fen).view(), ",", employer, "\n");
}

void FeedWriter::RealEstate(absl::string_view person_id,
                            absl::string_view property_id,
                            store::PropertyUse use, int64_t area_centi_m2,
                            int share_per_10000, absl::CivilDay acquired) {
  absl::StrAppend(&Row(hedui::v1::REAL_ESTATE), person_id, ",", property_id,
                  ",", store::PropertyUse_Name(use), ",",
                  F::CentiDecimal(area_centi_m2).view(), ",",
                  F::Share(share_per_10000).view(), ",",
                  F::Day(acquired).view(), "\n");
}

void FeedWriter::Vehicle(absl::string_view person_id, absl::string_view plate,
                         store::VehicleType type, absl::CivilDay registered) {
  absl::StrAppend(&Row(hedui::v1::VEHICLES), person_id, ",", plate, ",",
                  store::VehicleType_Name(type), ",", F::Day(registered).view(),
                  "\n");
}

void FeedWriter::Business(absl::string_view person_id,
                          absl::string_view enterprise_id,
                          absl::string_view enterprise_name,
                          store::EnterpriseType type, store::BusinessRole role,
                          int64_t registered_capital_fen,
                          store::EnterpriseStatus status) {
  absl::StrAppend(&Row(hedui::v1::BUSINESS), person_id, ",", enterprise_id, ",",
                  enterprise_name, ",", store::EnterpriseType_Name(type), ",",
                  store::BusinessRole_Name(role), ",",
                  F::Yuan(registered_capital_fen).view(), ",",
                  store::EnterpriseStatus_Name(status), "\n");
}

void FeedWriter::FinancialAsset(absl::string_view person_id,
                                absl::string_view institution,
                                absl::string_view account,
                                store::FinancialAssetType type,
                                int64_t balance_fen,
                                absl::CivilDay balance_date) {
  absl::StrAppend(
      &Row(hedui::v1::FINANCIAL_ASSETS), person_id, ",", institution, ",",
      account, ",", store::FinancialAssetType_Name(type), ",",
      F::Yuan(balance_fen).view(), ",", F::Day(balance_date).view(), "\n");
}

void FeedWriter::Disability(absl::string_view person_id,
                            store::DisabilityCategory category, int grade) {
  absl::StrAppend(&Row(hedui::v1::DISABILITY), person_id, ",",
                  store::DisabilityCategory_Name(category), ",", grade, "\n");
}

void FeedWriter::Enrollment(absl::string_view person_id,
                            hedui::v1::Program program,
                            absl::string_view household_id,
                            absl::CivilDay since,
                            store::EnrollmentStatus status) {
  absl::StrAppend(&Row(hedui::v1::ASSISTANCE_ENROLLMENT), person_id, ",",
                  hedui::v1::Program_Name(program), ",", household_id, ",",
                  F::Day(since).view(), ",",
                  store::EnrollmentStatus_Name(status), "\n");
}

}  // namespace hedui::datagen
