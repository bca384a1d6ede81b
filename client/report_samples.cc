#include "client/report_samples.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli_test_util.h"

namespace hedui::cli::testing {
namespace {

using hedui::v1::CategoryIncome;
using hedui::v1::DepartmentData;
using hedui::v1::Evidence;
using hedui::v1::Finding;
using hedui::v1::Quantity;
using hedui::v1::Report;

// The persons of the samples (valid resident IDs, printed only masked).
std::string HeadId() { return TestId("32058119760912001"); }
std::string SpouseOfHeadId() { return TestId("32058119780120002"); }
std::string ChildId() { return TestId("32058120100701003"); }
std::string YouthId() { return TestId("32058120090315004"); }
std::string PensionerId() { return TestId("32058119580404005"); }

// "4,500.00": the records' own figures, written as the engine writes them.
std::string Yuan(int64_t fen) {
  std::string whole = absl::StrCat(fen / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<size_t>(i), ",");
  }
  const int64_t cents = fen % 100;
  return absl::StrCat(whole, ".", cents < 10 ? "0" : "", cents);
}

Quantity Q(int64_t numerator, int64_t denominator, Quantity::Unit unit) {
  Quantity q;
  q.set_numerator(numerator);
  q.set_denominator(denominator);
  q.set_unit(unit);
  return q;
}
Quantity Fen(int64_t fen, int64_t denominator = 1) {
  return Q(fen, denominator, Quantity::FEN);
}
Quantity PerCapita(int64_t fen, int64_t denominator = 1) {
  return Q(fen, denominator, Quantity::FEN_PER_PERSON_MONTH);
}
Quantity Count(int64_t n) { return Q(n, 1, Quantity::COUNT); }

hedui::v1::YearMonth Month(int year, int month) {
  hedui::v1::YearMonth m;
  m.set_year(year);
  m.set_month(month);
  return m;
}

Evidence Ev(hedui::v1::Department department, const std::string& person,
            std::string record) {
  Evidence e;
  e.set_department(department);
  *e.mutable_as_of() = TestDate(2026, 11, 1);
  e.set_person_id(person);
  e.set_record(std::move(record));
  return e;
}

// An income record as the engine keeps it in CategoryIncome: department,
// text and (since hedui-engine-2) the month it is for.
Evidence IncomeRecord(hedui::v1::Department department, int year, int month,
                      std::string record) {
  Evidence e;
  e.set_department(department);
  if (year != 0) *e.mutable_period() = Month(year, month);
  e.set_record(std::move(record));
  return e;
}

Report Base(hedui::v1::Program program, hedui::v1::Verdict verdict,
            std::string application_id) {
  Report r;
  // Each program's sample its own id, as heduid numbers them.
  r.set_report_id(absl::StrFormat("R%012d", 100 + static_cast<int>(program)));
  r.set_program(program);
  *r.mutable_verification_date() = TestDate(2026, 11, 5);
  r.set_verdict(verdict);
  hedui::v1::VerificationRequest* q = r.mutable_request();
  q->set_application_id(std::move(application_id));
  q->set_program(program);
  q->set_region_code("320581");
  q->set_purpose("新申请");
  *q->mutable_verification_date() = TestDate(2026, 11, 5);
  r.set_engine_version("hedui-engine-2");
  return r;
}

void AddMember(Report* r, const std::string& id, const std::string& name,
               hedui::v1::Relation relation, int age) {
  hedui::v1::DeclaredMember* d = r->mutable_request()->add_members();
  d->set_person_id(id);
  d->set_name(name);
  d->set_relation(relation);
  hedui::v1::CountedMember* m = r->mutable_household()->add_members();
  m->set_person_id(id);
  m->set_name(name);
  m->set_relation(relation);
  m->set_counted(true);
  m->set_reason("户籍正常，户号 320581000123");
  m->set_age(age);
  r->mutable_household()->set_counted_members(
      r->mutable_household()->counted_members() + 1);
  r->mutable_household()->set_household_number("320581000123");
}

Finding* AddFinding(Report* r, Finding::Criterion criterion,
                    Finding::Result result, std::string explanation) {
  Finding* f = r->add_findings();
  f->set_criterion(criterion);
  f->set_result(result);
  f->set_explanation(std::move(explanation));
  return f;
}

void Compare(Finding* f, Finding::Comparison comparison, Quantity threshold,
             Quantity value, Quantity distance) {
  f->set_comparison(comparison);
  *f->mutable_threshold() = std::move(threshold);
  *f->mutable_value() = std::move(value);
  *f->mutable_distance() = std::move(distance);
}

void AddConsentAndComposition(Report* r, int adults) {
  AddFinding(
      r, Finding::CONSENT, Finding::PASS,
      absl::StrCat("授权书签于 2026-10-26，有效至 2027-10-25，已覆盖全部 ",
                   adults, " 名成年申报人员"));
  const int n = r->household().counted_members();
  Finding* f = AddFinding(r, Finding::COMPOSITION, Finding::PASS,
                          absl::StrCat("申报 ", n, " 人，计入 ", n,
                                       " 人，与户籍、婚姻、死亡登记一致"));
  *f->mutable_value() = Count(n);
  for (const auto& m : r->household().members()) {
    *f->add_evidence() = Ev(hedui::v1::HOUSEHOLD_REGISTRATION, m.person_id(),
                            "户号 320581000123，地区 320581 城市，状态 正常");
  }
}

// The asset criteria every income-and-assets program judges, all passing:
// no property beyond one home, no car, no business.
void AddAssetFindings(Report* r, int64_t financial_per_capita) {
  Finding* f = AddFinding(
      r, Finding::FINANCIAL_ASSETS, Finding::PASS,
      absl::StrCat(
          "家庭金融资产人均 ", Yuan(financial_per_capita),
          " 元，未超过上限 22,320.00 元（24 个月低保标准 930.00 元）"));
  Compare(f, Finding::AT_MOST, Q(2232000, 1, Quantity::FEN_PER_PERSON),
          Q(financial_per_capita, 1, Quantity::FEN_PER_PERSON),
          Q(2232000 - financial_per_capita, 1, Quantity::FEN_PER_PERSON));
  f = AddFinding(r, Finding::RESIDENTIAL_PROPERTY, Finding::PASS,
                 "家庭住宅房产 1 套，未超过上限 1 套");
  Compare(f, Finding::AT_MOST, Count(1), Count(1), Count(0));
  f = AddFinding(r, Finding::NON_RESIDENTIAL_PROPERTY, Finding::PASS,
                 "家庭无非住宅房产，未超过上限 0 处");
  Compare(f, Finding::AT_MOST, Count(0), Count(0), Count(0));
  f = AddFinding(r, Finding::VEHICLES, Finding::PASS,
                 "家庭无车辆登记，非豁免车辆 0 辆，未超过上限 0 辆");
  Compare(f, Finding::AT_MOST, Count(0), Count(0), Count(0));
  f = AddFinding(r, Finding::BUSINESS, Finding::PASS,
                 "家庭成员无企业登记，存续企业 0 家，未超过上限 0 家");
  Compare(f, Finding::AT_MOST, Count(0), Count(0), Count(0));
}

void SetAssets(Report* r, int64_t financial_fen, int members) {
  hedui::v1::Assets* a = r->mutable_assets();
  *a->mutable_financial_assets() = Fen(financial_fen);
  a->set_residential_properties(1);
  *a->mutable_residential_area_per_member() =
      Q(7200, members, Quantity::CENTI_M2_PER_PERSON);
  *a->add_records() = Ev(hedui::v1::REAL_ESTATE, HeadId(),
                         "不动产权证 苏(2015)常熟市不动产权第0012345号 住宅 "
                         "72.00 m²，份额 100.00%，登记 2015-06-01");
  if (financial_fen > 0) {
    *a->add_records() =
        Ev(hedui::v1::FINANCIAL_ASSETS, HeadId(),
           absl::StrCat("常熟农商银行 存款 6228****1234 余额 ",
                        Yuan(financial_fen), " 元（2026-10-31）"));
  }
}

void AddDuplicateEnrollment(Report* r) {
  AddFinding(r, Finding::DUPLICATE_ENROLLMENT, Finding::PASS,
             "救助在保数据中无家庭成员在其他家庭享受低保、特困或低保边缘救助");
}

// Every department, fresh as of 2026-11-01 unless `stale` says otherwise.
void SetDepartments(
    Report* r, std::vector<std::pair<hedui::v1::Department, int>> stale = {}) {
  constexpr int kMaxAge[] = {0,  31, 31, 31, 62, 62, 62,
                             62, 92, 92, 92, 31, 92, 31};
  for (int d = hedui::v1::HOUSEHOLD_REGISTRATION;
       d <= hedui::v1::ASSISTANCE_ENROLLMENT; ++d) {
    DepartmentData* data = r->add_departments();
    data->set_department(static_cast<hedui::v1::Department>(d));
    *data->mutable_as_of() = TestDate(2026, 11, 1);
    data->set_age_days(4);
    data->set_max_age_days(kMaxAge[d]);
    data->set_state(DepartmentData::FRESH);
    for (const auto& [department, age] : stale) {
      if (department != d) continue;
      *data->mutable_as_of() = TestDate(2026, 8, 22);
      data->set_age_days(age);
      data->set_state(DepartmentData::STALE);
    }
  }
}

// The parameters as the engine names them (policy_values.cc).
void SetPolicy(Report* r) {
  hedui::v1::PolicyUsed* p = r->mutable_policy();
  p->set_version("example-2026.2");
  p->set_region_code("320581");
  p->set_residence_class(hedui::v1::URBAN);
  *p->mutable_effective_from() = TestDate(2026, 7, 1);
  const std::pair<const char*, const char*> parameters[] = {
      {"policy_version", "example-2026.2"},
      {"region_code", "320581"},
      {"residence_class", "URBAN"},
      {"effective_from", "2026-07-01"},
      {"effective_until", "none"},
      {"standards_effective_from", "2026-07-01"},
      {"rules_effective_from", "2025-01-01"},
      {"dibao_standard_fen", "93000"},
      {"tekun_support_fen", "121000"},
      {"temporary_income_limit_fen_per_year", "3600000"},
      {"margin_multiple_percent", "150"},
      {"union_relative_multiple_percent", "200"},
      {"financial_asset_cap_basis", "DIBAO_STANDARD_PER_MEMBER"},
      {"financial_asset_months.DIBAO", "24"},
      {"financial_asset_months.TEKUN", "24"},
      {"financial_asset_months.LOW_INCOME_MARGIN", "24"},
      {"financial_asset_months.MEDICAL", "24"},
      {"financial_asset_months.HOUSING", "24"},
      {"exempt_vehicle_types", "MOTORCYCLE,DISABILITY_VEHICLE,E_BIKE"},
      {"excluded_benefit_types",
       "RESIDENTS_BASIC_PENSION,SPECIAL_CARE_PENSION,SURVIVOR_PENSION,"
       "DISABILITY_SUBSIDY,ASSISTANCE_PAYMENT"},
      {"employment_cost_percent", "10"},
      {"look_back_months", "12"},
      {"gradual_exit_months", "6"},
      {"review_months_stable", "12"},
      {"review_months_irregular", "6"},
      {"death_recheck_months", "3"},
      {"consent_validity_months", "12"},
      {"max_data_age_days.HOUSEHOLD_REGISTRATION", "31"},
      {"max_data_age_days.MARRIAGE", "31"},
      {"max_data_age_days.DEATH", "31"},
      {"max_data_age_days.SOCIAL_INSURANCE", "62"},
      {"max_data_age_days.BENEFITS", "62"},
      {"max_data_age_days.TAX", "62"},
      {"max_data_age_days.HOUSING_FUND", "62"},
      {"max_data_age_days.REAL_ESTATE", "92"},
      {"max_data_age_days.VEHICLES", "92"},
      {"max_data_age_days.BUSINESS", "92"},
      {"max_data_age_days.FINANCIAL_ASSETS", "31"},
      {"max_data_age_days.DISABILITY", "92"},
      {"max_data_age_days.ASSISTANCE_ENROLLMENT", "31"},
      {"housing_area_limit_centi_m2_per_member", "1500"},
      {"individual_business_capital_limit_fen", "10000000"},
  };
  for (const auto& [name, value] : parameters) {
    hedui::v1::PolicyParameter* parameter = p->add_parameters();
    parameter->set_name(name);
    parameter->set_value(value);
  }
}

hedui::v1::Income* Window(Report* r) {
  hedui::v1::Income* in = r->mutable_income();
  *in->mutable_window_first() = Month(2025, 11);
  *in->mutable_window_last() = Month(2026, 10);
  in->set_months(12);
  return in;
}

CategoryIncome* AddCategory(hedui::v1::MemberIncome* m,
                            hedui::v1::IncomeCategory category,
                            CategoryIncome::Source source) {
  CategoryIncome* c = m->add_categories();
  c->set_category(category);
  c->set_source(source);
  return c;
}

// Monthly wage records from the tax department, "YYYY-MM 工资薪金 …".
void AddTaxWages(CategoryIncome* c, int first_month, int last_month,
                 int64_t fen, const char* payer) {
  for (int month = first_month; month <= last_month; ++month) {
    *c->add_records() = IncomeRecord(
        hedui::v1::TAX, 2026, month,
        absl::StrCat("2026-", month < 10 ? "0" : "", month, " 工资薪金 ",
                     Yuan(fen), " 元（扣缴单位 ", payer, "）"));
  }
}

// 低保: income fails (per capita 1,125.31 元 against 930.00 元), every
// figure an exact fraction of twelve months; the request asked for
// single-person coverage, which does not apply.
Report Dibao() {
  Report r = Base(hedui::v1::DIBAO, hedui::v1::DOES_NOT_MEET, "DB-2026-0001");
  r.set_summary(
      "核对建议：不符合。家庭收入不通过：家庭月收入 3,375.93 元，计入 3 "
      "人，人均月收入 1,125.31 元，不低于低保标准 930.00 元");
  r.add_deciding_criteria(Finding::INCOME);
  AddMember(&r, HeadId(), "王建国", hedui::v1::HEAD, 50);
  AddMember(&r, SpouseOfHeadId(), "李秀英", hedui::v1::SPOUSE, 48);
  AddMember(&r, ChildId(), "王小明", hedui::v1::CHILD, 16);
  r.mutable_request()->set_single_person_member_id(ChildId());
  r.mutable_household()->set_single_person_note(
      "申请按单人保核对，但申请保障的成员未成年且与父母共同生活，不适用单人保，"
      "已按全户核对");
  AddConsentAndComposition(&r, 2);

  // Applicant: tax wages 2026-03..10 (the last month 4,512.50), the
  // social-insurance base of 2026-02 where no tax wage exists, and that of
  // 2026-10 not counted twice. 39,012.50 元 over 12 months.
  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* head = in->add_members();
  head->set_person_id(HeadId());
  CategoryIncome* wages =
      AddCategory(head, hedui::v1::WAGES, CategoryIncome::DEPARTMENTS);
  AddTaxWages(wages, 3, 9, 450000, "常熟市永兴纺织有限公司");
  AddTaxWages(wages, 10, 10, 451250, "常熟市永兴纺织有限公司");
  *wages->add_records() = IncomeRecord(
      hedui::v1::SOCIAL_INSURANCE, 2026, 2,
      "2026-02 社保缴费基数 3,000.00 元（单位 常熟市永兴纺织有限公司）");
  *wages->add_excluded() = IncomeRecord(
      hedui::v1::SOCIAL_INSURANCE, 2026, 10,
      "2026-10 社保缴费基数 4,500.00 元（单位 常熟市永兴纺织有限公司）："
      "该月已有税务工资，不重复计入");
  *wages->mutable_found_monthly() = Fen(3901250, 12);
  *wages->mutable_declared_monthly() = Fen(300000);
  *wages->mutable_deducted_monthly() = Fen(390125, 12);
  *wages->mutable_counted_monthly() = Fen(3511125, 12);
  // Spouse: informal work, declared wages only.
  hedui::v1::MemberIncome* spouse = in->add_members();
  spouse->set_person_id(SpouseOfHeadId());
  CategoryIncome* informal =
      AddCategory(spouse, hedui::v1::WAGES, CategoryIncome::DECLARED);
  *informal->mutable_found_monthly() = Fen(0);
  *informal->mutable_declared_monthly() = Fen(50000);
  *informal->mutable_deducted_monthly() = Fen(5000);
  *informal->mutable_counted_monthly() = Fen(45000);
  hedui::v1::MemberIncome* child = in->add_members();
  child->set_person_id(ChildId());
  *in->mutable_household_monthly() = Fen(4051125, 12);
  *in->mutable_per_capita_monthly() = PerCapita(4051125, 36);

  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::FAIL,
      "家庭月收入 3,375.93 元，计入 3 人，人均月收入 1,125.31 元，不低于低保"
      "标准 930.00 元");
  Compare(income, Finding::LESS_THAN, PerCapita(93000), PerCapita(4051125, 36),
          PerCapita(-703125, 36));
  income->set_what_would_change(
      "人均月收入需低于 930.00 元，即家庭月收入再少 585.94 元，此项方可通过");
  Evidence summary = Ev(hedui::v1::TAX, HeadId(),
                        "工资性收入：税务 8 条、社保 1 条记录（明细见收入部分）"
                        "；该类月均计入 2,925.93 元");
  *income->add_evidence() = summary;
  AddAssetFindings(&r, 2050000);
  Finding* financial = r.mutable_findings(3);
  financial->set_what_would_change(
      "人均金融资产再多 1,820.01 元即超过上限 22,320.00 元，此项将不通过");
  AddDuplicateEnrollment(&r);

  hedui::v1::Discrepancy* d = r.add_discrepancies();
  d->set_person_id(HeadId());
  d->set_item("WAGES");
  *d->mutable_declared() = Fen(300000);
  *d->mutable_found() = Fen(3901250, 12);
  d->set_changes_outcome(false);
  d->set_explanation(
      "申报工资性收入月均 3,000.00 元，部门数据月均 3,251.04 元（以部门数据为"
      "准）");
  SetAssets(&r, 6150000, 3);
  SetDepartments(&r);
  SetPolicy(&r);
  return r;
}

// 特困: a 17-year-old in full-time school (a person judges), orphaned; the
// enrollment feed is stale. Its income records come from an engine before
// Evidence.period: the month is read from the record's text, and a record
// without one is listed under "月份不明".
Report Tekun() {
  Report r = Base(hedui::v1::TEKUN, hedui::v1::NEEDS_REVIEW, "TK-2026-0007");
  r.set_summary(
      "核对建议：需复核。劳动能力需人工复核：16 至 17 周岁，申报全日制在校就读"
      "；重复享受救助无法判断：民政救助数据已过期");
  r.add_deciding_criteria(Finding::CANNOT_WORK);
  r.add_deciding_criteria(Finding::DUPLICATE_ENROLLMENT);
  AddMember(&r, YouthId(), "陈晓", hedui::v1::HEAD, 17);
  r.mutable_request()->mutable_members(0)->set_full_time_student(true);
  hedui::v1::UndeclaredPerson* u = r.mutable_household()->add_undeclared();
  u->set_person_id(PensionerId());
  u->set_name("陈桂兰");
  u->set_relation("祖父母");
  u->set_needs_review(false);
  u->set_reason("同一户号登记，已于 2025-03-02 死亡，不计入");
  AddConsentAndComposition(&r, 0);

  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* m = in->add_members();
  m->set_person_id(YouthId());
  CategoryIncome* transfer =
      AddCategory(m, hedui::v1::TRANSFER_INCOME, CategoryIncome::DEPARTMENTS);
  for (int month = 8; month <= 10; ++month) {
    *transfer->add_excluded() = IncomeRecord(
        hedui::v1::BENEFITS, 0, 0,
        absl::StrCat("2026-", month < 10 ? "0" : "", month,
                     " 遗属抚恤 600.00 元（发放日 2026-", month < 10 ? "0" : "",
                     month, "-15，常熟市民政局）：按政策不计入收入"));
  }
  *transfer->add_records() = IncomeRecord(
      hedui::v1::BENEFITS, 0, 0,
      "一次性生活补助 1,200.00 元（发放日 2026-06-20，常熟市总工会）");
  *transfer->mutable_found_monthly() = Fen(120000, 12);
  *transfer->mutable_counted_monthly() = Fen(120000, 12);
  *in->mutable_household_monthly() = Fen(10000);
  *in->mutable_per_capita_monthly() = PerCapita(10000);

  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::PASS,
      "家庭月收入 100.00 元，计入 1 人，人均月收入 100.00 元，低于低保标准 "
      "930.00 元");
  Compare(income, Finding::LESS_THAN, PerCapita(93000), PerCapita(10000),
          PerCapita(83000));
  AddAssetFindings(&r, 0);
  Finding* work = AddFinding(
      &r, Finding::CANNOT_WORK, Finding::REVIEW,
      "16 至 17 周岁，申报全日制在校就读，是否视为无劳动能力需人工判断");
  *work->mutable_value() = Q(17, 1, Quantity::YEARS);
  work->set_what_would_change(
      "经核实不在校就读的，此项不通过；在校就读属实的，此项可通过");
  Finding* obligors =
      AddFinding(&r, Finding::OBLIGORS, Finding::PASS,
                 "父母均已死亡（死亡登记），无有赡养、抚养、扶养能力的义务人");
  *obligors->add_evidence() =
      Ev(hedui::v1::DEATH, HeadId(), "死亡日期 2019-04-11");
  *obligors->add_evidence() =
      Ev(hedui::v1::DEATH, SpouseOfHeadId(), "死亡日期 2021-09-30");
  Finding* duplicate =
      AddFinding(&r, Finding::DUPLICATE_ENROLLMENT, Finding::UNKNOWN,
                 "民政救助数据截至 2026-08-22，已 75 天，超过上限 31 天，"
                 "无法判断是否重复享受救助");
  duplicate->add_missing_departments(hedui::v1::ASSISTANCE_ENROLLMENT);
  SetAssets(&r, 0, 1);
  // The home is the applicant's own (inherited), not a deceased parent's.
  r.mutable_assets()->mutable_records(0)->set_person_id(YouthId());
  SetDepartments(&r, {{hedui::v1::ASSISTANCE_ENROLLMENT, 75}});
  SetPolicy(&r);
  return r;
}

// 低保边缘: passes; the housing-fund base is far above the wage used
// (corroboration only); an undeclared person who moved away.
Report Margin() {
  Report r = Base(hedui::v1::LOW_INCOME_MARGIN, hedui::v1::MEETS_CRITERIA,
                  "BY-2026-0031");
  r.set_summary("核对建议：符合。各项条件均已通过。");
  AddMember(&r, HeadId(), "赵志强", hedui::v1::HEAD, 50);
  AddMember(&r, PensionerId(), "赵玉珍", hedui::v1::PARENT, 68);
  hedui::v1::UndeclaredPerson* u = r.mutable_household()->add_undeclared();
  u->set_person_id(ChildId());
  u->set_name("赵磊");
  u->set_relation("子女");
  u->set_needs_review(false);
  u->set_reason("户籍已于 2024-09-01 迁出，不计入");
  AddConsentAndComposition(&r, 2);

  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* head = in->add_members();
  head->set_person_id(HeadId());
  CategoryIncome* wages =
      AddCategory(head, hedui::v1::WAGES, CategoryIncome::DEPARTMENTS);
  AddTaxWages(wages, 7, 10, 510000, "常熟市虞山物流有限公司");
  *wages->mutable_found_monthly() = Fen(2040000, 12);
  *wages->mutable_deducted_monthly() = Fen(204000, 12);
  *wages->mutable_counted_monthly() = Fen(1836000, 12);
  hedui::v1::MemberIncome* parent = in->add_members();
  parent->set_person_id(PensionerId());
  CategoryIncome* pension = AddCategory(parent, hedui::v1::TRANSFER_INCOME,
                                        CategoryIncome::DEPARTMENTS);
  for (int month = 8; month <= 10; ++month) {
    *pension->add_records() = IncomeRecord(
        hedui::v1::BENEFITS, 2026, month,
        absl::StrCat("2026-", month < 10 ? "0" : "", month,
                     " 职工养老金 2,000.00 元（发放日 2026-",
                     month < 10 ? "0" : "", month, "-10，常熟市社保中心）"));
    *pension->add_excluded() =
        IncomeRecord(hedui::v1::BENEFITS, 2026, month,
                     absl::StrCat("2026-", month < 10 ? "0" : "", month,
                                  " 城乡居民基础养老金 230.00 元（发放日 2026-",
                                  month < 10 ? "0" : "", month,
                                  "-10，常熟市社保中心）：按政策不计入收入"));
  }
  *pension->mutable_found_monthly() = Fen(600000, 12);
  *pension->mutable_counted_monthly() = Fen(600000, 12);
  *in->mutable_household_monthly() = Fen(2436000, 12);
  *in->mutable_per_capita_monthly() = PerCapita(2436000, 24);

  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::PASS,
      "家庭月收入 2,030.00 元，计入 2 人，人均月收入 1,015.00 元，不低于低保"
      "标准 930.00 元，低于低保边缘标准 1,395.00 元（低保标准的 1.5 倍）");
  Compare(income, Finding::LESS_THAN, PerCapita(139500), PerCapita(2436000, 24),
          PerCapita(38000));
  AddAssetFindings(&r, 50000);
  AddDuplicateEnrollment(&r);

  // One corroboration per month whose fund base exceeds 1.5 times that
  // month's wage (domain.md §4), `found` being the month's base.
  for (int month = 7; month <= 10; ++month) {
    hedui::v1::Discrepancy* d = r.add_discrepancies();
    d->set_person_id(HeadId());
    d->set_item("HOUSING_FUND_BASE");
    *d->mutable_found() = Fen(800000);
    d->set_changes_outcome(false);
    d->set_explanation(absl::StrCat(
        "2026-", month < 10 ? "0" : "", month,
        " 公积金缴存基数 8,000.00 元，超过该月计入的工资 5,100.00 元 的 1.5 "
        "倍，仅作佐证提示，不影响结论"));
  }
  SetAssets(&r, 100000, 2);
  SetDepartments(&r);
  SetPolicy(&r);
  return r;
}

// 临时救助: helped first, verified after the fact; the tax data are stale,
// so income cannot be judged.
Report Temporary() {
  Report r =
      Base(hedui::v1::TEMPORARY, hedui::v1::NEEDS_REVIEW, "LS-2026-0112");
  r.set_verified_after_the_fact(true);
  r.mutable_request()->set_purpose("急难型临时救助，事后核对");
  r.set_summary(
      "核对建议：需复核。家庭收入无法判断：税务数据截至 2026-08-22，已 75 天，"
      "超过上限 62 天（缺失不视为零）");
  r.add_deciding_criteria(Finding::INCOME);
  AddMember(&r, HeadId(), "孙卫东", hedui::v1::HEAD, 50);
  AddConsentAndComposition(&r, 1);

  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* head = in->add_members();
  head->set_person_id(HeadId());
  CategoryIncome* wages =
      AddCategory(head, hedui::v1::WAGES, CategoryIncome::DEPARTMENTS);
  for (int month = 9; month <= 10; ++month) {
    *wages->add_records() = IncomeRecord(
        hedui::v1::SOCIAL_INSURANCE, 2026, month,
        absl::StrCat("2026-", month < 10 ? "0" : "", month,
                     " 社保缴费基数 2,600.00 元（单位 常熟市海虞建材厂）"));
  }
  *wages->mutable_found_monthly() = Fen(520000, 12);
  *wages->mutable_deducted_monthly() = Fen(52000, 12);
  *wages->mutable_counted_monthly() = Fen(468000, 12);

  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::UNKNOWN,
      "税务数据截至 2026-08-22，已 75 天，超过上限 62 天，无法判断家庭收入"
      "（缺失不视为零）");
  income->set_comparison(Finding::LESS_THAN);
  *income->mutable_threshold() = PerCapita(3600000, 12);
  income->add_missing_departments(hedui::v1::TAX);
  income->set_what_would_change("税务数据更新后重新核对，方可判断此项");
  SetAssets(&r, 0, 1);
  SetDepartments(&r, {{hedui::v1::TAX, 75}});
  SetPolicy(&r);
  return r;
}

// 医疗救助: a member enrolled in 低保 qualifies directly; no income.
Report Medical() {
  Report r =
      Base(hedui::v1::MEDICAL, hedui::v1::MEETS_CRITERIA, "YL-2026-0045");
  r.set_summary("核对建议：符合。各项条件均已通过。");
  AddMember(&r, PensionerId(), "周秀梅", hedui::v1::HEAD, 68);
  AddMember(&r, HeadId(), "吴建华", hedui::v1::CHILD, 50);
  AddConsentAndComposition(&r, 2);
  Finding* f = AddFinding(
      &r, Finding::ENROLLMENT, Finding::PASS,
      "家庭成员在保低保，凭救助身份直接符合医疗救助，收入和财产不再判断");
  *f->add_evidence() = Ev(hedui::v1::ASSISTANCE_ENROLLMENT, PensionerId(),
                          "低保 在保，自 2024-03-01，救助家庭 320581-0007");
  hedui::v1::Assets* a = r.mutable_assets();
  *a->mutable_financial_assets() = Fen(100000);
  *a->mutable_residential_area_per_member() =
      Q(0, 1, Quantity::CENTI_M2_PER_PERSON);
  a->set_vehicles(1);
  a->set_non_exempt_vehicles(0);
  *a->add_records() =
      Ev(hedui::v1::FINANCIAL_ASSETS, PensionerId(),
         "常熟农商银行 存款 6228****5678 余额 1,000.00 元（2026-10-31）");
  *a->add_records() =
      Ev(hedui::v1::VEHICLES, HeadId(), "电动自行车 苏E3J521，登记 2021-05-01");
  SetDepartments(&r);
  SetPolicy(&r);
  return r;
}

// 住房救助: fails on the area per member (16.50 m² against 15.00 m²).
Report Housing() {
  Report r = Base(hedui::v1::HOUSING, hedui::v1::DOES_NOT_MEET, "ZF-2026-0019");
  r.set_summary(
      "核对建议：不符合。住房困难不通过：家庭住宅面积按份额合计 33.01 m²，2 "
      "人，人均 16.50 m²，不低于上限 15.00 m²/人");
  r.add_deciding_criteria(Finding::HOUSING_NEED);
  AddMember(&r, HeadId(), "钱国平", hedui::v1::HEAD, 50);
  AddMember(&r, SpouseOfHeadId(), "郑丽", hedui::v1::SPOUSE, 48);
  AddConsentAndComposition(&r, 2);

  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* head = in->add_members();
  head->set_person_id(HeadId());
  CategoryIncome* wages =
      AddCategory(head, hedui::v1::WAGES, CategoryIncome::DEPARTMENTS);
  AddTaxWages(wages, 9, 10, 180000, "常熟市琴川保洁服务有限公司");
  *wages->mutable_found_monthly() = Fen(360000, 12);
  *wages->mutable_deducted_monthly() = Fen(36000, 12);
  *wages->mutable_counted_monthly() = Fen(324000, 12);
  hedui::v1::MemberIncome* spouse = in->add_members();
  spouse->set_person_id(SpouseOfHeadId());
  *in->mutable_household_monthly() = Fen(324000, 12);
  *in->mutable_per_capita_monthly() = PerCapita(324000, 24);
  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::PASS,
      "家庭月收入 270.00 元，计入 2 人，人均月收入 135.00 元，低于低保标准 "
      "930.00 元");
  Compare(income, Finding::LESS_THAN, PerCapita(93000), PerCapita(324000, 24),
          PerCapita(1908000, 24));
  AddAssetFindings(&r, 0);
  Finding* need = AddFinding(
      &r, Finding::HOUSING_NEED, Finding::FAIL,
      "家庭住宅面积按份额合计 33.01 m²，2 人，人均 16.50 m²，不低于上限 "
      "15.00 m²/人");
  Compare(need, Finding::LESS_THAN, Q(1500, 1, Quantity::CENTI_M2_PER_PERSON),
          Q(3301, 2, Quantity::CENTI_M2_PER_PERSON),
          Q(-301, 2, Quantity::CENTI_M2_PER_PERSON));
  need->set_what_would_change(
      "人均住宅面积需低于 15.00 m²，即家庭住宅面积再少 3.02 m²，此项方可通过");
  *need->add_evidence() =
      Ev(hedui::v1::REAL_ESTATE, HeadId(),
         "不动产权证 苏(2012)常熟市不动产权第0004567号 住宅 "
         "33.01 m²，份额 100.00%，登记 2012-03-15");
  SetAssets(&r, 0, 2);
  *r.mutable_assets()->mutable_records(0) = need->evidence(0);
  r.mutable_assets()->set_residential_properties(1);
  *r.mutable_assets()->mutable_residential_area_per_member() =
      Q(3301, 2, Quantity::CENTI_M2_PER_PERSON);
  SetDepartments(&r);
  SetPolicy(&r);
  return r;
}

// 工会困难职工帮扶: relative hardship (below twice the 低保 standard).
Report Union() {
  Report r = Base(hedui::v1::UNION_HARDSHIP, hedui::v1::MEETS_CRITERIA,
                  "GH-2026-0003");
  r.set_union_tier(hedui::v1::RELATIVE);
  r.set_summary("核对建议：符合。各项条件均已通过。");
  AddMember(&r, HeadId(), "冯建军", hedui::v1::HEAD, 50);
  AddMember(&r, SpouseOfHeadId(), "何敏", hedui::v1::SPOUSE, 48);
  AddMember(&r, ChildId(), "冯乐", hedui::v1::CHILD, 16);
  AddConsentAndComposition(&r, 2);
  hedui::v1::Income* in = Window(&r);
  hedui::v1::MemberIncome* head = in->add_members();
  head->set_person_id(HeadId());
  CategoryIncome* wages =
      AddCategory(head, hedui::v1::WAGES, CategoryIncome::DEPARTMENTS);
  AddTaxWages(wages, 1, 10, 600000, "常熟市电缆厂");
  *wages->mutable_found_monthly() = Fen(6000000, 12);
  *wages->mutable_deducted_monthly() = Fen(600000, 12);
  *wages->mutable_counted_monthly() = Fen(5400000, 12);
  in->add_members()->set_person_id(SpouseOfHeadId());
  in->add_members()->set_person_id(ChildId());
  *in->mutable_household_monthly() = Fen(5400000, 12);
  *in->mutable_per_capita_monthly() = PerCapita(5400000, 36);
  Finding* income = AddFinding(
      &r, Finding::INCOME, Finding::PASS,
      "（年收入 54,000.00 元 − 刚性支出 18,000.00 元）÷ 12 ÷ 3 人 = 1,000.00 "
      "元，不低于低保标准 930.00 元，低于相对困难线 1,860.00 元（2 倍）");
  Compare(income, Finding::LESS_THAN, PerCapita(186000), PerCapita(100000),
          PerCapita(86000));
  SetAssets(&r, 0, 3);
  SetDepartments(&r);
  SetPolicy(&r);
  return r;
}

}  // namespace

hedui::v1::Report ProgramSampleReport(hedui::v1::Program program) {
  switch (program) {
    case hedui::v1::DIBAO:
      return Dibao();
    case hedui::v1::TEKUN:
      return Tekun();
    case hedui::v1::LOW_INCOME_MARGIN:
      return Margin();
    case hedui::v1::TEMPORARY:
      return Temporary();
    case hedui::v1::MEDICAL:
      return Medical();
    case hedui::v1::HOUSING:
      return Housing();
    case hedui::v1::UNION_HARDSHIP:
      return Union();
    default:
      return hedui::v1::Report();
  }
}

}  // namespace hedui::cli::testing
