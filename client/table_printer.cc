#include "client/table_printer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

struct Column {
  std::string title;
  bool right_aligned = false;  // numbers line up on their last digit
};

// Pads every cell to its column's widest one, two spaces between columns.
// All cells are ASCII, so bytes equal display columns.
void WriteTable(const std::vector<Column>& columns,
                const std::vector<std::vector<std::string>>& rows,
                std::ostream& out) {
  std::vector<size_t> widths(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    widths[c] = columns[c].title.size();
    for (const auto& row : rows) widths[c] = std::max(widths[c], row[c].size());
  }
  auto write_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - cells[c].size(), ' ');
      const bool last = c + 1 == cells.size();
      if (columns[c].right_aligned) {
        absl::StrAppend(&line, pad, cells[c]);
      } else {
        absl::StrAppend(&line, cells[c], last ? "" : pad);
      }
      if (!last) line += "  ";
    }
    out << line << '\n';
  };
  std::vector<std::string> titles;
  for (const auto& column : columns) titles.push_back(column.title);
  write_row(titles);
  for (const auto& row : rows) write_row(row);
  out << std::flush;
}

std::string DateText(const hedui::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  // Printed as received even if not a real date: a server bug should show.
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// A department added to the proto after this build still gets a label.
std::string DepartmentText(hedui::v1::Department department) {
  const std::string& name = hedui::v1::Department_Name(department);
  return name.empty()
             ? absl::StrCat("DEPARTMENT_", static_cast<int>(department))
             : name;
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

}  // namespace hedui::cli
