#ifndef HEDUI_TESTS_DATAGEN_EXAMPLE_POLICY_H_
#define HEDUI_TESTS_DATAGEN_EXAMPLE_POLICY_H_

// The example county's policy: every threshold the generated labels depend
// on, in one place, so the engine's example policy file can carry the same
// values. Money is integer fen, areas are 0.01 m².

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::datagen {

// The two example counties (domain.md §6: standards are set per 6-digit
// region code): 常熟市 and 张家港市.
inline constexpr absl::string_view kRegionChangshu = "320581";
inline constexpr absl::string_view kRegionZhangjiagang = "320582";

// A monthly amount with one mid-year change (domain.md §6: standards change
// mid-year; a verification uses the value in force on its date).
struct DatedAmount {
  int64_t before_fen;
  int64_t from_fen;
  int from_year;
  int from_month;
  int from_day;

  int64_t On(absl::CivilDay day) const {
    return day < absl::CivilDay(from_year, from_month, from_day) ? before_fen
                                                                 : from_fen;
  }
};

struct RegionStandards {
  absl::string_view region;
  DatedAmount dibao_urban;  // 低保 standard (domain.md §1, §6)
  DatedAmount dibao_rural;
  DatedAmount tekun_urban;  // 特困 support level (domain.md §6)
  DatedAmount tekun_rural;
};

inline constexpr RegionStandards kRegionStandards[] = {
    {kRegionChangshu,
     {88500, 93000, 2026, 7, 1},
     {66000, 70000, 2026, 7, 1},
     {115000, 121000, 2026, 7, 1},
     {86000, 91000, 2026, 7, 1}},
    {kRegionZhangjiagang,
     {84000, 87000, 2026, 9, 1},
     {62000, 65000, 2026, 9, 1},
     {109000, 113000, 2026, 9, 1},
     {81000, 85000, 2026, 9, 1}},
};

// 低保 standard (fen a month per person) in force on `day`; 0 for an unknown
// region.
inline int64_t DibaoStandardFen(absl::string_view region, bool urban,
                                absl::CivilDay day) {
  for (const RegionStandards& r : kRegionStandards) {
    if (r.region == region) {
      return (urban ? r.dibao_urban : r.dibao_rural).On(day);
    }
  }
  return 0;
}

// 低保边缘 income line: 1.5 × the 低保 standard (domain.md §1, §5, §6).
inline constexpr int kMarginMultiplePercent = 150;
// Trade-union relative hardship: below 2 × the standard (domain.md §5, §6).
inline constexpr int kUnionRelativeMultiple = 2;
// Employment cost: 10% of any wage income is deducted (domain.md §4, §6).
inline constexpr int kEmploymentCostPercent = 10;
// Look-back window: the 12 full months before the verification month
// (domain.md §4, §6).
inline constexpr int kLookBackMonths = 12;
// Consent validity (domain.md §1, §6).
inline constexpr int kConsentValidityMonths = 12;
// Financial assets per capita at most 24 × the monthly 低保 standard
// (domain.md §5).
inline constexpr int kFinancialAssetsMultiple = 24;
// Individual business (个体工商户) capital up to 100,000 CNY may be exempted on
// review (domain.md §5).
inline constexpr int64_t kIndividualBusinessCapitalLimitFen = 10'000'000;
// Housing assistance: residential floor area per member below 15 m²
// (domain.md §5).
inline constexpr int64_t kHousingAreaLimitCentiM2PerMember = 1500;
// Temporary assistance: last year's local per-capita disposable income
// (domain.md §5).
inline constexpr int64_t kTemporaryAnnualIncomeFen = 3'600'000;
// The residents' basic pension is not income (domain.md §4, "configurable,
// currently yes").
inline constexpr bool kResidentsBasicPensionExcluded = true;
// Adults sign the consent (domain.md §1).
inline constexpr int kAdultAge = 18;
// 特困 "cannot work": aged 60+ or under 16 (domain.md §5).
inline constexpr int kCannotWorkOldAge = 60;
inline constexpr int kCannotWorkYoungAge = 16;

// Maximum data age in days per department; stale when age > max (domain.md
// §6: age equal to the maximum is fresh).
struct MaxDataAge {
  hedui::v1::Department department;
  int days;
};
inline constexpr MaxDataAge kMaxDataAge[] = {
    {hedui::v1::HOUSEHOLD_REGISTRATION, 31},
    {hedui::v1::MARRIAGE, 31},
    {hedui::v1::DEATH, 31},
    {hedui::v1::SOCIAL_INSURANCE, 62},
    {hedui::v1::BENEFITS, 62},
    {hedui::v1::TAX, 62},
    {hedui::v1::HOUSING_FUND, 62},
    {hedui::v1::REAL_ESTATE, 92},
    {hedui::v1::VEHICLES, 92},
    {hedui::v1::BUSINESS, 92},
    {hedui::v1::FINANCIAL_ASSETS, 31},
    {hedui::v1::DISABILITY, 92},
    {hedui::v1::ASSISTANCE_ENROLLMENT, 31},
};

inline int MaxDataAgeDays(hedui::v1::Department department) {
  for (const MaxDataAge& m : kMaxDataAge) {
    if (m.department == department) return m.days;
  }
  return 0;
}

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_EXAMPLE_POLICY_H_
