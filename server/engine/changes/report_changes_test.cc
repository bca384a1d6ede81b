// The change event of a re-verification (domain.md §10, §10.1 "Events",
// "Gradual exit", "Special households"). The reports are built by hand: a
// 低保 household of county 320581, the applicant and spouse registered in
// 户号 H1, every criterion passing, verified on 2026-11-05 (the baseline)
// and again on 2026-11-20. Every expected value is worked out from the text
// of domain.md; the last tests run the engine itself to check that deaths and
// moves are read as its reports show them.
#include "server/engine/changes/report_changes.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/testing/household_builder.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::ChangeEvent;
using hedui::v1::CriterionChange;
using hedui::v1::Department;
using hedui::v1::DepartmentData;
using hedui::v1::Evidence;
using hedui::v1::EvidenceChange;
using hedui::v1::Finding;
using hedui::v1::PersonChange;
using hedui::v1::Quantity;
using hedui::v1::Report;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Finding::Result PASS = Finding::PASS;
constexpr Finding::Result FAIL = Finding::FAIL;
constexpr Finding::Result UNKNOWN = Finding::UNKNOWN;
constexpr Finding::Result REVIEW = Finding::REVIEW;
constexpr Finding::Result ABSENT = Finding::RESULT_UNSPECIFIED;

constexpr char kCounty[] = "320581";
constexpr char kEngine[] = "hedui-engine-2";
const char kHead[] = "320581198005050012";
const char kSpouse[] = "320581198208080027";
const char kObligor[] = "320581196507201010";
const char kHeadName[] = "王建国";
const char kSpouseName[] = "李秀英";
const absl::CivilDay kBaselineDay(2026, 11, 5);
const absl::CivilDay kDay(2026, 11, 20);

hedui::v1::Date D(int y, int m, int d) {
  return ToProto(absl::CivilDay(y, m, d));
}

// An amount per person and month; `fen` below 100,000 (no thousands comma).
Quantity PerCapita(int64_t fen) {
  Quantity q;
  q.set_numerator(fen);
  q.set_denominator(1);
  q.set_unit(Quantity::FEN_PER_PERSON_MONTH);
  q.set_shown(absl::StrFormat("%d.%02d 元/人·月", fen / 100, fen % 100));
  return q;
}

Finding* F(Report& r, Finding::Criterion c) {
  for (Finding& f : *r.mutable_findings()) {
    if (f.criterion() == c) return &f;
  }
  return nullptr;
}

void Remove(Report& r, Finding::Criterion c) {
  auto* findings = r.mutable_findings();
  for (int i = 0; i < findings->size(); ++i) {
    if (findings->Get(i).criterion() == c) {
      findings->DeleteSubrange(i, 1);
      return;
    }
  }
}

// Findings in criterion order, as the engine leaves them.
Finding* Put(Report& r, Finding::Criterion c, Finding::Result result) {
  Finding* f = F(r, c);
  if (f == nullptr) {
    f = r.add_findings();
    f->set_criterion(c);
    std::stable_sort(r.mutable_findings()->begin(), r.mutable_findings()->end(),
                     [](const Finding& a, const Finding& b) {
                       return a.criterion() < b.criterion();
                     });
    f = F(r, c);
  }
  f->set_result(result);
  return f;
}

Evidence Row(Department d, const std::string& person, const std::string& record,
             absl::CivilDay as_of = absl::CivilDay(2026, 11, 1)) {
  Evidence e;
  e.set_department(d);
  *e.mutable_as_of() = ToProto(as_of);
  e.set_person_id(person);
  e.set_record(record);
  return e;
}

std::string Registration(const std::string& household, const std::string& rel,
                         const std::string& region, const std::string& status) {
  return absl::StrCat("户号 ", household, "，与户主关系 ", rel, "，地区 ",
                      region, " 城市，状态 ", status);
}

// One income record of the income section (person and as-of are the
// member's and the department's).
void IncomeRecord(Report& r, const std::string& person, Department d,
                  absl::CivilMonth month, const std::string& record) {
  hedui::v1::MemberIncome* member = nullptr;
  for (auto& m : *r.mutable_income()->mutable_members()) {
    if (m.person_id() == person) member = &m;
  }
  if (member == nullptr) {
    member = r.mutable_income()->add_members();
    member->set_person_id(person);
    member->add_categories()->set_category(hedui::v1::WAGES);
  }
  Evidence* e = member->mutable_categories(0)->add_records();
  e->set_department(d);
  e->set_record(record);
  *e->mutable_period() = ToProto(month);
}

void SetData(Report& r, Department d, DepartmentData::State state,
             absl::CivilDay as_of, int age_days) {
  for (DepartmentData& data : *r.mutable_departments()) {
    if (data.department() != d) continue;
    data.set_state(state);
    *data.mutable_as_of() = ToProto(as_of);
    data.set_age_days(age_days);
  }
}

// The baseline: 低保, applicant and spouse in H1 of 320581, everything
// passing, per-capita income 625.00 against the standard 930.00.
Report Baseline(hedui::v1::Program program = hedui::v1::DIBAO) {
  Report r;
  r.set_report_id("R-1");
  r.set_program(program);
  r.set_engine_version(kEngine);
  *r.mutable_verification_date() = ToProto(kBaselineDay);
  r.set_verdict(hedui::v1::MEETS_CRITERIA);
  auto* request = r.mutable_request();
  request->set_program(program);
  request->set_region_code(kCounty);
  auto* head = request->add_members();
  head->set_person_id(kHead);
  head->set_name(kHeadName);
  head->set_relation(hedui::v1::HEAD);
  auto* spouse = request->add_members();
  spouse->set_person_id(kSpouse);
  spouse->set_name(kSpouseName);
  spouse->set_relation(hedui::v1::SPOUSE);
  for (const char* id : {kHead, kSpouse}) {
    auto* m = r.mutable_household()->add_members();
    m->set_person_id(id);
    m->set_counted(true);
    m->set_reason("户籍正常，户号 H1");
  }
  r.mutable_household()->set_counted_members(2);
  r.mutable_household()->set_household_number("H1");
  for (int d = 1; d < hedui::v1::Department_ARRAYSIZE; ++d) {
    DepartmentData* data = r.add_departments();
    data->set_department(static_cast<Department>(d));
    *data->mutable_as_of() = D(2026, 11, 1);
    data->set_age_days(4);
    data->set_max_age_days(92);
    data->set_state(DepartmentData::FRESH);
  }
  auto* policy = r.mutable_policy();
  policy->set_region_code(kCounty);
  policy->set_residence_class(hedui::v1::URBAN);
  auto* p = policy->add_parameters();
  p->set_name("dibao_standard_fen");
  p->set_value("93000");

  Put(r, Finding::CONSENT, PASS);
  Finding* composition = Put(r, Finding::COMPOSITION, PASS);
  *composition->add_evidence() =
      Row(hedui::v1::HOUSEHOLD_REGISTRATION, kHead,
          Registration("H1", "户主", kCounty, "正常"));
  *composition->add_evidence() =
      Row(hedui::v1::HOUSEHOLD_REGISTRATION, kSpouse,
          Registration("H1", "配偶", kCounty, "正常"));
  Finding* income = Put(r, Finding::INCOME, PASS);
  income->set_comparison(Finding::LESS_THAN);
  *income->mutable_value() = PerCapita(62500);
  *income->mutable_threshold() = PerCapita(93000);
  for (auto c : {Finding::FINANCIAL_ASSETS, Finding::RESIDENTIAL_PROPERTY,
                 Finding::NON_RESIDENTIAL_PROPERTY, Finding::VEHICLES,
                 Finding::BUSINESS, Finding::DUPLICATE_ENROLLMENT}) {
    Put(r, c, PASS);
  }
  *r.mutable_income()->mutable_per_capita_monthly() = PerCapita(62500);
  return r;
}

// The same household re-verified on 2026-11-20 with nothing changed.
Report Again(const Report& baseline) {
  Report r = baseline;
  r.set_report_id("R-2");
  *r.mutable_verification_date() = ToProto(kDay);
  *r.mutable_request()->mutable_verification_date() = ToProto(kDay);
  return r;
}

EntryChangeState Entry(hedui::v1::Program program = hedui::v1::DIBAO) {
  EntryChangeState e;
  e.program = program;
  e.region_code = kCounty;
  return e;
}

// No resident ID or name of a declared person in a text that may be logged.
void ExpectNoPersonalData(const std::string& text) {
  for (const char* s : {kHead, kSpouse, kObligor, kHeadName, kSpouseName}) {
    EXPECT_THAT(text, Not(HasSubstr(s)));
  }
}

// ---- Only results make a difference ----

struct ResultCase {
  const char* name;
  Finding::Result before;
  Finding::Result after;
  int64_t value_after;      // INCOME's value in the new report
  int64_t threshold_after;  // and its threshold
  bool changed;
};

// Housing assistance: no gradual exit, no 低保 line, only the results.
TEST(ReportChangesTest, OnlyResultsMakeADifference) {
  const ResultCase cases[] = {
      {"value moved, result stayed", PASS, PASS, 92999, 93000, false},
      {"threshold moved, result stayed", PASS, PASS, 62500, 95000, false},
      {"failing further is no change", FAIL, FAIL, 120000, 93000, false},
      {"absent before, PASS after", ABSENT, PASS, 62500, 93000, false},
      {"PASS before, absent after", PASS, ABSENT, 62500, 93000, false},
      {"PASS to FAIL", PASS, FAIL, 93000, 93000, true},
      {"UNKNOWN to PASS", UNKNOWN, PASS, 62500, 93000, true},
      {"PASS to REVIEW", PASS, REVIEW, 62500, 93000, true},
      {"REVIEW to UNKNOWN", REVIEW, UNKNOWN, 62500, 93000, true},
      {"absent before, UNKNOWN after (same engine)", ABSENT, UNKNOWN, 62500,
       93000, true},
      {"FAIL before, absent after", FAIL, ABSENT, 62500, 93000, true},
  };
  for (const ResultCase& c : cases) {
    SCOPED_TRACE(c.name);
    Report before = Baseline(hedui::v1::HOUSING);
    if (c.before == ABSENT) {
      Remove(before, Finding::INCOME);
    } else {
      F(before, Finding::INCOME)->set_result(c.before);
    }
    Report after = Again(Baseline(hedui::v1::HOUSING));
    if (c.after == ABSENT) {
      Remove(after, Finding::INCOME);
    } else {
      Finding* f = F(after, Finding::INCOME);
      f->set_result(c.after);
      *f->mutable_value() = PerCapita(c.value_after);
      *f->mutable_threshold() = PerCapita(c.threshold_after);
    }
    // The verdicts are left equal: only the criterion is under test.
    const ReportChanges out =
        CompareReports(before, after, Entry(hedui::v1::HOUSING));
    EXPECT_EQ(out.makes_event, c.changed);
    ASSERT_EQ(out.event.criteria_size(), c.changed ? 1 : 0);
    if (c.changed) {
      EXPECT_EQ(out.event.criteria(0).criterion(), Finding::INCOME);
      EXPECT_EQ(out.event.criteria(0).before(), c.before);
      EXPECT_EQ(out.event.criteria(0).after(), c.after);
    }
  }
}

TEST(ReportChangesTest, NothingChangedMakesNoEvent) {
  const Report before = Baseline();
  const ReportChanges out = CompareReports(before, Again(before), Entry());
  EXPECT_FALSE(out.makes_event);
  EXPECT_FALSE(out.found_death);
  EXPECT_FALSE(out.gradual_exit_date.has_value());
  EXPECT_TRUE(out.persons_gone.empty());
  EXPECT_TRUE(out.event.persons().empty());
}

TEST(ReportChangesTest, AVerdictChangeAloneMakesAnEvent) {
  const Report before = Baseline();
  Report after = Again(before);
  after.set_verdict(hedui::v1::NEEDS_REVIEW);
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_TRUE(out.makes_event);
  EXPECT_EQ(out.event.verdict_before(), hedui::v1::MEETS_CRITERIA);
  EXPECT_EQ(out.event.verdict_after(), hedui::v1::NEEDS_REVIEW);
  EXPECT_TRUE(out.event.criteria().empty());
}

// ---- A criterion the previous engine did not know ----

struct PredateCase {
  const char* name;
  const char* previous_engine;
  bool previous_composition_failed;
};

TEST(ReportChangesTest, ACriterionNewToTheEngineMakesNoEvent) {
  const PredateCase cases[] = {
      // Absent from a baseline made by the older engine: no event, and the
      // verdict it alone decides is no change either.
      {"older engine", "hedui-engine-1", false},
      {"same engine: absent for another reason", kEngine, false},
      // Everything but COMPOSITION is absent after it failed: that is why
      // DUPLICATE_ENROLLMENT was absent, whatever the engine.
      {"older engine, composition failed", "hedui-engine-1", true},
  };
  for (const PredateCase& c : cases) {
    SCOPED_TRACE(c.name);
    Report before = Baseline();
    before.set_engine_version(c.previous_engine);
    Remove(before, Finding::DUPLICATE_ENROLLMENT);
    if (c.previous_composition_failed) {
      F(before, Finding::COMPOSITION)->set_result(FAIL);
      before.set_verdict(hedui::v1::DOES_NOT_MEET);
    }
    Report after = Again(Baseline());
    F(after, Finding::DUPLICATE_ENROLLMENT)->set_result(REVIEW);
    after.set_verdict(hedui::v1::NEEDS_REVIEW);
    after.add_deciding_criteria(Finding::DUPLICATE_ENROLLMENT);
    const ReportChanges out = CompareReports(before, after, Entry());
    const bool older = std::string(c.previous_engine) != kEngine &&
                       !c.previous_composition_failed;
    EXPECT_EQ(out.makes_event, !older);
    bool listed = false;
    for (const CriterionChange& cc : out.event.criteria()) {
      listed |= cc.criterion() == Finding::DUPLICATE_ENROLLMENT;
    }
    EXPECT_EQ(listed, !older);
  }
}

TEST(ReportChangesTest, ANewCriterionDoesNotHideOtherChanges) {
  Report before = Baseline();
  before.set_engine_version("hedui-engine-1");
  Remove(before, Finding::DUPLICATE_ENROLLMENT);
  Report after = Again(Baseline());
  F(after, Finding::DUPLICATE_ENROLLMENT)->set_result(REVIEW);
  F(after, Finding::VEHICLES)->set_result(FAIL);
  after.set_verdict(hedui::v1::DOES_NOT_MEET);
  after.add_deciding_criteria(Finding::VEHICLES);
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_TRUE(out.makes_event);
  ASSERT_EQ(out.event.criteria_size(), 1);
  EXPECT_EQ(out.event.criteria(0).criterion(), Finding::VEHICLES);
}

// ---- What a changed criterion carries ----

TEST(ReportChangesTest, AChangedCriterionHasItsFiguresBeforeAndAfter) {
  const Report before = Baseline();
  Report after = Again(before);
  Finding* income = F(after, Finding::INCOME);
  income->set_result(FAIL);
  *income->mutable_value() = PerCapita(95000);
  after.set_verdict(hedui::v1::DOES_NOT_MEET);
  after.add_deciding_criteria(Finding::INCOME);
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& c = out.event.criteria(0);
  EXPECT_EQ(c.criterion(), Finding::INCOME);
  EXPECT_EQ(c.before(), PASS);
  EXPECT_EQ(c.after(), FAIL);
  EXPECT_EQ(c.value_before().numerator(), 62500);
  EXPECT_EQ(c.value_after().numerator(), 95000);
  EXPECT_EQ(c.threshold_before().numerator(), 93000);
  EXPECT_EQ(c.threshold_after().numerator(), 93000);
  EXPECT_EQ(c.explanation(),
            "家庭收入：通过 → 不通过；数值 625.00 元/人·月 → 950.00 元/人·月；"
            "标准 930.00 元/人·月");
  EXPECT_EQ(out.event.kind(), ChangeEvent::REVERIFICATION);
  EXPECT_EQ(out.event.program(), hedui::v1::DIBAO);
  EXPECT_EQ(out.event.region_code(), kCounty);
  EXPECT_EQ(hedui::FormatCivilDay(ToCivilDay(out.event.occurred_on())),
            "2026-11-20");
  // The caller's.
  EXPECT_EQ(out.event.number(), 0u);
  EXPECT_EQ(out.event.trigger(), ChangeEvent::TRIGGER_UNSPECIFIED);
  EXPECT_TRUE(out.event.entry_id().empty());
  EXPECT_TRUE(out.event.previous_report_id().empty());
  EXPECT_TRUE(out.event.new_report_id().empty());
}

TEST(ReportChangesTest, IncomeRecordsAddedRemovedAndChanged) {
  // The window moved from 2025-11…2026-10 to 2025-12…2026-11: 2025-11 left
  // it (removed), 2026-11 entered it (added); 2026-03 was corrected
  // (changed); 2026-04 is the same record with a newer as-of (no change).
  Report before = Baseline();
  IncomeRecord(before, kHead, hedui::v1::TAX, absl::CivilMonth(2025, 11),
               "2025-11 工资薪金 1,800.00 元（扣缴单位 单位A）");
  IncomeRecord(before, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 3),
               "2026-03 工资薪金 1,800.00 元（扣缴单位 单位A）");
  IncomeRecord(before, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 4),
               "2026-04 工资薪金 1,800.00 元（扣缴单位 单位A）");
  Report after = Again(Baseline());
  SetData(after, hedui::v1::TAX, DepartmentData::FRESH,
          absl::CivilDay(2026, 11, 15), 5);
  IncomeRecord(after, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 3),
               "2026-03 工资薪金 9,800.00 元（扣缴单位 单位A）");
  IncomeRecord(after, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 4),
               "2026-04 工资薪金 1,800.00 元（扣缴单位 单位A）");
  IncomeRecord(after, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 11),
               "2026-11 工资薪金 1,800.00 元（扣缴单位 单位A）");
  F(after, Finding::INCOME)->set_result(FAIL);
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& c = out.event.criteria(0);
  ASSERT_EQ(c.evidence_size(), 3);
  // Removed and changed in the previous report's order, then added.
  EXPECT_EQ(c.evidence(0).kind(), EvidenceChange::REMOVED);
  EXPECT_EQ(c.evidence(0).before().record(),
            "2025-11 工资薪金 1,800.00 元（扣缴单位 单位A）");
  EXPECT_EQ(c.evidence(0).before().person_id(), kHead);
  EXPECT_EQ(c.evidence(0).before().department(), hedui::v1::TAX);
  EXPECT_EQ(hedui::FormatCivilDay(ToCivilDay(c.evidence(0).before().as_of())),
            "2026-11-01");
  EXPECT_EQ(c.evidence(1).kind(), EvidenceChange::CHANGED);
  EXPECT_EQ(c.evidence(1).before().record(),
            "2026-03 工资薪金 1,800.00 元（扣缴单位 单位A）");
  EXPECT_EQ(c.evidence(1).after().record(),
            "2026-03 工资薪金 9,800.00 元（扣缴单位 单位A）");
  EXPECT_EQ(hedui::FormatCivilDay(ToCivilDay(c.evidence(1).after().as_of())),
            "2026-11-15");
  EXPECT_EQ(c.evidence(2).kind(), EvidenceChange::ADDED);
  EXPECT_EQ(c.evidence(2).after().record(),
            "2026-11 工资薪金 1,800.00 元（扣缴单位 单位A）");
  EXPECT_THAT(c.explanation(),
              HasSubstr("记录新增 1 条、不再出现 1 条、发生变化 1 条"));
}

TEST(ReportChangesTest, TwoPayersOfOneMonthAreTwoRecords) {
  Report before = Baseline();
  IncomeRecord(before, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 3),
               "2026-03 工资薪金 1,800.00 元（扣缴单位 单位A）");
  Report after = Again(Baseline());
  IncomeRecord(after, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 3),
               "2026-03 工资薪金 1,800.00 元（扣缴单位 单位A）");
  IncomeRecord(after, kHead, hedui::v1::TAX, absl::CivilMonth(2026, 3),
               "2026-03 劳务报酬 4,000.00 元（扣缴单位 单位B）");
  F(after, Finding::INCOME)->set_result(FAIL);
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  ASSERT_EQ(out.event.criteria(0).evidence_size(), 1);
  EXPECT_EQ(out.event.criteria(0).evidence(0).kind(), EvidenceChange::ADDED);
  EXPECT_EQ(out.event.criteria(0).evidence(0).after().record(),
            "2026-03 劳务报酬 4,000.00 元（扣缴单位 单位B）");
}

TEST(ReportChangesTest, AnotherVehicleIsRemovedAndAdded) {
  Report before = Baseline();
  *F(before, Finding::VEHICLES)->add_evidence() =
      Row(hedui::v1::VEHICLES, kHead, "电动自行车 常熟D12345，登记 2021-04-01");
  Report after = Again(Baseline());
  Finding* vehicles = F(after, Finding::VEHICLES);
  vehicles->set_result(FAIL);
  *vehicles->add_evidence() =
      Row(hedui::v1::VEHICLES, kHead, "电动自行车 常熟D12345，登记 2021-04-01",
          absl::CivilDay(2026, 11, 10));
  *vehicles->add_evidence() =
      Row(hedui::v1::VEHICLES, kSpouse, "小汽车 苏E·3K2R7，登记 2026-10-08");
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& c = out.event.criteria(0);
  ASSERT_EQ(c.evidence_size(), 1);
  EXPECT_EQ(c.evidence(0).kind(), EvidenceChange::ADDED);
  EXPECT_EQ(c.evidence(0).after().person_id(), kSpouse);
  EXPECT_EQ(c.evidence(0).after().department(), hedui::v1::VEHICLES);
}

TEST(ReportChangesTest, AChangedRegistrationIsOneRecordChanged) {
  // A member registered as moved: composition goes to review; the
  // registration row is the same record changed.
  const Report before = Baseline();
  Report after = Again(before);
  Finding* composition = F(after, Finding::COMPOSITION);
  composition->set_result(REVIEW);
  composition->mutable_evidence(1)->set_record(
      Registration("H1", "配偶", kCounty, "迁出"));
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& c = out.event.criteria(0);
  ASSERT_EQ(c.evidence_size(), 1);
  EXPECT_EQ(c.evidence(0).kind(), EvidenceChange::CHANGED);
  EXPECT_EQ(c.evidence(0).before().record(),
            Registration("H1", "配偶", kCounty, "正常"));
  EXPECT_EQ(c.evidence(0).after().record(),
            Registration("H1", "配偶", kCounty, "迁出"));
}

TEST(ReportChangesTest, MissingOrStaleDataNameTheDepartmentAndAsOf) {
  // Bank data went stale (as of 2026-08-01, 111 days old, above 92): the
  // assets are unknown. Then fresh again: known again.
  const Report fresh = Baseline();
  Report stale = Again(fresh);
  SetData(stale, hedui::v1::FINANCIAL_ASSETS, DepartmentData::STALE,
          absl::CivilDay(2026, 8, 1), 111);
  Finding* assets = F(stale, Finding::FINANCIAL_ASSETS);
  assets->set_result(UNKNOWN);
  assets->add_missing_departments(hedui::v1::FINANCIAL_ASSETS);
  stale.set_verdict(hedui::v1::NEEDS_REVIEW);

  ReportChanges out = CompareReports(fresh, stale, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& went = out.event.criteria(0);
  EXPECT_TRUE(went.data_before().empty());
  ASSERT_EQ(went.data_after_size(), 1);
  EXPECT_EQ(went.data_after(0).department(), hedui::v1::FINANCIAL_ASSETS);
  EXPECT_EQ(went.data_after(0).state(), DepartmentData::STALE);
  EXPECT_EQ(hedui::FormatCivilDay(ToCivilDay(went.data_after(0).as_of())),
            "2026-08-01");
  EXPECT_EQ(went.explanation(),
            "金融资产：通过 → 无法判断；银行/证券/保险数据截至 2026-08-01，"
            "已 111 天，超过上限 92 天");

  Report back = Again(fresh);
  *back.mutable_verification_date() = D(2026, 12, 1);
  out = CompareReports(stale, back, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  const CriterionChange& came = out.event.criteria(0);
  EXPECT_TRUE(came.data_after().empty());
  ASSERT_EQ(came.data_before_size(), 1);
  EXPECT_EQ(came.data_before(0).department(), hedui::v1::FINANCIAL_ASSETS);
  EXPECT_THAT(came.explanation(),
              HasSubstr("此前银行/证券/保险数据截至 2026-08-01"));
}

TEST(ReportChangesTest, MissingDataIsNamedAsMissing) {
  const Report before = Baseline();
  Report after = Again(before);
  SetData(after, hedui::v1::VEHICLES, DepartmentData::MISSING,
          absl::CivilDay(1970, 1, 1), 0);
  Finding* vehicles = F(after, Finding::VEHICLES);
  vehicles->set_result(UNKNOWN);
  vehicles->add_missing_departments(hedui::v1::VEHICLES);
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.criteria_size(), 1);
  ASSERT_EQ(out.event.criteria(0).data_after_size(), 1);
  EXPECT_EQ(out.event.criteria(0).data_after(0).state(),
            DepartmentData::MISSING);
  EXPECT_THAT(out.event.criteria(0).explanation(), HasSubstr("车管数据缺失"));
}

// ---- Deaths and moves ----

enum class Shows {
  kNothing,
  kDeathRecord,         // a death record (evidence of the death department)
  kDeceasedRegistered,  // the registration alone: the member's counting
  kRegisteredMoved,     // registration status MOVED, same county
  kOtherCounty,         // registered NORMAL in 310101
  kOtherHouseholdHere,  // a new 户号 in the county
};

void ShowSpouse(Report& r, Shows shows) {
  Finding* composition = F(r, Finding::COMPOSITION);
  Evidence* reg = composition->mutable_evidence(1);  // the spouse's
  hedui::v1::CountedMember* member = r.mutable_household()->mutable_members(1);
  switch (shows) {
    case Shows::kNothing:
      return;
    case Shows::kDeathRecord:
      *composition->add_evidence() =
          Row(hedui::v1::DEATH, kSpouse, "死亡日期 2026-10-02");
      member->set_counted(false);
      member->set_reason("已死亡（死亡日期 2026-10-02），不计入家庭人口及收入");
      return;
    case Shows::kDeceasedRegistered:
      member->set_counted(false);
      member->set_reason("已死亡（户籍状态为死亡），不计入家庭人口及收入");
      return;
    case Shows::kRegisteredMoved:
      reg->set_record(Registration("H1", "配偶", kCounty, "迁出"));
      return;
    case Shows::kOtherCounty:
      reg->set_record(Registration("H7", "户主", "310101", "正常"));
      return;
    case Shows::kOtherHouseholdHere:
      reg->set_record(Registration("H2", "户主", kCounty, "正常"));
      return;
  }
}

struct PersonCase {
  const char* name;
  Shows before;
  Shows now;
  bool already_gone;        // the spouse is in the entry's persons_gone
  PersonChange::Kind kind;  // KIND_UNSPECIFIED: no event
  Department source;
  const char* on;  // the death date, or ""
};

TEST(ReportChangesTest, DeathsAndMovesOfDeclaredPersons) {
  const PersonCase cases[] = {
      {"death record", Shows::kNothing, Shows::kDeathRecord, false,
       PersonChange::DIED, hedui::v1::DEATH, "2026-10-02"},
      {"registration status deceased", Shows::kNothing,
       Shows::kDeceasedRegistered, false, PersonChange::DIED,
       hedui::v1::HOUSEHOLD_REGISTRATION, ""},
      {"registration status moved", Shows::kNothing, Shows::kRegisteredMoved,
       false, PersonChange::MOVED_AWAY, hedui::v1::HOUSEHOLD_REGISTRATION, ""},
      {"registered in another county", Shows::kNothing, Shows::kOtherCounty,
       false, PersonChange::MOVED_AWAY, hedui::v1::HOUSEHOLD_REGISTRATION, ""},
      {"a new 户号 in the county is not a move", Shows::kNothing,
       Shows::kOtherHouseholdHere, false, PersonChange::KIND_UNSPECIFIED,
       hedui::v1::DEPARTMENT_UNSPECIFIED, ""},
      {"already made its event", Shows::kNothing, Shows::kDeathRecord, true,
       PersonChange::KIND_UNSPECIFIED, hedui::v1::DEPARTMENT_UNSPECIFIED, ""},
      {"a move already made its event, then the death", Shows::kRegisteredMoved,
       Shows::kDeathRecord, true, PersonChange::KIND_UNSPECIFIED,
       hedui::v1::DEPARTMENT_UNSPECIFIED, ""},
      {"already shown by the previous report", Shows::kDeceasedRegistered,
       Shows::kDeathRecord, false, PersonChange::KIND_UNSPECIFIED,
       hedui::v1::DEPARTMENT_UNSPECIFIED, ""},
  };
  for (const PersonCase& c : cases) {
    SCOPED_TRACE(c.name);
    Report before = Baseline();
    ShowSpouse(before, c.before);
    Report after = Again(Baseline());
    ShowSpouse(after, c.now);
    EntryChangeState entry = Entry();
    if (c.already_gone) entry.persons_gone = {kSpouse};
    const ReportChanges out = CompareReports(before, after, entry);
    // No result changed in these reports: the person alone decides.
    EXPECT_TRUE(out.event.criteria().empty());
    const bool event = c.kind != PersonChange::KIND_UNSPECIFIED;
    EXPECT_EQ(out.makes_event, event);
    ASSERT_EQ(out.event.persons_size(), event ? 1 : 0);
    const bool gone_after =
        event || c.already_gone || c.before != Shows::kNothing;
    EXPECT_EQ(out.persons_gone, gone_after ? std::vector<std::string>{kSpouse}
                                           : std::vector<std::string>{});
    EXPECT_EQ(out.found_death, c.kind == PersonChange::DIED);
    if (!event) continue;
    const PersonChange& p = out.event.persons(0);
    EXPECT_EQ(p.person_id(), kSpouse);
    EXPECT_EQ(p.name(), kSpouseName);
    EXPECT_EQ(p.kind(), c.kind);
    EXPECT_EQ(p.source(), c.source);
    EXPECT_EQ(
        p.has_on() ? hedui::FormatCivilDay(ToCivilDay(p.on())) : std::string(),
        c.on);
    ExpectNoPersonalData(out.event.summary());
  }
}

TEST(ReportChangesTest, OneEventListsEveryPersonGone) {
  const Report before = Baseline();
  Report after = Again(before);
  // The spouse died and the applicant is registered in another county.
  ShowSpouse(after, Shows::kDeathRecord);
  F(after, Finding::COMPOSITION)
      ->mutable_evidence(0)
      ->set_record(Registration("H9", "户主", "310101", "正常"));
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_TRUE(out.makes_event);
  ASSERT_EQ(out.event.persons_size(), 2);
  EXPECT_EQ(out.event.persons(0).person_id(), kHead);
  EXPECT_EQ(out.event.persons(0).kind(), PersonChange::MOVED_AWAY);
  EXPECT_EQ(out.event.persons(1).person_id(), kSpouse);
  EXPECT_EQ(out.event.persons(1).kind(), PersonChange::DIED);
  EXPECT_EQ(out.persons_gone, (std::vector<std::string>{kHead, kSpouse}));
  EXPECT_TRUE(out.found_death);
}

TEST(ReportChangesTest, DeathWinsOverAMoveShownTogether) {
  const Report before = Baseline();
  Report after = Again(before);
  ShowSpouse(after, Shows::kRegisteredMoved);
  ShowSpouse(after, Shows::kDeathRecord);
  const ReportChanges out = CompareReports(before, after, Entry());
  ASSERT_EQ(out.event.persons_size(), 1);
  EXPECT_EQ(out.event.persons(0).kind(), PersonChange::DIED);
  EXPECT_EQ(out.event.persons(0).source(), hedui::v1::DEATH);
}

TEST(ReportChangesTest, AnObligorsDeathIsAnEventButNoHouseholdDeath) {
  // 特困: an obligor's death record is evidence of OBLIGORS, which still
  // passes (a deceased obligor counts as no obligor).
  auto tekun = [] {
    Report r = Baseline(hedui::v1::TEKUN);
    auto* o = r.mutable_request()->add_obligors();
    o->set_person_id(kObligor);
    o->set_name("吴美华");
    o->set_relation(hedui::v1::CHILD);
    Put(r, Finding::CANNOT_WORK, PASS);
    Put(r, Finding::OBLIGORS, PASS);
    return r;
  };
  const Report before = tekun();
  Report after = Again(tekun());
  *F(after, Finding::OBLIGORS)->add_evidence() =
      Row(hedui::v1::DEATH, kObligor, "死亡日期 2026-09-30");
  const ReportChanges out =
      CompareReports(before, after, Entry(hedui::v1::TEKUN));
  EXPECT_TRUE(out.makes_event);
  ASSERT_EQ(out.event.persons_size(), 1);
  EXPECT_EQ(out.event.persons(0).person_id(), kObligor);
  EXPECT_EQ(out.event.persons(0).kind(), PersonChange::DIED);
  // The death re-check follows a death in the recipient household (§6).
  EXPECT_FALSE(out.found_death);
  EXPECT_THAT(out.event.summary(), HasSubstr("义务人（子女）死亡"));
  EXPECT_THAT(out.event.summary(), Not(HasSubstr("吴美华")));
}

TEST(ReportChangesTest, UndeclaredPersonsAreNotPersonsGone) {
  const Report before = Baseline();
  Report after = Again(before);
  // An undeclared co-resident of H1 registered elsewhere now.
  *F(after, Finding::COMPOSITION)->add_evidence() =
      Row(hedui::v1::HOUSEHOLD_REGISTRATION, "320581201501010011",
          Registration("H1", "子女", "310101", "迁出"));
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_FALSE(out.makes_event);
  EXPECT_TRUE(out.event.persons().empty());
}

// ---- Gradual exit (低保 only) ----

TEST(ReportChangesTest, GradualExitDates) {
  struct {
    absl::CivilDay found;
    absl::CivilDay date;
  } const cases[] = {
      {absl::CivilDay(2026, 11, 20), absl::CivilDay(2027, 5, 31)},
      {absl::CivilDay(2026, 11, 1), absl::CivilDay(2027, 5, 31)},
      {absl::CivilDay(2026, 8, 31), absl::CivilDay(2027, 2, 28)},
      {absl::CivilDay(2027, 8, 15), absl::CivilDay(2028, 2, 29)},
      {absl::CivilDay(2026, 12, 31), absl::CivilDay(2027, 6, 30)},
      {absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 7, 31)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(GradualExitDate(c.found), c.date) << c.found;
  }
}

struct ExitCase {
  const char* name;
  hedui::v1::Program program;
  Finding::Result income;
  Finding::Criterion other;  // another criterion's result, when set
  Finding::Result other_result;
  bool applies;
};

TEST(ReportChangesTest, GradualExitWhenIncomeAloneFails) {
  const ExitCase cases[] = {
      {"income alone fails", hedui::v1::DIBAO, FAIL,
       Finding::CRITERION_UNSPECIFIED, ABSENT, true},
      {"review elsewhere does not block", hedui::v1::DIBAO, FAIL,
       Finding::COMPOSITION, REVIEW, true},
      {"unknown elsewhere does not block", hedui::v1::DIBAO, FAIL,
       Finding::FINANCIAL_ASSETS, UNKNOWN, true},
      {"another failure blocks", hedui::v1::DIBAO, FAIL, Finding::VEHICLES,
       FAIL, false},
      {"income unknown is not failing", hedui::v1::DIBAO, UNKNOWN,
       Finding::CRITERION_UNSPECIFIED, ABSENT, false},
      {"低保 only: margin", hedui::v1::LOW_INCOME_MARGIN, FAIL,
       Finding::CRITERION_UNSPECIFIED, ABSENT, false},
      {"低保 only: 特困", hedui::v1::TEKUN, FAIL,
       Finding::CRITERION_UNSPECIFIED, ABSENT, false},
  };
  for (const ExitCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Report before = Baseline(c.program);
    Report after = Again(before);
    Finding* income = F(after, Finding::INCOME);
    income->set_result(c.income);
    // Above the 低保 standard: a margin household here is over its line,
    // not below 低保.
    *income->mutable_value() = PerCapita(95000);
    *after.mutable_income()->mutable_per_capita_monthly() = PerCapita(95000);
    if (c.other != Finding::CRITERION_UNSPECIFIED) {
      F(after, c.other)->set_result(c.other_result);
    }
    const ReportChanges out = CompareReports(before, after, Entry(c.program));
    EXPECT_TRUE(out.makes_event);  // INCOME changed anyway
    EXPECT_EQ(out.gradual_exit_date.has_value(), c.applies);
    EXPECT_EQ(out.event.has_gradual_exit_date(), c.applies);
    EXPECT_FALSE(out.event.gradual_exit_cleared());
    if (c.applies) {
      EXPECT_EQ(*out.gradual_exit_date, absl::CivilDay(2027, 5, 31));
      EXPECT_EQ(
          hedui::FormatCivilDay(ToCivilDay(out.event.gradual_exit_date())),
          "2027-05-31");
      EXPECT_THAT(out.event.summary(), HasSubstr("渐退期至 2027-05-31"));
    }
  }
}

TEST(ReportChangesTest, AGradualExitIsKeptWithoutAnEvent) {
  // Found on 2026-11-20; re-verified on 2027-01-10 with income still the
  // only failure: the date stays 2027-05-31 and nothing else changed.
  Report before = Again(Baseline());
  F(before, Finding::INCOME)->set_result(FAIL);
  before.set_verdict(hedui::v1::DOES_NOT_MEET);
  Report after = before;
  *after.mutable_verification_date() = D(2027, 1, 10);
  *F(after, Finding::INCOME)->mutable_value() = PerCapita(97000);
  EntryChangeState entry = Entry();
  entry.gradual_exit_date = absl::CivilDay(2027, 5, 31);
  const ReportChanges out = CompareReports(before, after, entry);
  EXPECT_FALSE(out.makes_event);
  ASSERT_TRUE(out.gradual_exit_date.has_value());
  EXPECT_EQ(*out.gradual_exit_date, absl::CivilDay(2027, 5, 31));
  EXPECT_FALSE(out.event.gradual_exit_cleared());
}

TEST(ReportChangesTest, AnEventOfAKeptGradualExitCarriesItsDate) {
  // Still in gradual exit, and the bank data went missing: the event names
  // the date found before, not a new one.
  Report before = Again(Baseline());
  F(before, Finding::INCOME)->set_result(FAIL);
  before.set_verdict(hedui::v1::DOES_NOT_MEET);
  Report after = before;
  *after.mutable_verification_date() = D(2027, 1, 10);
  F(after, Finding::FINANCIAL_ASSETS)->set_result(UNKNOWN);
  EntryChangeState entry = Entry();
  entry.gradual_exit_date = absl::CivilDay(2027, 5, 31);
  const ReportChanges out = CompareReports(before, after, entry);
  EXPECT_TRUE(out.makes_event);
  EXPECT_EQ(out.gradual_exit_date, absl::CivilDay(2027, 5, 31));
  EXPECT_EQ(hedui::FormatCivilDay(ToCivilDay(out.event.gradual_exit_date())),
            "2027-05-31");
  EXPECT_THAT(out.event.summary(),
              HasSubstr("仍在渐退期，渐退期至 2027-05-31"));
}

TEST(ReportChangesTest, AGradualExitThatStopsIsClearedWithAnEvent) {
  struct {
    const char* name;
    Finding::Criterion criterion;
    Finding::Result result;
  } const cases[] = {
      {"income passes again", Finding::INCOME, PASS},
      {"another criterion fails too", Finding::VEHICLES, FAIL},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Report before = Again(Baseline());
    F(before, Finding::INCOME)->set_result(FAIL);
    before.set_verdict(hedui::v1::DOES_NOT_MEET);
    Report after = before;
    *after.mutable_verification_date() = D(2027, 1, 10);
    F(after, c.criterion)->set_result(c.result);
    EntryChangeState entry = Entry();
    entry.gradual_exit_date = absl::CivilDay(2027, 5, 31);
    const ReportChanges out = CompareReports(before, after, entry);
    EXPECT_TRUE(out.makes_event);
    EXPECT_FALSE(out.gradual_exit_date.has_value());
    EXPECT_TRUE(out.event.gradual_exit_cleared());
    EXPECT_FALSE(out.event.has_gradual_exit_date());
    EXPECT_THAT(out.event.summary(), HasSubstr("渐退不再适用"));
  }
}

TEST(ReportChangesTest, NoGradualExitWithNoLivingMember) {
  // Every declared member dead: COMPOSITION fails, the other criteria are
  // absent (domain.md §10.1 "Special households").
  const Report before = Baseline();
  Report after = Again(before);
  ShowSpouse(after, Shows::kDeathRecord);
  auto* head = after.mutable_household()->mutable_members(0);
  head->set_counted(false);
  head->set_reason("已死亡（户籍状态为死亡），不计入家庭人口及收入");
  after.mutable_household()->set_counted_members(0);
  F(after, Finding::COMPOSITION)->set_result(FAIL);
  for (auto c :
       {Finding::INCOME, Finding::FINANCIAL_ASSETS,
        Finding::RESIDENTIAL_PROPERTY, Finding::NON_RESIDENTIAL_PROPERTY,
        Finding::VEHICLES, Finding::BUSINESS, Finding::DUPLICATE_ENROLLMENT}) {
    Remove(after, c);
  }
  after.set_verdict(hedui::v1::DOES_NOT_MEET);
  after.add_deciding_criteria(Finding::COMPOSITION);
  for (bool had_exit : {false, true}) {
    SCOPED_TRACE(had_exit);
    EntryChangeState entry = Entry();
    if (had_exit) entry.gradual_exit_date = absl::CivilDay(2027, 5, 31);
    const ReportChanges out = CompareReports(before, after, entry);
    EXPECT_TRUE(out.makes_event);
    EXPECT_FALSE(out.gradual_exit_date.has_value());
    EXPECT_EQ(out.event.gradual_exit_cleared(), had_exit);
    // Only COMPOSITION changed: the others went from PASS to absent.
    ASSERT_EQ(out.event.criteria_size(), 1);
    EXPECT_EQ(out.event.criteria(0).criterion(), Finding::COMPOSITION);
    ASSERT_EQ(out.event.persons_size(), 2);
    EXPECT_EQ(out.event.persons(0).kind(), PersonChange::DIED);
    EXPECT_EQ(out.event.persons(0).source(), hedui::v1::HOUSEHOLD_REGISTRATION);
    EXPECT_EQ(out.event.persons(1).source(), hedui::v1::DEATH);
    EXPECT_TRUE(out.found_death);
  }
}

// ---- A margin household below the 低保 line (应保尽保) ----

struct MarginCase {
  const char* name;
  int64_t per_capita_numerator;
  int64_t per_capita_denominator;
  Finding::Result income;
  bool standard_known;
  bool may_qualify;
};

TEST(ReportChangesTest, AMarginHouseholdBelowTheDibaoLineMayQualify) {
  // The 低保 standard is 930.00 元 (93,000 fen); below is strict.
  const MarginCase cases[] = {
      {"900.00 below the standard", 90000, 1, FAIL, true, true},
      {"929.999… below by a fraction", 2789999, 30, FAIL, true, true},
      {"930.00 is not below", 93000, 1, FAIL, true, false},
      {"over the margin line: fails, not below 低保", 140000, 1, FAIL, true,
       false},
      {"standard unknown (no registration record)", 90000, 1, FAIL, false,
       false},
      {"income unknown", 90000, 1, UNKNOWN, true, false},
  };
  for (const MarginCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Report before = Baseline(hedui::v1::LOW_INCOME_MARGIN);
    Report after = Again(before);
    F(after, Finding::INCOME)->set_result(c.income);
    Quantity q;
    q.set_numerator(c.per_capita_numerator);
    q.set_denominator(c.per_capita_denominator);
    q.set_unit(Quantity::FEN_PER_PERSON_MONTH);
    q.set_shown("x 元/人·月");
    *after.mutable_income()->mutable_per_capita_monthly() = q;
    if (!c.standard_known) after.mutable_policy()->clear_residence_class();
    const ReportChanges out =
        CompareReports(before, after, Entry(hedui::v1::LOW_INCOME_MARGIN));
    EXPECT_TRUE(out.makes_event);
    EXPECT_EQ(out.event.may_qualify_for_dibao(), c.may_qualify);
    EXPECT_FALSE(out.gradual_exit_date.has_value());
    EXPECT_FALSE(out.event.has_gradual_exit_date());
    EXPECT_EQ(absl::StrContains(out.event.summary(), "应保尽保"),
              c.may_qualify);
  }
}

TEST(ReportChangesTest, FallingBelowTheDibaoLineIsAnEventEvenWhenFailingStill) {
  // Failing over the margin line before, failing below 低保 now: the same
  // result, but the household may now qualify for 低保.
  Report before = Again(Baseline(hedui::v1::LOW_INCOME_MARGIN));
  F(before, Finding::INCOME)->set_result(FAIL);
  *before.mutable_income()->mutable_per_capita_monthly() =
      PerCapita(150000 - 1);
  before.set_verdict(hedui::v1::DOES_NOT_MEET);
  Report after = before;
  *after.mutable_verification_date() = D(2027, 1, 10);
  *after.mutable_income()->mutable_per_capita_monthly() = PerCapita(80000);
  ReportChanges out =
      CompareReports(before, after, Entry(hedui::v1::LOW_INCOME_MARGIN));
  EXPECT_TRUE(out.makes_event);
  EXPECT_TRUE(out.event.may_qualify_for_dibao());
  // Below both times: nothing new.
  out = CompareReports(after, after, Entry(hedui::v1::LOW_INCOME_MARGIN));
  EXPECT_FALSE(out.makes_event);
}

// ---- The summary ----

TEST(ReportChangesTest, TheSummarySaysWhatChanged) {
  const Report before = Baseline();
  Report after = Again(before);
  Finding* income = F(after, Finding::INCOME);
  income->set_result(FAIL);
  *income->mutable_value() = PerCapita(95000);
  F(after, Finding::COMPOSITION)->set_result(REVIEW);
  F(after, Finding::COMPOSITION)
      ->mutable_evidence(1)
      ->set_record(Registration("H1", "配偶", kCounty, "迁出"));
  after.set_verdict(hedui::v1::DOES_NOT_MEET);
  after.add_deciding_criteria(Finding::INCOME);
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_EQ(out.event.summary(),
            "复核结论：符合 → 不符合。"
            "条件变化：家庭成员 通过 → 需人工复核；"
            "家庭收入 通过 → 不通过（625.00 元/人·月 → 950.00 元/人·月）。"
            "人员变化：家庭成员（配偶）迁出（户籍）。"
            "收入不符合低保标准，进入渐退，渐退期至 2027-05-31。");
  ExpectNoPersonalData(out.event.summary());
  for (const CriterionChange& c : out.event.criteria()) {
    ExpectNoPersonalData(c.explanation());
  }
}

TEST(ReportChangesTest, TheSummaryOfAnUnchangedVerdict) {
  const Report before = Baseline();
  Report after = Again(before);
  ShowSpouse(after, Shows::kDeathRecord);
  const ReportChanges out = CompareReports(before, after, Entry());
  EXPECT_EQ(out.event.summary(),
            "复核结论仍为符合。人员变化：家庭成员（配偶）死亡（死亡登记：2026-"
            "10-02）。");
}

// ---- The engine's own reports ----

namespace t = ::hedui::engine::testing;

// Applicant and spouse registered in H1 of 320581, the applicant's wages
// 1,500.00 a month (750.00 a person, below 930.00).
t::HouseholdBuilder Family(absl::CivilDay day) {
  t::HouseholdBuilder h(hedui::v1::DIBAO, day);
  const std::string head = h.AddMember(absl::CivilDay(1980, 5, 5));
  h.AddMember(absl::CivilDay(1982, 8, 8), hedui::v1::SPOUSE);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(head, m, 150'000);
  }
  return h;
}

store::HouseholdRegistrationRecord* RegistrationOf(t::HouseholdBuilder& h,
                                                   const std::string& id) {
  return h.Person(id)->mutable_household_registration(0);
}

TEST(ReportChangesTest, EngineReportsShowDeathsAndMovesAsRead) {
  const absl::CivilDay day(2026, 11, 5);
  t::HouseholdBuilder base = Family(day);
  const std::string spouse = base.request().members(1).person_id();
  const Report before = base.Evaluate();
  ASSERT_EQ(before.verdict(), hedui::v1::MEETS_CRITERIA);

  struct {
    const char* name;
    std::function<void(t::HouseholdBuilder&)> change;
    PersonChange::Kind kind;
    Department source;
  } const cases[] = {
      {"death record",
       [&](t::HouseholdBuilder& h) {
         store::DeathRecord* d = h.Person(spouse)->add_death();
         d->set_person_id(spouse);
         *d->mutable_date_of_death() = D(2026, 10, 2);
       },
       PersonChange::DIED, hedui::v1::DEATH},
      {"registration deceased",
       [&](t::HouseholdBuilder& h) {
         RegistrationOf(h, spouse)->set_status(store::DECEASED);
       },
       PersonChange::DIED, hedui::v1::HOUSEHOLD_REGISTRATION},
      {"registration moved",
       [&](t::HouseholdBuilder& h) {
         RegistrationOf(h, spouse)->set_status(store::MOVED);
       },
       PersonChange::MOVED_AWAY, hedui::v1::HOUSEHOLD_REGISTRATION},
      {"another county",
       [&](t::HouseholdBuilder& h) {
         RegistrationOf(h, spouse)->set_region_code("310101");
         RegistrationOf(h, spouse)->set_household_number("H7");
       },
       PersonChange::MOVED_AWAY, hedui::v1::HOUSEHOLD_REGISTRATION},
      {"another 户号 in the county",
       [&](t::HouseholdBuilder& h) {
         RegistrationOf(h, spouse)->set_household_number("H2");
       },
       PersonChange::KIND_UNSPECIFIED, hedui::v1::DEPARTMENT_UNSPECIFIED},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    t::HouseholdBuilder h = Family(day);
    c.change(h);
    const Report after = h.Evaluate();
    const ReportChanges out = CompareReports(before, after, Entry());
    if (c.kind == PersonChange::KIND_UNSPECIFIED) {
      EXPECT_TRUE(out.event.persons().empty());
      continue;
    }
    ASSERT_EQ(out.event.persons_size(), 1);
    EXPECT_TRUE(out.makes_event);
    EXPECT_EQ(out.event.persons(0).person_id(), spouse);
    EXPECT_EQ(out.event.persons(0).kind(), c.kind);
    EXPECT_EQ(out.event.persons(0).source(), c.source);
    EXPECT_EQ(out.found_death, c.kind == PersonChange::DIED);
    ExpectNoPersonalData(out.event.summary());
    EXPECT_THAT(out.event.summary(), Not(HasSubstr(spouse)));
  }
}

}  // namespace
}  // namespace hedui::engine
