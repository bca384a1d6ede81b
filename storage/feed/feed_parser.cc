#include "storage/feed/feed_parser.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "storage/feed/column_value.h"
#include "storage/feed/csv_line.h"
#include "storage/feed/error_text.h"
#include "storage/feed/line_reader.h"
#include "storage/feed/record_builder.h"
#include "storage/feed/schema.h"
#include "storage/feed/text_decoder.h"

namespace hedui::feed {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr absl::string_view kOpColumn = "op";

int64_t CountCharacters(absl::string_view utf8) {
  int64_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

class FeedParser::Impl {
 public:
  explicit Impl(FeedParserOptions options)
      : options_(options),
        schema_(FindSchema(options.department)),
        lines_(kMaxFeedLineBytes, options.first_line),
        header_seen_(!options.starts_file) {
    if (schema_ == nullptr) {
      Stop(0, 0,
           absl::StrCat("unknown department (enum value ",
                        static_cast<int>(options.department), ")"));
      return;
    }
    if (options_.encoding == TextEncoding::kGb18030) {
      absl::StatusOr<std::unique_ptr<TextDecoder>> decoder =
          NewGb18030Decoder();
      if (!decoder.ok()) {
        Stop(0, 0, std::string(decoder.status().message()));
        return;
      }
      decoder_ = *std::move(decoder);
    } else {
      decoder_ = NewUtf8Decoder();
    }
    builder_ = std::make_unique<RecordBuilder>(*schema_);
    if (options_.delta) column_names_.emplace_back(kOpColumn);
    for (const Column& column : schema_->columns) {
      column_names_.push_back(column.name);
    }
    header_ = absl::StrJoin(column_names_, ",");
    values_.resize(schema_->columns.size());
  }

  void Consume(absl::string_view bytes, const RowSink& sink) {
    if (stopped_ || finished_) return;
    const absl::Status status = decoder_->Decode(
        bytes, [&](absl::string_view text) { FeedText(text, sink); });
    if (!status.ok()) EncodingError(status);
  }

  void Finish(const RowSink& sink) {
    if (finished_) return;
    finished_ = true;
    if (stopped_) return;
    const absl::Status status = decoder_->Finish();
    if (!status.ok()) {
      EncodingError(status);
      return;
    }
    CheckLines(lines_.Finish(
        [&](int64_t number, absl::string_view line, bool terminated) {
          return OnLine(number, line, terminated, sink);
        }));
    if (stopped_) return;
    if (!header_seen_) {
      AddError(
          1, 0, "",
          absl::StrCat("the file is empty; expected the header ", header_));
    }
    // An empty line held back here is the file's last line: allowed; the
    // last line of a block in the middle of a file is not.
    if (!options_.ends_file) ReportHeldEmptyLine();
  }

  bool ok() const { return error_count_ == 0; }
  bool stopped() const { return stopped_; }
  const std::vector<FeedError>& errors() const { return errors_; }
  int64_t error_count() const { return error_count_; }
  int64_t rows() const { return rows_; }

 private:
  void FeedText(absl::string_view text, const RowSink& sink) {
    // A header error stops the reader, but the decoder may still hold text.
    if (stopped_) return;
    CheckLines(lines_.Feed(
        text, [&](int64_t number, absl::string_view line, bool terminated) {
          return OnLine(number, line, terminated, sink);
        }));
  }

  void CheckLines(LineReader::Result result) {
    if (result == LineReader::Result::kLineTooLong) {
      Stop(lines_.line_number(), 0,
           absl::StrCat("the line is longer than ", kMaxFeedLineBytes,
                        " bytes, the most a feed line may hold; a row is far "
                        "shorter: does the file end its lines with LF or "
                        "CRLF? (a CR alone is not a line end)"));
    }
  }

  bool OnLine(int64_t number, absl::string_view line, bool terminated,
              const RowSink& sink) {
    if (number == 1 && options_.starts_file) {
      absl::ConsumePrefix(&line, kUtf8Bom);
      return CheckHeader(line);
    }
    // An empty line is an error only once something follows it.
    if (line.empty()) {
      ReportHeldEmptyLine();
      held_empty_line_ = number;
      return true;
    }
    ReportHeldEmptyLine();
    ParseRow(number, line, terminated, sink);
    return true;
  }

  void ReportHeldEmptyLine() {
    if (held_empty_line_ == 0) return;
    AddError(held_empty_line_, 0, "",
             "empty line; only the last line of the file may be empty");
    held_empty_line_ = 0;
  }

  bool CheckHeader(absl::string_view line) {
    header_seen_ = true;
    if (line.empty()) {
      Stop(1, 0,
           absl::StrCat("the header line is empty; expected the header ",
                        header_));
      return false;
    }
    const CsvSplit split = SplitCsvLine(line, &fields_, &scratch_);
    if (split.problem != CsvProblem::kNone) {
      Stop(1, split.column,
           absl::StrCat("header: ", DescribeCsvProblem(split.problem),
                        "; expected the header ", header_));
      return false;
    }
    size_t i = 0;
    while (i < fields_.size() && i < column_names_.size() &&
           fields_[i] == column_names_[i]) {
      ++i;
    }
    if (i == fields_.size() && i == column_names_.size()) return true;
    std::string problem;
    if (i == fields_.size()) {
      problem = absl::StrCat("column ", i + 1, " (", column_names_[i],
                             ") is missing");
    } else if (i == column_names_.size()) {
      problem = absl::StrCat("column ", i + 1, " ", QuoteForError(fields_[i]),
                             " is one too many");
    } else {
      problem =
          absl::StrCat("column ", i + 1, " is ", QuoteForError(fields_[i]),
                       ", expected ", column_names_[i]);
    }
    std::string hint;
    if (i == 0 && options_.delta && fields_[0] == "person_id") {
      hint = " (a delta file starts with an op column)";
    } else if (i == 0 && !options_.delta && fields_[0] == kOpColumn) {
      hint = " (this looks like a delta file; declare it as one)";
    }
    Stop(1, static_cast<int>(i) + 1,
         absl::StrCat("the header does not match the ", schema_->name,
                      " schema: ", problem, hint, "; expected the header ",
                      header_));
    return false;
  }

  void ParseRow(int64_t number, absl::string_view line, bool terminated,
                const RowSink& sink) {
    ++rows_;
    const CsvSplit split = SplitCsvLine(line, &fields_, &scratch_);
    if (split.problem != CsvProblem::kNone) {
      const char* problem =
          split.problem == CsvProblem::kUnclosedQuote && !terminated
              ? "a quoted field is not closed before the end of the file"
              : DescribeCsvProblem(split.problem);
      AddError(number, split.column, ColumnName(split.column), problem);
      return;
    }
    if (fields_.size() != column_names_.size()) {
      AddError(number, 0, "",
               absl::StrCat("expected ", column_names_.size(), " columns (",
                            header_, "), got ", fields_.size()));
      return;
    }
    bool row_ok = true;
    RowOp op = RowOp::kUpsert;
    const size_t first = options_.delta ? 1 : 0;
    if (options_.delta) {
      if (fields_[0] == "delete") {
        op = RowOp::kDelete;
      } else if (fields_[0] != "upsert") {
        // The rest of the row is still checked, as an upsert.
        AddError(number, 1, std::string(kOpColumn),
                 absl::StrCat("op: ", QuoteForError(fields_[0]),
                              " is not an operation; expected upsert or "
                              "delete"));
        row_ok = false;
      }
    }
    for (size_t i = 0; i < values_.size(); ++i) {
      const Column& column = schema_->columns[i];
      const absl::string_view raw = fields_[first + i];
      if (op == RowOp::kDelete && !column.key && raw.empty()) {
        values_[i].present = false;
        continue;
      }
      const absl::Status status = ParseColumnValue(column, raw, &values_[i]);
      if (!status.ok()) {
        AddError(number, static_cast<int>(first + i) + 1, column.name,
                 std::string(status.message()));
        row_ok = false;
      }
    }
    // Once the file has failed its rows are discarded: stop building them.
    if (!row_ok || !ok()) return;
    FeedRow row;
    row.op = op;
    row.person_id.assign(values_[0].text.data(), values_[0].text.size());
    builder_->BuildNaturalKey(values_, &row.natural_key);
    builder_->BuildRecord(values_, &row.record);
    row.line = number;
    sink(std::move(row));
  }

  // Reports a decoding error where the bad bytes start: the line being
  // assembled holds the text decoded before them.
  void EncodingError(const absl::Status& status) {
    if (stopped_) return;
    // The bad bytes are content, so an empty line before them is not last.
    ReportHeldEmptyLine();
    const int64_t number = lines_.line_number();
    absl::string_view before = lines_.partial_line();
    if (number == 1) absl::ConsumePrefix(&before, kUtf8Bom);
    const int column = CsvColumnAt(before);
    Stop(number, column,
         absl::StrCat(status.message(), " (at character ",
                      CountCharacters(before) + 1, " of the line)"),
         number == 1 ? "" : ColumnName(column));
  }

  std::string ColumnName(int column) const {
    if (column < 1 || static_cast<size_t>(column) > column_names_.size()) {
      return "";
    }
    return column_names_[column - 1];
  }

  void AddError(int64_t line, int column, std::string field,
                std::string message) {
    ++error_count_;
    if (errors_.size() < options_.max_errors) {
      errors_.push_back(
          FeedError{line, column, std::move(field), std::move(message)});
    }
  }

  // Reports an error after which the rest of the file is ignored.
  void Stop(int64_t line, int column, std::string message,
            std::string field = "") {
    AddError(line, column, std::move(field), std::move(message));
    stopped_ = true;
  }

  const FeedParserOptions options_;
  const Schema* const schema_;
  std::unique_ptr<TextDecoder> decoder_;
  std::unique_ptr<RecordBuilder> builder_;
  LineReader lines_;
  std::vector<std::string> column_names_;  // "op" first in a delta
  std::string header_;                     // the expected header line

  // Reused for every row, so a row allocates only what it hands out.
  std::vector<absl::string_view> fields_;
  std::string scratch_;
  std::vector<ColumnValue> values_;

  bool header_seen_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  int64_t held_empty_line_ = 0;  // an empty line not yet known to be last
  int64_t rows_ = 0;
  int64_t error_count_ = 0;
  std::vector<FeedError> errors_;
};

FeedParser::FeedParser(FeedParserOptions options)
    : impl_(std::make_unique<Impl>(options)) {}
FeedParser::~FeedParser() = default;

void FeedParser::Consume(absl::string_view bytes, const RowSink& sink) {
  impl_->Consume(bytes, sink);
}
void FeedParser::Finish(const RowSink& sink) { impl_->Finish(sink); }
bool FeedParser::ok() const { return impl_->ok(); }
bool FeedParser::stopped() const { return impl_->stopped(); }
const std::vector<FeedError>& FeedParser::errors() const {
  return impl_->errors();
}
int64_t FeedParser::error_count() const { return impl_->error_count(); }
int64_t FeedParser::rows() const { return impl_->rows(); }

absl::StatusOr<hedui::v1::Department> ParseDepartmentName(
    absl::string_view name) {
  std::vector<std::string> names;
  for (const Schema& schema : AllSchemas()) {
    if (schema.name == name) return schema.department;
    names.push_back(schema.name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown department ", QuoteForError(name),
                   "; expected one of ", absl::StrJoin(names, ", ")));
}

}  // namespace hedui::feed
