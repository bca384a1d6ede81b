#include "client/text_table.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

// East Asian Wide and Fullwidth ranges (Unicode TR 11), coarse but enough
// for Chinese text and its punctuation.
bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::string Pad(size_t n) { return std::string(n, ' '); }

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = 1;
    uint32_t cp = b;
    if (b >= 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else if (b >= 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if (b >= 0xC0) {
      len = 2;
      cp = b & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += IsWide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

void WriteTable(const std::vector<Column>& columns,
                const std::vector<std::vector<std::string>>& rows,
                std::ostream& out, int indent) {
  std::vector<size_t> widths(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    widths[c] = DisplayWidth(columns[c].title);
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  auto write_row = [&](const std::vector<std::string>& cells) {
    std::string line = Pad(indent);
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad = Pad(widths[c] - DisplayWidth(cells[c]));
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
  titles.reserve(columns.size());
  for (const auto& column : columns) titles.push_back(column.title);
  write_row(titles);
  for (const auto& row : rows) write_row(row);
  out << std::flush;
}

void WriteFields(const std::vector<std::pair<std::string, std::string>>& fields,
                 std::ostream& out, int indent) {
  size_t width = 0;
  for (const auto& field : fields) {
    width = std::max(width, DisplayWidth(field.first));
  }
  for (const auto& [name, value] : fields) {
    out << Pad(indent) << name << Pad(width - DisplayWidth(name) + 2) << value
        << '\n';
  }
  out << std::flush;
}

std::string SafeText(absl::string_view text) {
  std::string out = MaskResidentIdsInText(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

std::string MaskedId(absl::string_view id) {
  return id.empty() ? "-" : MaskResidentId(id);
}

std::string DateText(const hedui::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

std::string MonthText(const hedui::v1::YearMonth& month) {
  if (month.year() == 0 && month.month() == 0) return "-";
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace hedui::cli
