#include "client/report_text.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/flags.h"
#include "client/text_table.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string WithChinese(const std::string& code, const std::string& chinese) {
  return chinese.empty() ? code : absl::StrCat(code, " ", chinese);
}

std::string EnumText(const google::protobuf::EnumDescriptor* descriptor,
                     int number) {
  const auto* value = descriptor->FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat(number);
}

std::string CriterionText(hedui::v1::Finding::Criterion criterion) {
  return EnumText(hedui::v1::Finding::Criterion_descriptor(), criterion);
}

std::string RelationText(hedui::v1::Relation relation) {
  return EnumText(hedui::v1::Relation_descriptor(), relation);
}

// How the value must compare with the threshold to pass, for the reader
// who sees two numbers and wonders which side is good.
std::string PassRule(hedui::v1::Finding::Comparison comparison) {
  switch (comparison) {
    case hedui::v1::Finding::LESS_THAN:
      return " (passes when the value is below it)";
    case hedui::v1::Finding::AT_MOST:
      return " (passes when the value is at most it)";
    case hedui::v1::Finding::AT_LEAST:
      return " (passes when the value is at least it)";
    default:
      return "";
  }
}

bool IsSet(const hedui::v1::Quantity& q) {
  return !q.shown().empty() || q.numerator() != 0 || q.denominator() != 0;
}

// Names are personal data: the table shows the first character only.
std::string MaskedName(const std::string& name) {
  return name.empty() ? "-" : MaskName(name);
}

std::string EvidenceLine(const hedui::v1::Evidence& e) {
  std::string line = absl::StrCat(DepartmentName(e.department()), " as of ",
                                  DateText(e.as_of()));
  if (!e.person_id().empty()) {
    absl::StrAppend(&line, "  ", MaskedId(e.person_id()));
  }
  absl::StrAppend(&line, "  ", SafeText(e.record()));
  return line;
}

void WriteHeader(const hedui::v1::Report& r, std::ostream& out) {
  out << "Report " << (r.report_id().empty() ? "-" : SafeText(r.report_id()))
      << '\n';
  Fields fields = {
      {"program", ProgramText(r.program())},
      {"verification date", DateText(r.verification_date())},
      {"verdict", VerdictText(r.verdict())},
      {"summary", SafeText(r.summary())},
  };
  const hedui::v1::VerificationRequest& q = r.request();
  if (!q.application_id().empty()) {
    fields.push_back({"application", SafeText(q.application_id())});
  }
  if (!q.region_code().empty()) {
    fields.push_back({"region", SafeText(q.region_code())});
  }
  if (!q.purpose().empty()) {
    fields.push_back({"purpose", SafeText(q.purpose())});
  }
  if (r.program() == hedui::v1::UNION_HARDSHIP) {
    fields.push_back({"union tier", EnumText(hedui::v1::UnionTier_descriptor(),
                                             r.union_tier())});
  }
  if (r.verified_after_the_fact()) {
    fields.push_back({"emergency", "helped first, verified after the fact"});
  }
  WriteFields(fields, out, 2);
}

void WriteHousehold(const hedui::v1::Household& h, std::ostream& out) {
  std::string title =
      absl::StrCat("\nHousehold: ", h.counted_members(), " counted of ",
                   h.members_size(), " declared");
  if (!h.household_number().empty()) {
    absl::StrAppend(&title, ", 户号 ", SafeText(h.household_number()));
  }
  if (h.single_person_coverage()) absl::StrAppend(&title, ", 单人保");
  out << title << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : h.members()) {
    rows.push_back({MaskedId(m.person_id()), MaskedName(m.name()),
                    RelationText(m.relation()), absl::StrCat(m.age()),
                    YesNo(m.counted()),
                    m.reason().empty() ? "-" : SafeText(m.reason())});
  }
  WriteTable(
      {{"PERSON"}, {"NAME"}, {"RELATION"}, {"AGE", true}, {"COUNTED"}, {"WHY"}},
      rows, out, 2);
  if (h.undeclared_size() == 0) {
    out << "  Undeclared persons: none found\n";
    return;
  }
  out << "  Undeclared persons (in the registration or marriage records, not "
         "declared):\n";
  rows.clear();
  for (const auto& u : h.undeclared()) {
    rows.push_back({MaskedId(u.person_id()), MaskedName(u.name()),
                    u.relation().empty() ? "-" : SafeText(u.relation()),
                    u.needs_review() ? "yes" : "no",
                    u.reason().empty() ? "-" : SafeText(u.reason())});
  }
  WriteTable({{"PERSON"}, {"NAME"}, {"RELATION"}, {"REVIEW"}, {"WHY"}}, rows,
             out, 4);
}

void WriteFindings(const hedui::v1::Report& r, std::ostream& out) {
  out << "\nCriteria (" << r.findings_size() << ")\n";
  for (const auto& f : r.findings()) {
    out << "  " << CriterionText(f.criterion()) << "  "
        << ResultText(f.result()) << '\n';
    Fields fields;
    if (IsSet(f.value())) fields.push_back({"value", QuantityText(f.value())});
    if (IsSet(f.threshold())) {
      fields.push_back({"threshold", absl::StrCat(QuantityText(f.threshold()),
                                                  PassRule(f.comparison()))});
    }
    if (IsSet(f.distance())) {
      fields.push_back({"distance", QuantityText(f.distance())});
    }
    fields.push_back({"explanation", f.explanation().empty()
                                         ? "-"
                                         : SafeText(f.explanation())});
    if (f.missing_departments_size() > 0) {
      std::vector<std::string> names;
      for (int d : f.missing_departments()) {
        names.push_back(DepartmentName(static_cast<hedui::v1::Department>(d)));
      }
      fields.push_back({"missing or stale", absl::StrJoin(names, ", ")});
    }
    if (f.evidence_size() == 0) fields.push_back({"evidence", "none"});
    WriteFields(fields, out, 4);
    if (f.evidence_size() > 0) {
      out << "    evidence:\n";
      for (const auto& e : f.evidence()) {
        out << "      " << EvidenceLine(e) << '\n';
      }
    }
  }
}

std::string CategoryText(hedui::v1::IncomeCategory category) {
  return EnumText(hedui::v1::IncomeCategory_descriptor(), category);
}

void WriteIncome(const hedui::v1::Income& income, std::ostream& out) {
  out << "\nIncome, window " << MonthText(income.window_first()) << " .. "
      << MonthText(income.window_last()) << " (" << income.months()
      << " months)\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> excluded;
  for (const auto& m : income.members()) {
    for (const auto& c : m.categories()) {
      rows.push_back(
          {MaskedId(m.person_id()), CategoryText(c.category()),
           EnumText(hedui::v1::CategoryIncome::Source_descriptor(), c.source()),
           QuantityText(c.found_monthly()), QuantityText(c.declared_monthly()),
           QuantityText(c.deducted_monthly()),
           QuantityText(c.counted_monthly()), absl::StrCat(c.records_size())});
      for (const auto& e : c.excluded()) {
        excluded.push_back(
            absl::StrCat(CategoryText(c.category()), "  ", EvidenceLine(e)));
      }
    }
  }
  WriteTable({{"PERSON"},
              {"CATEGORY"},
              {"SOURCE"},
              {"FOUND/MONTH", true},
              {"DECLARED/MONTH", true},
              {"DEDUCTED/MONTH", true},
              {"COUNTED/MONTH", true},
              {"RECORDS", true}},
             rows, out, 2);
  WriteFields(
      {{"household monthly", QuantityText(income.household_monthly())},
       {"per capita monthly", QuantityText(income.per_capita_monthly())}},
      out, 2);
  if (!excluded.empty()) {
    out << "  records seen and not counted:\n";
    for (const auto& line : excluded) out << "    " << line << '\n';
  }
}

void WriteAssets(const hedui::v1::Assets& a, std::ostream& out) {
  out << "\nAssets found\n";
  WriteFields(
      {{"financial assets", QuantityText(a.financial_assets())},
       {"residential properties", absl::StrCat(a.residential_properties())},
       {"non-residential properties",
        absl::StrCat(a.non_residential_properties())},
       {"residential area per member",
        QuantityText(a.residential_area_per_member())},
       {"vehicles", absl::StrCat(a.vehicles(), " (", a.non_exempt_vehicles(),
                                 " not exempt)")},
       {"active enterprises", absl::StrCat(a.active_enterprises())}},
      out, 2);
}

void WriteDiscrepancies(const hedui::v1::Report& r, std::ostream& out) {
  if (r.discrepancies_size() == 0) {
    out << "\nDiscrepancies: none\n";
    return;
  }
  out << "\nDiscrepancies (declared vs found)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.discrepancies()) {
    rows.push_back(
        {d.person_id().empty() ? "household" : MaskedId(d.person_id()),
         SafeText(d.item()), QuantityText(d.declared()),
         QuantityText(d.found()), YesNo(d.changes_outcome()),
         d.explanation().empty() ? "-" : SafeText(d.explanation())});
  }
  WriteTable({{"PERSON"},
              {"ITEM"},
              {"DECLARED", true},
              {"FOUND", true},
              {"CHANGES OUTCOME"},
              {"EXPLANATION"}},
             rows, out, 2);
}

void WriteDepartments(const hedui::v1::Report& r, std::ostream& out) {
  out << "\nDepartment data used\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.departments()) {
    rows.push_back(
        {DepartmentName(d.department()), DateText(d.as_of()),
         absl::StrCat(d.age_days()), absl::StrCat(d.max_age_days()),
         EnumText(hedui::v1::DepartmentData::State_descriptor(), d.state())});
  }
  WriteTable({{"DEPARTMENT"},
              {"AS-OF"},
              {"AGE DAYS", true},
              {"MAX DAYS", true},
              {"STATE"}},
             rows, out, 2);
}

void WritePolicy(const hedui::v1::Report& r, std::ostream& out) {
  const hedui::v1::PolicyUsed& p = r.policy();
  out << "\nPolicy " << (p.version().empty() ? "-" : SafeText(p.version()))
      << '\n';
  Fields fields = {
      {"region", p.region_code().empty() ? "-" : SafeText(p.region_code())},
      {"residence class",
       EnumText(hedui::v1::ResidenceClass_descriptor(), p.residence_class())},
      {"effective from", DateText(p.effective_from())},
  };
  for (const auto& parameter : p.parameters()) {
    fields.push_back({SafeText(parameter.name()), SafeText(parameter.value())});
  }
  WriteFields(fields, out, 2);
  if (!r.engine_version().empty()) {
    out << "Engine " << SafeText(r.engine_version()) << '\n';
  }
}

}  // namespace

std::string ResultText(hedui::v1::Finding::Result result) {
  switch (result) {
    case hedui::v1::Finding::PASS:
      return "PASS 通过";
    case hedui::v1::Finding::FAIL:
      return "FAIL 不通过";
    case hedui::v1::Finding::UNKNOWN:
      return "UNKNOWN 数据缺失或过期";
    case hedui::v1::Finding::REVIEW:
      return "REVIEW 需人工判断";
    default:
      return EnumText(hedui::v1::Finding::Result_descriptor(), result);
  }
}

std::string VerdictText(hedui::v1::Verdict verdict) {
  return WithChinese(VerdictName(verdict), VerdictChinese(verdict));
}

std::string ProgramText(hedui::v1::Program program) {
  return WithChinese(ProgramName(program), ProgramChinese(program));
}

void WriteReportText(const hedui::v1::Report& report, std::ostream& out) {
  WriteHeader(report, out);
  WriteHousehold(report.household(), out);
  WriteFindings(report, out);
  WriteIncome(report.income(), out);
  WriteAssets(report.assets(), out);
  WriteDiscrepancies(report, out);
  WriteDepartments(report, out);
  WritePolicy(report, out);
  out << std::flush;
}

}  // namespace hedui::cli
