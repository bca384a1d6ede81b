#include "storage/feed/csv_line.h"

namespace hedui::feed {
namespace {

// Bytes the scanner must stop at; everything else is field content.
enum ByteClass : unsigned char { kPlain, kComma, kQuote, kBad };

struct ByteTable {
  ByteClass of[256];
  constexpr ByteTable() : of() {
    for (int i = 0; i < 256; ++i) of[i] = kPlain;
    of[static_cast<unsigned char>(',')] = kComma;
    of[static_cast<unsigned char>('"')] = kQuote;
    of[0x00] = kBad;
    of[0x1F] = kBad;
    of[static_cast<unsigned char>('\r')] = kBad;
  }
};
constexpr ByteTable kBytes;

CsvProblem BadByteProblem(char c) {
  switch (c) {
    case '\0':
      return CsvProblem::kNul;
    case '\x1f':
      return CsvProblem::kUnitSeparator;
    default:
      return CsvProblem::kCarriageReturn;
  }
}

ByteClass Class(char c) { return kBytes.of[static_cast<unsigned char>(c)]; }

}  // namespace

CsvSplit SplitCsvLine(absl::string_view line,
                      std::vector<absl::string_view>* fields,
                      std::string* scratch) {
  fields->clear();
  scratch->clear();
  // Unescaped fields never outgrow the line, so views into scratch stay
  // valid while it fills.
  scratch->reserve(line.size());
  const char* p = line.data();
  const char* const end = p + line.size();
  int column = 1;
  while (true) {
    if (p < end && *p == '"') {
      const char* const start = ++p;
      bool escaped = false;
      while (true) {
        while (p < end && Class(*p) != kQuote) {
          if (Class(*p) == kBad) return {BadByteProblem(*p), column};
          ++p;
        }
        if (p == end) return {CsvProblem::kUnclosedQuote, column};
        if (p + 1 < end && p[1] == '"') {
          escaped = true;
          p += 2;
          continue;
        }
        break;
      }
      absl::string_view content(start, p - start);
      ++p;  // closing quote
      if (escaped) {
        const size_t first = scratch->size();
        for (size_t i = 0; i < content.size(); ++i) {
          scratch->push_back(content[i]);
          if (content[i] == '"') ++i;  // the second quote of a ""
        }
        content =
            absl::string_view(scratch->data() + first, scratch->size() - first);
      }
      fields->push_back(content);
      if (p < end && *p != ',') {
        return {CsvProblem::kTextAfterClosingQuote, column};
      }
    } else {
      const char* const start = p;
      while (p < end) {
        const ByteClass c = Class(*p);
        if (c == kComma) break;
        if (c == kQuote) return {CsvProblem::kQuoteInUnquotedField, column};
        if (c == kBad) return {BadByteProblem(*p), column};
        ++p;
      }
      fields->emplace_back(start, p - start);
    }
    if (p == end) return {};
    ++p;  // comma
    ++column;
  }
}

const char* DescribeCsvProblem(CsvProblem problem) {
  switch (problem) {
    case CsvProblem::kNone:
      return "no problem";
    case CsvProblem::kQuoteInUnquotedField:
      return "a double quote inside an unquoted field; quote the whole field "
             "and write a quote inside it as \"\"";
    case CsvProblem::kTextAfterClosingQuote:
      return "text after the closing quote of a field; a quoted field must "
             "end at a comma or the end of the line";
    case CsvProblem::kUnclosedQuote:
      return "a quoted field is not closed on this line (a quoted field may "
             "not span lines)";
    case CsvProblem::kNul:
      return "a NUL character (U+0000) is not allowed in a field";
    case CsvProblem::kUnitSeparator:
      return "the control character U+001F is not allowed in a field";
    case CsvProblem::kCarriageReturn:
      return "a carriage return (CR) not followed by a line feed; lines end "
             "with LF or CRLF";
  }
  return "unknown problem";
}

int CsvColumnAt(absl::string_view prefix) {
  int column = 1;
  bool quoted = false;
  for (char c : prefix) {
    // A "" escape toggles twice, so counting quotes tracks quoting.
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++column;
  }
  return column;
}

}  // namespace hedui::feed
