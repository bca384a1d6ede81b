#ifndef HEDUI_TESTS_DATAGEN_INCOME_H_
#define HEDUI_TESTS_DATAGEN_INCOME_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/feed_writer.h"

namespace hedui::datagen {

// Monthly income as the departments report it. Each stream knows both how to
// write its rows and what it sums to over the look-back window, so the
// applicant households are built on the same amounts they emit.

// Tax income (and, for wages, social-insurance and housing-fund bases) from
// one payer, every month from `first` to `last`.
struct Job {
  std::string employer;
  hedui::store::v1::TaxIncomeType income_type = hedui::store::v1::WAGE;
  int64_t monthly_fen = 0;
  // A second WAGE row for 2026-02 from the same payer (a year-end bonus paid
  // on its own date): "two payments for one month are both counted".
  int64_t bonus_fen = 0;
  // Moved from 2026-04 to 2026-05 (overtime paid a month late): the months
  // differ, the window total does not.
  int64_t shift_fen = 0;
  bool tax = true;
  bool social_insurance = true;
  int64_t social_insurance_base_fen = 0;  // 0: the monthly wage
  bool housing_fund = false;
  int64_t housing_fund_base_fen = 0;  // 0: the monthly wage
  int pay_day = 15;
  absl::CivilMonth first = FirstRecordMonth();
  absl::CivilMonth last = LastRecordMonth();

  // The tax amount reported for `month` (regular pay, shift and bonus).
  int64_t TaxAmount(absl::CivilMonth month) const;
  // The social-insurance base for `month` (0 outside the job).
  int64_t SocialInsuranceBase(absl::CivilMonth month) const;
};

// A benefit paid monthly from `first` to `last`. A raise effective 2026-01 is
// paid from 2026-07 with the pension and, for 2026-01 … 2026-06, as back pay
// rows dated 2026-07-20 (the period decides, not the pay date).
struct BenefitStream {
  hedui::store::v1::BenefitType type = hedui::store::v1::EMPLOYEE_PENSION;
  std::string payer;
  int64_t monthly_fen = 0;
  int64_t raise_fen = 0;
  absl::CivilMonth first = FirstRecordMonth();
  absl::CivilMonth last = LastRecordMonth();

  // Everything paid for the months of the look-back window.
  int64_t WindowTotal() const;
};

void EmitJob(FeedWriter& feeds, absl::string_view person_id, const Job& job);
void EmitBenefit(FeedWriter& feeds, absl::string_view person_id,
                 const BenefitStream& benefit);

// The wage evidence of one person over the window by domain.md §4: per month
// the tax department's WAGE rows where present, else the social-insurance
// bases; housing-fund bases never count.
int64_t WindowWageEvidence(const std::vector<Job>& jobs);
// Sum of the window's tax rows of `type` (for non-wage tax income).
int64_t WindowTaxIncome(const std::vector<Job>& jobs,
                        hedui::store::v1::TaxIncomeType type);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_INCOME_H_
