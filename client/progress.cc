#include "client/progress.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hedui::cli {
namespace {

std::string WithThousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? absl::StrCat("-", out) : out;
}

}  // namespace

std::string FormatProgressLine(const ProgressSample& s) {
  double percent = 100.0;
  if (s.total_bytes > 0) {
    // A file that grows while being sent must not show 104%.
    percent = std::min(100.0, 100.0 * static_cast<double>(s.bytes_sent) /
                                  static_cast<double>(s.total_bytes));
  }
  double rows_per_second = 0;
  double mb_per_second = 0;
  if (s.elapsed_seconds > 0) {
    rows_per_second = static_cast<double>(s.rows_sent) / s.elapsed_seconds;
    mb_per_second = static_cast<double>(s.bytes_sent) / 1e6 / s.elapsed_seconds;
  }
  return absl::StrFormat(
      "%5.1f%%  %s rows  %s rows/s  %.1f MB/s", percent,
      WithThousands(s.rows_sent),
      WithThousands(static_cast<int64_t>(rows_per_second + 0.5)),
      mb_per_second);
}

std::string FormatBatchProgressLine(int64_t results, int64_t total,
                                    double elapsed_seconds) {
  const double percent =
      total > 0 ? std::min(100.0, 100.0 * static_cast<double>(results) /
                                      static_cast<double>(total))
                : 100.0;
  const double per_second =
      elapsed_seconds > 0 ? static_cast<double>(results) / elapsed_seconds : 0;
  return absl::StrFormat("%5.1f%%  %s of %s results  %s results/s", percent,
                         WithThousands(results), WithThousands(total),
                         WithThousands(static_cast<int64_t>(per_second + 0.5)));
}

int64_t RowsSent(int64_t newlines_sent) {
  return std::max<int64_t>(0, newlines_sent - 1);
}

ProgressReporter::ProgressReporter(std::ostream* out, bool enabled,
                                   int64_t total_bytes, absl::Time start)
    : out_(out), enabled_(enabled), total_bytes_(total_bytes), start_(start) {}

void ProgressReporter::Update(int64_t bytes_sent, int64_t rows_sent,
                              absl::Time now) {
  if (!enabled_ || now - last_draw_ < kMinInterval) return;
  Draw(bytes_sent, rows_sent, now, "");
}

void ProgressReporter::Final(int64_t bytes_sent, int64_t rows_sent,
                             absl::Time now, absl::string_view note) {
  if (!enabled_) return;
  Draw(bytes_sent, rows_sent, now, note);
}

void ProgressReporter::EndLine() {
  if (!line_open_) return;
  *out_ << '\n' << std::flush;
  line_open_ = false;
}

void ProgressReporter::Draw(int64_t bytes_sent, int64_t rows_sent,
                            absl::Time now, absl::string_view note) {
  ProgressSample sample;
  sample.bytes_sent = bytes_sent;
  sample.total_bytes = total_bytes_;
  sample.rows_sent = rows_sent;
  sample.elapsed_seconds = absl::ToDoubleSeconds(now - start_);
  // "\r" returns to the start of the line and "\033[K" erases what a longer
  // previous line left behind.
  *out_ << '\r' << FormatProgressLine(sample);
  if (!note.empty()) *out_ << "  " << note;
  *out_ << "\033[K" << std::flush;
  last_draw_ = now;
  line_open_ = true;
  ++redraws_;
}

BatchProgress::BatchProgress(std::ostream* err, bool enabled,
                             bool out_is_terminal, int64_t total,
                             absl::Time start)
    : err_(err),
      enabled_(enabled),
      out_is_terminal_(out_is_terminal),
      total_(total),
      start_(start) {}

void BatchProgress::BeforeResult() {
  if (!line_open_ || !out_is_terminal_) return;
  *err_ << "\r\033[K" << std::flush;
  line_open_ = false;
}

void BatchProgress::AfterResult(int64_t results, absl::Time now) {
  if (!enabled_) return;
  // A line erased for the result is drawn again at once; otherwise at most
  // every ProgressReporter::kMinInterval.
  if (!out_is_terminal_ && now - last_draw_ < ProgressReporter::kMinInterval) {
    return;
  }
  Draw(results, now);
}

void BatchProgress::End(int64_t results, absl::Time now) {
  if (!enabled_) return;
  Draw(results, now);
  *err_ << '\n' << std::flush;
  line_open_ = false;
}

void BatchProgress::Draw(int64_t results, absl::Time now) {
  *err_ << '\r'
        << FormatBatchProgressLine(results, total_,
                                   absl::ToDoubleSeconds(now - start_))
        << "\033[K" << std::flush;
  last_draw_ = now;
  line_open_ = true;
  ++redraws_;
}

}  // namespace hedui::cli
