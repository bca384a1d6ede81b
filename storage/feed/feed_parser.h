#ifndef HEDUI_STORAGE_FEED_FEED_PARSER_H_
#define HEDUI_STORAGE_FEED_FEED_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"

// Parser of department feed files (deploy/feeds/README.md): decodes, splits
// and validates a CSV file fed in chunks, and turns each row into the
// department's hedui.store.v1 record. Design notes: storage/feed/README.md.
namespace hedui::feed {

// The longest line a feed may hold, in UTF-8 after decoding, without its
// "\n" or "\r\n". A valid row is under 2 KB (at most 7 columns, text at
// most 128 bytes), so a longer line is not a feed row; the bound is what
// keeps a file without line ends from taking the server's memory.
inline constexpr size_t kMaxFeedLineBytes = 64 * 1024;

enum class TextEncoding { kUtf8, kGb18030 };
enum class RowOp { kUpsert, kDelete };

struct FeedError {
  int64_t line = 0;     // 1-based physical line (header = 1); 0: not about a
                        // line (invalid options)
  int column = 0;       // 1-based CSV column; 0 = about the whole row or file
  std::string field;    // column name, e.g. "person_id"; empty for whole-row
                        // and header errors
  std::string message;  // the problem, in English; never holds a resident ID
                        // or a name from the file
};

struct FeedRow {
  RowOp op = RowOp::kUpsert;
  std::string person_id;    // a valid resident ID
  std::string natural_key;  // identifies the record within (person,
                            // department); empty when person_id alone does
  // Serialized hedui.store.v1.<Department>Record. For a delete, the key
  // fields are set and the non-key fields hold what the row gave (unset when
  // empty).
  std::string record;
  int64_t line = 0;
};

struct FeedParserOptions {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  TextEncoding encoding = TextEncoding::kUtf8;
  bool delta = false;      // a first column `op` (upsert/delete)
  size_t max_errors = 20;  // errors kept; counting goes on

  // For parsing one file as several line-aligned blocks in parallel: the
  // line number of the block's first line, whether the block starts with
  // the header (the file's first block), and whether it ends the file (only
  // the file's last line may be empty).
  int64_t first_line = 1;
  bool starts_file = true;
  bool ends_file = true;
};

// Called once per valid row, in file order. A std::function so that callers
// may keep or forward it; the call costs nothing next to building a record.
using RowSink = std::function<void(FeedRow&&)>;

// Not thread-safe; one parser per file.
class FeedParser {
 public:
  // An options error (no such department, no GB18030 converter) is reported
  // as an error on line 0 and the parser then ignores its input.
  explicit FeedParser(FeedParserOptions options);
  ~FeedParser();
  FeedParser(const FeedParser&) = delete;
  FeedParser& operator=(const FeedParser&) = delete;

  // The next bytes of the file, cut anywhere (inside a character, a quoted
  // field or a CRLF). Rows go to `sink` as soon as their line is complete;
  // once an error is found no further rows are emitted, and rows emitted
  // before it must be discarded (the file is rejected whole). After an
  // encoding error, a wrong header or an over-long line, the rest of the
  // file is ignored.
  // REQUIRES: Finish() not yet called.
  void Consume(absl::string_view bytes, const RowSink& sink);
  // After the last chunk: parses a last line without a line end and checks
  // that the file did not end inside a character or before its header.
  void Finish(const RowSink& sink);

  bool ok() const;  // no error so far
  // An error after which the rest of the input is ignored was found (an
  // encoding error, a wrong header, an over-long line).
  bool stopped() const;
  const std::vector<FeedError>& errors() const;  // first max_errors, in
                                                 // file order
  int64_t error_count() const;                   // all errors
  int64_t rows() const;  // data rows seen (not the header or empty lines)

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Canonical department name <-> enum ("TAX" <-> hedui::v1::TAX),
// case-sensitive; DEPARTMENT_UNSPECIFIED is not a department.
absl::StatusOr<hedui::v1::Department> ParseDepartmentName(
    absl::string_view name);

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_FEED_PARSER_H_
