#include "client/table_printer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/flags.h"
#include "client/report_text.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
#include "client/zh_names.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

// A department added to the proto after this build still gets a label.
std::string DepartmentText(hedui::v1::Department department) {
  return DepartmentName(department);
}

}  // namespace

absl::Status TablePrinter::PrintIngestSummary(const IngestSummary& summary,
                                              std::ostream& out) const {
  const hedui::v1::IngestResponse& r = summary.response;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"department", DepartmentText(r.department())},
      {"batch id", r.batch_id()},
      {"as-of", DateText(r.as_of())},
      {"already applied", r.already_applied() ? "yes (nothing changed)" : "no"},
      {"rows", absl::StrCat(r.rows())},
      {"upserts", absl::StrCat(r.upserts())},
      {"deletions", absl::StrCat(r.deletions())},
      {"generation", absl::StrCat(r.generation())},
      {"rows now current", absl::StrCat(r.rows_now_current())},
      {"client seconds", absl::StrFormat("%.3f", summary.client_seconds)},
      {"server seconds", absl::StrFormat("%.3f", r.server_seconds())},
      {"rows/s", absl::StrFormat("%.0f", RowsPerSecond(summary))},
  };
  size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field.first.size());
  for (const auto& [name, value] : fields) {
    out << name << std::string(width - name.size() + 2, ' ') << value << '\n';
  }
  out << std::flush;
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintDepartments(
    const hedui::v1::ListDepartmentsResponse& response,
    std::ostream& out) const {
  const absl::TimeZone china = ChinaTimeZone();
  const std::vector<Column> columns = {
      {"DEPARTMENT", false}, {"PRESENT", false},
      {"ROWS", true},        {"AS-OF", false},
      {"BATCH ID", false},   {"GENERATION", true},
      {"RETAINED", false},   {"INGESTED AT (Asia/Shanghai)", false},
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : response.departments()) {
    const std::string department = DepartmentText(d.department());
    if (!d.present()) {
      rows.push_back({department, "no", "-", "-", "-", "-", "-", "-"});
      continue;
    }
    // 12 hex digits of a SHA-256 identify a batch for a person; the full id
    // is in --output json.
    const std::string batch =
        d.batch_id().empty() ? "-" : d.batch_id().substr(0, 12);
    const std::string retained =
        d.retained_generations().empty()
            ? "-"
            : absl::StrJoin(d.retained_generations(), ",");
    const std::string ingested =
        d.ingested_unix_seconds() == 0
            ? "-"
            : absl::FormatTime("%Y-%m-%d %H:%M:%S",
                               absl::FromUnixSeconds(d.ingested_unix_seconds()),
                               china);
    rows.push_back({department, YesNo(d.present()), absl::StrCat(d.rows()),
                    DateText(d.as_of()), batch, absl::StrCat(d.generation()),
                    retained, ingested});
  }
  WriteTable(columns, rows, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintReport(const hedui::v1::Report& report,
                                       std::ostream& out) const {
  WriteReportText(report, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintBatchResult(
    const hedui::v1::VerifyBatchResult& result,
    const std::string& application_id, std::ostream& out) const {
  // Fixed widths, not a table: each line is printed as its result arrives.
  std::string line =
      absl::StrFormat("%6d  %-16s  ", result.index(),
                      application_id.empty() ? "-" : SafeText(application_id));
  if (result.code() == 0) {
    absl::StrAppend(&line, VerdictText(result.report().verdict()), "  ",
                    SafeText(result.report().report_id()));
  } else {
    absl::StrAppend(
        &line, StatusCodeName(static_cast<grpc::StatusCode>(result.code())));
    if (!result.message().empty()) {
      absl::StrAppend(&line, ": ", SafeText(result.message()));
    }
    for (const auto& v : result.details().field_violations()) {
      absl::StrAppend(&line, "\n", std::string(26, ' '), SafeText(v.field()),
                      ": ", SafeText(v.description()));
    }
  }
  out << line << '\n' << std::flush;
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintBatchSummary(const BatchSummary& summary,
                                             std::ostream& out) const {
  out << "\n"
      << summary.results << " results for " << summary.sent << " requests\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, count] : summary.verdicts) {
    hedui::v1::Verdict verdict = hedui::v1::VERDICT_UNSPECIFIED;
    hedui::v1::Verdict_Parse(name, &verdict);
    rows.push_back({name, ZhName(verdict), absl::StrCat(count)});
  }
  for (const auto& [name, count] : summary.errors) {
    rows.push_back({name, "(error)", absl::StrCat(count)});
  }
  WriteTable({{"RESULT"}, {""}, {"COUNT", true}}, rows, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintReportList(
    const hedui::v1::ListReportsResponse& response, std::ostream& out) const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : response.reports()) {
    rows.push_back(
        {SafeText(r.report_id()), DateText(r.verification_date()),
         ProgramName(r.program()), VerdictText(r.verdict()),
         r.region_code().empty() ? "-" : SafeText(r.region_code()),
         absl::StrCat(r.persons()),
         r.application_id().empty() ? "-" : SafeText(r.application_id())});
  }
  WriteTable({{"REPORT ID"},
              {"DATE"},
              {"PROGRAM"},
              {"VERDICT"},
              {"REGION"},
              {"PERSONS", true},
              {"APPLICATION"}},
             rows, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintStats(
    const hedui::v1::GetStatsResponse& response, std::ostream& out) const {
  // Program x verdict, as domain.md §1's half-yearly table: each cell is
  // "households/persons".
  std::vector<int> verdicts = {hedui::v1::MEETS_CRITERIA,
                               hedui::v1::DOES_NOT_MEET,
                               hedui::v1::NEEDS_REVIEW};
  std::vector<int> programs;
  for (const auto& row : response.rows()) {
    if (std::find(verdicts.begin(), verdicts.end(), row.verdict()) ==
        verdicts.end()) {
      verdicts.push_back(row.verdict());
    }
    if (std::find(programs.begin(), programs.end(), row.program()) ==
        programs.end()) {
      programs.push_back(row.program());
    }
  }
  struct Cell {
    int64_t households = 0;
    int64_t persons = 0;
  };
  auto text = [](const Cell& c) {
    return absl::StrCat(c.households, "/", c.persons);
  };
  std::vector<Column> columns = {{"PROGRAM"}, {""}};
  for (int v : verdicts) {
    columns.push_back(
        {VerdictText(static_cast<hedui::v1::Verdict>(v)), /*right=*/true});
  }
  columns.push_back({"TOTAL", true});
  std::vector<std::vector<std::string>> rows;
  std::vector<Cell> column_totals(verdicts.size());
  for (int p : programs) {
    const auto program = static_cast<hedui::v1::Program>(p);
    std::vector<std::string> cells = {ProgramName(program), ZhName(program)};
    Cell total;
    for (size_t i = 0; i < verdicts.size(); ++i) {
      Cell cell;
      for (const auto& row : response.rows()) {
        if (row.program() != p || row.verdict() != verdicts[i]) continue;
        cell.households += row.households();
        cell.persons += row.persons();
      }
      total.households += cell.households;
      total.persons += cell.persons;
      column_totals[i].households += cell.households;
      column_totals[i].persons += cell.persons;
      cells.push_back(text(cell));
    }
    cells.push_back(text(total));
    rows.push_back(std::move(cells));
  }
  std::vector<std::string> totals = {"TOTAL", ""};
  for (const Cell& c : column_totals) totals.push_back(text(c));
  totals.push_back(text({response.households(), response.persons()}));
  rows.push_back(std::move(totals));
  out << "households/persons by program and verdict\n";
  WriteTable(columns, rows, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintAuditCheck(
    const hedui::v1::VerifyAuditResponse& response, std::ostream& out) const {
  if (response.intact()) {
    out << "audit chain intact: " << response.entries() << " entries, "
        << response.head_checkpoints() << " head checkpoints checked\n";
  } else {
    out << "audit chain BROKEN at sequence " << response.first_broken_sequence()
        << ": " << SafeText(response.problem()) << "\n  (" << response.entries()
        << " entries, " << response.head_checkpoints()
        << " head checkpoints checked)\n";
  }
  out << std::flush;
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintAuditEntries(
    const hedui::v1::ListAuditResponse& response, std::ostream& out) const {
  const absl::TimeZone china = ChinaTimeZone();
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : response.entries()) {
    // The package is the same for every method; the rest says what was done.
    absl::string_view method = e.method();
    absl::ConsumePrefix(&method, "/hedui.v1.");
    rows.push_back(
        {absl::StrCat(e.sequence()),
         absl::FormatTime("%Y-%m-%d %H:%M:%E3S",
                          absl::FromUnixMicros(e.time_unix_micros()), china),
         e.caller().empty() ? "-" : SafeText(e.caller()), SafeText(method),
         e.program() == hedui::v1::PROGRAM_UNSPECIFIED
             ? "-"
             : ProgramName(e.program()),
         StatusCodeName(static_cast<grpc::StatusCode>(e.code())),
         e.batch_index() < 0 ? "-" : absl::StrCat(e.batch_index()),
         e.report_id().empty() ? "-" : SafeText(e.report_id()),
         e.outcome().empty() ? "-" : SafeText(e.outcome())});
  }
  WriteTable({{"SEQ", true},
              {"TIME (Asia/Shanghai)"},
              {"CALLER"},
              {"METHOD"},
              {"PROGRAM"},
              {"CODE"},
              {"BATCH#", true},
              {"REPORT"},
              {"OUTCOME"}},
             rows, out);
  return absl::OkStatus();
}

absl::Status TablePrinter::PrintHealth(const HealthSummary& health,
                                       std::ostream& out) const {
  out << SafeText(health.server);
  if (!health.service.empty()) out << " (" << SafeText(health.service) << ")";
  out << ": " << health.status << '\n' << std::flush;
  return absl::OkStatus();
}

}  // namespace hedui::cli
