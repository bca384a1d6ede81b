#ifndef HEDUI_CLIENT_PROGRESS_H_
#define HEDUI_CLIENT_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hedui::cli {

// Where an upload stands.
struct ProgressSample {
  int64_t bytes_sent = 0;
  int64_t total_bytes = 0;  // the file's size; 0 for an empty file
  int64_t rows_sent = 0;    // data rows: newlines sent minus the CSV header
  double elapsed_seconds = 0;
};

// "  42.0%  1,234,567 rows  98,765 rows/s  45.6 MB/s" (MB = 10^6 bytes).
// No carriage return or newline: the reporter owns the terminal.
std::string FormatProgressLine(const ProgressSample& sample);

// Data rows in the bytes sent so far, given the newlines counted in them:
// the first line of a feed is its column header.
int64_t RowsSent(int64_t newlines_sent);

// "  42.0%  2,766 of 6,586 results  1,383 results/s": where
// `verify --batch` stands, by results received of requests in the file.
std::string FormatBatchProgressLine(int64_t results, int64_t total,
                                    double elapsed_seconds);

// Keeps one updating progress line on a terminal (stderr), redrawn at most
// every kMinInterval. When disabled (stderr is not a terminal: a log or a
// pipe) it prints nothing, so logs get only the final summary.
class ProgressReporter {
 public:
  static constexpr absl::Duration kMinInterval = absl::Milliseconds(200);

  ProgressReporter(std::ostream* out, bool enabled, int64_t total_bytes,
                   absl::Time start);

  // Redraws the line unless the last redraw was less than kMinInterval ago.
  void Update(int64_t bytes_sent, int64_t rows_sent, absl::Time now);
  // Redraws the line unconditionally, followed by `note` (e.g. that the
  // server is now validating), for the last state of the upload.
  void Final(int64_t bytes_sent, int64_t rows_sent, absl::Time now,
             absl::string_view note);
  // Ends the line (if one was drawn) so the next output starts clean.
  void EndLine();

  int redraws() const { return redraws_; }

 private:
  void Draw(int64_t bytes_sent, int64_t rows_sent, absl::Time now,
            absl::string_view note);

  std::ostream* out_;
  bool enabled_;
  int64_t total_bytes_;
  absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  int redraws_ = 0;
  bool line_open_ = false;
};

// The progress line of `verify --batch`, on stderr when it is a terminal,
// like ingest's. Results are printed on stdout as they arrive; when stdout is
// the same terminal (`out_is_terminal`) the line is erased before each result
// and drawn again after it, so results never land in the middle of it.
class BatchProgress {
 public:
  BatchProgress(std::ostream* err, bool enabled, bool out_is_terminal,
                int64_t total, absl::Time start);

  // Before a result is printed on stdout.
  void BeforeResult();
  // After it: `results` received so far.
  void AfterResult(int64_t results, absl::Time now);
  // The last state, then the end of the line, before the summary.
  void End(int64_t results, absl::Time now);

  int redraws() const { return redraws_; }

 private:
  void Draw(int64_t results, absl::Time now);

  std::ostream* err_;
  bool enabled_;
  bool out_is_terminal_;
  int64_t total_;
  absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool line_open_ = false;
  int redraws_ = 0;
};

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_PROGRESS_H_
