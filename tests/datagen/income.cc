#include "tests/datagen/income.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

const absl::CivilMonth kBonusMonth(2026, 2);
const absl::CivilMonth kShiftFrom(2026, 4);
const absl::CivilMonth kShiftTo(2026, 5);
const absl::CivilMonth kRaiseFrom(2026, 1);
const absl::CivilMonth kRaisePaidFrom(2026, 7);
const absl::CivilDay kBackPayDate(2026, 7, 20);

bool InWindow(absl::CivilMonth m) {
  return m >= FirstWindowMonth() && m <= LastWindowMonth();
}

absl::CivilDay PayDate(absl::CivilMonth month, int day) {
  return absl::CivilDay(month.year(), month.month(), day);
}

}  // namespace

int64_t Job::TaxAmount(absl::CivilMonth month) const {
  if (!tax || month < first || month > last) return 0;
  int64_t amount = monthly_fen;
  if (month == kShiftFrom) amount -= shift_fen;
  if (month == kShiftTo) amount += shift_fen;
  if (month == kBonusMonth) amount += bonus_fen;
  return amount;
}

int64_t Job::SocialInsuranceBase(absl::CivilMonth month) const {
  if (!social_insurance || month < first || month > last) return 0;
  return social_insurance_base_fen != 0 ? social_insurance_base_fen
                                        : monthly_fen;
}

int64_t BenefitStream::WindowTotal() const {
  int64_t total = 0;
  for (absl::CivilMonth m = FirstWindowMonth(); m <= LastWindowMonth(); ++m) {
    if (m < first || m > last) continue;
    total += monthly_fen;
    if (m >= kRaiseFrom) total += raise_fen;  // with the pension or as back pay
  }
  return total;
}

void EmitJob(FeedWriter& feeds, absl::string_view person_id, const Job& job) {
  for (absl::CivilMonth m = job.first; m <= job.last; ++m) {
    if (job.tax) {
      const int64_t regular =
          job.TaxAmount(m) - (m == kBonusMonth ? job.bonus_fen : 0);
      feeds.Tax(person_id, m, job.income_type, regular, job.employer,
                PayDate(m, job.pay_day));
      if (m == kBonusMonth && job.bonus_fen > 0) {
        // Paid on a day of its own: the tax key includes the pay date.
        feeds.Tax(person_id, m, job.income_type, job.bonus_fen, job.employer,
                  PayDate(m, job.pay_day == 8 ? 9 : 8));
      }
    }
    if (job.income_type != store::WAGE) continue;
    if (job.social_insurance) {
      feeds.SocialInsurance(person_id, m, job.SocialInsuranceBase(m),
                            job.employer);
    }
    if (job.housing_fund) {
      feeds.HousingFund(person_id, m,
                        job.housing_fund_base_fen != 0
                            ? job.housing_fund_base_fen
                            : job.monthly_fen,
                        job.employer);
    }
  }
}

void EmitBenefit(FeedWriter& feeds, absl::string_view person_id,
                 const BenefitStream& benefit) {
  for (absl::CivilMonth m = benefit.first; m <= benefit.last; ++m) {
    const bool raised = benefit.raise_fen > 0 && m >= kRaisePaidFrom;
    feeds.Benefit(person_id, m, benefit.type,
                  benefit.monthly_fen + (raised ? benefit.raise_fen : 0),
                  PayDate(m, 15), benefit.payer);
    if (benefit.raise_fen > 0 && m >= kRaiseFrom && m < kRaisePaidFrom) {
      feeds.Benefit(person_id, m, benefit.type, benefit.raise_fen, kBackPayDate,
                    benefit.payer);
    }
  }
}

int64_t WindowWageEvidence(const std::vector<Job>& jobs) {
  int64_t total = 0;
  for (absl::CivilMonth m = FirstWindowMonth(); m <= LastWindowMonth(); ++m) {
    int64_t tax = 0;
    bool tax_present = false;
    int64_t social_insurance = 0;
    for (const Job& job : jobs) {
      if (job.income_type != store::WAGE) continue;
      if (job.tax && m >= job.first && m <= job.last) {
        tax_present = true;
        tax += job.TaxAmount(m);
      }
      social_insurance += job.SocialInsuranceBase(m);
    }
    total += tax_present ? tax : social_insurance;
  }
  return total;
}

int64_t WindowTaxIncome(const std::vector<Job>& jobs,
                        store::TaxIncomeType type) {
  int64_t total = 0;
  for (const Job& job : jobs) {
    if (job.income_type != type) continue;
    for (absl::CivilMonth m = FirstWindowMonth(); m <= LastWindowMonth(); ++m) {
      if (InWindow(m)) total += job.TaxAmount(m);
    }
  }
  return total;
}

}  // namespace hedui::datagen
