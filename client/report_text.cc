#include "client/report_text.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/amount_text.h"
#include "client/flags.h"
#include "client/policy_text.h"
#include "client/report_text_parts.h"
#include "client/text_table.h"
#include "client/zh_names.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using hedui::v1::Finding;

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : SafeText(text);
}

// How the value must compare with the line to pass, for the reader who sees
// two numbers and wonders which side is good.
std::string PassRule(Finding::Comparison comparison) {
  switch (comparison) {
    case Finding::LESS_THAN:
      return "（低于此线方可通过）";
    case Finding::AT_MOST:
      return "（不超过此线方可通过）";
    case Finding::AT_LEAST:
      return "（不低于此线方可通过）";
    default:
      return "";
  }
}

// The measure word of a criterion's count ("2 辆", not the generic "2 个").
std::string CountWord(Finding::Criterion criterion) {
  switch (criterion) {
    case Finding::COMPOSITION:
      return "人";
    case Finding::RESIDENTIAL_PROPERTY:
      return "套";
    case Finding::NON_RESIDENTIAL_PROPERTY:
      return "处";
    case Finding::VEHICLES:
      return "辆";
    case Finding::BUSINESS:
      return "家";
    default:
      return "";
  }
}

std::string DepartmentList(
    const google::protobuf::RepeatedField<int>& departments) {
  std::vector<std::string> names;
  for (int d : departments) {
    names.push_back(ZhLabel(static_cast<hedui::v1::Department>(d)));
  }
  return absl::StrJoin(names, "、");
}

void WriteHeader(const hedui::v1::Report& r, std::ostream& out) {
  out << "核对报告  " << OrDash(r.report_id()) << '\n';
  Fields fields = {
      {"救助项目", ZhWithCode(r.program())},
      {"核对日期", DateText(r.verification_date())},
      {"核对结论", ZhWithCode(r.verdict())},
  };
  if (r.deciding_criteria_size() > 0) {
    std::vector<std::string> names;
    for (int c : r.deciding_criteria()) {
      names.push_back(ZhWithCode(static_cast<Finding::Criterion>(c)));
    }
    fields.push_back({"决定结论的项目", absl::StrJoin(names, "、")});
  }
  fields.push_back({"结论摘要", OrDash(r.summary())});
  const hedui::v1::VerificationRequest& q = r.request();
  if (!q.application_id().empty()) {
    fields.push_back({"申请编号", SafeText(q.application_id())});
  }
  if (!q.region_code().empty()) {
    fields.push_back({"地区代码", SafeText(q.region_code())});
  }
  if (!q.purpose().empty()) {
    fields.push_back({"核对事由", SafeText(q.purpose())});
  }
  if (r.program() == hedui::v1::UNION_HARDSHIP) {
    fields.push_back({"困难等级", ZhWithCode(r.union_tier())});
  }
  if (r.verified_after_the_fact()) {
    fields.push_back({"紧急救助", "已先行救助，本报告为事后核对"});
  }
  WriteFields(fields, out, 2);
}

void WriteHousehold(const hedui::v1::Household& h, std::ostream& out) {
  std::string title = absl::StrCat("\n家庭成员（申报 ", h.members_size(),
                                   " 人，计入 ", h.counted_members(), " 人");
  if (!h.household_number().empty()) {
    absl::StrAppend(&title, "；户号 ", SafeText(h.household_number()));
  }
  out << title << "）\n";
  if (h.single_person_coverage())
    out << "  按单人保核对：只计入申请保障的成员\n";
  if (!h.single_person_note().empty()) {
    out << "  单人保说明：" << SafeText(h.single_person_note()) << '\n';
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : h.members()) {
    rows.push_back({MaskedId(m.person_id()), MaskedName(m.name()),
                    ZhLabel(m.relation()), absl::StrCat(m.age(), " 岁"),
                    m.counted() ? "计入" : "不计入", OrDash(m.reason())});
  }
  WriteTable({{"身份证号"},
              {"姓名"},
              {"与申请人关系"},
              {"年龄", true},
              {"是否计入"},
              {"说明"}},
             rows, out, 2);
  if (h.undeclared_size() == 0) {
    out << "  未申报人员：未发现\n";
    return;
  }
  out << "  未申报人员（户籍或婚姻登记中有、申请中未申报）：\n";
  rows.clear();
  for (const auto& u : h.undeclared()) {
    rows.push_back({MaskedId(u.person_id()), MaskedName(u.name()),
                    OrDash(u.relation()), u.needs_review() ? "是" : "否",
                    OrDash(u.reason())});
  }
  WriteTable({{"身份证号"}, {"姓名"}, {"登记关系"}, {"需复核"}, {"说明"}}, rows,
             out, 4);
}

void WriteFinding(int number, const Finding& f, std::ostream& out) {
  const std::string heading = absl::StrCat("  ", number, ". ");
  out << heading << ZhWithCode(f.criterion()) << "：" << ZhLabel(f.result())
      << '\n';
  // The details line up under the criterion's name, past "10. " too.
  const int indent = static_cast<int>(heading.size());
  const std::string pad(indent, ' ');
  const std::string word = CountWord(f.criterion());
  Fields fields;
  if (QuantityIsSet(f.value())) {
    fields.push_back({"核对值", QuantityZhText(f.value(), word)});
  }
  if (QuantityIsSet(f.threshold())) {
    fields.push_back(
        {"标准线", absl::StrCat(QuantityZhText(f.threshold(), word),
                                PassRule(f.comparison()))});
  }
  if (QuantityIsSet(f.distance())) {
    fields.push_back(
        {"差额（标准线减核对值）", QuantityZhText(f.distance(), word)});
  }
  fields.push_back({"说明", OrDash(f.explanation())});
  if (!f.what_would_change().empty()) {
    fields.push_back({"如何改变结果", SafeText(f.what_would_change())});
  }
  if (f.missing_departments_size() > 0) {
    fields.push_back(
        {"缺失或过期的数据", DepartmentList(f.missing_departments())});
  }
  if (f.evidence_size() == 0) fields.push_back({"依据记录", "无"});
  WriteFields(fields, out, indent);
  if (f.evidence_size() == 0) return;
  out << pad << "依据记录：\n";
  for (const auto& e : f.evidence()) {
    out << pad << "  " << EvidenceLine(e) << '\n';
  }
}

void WriteFindings(const hedui::v1::Report& r, std::ostream& out) {
  out << "\n核对项目（共 " << r.findings_size() << " 项）\n";
  int number = 0;
  for (const auto& f : r.findings()) WriteFinding(++number, f, out);
}

// Why a department's figures cannot be read as figures, or "" when they can
// (domain.md §1: missing or too old is never zero). The engine leaves an
// unusable amount unset, but the counts are plain integers whose 0 would
// otherwise read as "none held".
std::string UnusableData(const hedui::v1::Report& r,
                         hedui::v1::Department department) {
  for (const auto& d : r.departments()) {
    if (d.department() != department) continue;
    switch (d.state()) {
      case hedui::v1::DepartmentData::MISSING:
        return absl::StrCat("数据不可用（", ZhLabel(department), "数据缺失）");
      case hedui::v1::DepartmentData::STALE:
        return absl::StrCat("数据不可用（", ZhLabel(department), "数据截至 ",
                            DateText(d.as_of()), "，已过期）");
      default:
        return "";
    }
  }
  return "";
}

void WriteAssets(const hedui::v1::Report& r, std::ostream& out) {
  if (!r.has_assets()) return;
  const hedui::v1::Assets& a = r.assets();
  const auto usable_or = [&r](hedui::v1::Department department,
                              const std::string& text) {
    std::string unusable = UnusableData(r, department);
    return unusable.empty() ? text : unusable;
  };
  out << "\n资产（部门数据查得）\n";
  WriteFields(
      {{"金融资产合计", usable_or(hedui::v1::FINANCIAL_ASSETS,
                                  QuantityZhText(a.financial_assets()))},
       {"住宅房产", usable_or(hedui::v1::REAL_ESTATE,
                              absl::StrCat(a.residential_properties(), " 套"))},
       {"非住宅房产",
        usable_or(hedui::v1::REAL_ESTATE,
                  absl::StrCat(a.non_residential_properties(), " 处"))},
       {"人均住宅面积",
        usable_or(hedui::v1::REAL_ESTATE,
                  QuantityZhText(a.residential_area_per_member()))},
       {"机动车辆", usable_or(hedui::v1::VEHICLES,
                              absl::StrCat(a.vehicles(), " 辆（其中不可豁免 ",
                                           a.non_exempt_vehicles(), " 辆）"))},
       {"存续企业", usable_or(hedui::v1::BUSINESS,
                              absl::StrCat(a.active_enterprises(), " 家"))}},
      out, 2);
  if (a.records_size() == 0) return;
  out << "  依据记录：\n";
  for (const auto& e : a.records()) out << "    " << EvidenceLine(e) << '\n';
}

// The engine names a discrepancy's item by a code (income.cc, assets.cc);
// each maps to the enum value whose Chinese name it shares.
struct ItemName {
  std::string text;
  std::string count_word;
};

ItemName DiscrepancyItem(const std::string& item) {
  struct Category {
    const char* item;
    hedui::v1::IncomeCategory category;
  };
  static constexpr Category kCategories[] = {
      {"WAGES", hedui::v1::WAGES},
      {"BUSINESS", hedui::v1::BUSINESS_INCOME},
      {"PROPERTY", hedui::v1::PROPERTY_INCOME},
      {"TRANSFER", hedui::v1::TRANSFER_INCOME},
      {"OTHER", hedui::v1::OTHER_INCOME},
  };
  struct Asset {
    const char* item;
    Finding::Criterion criterion;
  };
  static constexpr Asset kAssets[] = {
      {"FINANCIAL_ASSETS", Finding::FINANCIAL_ASSETS},
      {"RESIDENTIAL_PROPERTIES", Finding::RESIDENTIAL_PROPERTY},
      {"NON_RESIDENTIAL_PROPERTIES", Finding::NON_RESIDENTIAL_PROPERTY},
      {"VEHICLES", Finding::VEHICLES},
  };
  const std::string code = absl::StrCat("（", SafeText(item), "）");
  for (const Category& c : kCategories) {
    if (item == c.item) return {absl::StrCat(ZhLabel(c.category), code), ""};
  }
  for (const Asset& a : kAssets) {
    if (item == a.item) {
      return {absl::StrCat(ZhLabel(a.criterion), code), CountWord(a.criterion)};
    }
  }
  // Corroboration only: no criterion or category of its own.
  if (item == "HOUSING_FUND_BASE") {
    return {absl::StrCat("公积金缴存基数", code), ""};
  }
  return {OrDash(item), ""};
}

// The engine's corroboration items: a department figure set against
// another department's (never a declaration), reported and never counted.
bool IsCorroboration(const std::string& item) {
  return item == "HOUSING_FUND_BASE";
}

void WriteDiscrepancies(const hedui::v1::Report& r, std::ostream& out) {
  if (r.discrepancies_size() == 0) {
    out << "\n申报与查得不一致：无\n";
    return;
  }
  bool corroboration = false;
  for (const auto& d : r.discrepancies()) {
    corroboration = corroboration || IsCorroboration(d.item());
  }
  out << (corroboration ? "\n申报与查得不一致（金额为月均；公积金缴存基数为"
                          "当月数，仅作佐证）\n"
                        : "\n申报与查得不一致（月均金额或数量）\n");
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.discrepancies()) {
    const ItemName item = DiscrepancyItem(d.item());
    // A corroboration has nothing declared to set against: "-", where
    // "未申报" would read as an omission of the household's.
    std::string declared =
        IsCorroboration(d.item()) ? "-" : std::string("未申报");
    if (QuantityIsSet(d.declared())) {
      declared = QuantityZhText(d.declared(), item.count_word);
    }
    rows.push_back(
        {d.person_id().empty() ? "全家" : MaskedId(d.person_id()), item.text,
         declared, QuantityZhText(d.found(), item.count_word),
         d.changes_outcome() ? "是" : "否", OrDash(d.explanation())});
  }
  WriteTable({{"成员"},
              {"项目"},
              {"申报", true},
              {"查得", true},
              {"影响结论"},
              {"说明"}},
             rows, out, 2);
}

void WriteDepartments(const hedui::v1::Report& r, std::ostream& out) {
  out << "\n部门数据\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.departments()) {
    const bool missing = d.state() == hedui::v1::DepartmentData::MISSING;
    rows.push_back(
        {ZhLabel(d.department()), DateText(d.as_of()),
         missing ? "-" : absl::StrCat(d.age_days(), " 天"),
         d.max_age_days() > 0 ? absl::StrCat(d.max_age_days(), " 天") : "-",
         ZhLabel(d.state())});
  }
  WriteTable({{"部门"},
              {"数据截至"},
              {"距核对日", true},
              {"最长有效", true},
              {"状态"}},
             rows, out, 2);
}

// Shown in the policy block's own lines, not again among the parameters.
bool InPolicyHeader(const std::string& name) {
  return name == "policy_version" || name == "region_code" ||
         name == "residence_class" || name == "effective_from";
}

void WritePolicy(const hedui::v1::Report& r, std::ostream& out) {
  const hedui::v1::PolicyUsed& p = r.policy();
  out << "\n核对政策  " << OrDash(p.version()) << '\n';
  Fields fields = {
      {"适用地区", OrDash(p.region_code())},
      {"城乡类别", ZhWithCode(p.residence_class())},
      {"本版政策生效日期", DateText(p.effective_from())},
  };
  for (const auto& parameter : p.parameters()) {
    if (InPolicyHeader(parameter.name())) continue;
    PolicyParameterLine line =
        PolicyParameterText(parameter.name(), parameter.value());
    fields.push_back({SafeText(line.label), OrDash(line.value)});
  }
  WriteFields(fields, out, 2);
  if (!r.engine_version().empty()) {
    out << "核对引擎版本  " << SafeText(r.engine_version()) << '\n';
  }
}

}  // namespace

std::string MaskedName(const std::string& name) {
  return name.empty() ? "-" : MaskName(name);
}

std::string EvidenceLine(const hedui::v1::Evidence& e) {
  std::string line = ZhLabel(e.department());
  if (e.has_as_of()) absl::StrAppend(&line, "，数据截至 ", DateText(e.as_of()));
  if (!e.person_id().empty()) {
    absl::StrAppend(&line, "  ", MaskedId(e.person_id()));
  }
  absl::StrAppend(&line, "  ", OrDash(e.record()));
  return line;
}

std::string VerdictText(hedui::v1::Verdict verdict) {
  const std::string& zh = ZhName(verdict);
  const std::string code = VerdictName(verdict);
  return zh.empty() ? code : absl::StrCat(code, " ", zh);
}

void WriteReportText(const hedui::v1::Report& report, std::ostream& out) {
  WriteHeader(report, out);
  WriteHousehold(report.household(), out);
  WriteFindings(report, out);
  WriteIncomeText(report, out);
  WriteAssets(report, out);
  WriteDiscrepancies(report, out);
  WriteDepartments(report, out);
  WritePolicy(report, out);
  out << std::flush;
}

}  // namespace hedui::cli
