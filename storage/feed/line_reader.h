#ifndef HEDUI_STORAGE_FEED_LINE_READER_H_
#define HEDUI_STORAGE_FEED_LINE_READER_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace hedui::feed {

// Cuts text arriving in pieces into physical lines. A line ends at "\n"; the
// "\r" of a "\r\n" is removed, so CRLF counts as one line end. Lines that fit
// in a piece are passed without copying; only a line split across pieces is
// assembled in a buffer.
class LineReader {
 public:
  // Called with each line (without its end) and its 1-based number;
  // `terminated` is false only for a last line that has no "\n". Returns
  // false to stop reading.
  using LineSink = absl::FunctionRef<bool(
      int64_t number, absl::string_view line, bool terminated)>;

  enum class Result {
    kOk,
    kStopped,      // the sink returned false
    kLineTooLong,  // the current line is longer than max_line_bytes
  };

  // Bounds the buffered line, so that a file without line ends cannot
  // exhaust memory.
  explicit LineReader(size_t max_line_bytes, int64_t first_line = 1)
      : max_line_bytes_(max_line_bytes), line_number_(first_line) {}

  Result Feed(absl::string_view text, LineSink sink);
  // Passes the last line when it has no "\n" (and is not empty).
  Result Finish(LineSink sink);

  // The line being assembled: its number and the bytes received so far.
  int64_t line_number() const { return line_number_; }
  absl::string_view partial_line() const { return partial_; }

 private:
  Result Emit(absl::string_view line, bool terminated, LineSink sink);

  size_t max_line_bytes_;
  int64_t line_number_ = 1;
  std::string partial_;
};

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_LINE_READER_H_
