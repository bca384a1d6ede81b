// Golden reports: a few fixed households whose whole verification report,
// rendered as protobuf text format (UTF-8 kept), must equal a reviewed file
// server/engine/golden/<name>.textproto. Any change to a figure, an evidence
// line, an explanation or the verdict shows up as a diff in review.
//
// To regenerate after an intended change, run
//   HEDUI_UPDATE_GOLDEN=1 ./build/server/engine/hedui_engine_test
//       --gtest_filter='*Golden*'
// which rewrites the files instead of comparing, then review every changed
// line against domain.md before committing (server/engine/golden/README.md).
// The verdict of each household is also stated here, decided by hand, so a
// regenerated file with a different verdict still fails.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/engine/golden/golden_file.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Report;
using testing::HouseholdBuilder;

const absl::CivilDay kDay(2026, 11, 5);  // window 2025-11 .. 2026-10
const absl::CivilMonth kFirst(2025, 11);
const absl::CivilMonth kLast(2026, 10);

// --- Household helpers (synthetic people: HouseholdBuilder's PersonId). ---

// Gives a declared member, and their registration rows, a name.
void Name(HouseholdBuilder& h, const std::string& id, const std::string& name) {
  h.Member(id)->set_name(name);
  for (auto& r : *h.Person(id)->mutable_household_registration()) {
    r.set_name(name);
  }
  for (auto& reg : *h.records().mutable_household_registers()) {
    for (auto& r : *reg.mutable_members()) {
      if (r.person_id() == id) r.set_name(name);
    }
  }
}

std::string Member(HouseholdBuilder& h, absl::CivilDay birth,
                   const std::string& name,
                   hedui::v1::Relation relation = hedui::v1::HEAD,
                   store::ResidenceClass residence = store::URBAN) {
  const std::string id = h.AddMember(birth, relation, residence);
  Name(h, id, name);
  return id;
}

void RegisterIn(HouseholdBuilder& h, const std::string& region,
                store::ResidenceClass residence) {
  h.request().set_region_code(region);
  const auto move = [&](store::HouseholdRegistrationRecord& r) {
    r.set_region_code(region);
    r.set_residence_class(residence);
  };
  for (auto& p : *h.records().mutable_persons()) {
    for (auto& r : *p.mutable_household_registration()) move(r);
  }
  for (auto& reg : *h.records().mutable_household_registers()) {
    for (auto& r : *reg.mutable_members()) move(r);
  }
}

void Married(HouseholdBuilder& h, const std::string& a, const std::string& b,
             absl::CivilDay date) {
  for (const auto& [self, other] : {std::pair(a, b), std::pair(b, a)}) {
    store::MarriageRecord* r = h.Person(self)->add_marriage();
    r->set_person_id(self);
    r->set_spouse_id(other);
    r->set_status(store::MARRIED);
    *r->mutable_date() = hedui::ToProto(date);
  }
}

void TaxWages(HouseholdBuilder& h, const std::string& id,
              absl::CivilMonth first, absl::CivilMonth last, int64_t fen) {
  for (absl::CivilMonth m = first; m <= last; ++m) h.TaxWage(id, m, fen);
}

void SocialInsurance(HouseholdBuilder& h, const std::string& id,
                     absl::CivilMonth first, absl::CivilMonth last,
                     int64_t fen) {
  for (absl::CivilMonth m = first; m <= last; ++m) {
    h.SocialInsurance(id, m, fen);
  }
}

void HousingFund(HouseholdBuilder& h, const std::string& id,
                 absl::CivilMonth first, absl::CivilMonth last, int64_t fen) {
  for (absl::CivilMonth m = first; m <= last; ++m) {
    store::HousingFundRecord* r = h.Person(id)->add_housing_fund();
    r->set_person_id(id);
    *r->mutable_period() = hedui::ToProto(m);
    r->set_deposit_base_fen(fen);
    r->set_employer("单位A");
  }
}

void Deposit(HouseholdBuilder& h, const std::string& id,
             const std::string& institution, const std::string& account,
             int64_t fen) {
  store::FinancialAssetRecord* r = h.Person(id)->add_financial_assets();
  r->set_person_id(id);
  r->set_institution(institution);
  r->set_account(account);
  r->set_asset_type(store::DEPOSIT);
  r->set_balance_fen(fen);
  *r->mutable_balance_date() = hedui::ToProto(absl::CivilDay(2026, 10, 31));
}

void Home(HouseholdBuilder& h, const std::string& id,
          const std::string& certificate, int64_t area_centi_m2,
          int share_per_10000, absl::CivilDay acquired) {
  store::RealEstateRecord* r = h.Person(id)->add_real_estate();
  r->set_person_id(id);
  r->set_property_id(certificate);
  r->set_use(store::RESIDENTIAL);
  r->set_area_centi_m2(area_centi_m2);
  r->set_share_per_10000(share_per_10000);
  *r->mutable_acquired() = hedui::ToProto(acquired);
}

void Vehicle(HouseholdBuilder& h, const std::string& id,
             store::VehicleType type, const std::string& plate) {
  store::VehicleRecord* r = h.Person(id)->add_vehicles();
  r->set_person_id(id);
  r->set_plate(plate);
  r->set_vehicle_type(type);
  *r->mutable_registered() = hedui::ToProto(absl::CivilDay(2021, 4, 1));
}

void Enrollment(HouseholdBuilder& h, const std::string& id,
                hedui::v1::Program program, absl::CivilDay since) {
  store::AssistanceEnrollmentRecord* r =
      h.Person(id)->add_assistance_enrollment();
  r->set_person_id(id);
  r->set_program(program);
  r->set_household_id("JZ-320581-0007");
  *r->mutable_since() = hedui::ToProto(since);
  r->set_status(store::ENROLLED);
}

void Declare(HouseholdBuilder& h, const std::string& id, int64_t wages,
             int64_t transfer = 0) {
  hedui::v1::DeclaredIncome* d =
      h.Member(id)->mutable_declared_monthly_income();
  d->set_wages_fen(wages);
  d->set_transfer_fen(transfer);
}

void DeclareAssets(HouseholdBuilder& h, int64_t financial, int residential,
                   int vehicles) {
  hedui::v1::DeclaredAssets* a = h.request().mutable_declared_assets();
  a->set_financial_assets_fen(financial);
  a->set_residential_properties(residential);
  a->set_vehicles(vehicles);
}

// A 特困 obligor registered in their own household `household`.
std::string Obligor(HouseholdBuilder& h, absl::CivilDay birth, int sequence,
                    const std::string& name,
                    hedui::v1::Obligor::DeclaredStatus declared,
                    store::RegistrationStatus registered,
                    const std::string& household) {
  const std::string id = testing::PersonId(birth, sequence);
  hedui::v1::Obligor* o = h.request().add_obligors();
  o->set_person_id(id);
  o->set_name(name);
  o->set_relation(hedui::v1::CHILD);
  o->set_declared_status(declared);
  store::HouseholdRegistrationRecord* r =
      h.Person(id)->add_household_registration();
  r->set_person_id(id);
  r->set_name(name);
  r->set_household_number(household);
  r->set_relation_to_head(store::HEAD);
  r->set_region_code("320581");
  r->set_residence_class(store::RURAL);
  r->set_status(registered);
  *h.Register(household)->add_members() = *r;
  // Someone missing or in custody cannot sign (domain.md §1).
  if (declared == hedui::v1::Obligor::NORMAL) {
    h.request().mutable_consent()->add_signer_ids(id);
  }
  return id;
}

// --- The households. Each comment gives the figures the report must show.

// 320581 URBAN, 低保 93,000 on 2026-11-05. Wages of the head: tax
// 2025-11 .. 2026-04 at 180,000 (1,080,000), the social-insurance base
// 2026-05 .. 2026-10 at 170,000 (1,020,000; the bases of 2026-03 and 2026-04
// are not counted, those months have tax wages): 2,100,000, monthly 175,000,
// less 10% = 157,500. The spouse's unemployment benefit 2025-11 .. 2026-01 at
// 120,000: 360,000, monthly 30,000. Household 187,500 a month, 3 persons,
// 62,500 < 93,000 (distance 30,500). Deposits 4,200,000 / 3 = 1,400,000
// ≤ 2,232,000. One flat held half and half (68.50 m²), an e-bike (exempt).
HouseholdBuilder DibaoClean() {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string head = Member(h, absl::CivilDay(1980, 5, 5), "陈建国");
  const std::string spouse =
      Member(h, absl::CivilDay(1982, 8, 8), "李秀英", hedui::v1::SPOUSE);
  Member(h, absl::CivilDay(2015, 3, 3), "陈小明", hedui::v1::CHILD);
  Married(h, head, spouse, absl::CivilDay(2008, 10, 1));
  TaxWages(h, head, kFirst, absl::CivilMonth(2026, 4), 180'000);
  SocialInsurance(h, head, absl::CivilMonth(2026, 3), kLast, 170'000);
  HousingFund(h, head, kFirst, absl::CivilMonth(2026, 4), 180'000);
  h.MonthlyPension(spouse, kFirst, absl::CivilMonth(2026, 1), 120'000,
                   store::UNEMPLOYMENT_BENEFIT);
  Deposit(h, head, "农商银行", "6228****1234", 3'000'000);
  Deposit(h, spouse, "工商银行", "6222****5678", 1'200'000);
  Home(h, head, "苏(2013)常熟市不动产权第0012345号", 6'850, 5'000,
       absl::CivilDay(2013, 9, 16));
  Home(h, spouse, "苏(2013)常熟市不动产权第0012345号", 6'850, 5'000,
       absl::CivilDay(2013, 9, 16));
  Vehicle(h, spouse, store::E_BIKE, "常熟D12345");
  Declare(h, head, 175'000);
  Declare(h, spouse, 0, 30'000);
  DeclareAssets(h, 4'200'000, 1, 1);
  return h;
}

// 320581 URBAN, 93,000. The head's tax wages 100,000 a month, as declared.
// The spouse declares no wages; tax shows 260,000 a month 2026-01 .. 2026-10
// (2,600,000; her social-insurance bases of those months are not added).
// Wages 3,800,000 × 0.9 = 3,420,000, monthly 285,000, 3 persons: 95,000,
// not below 93,000 (distance −2,000). Declared: 1,200,000 × 0.9 / 12 / 3 =
// 30,000 would pass, so the spouse's discrepancy changes the outcome; the
// departments prevail: INCOME FAIL, DOES_NOT_MEET.
HouseholdBuilder DibaoUndeclaredWages() {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string head = Member(h, absl::CivilDay(1976, 9, 12), "王伟");
  const std::string spouse =
      Member(h, absl::CivilDay(1978, 1, 20), "刘芳", hedui::v1::SPOUSE);
  Member(h, absl::CivilDay(2010, 7, 1), "王子涵", hedui::v1::CHILD);
  Married(h, head, spouse, absl::CivilDay(2005, 5, 1));
  TaxWages(h, head, kFirst, kLast, 100'000);
  TaxWages(h, spouse, absl::CivilMonth(2026, 1), kLast, 260'000);
  SocialInsurance(h, spouse, absl::CivilMonth(2026, 1), kLast, 250'000);
  Declare(h, head, 100'000);
  Declare(h, spouse, 0);
  return h;
}

// 特困, 320581 RURAL: 低保 70,000. An 82-year-old (cannot work: 60+) living
// alone; her residents' basic pension (23,000 a month) is not income; rent
// of 120,000 for 2026-06 is property income, 10,000 a month < 70,000.
// Deposit 300,000 ≤ 24 × 70,000 = 1,680,000; one house. Obligors: a
// daughter of 61 enrolled in 低保 (a 低保 recipient aged 60+: cannot
// support) and a son declared in custody, confirmed by the registration.
HouseholdBuilder Tekun() {
  HouseholdBuilder h(hedui::v1::TEKUN, kDay);
  const std::string id = Member(h, absl::CivilDay(1944, 3, 10), "周桂兰",
                                hedui::v1::HEAD, store::RURAL);
  h.MonthlyPension(id, kFirst, kLast, 23'000, store::RESIDENTS_BASIC_PENSION);
  h.TaxWage(id, absl::CivilMonth(2026, 6), 120'000, store::PROPERTY_INCOME);
  Deposit(h, id, "农商银行", "6228****0001", 300'000);
  Home(h, id, "苏(2009)常熟市不动产权第0004567号", 9'600, 10'000,
       absl::CivilDay(2009, 4, 20));
  DeclareAssets(h, 300'000, 1, 0);
  h.Member(id)->mutable_declared_monthly_income()->set_property_fen(10'000);
  const std::string daughter =
      Obligor(h, absl::CivilDay(1965, 7, 20), 101, "吴美华",
              hedui::v1::Obligor::NORMAL, store::NORMAL, "H2");
  Enrollment(h, daughter, hedui::v1::DIBAO, absl::CivilDay(2023, 1, 1));
  Obligor(h, absl::CivilDay(1968, 12, 1), 102, "吴志强",
          hedui::v1::Obligor::IN_CUSTODY, store::IN_CUSTODY, "H3");
  return h;
}

// 住房救助, 320582 URBAN: 87,000, margin line 130,500. The head's tax wages
// 230,000 a month (2,760,000) and the spouse's social-insurance base 140,000
// (1,680,000): 4,440,000 × 0.9 / 12 = 333,000, 3 persons: 111,000 < 130,500.
// A 38.40 m² flat, the head's alone: 3,840 / 3 = 1,280 < 1,500 (15 m²).
// Deposits 1,500,000 / 3 = 500,000 ≤ 24 × 87,000 = 2,088,000. A motorcycle.
HouseholdBuilder Housing() {
  HouseholdBuilder h(hedui::v1::HOUSING, kDay);
  const std::string head = Member(h, absl::CivilDay(1985, 2, 14), "孙立");
  const std::string spouse =
      Member(h, absl::CivilDay(1987, 6, 30), "郑丽", hedui::v1::SPOUSE);
  Member(h, absl::CivilDay(2019, 9, 9), "孙悦", hedui::v1::CHILD);
  Married(h, head, spouse, absl::CivilDay(2016, 4, 18));
  TaxWages(h, head, kFirst, kLast, 230'000);
  SocialInsurance(h, spouse, kFirst, kLast, 140'000);
  Deposit(h, head, "张家港农商银行", "6228****4321", 1'500'000);
  Home(h, head, "苏(2018)张家港市不动产权第0098765号", 3'840, 10'000,
       absl::CivilDay(2018, 7, 2));
  Vehicle(h, spouse, store::MOTORCYCLE, "苏E·M8888");
  Declare(h, head, 230'000);
  Declare(h, spouse, 140'000);
  DeclareAssets(h, 1'500'000, 1, 1);
  RegisterIn(h, "320582", store::URBAN);
  return h;
}

// 医疗救助, 320581 URBAN. The head is an enrolled 低保 recipient: ENROLLMENT
// PASS, income and assets not judged (the car is shown in the assets only).
HouseholdBuilder MedicalEnrolled() {
  HouseholdBuilder h(hedui::v1::MEDICAL, kDay);
  const std::string head = Member(h, absl::CivilDay(1958, 4, 4), "赵德明");
  const std::string spouse =
      Member(h, absl::CivilDay(1960, 10, 10), "钱淑珍", hedui::v1::SPOUSE);
  Married(h, head, spouse, absl::CivilDay(1983, 1, 8));
  h.MonthlyPension(head, kFirst, kLast, 80'000);
  Enrollment(h, head, hedui::v1::DIBAO, absl::CivilDay(2024, 3, 1));
  Deposit(h, spouse, "建设银行", "6217****9999", 100'000);
  Vehicle(h, head, store::CAR, "苏E·B2468");
  Declare(h, head, 0, 80'000);
  DeclareAssets(h, 100'000, 0, 1);
  return h;
}

// 工会困难职工帮扶, 320581 URBAN: deep < 93,000, relative < 186,000. The
// head's tax wages 400,000 a month: × 0.9 × 12 = 4,320,000 a year; rigid
// spending declared 200,000 medical + 100,000 education = 300,000:
// (4,320,000 − 300,000) / 12 / 3 = 111,666.66…: relative, not deep. The
// car is reported, not judged.
HouseholdBuilder UnionHardship() {
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string head = Member(h, absl::CivilDay(1979, 11, 11), "马强");
  const std::string spouse =
      Member(h, absl::CivilDay(1981, 3, 21), "杨慧", hedui::v1::SPOUSE);
  Member(h, absl::CivilDay(2009, 12, 12), "马一鸣", hedui::v1::CHILD);
  Married(h, head, spouse, absl::CivilDay(2006, 6, 6));
  TaxWages(h, head, kFirst, kLast, 400'000);
  Vehicle(h, head, store::CAR, "苏E·C1357");
  Declare(h, head, 400'000);
  DeclareAssets(h, 0, 0, 1);
  h.request().mutable_rigid_spending()->set_medical_fen(200'000);
  h.request().mutable_rigid_spending()->set_education_fen(100'000);
  return h;
}

// 低保, 320582 RURAL on 2026-08-20, before the raise: 62,000. All data as
// of 2026-08-15 except social insurance, as of 2026-06-10: 71 days old,
// over its 62: income is unknown (missing is not zero), NEEDS_REVIEW.
HouseholdBuilder DibaoStaleDepartment() {
  HouseholdBuilder h(hedui::v1::DIBAO, absl::CivilDay(2026, 8, 20),
                     absl::CivilDay(2026, 8, 15));
  const std::string head = Member(h, absl::CivilDay(1990, 3, 3), "林燕",
                                  hedui::v1::HEAD, store::RURAL);
  Member(h, absl::CivilDay(2018, 4, 4), "林乐乐", hedui::v1::CHILD,
         store::RURAL);
  SocialInsurance(h, head, absl::CivilMonth(2025, 8), absl::CivilMonth(2026, 5),
                  65'000);
  Declare(h, head, 55'000);
  h.SetAsOf(hedui::v1::SOCIAL_INSURANCE, absl::CivilDay(2026, 6, 10));
  RegisterIn(h, "320582", store::RURAL);
  return h;
}

struct GoldenCase {
  const char* name;  // the file's base name
  HouseholdBuilder (*build)();
  hedui::v1::Verdict verdict;  // decided by hand
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

const GoldenCase kCases[] = {
    {"dibao_clean", DibaoClean, hedui::v1::MEETS_CRITERIA},
    {"dibao_undeclared_wages", DibaoUndeclaredWages, hedui::v1::DOES_NOT_MEET},
    {"tekun", Tekun, hedui::v1::MEETS_CRITERIA},
    {"housing", Housing, hedui::v1::MEETS_CRITERIA},
    {"medical_enrolled", MedicalEnrolled, hedui::v1::MEETS_CRITERIA},
    {"union_hardship", UnionHardship, hedui::v1::MEETS_CRITERIA},
    {"dibao_stale_department", DibaoStaleDepartment, hedui::v1::NEEDS_REVIEW},
};

class GoldenReport : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenReport, MatchesTheReviewedText) {
  const GoldenCase& golden = GetParam();
  const Report report = golden.build().Evaluate();
  EXPECT_EQ(hedui::v1::Verdict_Name(report.verdict()),
            hedui::v1::Verdict_Name(golden.verdict))
      << report.summary();
  ExpectMatchesGolden(golden.name, report);
}

INSTANTIATE_TEST_SUITE_P(Households, GoldenReport, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace hedui::engine
