// Parse throughput, run by hand (disabled in the unit run):
//   build/storage/feed/hedui_feed_test --gtest_filter='*Throughput*'
//       --gtest_also_run_disabled_tests
// Goal: >= 1,000,000 TAX rows/s on one thread, including serialization.
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

constexpr int kRows = 1000000;
constexpr size_t kChunk = 64 * 1024;  // a typical gRPC stream message

std::string TaxFile() {
  std::string file =
      "person_id,period,income_type,amount_yuan,payer,pay_date\n";
  file.reserve(size_t{kRows} * 90);
  for (int i = 0; i < kRows; ++i) {
    const std::string id = testing::Id(absl::StrFormat(
        "3205811980%02d%02d%03d", 1 + i % 12, 1 + i % 28, i % 1000));
    absl::StrAppend(&file, id, ",2026-", absl::StrFormat("%02d", 1 + i % 12),
                    ",WAGE,", 3000 + i % 5000, ".", i % 100,
                    ",常熟市某某纺织有限公司,2026-11-05\n");
  }
  return file;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(ThroughputTest, DISABLED_TaxRowsPerSecond) {
  const std::string file = TaxFile();
  const absl::string_view bytes(file);

  // Baseline: the least work that gives the same output: split lines and
  // fields, no validation, set the record with generated setters and
  // serialize it, hand out the same three strings.
  auto start = std::chrono::steady_clock::now();
  int64_t baseline_rows = 0;
  {
    hedui::store::v1::TaxRecord record;
    std::string partial;
    const auto bare_row = [&](absl::string_view line) {
      const std::vector<absl::string_view> f = absl::StrSplit(line, ',');
      if (f.size() != 6 || f[0] == "person_id") return;
      record.set_person_id(f[0].data(), f[0].size());
      record.mutable_period()->set_year(2026);
      record.mutable_period()->set_month(f[1][6] - '0');
      record.set_income_type(hedui::store::v1::WAGE);
      record.set_amount_fen(static_cast<int64_t>(f[3].size()));
      record.set_payer(f[4].data(), f[4].size());
      record.mutable_pay_date()->set_year(2026);
      record.mutable_pay_date()->set_month(11);
      record.mutable_pay_date()->set_day(5);
      FeedRow row;
      row.person_id = std::string(f[0]);
      row.natural_key = absl::StrCat(f[1],
                                     "\x1f"
                                     "01\x1f",
                                     f[4], "\x1f", f[5]);
      record.SerializeToString(&row.record);
      ++baseline_rows;
    };
    for (size_t at = 0; at < bytes.size(); at += kChunk) {
      absl::string_view chunk = bytes.substr(at, kChunk);
      size_t end;
      while ((end = chunk.find('\n')) != absl::string_view::npos) {
        if (partial.empty()) {
          bare_row(chunk.substr(0, end));
        } else {
          partial.append(chunk.data(), end);
          bare_row(partial);
          partial.clear();
        }
        chunk.remove_prefix(end + 1);
      }
      partial.append(chunk.data(), chunk.size());
    }
  }
  const double baseline = Seconds(start);
  ASSERT_EQ(baseline_rows, kRows);

  for (int run = 0; run < 3; ++run) {
    start = std::chrono::steady_clock::now();
    FeedParser parser({hedui::v1::TAX});
    int64_t rows = 0;
    size_t record_bytes = 0;
    const RowSink sink = [&](FeedRow&& row) {
      ++rows;
      record_bytes += row.record.size();
    };
    for (size_t at = 0; at < bytes.size(); at += kChunk) {
      parser.Consume(bytes.substr(at, kChunk), sink);
    }
    parser.Finish(sink);
    const double seconds = Seconds(start);
    ASSERT_TRUE(parser.ok());
    ASSERT_EQ(rows, kRows);
    std::printf(
        "parser: %.0f rows/s (%.0f MB/s, %zu record bytes) | bare baseline "
        "(split + set + serialize, no checks): %.0f rows/s | parser/baseline "
        "%.2f | goal 1000000 rows/s: %s\n",
        rows / seconds, bytes.size() / seconds / 1e6, record_bytes,
        kRows / baseline, baseline / seconds,
        rows / seconds >= 1e6 ? "met" : "MISSED");
  }
}

}  // namespace
}  // namespace hedui::feed
