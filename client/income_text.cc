#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/amount_text.h"
#include "client/report_text_parts.h"
#include "client/text_table.h"
#include "client/zh_names.h"

namespace hedui::cli {
namespace {

constexpr char kMonthUnknown[] = "月份不明";
// Sorts after every real month, so the records of an unknown month come last.
constexpr char kUnknownMonthKey[] = "9999";

// The month a record is for: Evidence.period, or, in a report stored by an
// engine that did not set it, the "YYYY-MM" every income record's text
// starts with (record_text.cc); kUnknownMonthKey when neither has one.
std::string RecordMonth(const hedui::v1::Evidence& e) {
  if (e.period().year() != 0) return MonthText(e.period());
  const std::string& text = e.record();
  if (text.size() >= 7 && text[4] == '-' &&
      (text.size() == 7 || text[7] == ' ')) {
    bool digits = true;
    for (int i : {0, 1, 2, 3, 5, 6}) {
      digits =
          digits && absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
    }
    if (digits) return text.substr(0, 7);
  }
  return kUnknownMonthKey;
}

struct RecordRow {
  std::string department;
  std::string category;
  bool counted;
  std::string record;
};

std::string Monthly(const hedui::v1::Quantity& q) {
  return QuantityIsSet(q) ? QuantityZhText(q) : "-";
}

void WriteCategories(const hedui::v1::Income& income, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : income.members()) {
    for (const auto& c : m.categories()) {
      rows.push_back(
          {MaskedId(m.person_id()), ZhLabel(c.category()), ZhLabel(c.source()),
           Monthly(c.found_monthly()), Monthly(c.declared_monthly()),
           Monthly(c.deducted_monthly()), Monthly(c.counted_monthly()),
           absl::StrCat(c.records_size(), " 条")});
    }
  }
  if (rows.empty()) {
    out << "  计入成员均无收入记录，也未申报收入\n";
  } else {
    WriteTable({{"成员"},
                {"收入类别"},
                {"来源"},
                {"月均查得", true},
                {"月均申报", true},
                {"月均扣除", true},
                {"月均计入", true},
                {"计入记录", true}},
               rows, out, 2);
  }
  WriteFields({{"家庭月收入", Monthly(income.household_monthly())},
               {"人均月收入", Monthly(income.per_capita_monthly())}},
              out, 2);
}

// Months of the window, for the months a member has no record in.
std::vector<std::string> WindowMonths(const hedui::v1::Income& income) {
  std::vector<std::string> months;
  int y = income.window_first().year();
  int m = income.window_first().month();
  const int last_y = income.window_last().year();
  const int last_m = income.window_last().month();
  if (y == 0 || m < 1 || m > 12 || last_y == 0) return months;
  // Bounded: a window is at most a few years; a bad report must not loop.
  while ((y < last_y || (y == last_y && m <= last_m)) && months.size() < 600) {
    hedui::v1::YearMonth ym;
    ym.set_year(y);
    ym.set_month(m);
    months.push_back(MonthText(ym));
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return months;
}

void WriteMemberRecords(const hedui::v1::MemberIncome& member,
                        const std::vector<std::string>& window,
                        std::ostream& out) {
  out << "  " << MaskedId(member.person_id()) << '\n';
  std::map<std::string, std::vector<RecordRow>> by_month;
  std::vector<std::string> declared;
  for (const auto& c : member.categories()) {
    const std::string category = ZhLabel(c.category());
    for (const auto& e : c.records()) {
      by_month[RecordMonth(e)].push_back(
          {ZhLabel(e.department()), category, true, SafeText(e.record())});
    }
    for (const auto& e : c.excluded()) {
      by_month[RecordMonth(e)].push_back(
          {ZhLabel(e.department()), category, false, SafeText(e.record())});
    }
    if (c.source() == hedui::v1::CategoryIncome::DECLARED) {
      declared.push_back(
          absl::StrCat(category, " 月均申报 ", Monthly(c.declared_monthly())));
    }
  }
  if (by_month.empty()) {
    out << "    无部门收入记录\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [month, records] : by_month) {
      bool first = true;
      for (const RecordRow& r : records) {
        rows.push_back(
            {first ? (month == kUnknownMonthKey ? kMonthUnknown : month) : "",
             r.department, r.category, r.counted ? "计入" : "不计入",
             r.record});
        first = false;
      }
    }
    WriteTable({{"月份"}, {"部门"}, {"收入类别"}, {"是否计入"}, {"记录"}}, rows,
               out, 4);
  }
  std::vector<std::string> empty_months;
  for (const std::string& month : window) {
    if (by_month.count(month) == 0) empty_months.push_back(month);
  }
  if (!empty_months.empty() && !by_month.empty()) {
    // A record whose month is unknown may belong to one of them.
    out << (by_month.count(kUnknownMonthKey) != 0
                ? "    无按月收入记录的月份（月份不明的记录除外）："
                : "    无收入记录的月份：")
        << absl::StrJoin(empty_months, "、") << '\n';
  }
  if (!declared.empty()) {
    out << "    无部门数据、按申报计入：" << absl::StrJoin(declared, "；")
        << '\n';
  }
}

}  // namespace

void WriteIncomeText(const hedui::v1::Report& report, std::ostream& out) {
  if (!report.has_income()) {
    out << "\n收入：本次核对不涉及收入\n";
    return;
  }
  const hedui::v1::Income& income = report.income();
  out << "\n收入（核算期 " << MonthText(income.window_first()) << " 至 "
      << MonthText(income.window_last()) << "，共 " << income.months()
      << " 个月）\n";
  WriteCategories(income, out);
  if (income.members_size() == 0) return;
  out << "  收入明细（按成员、月份；计入与不计入的记录及原因）\n";
  const std::vector<std::string> window = WindowMonths(income);
  for (const auto& m : income.members()) WriteMemberRecords(m, window, out);
}

}  // namespace hedui::cli
