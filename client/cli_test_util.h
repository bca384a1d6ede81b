#ifndef HEDUI_CLIENT_CLI_TEST_UTIL_H_
#define HEDUI_CLIENT_CLI_TEST_UTIL_H_

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification_service.pb.h"
#include "storage/types/resident_id.h"

namespace hedui::cli::testing {

// Runs the whole command line as main() would, capturing stdout and stderr.
class CliRunner {
 public:
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "hedui");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    out_.str("");
    err_.str("");
    return RunCli(static_cast<int>(argv.size()), argv.data(), out_, err_,
                  /*err_is_terminal=*/false);
  }
  // Against an in-process plaintext fake.
  int RunAt(const std::string& address, std::vector<std::string> args) {
    args.insert(args.begin(), {"--insecure", "--server", address});
    return Run(std::move(args));
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  std::ostringstream out_;
  std::ostringstream err_;
};

// A valid resident ID from its first 17 digits.
inline std::string TestId(const std::string& first17) {
  return first17 + ResidentIdCheckCharacter(first17);
}

inline hedui::v1::Date TestDate(int y, int m, int d) {
  hedui::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline hedui::v1::Quantity TestQuantity(int64_t numerator,
                                        hedui::v1::Quantity::Unit unit,
                                        std::string shown) {
  hedui::v1::Quantity q;
  q.set_numerator(numerator);
  q.set_denominator(1);
  q.set_unit(unit);
  q.set_shown(std::move(shown));
  return q;
}

// The applicant and the spouse of the sample household, and the undeclared
// person the records show.
inline std::string ApplicantId() { return TestId("32058119800101123"); }
inline std::string SpouseId() { return TestId("32058119820202456"); }
inline std::string UndeclaredId() { return TestId("32058219790303789"); }

// A report with every section filled: INCOME fails on tax records, VEHICLES
// is unknown (stale data), one undeclared person.
inline hedui::v1::Report SampleReport() {
  hedui::v1::Report r;
  r.set_report_id("R000000000042");
  r.set_program(hedui::v1::DIBAO);
  *r.mutable_verification_date() = TestDate(2026, 11, 3);
  r.set_verdict(hedui::v1::DOES_NOT_MEET);
  r.add_deciding_criteria(hedui::v1::Finding::INCOME);
  r.set_summary("不符合：家庭人均月收入 2096.55 元不低于低保标准 930.00 元");
  r.mutable_request()->set_application_id("APP-000001");
  r.mutable_request()->set_region_code("320581");

  auto* h = r.mutable_household();
  h->set_household_number("320581000123");
  h->set_counted_members(2);
  auto* applicant = h->add_members();
  applicant->set_person_id(ApplicantId());
  applicant->set_name("王建国");
  applicant->set_relation(hedui::v1::HEAD);
  applicant->set_counted(true);
  applicant->set_reason("户籍确认");
  applicant->set_age(46);
  auto* spouse = h->add_members();
  spouse->set_person_id(SpouseId());
  spouse->set_name("李秀英");
  spouse->set_relation(hedui::v1::SPOUSE);
  spouse->set_counted(true);
  spouse->set_age(44);
  auto* undeclared = h->add_undeclared();
  undeclared->set_person_id(UndeclaredId());
  undeclared->set_name("赵六");
  undeclared->set_relation("子女");
  undeclared->set_needs_review(true);
  undeclared->set_reason("同一户号登记，未申报");

  auto* income = r.add_findings();
  income->set_criterion(hedui::v1::Finding::INCOME);
  income->set_result(hedui::v1::Finding::FAIL);
  income->set_comparison(hedui::v1::Finding::LESS_THAN);
  *income->mutable_threshold() = TestQuantity(
      93000, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "930.00 元/人·月");
  *income->mutable_value() = TestQuantity(
      209655, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "2096.55 元/人·月");
  *income->mutable_distance() = TestQuantity(
      -116655, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "-1166.55 元/人·月");
  income->set_explanation("人均月收入不低于低保标准");
  auto* wage = income->add_evidence();
  wage->set_department(hedui::v1::TAX);
  *wage->mutable_as_of() = TestDate(2026, 11, 1);
  wage->set_person_id(ApplicantId());
  wage->set_record(
      absl::StrCat("2026-03 工资 3,500.00 元 (纳税人 ", ApplicantId(), ")"));
  auto* vehicles = r.add_findings();
  vehicles->set_criterion(hedui::v1::Finding::VEHICLES);
  vehicles->set_result(hedui::v1::Finding::UNKNOWN);
  vehicles->set_explanation("车管数据已过期");
  vehicles->add_missing_departments(hedui::v1::VEHICLES);

  auto* in = r.mutable_income();
  in->mutable_window_first()->set_year(2025);
  in->mutable_window_first()->set_month(11);
  in->mutable_window_last()->set_year(2026);
  in->mutable_window_last()->set_month(10);
  in->set_months(12);
  auto* member = in->add_members();
  member->set_person_id(ApplicantId());
  auto* wages = member->add_categories();
  wages->set_category(hedui::v1::WAGES);
  wages->set_source(hedui::v1::CategoryIncome::DEPARTMENTS);
  *wages->mutable_found_monthly() =
      TestQuantity(465900, hedui::v1::Quantity::FEN, "4659.00 元");
  *wages->mutable_counted_monthly() =
      TestQuantity(419310, hedui::v1::Quantity::FEN, "4193.10 元");
  // The record the finding cites, in the income section with its month.
  auto* counted = wages->add_records();
  *counted = *wage;
  counted->mutable_period()->set_year(2026);
  counted->mutable_period()->set_month(3);
  *in->mutable_household_monthly() =
      TestQuantity(419310, hedui::v1::Quantity::FEN, "4193.10 元");
  *in->mutable_per_capita_monthly() = TestQuantity(
      209655, hedui::v1::Quantity::FEN_PER_PERSON_MONTH, "2096.55 元/人·月");

  auto* discrepancy = r.add_discrepancies();
  discrepancy->set_person_id(ApplicantId());
  discrepancy->set_item("WAGES");
  *discrepancy->mutable_declared() =
      TestQuantity(0, hedui::v1::Quantity::FEN, "0.00 元");
  *discrepancy->mutable_found() =
      TestQuantity(465900, hedui::v1::Quantity::FEN, "4659.00 元");
  discrepancy->set_changes_outcome(true);
  discrepancy->set_explanation("申报工资少于税务记录");

  auto* tax = r.add_departments();
  tax->set_department(hedui::v1::TAX);
  *tax->mutable_as_of() = TestDate(2026, 11, 1);
  tax->set_age_days(2);
  tax->set_max_age_days(62);
  tax->set_state(hedui::v1::DepartmentData::FRESH);
  auto* cars = r.add_departments();
  cars->set_department(hedui::v1::VEHICLES);
  *cars->mutable_as_of() = TestDate(2026, 8, 1);
  cars->set_age_days(94);
  cars->set_max_age_days(92);
  cars->set_state(hedui::v1::DepartmentData::STALE);

  r.mutable_policy()->set_version("320581-2026-07");
  r.mutable_policy()->set_region_code("320581");
  r.mutable_policy()->set_residence_class(hedui::v1::URBAN);
  auto* parameter = r.mutable_policy()->add_parameters();
  parameter->set_name("dibao_standard_fen");
  parameter->set_value("93000");
  r.set_engine_version("hedui-engine 0.1.0");
  return r;
}

// The household file a caseworker would write for the sample.
inline std::string SampleHouseholdJson() {
  return absl::StrCat(
      R"({"application_id":"APP-000001","region_code":"320581",)",
      R"("members":[{"person_id":")", ApplicantId(),
      R"(","name":"王建国","relation":"HEAD"},)", R"({"person_id":")",
      SpouseId(), R"(","name":"李秀英","relation":"SPOUSE"}],)",
      R"("consent":{"consent_id":"C-1","signed_on":{"year":2026,"month":10,)",
      R"("day":20},"signer_ids":[")", ApplicantId(), R"(",")", SpouseId(),
      R"("],"programs":["DIBAO"]}})");
}

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_CLI_TEST_UTIL_H_
