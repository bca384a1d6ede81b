#include "client/progress.h"

#include <algorithm>
#include <sstream>

#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

TEST(FormatProgressLineTest, PercentRowsAndRates) {
  ProgressSample s;
  s.bytes_sent = 50'000'000;
  s.total_bytes = 100'000'000;
  s.rows_sent = 1'234'567;
  s.elapsed_seconds = 10;
  EXPECT_EQ(FormatProgressLine(s),
            " 50.0%  1,234,567 rows  123,457 rows/s  5.0 MB/s");
}

TEST(FormatProgressLineTest, EdgeCases) {
  ProgressSample empty;  // an empty file is all sent at once
  EXPECT_EQ(FormatProgressLine(empty), "100.0%  0 rows  0 rows/s  0.0 MB/s");

  ProgressSample grown;  // the file grew after it was opened
  grown.bytes_sent = 150;
  grown.total_bytes = 100;
  grown.rows_sent = 999;
  grown.elapsed_seconds = 0;  // no time yet: no rate, no division by zero
  EXPECT_EQ(FormatProgressLine(grown), "100.0%  999 rows  0 rows/s  0.0 MB/s");

  ProgressSample start;
  start.total_bytes = 3;
  EXPECT_EQ(FormatProgressLine(start), "  0.0%  0 rows  0 rows/s  0.0 MB/s");
}

TEST(RowsSentTest, HeaderLineIsNotARow) {
  EXPECT_EQ(RowsSent(0), 0);
  EXPECT_EQ(RowsSent(1), 0);
  EXPECT_EQ(RowsSent(11), 10);
}

TEST(ProgressReporterTest, DisabledPrintsNothing) {
  std::ostringstream out;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  ProgressReporter progress(&out, /*enabled=*/false, 100, t0);
  progress.Update(10, 1, t0 + absl::Seconds(1));
  progress.Final(100, 10, t0 + absl::Seconds(2), "waiting");
  progress.EndLine();
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(progress.redraws(), 0);
}

TEST(ProgressReporterTest, AtMostFiveRedrawsPerSecond) {
  std::ostringstream out;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  ProgressReporter progress(&out, /*enabled=*/true, 100, t0);
  progress.Update(10, 1, t0);                            // drawn
  progress.Update(20, 2, t0 + absl::Milliseconds(50));   // too soon
  progress.Update(30, 3, t0 + absl::Milliseconds(199));  // too soon
  progress.Update(40, 4, t0 + absl::Milliseconds(200));  // drawn
  progress.Update(50, 5, t0 + absl::Milliseconds(350));  // too soon
  progress.Update(60, 6, t0 + absl::Milliseconds(450));  // drawn
  EXPECT_EQ(progress.redraws(), 3);

  // Many updates over one second never exceed five redraws plus the first.
  std::ostringstream busy;
  ProgressReporter fast(&busy, true, 1000, t0);
  for (int ms = 0; ms < 1000; ++ms) {
    fast.Update(ms, ms, t0 + absl::Milliseconds(ms));
  }
  EXPECT_LE(fast.redraws(), 5);
}

TEST(ProgressReporterTest, OneUpdatingLineEndedOnce) {
  std::ostringstream out;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  ProgressReporter progress(&out, true, 100, t0);
  progress.Update(50, 4, t0 + absl::Seconds(1));
  progress.Final(100, 9, t0 + absl::Seconds(2), "waiting for the server");
  const std::string drawn = out.str();
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\n'), 0);
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 2);
  EXPECT_NE(drawn.find(" 50.0%  4 rows"), std::string::npos);
  EXPECT_NE(drawn.find("100.0%  9 rows  5 rows/s  0.0 MB/s  waiting for the "
                       "server\033[K"),
            std::string::npos);
  progress.EndLine();
  progress.EndLine();
  EXPECT_EQ(out.str(), drawn + "\n");
}

}  // namespace
}  // namespace hedui::cli
