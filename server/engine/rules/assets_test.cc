// The asset criteria (domain.md §5) and declared-against-found assets (§1, §2,
// §4, §7) on the example policy. Every expected figure is worked out by hand
// from domain.md and tests/datagen/README.md "Example policy":
//   320581 URBAN 低保 88,500 fen to 2026-06-30, 93,000 from 2026-07-01;
//   RURAL 66,000 -> 70,000; 320582 URBAN 84,000 -> 87,000 from 2026-09-01;
//   financial assets ≤ 24 × standard × members; individual business capital
//   ≤ 10,000,000 fen is for review; housing < 1,500 centi-m² per member;
//   max data age REAL_ESTATE / VEHICLES / BUSINESS 92 days, FINANCIAL 31.
// With no registration record for the applicant (domain.md §2) the caps of
// 320581 on 2026-11-03 are URBAN 2,232,000 and RURAL 24 × 70,000 =
// 1,680,000 a member: within both passes, over both fails, else UNKNOWN.

#include "server/engine/rules/assets.h"

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/golden/golden_file.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using ::hedui::v1::Department;
using ::hedui::v1::Discrepancy;
using ::hedui::v1::Evidence;
using ::hedui::v1::Finding;
using ::hedui::v1::Program;
using ::hedui::v1::Quantity;
using ::hedui::v1::Report;
using ::testing::HasSubstr;

constexpr Finding::Result PASS = Finding::PASS;
constexpr Finding::Result FAIL = Finding::FAIL;
constexpr Finding::Result UNKNOWN = Finding::UNKNOWN;
constexpr Finding::Result REVIEW = Finding::REVIEW;
constexpr int kMissing = -1;  // a department age meaning "no data at all"

const Policy& ExamplePolicy() {
  static const Policy* const policy = [] {
    absl::StatusOr<Policy> loaded = LoadPolicyFile(
        std::string(HEDUI_SOURCE_DIR) + "/deploy/policy/example.textproto");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new Policy(*std::move(loaded));
  }();
  return *policy;
}

// Member i: born 1980-01-0(i+1) in 320581, a valid resident ID.
std::string PersonId(int i) {
  const std::string first17 =
      absl::StrCat("32058119800", 101 + i, absl::StrFormat("%03d", 11 + 2 * i));
  return first17 + ResidentIdCheckCharacter(first17);
}

// Record fragments (hedui.store.v1.PersonRecords text format) without the
// person_id, which the fixture fills in for the member they are given to.
std::string Deposit(int64_t fen, const std::string& type = "DEPOSIT") {
  return absl::StrCat(
      "financial_assets { institution: \"常熟农商银行\" account: \"6222****",
      fen % 10000, "\" asset_type: ", type, " balance_fen: ", fen,
      " balance_date { year: 2026 month: 10 day: 31 } }");
}
std::string Property(const std::string& id, int64_t area_centi_m2,
                     int share_per_10000 = 10000,
                     const std::string& use = "RESIDENTIAL") {
  return absl::StrCat("real_estate { property_id: \"", id, "\" use: ", use,
                      " area_centi_m2: ", area_centi_m2,
                      " share_per_10000: ", share_per_10000,
                      " acquired { year: 2015 month: 5 day: 20 } }");
}
std::string Shop(const std::string& id) {
  return Property(id, 4000, 10000, "NON_RESIDENTIAL");
}
std::string Vehicle(const std::string& type, const std::string& plate) {
  return absl::StrCat("vehicles { plate: \"", plate, "\" vehicle_type: ", type,
                      " registered { year: 2020 month: 3 day: 1 } }");
}
std::string Enterprise(const std::string& type, const std::string& role,
                       int64_t capital_fen, const std::string& status,
                       const std::string& id = "91320581MA1X000001") {
  return absl::StrCat(
      "business { enterprise_id: \"", id,
      "\" enterprise_name: \"常熟市某某商行\" enterprise_type: ", type,
      " role: ", role, " registered_capital_fen: ", capital_fen,
      " status: ", status, " }");
}

struct AssetCase {
  std::string name;
  Program program = hedui::v1::DIBAO;
  std::string date = "2026-11-03";
  // One fragment per declared member (all counted unless `counted` says).
  std::vector<std::string> members = {""};
  std::optional<int> counted;  // the first `counted` members only
  std::string region = "320581";
  std::string residence = "URBAN";
  bool applicant_registered = true;
  // Department ages in days on the verification date; kMissing: no data.
  std::map<Department, int> ages;
  // The household's unattributed DeclaredAssets text; empty: the request
  // declares nothing (no declared_assets), which is not declaring zeros.
  std::string declared;
  // Each member's own DeclaredAssets text, by member index; empty or absent:
  // that member declares nothing.
  std::vector<std::string> member_declared;
  // Single-person coverage of this member: only they are counted (as the
  // composition rule decides in production).
  std::optional<int> single_person;
  // Expected results, in the order the findings must come.
  Finding::Result fin = PASS, res = PASS, nonres = PASS, veh = PASS, bus = PASS,
                  housing = PASS;
  // Checked when given: (item, changes_outcome), in order.
  std::optional<std::vector<std::pair<std::string, bool>>> discrepancies;
  // Whose each discrepancy is, in the same order: a member index, or -1 for
  // the household's unattributed figure. Not given: all the household's.
  std::optional<std::vector<int>> discrepancy_members;
};

// Failures name the case rather than dump its bytes.
void PrintTo(const AssetCase& c, std::ostream* os) { *os << c.name; }

// Owns the inputs the context points into; never moved once evaluated.
struct Evaluation {
  hedui::v1::VerificationRequest request;
  hedui::store::v1::RecordSet records;
  Report report;
};

void SetPersonIds(hedui::store::v1::PersonRecords* p) {
  const std::string& id = p->person_id();
  for (auto& r : *p->mutable_financial_assets()) r.set_person_id(id);
  for (auto& r : *p->mutable_real_estate()) r.set_person_id(id);
  for (auto& r : *p->mutable_vehicles()) r.set_person_id(id);
  for (auto& r : *p->mutable_business()) r.set_person_id(id);
}

std::unique_ptr<Evaluation> Evaluate(const AssetCase& c) {
  auto e = std::make_unique<Evaluation>();
  const absl::CivilDay day = *ParseCivilDay(c.date);
  std::map<Department, int> ages = {{hedui::v1::HOUSEHOLD_REGISTRATION, 2},
                                    {hedui::v1::REAL_ESTATE, 19},
                                    {hedui::v1::VEHICLES, 30},
                                    {hedui::v1::BUSINESS, 14},
                                    {hedui::v1::FINANCIAL_ASSETS, 3}};
  for (const auto& [department, age] : c.ages) ages[department] = age;

  std::string request_text = absl::StrCat(
      "program: ", hedui::v1::Program_Name(c.program),
      " region_code: \"320581\" purpose: \"test\" verification_date { year: ",
      day.year(), " month: ", day.month(), " day: ", day.day(), " }");
  std::string records_text;
  for (size_t i = 0; i < c.members.size(); ++i) {
    const std::string id = PersonId(static_cast<int>(i));
    absl::StrAppend(&request_text, " members { person_id: \"", id,
                    "\" name: \"成员", i,
                    "\" relation: ", i == 0 ? "HEAD" : "SPOUSE");
    if (i < c.member_declared.size() && !c.member_declared[i].empty()) {
      absl::StrAppend(&request_text, " declared_assets { ",
                      c.member_declared[i], " }");
    }
    absl::StrAppend(&request_text, " }");
    absl::StrAppend(&records_text, "persons { person_id: \"", id, "\" ");
    if (i > 0 || c.applicant_registered) {
      absl::StrAppend(&records_text, "household_registration { person_id: \"",
                      id, "\" household_number: \"H0001\" relation_to_head: ",
                      i == 0 ? "HEAD" : "SPOUSE", " region_code: \"", c.region,
                      "\" residence_class: ", c.residence,
                      " status: NORMAL } ");
    }
    absl::StrAppend(&records_text, c.members[i], " }\n");
  }
  for (const auto& [department, age] : ages) {
    if (age == kMissing) continue;
    const absl::CivilDay as_of = day - age;
    absl::StrAppend(&records_text, "departments { department: ",
                    hedui::v1::Department_Name(department),
                    " as_of { year: ", as_of.year(), " month: ", as_of.month(),
                    " day: ", as_of.day(), " } generation: 1 }\n");
  }
  if (!c.declared.empty()) {
    absl::StrAppend(&request_text, " declared_assets { ", c.declared, " }");
  }
  if (c.single_person.has_value()) {
    absl::StrAppend(&request_text, " single_person_member_id: \"",
                    PersonId(*c.single_person), "\"");
  }
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(request_text, &e->request))
      << request_text;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(records_text, &e->records))
      << records_text;
  for (auto& person : *e->records.mutable_persons()) SetPersonIds(&person);

  absl::StatusOr<EvaluationContext> ctx =
      BuildContext(e->request, e->records, ExamplePolicy());
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  if (!ctx.ok()) return e;
  // The composition rule decides this in production.
  if (c.single_person.has_value()) {
    ctx->members[*c.single_person].counted = true;
    ctx->counted.push_back(&ctx->members[*c.single_person]);
    e->report.mutable_household()->set_single_person_coverage(true);
  } else {
    const size_t counted =
        c.counted.value_or(static_cast<int>(c.members.size()));
    for (size_t i = 0; i < counted; ++i) {
      ctx->members[i].counted = true;
      ctx->counted.push_back(&ctx->members[i]);
    }
  }
  EvaluateAssets(*ctx, &e->report);
  return e;
}

const Finding* FindingOf(const Report& report, Finding::Criterion criterion) {
  for (const Finding& f : report.findings()) {
    if (f.criterion() == criterion) return &f;
  }
  return nullptr;
}

bool HasChinese(const std::string& text) {
  // Every CJK unified ideograph is three bytes in UTF-8 with lead 0xE4..0xE9.
  for (unsigned char ch : text) {
    if (ch >= 0xE4 && ch <= 0xE9) return true;
  }
  return false;
}

std::string Describe(const Report& report) {
  std::string out;
  for (const Finding& f : report.findings()) {
    absl::StrAppend(&out, Finding::Criterion_Name(f.criterion()), "=",
                    Finding::Result_Name(f.result()), " ", f.explanation(),
                    "\n");
  }
  for (const Discrepancy& d : report.discrepancies()) {
    absl::StrAppend(&out, "discrepancy ", d.item(), " ", d.changes_outcome(),
                    " ", d.explanation(), "\n");
  }
  return out;
}

class AssetTableTest : public ::testing::TestWithParam<AssetCase> {};

TEST_P(AssetTableTest, FindingsAndDiscrepancies) {
  const AssetCase& c = GetParam();
  const std::unique_ptr<Evaluation> e = Evaluate(c);
  const Report& report = e->report;
  SCOPED_TRACE(Describe(report));

  std::vector<std::pair<Finding::Criterion, Finding::Result>> expected;
  if (c.program != hedui::v1::TEMPORARY &&
      c.program != hedui::v1::UNION_HARDSHIP) {
    expected = {{Finding::FINANCIAL_ASSETS, c.fin},
                {Finding::RESIDENTIAL_PROPERTY, c.res},
                {Finding::NON_RESIDENTIAL_PROPERTY, c.nonres},
                {Finding::VEHICLES, c.veh},
                {Finding::BUSINESS, c.bus}};
    if (c.program == hedui::v1::HOUSING) {
      expected.push_back({Finding::HOUSING_NEED, c.housing});
    }
  }
  std::vector<std::pair<Finding::Criterion, Finding::Result>> actual;
  for (const Finding& f : report.findings()) {
    actual.push_back({f.criterion(), f.result()});
  }
  EXPECT_EQ(actual, expected);

  for (const Finding& f : report.findings()) {
    SCOPED_TRACE(Finding::Criterion_Name(f.criterion()));
    EXPECT_TRUE(HasChinese(f.explanation())) << f.explanation();
    EXPECT_EQ(f.explanation().find('\n'), std::string::npos);
    if (f.result() == UNKNOWN && f.missing_departments_size() > 0) {
      // Missing is not zero: no value is shown as if it had been found.
      EXPECT_FALSE(f.has_value());
    } else if (f.result() == UNKNOWN && !f.has_value()) {
      // Nothing to compare with: no cap, or no standard of the region.
      EXPECT_FALSE(f.has_threshold());
    } else {
      EXPECT_NE(f.comparison(), Finding::COMPARISON_UNSPECIFIED);
      EXPECT_TRUE(f.has_threshold());
      EXPECT_TRUE(f.has_value());
      EXPECT_TRUE(f.has_distance());
    }
    for (const Evidence& ev : f.evidence()) {
      EXPECT_NE(ev.department(), hedui::v1::DEPARTMENT_UNSPECIFIED);
      EXPECT_FALSE(ev.person_id().empty());
      EXPECT_FALSE(ev.record().empty());
    }
  }
  if (c.discrepancies.has_value()) {
    std::vector<std::pair<std::string, bool>> found;
    std::vector<std::string> whose;
    for (const Discrepancy& d : report.discrepancies()) {
      found.push_back({d.item(), d.changes_outcome()});
      whose.push_back(d.person_id());
      EXPECT_TRUE(HasChinese(d.explanation()));
    }
    EXPECT_EQ(found, *c.discrepancies);
    std::vector<std::string> expected_whose;
    for (size_t i = 0; i < c.discrepancies->size(); ++i) {
      const int member =
          c.discrepancy_members.has_value() && i < c.discrepancy_members->size()
              ? (*c.discrepancy_members)[i]
              : -1;
      expected_whose.push_back(member < 0 ? "" : PersonId(member));
    }
    EXPECT_EQ(whose, expected_whose);
  }
}

AssetCase Case(std::string name) {
  AssetCase c;
  c.name = std::move(name);
  return c;
}

// Builders that read as a table row.
AssetCase With(AssetCase c, std::vector<std::string> members) {
  c.members = std::move(members);
  return c;
}

std::vector<AssetCase> FinancialCases() {
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::string date,
                 std::vector<std::string> members, Finding::Result fin) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.date = std::move(date);
    c.fin = fin;
    cases.push_back(std::move(c));
  };
  // From 2026-07-01: 24 × 93,000 = 2,232,000 fen per member.
  add("FinancialAtCap", "2026-11-03", {Deposit(2232000)}, PASS);
  add("FinancialOneFenBelowCap", "2026-11-03", {Deposit(2231999)}, PASS);
  add("FinancialOneFenOverCap", "2026-11-03", {Deposit(2232001)}, FAIL);
  add("FinancialNone", "2026-11-03", {""}, PASS);
  // Two members: 4,464,000; deposits, securities and insurance all count.
  add("FinancialTwoMembersAtCap", "2026-11-03",
      {Deposit(2000000), Deposit(2000000, "SECURITIES") +
                             Deposit(464000, "INSURANCE_CASH_VALUE")},
      PASS);
  add("FinancialTwoMembersOneFenOver", "2026-11-03",
      {Deposit(2000000), Deposit(2000000, "SECURITIES") +
                             Deposit(464001, "INSURANCE_CASH_VALUE")},
      FAIL);
  add("FinancialTwoMembersAllWithOne", "2026-11-03", {Deposit(4464000), ""},
      PASS);
  // Up to 2026-06-30: 24 × 88,500 = 2,124,000 fen per member.
  add("FinancialOldStandardAtCap", "2026-06-30", {Deposit(2124000)}, PASS);
  add("FinancialOldStandardOneFenOver", "2026-06-30", {Deposit(2124001)}, FAIL);
  add("FinancialNewStandardPassesWhatOldFailed", "2026-07-01",
      {Deposit(2124001)}, PASS);
  add("FinancialNewStandardOneFenOver", "2026-07-01", {Deposit(2232001)}, FAIL);
  add("FinancialTwoMembersOldStandardOneFenOver", "2026-06-30",
      {Deposit(4248001), ""}, FAIL);
  add("FinancialTwoMembersOldStandardAtCap", "2026-06-30",
      {Deposit(4248000), ""}, PASS);
  {
    // 320581 RURAL from 2026-07-01: 24 × 70,000 = 1,680,000.
    AssetCase c = With(Case("FinancialRuralOneFenOver"), {Deposit(1680001)});
    c.residence = "RURAL";
    c.fin = FAIL;
    cases.push_back(c);
    c.name = "FinancialRuralAtCap";
    c.members = {Deposit(1680000)};
    c.fin = PASS;
    cases.push_back(c);
  }
  {
    // 320582 URBAN: 84,000 to 2026-08-31 (2,016,000), 87,000 from 09-01.
    AssetCase c =
        With(Case("Financial320582BeforeRaiseOneFenOver"), {Deposit(2016001)});
    c.region = "320582";
    c.date = "2026-08-31";
    c.fin = FAIL;
    cases.push_back(c);
    c.name = "Financial320582AfterRaisePasses";
    c.date = "2026-09-01";
    c.fin = PASS;
    cases.push_back(c);
    c.name = "Financial320582AfterRaiseOneFenOver";
    c.members = {Deposit(2088001)};
    c.fin = FAIL;
    cases.push_back(c);
  }
  {
    // FINANCIAL_ASSETS may be 31 days old.
    AssetCase c = With(Case("FinancialAge31Fresh"), {Deposit(100000)});
    c.ages[hedui::v1::FINANCIAL_ASSETS] = 31;
    cases.push_back(c);
    c.name = "FinancialAge32Unknown";
    c.ages[hedui::v1::FINANCIAL_ASSETS] = 32;
    c.fin = UNKNOWN;
    cases.push_back(c);
    c.name = "FinancialMissingUnknown";
    c.members = {""};
    c.ages[hedui::v1::FINANCIAL_ASSETS] = kMissing;
    cases.push_back(c);
  }
  {
    // No registration of the applicant (domain.md §2): the caps of both
    // classes of 320581, RURAL 1,680,000 and URBAN 2,232,000 a member.
    auto no_standard = [&](std::string name, std::vector<std::string> members,
                           Finding::Result fin) {
      AssetCase c = With(Case(std::move(name)), std::move(members));
      c.applicant_registered = false;
      c.fin = fin;
      cases.push_back(std::move(c));
    };
    // Nothing held is within any cap.
    no_standard("FinancialNoStandardNothingHeldPasses", {""}, PASS);
    no_standard("FinancialNoStandardSmallSumPasses", {Deposit(100)}, PASS);
    no_standard("FinancialNoStandardAtLowerCapPasses", {Deposit(1680000)},
                PASS);
    no_standard("FinancialNoStandardOneFenOverLowerCapUnknown",
                {Deposit(1680001)}, UNKNOWN);
    no_standard("FinancialNoStandardAtHigherCapUnknown", {Deposit(2232000)},
                UNKNOWN);
    no_standard("FinancialNoStandardOneFenOverEveryCapFails",
                {Deposit(2232001)}, FAIL);
    // Two members: 3,360,000 / 2 = 1,680,000; one fen more is half a fen
    // over the lower cap; 4,464,001 / 2 half a fen over the higher one.
    no_standard("FinancialNoStandardTwoMembersAtLowerCapPasses",
                {Deposit(3360000), ""}, PASS);
    no_standard("FinancialNoStandardTwoMembersHalfFenOverLowerCapUnknown",
                {Deposit(3360001), ""}, UNKNOWN);
    no_standard("FinancialNoStandardTwoMembersHalfFenOverEveryCapFails",
                {Deposit(4464001), ""}, FAIL);
    // Stale data stays unknown whatever the caps.
    AssetCase c =
        With(Case("FinancialNoStandardStaleDataUnknown"), {Deposit(100)});
    c.applicant_registered = false;
    c.ages[hedui::v1::FINANCIAL_ASSETS] = 32;
    c.fin = UNKNOWN;
    cases.push_back(c);
    // The other asset tests do not depend on the standard: judged as usual.
    c = With(Case("FinancialNoStandardOtherTestsJudgedAsUsual"),
             {Deposit(100) + Property("R-1", 9000) + Property("R-2", 9000) +
              Vehicle("CAR", "苏E1")});
    c.applicant_registered = false;
    c.res = FAIL;
    c.veh = FAIL;
    cases.push_back(c);
  }
  {
    // The assets of a member who is not counted do not count.
    AssetCase c =
        With(Case("FinancialUncountedMemberIgnored"), {"", Deposit(9999999)});
    c.counted = 1;
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> PropertyCases() {
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 Finding::Result res, Finding::Result nonres) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.res = res;
    c.nonres = nonres;
    cases.push_back(std::move(c));
  };
  add("PropertyNone", {""}, PASS, PASS);
  add("PropertyOneHome", {Property("R-1", 9000)}, PASS, PASS);
  add("PropertySharedHomeCountsOnce",
      {Property("R-1", 9000, 5000), Property("R-1", 9000, 5000)}, PASS, PASS);
  add("PropertyTwoHomesFail", {Property("R-1", 9000) + Property("R-2", 6000)},
      FAIL, PASS);
  add("PropertyTwoHomesTwoMembersFail",
      {Property("R-1", 9000), Property("R-2", 6000)}, FAIL, PASS);
  add("PropertyShopFails", {Property("R-1", 9000) + Shop("S-1")}, PASS, FAIL);
  add("PropertySharedShopFails", {Shop("S-1"), Shop("S-1")}, PASS, FAIL);
  {
    AssetCase c = With(Case("PropertyAge92Fresh"),
                       {Property("R-1", 9000) + Property("R-2", 6000)});
    c.ages[hedui::v1::REAL_ESTATE] = 92;
    c.res = FAIL;
    cases.push_back(c);
    c.name = "PropertyAge93Unknown";
    c.ages[hedui::v1::REAL_ESTATE] = 93;
    c.res = UNKNOWN;
    c.nonres = UNKNOWN;
    cases.push_back(c);
    c.name = "PropertyMissingUnknown";
    c.members = {""};
    c.ages[hedui::v1::REAL_ESTATE] = kMissing;
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> VehicleCases() {
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 Finding::Result veh) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.veh = veh;
    cases.push_back(std::move(c));
  };
  add("VehicleNone", {""}, PASS);
  add("VehicleCarFails", {Vehicle("CAR", "苏E12345")}, FAIL);
  add("VehicleTruckFails", {Vehicle("TRUCK", "苏E22345")}, FAIL);
  add("VehicleMotorcycleExempt", {Vehicle("MOTORCYCLE", "苏E32345")}, PASS);
  add("VehicleDisabilityVehicleExempt",
      {Vehicle("DISABILITY_VEHICLE", "苏E42345")}, PASS);
  add("VehicleEBikeExempt", {Vehicle("E_BIKE", "苏E52345")}, PASS);
  add("VehicleAllExemptTypes",
      {Vehicle("E_BIKE", "苏E52345") + Vehicle("MOTORCYCLE", "苏E32345"),
       Vehicle("DISABILITY_VEHICLE", "苏E42345")},
      PASS);
  add("VehicleCarOfSecondMemberFails",
      {Vehicle("E_BIKE", "苏E52345"), Vehicle("CAR", "苏E12345")}, FAIL);
  {
    AssetCase c = With(Case("VehicleAge92Fresh"), {Vehicle("CAR", "苏E1")});
    c.ages[hedui::v1::VEHICLES] = 92;
    c.veh = FAIL;
    cases.push_back(c);
    c.name = "VehicleAge93Unknown";
    c.ages[hedui::v1::VEHICLES] = 93;
    c.veh = UNKNOWN;
    cases.push_back(c);
    c.name = "VehicleAge93NoRecordsUnknown";
    c.members = {""};
    cases.push_back(c);
    c.name = "VehicleMissingUnknown";
    c.ages[hedui::v1::VEHICLES] = kMissing;
    cases.push_back(c);
    c.name = "VehicleAge92NoRecordsPass";
    c.ages[hedui::v1::VEHICLES] = 92;
    c.veh = PASS;
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> BusinessCases() {
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 Finding::Result bus) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.bus = bus;
    cases.push_back(std::move(c));
  };
  add("BusinessNone", {""}, PASS);
  add("BusinessActiveCompanyLegalRepresentativeFails",
      {Enterprise("COMPANY", "LEGAL_REPRESENTATIVE", 50000000, "ACTIVE")},
      FAIL);
  add("BusinessActiveCompanyShareholderFails",
      {Enterprise("COMPANY", "SHAREHOLDER", 100, "ACTIVE")}, FAIL);
  add("BusinessActiveCooperativeFails",
      {Enterprise("FARMERS_COOPERATIVE", "OPERATOR", 100000, "ACTIVE")}, FAIL);
  add("BusinessIndividualAtLimitReview",
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 10000000, "ACTIVE")},
      REVIEW);
  add("BusinessIndividualOneFenBelowLimitReview",
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 9999999, "ACTIVE")},
      REVIEW);
  add("BusinessIndividualOneFenOverLimitFails",
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 10000001, "ACTIVE")},
      FAIL);
  add("BusinessDissolvedCompanyPasses",
      {Enterprise("COMPANY", "LEGAL_REPRESENTATIVE", 50000000, "DISSOLVED")},
      PASS);
  add("BusinessRevokedCompanyPasses",
      {Enterprise("COMPANY", "SHAREHOLDER", 50000000, "REVOKED")}, PASS);
  add("BusinessRevokedLargeIndividualPasses",
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 20000000, "REVOKED")},
      PASS);
  add("BusinessFailBeatsReview",
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 100000, "ACTIVE", "A") +
       Enterprise("COMPANY", "SHAREHOLDER", 100000, "ACTIVE", "B")},
      FAIL);
  add("BusinessFailBeatsReviewAcrossMembers",
      {Enterprise("COMPANY", "SHAREHOLDER", 100000, "ACTIVE", "B"),
       Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 100000, "ACTIVE", "A")},
      FAIL);
  // A status the department did not state is not proof of closure.
  add("BusinessStatusNotStatedReview",
      {Enterprise("COMPANY", "SHAREHOLDER", 100,
                  "ENTERPRISE_STATUS_UNSPECIFIED")},
      REVIEW);
  add("BusinessReviewBeatsPass",
      {Enterprise("COMPANY", "LEGAL_REPRESENTATIVE", 100, "DISSOLVED", "B") +
       Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 10000000, "ACTIVE", "A")},
      REVIEW);
  {
    AssetCase c = With(Case("BusinessAge92Fresh"),
                       {Enterprise("COMPANY", "SHAREHOLDER", 100, "ACTIVE")});
    c.ages[hedui::v1::BUSINESS] = 92;
    c.bus = FAIL;
    cases.push_back(c);
    c.name = "BusinessAge93Unknown";
    c.ages[hedui::v1::BUSINESS] = 93;
    c.bus = UNKNOWN;
    cases.push_back(c);
    c.name = "BusinessMissingUnknown";
    c.members = {""};
    c.ages[hedui::v1::BUSINESS] = kMissing;
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> HousingCases() {
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 Finding::Result housing, Finding::Result res = PASS) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.program = hedui::v1::HOUSING;
    c.housing = housing;
    c.res = res;
    cases.push_back(std::move(c));
  };
  add("HousingNoHomePasses", {""}, PASS);
  {
    AssetCase c = With(Case("HousingNoHomeButShopPasses"), {Shop("S-1")});
    c.program = hedui::v1::HOUSING;
    c.nonres = FAIL;
    cases.push_back(c);
  }
  // Limit 15.00 m² per member, strictly below.
  add("HousingOneMember1499Passes", {Property("R-1", 1499)}, PASS);
  add("HousingOneMember1500Fails", {Property("R-1", 1500)}, FAIL);
  add("HousingTwoMembers2998Passes", {Property("R-1", 2998), ""}, PASS);
  add("HousingTwoMembers3000Fails", {Property("R-1", 3000), ""}, FAIL);
  add("HousingTwoMembers2999Passes", {Property("R-1", 2999), ""}, PASS);
  // Held 0.5 / 0.5 by the two members: the whole area counts.
  add("HousingHalfSharesEach1499Passes",
      {Property("R-1", 2998, 5000), Property("R-1", 2998, 5000)}, PASS);
  add("HousingHalfSharesEach1500Fails",
      {Property("R-1", 3000, 5000), Property("R-1", 3000, 5000)}, FAIL);
  // Half held by someone outside the household: 2,999 × 0.5 = 1,499.5.
  add("HousingHalfShareOutsider1499_5Passes", {Property("R-1", 2999, 5000)},
      PASS);
  add("HousingHalfShareOutsider1500Fails", {Property("R-1", 3000, 5000)}, FAIL);
  // Thirds: 4,500 × (3333 + 3333 + 3334) / 10000 = 4,500 over 3 = 1,500.
  add("HousingThirdsAtLimitFails",
      {Property("R-1", 4500, 3333), Property("R-1", 4500, 3333),
       Property("R-1", 4500, 3334)},
      FAIL);
  add("HousingThirdsBelowLimitPasses",
      {Property("R-1", 4499, 3333), Property("R-1", 4499, 3333),
       Property("R-1", 4499, 3334)},
      PASS);
  // Two small homes: 1,000 + 499 = 1,499 for one member.
  add("HousingTwoSmallHomes", {Property("R-1", 1000) + Property("R-2", 499)},
      PASS, FAIL);
  {
    // No registration record: the area limit is the region's, the same for
    // every class (domain.md §5), so it is judged as usual (§2).
    AssetCase c =
        With(Case("HousingNoStandard1499Passes"), {Property("R-1", 1499)});
    c.program = hedui::v1::HOUSING;
    c.applicant_registered = false;
    cases.push_back(c);
    c.name = "HousingNoStandard1500Fails";
    c.members = {Property("R-1", 1500)};
    c.housing = FAIL;
    cases.push_back(c);
  }
  {
    AssetCase c = With(Case("HousingAge93Unknown"), {""});
    c.program = hedui::v1::HOUSING;
    c.ages[hedui::v1::REAL_ESTATE] = 93;
    c.res = c.nonres = c.housing = UNKNOWN;
    cases.push_back(c);
    c.name = "HousingMissingUnknown";
    c.ages[hedui::v1::REAL_ESTATE] = kMissing;
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> ProgramCases() {
  std::vector<AssetCase> cases;
  const std::vector<std::string> rich = {
      Deposit(90000000) + Property("R-1", 20000) + Property("R-2", 9000) +
      Shop("S-1") + Vehicle("CAR", "苏E12345") +
      Enterprise("COMPANY", "SHAREHOLDER", 100, "ACTIVE")};
  for (Program program : {hedui::v1::TEMPORARY, hedui::v1::UNION_HARDSHIP}) {
    AssetCase c = With(Case(absl::StrCat(hedui::v1::Program_Name(program),
                                         "ReportsWithoutJudging")),
                       rich);
    c.program = program;
    cases.push_back(c);
  }
  for (Program program :
       {hedui::v1::DIBAO, hedui::v1::TEKUN, hedui::v1::LOW_INCOME_MARGIN,
        hedui::v1::MEDICAL, hedui::v1::HOUSING}) {
    AssetCase c = With(
        Case(absl::StrCat(hedui::v1::Program_Name(program), "JudgesAssets")),
        rich);
    c.program = program;
    c.fin = c.res = c.nonres = c.veh = c.bus = c.housing = FAIL;
    cases.push_back(c);
  }
  {
    // Nothing present at all: everything unknown, nothing passes.
    AssetCase c = Case("AllDepartmentsMissingNothingPasses");
    c.program = hedui::v1::HOUSING;
    for (Department d : {hedui::v1::REAL_ESTATE, hedui::v1::VEHICLES,
                         hedui::v1::BUSINESS, hedui::v1::FINANCIAL_ASSETS}) {
      c.ages[d] = kMissing;
    }
    c.fin = c.res = c.nonres = c.veh = c.bus = c.housing = UNKNOWN;
    c.discrepancies = std::vector<std::pair<std::string, bool>>{};
    cases.push_back(c);
  }
  return cases;
}

std::vector<AssetCase> DeclaredCases() {
  using Items = std::vector<std::pair<std::string, bool>>;
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 std::string declared, Items discrepancies) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.declared = std::move(declared);
    c.discrepancies = std::move(discrepancies);
    cases.push_back(std::move(c));
    return &cases.back();
  };
  add("DeclaredEqualsFound",
      {Deposit(100000) + Property("R-1", 9000) + Vehicle("E_BIKE", "苏E1")},
      "financial_assets_fen: 100000 residential_properties: 1 vehicles: 1", {});
  add("DeclaredNothingAndHasNothing", {""}, "", {});
  // More than found, and over the cap of 2,232,000: the records pass.
  add("DeclaredFinancialOverCapReview", {Deposit(1000000)},
      "financial_assets_fen: 2232001", {{"FINANCIAL_ASSETS", true}})
      ->fin = REVIEW;
  add("DeclaredFinancialMoreButAtCapNoEffect", {Deposit(1000000)},
      "financial_assets_fen: 2232000", {{"FINANCIAL_ASSETS", false}});
  add("DeclaredFinancialTwoMembersOverCapReview", {Deposit(1000000), ""},
      "financial_assets_fen: 4464001", {{"FINANCIAL_ASSETS", true}})
      ->fin = REVIEW;
  add("DeclaredFinancialTwoMembersAtCapNoEffect", {Deposit(1000000), ""},
      "financial_assets_fen: 4464000", {{"FINANCIAL_ASSETS", false}});
  // Less than found: department data prevail.
  add("DeclaredFinancialLessRecordsFail", {Deposit(2232001)},
      "financial_assets_fen: 100", {{"FINANCIAL_ASSETS", false}})
      ->fin = FAIL;
  add("DeclaredFinancialLessRecordsPass", {Deposit(200000)},
      "financial_assets_fen: 100", {{"FINANCIAL_ASSETS", false}});
  add("DeclaredFinancialMoreRecordsAlreadyFail", {Deposit(2232001)},
      "financial_assets_fen: 3000000", {{"FINANCIAL_ASSETS", false}})
      ->fin = FAIL;
  add("DeclaredTwoHomesRecordsOneReview", {Property("R-1", 9000)},
      "residential_properties: 2", {{"RESIDENTIAL_PROPERTIES", true}})
      ->res = REVIEW;
  add("DeclaredTwoHomesRecordsNoneReview", {""}, "residential_properties: 2",
      {{"RESIDENTIAL_PROPERTIES", true}})
      ->res = REVIEW;
  add("DeclaredOneHomeRecordsNoneNoEffect", {""}, "residential_properties: 1",
      {{"RESIDENTIAL_PROPERTIES", false}});
  add("DeclaredOneHomeRecordsTwoFail",
      {Property("R-1", 9000) + Property("R-2", 9000)},
      "residential_properties: 1", {{"RESIDENTIAL_PROPERTIES", false}})
      ->res = FAIL;
  add("DeclaredThreeHomesRecordsTwoStillFail",
      {Property("R-1", 9000) + Property("R-2", 9000)},
      "residential_properties: 3", {{"RESIDENTIAL_PROPERTIES", false}})
      ->res = FAIL;
  add("DeclaredShopRecordsNoneReview", {""}, "non_residential_properties: 1",
      {{"NON_RESIDENTIAL_PROPERTIES", true}})
      ->nonres = REVIEW;
  // "Declared nothing" is not "declared 0" (domain.md §4): only a declared
  // figure makes a discrepancy; the records decide either way.
  add("DeclaredNothingShopRecordsOneFailsNoDiscrepancy", {Shop("S-1")}, "", {})
      ->nonres = FAIL;
  add("DeclaredZeroShopsRecordsOneFails", {Shop("S-1")},
      "non_residential_properties: 0", {{"NON_RESIDENTIAL_PROPERTIES", false}})
      ->nonres = FAIL;
  // Declaring one item says nothing of the others.
  add("DeclaredFinancialOnlyShopRecordsOneFails",
      {Deposit(100000) + Shop("S-1")}, "financial_assets_fen: 100000", {})
      ->nonres = FAIL;
  add("DeclaredMoreVehiclesRecordsExemptReview", {Vehicle("E_BIKE", "苏E1")},
      "vehicles: 2", {{"VEHICLES", true}})
      ->veh = REVIEW;
  add("DeclaredVehicleRecordsNoneReview", {""}, "vehicles: 1",
      {{"VEHICLES", true}})
      ->veh = REVIEW;
  add("DeclaredMoreVehiclesRecordsCarStillFail", {Vehicle("CAR", "苏E1")},
      "vehicles: 2", {{"VEHICLES", false}})
      ->veh = FAIL;
  add("DeclaredNothingHiddenCarFailsNoDiscrepancy", {Vehicle("CAR", "苏E1")},
      "", {})
      ->veh = FAIL;
  add("DeclaredZeroVehiclesHiddenCarFails", {Vehicle("CAR", "苏E1")},
      "vehicles: 0", {{"VEHICLES", false}})
      ->veh = FAIL;
  add("DeclaredZeroFinancialRecordsSomePass", {Deposit(100)},
      "financial_assets_fen: 0", {{"FINANCIAL_ASSETS", false}});
  add("DeclaredNothingFinancialRecordsSomeNoDiscrepancy", {Deposit(100)}, "",
      {});
  add("DeclaredVehiclesCountAnyType",
      {Vehicle("E_BIKE", "苏E1") + Vehicle("MOTORCYCLE", "苏E2")},
      "vehicles: 2", {});
  {
    AssetCase* c =
        add("DeclaredEverythingMoreInOrder", {""},
            "financial_assets_fen: 9000000 residential_properties: 2 "
            "non_residential_properties: 1 vehicles: 1",
            {{"FINANCIAL_ASSETS", true},
             {"RESIDENTIAL_PROPERTIES", true},
             {"NON_RESIDENTIAL_PROPERTIES", true},
             {"VEHICLES", true}});
    c->fin = c->res = c->nonres = c->veh = REVIEW;
  }
  {
    // No reliable record to compare with: no discrepancy, the test is UNKNOWN.
    AssetCase* c = add("DeclaredMoreButVehiclesStale", {""}, "vehicles: 1", {});
    c->ages[hedui::v1::VEHICLES] = 93;
    c->veh = UNKNOWN;
  }
  {
    // HOUSING: a home the registry does not show may be too large.
    AssetCase* c =
        add("DeclaredHomeRecordsNoneHousingReview", {""},
            "residential_properties: 1", {{"RESIDENTIAL_PROPERTIES", true}});
    c->program = hedui::v1::HOUSING;
    c->housing = REVIEW;
  }
  {
    AssetCase* c =
        add("DeclaredZeroHomesHousingFailsOnRecords", {Property("R-1", 1500)},
            "residential_properties: 0", {{"RESIDENTIAL_PROPERTIES", false}});
    c->program = hedui::v1::HOUSING;
    c->housing = FAIL;
    c = add("DeclaredNothingHousingFailsOnRecordsNoDiscrepancy",
            {Property("R-1", 1500)}, "", {});
    c->program = hedui::v1::HOUSING;
    c->housing = FAIL;
  }
  for (Program program : {hedui::v1::TEMPORARY, hedui::v1::UNION_HARDSHIP}) {
    // Reported only: no finding to change.
    AssetCase* c = add(
        absl::StrCat("Declared", hedui::v1::Program_Name(program),
                     "ReportedOnly"),
        {Vehicle("CAR", "苏E1")},
        "financial_assets_fen: 9000000 residential_properties: 2 vehicles: 3",
        {{"FINANCIAL_ASSETS", false},
         {"RESIDENTIAL_PROPERTIES", false},
         {"VEHICLES", false}});
    c->program = program;
  }
  return cases;
}

// Declared figures belong to a person (domain.md §2, §4): each member's own is
// compared with their own records; the household's unattributed figure is
// added to them and compared with the records of the members who declared
// nothing of the item; under single-person coverage only the covered
// member's own counts. The cap is 2,232,000 a member.
std::vector<AssetCase> PersonDeclaredCases() {
  using Items = std::vector<std::pair<std::string, bool>>;
  std::vector<AssetCase> cases;
  auto add = [&](std::string name, std::vector<std::string> members,
                 std::vector<std::string> member_declared,
                 std::string household, Items discrepancies,
                 std::vector<int> whose) {
    AssetCase c = With(Case(std::move(name)), std::move(members));
    c.member_declared = std::move(member_declared);
    c.declared = std::move(household);
    c.discrepancies = std::move(discrepancies);
    c.discrepancy_members = std::move(whose);
    cases.push_back(std::move(c));
    return &cases.back();
  };
  const std::string kFin = "FINANCIAL_ASSETS";
  add("EachEqualsOwnRecords", {Deposit(100000), Deposit(50000)},
      {"financial_assets_fen: 100000", "financial_assets_fen: 50000"}, "", {},
      {});
  // The household's total agrees (150,000), each person's does not: one
  // member's shortfall does not hide another's excess.
  add("ExcessAndShortfallEachReported", {Deposit(100000), Deposit(50000)},
      {"financial_assets_fen: 150000", "financial_assets_fen: 0"}, "",
      {{kFin, false}, {kFin, false}}, {0, 1});
  // 1,000,000 found + 3,464,001 the records do not show = 4,464,001 over 2
  // members: 2,232,000.5 > 2,232,000.
  add("MemberMoreOverCapReview", {Deposit(1000000), ""},
      {"", "financial_assets_fen: 3464001"}, "", {{kFin, true}}, {1})
      ->fin = REVIEW;
  add("MemberMoreAtCapNoEffect", {Deposit(1000000), ""},
      {"", "financial_assets_fen: 3464000"}, "", {{kFin, false}}, {1});
  // Each within the cap alone, together 4,464,001 over 2 members.
  add("TwoMembersMoreTogetherOverCapReview", {"", ""},
      {"financial_assets_fen: 2232000", "financial_assets_fen: 2232001"}, "",
      {{kFin, true}, {kFin, true}}, {0, 1})
      ->fin = REVIEW;
  // A member's shortfall is no credit against another's excess:
  // 2,232,000 found + 2,232,001 unseen over 2 members, over the cap.
  add("ShortfallDoesNotOffsetExcessReview", {Deposit(2232000), ""},
      {"financial_assets_fen: 0", "financial_assets_fen: 2232001"}, "",
      {{kFin, false}, {kFin, true}}, {0, 1})
      ->fin = REVIEW;
  // The household's figure answers for the member who declared nothing.
  add("HouseholdFigureForTheOthersEqual", {Deposit(100000), Deposit(50000)},
      {"financial_assets_fen: 100000"}, "financial_assets_fen: 50000", {}, {});
  add("HouseholdFigureForTheOthersMore", {Deposit(100000), Deposit(50000)},
      {"financial_assets_fen: 100000"}, "financial_assets_fen: 80000",
      {{kFin, false}}, {-1});
  // Every member declared: the household's figure is in addition to theirs.
  add("HouseholdFigureBesideEveryMemberIsMore", {Deposit(100000)},
      {"financial_assets_fen: 100000"}, "financial_assets_fen: 100000",
      {{kFin, false}}, {-1});
  add("HouseholdFigureBesideEveryMemberOverCapReview", {Deposit(100000)},
      {"financial_assets_fen: 100000"}, "financial_assets_fen: 2132001",
      {{kFin, true}}, {-1})
      ->fin = REVIEW;
  // A member who declared one item declared nothing of the others.
  add("MemberDeclaredOtherItemOnly", {Deposit(100000) + Vehicle("CAR", "苏E1")},
      {"vehicles: 1"}, "", {}, {})
      ->veh = FAIL;
  // A home held in shares by both, each declaring it: one home, no excess.
  add("SharedHomeDeclaredByBoth",
      {Property("R-1", 9000, 5000), Property("R-1", 9000, 5000)},
      {"residential_properties: 1", "residential_properties: 1"}, "", {}, {});
  // A home only the first declares, unknown to the registry, beside the
  // second's registered one: two homes as declared.
  add("MemberUnregisteredHomeReview", {"", Property("R-1", 9000)},
      {"residential_properties: 1", "residential_properties: 1"}, "",
      {{"RESIDENTIAL_PROPERTIES", true}}, {0})
      ->res = REVIEW;
  add("MemberMoreVehiclesRecordsAlreadyFail", {Vehicle("CAR", "苏E1"), ""},
      {"", "vehicles: 1"}, "", {{"VEHICLES", false}}, {1})
      ->veh = FAIL;
  {
    // A member not counted (left out by the composition rule): their
    // declaration is not compared.
    AssetCase* c = add("UncountedMemberNotCompared", {"", Deposit(500)},
                       {"", "financial_assets_fen: 0 vehicles: 3"}, "", {}, {});
    c->counted = 1;
  }
  {
    // Single-person coverage of member 0: only their own figure counts; the
    // household's figure and the other member's are not used.
    AssetCase* c =
        add("SinglePersonOwnEqualOthersIgnored",
            {Deposit(100000), Deposit(2000000) + Vehicle("CAR", "苏E1")},
            {"financial_assets_fen: 100000", "financial_assets_fen: 0"},
            "financial_assets_fen: 9000000 vehicles: 2", {}, {});
    c->single_person = 0;
    c = add("SinglePersonOwnLess", {Deposit(100000), ""},
            {"financial_assets_fen: 0"}, "financial_assets_fen: 100000",
            {{kFin, false}}, {0});
    c->single_person = 0;
    // Over the cap of one member: 2,232,001 > 2,232,000.
    c = add("SinglePersonOwnMoreOverCapReview", {Deposit(100000), ""},
            {"financial_assets_fen: 2232001"}, "", {{kFin, true}}, {0});
    c->single_person = 0;
    c->fin = REVIEW;
    c = add("SinglePersonOwnMoreAtCapNoEffect", {Deposit(100000), ""},
            {"financial_assets_fen: 2232000"}, "", {{kFin, false}}, {0});
    c->single_person = 0;
    // Covered member 1: member 0's records and declaration are not theirs.
    c = add("SinglePersonSecondMemberCovered", {Deposit(9000000), Deposit(500)},
            {"financial_assets_fen: 0", "financial_assets_fen: 500"}, "", {},
            {});
    c->single_person = 1;
    // Nothing declared by the covered member: nothing to compare, even with
    // a household figure.
    c = add("SinglePersonNothingDeclaredHouseholdFigureUnused",
            {Vehicle("CAR", "苏E1"), ""}, {}, "vehicles: 0", {}, {});
    c->single_person = 0;
    c->veh = FAIL;
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<AssetCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(FinancialAssets, AssetTableTest,
                         ::testing::ValuesIn(FinancialCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Property, AssetTableTest,
                         ::testing::ValuesIn(PropertyCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Vehicles, AssetTableTest,
                         ::testing::ValuesIn(VehicleCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Business, AssetTableTest,
                         ::testing::ValuesIn(BusinessCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(HousingNeed, AssetTableTest,
                         ::testing::ValuesIn(HousingCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Programs, AssetTableTest,
                         ::testing::ValuesIn(ProgramCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Declared, AssetTableTest,
                         ::testing::ValuesIn(DeclaredCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(DeclaredByPerson, AssetTableTest,
                         ::testing::ValuesIn(PersonDeclaredCases()), CaseName);

// --- Figures, evidence and text of single findings. ---

void ExpectQuantity(const Quantity& q, int64_t numerator, int64_t denominator,
                    Quantity::Unit unit, const std::string& shown) {
  EXPECT_EQ(q.numerator(), numerator);
  EXPECT_EQ(q.denominator(), denominator);
  EXPECT_EQ(q.unit(), unit);
  EXPECT_EQ(q.shown(), shown);
}

TEST(AssetFiguresTest, FinancialPerCapitaAgainstTheOldStandard) {
  AssetCase c = With(Case("x"), {Deposit(1234500)});
  c.date = "2026-06-30";
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  EXPECT_EQ(f->comparison(), Finding::AT_MOST);
  ExpectQuantity(f->threshold(), 2124000, 1, Quantity::FEN_PER_PERSON,
                 "21,240.00 元/人");
  ExpectQuantity(f->value(), 1234500, 1, Quantity::FEN_PER_PERSON,
                 "12,345.00 元/人");
  ExpectQuantity(f->distance(), 889500, 1, Quantity::FEN_PER_PERSON,
                 "8,895.00 元/人");
  EXPECT_EQ(f->explanation(),
            "家庭金融资产合计 12,345.00 元，1 人，人均 12,345.00 元，"
            "未超过上限 21,240.00 元（24 个月低保标准 885.00 元）");
}

TEST(AssetFiguresTest, FinancialTwoMembersHalfFenOverIsExact) {
  // 4,464,001 / 2 = 2,232,000.5 per member, half a fen over 2,232,000.
  const auto e = Evaluate(With(Case("x"), {Deposit(4000000), Deposit(464001)}));
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  ExpectQuantity(f->threshold(), 2232000, 1, Quantity::FEN_PER_PERSON,
                 "22,320.00 元/人");
  ExpectQuantity(f->value(), 4464001, 2, Quantity::FEN_PER_PERSON,
                 "22,320.0050 元/人");
  EXPECT_EQ(f->distance().numerator(), -1);
  EXPECT_EQ(f->distance().denominator(), 2);
  EXPECT_THAT(f->explanation(), HasSubstr("超过上限 22,320.00 元"));
  EXPECT_THAT(f->explanation(), HasSubstr("2 人"));
  ASSERT_EQ(f->evidence_size(), 2);
  EXPECT_EQ(f->evidence(0).person_id(), PersonId(0));
  EXPECT_EQ(f->evidence(1).person_id(), PersonId(1));
}

TEST(AssetFiguresTest, EvidenceCarriesDepartmentAndAsOf) {
  AssetCase c =
      With(Case("x"),
           {Deposit(100) + Property("R-1", 9000) + Vehicle("CAR", "苏E12345") +
            Enterprise("COMPANY", "SHAREHOLDER", 1, "DISSOLVED")});
  c.date = "2026-11-10";
  c.ages[hedui::v1::VEHICLES] = 92;  // as of 2026-08-10
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::VEHICLES);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->evidence_size(), 1);
  const Evidence& ev = f->evidence(0);
  EXPECT_EQ(ev.department(), hedui::v1::VEHICLES);
  EXPECT_EQ(ev.as_of().year(), 2026);
  EXPECT_EQ(ev.as_of().month(), 8);
  EXPECT_EQ(ev.as_of().day(), 10);
  EXPECT_EQ(ev.person_id(), PersonId(0));
  EXPECT_THAT(ev.record(), HasSubstr("苏E12345"));
  EXPECT_THAT(f->explanation(), HasSubstr("小汽车"));

  const Finding* money = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(money, nullptr);
  ASSERT_EQ(money->evidence_size(), 1);
  EXPECT_EQ(money->evidence(0).department(), hedui::v1::FINANCIAL_ASSETS);
  EXPECT_EQ(money->evidence(0).as_of().day(), 7);  // 3 days before 11-10
  const Finding* business = FindingOf(e->report, Finding::BUSINESS);
  ASSERT_NE(business, nullptr);
  ASSERT_EQ(business->evidence_size(), 1);  // a dissolved one is still shown
  EXPECT_EQ(business->evidence(0).department(), hedui::v1::BUSINESS);
}

TEST(AssetFiguresTest, SharedHomeCountsOnceWithBothRecordsAsEvidence) {
  const auto e = Evaluate(With(
      Case("x"), {Property("R-1", 9000, 5000), Property("R-1", 9000, 5000)}));
  const Finding* f = FindingOf(e->report, Finding::RESIDENTIAL_PROPERTY);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  EXPECT_EQ(f->comparison(), Finding::AT_MOST);
  ExpectQuantity(f->threshold(), 1, 1, Quantity::COUNT, "1");
  ExpectQuantity(f->value(), 1, 1, Quantity::COUNT, "1");
  ExpectQuantity(f->distance(), 0, 1, Quantity::COUNT, "0");
  EXPECT_EQ(f->evidence_size(), 2);
  EXPECT_EQ(e->report.assets().residential_properties(), 1);
}

TEST(AssetFiguresTest, TwoHomesShowCountOverOne) {
  const auto e =
      Evaluate(With(Case("x"), {Property("R-1", 9000), Property("R-2", 9000)}));
  const Finding* f = FindingOf(e->report, Finding::RESIDENTIAL_PROPERTY);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  EXPECT_EQ(f->value().numerator(), 2);
  EXPECT_EQ(f->distance().numerator(), -1);
  EXPECT_THAT(f->explanation(), HasSubstr("2 套"));
}

TEST(AssetFiguresTest, HousingNeedPerMemberAreaStrictlyBelow) {
  AssetCase c = With(
      Case("x"), {Property("R-1", 2998, 5000), Property("R-1", 2998, 5000)});
  c.program = hedui::v1::HOUSING;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::HOUSING_NEED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  EXPECT_EQ(f->comparison(), Finding::LESS_THAN);
  ExpectQuantity(f->threshold(), 1500, 1, Quantity::CENTI_M2_PER_PERSON,
                 "15.00 m²/人");
  ExpectQuantity(f->value(), 1499, 1, Quantity::CENTI_M2_PER_PERSON,
                 "14.99 m²/人");
  EXPECT_EQ(f->evidence_size(), 2);
  EXPECT_THAT(f->explanation(), HasSubstr("人均 14.99 m²"));
  EXPECT_THAT(f->explanation(), HasSubstr("低于上限 15.00 m²/人"));
  EXPECT_EQ(e->report.assets().residential_area_per_member().shown(),
            "14.99 m²/人");
}

TEST(AssetFiguresTest, HousingNeedFractionOfACentiSquareMetre) {
  // 2,999 × 0.5 = 1,499.5 centi-m² for the one member: 14.995 m².
  AssetCase c = With(Case("x"), {Property("R-1", 2999, 5000)});
  c.program = hedui::v1::HOUSING;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::HOUSING_NEED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  ExpectQuantity(f->value(), 2999, 2, Quantity::CENTI_M2_PER_PERSON,
                 "14.9950 m²/人");
}

TEST(AssetFiguresTest, HousingNeedAtLimitFailsWithText) {
  AssetCase c = With(Case("x"), {Property("R-1", 3000), ""});
  c.program = hedui::v1::HOUSING;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::HOUSING_NEED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  EXPECT_EQ(f->explanation(),
            "家庭住宅面积按份额合计 30.00 m²，2 人，人均 15.00 m²，"
            "不低于上限 15.00 m²/人");
  EXPECT_EQ(f->distance().numerator(), 0);
}

TEST(AssetFiguresTest, BusinessReviewNamesCapitalAndLimit) {
  const auto e = Evaluate(With(
      Case("x"),
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 10000000, "ACTIVE")}));
  const Finding* f = FindingOf(e->report, Finding::BUSINESS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  EXPECT_THAT(f->explanation(), HasSubstr("注册资本 100,000.00 元"));
  EXPECT_THAT(f->explanation(), HasSubstr("复核"));
  EXPECT_EQ(f->value().numerator(), 1);
  EXPECT_EQ(e->report.assets().active_enterprises(), 1);
}

TEST(AssetFiguresTest, BusinessOneFenOverNamesTheLimit) {
  const auto e = Evaluate(With(
      Case("x"),
      {Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 10000001, "ACTIVE")}));
  const Finding* f = FindingOf(e->report, Finding::BUSINESS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  EXPECT_THAT(f->explanation(), HasSubstr("100,000.01 元"));
  EXPECT_THAT(f->explanation(), HasSubstr("超过豁免上限 100,000.00 元"));
}

TEST(AssetFiguresTest, UnknownNamesTheDepartmentAndNeverShowsZero) {
  AssetCase c = With(Case("x"), {""});
  c.ages[hedui::v1::VEHICLES] = 93;
  c.ages[hedui::v1::FINANCIAL_ASSETS] = kMissing;
  const auto e = Evaluate(c);
  const Finding* v = FindingOf(e->report, Finding::VEHICLES);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->result(), UNKNOWN);
  ASSERT_EQ(v->missing_departments_size(), 1);
  EXPECT_EQ(v->missing_departments(0), hedui::v1::VEHICLES);
  EXPECT_THAT(v->explanation(), HasSubstr("93 天"));
  const Finding* m = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->result(), UNKNOWN);
  ASSERT_EQ(m->missing_departments_size(), 1);
  EXPECT_EQ(m->missing_departments(0), hedui::v1::FINANCIAL_ASSETS);
  EXPECT_THAT(m->explanation(), HasSubstr("缺失"));
  // The report's asset figures do not show missing data as zero.
  EXPECT_FALSE(e->report.assets().has_financial_assets());
}

// Stale data are no figure either (domain.md §1: missing or too old is
// unknown, never zero): the stale bank and real-estate records hold a
// deposit and a home, but the report's totals are left unset, as for
// missing data, rather than showing a figure that nothing was judged on.
TEST(AssetFiguresTest, StaleDataShowNoTotal) {
  AssetCase c = With(Case("x"), {Deposit(500000), Property("P-1", 6000)});
  c.ages[hedui::v1::FINANCIAL_ASSETS] = 32;  // 31 days at most
  c.ages[hedui::v1::REAL_ESTATE] = 93;       // 92 days at most
  const auto e = Evaluate(c);
  EXPECT_EQ(FindingOf(e->report, Finding::FINANCIAL_ASSETS)->result(), UNKNOWN);
  EXPECT_EQ(FindingOf(e->report, Finding::HOUSING_NEED), nullptr);
  EXPECT_FALSE(e->report.assets().has_financial_assets())
      << e->report.assets().financial_assets().shown();
  EXPECT_FALSE(e->report.assets().has_residential_area_per_member())
      << e->report.assets().residential_area_per_member().shown();

  // One day younger each, the same records are figures.
  c.ages[hedui::v1::FINANCIAL_ASSETS] = 31;
  c.ages[hedui::v1::REAL_ESTATE] = 92;
  const auto fresh = Evaluate(c);
  EXPECT_EQ(fresh->report.assets().financial_assets().shown(), "5,000.00 元");
  EXPECT_TRUE(fresh->report.assets().has_residential_area_per_member());
}

// No registration record (domain.md §2): 20,000.00 元 is within the URBAN cap
// of 320581 (24 × 930.00 = 22,320.00) and over the RURAL one (24 × 700.00 =
// 16,800.00), so which standard applies decides: UNKNOWN, and the caseworker
// reads why and both comparisons.
TEST(AssetFiguresTest, NoStandardExplainsWhy) {
  AssetCase c = With(Case("x"), {Deposit(2000000)});
  c.applicant_registered = false;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), UNKNOWN);
  EXPECT_EQ(f->missing_departments_size(), 0);
  EXPECT_EQ(
      f->explanation(),
      "家庭金融资产合计 20,000.00 元，1 人，人均 20,000.00 元；"
      "申请人无户籍登记记录，无法确定适用的地区和城乡标准，"
      "按本地区各城乡标准分别比较："
      "按城市低保标准 930.00 元，24 个月上限 22,320.00 元，未超过（符合）；"
      "按农村低保标准 700.00 元，24 个月上限 16,800.00 元，超过（不符合）；"
      "各标准下结论不同，无法判断");
  // The line to stay within to pass under every standard: the lower cap.
  ExpectQuantity(f->threshold(), 1680000, 1, Quantity::FEN_PER_PERSON,
                 "16,800.00 元/人");
  ExpectQuantity(f->value(), 2000000, 1, Quantity::FEN_PER_PERSON,
                 "20,000.00 元/人");
  EXPECT_EQ(f->evidence_size(), 1);
}

TEST(AssetFiguresTest, NoStandardWithinEveryCapPasses) {
  AssetCase c = With(Case("x"), {Deposit(1680000)});
  c.applicant_registered = false;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), PASS);
  EXPECT_THAT(f->explanation(),
              HasSubstr("在每一标准下均未超过上限，此项通过"));
  ExpectQuantity(f->threshold(), 1680000, 1, Quantity::FEN_PER_PERSON,
                 "16,800.00 元/人");
  EXPECT_EQ(f->distance().numerator(), 0);
}

TEST(AssetFiguresTest, NoStandardOverEveryCapFailsAgainstTheHigher) {
  AssetCase c = With(Case("x"), {Deposit(2232001)});
  c.applicant_registered = false;
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  EXPECT_THAT(f->explanation(),
              HasSubstr("在每一标准下均超过上限，此项不通过"));
  // Even the higher cap is exceeded, by one fen.
  ExpectQuantity(f->threshold(), 2232000, 1, Quantity::FEN_PER_PERSON,
                 "22,320.00 元/人");
  EXPECT_EQ(f->distance().numerator(), -1);
}

TEST(AssetReportTest, TemporaryFillsAssetsWithoutFindings) {
  AssetCase c = With(
      Case("x"),
      {Deposit(5000000) + Property("R-1", 9000, 5000) + Shop("S-1") +
           Vehicle("CAR", "苏E1") + Vehicle("E_BIKE", "苏E2") +
           Enterprise("COMPANY", "SHAREHOLDER", 1, "ACTIVE", "A"),
       Deposit(1000, "SECURITIES") + Property("R-1", 9000, 5000) +
           Property("R-2", 5000, 2500) +
           Enterprise("COMPANY", "SHAREHOLDER", 1, "ACTIVE", "A") +
           Enterprise("INDIVIDUAL_BUSINESS", "OPERATOR", 1, "REVOKED", "B")});
  c.program = hedui::v1::TEMPORARY;
  const auto e = Evaluate(c);
  EXPECT_EQ(e->report.findings_size(), 0);
  const hedui::v1::Assets& a = e->report.assets();
  ExpectQuantity(a.financial_assets(), 5001000, 1, Quantity::FEN,
                 "50,010.00 元");
  EXPECT_EQ(a.residential_properties(), 2);
  EXPECT_EQ(a.non_residential_properties(), 1);
  // (9,000 × 0.5 + 9,000 × 0.5 + 5,000 × 0.25) / 2 = 5,125 centi-m².
  ExpectQuantity(a.residential_area_per_member(), 5125, 1,
                 Quantity::CENTI_M2_PER_PERSON, "51.25 m²/人");
  EXPECT_EQ(a.vehicles(), 2);
  EXPECT_EQ(a.non_exempt_vehicles(), 1);
  EXPECT_EQ(a.active_enterprises(), 1);  // one company, two shareholders
  // 2 financial + 4 real estate + 2 vehicles + 3 business records.
  ASSERT_EQ(a.records_size(), 11);
  EXPECT_EQ(a.records(0).department(), hedui::v1::FINANCIAL_ASSETS);
  EXPECT_EQ(a.records(0).person_id(), PersonId(0));
  EXPECT_EQ(a.records(1).person_id(), PersonId(1));
  EXPECT_EQ(a.records(10).department(), hedui::v1::BUSINESS);
  for (const Evidence& ev : a.records()) {
    EXPECT_NE(ev.as_of().year(), 0);
  }
}

TEST(AssetReportTest, UnionHardshipFillsAssetsWithoutFindings) {
  AssetCase c = With(Case("x"), {Deposit(90000000) + Vehicle("CAR", "苏E1")});
  c.program = hedui::v1::UNION_HARDSHIP;
  const auto e = Evaluate(c);
  EXPECT_EQ(e->report.findings_size(), 0);
  EXPECT_EQ(e->report.assets().financial_assets().numerator(), 90000000);
  EXPECT_EQ(e->report.assets().non_exempt_vehicles(), 1);
  EXPECT_EQ(e->report.assets().records_size(), 2);
}

TEST(AssetReportTest, DeclaredMoreReviewSaysSo) {
  AssetCase c = With(Case("x"), {Deposit(1000000)});
  c.declared = "financial_assets_fen: 2232001";
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  EXPECT_THAT(f->explanation(), HasSubstr("申报"));
  EXPECT_THAT(f->explanation(), HasSubstr("多于"));
  // The comparison still shows what the records say.
  EXPECT_EQ(f->value().numerator(), 1000000);
  ASSERT_EQ(e->report.discrepancies_size(), 1);
  const Discrepancy& d = e->report.discrepancies(0);
  ExpectQuantity(d.declared(), 2232001, 1, Quantity::FEN, "22,320.01 元");
  ExpectQuantity(d.found(), 1000000, 1, Quantity::FEN, "10,000.00 元");
  EXPECT_TRUE(d.changes_outcome());
  EXPECT_THAT(d.explanation(), HasSubstr("多于"));
}

TEST(AssetReportTest, DeclaredLessRecordsPrevail) {
  AssetCase c = With(Case("x"), {Vehicle("CAR", "苏E1")});
  c.declared = "vehicles: 0";
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::VEHICLES);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), FAIL);
  ASSERT_EQ(e->report.discrepancies_size(), 1);
  const Discrepancy& d = e->report.discrepancies(0);
  EXPECT_EQ(d.item(), "VEHICLES");
  ExpectQuantity(d.declared(), 0, 1, Quantity::COUNT, "0");
  ExpectQuantity(d.found(), 1, 1, Quantity::COUNT, "1");
  EXPECT_FALSE(d.changes_outcome());
  EXPECT_THAT(d.explanation(), HasSubstr("以部门数据为准"));
}

TEST(AssetReportTest, PersonDiscrepancyNamesThePersonAndTheirRecords) {
  AssetCase c = With(Case("x"), {Deposit(100000), Deposit(50000)});
  c.member_declared = {"", "financial_assets_fen: 0"};
  const auto e = Evaluate(c);
  ASSERT_EQ(e->report.discrepancies_size(), 1);
  const Discrepancy& d = e->report.discrepancies(0);
  EXPECT_EQ(d.person_id(), PersonId(1));
  EXPECT_EQ(d.item(), "FINANCIAL_ASSETS");
  ExpectQuantity(d.declared(), 0, 1, Quantity::FEN, "0.00 元");
  ExpectQuantity(d.found(), 50000, 1, Quantity::FEN, "500.00 元");
  EXPECT_FALSE(d.changes_outcome());
  EXPECT_EQ(d.explanation(),
            "本人申报金融资产 0.00 元，少于本人的金融资产部门记录 500.00 元；"
            "以部门数据为准");
}

TEST(AssetReportTest, PersonDeclaringMoreOverTheCapSaysSo) {
  // 1,000,000 found + 3,464,002 unseen = 4,464,002 over 2 members:
  // 2,232,001 a member, one fen over the cap.
  AssetCase c = With(Case("x"), {Deposit(1000000), ""});
  c.member_declared = {"", "financial_assets_fen: 3464002"};
  const auto e = Evaluate(c);
  const Finding* f = FindingOf(e->report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), REVIEW);
  // The comparison still shows what the records say.
  EXPECT_EQ(f->value().numerator(), 500000);
  EXPECT_EQ(
      f->explanation(),
      "家庭申报金融资产多于部门记录（金融资产部门记录 10,000.00 元），"
      "部门记录人均 5,000.00 元/人，未超过上限；按申报计家庭金融资产至少 "
      "44,640.02 元，人均 22,320.01 元，超过上限 22,320.00 元，需人工复核");
  ASSERT_EQ(e->report.discrepancies_size(), 1);
  const Discrepancy& d = e->report.discrepancies(0);
  EXPECT_EQ(d.person_id(), PersonId(1));
  EXPECT_TRUE(d.changes_outcome());
  EXPECT_EQ(
      d.explanation(),
      "本人申报金融资产 34,640.02 元，多于本人的金融资产部门记录 0.00 元；"
      "按申报计家庭金融资产至少 44,640.02 元，人均 22,320.01 元，"
      "超过上限 22,320.00 元，需人工复核");
}

TEST(AssetReportTest, HouseholdFigureBesideMembersSaysWhoseRecords) {
  AssetCase c = With(Case("x"), {Deposit(100000), Deposit(50000)});
  c.member_declared = {"financial_assets_fen: 100000"};
  c.declared = "financial_assets_fen: 80000";
  const auto e = Evaluate(c);
  ASSERT_EQ(e->report.discrepancies_size(), 1);
  const Discrepancy& d = e->report.discrepancies(0);
  EXPECT_EQ(d.person_id(), "");
  ExpectQuantity(d.found(), 50000, 1, Quantity::FEN, "500.00 元");
  EXPECT_EQ(d.explanation(),
            "家庭另行申报（未归属成员）金融资产 800.00 元，多于未自行申报成员的"
            "金融资产部门记录 500.00 元；不影响核对结果");
}

TEST(AssetReportTest, SameInputsSameBytes) {
  AssetCase c = With(
      Case("x"), {Property("R-2", 5000) + Property("R-1", 9000, 5000) +
                      Vehicle("E_BIKE", "苏E9") + Vehicle("CAR", "苏E1"),
                  Property("R-1", 9000, 5000) + Deposit(300) + Deposit(200)});
  c.program = hedui::v1::HOUSING;
  c.declared = "vehicles: 5";
  const auto a = Evaluate(c);
  const auto b = Evaluate(c);
  EXPECT_EQ(a->report.SerializeAsString(), b->report.SerializeAsString());
  // Evidence follows the stored order, not any sorted or hashed one.
  const Finding* f = FindingOf(a->report, Finding::RESIDENTIAL_PROPERTY);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->evidence_size(), 3);
  EXPECT_THAT(f->evidence(0).record(), HasSubstr("R-2"));
  EXPECT_THAT(f->evidence(1).record(), HasSubstr("R-1"));
  EXPECT_EQ(f->evidence(2).person_id(), PersonId(1));
  const Finding* v = FindingOf(a->report, Finding::VEHICLES);
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->evidence_size(), 2);
  EXPECT_THAT(v->evidence(0).record(), HasSubstr("苏E9"));
}

// --- Through the whole engine: the composition rule decides who is counted.

// 低保 on 2026-11-05: the head's wages 1,500.00 a month, × 0.9 / 2 = 675.00 a
// person, below 1.5 × 930.00, and the spouse holds a grade-1 physical
// disability record: single-person coverage of the spouse applies (§2).
// The spouse declares 0 and holds 500.00; the head declares 0 and holds
// 90,000.00; the household declares 5 vehicles.
testing::HouseholdBuilder CoupleDeclaringAssets(bool spouse_disabled) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 5));
  const std::string head = h.AddMember(absl::CivilDay(1980, 5, 5));
  const std::string spouse =
      h.AddMember(absl::CivilDay(1982, 8, 8), hedui::v1::SPOUSE);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(head, m, 150'000);
  }
  const auto deposit = [&h](const std::string& id, int64_t fen) {
    hedui::store::v1::FinancialAssetRecord* r =
        h.Person(id)->add_financial_assets();
    r->set_person_id(id);
    r->set_institution("银行A");
    r->set_account(absl::StrCat("A-", fen));
    r->set_asset_type(hedui::store::v1::DEPOSIT);
    r->set_balance_fen(fen);
    *r->mutable_balance_date() = hedui::ToProto(absl::CivilDay(2026, 11, 1));
  };
  deposit(head, 9'000'000);
  deposit(spouse, 50'000);
  h.Member(head)->mutable_declared_assets()->set_financial_assets_fen(0);
  h.Member(spouse)->mutable_declared_assets()->set_financial_assets_fen(0);
  h.request().mutable_declared_assets()->set_vehicles(5);
  if (spouse_disabled) {
    hedui::store::v1::DisabilityRecord* d = h.Person(spouse)->add_disability();
    d->set_person_id(spouse);
    d->set_category(hedui::store::v1::PHYSICAL);
    d->set_grade(1);
  }
  h.request().set_single_person_member_id(spouse);
  return h;
}

TEST(AssetEngineTest, SinglePersonComparesOnlyTheCoveredMembersOwn) {
  testing::HouseholdBuilder h = CoupleDeclaringAssets(true);
  const std::string spouse = h.request().members(1).person_id();
  const Report report = h.Evaluate();
  ASSERT_TRUE(report.household().single_person_coverage());
  // The spouse's own 500.00 against 22,320.00: the head's deposits are not
  // theirs.
  EXPECT_EQ(testing::ResultOf(report, Finding::FINANCIAL_ASSETS), PASS);
  ASSERT_EQ(report.discrepancies_size(), 1) << report.DebugString();
  const Discrepancy& d = report.discrepancies(0);
  EXPECT_EQ(d.person_id(), spouse);
  EXPECT_EQ(d.item(), "FINANCIAL_ASSETS");
  EXPECT_EQ(d.found().numerator(), 50'000);
  EXPECT_FALSE(d.changes_outcome());
}

TEST(AssetEngineTest, CoverageNotAppliedComparesEveryMembersOwn) {
  // No disability record and no illness declared: the household is verified
  // as a whole, exactly as without the request.
  testing::HouseholdBuilder h = CoupleDeclaringAssets(false);
  const Report report = h.Evaluate();
  ASSERT_FALSE(report.household().single_person_coverage());
  // 9,050,000 / 2 = 4,525,000 > 2,232,000: the records decide.
  EXPECT_EQ(testing::ResultOf(report, Finding::FINANCIAL_ASSETS), FAIL);
  std::vector<std::pair<std::string, std::string>> found;
  for (const Discrepancy& d : report.discrepancies()) {
    if (d.item() == "FINANCIAL_ASSETS" || d.item() == "VEHICLES") {
      found.push_back({d.item(), d.person_id()});
    }
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"FINANCIAL_ASSETS", h.request().members(0).person_id()},
      {"FINANCIAL_ASSETS", h.request().members(1).person_id()},
      {"VEHICLES", ""}};
  EXPECT_EQ(found, expected);
}

// --- Golden: a caseworker's whole report. ---

// 低保 on 2026-11-05 for 张三 (46), whom the registration does not know: no
// standard can be chosen (domain.md §2). His wages of 500.00 a month,
// × 0.9 = 450.00, are below both 320581 standards (urban 930.00, rural
// 700.00). He holds 20,000.00 in the bank and declares exactly that: within
// the urban cap 22,320.00, over the rural 16,800.00, so FINANCIAL_ASSETS is
// UNKNOWN, each comparison shown; no discrepancy. He declares no vehicle and
// has none. Expected by hand: COMPOSITION REVIEW (unknown to the
// registration), INCOME PASS, FINANCIAL_ASSETS UNKNOWN, the other asset tests
// PASS; verdict NEEDS_REVIEW.
TEST(AssetGolden, DibaoNoRegistrationBetweenTheCaps) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 5));
  const std::string id = h.AddMember(absl::CivilDay(1980, 5, 5));
  h.Person(id)->clear_household_registration();
  h.records().clear_household_registers();
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(id, m, 50'000);
  }
  hedui::store::v1::FinancialAssetRecord* r =
      h.Person(id)->add_financial_assets();
  r->set_person_id(id);
  r->set_institution("常熟农商银行");
  r->set_account("6222****0001");
  r->set_asset_type(hedui::store::v1::DEPOSIT);
  r->set_balance_fen(2'000'000);
  *r->mutable_balance_date() = hedui::ToProto(absl::CivilDay(2026, 10, 31));
  h.Member(id)->mutable_declared_assets()->set_financial_assets_fen(2'000'000);
  h.Member(id)->mutable_declared_assets()->set_vehicles(0);

  const Report report = h.Evaluate();
  EXPECT_EQ(testing::ResultOf(report, Finding::COMPOSITION), REVIEW);
  EXPECT_EQ(testing::ResultOf(report, Finding::INCOME), PASS);
  EXPECT_EQ(testing::ResultOf(report, Finding::FINANCIAL_ASSETS), UNKNOWN);
  for (Finding::Criterion c :
       {Finding::RESIDENTIAL_PROPERTY, Finding::NON_RESIDENTIAL_PROPERTY,
        Finding::VEHICLES, Finding::BUSINESS}) {
    EXPECT_EQ(testing::ResultOf(report, c), PASS) << Finding::Criterion_Name(c);
  }
  EXPECT_EQ(report.discrepancies_size(), 0);
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
  ExpectMatchesGolden("assets_no_registration", report);
}

}  // namespace
}  // namespace hedui::engine
