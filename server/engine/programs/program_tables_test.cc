// Verdict tables, one per program (domain.md §5 "Which tests apply", §7).
// Each row is a household, the verdict expected, and the result of every
// criterion the program's report must carry: the criteria listed for the
// row that are not named in its "not PASS" list must be PASS, and no other
// criterion may be present. Every expected result is worked out by hand from
// domain.md and the example policy (deploy/policy/example.textproto); the
// arithmetic is in the comment above the row. Nothing here asks the engine
// what the answer is.
//
// The day is 2026-11-05 unless a row says otherwise: look-back window
// 2025-11 .. 2026-10 (12 months), every department's data as of 2026-11-01
// (4 days old, fresh), and 低保 standards in force: 320581 URBAN 93,000 fen,
// RURAL 70,000; 320582 URBAN 87,000, RURAL 65,000. Wages count at 90% (10%
// employment cost).
#include <algorithm>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Finding;
using hedui::v1::Report;
using hedui::v1::UnionTier;
using hedui::v1::Verdict;
using testing::HouseholdBuilder;

using Criterion = Finding::Criterion;
using Results = std::vector<std::pair<Criterion, Finding::Result>>;

constexpr Finding::Result PASS = Finding::PASS;
constexpr Finding::Result FAIL = Finding::FAIL;
constexpr Finding::Result UNKNOWN = Finding::UNKNOWN;
constexpr Finding::Result REVIEW = Finding::REVIEW;
constexpr Verdict MEETS = hedui::v1::MEETS_CRITERIA;
constexpr Verdict NOT_MEET = hedui::v1::DOES_NOT_MEET;
constexpr Verdict NEEDS_REVIEW = hedui::v1::NEEDS_REVIEW;

const absl::CivilDay kDay(2026, 11, 5);
const absl::CivilMonth kFirst(2025, 11);  // the window of kDay
const absl::CivilMonth kLast(2026, 10);

// Wide enough to cover every window used below (the earliest is 2025-06).
const absl::CivilMonth kAlwaysFrom(2025, 1);
const absl::CivilMonth kAlwaysTo(2026, 10);

const absl::CivilDay kHeadBirth(1980, 5, 5);    // 46 on kDay
const absl::CivilDay kSpouseBirth(1982, 8, 8);  // 44
const absl::CivilDay kChildBirth(2015, 3, 3);   // 11
const absl::CivilDay kElderBirth(1954, 3, 1);   // 72

// The criteria of each program, in report order. Non-enrolled 医疗救助:
// income and the asset tests.
const std::vector<Criterion> kAssetsJudged = {Finding::CONSENT,
                                              Finding::COMPOSITION,
                                              Finding::INCOME,
                                              Finding::FINANCIAL_ASSETS,
                                              Finding::RESIDENTIAL_PROPERTY,
                                              Finding::NON_RESIDENTIAL_PROPERTY,
                                              Finding::VEHICLES,
                                              Finding::BUSINESS};
// 低保 and margin: the asset tests and 一人一保 (domain.md §10).
const std::vector<Criterion> kExclusive = {Finding::CONSENT,
                                           Finding::COMPOSITION,
                                           Finding::INCOME,
                                           Finding::FINANCIAL_ASSETS,
                                           Finding::RESIDENTIAL_PROPERTY,
                                           Finding::NON_RESIDENTIAL_PROPERTY,
                                           Finding::VEHICLES,
                                           Finding::BUSINESS,
                                           Finding::DUPLICATE_ENROLLMENT};
const std::vector<Criterion> kTekun = {Finding::CONSENT,
                                       Finding::COMPOSITION,
                                       Finding::INCOME,
                                       Finding::FINANCIAL_ASSETS,
                                       Finding::RESIDENTIAL_PROPERTY,
                                       Finding::NON_RESIDENTIAL_PROPERTY,
                                       Finding::VEHICLES,
                                       Finding::BUSINESS,
                                       Finding::CANNOT_WORK,
                                       Finding::OBLIGORS,
                                       Finding::DUPLICATE_ENROLLMENT};
const std::vector<Criterion> kHousing = {Finding::CONSENT,
                                         Finding::COMPOSITION,
                                         Finding::INCOME,
                                         Finding::FINANCIAL_ASSETS,
                                         Finding::RESIDENTIAL_PROPERTY,
                                         Finding::NON_RESIDENTIAL_PROPERTY,
                                         Finding::VEHICLES,
                                         Finding::BUSINESS,
                                         Finding::HOUSING_NEED};
const std::vector<Criterion> kIncomeOnly = {
    Finding::CONSENT, Finding::COMPOSITION, Finding::INCOME};
const std::vector<Criterion> kMedicalEnrolled = {
    Finding::CONSENT, Finding::COMPOSITION, Finding::ENROLLMENT};
// Enrollment data unusable: ENROLLMENT is UNKNOWN and everything is judged.
const std::vector<Criterion> kMedicalEnrollmentUnknown = {
    Finding::CONSENT,
    Finding::COMPOSITION,
    Finding::INCOME,
    Finding::FINANCIAL_ASSETS,
    Finding::RESIDENTIAL_PROPERTY,
    Finding::NON_RESIDENTIAL_PROPERTY,
    Finding::VEHICLES,
    Finding::BUSINESS,
    Finding::ENROLLMENT};

// --- Building households. ---

std::string Id(HouseholdBuilder& h, int member) {
  return h.request().members(member).person_id();
}

void MonthlyWages(HouseholdBuilder& h, const std::string& id,
                  absl::CivilMonth first, absl::CivilMonth last, int64_t fen) {
  for (absl::CivilMonth m = first; m <= last; ++m) h.TaxWage(id, m, fen);
}

void Deposit(HouseholdBuilder& h, const std::string& id, int64_t fen) {
  store::FinancialAssetRecord* r = h.Person(id)->add_financial_assets();
  r->set_person_id(id);
  r->set_institution("银行A");
  r->set_account(absl::StrCat("62****", h.Person(id)->financial_assets_size()));
  r->set_asset_type(store::DEPOSIT);
  r->set_balance_fen(fen);
  *r->mutable_balance_date() = hedui::ToProto(absl::CivilDay(2026, 10, 31));
}

void Vehicle(HouseholdBuilder& h, const std::string& id,
             store::VehicleType type, const std::string& plate) {
  store::VehicleRecord* r = h.Person(id)->add_vehicles();
  r->set_person_id(id);
  r->set_plate(plate);
  r->set_vehicle_type(type);
  *r->mutable_registered() = hedui::ToProto(absl::CivilDay(2021, 4, 1));
}

void Property(HouseholdBuilder& h, const std::string& id,
              const std::string& certificate, store::PropertyUse use,
              int64_t area_centi_m2, int share_per_10000 = 10000) {
  store::RealEstateRecord* r = h.Person(id)->add_real_estate();
  r->set_person_id(id);
  r->set_property_id(certificate);
  r->set_use(use);
  r->set_area_centi_m2(area_centi_m2);
  r->set_share_per_10000(share_per_10000);
  *r->mutable_acquired() = hedui::ToProto(absl::CivilDay(2012, 6, 1));
}

void Enterprise(HouseholdBuilder& h, const std::string& id,
                store::EnterpriseType type, store::BusinessRole role,
                int64_t capital_fen, store::EnterpriseStatus status) {
  store::BusinessRecord* r = h.Person(id)->add_business();
  r->set_person_id(id);
  r->set_enterprise_id("92320581MA1XXXXX0Y");
  r->set_enterprise_name("某某商行");
  r->set_enterprise_type(type);
  r->set_role(role);
  r->set_registered_capital_fen(capital_fen);
  r->set_status(status);
}

void Disability(HouseholdBuilder& h, const std::string& id,
                store::DisabilityCategory category, int grade) {
  store::DisabilityRecord* r = h.Person(id)->add_disability();
  r->set_person_id(id);
  r->set_category(category);
  r->set_grade(grade);
}

// Enrolled under 户号 `household`; the families below are registered in H1.
void Enrollment(HouseholdBuilder& h, const std::string& id,
                hedui::v1::Program program, store::EnrollmentStatus status,
                const std::string& household = "JZ-0001") {
  store::AssistanceEnrollmentRecord* r =
      h.Person(id)->add_assistance_enrollment();
  r->set_person_id(id);
  r->set_program(program);
  r->set_household_id(household);
  *r->mutable_since() = hedui::ToProto(absl::CivilDay(2024, 3, 1));
  r->set_status(status);
}

void Marriage(HouseholdBuilder& h, const std::string& id,
              const std::string& spouse) {
  store::MarriageRecord* r = h.Person(id)->add_marriage();
  r->set_person_id(id);
  r->set_spouse_id(spouse);
  r->set_status(store::MARRIED);
  *r->mutable_date() = hedui::ToProto(absl::CivilDay(2004, 10, 1));
}

// Every registration row (the persons' and the registers') moves to
// `region`/`residence`: the standards applied are the applicant's
// registration's (domain.md §2).
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

// A 特困 obligor registered in household H2 with `registered` status. Those
// declared present sign the consent (domain.md §1); those declared missing or
// in custody cannot.
std::string AddObligor(HouseholdBuilder& h, absl::CivilDay birth, int sequence,
                       hedui::v1::Obligor::DeclaredStatus declared,
                       store::RegistrationStatus registered,
                       hedui::v1::Relation relation = hedui::v1::CHILD) {
  const std::string id = testing::PersonId(birth, sequence);
  hedui::v1::Obligor* o = h.request().add_obligors();
  o->set_person_id(id);
  o->set_name("王五");
  o->set_relation(relation);
  o->set_declared_status(declared);
  store::HouseholdRegistrationRecord* r =
      h.Person(id)->add_household_registration();
  r->set_person_id(id);
  r->set_name("王五");
  r->set_household_number("H2");
  r->set_relation_to_head(store::HEAD);
  r->set_region_code("320581");
  r->set_residence_class(store::URBAN);
  r->set_status(registered);
  *h.Register("H2")->add_members() = *r;
  if (declared == hedui::v1::Obligor::NORMAL) {
    h.request().mutable_consent()->add_signer_ids(id);
  }
  return id;
}

// The declared spouse of the last obligor; they sign, and the two are
// married per the marriage register.
std::string AddObligorSpouse(HouseholdBuilder& h, absl::CivilDay birth,
                             int sequence) {
  const std::string id = testing::PersonId(birth, sequence);
  hedui::v1::Obligor* o =
      h.request().mutable_obligors(h.request().obligors_size() - 1);
  o->mutable_spouse()->set_person_id(id);
  o->mutable_spouse()->set_name("赵六");
  h.request().mutable_consent()->add_signer_ids(id);
  Marriage(h, o->person_id(), id);
  Marriage(h, id, o->person_id());
  return id;
}

// Head 46, spouse 44, child 11, 320581 URBAN; the head earns 150,000 a month
// through the window and nobody else has income:
// 150,000 × 12 × 0.9 / 12 / 3 = 45,000 a person a month.
HouseholdBuilder Family(hedui::v1::Program program) {
  HouseholdBuilder h(program, kDay);
  const std::string head = h.AddMember(kHeadBirth);
  const std::string spouse = h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
  h.AddMember(kChildBirth, hedui::v1::CHILD);
  Marriage(h, head, spouse);
  Marriage(h, spouse, head);
  MonthlyWages(h, head, kFirst, kLast, 150'000);
  return h;
}

// One adult with an employee pension of `fen` every month of any window.
HouseholdBuilder Pensioner(hedui::v1::Program program, int64_t fen,
                           absl::CivilDay day = kDay,
                           absl::CivilDay as_of = absl::CivilDay(2026, 11, 1)) {
  HouseholdBuilder h(program, day, as_of);
  const std::string id = h.AddMember(kHeadBirth);
  h.MonthlyPension(id, kAlwaysFrom, kAlwaysTo, fen);
  return h;
}

// --- The table machinery. ---

struct Row {
  std::string name;
  std::vector<Criterion> criteria;  // every criterion the report must carry
  HouseholdBuilder (*build)() = nullptr;
  Verdict verdict = hedui::v1::VERDICT_UNSPECIFIED;
  Results not_pass;  // the criteria above whose result is not PASS
  UnionTier tier = hedui::v1::UNION_TIER_UNSPECIFIED;
  bool after_the_fact = false;
  std::string income_threshold;  // INCOME's threshold as shown, when checked
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

Row Case(std::string name, std::vector<Criterion> criteria,
         HouseholdBuilder (*build)(), Verdict verdict, Results not_pass = {}) {
  Row row;
  row.name = std::move(name);
  row.criteria = std::move(criteria);
  row.build = build;
  row.verdict = verdict;
  row.not_pass = std::move(not_pass);
  return row;
}
Row WithTier(Row row, UnionTier tier) {
  row.tier = tier;
  return row;
}
Row AfterTheFact(Row row) {
  row.after_the_fact = true;
  return row;
}
Row IncomeThreshold(Row row, std::string shown) {
  row.income_threshold = std::move(shown);
  return row;
}

std::string Line(Criterion c, Finding::Result r) {
  return absl::StrCat(Finding::Criterion_Name(c), "=", Finding::Result_Name(r));
}

std::string Expected(const Row& row) {
  std::vector<std::string> lines;
  for (Criterion c : row.criteria) {
    Finding::Result result = PASS;
    for (const auto& [criterion, r] : row.not_pass) {
      if (criterion == c) result = r;
    }
    lines.push_back(Line(c, result));
  }
  return absl::StrJoin(lines, " ");
}

std::string Actual(const Report& report) {
  std::vector<std::string> lines;
  for (const Finding& f : report.findings()) {
    lines.push_back(Line(f.criterion(), f.result()));
  }
  return absl::StrJoin(lines, " ");
}

void CheckRow(const Row& row) {
  for (const auto& [criterion, result] : row.not_pass) {
    ASSERT_NE(std::find(row.criteria.begin(), row.criteria.end(), criterion),
              row.criteria.end())
        << "table error: " << Finding::Criterion_Name(criterion)
        << " is not a criterion of the row";
  }
  const HouseholdBuilder h = row.build();
  const Report report = h.Evaluate();
  SCOPED_TRACE(report.summary());
  EXPECT_EQ(Actual(report), Expected(row));
  EXPECT_EQ(hedui::v1::Verdict_Name(report.verdict()),
            hedui::v1::Verdict_Name(row.verdict));
  EXPECT_EQ(hedui::v1::UnionTier_Name(report.union_tier()),
            hedui::v1::UnionTier_Name(row.tier));
  EXPECT_EQ(report.verified_after_the_fact(), row.after_the_fact);
  if (!row.income_threshold.empty()) {
    const Finding* income = testing::FindingOf(report, Finding::INCOME);
    ASSERT_NE(income, nullptr);
    EXPECT_EQ(income->threshold().shown(), row.income_threshold);
  }
}

std::string RowName(const ::testing::TestParamInfo<Row>& info) {
  return info.param.name;
}

// --- 低保 (DIBAO): income below the standard, all asset tests. ---

std::vector<Row> DibaoRows() {
  using hedui::v1::DIBAO;
  using hedui::v1::LOW_INCOME_MARGIN;
  using hedui::v1::TEKUN;
  return {
      // 45,000 < 93,000; no assets, registers agree.
      Case(
          "CleanFamily", kExclusive, [] { return Family(DIBAO); }, MEETS),
      // Consent for 12 months: signed 2025-11-06, valid through 2026-11-05,
      // the day itself.
      Case(
          "ConsentValidThroughTheDay", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            *h.request().mutable_consent()->mutable_signed_on() =
                hedui::ToProto(absl::CivilDay(2025, 11, 6));
            return h;
          },
          MEETS),
      // Signed 2025-11-05: valid through 2026-11-04, expired on the day.
      // (The service refuses such a request before evaluating it; the
      // engine still records the failed criterion.)
      Case("ConsentExpiredTheDayBefore", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             *h.request().mutable_consent()->mutable_signed_on() =
                 hedui::ToProto(absl::CivilDay(2025, 11, 5));
             return h;
           },
           NOT_MEET, {{Finding::CONSENT, FAIL}}),
      // The adult spouse did not sign.
      Case("ConsentWithoutTheSpouse", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             h.request().mutable_consent()->mutable_signer_ids()->RemoveLast();
             return h;
           },
           NOT_MEET, {{Finding::CONSENT, FAIL}}),
      // Two adults, 2,479,999 of wages in one month: × 0.9 = 2,231,999.1
      // < 93,000 × 12 × 2 = 2,232,000.
      Case(
          "TwoAdultsOneFenBelow", kExclusive,
          [] {
            HouseholdBuilder h(DIBAO, kDay);
            const std::string head = h.AddMember(kHeadBirth);
            h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
            h.TaxWage(head, absl::CivilMonth(2026, 3), 2'479'999);
            return h;
          },
          MEETS),
      // 2,480,000 × 0.9 = 2,232,000: equal to the standard is not below it.
      Case("TwoAdultsAtTheStandard", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
             h.TaxWage(head, absl::CivilMonth(2026, 3), 2'480'000);
             return h;
           },
           NOT_MEET, {{Finding::INCOME, FAIL}}),
      // An undeclared car of the spouse's: department data prevail.
      Case("HiddenCar", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Vehicle(h, Id(h, 1), store::CAR, "苏E·A1234");
             return h;
           },
           NOT_MEET, {{Finding::VEHICLES, FAIL}}),
      // Motorcycles and e-bikes are exempt.
      Case(
          "MotorcycleAndEBikeExempt", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Vehicle(h, Id(h, 0), store::MOTORCYCLE, "苏E·M0001");
            Vehicle(h, Id(h, 1), store::E_BIKE, "苏E·D0002");
            h.request().mutable_declared_assets()->set_vehicles(2);
            return h;
          },
          MEETS),
      // Cap 24 × 93,000 = 2,232,000 a person; 3 persons: 6,696,000 in all,
      // held here exactly (4,000,000 + 2,696,000).
      Case(
          "DepositsAtTheCap", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Deposit(h, Id(h, 0), 4'000'000);
            Deposit(h, Id(h, 1), 2'696'000);
            h.request().mutable_declared_assets()->set_financial_assets_fen(
                6'696'000);
            return h;
          },
          MEETS),
      // One fen more: 6,696,001 / 3 = 2,232,000.33 > 2,232,000.
      Case("DepositsOneFenOverTheCap", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Deposit(h, Id(h, 0), 4'000'001);
             Deposit(h, Id(h, 1), 2'696'000);
             h.request().mutable_declared_assets()->set_financial_assets_fen(
                 6'696'001);
             return h;
           },
           NOT_MEET, {{Finding::FINANCIAL_ASSETS, FAIL}}),
      // The marriage register shows the applicant married to a person the
      // request does not declare. Income 50,000 × 0.9 = 45,000 < 93,000.
      Case("UndeclaredSpouse", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             MonthlyWages(h, head, kFirst, kLast, 50'000);
             Marriage(h, head, testing::PersonId(kSpouseBirth, 901));
             return h;
           },
           NEEDS_REVIEW, {{Finding::COMPOSITION, REVIEW}}),
      // A minor registered under the applicant's 户号 and not declared.
      Case("UndeclaredMinorInTheRegister", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             MonthlyWages(h, head, kFirst, kLast, 50'000);
             store::HouseholdRegistrationRecord* r =
                 h.Register("H1")->add_members();
             r->set_person_id(testing::PersonId(kChildBirth, 902));
             r->set_name("张小");
             r->set_household_number("H1");
             r->set_relation_to_head(store::CHILD);
             r->set_region_code("320581");
             r->set_residence_class(store::URBAN);
             r->set_status(store::NORMAL);
             return h;
           },
           NEEDS_REVIEW, {{Finding::COMPOSITION, REVIEW}}),
      // A spouse who died on 2026-05-01 is left out with their wages:
      // 50,000 × 0.9 = 45,000 for the head alone < 93,000. Counted, their
      // 6 × 400,000 would fail it: (600,000 + 2,400,000) × 0.9 / 12 / 2 =
      // 112,500. Composition needs review.
      Case("DeceasedSpouseLeftOut", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             const std::string spouse =
                 h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
             MonthlyWages(h, head, kFirst, kLast, 50'000);
             MonthlyWages(h, spouse, kFirst, absl::CivilMonth(2026, 4),
                          400'000);
             store::DeathRecord* d = h.Person(spouse)->add_death();
             d->set_person_id(spouse);
             *d->mutable_date_of_death() =
                 hedui::ToProto(absl::CivilDay(2026, 5, 1));
             return h;
           },
           NEEDS_REVIEW, {{Finding::COMPOSITION, REVIEW}}),
      // Tax data as of 2026-09-03: 63 days old on 2026-11-05, over 62.
      Case("StaleTaxData", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             h.SetAsOf(hedui::v1::TAX, absl::CivilDay(2026, 9, 3));
             return h;
           },
           NEEDS_REVIEW, {{Finding::INCOME, UNKNOWN}}),
      // As of 2026-09-04: 62 days, equal to the maximum, still fresh.
      Case(
          "TaxDataAtMaximumAge", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            h.SetAsOf(hedui::v1::TAX, absl::CivilDay(2026, 9, 4));
            return h;
          },
          MEETS),
      // No vehicle data: no record is not no car.
      Case("MissingVehicleData", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             h.RemoveDepartment(hedui::v1::VEHICLES);
             return h;
           },
           NEEDS_REVIEW, {{Finding::VEHICLES, UNKNOWN}}),
      // Active 个体工商户 with capital 10,000,000 = the limit: may be exempted,
      // a person judges.
      Case("IndividualBusinessAtTheLimit", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Enterprise(h, Id(h, 0), store::INDIVIDUAL_BUSINESS,
                        store::OPERATOR, 10'000'000, store::ACTIVE);
             return h;
           },
           NEEDS_REVIEW, {{Finding::BUSINESS, REVIEW}}),
      // 10,000,001 > the limit: no exemption.
      Case("IndividualBusinessOverTheLimit", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Enterprise(h, Id(h, 0), store::INDIVIDUAL_BUSINESS,
                        store::OPERATOR, 10'000'001, store::ACTIVE);
             return h;
           },
           NOT_MEET, {{Finding::BUSINESS, FAIL}}),
      Case("ActiveCompanyShareholder", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Enterprise(h, Id(h, 1), store::COMPANY, store::SHAREHOLDER,
                        100'000, store::ACTIVE);
             return h;
           },
           NOT_MEET, {{Finding::BUSINESS, FAIL}}),
      Case(
          "DissolvedCompanyPasses", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Enterprise(h, Id(h, 0), store::COMPANY, store::LEGAL_REPRESENTATIVE,
                       50'000'000, store::DISSOLVED);
            return h;
          },
          MEETS),
      // Two homes of the head's.
      Case("SecondHome", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Property(h, Id(h, 0), "苏(2012)0001", store::RESIDENTIAL, 6'000);
             Property(h, Id(h, 0), "苏(2012)0002", store::RESIDENTIAL, 4'000);
             return h;
           },
           NOT_MEET, {{Finding::RESIDENTIAL_PROPERTY, FAIL}}),
      // One certificate held half and half by the couple is one home.
      Case(
          "SharedHomeCountsOnce", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Property(h, Id(h, 0), "苏(2012)0001", store::RESIDENTIAL, 8'000,
                     5'000);
            Property(h, Id(h, 1), "苏(2012)0001", store::RESIDENTIAL, 8'000,
                     5'000);
            h.request().mutable_declared_assets()->set_residential_properties(
                1);
            return h;
          },
          MEETS),
      Case("Shop", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Property(h, Id(h, 1), "苏(2015)0003", store::NON_RESIDENTIAL,
                      2'500);
             return h;
           },
           NOT_MEET, {{Finding::NON_RESIDENTIAL_PROPERTY, FAIL}}),
      // Records: 50,000 a month → 45,000 < 93,000. Declared wages 110,000:
      // 110,000 × 0.9 = 99,000, not below: the household says it has income
      // the records do not see, and it would change the outcome.
      Case("DeclaresMoreWagesThanTheRecords", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             MonthlyWages(h, head, kFirst, kLast, 50'000);
             h.Member(head)->mutable_declared_monthly_income()->set_wages_fen(
                 110'000);
             return h;
           },
           NEEDS_REVIEW, {{Finding::INCOME, REVIEW}}),
      // Informal wages no department covers count as declared:
      // 110,000 × 0.9 = 99,000 ≥ 93,000 fails on the household's own word.
      Case("InformalWagesDeclaredAboveTheLine", kExclusive,
           [] {
             HouseholdBuilder h(DIBAO, kDay);
             const std::string head = h.AddMember(kHeadBirth);
             hedui::v1::DeclaredMember* m = h.Member(head);
             m->set_informal_work(true);
             m->mutable_declared_monthly_income()->set_wages_fen(110'000);
             return h;
           },
           NOT_MEET, {{Finding::INCOME, FAIL}}),
      // Employee pension 92,000 counts; the residents' basic pension (20,000)
      // does not: 92,000 < 93,000 (112,000 would fail).
      Case(
          "ResidentsBasicPensionIsNotIncome", kExclusive,
          [] {
            HouseholdBuilder h = Pensioner(DIBAO, 92'000);
            h.MonthlyPension(Id(h, 0), kAlwaysFrom, kAlwaysTo, 20'000,
                             store::RESIDENTS_BASIC_PENSION);
            return h;
          },
          MEETS),
      // 320581 before the raise: 2026-06-15 uses 88,500 (window 2025-06 ..
      // 2026-05); a pension of 90,000 is not below it.
      IncomeThreshold(Case("Urban320581BeforeTheRaise", kExclusive,
                           [] {
                             return Pensioner(DIBAO, 90'000,
                                              absl::CivilDay(2026, 6, 15),
                                              absl::CivilDay(2026, 6, 10));
                           },
                           NOT_MEET, {{Finding::INCOME, FAIL}}),
                      "885.00 元/人·月"),
      // After it: 2026-07-15 uses 93,000; 90,000 < 93,000.
      IncomeThreshold(Case(
                          "Urban320581AfterTheRaise", kExclusive,
                          [] {
                            return Pensioner(DIBAO, 90'000,
                                             absl::CivilDay(2026, 7, 15),
                                             absl::CivilDay(2026, 7, 10));
                          },
                          MEETS),
                      "930.00 元/人·月"),
      // 320581 RURAL 70,000: a pension of exactly 70,000 is not below.
      IncomeThreshold(Case("Rural320581AtTheStandard", kExclusive,
                           [] {
                             HouseholdBuilder h = Pensioner(DIBAO, 70'000);
                             RegisterIn(h, "320581", store::RURAL);
                             return h;
                           },
                           NOT_MEET, {{Finding::INCOME, FAIL}}),
                      "700.00 元/人·月"),
      // 320582 RURAL: 62,000 until 2026-08-31, 65,000 from 2026-09-01.
      // Wages 72,000 a month × 0.9 = 64,800: not below 62,000 on
      // 2026-08-20 (window 2025-08 .. 2026-07) ...
      IncomeThreshold(Case("Rural320582BeforeTheRaise", kExclusive,
                           [] {
                             HouseholdBuilder h(DIBAO,
                                                absl::CivilDay(2026, 8, 20),
                                                absl::CivilDay(2026, 8, 15));
                             MonthlyWages(h, h.AddMember(kHeadBirth),
                                          kAlwaysFrom, kAlwaysTo, 72'000);
                             RegisterIn(h, "320582", store::RURAL);
                             return h;
                           },
                           NOT_MEET, {{Finding::INCOME, FAIL}}),
                      "620.00 元/人·月"),
      // ... below 65,000 on 2026-09-10 (window 2025-09 .. 2026-08).
      IncomeThreshold(Case(
                          "Rural320582AfterTheRaise", kExclusive,
                          [] {
                            HouseholdBuilder h(DIBAO,
                                               absl::CivilDay(2026, 9, 10),
                                               absl::CivilDay(2026, 9, 5));
                            MonthlyWages(h, h.AddMember(kHeadBirth),
                                         kAlwaysFrom, kAlwaysTo, 72'000);
                            RegisterIn(h, "320582", store::RURAL);
                            return h;
                          },
                          MEETS),
                      "650.00 元/人·月"),
      // 一人一保 (domain.md §10.1): the spouse is on 低保 under another 户号
      // (H7): a transfer or a double enrolment, a person decides.
      Case("SpouseOnDibaoInAnotherHousehold", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Enrollment(h, Id(h, 1), DIBAO, store::ENROLLED, "H7");
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, REVIEW}}),
      // 低保 under the applicant's own 户号 is this household's own.
      Case(
          "OwnDibaoEnrollment", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Enrollment(h, Id(h, 0), DIBAO, store::ENROLLED, "H1");
            return h;
          },
          MEETS),
      // 特困 excludes 低保, in the same 户号 too.
      Case("ChildOnTekunInTheSameHousehold", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             Enrollment(h, Id(h, 2), TEKUN, store::ENROLLED, "H1");
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, REVIEW}}),
      // Only ENROLLED counts.
      Case(
          "SuspendedElsewhereIgnored", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Enrollment(h, Id(h, 1), DIBAO, store::SUSPENDED, "H7");
            return h;
          },
          MEETS),
      // Enrollment data as of 2026-10-04: 32 days, over 31.
      Case("StaleEnrollmentData", kExclusive,
           [] {
             HouseholdBuilder h = Family(DIBAO);
             h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                       absl::CivilDay(2026, 10, 4));
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, UNKNOWN}}),
      // A definite failure outweighs the doubt.
      Case(
          "HiddenCarAndOnMarginElsewhere", kExclusive,
          [] {
            HouseholdBuilder h = Family(DIBAO);
            Vehicle(h, Id(h, 1), store::CAR, "苏E·A1235");
            Enrollment(h, Id(h, 1), LOW_INCOME_MARGIN, store::ENROLLED, "H7");
            return h;
          },
          NOT_MEET,
          {{Finding::VEHICLES, FAIL}, {Finding::DUPLICATE_ENROLLMENT, REVIEW}}),
  };
}

class DibaoProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(DibaoProgramTable, VerdictAndEveryCriterion) { CheckRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Program, DibaoProgramTable,
                         ::testing::ValuesIn(DibaoRows()), RowName);

// --- 特困 (TEKUN): cannot work, no livelihood, no obligor able to support.
// The income line is the 低保 standard (93,000 for 320581 URBAN).

// A 72-year-old living alone on a pension of 60,000 < 93,000.
HouseholdBuilder Elder() {
  HouseholdBuilder h(hedui::v1::TEKUN, kDay);
  const std::string id = h.AddMember(kElderBirth);
  h.MonthlyPension(id, kAlwaysFrom, kAlwaysTo, 60'000);
  return h;
}

// A working-age applicant (born 1981-01-01, 45) with no income.
HouseholdBuilder WorkingAge() {
  HouseholdBuilder h(hedui::v1::TEKUN, kDay);
  h.AddMember(absl::CivilDay(1981, 1, 1));
  return h;
}

// A 92-year-old (born 1934-02-02) whose child, born 1954-09-09, is 72: old
// enough that their own income decides whether they can support.
HouseholdBuilder VeryOldWithOldChild() {
  HouseholdBuilder h(hedui::v1::TEKUN, kDay);
  const std::string id = h.AddMember(absl::CivilDay(1934, 2, 2));
  h.MonthlyPension(id, kAlwaysFrom, kAlwaysTo, 60'000);
  return h;
}

std::vector<Row> TekunRows() {
  using hedui::v1::Obligor;
  return {
      // 72 ≥ 60 cannot work; 60,000 < 93,000; no obligor declared.
      Case("Aged72NoObligors", kTekun, Elder, MEETS),
      // A 45-year-old child, no disability, not enrolled, earning 300,000 a
      // month: able to support.
      Case("ObligorAbleToSupport", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             const std::string child =
                 AddObligor(h, kHeadBirth, 101, Obligor::NORMAL, store::NORMAL);
             MonthlyWages(h, child, kFirst, kLast, 300'000);
             return h;
           },
           NOT_MEET, {{Finding::OBLIGORS, FAIL}}),
      // For 特困 an obligor declared present must sign too.
      Case("ObligorDidNotSign", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             const std::string child =
                 AddObligor(h, kHeadBirth, 101, Obligor::NORMAL, store::NORMAL);
             MonthlyWages(h, child, kFirst, kLast, 300'000);
             h.request().mutable_consent()->mutable_signer_ids()->RemoveLast();
             return h;
           },
           NOT_MEET, {{Finding::CONSENT, FAIL}, {Finding::OBLIGORS, FAIL}}),
      // 45, no disability record, disability data fresh: can work.
      Case("Aged45WithoutDisability", kTekun, WorkingAge, NOT_MEET,
           {{Finding::CANNOT_WORK, FAIL}}),
      Case(
          "Aged45IntellectualGrade3", kTekun,
          [] {
            HouseholdBuilder h = WorkingAge();
            Disability(h, Id(h, 0), store::INTELLECTUAL, 3);
            return h;
          },
          MEETS),
      // Physical disability counts only at grades 1–2.
      Case("Aged45PhysicalGrade3", kTekun,
           [] {
             HouseholdBuilder h = WorkingAge();
             Disability(h, Id(h, 0), store::PHYSICAL, 3);
             return h;
           },
           NOT_MEET, {{Finding::CANNOT_WORK, FAIL}}),
      Case(
          "Aged45VisualGrade1", kTekun,
          [] {
            HouseholdBuilder h = WorkingAge();
            Disability(h, Id(h, 0), store::VISUAL, 1);
            return h;
          },
          MEETS),
      // Born 1966-11-05: 60 on the day exactly.
      Case(
          "Aged60OnTheDay", kTekun,
          [] {
            HouseholdBuilder h(hedui::v1::TEKUN, kDay);
            h.AddMember(absl::CivilDay(1966, 11, 5));
            return h;
          },
          MEETS),
      // Born 1966-11-06: 59 for one more day.
      Case("Aged59", kTekun,
           [] {
             HouseholdBuilder h(hedui::v1::TEKUN, kDay);
             h.AddMember(absl::CivilDay(1966, 11, 6));
             return h;
           },
           NOT_MEET, {{Finding::CANNOT_WORK, FAIL}}),
      // Disability data as of 2026-08-01: 96 days old, over 92.
      Case("WorkingAgeDisabilityDataStale", kTekun,
           [] {
             HouseholdBuilder h = WorkingAge();
             Disability(h, Id(h, 0), store::INTELLECTUAL, 3);
             h.SetAsOf(hedui::v1::DISABILITY, absl::CivilDay(2026, 8, 1));
             return h;
           },
           NEEDS_REVIEW, {{Finding::CANNOT_WORK, UNKNOWN}}),
      // Declared missing and registered missing: cannot support; they do
      // not sign.
      Case(
          "ObligorMissingConfirmed", kTekun,
          [] {
            HouseholdBuilder h = Elder();
            AddObligor(h, kHeadBirth, 101, Obligor::MISSING, store::MISSING);
            return h;
          },
          MEETS),
      // Declared missing, registered normal: the registration does not
      // confirm it.
      Case("ObligorMissingNotConfirmed", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             AddObligor(h, kHeadBirth, 101, Obligor::MISSING, store::NORMAL);
             return h;
           },
           NEEDS_REVIEW, {{Finding::OBLIGORS, REVIEW}}),
      Case(
          "ObligorInCustodyConfirmed", kTekun,
          [] {
            HouseholdBuilder h = Elder();
            AddObligor(h, kHeadBirth, 101, Obligor::IN_CUSTODY,
                       store::IN_CUSTODY);
            return h;
          },
          MEETS),
      // A child aged 61 (born 1965-07-20) who is an enrolled 低保 recipient.
      Case(
          "ObligorDibaoRecipientAged61", kTekun,
          [] {
            HouseholdBuilder h = VeryOldWithOldChild();
            const std::string child =
                AddObligor(h, absl::CivilDay(1965, 7, 20), 101, Obligor::NORMAL,
                           store::NORMAL);
            Enrollment(h, child, hedui::v1::DIBAO, store::ENROLLED);
            return h;
          },
          MEETS),
      // A child of 72 with a declared spouse of 71: pensions 100,000 and
      // 60,000, (100,000 + 60,000) × 12 / 12 / 2 = 80,000 < 93,000: unable.
      Case(
          "ObligorAged72PoorWithSpouse", kTekun,
          [] {
            HouseholdBuilder h = VeryOldWithOldChild();
            const std::string child =
                AddObligor(h, absl::CivilDay(1954, 9, 9), 101, Obligor::NORMAL,
                           store::NORMAL);
            const std::string spouse =
                AddObligorSpouse(h, absl::CivilDay(1955, 10, 10), 102);
            h.MonthlyPension(child, kAlwaysFrom, kAlwaysTo, 100'000);
            h.MonthlyPension(spouse, kAlwaysFrom, kAlwaysTo, 60'000);
            return h;
          },
          MEETS),
      // The same child alone (no marriage record), pension 93,000: not
      // below the standard, so able to support.
      Case("ObligorAged72IncomeAtTheStandard", kTekun,
           [] {
             HouseholdBuilder h = VeryOldWithOldChild();
             const std::string child =
                 AddObligor(h, absl::CivilDay(1954, 9, 9), 101, Obligor::NORMAL,
                            store::NORMAL);
             h.MonthlyPension(child, kAlwaysFrom, kAlwaysTo, 93'000);
             return h;
           },
           NOT_MEET, {{Finding::OBLIGORS, FAIL}}),
      // Married per the register to a spouse the request does not declare:
      // their income cannot be read, a person judges.
      Case("ObligorAged72UndeclaredSpouse", kTekun,
           [] {
             HouseholdBuilder h = VeryOldWithOldChild();
             const std::string child =
                 AddObligor(h, absl::CivilDay(1954, 9, 9), 101, Obligor::NORMAL,
                            store::NORMAL);
             h.MonthlyPension(child, kAlwaysFrom, kAlwaysTo, 50'000);
             Marriage(h, child,
                      testing::PersonId(absl::CivilDay(1955, 10, 10), 903));
             return h;
           },
           NEEDS_REVIEW, {{Finding::OBLIGORS, REVIEW}}),
      // 320582 URBAN before its raise (2026-08-20: 84,000): a pension of
      // 85,000 is not below it; after it (2026-09-10: 87,000) it is.
      IncomeThreshold(Case("Urban320582BeforeTheRaise", kTekun,
                           [] {
                             HouseholdBuilder h(hedui::v1::TEKUN,
                                                absl::CivilDay(2026, 8, 20),
                                                absl::CivilDay(2026, 8, 15));
                             h.MonthlyPension(h.AddMember(kElderBirth),
                                              kAlwaysFrom, kAlwaysTo, 85'000);
                             RegisterIn(h, "320582", store::URBAN);
                             return h;
                           },
                           NOT_MEET, {{Finding::INCOME, FAIL}}),
                      "840.00 元/人·月"),
      IncomeThreshold(Case(
                          "Urban320582AfterTheRaise", kTekun,
                          [] {
                            HouseholdBuilder h(hedui::v1::TEKUN,
                                               absl::CivilDay(2026, 9, 10),
                                               absl::CivilDay(2026, 9, 5));
                            h.MonthlyPension(h.AddMember(kElderBirth),
                                             kAlwaysFrom, kAlwaysTo, 85'000);
                            RegisterIn(h, "320582", store::URBAN);
                            return h;
                          },
                          MEETS),
                      "870.00 元/人·月"),
      // Cap 24 × 93,000 = 2,232,000 for one person; 2,232,001 is over.
      Case("DepositsOneFenOverTheCap", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             Deposit(h, Id(h, 0), 2'232'001);
             return h;
           },
           NOT_MEET, {{Finding::FINANCIAL_ASSETS, FAIL}}),
      // Already on 低保 (own 户号): 特困 and 低保 exclude each other.
      Case("AlreadyOnDibao", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             Enrollment(h, Id(h, 0), hedui::v1::DIBAO, store::ENROLLED, "H1");
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, REVIEW}}),
      Case(
          "OwnTekunEnrollment", kTekun,
          [] {
            HouseholdBuilder h = Elder();
            Enrollment(h, Id(h, 0), hedui::v1::TEKUN, store::ENROLLED, "H1");
            return h;
          },
          MEETS),
      Case("MissingEnrollmentData", kTekun,
           [] {
             HouseholdBuilder h = Elder();
             h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, UNKNOWN}}),
  };
}

class TekunProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(TekunProgramTable, VerdictAndEveryCriterion) { CheckRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Program, TekunProgramTable,
                         ::testing::ValuesIn(TekunRows()), RowName);

// --- 低保边缘 (LOW_INCOME_MARGIN): 低保 standard ≤ income < 1.5 × standard,
// all asset tests. 320581 URBAN on kDay: 93,000 ≤ x < 139,500.

std::vector<Row> MarginRows() {
  using hedui::v1::LOW_INCOME_MARGIN;
  return {
      Case(
          "BetweenTheLines", kExclusive,
          [] { return Pensioner(LOW_INCOME_MARGIN, 120'000); }, MEETS),
      // Equal to the 低保 standard is not below it: not 低保-eligible.
      Case(
          "AtTheDibaoStandard", kExclusive,
          [] { return Pensioner(LOW_INCOME_MARGIN, 93'000); }, MEETS),
      // 92,999 < 93,000: 低保-eligible, so not a margin family.
      Case("OneFenBelowTheDibaoStandard", kExclusive,
           [] { return Pensioner(LOW_INCOME_MARGIN, 92'999); }, NOT_MEET,
           {{Finding::INCOME, FAIL}}),
      IncomeThreshold(
          Case(
              "OneFenBelowTheMarginLine", kExclusive,
              [] { return Pensioner(LOW_INCOME_MARGIN, 139'499); }, MEETS),
          "1,395.00 元/人·月"),
      Case("AtTheMarginLine", kExclusive,
           [] { return Pensioner(LOW_INCOME_MARGIN, 139'500); }, NOT_MEET,
           {{Finding::INCOME, FAIL}}),
      // 320581 RURAL 70,000, line 105,000; two pensions of 100,000:
      // 100,000 a person.
      Case(
          "Rural320581Couple", kExclusive,
          [] {
            HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 100'000);
            const std::string spouse =
                h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
            h.MonthlyPension(spouse, kAlwaysFrom, kAlwaysTo, 100'000);
            RegisterIn(h, "320581", store::RURAL);
            return h;
          },
          MEETS),
      // 320582 URBAN: 84,000 (line 126,000) on 2026-08-20, 87,000 (line
      // 130,500) on 2026-09-10. A pension of 128,000 is at or over the line
      // before the raise and between the lines after it.
      IncomeThreshold(Case("Urban320582BeforeTheRaise", kExclusive,
                           [] {
                             HouseholdBuilder h =
                                 Pensioner(LOW_INCOME_MARGIN, 128'000,
                                           absl::CivilDay(2026, 8, 20),
                                           absl::CivilDay(2026, 8, 15));
                             RegisterIn(h, "320582", store::URBAN);
                             return h;
                           },
                           NOT_MEET, {{Finding::INCOME, FAIL}}),
                      "1,260.00 元/人·月"),
      IncomeThreshold(Case(
                          "Urban320582AfterTheRaise", kExclusive,
                          [] {
                            HouseholdBuilder h =
                                Pensioner(LOW_INCOME_MARGIN, 128'000,
                                          absl::CivilDay(2026, 9, 10),
                                          absl::CivilDay(2026, 9, 5));
                            RegisterIn(h, "320582", store::URBAN);
                            return h;
                          },
                          MEETS),
                      "1,305.00 元/人·月"),
      // Real-estate data as of 2026-08-01: 96 days, over 92. Both property
      // criteria are unknown.
      Case("StaleRealEstateData", kExclusive,
           [] {
             HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 120'000);
             h.SetAsOf(hedui::v1::REAL_ESTATE, absl::CivilDay(2026, 8, 1));
             return h;
           },
           NEEDS_REVIEW,
           {{Finding::RESIDENTIAL_PROPERTY, UNKNOWN},
            {Finding::NON_RESIDENTIAL_PROPERTY, UNKNOWN}}),
      Case("HiddenCar", kExclusive,
           [] {
             HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 120'000);
             Vehicle(h, Id(h, 0), store::TRUCK, "苏E·T5678");
             return h;
           },
           NOT_MEET, {{Finding::VEHICLES, FAIL}}),
      // On 低保 already (own 户号): margin and 低保 exclude each other.
      Case("AlreadyOnDibao", kExclusive,
           [] {
             HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 120'000);
             Enrollment(h, Id(h, 0), hedui::v1::DIBAO, store::ENROLLED, "H1");
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, REVIEW}}),
      Case(
          "OwnMarginEnrollment", kExclusive,
          [] {
            HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 120'000);
            Enrollment(h, Id(h, 0), LOW_INCOME_MARGIN, store::ENROLLED, "H1");
            return h;
          },
          MEETS),
      Case("MissingEnrollmentData", kExclusive,
           [] {
             HouseholdBuilder h = Pensioner(LOW_INCOME_MARGIN, 120'000);
             h.RemoveDepartment(hedui::v1::ASSISTANCE_ENROLLMENT);
             return h;
           },
           NEEDS_REVIEW, {{Finding::DUPLICATE_ENROLLMENT, UNKNOWN}}),
  };
}

class MarginProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(MarginProgramTable, VerdictAndEveryCriterion) { CheckRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Program, MarginProgramTable,
                         ::testing::ValuesIn(MarginRows()), RowName);

// --- 临时救助 (TEMPORARY): income below last year's per-capita disposable
// income, 3,600,000 a year = 300,000 a person a month; assets not judged.

// Head and spouse, the head earning 500,000 a month:
// 500,000 × 0.9 / 2 = 225,000 < 300,000.
HouseholdBuilder TemporaryCouple() {
  HouseholdBuilder h(hedui::v1::TEMPORARY, kDay);
  const std::string head = h.AddMember(kHeadBirth);
  h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
  MonthlyWages(h, head, kFirst, kLast, 500'000);
  return h;
}

std::vector<Row> TemporaryRows() {
  using hedui::v1::TEMPORARY;
  return {
      IncomeThreshold(Case("ExpenditureDrivenBelowTheLine", kIncomeOnly,
                           TemporaryCouple, MEETS),
                      "3,000.00 元/人·月"),
      // An emergency: the same tests, the report marked after the fact.
      AfterTheFact(Case(
          "EmergencyVerifiedAfterTheFact", kIncomeOnly,
          [] {
            HouseholdBuilder h = TemporaryCouple();
            h.request().set_emergency(true);
            return h;
          },
          MEETS)),
      // A car, a company and 50,000,000 of deposits are reported, not judged.
      Case(
          "AssetsShownNotJudged", kIncomeOnly,
          [] {
            HouseholdBuilder h = TemporaryCouple();
            Vehicle(h, Id(h, 0), store::CAR, "苏E·C0001");
            Deposit(h, Id(h, 1), 50'000'000);
            Enterprise(h, Id(h, 0), store::COMPANY, store::LEGAL_REPRESENTATIVE,
                       1'000'000, store::ACTIVE);
            return h;
          },
          MEETS),
      // One person, 3,999,999 of wages: × 0.9 = 3,599,999.1 < 3,600,000.
      Case(
          "OneFenBelowTheLine", kIncomeOnly,
          [] {
            HouseholdBuilder h(TEMPORARY, kDay);
            h.TaxWage(h.AddMember(kHeadBirth), absl::CivilMonth(2026, 1),
                      3'999'999);
            return h;
          },
          MEETS),
      // 4,000,000 × 0.9 = 3,600,000: not below.
      Case("AtTheLine", kIncomeOnly,
           [] {
             HouseholdBuilder h(TEMPORARY, kDay);
             h.TaxWage(h.AddMember(kHeadBirth), absl::CivilMonth(2026, 1),
                       4'000'000);
             return h;
           },
           NOT_MEET, {{Finding::INCOME, FAIL}}),
      AfterTheFact(Case("EmergencyAboveTheLine", kIncomeOnly,
                        [] {
                          HouseholdBuilder h(TEMPORARY, kDay);
                          h.TaxWage(h.AddMember(kHeadBirth),
                                    absl::CivilMonth(2026, 1), 5'000'000);
                          h.request().set_emergency(true);
                          return h;
                        },
                        NOT_MEET, {{Finding::INCOME, FAIL}})),
      // Benefits data as of 2026-09-01: 65 days, over 62.
      Case("StaleBenefitsData", kIncomeOnly,
           [] {
             HouseholdBuilder h = TemporaryCouple();
             h.SetAsOf(hedui::v1::BENEFITS, absl::CivilDay(2026, 9, 1));
             return h;
           },
           NEEDS_REVIEW, {{Finding::INCOME, UNKNOWN}}),
      // 320582 RURAL before its raise: the temporary line is the same
      // 300,000; a pension of 299,999 is below it.
      Case(
          "Rural320582", kIncomeOnly,
          [] {
            HouseholdBuilder h =
                Pensioner(TEMPORARY, 299'999, absl::CivilDay(2026, 8, 20),
                          absl::CivilDay(2026, 8, 15));
            RegisterIn(h, "320582", store::RURAL);
            return h;
          },
          MEETS),
      // 一人一保 is not a criterion of temporary assistance.
      Case(
          "OnDibaoElsewhereNotJudged", kIncomeOnly,
          [] {
            HouseholdBuilder h = TemporaryCouple();
            Enrollment(h, Id(h, 1), hedui::v1::DIBAO, store::ENROLLED, "H7");
            return h;
          },
          MEETS),
  };
}

class TemporaryProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(TemporaryProgramTable, VerdictAndEveryCriterion) {
  CheckRow(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Program, TemporaryProgramTable,
                         ::testing::ValuesIn(TemporaryRows()), RowName);

// --- 医疗救助 (MEDICAL): an active 低保/特困/边缘 enrollment passes alone;
// otherwise income below 1.5 × 低保 (139,500 for 320581 URBAN, no lower
// bound) and the asset tests.

std::vector<Row> MedicalRows() {
  using hedui::v1::MEDICAL;
  return {
      // Enrolled in 低保: income (200,000) and the car are not judged.
      Case(
          "EnrolledInDibao", kMedicalEnrolled,
          [] {
            HouseholdBuilder h = Pensioner(MEDICAL, 200'000);
            Enrollment(h, Id(h, 0), hedui::v1::DIBAO, store::ENROLLED);
            Vehicle(h, Id(h, 0), store::CAR, "苏E·A0001");
            return h;
          },
          MEETS),
      Case(
          "SpouseEnrolledInMargin", kMedicalEnrolled,
          [] {
            HouseholdBuilder h = Family(MEDICAL);
            Enrollment(h, Id(h, 1), hedui::v1::LOW_INCOME_MARGIN,
                       store::ENROLLED);
            return h;
          },
          MEETS),
      Case(
          "EnrolledInTekun", kMedicalEnrolled,
          [] {
            HouseholdBuilder h = Pensioner(MEDICAL, 50'000);
            Enrollment(h, Id(h, 0), hedui::v1::TEKUN, store::ENROLLED);
            return h;
          },
          MEETS),
      // An ended enrollment is not one: judged, 120,000 < 139,500.
      Case(
          "EnrollmentEnded", kAssetsJudged,
          [] {
            HouseholdBuilder h = Pensioner(MEDICAL, 120'000);
            Enrollment(h, Id(h, 0), hedui::v1::DIBAO, store::ENDED);
            return h;
          },
          MEETS),
      // 50,000 is below 低保 too; medical has no lower bound.
      Case(
          "NotEnrolledBelowTheDibaoStandard", kAssetsJudged,
          [] { return Pensioner(MEDICAL, 50'000); }, MEETS),
      IncomeThreshold(Case("NotEnrolledAtTheMarginLine", kAssetsJudged,
                           [] { return Pensioner(MEDICAL, 139'500); }, NOT_MEET,
                           {{Finding::INCOME, FAIL}}),
                      "1,395.00 元/人·月"),
      // Temporary assistance is not a qualifying enrollment: 150,000 fails.
      Case("EnrolledInTemporaryOnly", kAssetsJudged,
           [] {
             HouseholdBuilder h = Pensioner(MEDICAL, 150'000);
             Enrollment(h, Id(h, 0), hedui::v1::TEMPORARY, store::ENROLLED);
             return h;
           },
           NOT_MEET, {{Finding::INCOME, FAIL}}),
      Case("NotEnrolledHiddenCar", kAssetsJudged,
           [] {
             HouseholdBuilder h = Pensioner(MEDICAL, 50'000);
             Vehicle(h, Id(h, 0), store::CAR, "苏E·A0002");
             return h;
           },
           NOT_MEET, {{Finding::VEHICLES, FAIL}}),
      // Enrollment data as of 2026-10-04: 32 days, over 31. Income passes.
      Case("EnrollmentDataStale", kMedicalEnrollmentUnknown,
           [] {
             HouseholdBuilder h = Pensioner(MEDICAL, 50'000);
             h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                       absl::CivilDay(2026, 10, 4));
             return h;
           },
           NEEDS_REVIEW, {{Finding::ENROLLMENT, UNKNOWN}}),
      // The income (150,000) fails, but an enrollment the stale data cannot
      // show would pass the household whatever its income: not definitive.
      Case("EnrollmentDataStaleIncomeFails", kMedicalEnrollmentUnknown,
           [] {
             HouseholdBuilder h = Pensioner(MEDICAL, 150'000);
             h.SetAsOf(hedui::v1::ASSISTANCE_ENROLLMENT,
                       absl::CivilDay(2026, 10, 4));
             return h;
           },
           NEEDS_REVIEW,
           {{Finding::INCOME, FAIL}, {Finding::ENROLLMENT, UNKNOWN}}),
      // 320582 RURAL on kDay: 65,000, line 97,500; 97,499 is below.
      IncomeThreshold(Case(
                          "Rural320582OneFenBelowTheLine", kAssetsJudged,
                          [] {
                            HouseholdBuilder h = Pensioner(MEDICAL, 97'499);
                            RegisterIn(h, "320582", store::RURAL);
                            return h;
                          },
                          MEETS),
                      "975.00 元/人·月"),
  };
}

class MedicalProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(MedicalProgramTable, VerdictAndEveryCriterion) { CheckRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Program, MedicalProgramTable,
                         ::testing::ValuesIn(MedicalRows()), RowName);

// --- 住房救助 (HOUSING): income below the margin line (139,500 for 320581
// URBAN), the asset tests, and no home or under 15 m² (1,500 centi-m²) of
// residential floor area a member.

std::vector<Row> HousingRows() {
  using hedui::v1::HOUSING;
  return {
      // 45,000 < 139,500; no residential property at all.
      Case(
          "NoHome", kHousing, [] { return Family(HOUSING); }, MEETS),
      // 44.99 m² for 3: 4,499 / 3 = 1,499.67 < 1,500.
      Case(
          "SmallHome", kHousing,
          [] {
            HouseholdBuilder h = Family(HOUSING);
            Property(h, Id(h, 0), "苏(2012)0001", store::RESIDENTIAL, 4'499);
            h.request().mutable_declared_assets()->set_residential_properties(
                1);
            return h;
          },
          MEETS),
      // 45.00 m² for 3: exactly 15 m² a member, not below.
      Case("HomeAtTheAreaLimit", kHousing,
           [] {
             HouseholdBuilder h = Family(HOUSING);
             Property(h, Id(h, 0), "苏(2012)0001", store::RESIDENTIAL, 4'500);
             h.request().mutable_declared_assets()->set_residential_properties(
                 1);
             return h;
           },
           NOT_MEET, {{Finding::HOUSING_NEED, FAIL}}),
      // Head and spouse only; the head holds half of a 59.98 m² flat (the
      // other half is someone else's): 5,998 × 50% = 2,999, / 2 = 1,499.5.
      Case(
          "HalfShareOfAFlat", kHousing,
          [] {
            HouseholdBuilder h(HOUSING, kDay);
            const std::string head = h.AddMember(kHeadBirth);
            h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
            MonthlyWages(h, head, kFirst, kLast, 150'000);
            Property(h, head, "苏(2012)0001", store::RESIDENTIAL, 5'998, 5'000);
            h.request().mutable_declared_assets()->set_residential_properties(
                1);
            return h;
          },
          MEETS),
      // The household declares a home the registry does not show: its area
      // cannot be checked.
      Case("DeclaresAnUnregisteredHome", kHousing,
           [] {
             HouseholdBuilder h = Family(HOUSING);
             h.request().mutable_declared_assets()->set_residential_properties(
                 1);
             return h;
           },
           NEEDS_REVIEW, {{Finding::HOUSING_NEED, REVIEW}}),
      // Two small homes (20 m² each, 4,000 / 3 = 1,333.33 a member) fail the
      // one-home rule but not the area.
      Case("TwoSmallHomes", kHousing,
           [] {
             HouseholdBuilder h = Family(HOUSING);
             Property(h, Id(h, 0), "苏(2012)0001", store::RESIDENTIAL, 2'000);
             Property(h, Id(h, 1), "苏(2013)0002", store::RESIDENTIAL, 2'000);
             h.request().mutable_declared_assets()->set_residential_properties(
                 2);
             return h;
           },
           NOT_MEET, {{Finding::RESIDENTIAL_PROPERTY, FAIL}}),
      // One adult on a pension of 139,500: at the margin line.
      Case("IncomeAtTheMarginLine", kHousing,
           [] { return Pensioner(HOUSING, 139'500); }, NOT_MEET,
           {{Finding::INCOME, FAIL}}),
      // 320581 RURAL 70,000, line 105,000; the head earns 300,000:
      // 300,000 × 0.9 / 3 = 90,000 < 105,000.
      IncomeThreshold(
          Case(
              "Rural320581Family", kHousing,
              [] {
                HouseholdBuilder h(HOUSING, kDay);
                const std::string head =
                    h.AddMember(kHeadBirth, hedui::v1::HEAD, store::RURAL);
                h.AddMember(kSpouseBirth, hedui::v1::SPOUSE, store::RURAL);
                h.AddMember(kChildBirth, hedui::v1::CHILD, store::RURAL);
                MonthlyWages(h, head, kFirst, kLast, 300'000);
                return h;
              },
              MEETS),
          "1,050.00 元/人·月"),
      // Real-estate data 96 days old: both property tests and the housing
      // need are unknown.
      Case("StaleRealEstateData", kHousing,
           [] {
             HouseholdBuilder h = Family(HOUSING);
             h.SetAsOf(hedui::v1::REAL_ESTATE, absl::CivilDay(2026, 8, 1));
             return h;
           },
           NEEDS_REVIEW,
           {{Finding::RESIDENTIAL_PROPERTY, UNKNOWN},
            {Finding::NON_RESIDENTIAL_PROPERTY, UNKNOWN},
            {Finding::HOUSING_NEED, UNKNOWN}}),
      // 一人一保 is not a criterion of housing assistance.
      Case(
          "OnDibaoElsewhereNotJudged", kHousing,
          [] {
            HouseholdBuilder h = Family(HOUSING);
            Enrollment(h, Id(h, 1), hedui::v1::DIBAO, store::ENROLLED, "H7");
            return h;
          },
          MEETS),
  };
}

class HousingProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(HousingProgramTable, VerdictAndEveryCriterion) { CheckRow(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Program, HousingProgramTable,
                         ::testing::ValuesIn(HousingRows()), RowName);

// --- 工会困难职工帮扶 (UNION_HARDSHIP): x = (monthly income × 12 − rigid
// spending) / 12 / members; deep below the 低保 standard, relative below
// 2 ×. 320581 URBAN on kDay: deep < 93,000, relative < 186,000. Income only.

// Head and spouse, the head earning `monthly_wage` every month of the window;
// rigid spending declared as medical + education.
HouseholdBuilder UnionCouple(int64_t monthly_wage, int64_t medical,
                             int64_t education) {
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string head = h.AddMember(kHeadBirth);
  h.AddMember(kSpouseBirth, hedui::v1::SPOUSE);
  MonthlyWages(h, head, kFirst, kLast, monthly_wage);
  h.request().mutable_rigid_spending()->set_medical_fen(medical);
  h.request().mutable_rigid_spending()->set_education_fen(education);
  return h;
}

std::vector<Row> UnionRows() {
  return {
      // 200,000 × 0.9 × 12 = 2,160,000; − 200,000 = 1,960,000;
      // / 12 / 2 = 81,666.67 < 93,000: deep.
      WithTier(Case(
                   "Deep", kIncomeOnly,
                   [] { return UnionCouple(200'000, 200'000, 0); }, MEETS),
               hedui::v1::DEEP),
      // 300,000 × 0.9 × 12 = 3,240,000, no rigid spending: / 24 = 135,000,
      // not below 93,000, below 186,000: relative.
      WithTier(
          IncomeThreshold(Case(
                              "Relative", kIncomeOnly,
                              [] { return UnionCouple(300'000, 0, 0); }, MEETS),
                          "1,860.00 元/人·月"),
          hedui::v1::RELATIVE),
      // Rigid spending 608,000 + 400,000 = 1,008,000:
      // (3,240,000 − 1,008,000) / 24 = 93,000, not below: still relative.
      WithTier(
          Case(
              "RigidSpendingToTheDeepLine", kIncomeOnly,
              [] { return UnionCouple(300'000, 608'000, 400'000); }, MEETS),
          hedui::v1::RELATIVE),
      // One fen more: 2,231,999 / 24 = 92,999.96 < 93,000: deep.
      WithTier(
          Case(
              "RigidSpendingOneFenIntoDeep", kIncomeOnly,
              [] { return UnionCouple(300'000, 608'001, 400'000); }, MEETS),
          hedui::v1::DEEP),
      // 450,000 × 0.9 × 12 = 4,860,000 / 24 = 202,500 ≥ 186,000: neither.
      WithTier(
          Case("NoTier", kIncomeOnly, [] { return UnionCouple(450'000, 0, 0); },
               NOT_MEET, {{Finding::INCOME, FAIL}}),
          hedui::v1::NONE),
      // (4,860,000 − 396,000) / 24 = 186,000: at the relative line.
      WithTier(Case("AtTheRelativeLine", kIncomeOnly,
                    [] { return UnionCouple(450'000, 396'000, 0); }, NOT_MEET,
                    {{Finding::INCOME, FAIL}}),
               hedui::v1::NONE),
      // (4,860,000 − 396,001) / 24 = 185,999.96: relative.
      WithTier(Case(
                   "OneFenBelowTheRelativeLine", kIncomeOnly,
                   [] { return UnionCouple(450'000, 396'001, 0); }, MEETS),
               hedui::v1::RELATIVE),
      // No tax data: the wages cannot be known, nor any tier.
      Case("MissingTaxData", kIncomeOnly,
           [] {
             HouseholdBuilder h = UnionCouple(200'000, 0, 0);
             h.RemoveDepartment(hedui::v1::TAX);
             return h;
           },
           NEEDS_REVIEW, {{Finding::INCOME, UNKNOWN}}),
      // 320582 RURAL, one worker at 70,000 a month: 63,000. On 2026-08-20
      // (62,000) relative; on 2026-09-10 (65,000) deep.
      WithTier(Case(
                   "Rural320582BeforeTheRaise", kIncomeOnly,
                   [] {
                     HouseholdBuilder h(hedui::v1::UNION_HARDSHIP,
                                        absl::CivilDay(2026, 8, 20),
                                        absl::CivilDay(2026, 8, 15));
                     MonthlyWages(h, h.AddMember(kHeadBirth), kAlwaysFrom,
                                  kAlwaysTo, 70'000);
                     RegisterIn(h, "320582", store::RURAL);
                     return h;
                   },
                   MEETS),
               hedui::v1::RELATIVE),
      WithTier(Case(
                   "Rural320582AfterTheRaise", kIncomeOnly,
                   [] {
                     HouseholdBuilder h(hedui::v1::UNION_HARDSHIP,
                                        absl::CivilDay(2026, 9, 10),
                                        absl::CivilDay(2026, 9, 5));
                     MonthlyWages(h, h.AddMember(kHeadBirth), kAlwaysFrom,
                                  kAlwaysTo, 70'000);
                     RegisterIn(h, "320582", store::RURAL);
                     return h;
                   },
                   MEETS),
               hedui::v1::DEEP),
      // 一人一保 is not a criterion of trade-union aid: 200,000 gives the
      // deep tier as in "Deep".
      WithTier(Case(
                   "OnDibaoElsewhereNotJudged", kIncomeOnly,
                   [] {
                     HouseholdBuilder h = UnionCouple(200'000, 200'000, 0);
                     Enrollment(h, Id(h, 1), hedui::v1::DIBAO, store::ENROLLED,
                                "H7");
                     return h;
                   },
                   MEETS),
               hedui::v1::DEEP),
  };
}

class UnionHardshipProgramTable : public ::testing::TestWithParam<Row> {};
TEST_P(UnionHardshipProgramTable, VerdictAndEveryCriterion) {
  CheckRow(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Program, UnionHardshipProgramTable,
                         ::testing::ValuesIn(UnionRows()), RowName);

}  // namespace
}  // namespace hedui::engine
