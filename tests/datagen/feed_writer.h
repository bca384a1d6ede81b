#ifndef HEDUI_TESTS_DATAGEN_FEED_WRITER_H_
#define HEDUI_TESTS_DATAGEN_FEED_WRITER_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::datagen {

// Writes one CSV file per department exactly as deploy/feeds/README.md
// specifies (header, column order, yuan amounts, enum codes), UTF-8, `\n`
// line ends. One method per department, its arguments in column order.
// Fields are written unquoted: generated text never holds a comma, a quote
// or a line break.
class FeedWriter {
 public:
  static constexpr int kDepartments = 13;

  // Creates `<dir>/<department lower case>.csv` for every department.
  static absl::StatusOr<std::unique_ptr<FeedWriter>> Open(
      const std::string& dir);
  ~FeedWriter();
  FeedWriter(const FeedWriter&) = delete;
  FeedWriter& operator=(const FeedWriter&) = delete;

  // "household_registration.csv".
  static std::string FileName(hedui::v1::Department department);
  // The header line (without its line end).
  static absl::string_view Header(hedui::v1::Department department);

  void Registration(absl::string_view person_id, absl::string_view name,
                    absl::string_view household_number,
                    hedui::store::v1::RelationToHead relation,
                    absl::string_view region_code, bool urban,
                    hedui::store::v1::RegistrationStatus status);
  void Marriage(absl::string_view person_id, absl::string_view spouse_id,
                hedui::store::v1::MarriageStatus status, absl::CivilDay date);
  void Death(absl::string_view person_id, absl::CivilDay date_of_death);
  void SocialInsurance(absl::string_view person_id, absl::CivilMonth period,
                       int64_t contribution_base_fen,
                       absl::string_view employer);
  void Benefit(absl::string_view person_id, absl::CivilMonth period,
               hedui::store::v1::BenefitType type, int64_t amount_fen,
               absl::CivilDay pay_date, absl::string_view payer);
  void Tax(absl::string_view person_id, absl::CivilMonth period,
           hedui::store::v1::TaxIncomeType type, int64_t amount_fen,
           absl::string_view payer, absl::CivilDay pay_date);
  void HousingFund(absl::string_view person_id, absl::CivilMonth period,
                   int64_t deposit_base_fen, absl::string_view employer);
  void RealEstate(absl::string_view person_id, absl::string_view property_id,
                  hedui::store::v1::PropertyUse use, int64_t area_centi_m2,
                  int share_per_10000, absl::CivilDay acquired);
  void Vehicle(absl::string_view person_id, absl::string_view plate,
               hedui::store::v1::VehicleType type, absl::CivilDay registered);
  void Business(absl::string_view person_id, absl::string_view enterprise_id,
                absl::string_view enterprise_name,
                hedui::store::v1::EnterpriseType type,
                hedui::store::v1::BusinessRole role,
                int64_t registered_capital_fen,
                hedui::store::v1::EnterpriseStatus status);
  void FinancialAsset(absl::string_view person_id,
                      absl::string_view institution, absl::string_view account,
                      hedui::store::v1::FinancialAssetType type,
                      int64_t balance_fen, absl::CivilDay balance_date);
  void Disability(absl::string_view person_id,
                  hedui::store::v1::DisabilityCategory category, int grade);
  void Enrollment(absl::string_view person_id, hedui::v1::Program program,
                  absl::string_view household_id, absl::CivilDay since,
                  hedui::store::v1::EnrollmentStatus status);

  // Data rows written so far (the header is not counted).
  int64_t rows(hedui::v1::Department department) const;

  // Flushes and closes every file; the first write error, if any.
  absl::Status Close();

 private:
  struct Sink {
    std::string path;
    FILE* file = nullptr;
    std::string buffer;
    int64_t rows = 0;
  };

  FeedWriter() = default;
  // The department's buffer, to append one row to.
  std::string& Row(hedui::v1::Department department);
  void Flush(Sink& sink);

  std::array<Sink, kDepartments + 1> sinks_;  // indexed by the enum value
  absl::Status status_;
};

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_FEED_WRITER_H_
