#include "server/ops/periodic_task.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace hedui::server {
namespace {

TEST(PeriodicTaskTest, RunsRepeatedlyAndStopsAtOnceWhenDestroyed) {
  std::atomic<int> runs{0};
  {
    PeriodicTask task(absl::ZeroDuration(), absl::Milliseconds(5),
                      [&] { runs.fetch_add(1); });
    while (runs.load() < 3) absl::SleepFor(absl::Milliseconds(1));
  }
  const int after = runs.load();
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(runs.load(), after) << "no run after destruction";
}

TEST(PeriodicTaskTest, ALongIntervalDoesNotDelayShutdown) {
  std::atomic<int> runs{0};
  const absl::Time start = absl::Now();
  {
    PeriodicTask task(absl::Hours(1), absl::Hours(1),
                      [&] { runs.fetch_add(1); });
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace hedui::server
