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

TEST(FormatBatchProgressLineTest, ResultsOfRequestsAndRate) {
  EXPECT_EQ(FormatBatchProgressLine(2766, 6586, 2.0),
            " 42.0%  2,766 of 6,586 results  1,383 results/s");
  EXPECT_EQ(FormatBatchProgressLine(0, 3, 0),
            "  0.0%  0 of 3 results  0 results/s");
  // More results than lines (a confused server) never shows 150%.
  EXPECT_EQ(FormatBatchProgressLine(3, 2, 1.0),
            "100.0%  3 of 2 results  3 results/s");
}

TEST(BatchProgressTest, DisabledPrintsNothing) {
  std::ostringstream err;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  BatchProgress progress(&err, /*enabled=*/false, /*out_is_terminal=*/true, 2,
                         t0);
  progress.AfterResult(0, t0);
  progress.BeforeResult();
  progress.AfterResult(1, t0 + absl::Seconds(1));
  progress.End(2, t0 + absl::Seconds(2));
  EXPECT_EQ(err.str(), "");
}

TEST(BatchProgressTest, ThrottledWhenResultsGoElsewhere) {
  std::ostringstream err;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  BatchProgress progress(&err, true, /*out_is_terminal=*/false, 1000, t0);
  for (int i = 0; i < 1000; ++i) {
    progress.BeforeResult();  // stdout is a file: nothing to erase
    progress.AfterResult(i + 1, t0 + absl::Milliseconds(i));
  }
  EXPECT_LE(progress.redraws(), 5);
  progress.End(1000, t0 + absl::Seconds(1));
  const std::string drawn = err.str();
  EXPECT_EQ(drawn.find("\033[K\r\033[K"), std::string::npos);
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\n'), 1);
  EXPECT_NE(drawn.find("\r100.0%  1,000 of 1,000 results  1,000 results/s"
                       "\033[K\n"),
            std::string::npos);
}

TEST(BatchProgressTest, MakesWayForResultsOnTheSameTerminal) {
  std::ostringstream err;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  BatchProgress progress(&err, true, /*out_is_terminal=*/true, 4, t0);
  progress.AfterResult(0, t0);
  progress.BeforeResult();
  EXPECT_EQ(err.str(),
            "\r  0.0%  0 of 4 results  0 results/s\033[K"
            "\r\033[K");
  progress.AfterResult(1, t0 + absl::Milliseconds(10));  // at once
  EXPECT_EQ(progress.redraws(), 2);
  progress.End(1, t0 + absl::Seconds(1));
  EXPECT_EQ(err.str().back(), '\n');
}

}  // namespace
}  // namespace hedui::cli
