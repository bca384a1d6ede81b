// hedui-datagen: writes a synthetic county (department feeds, applications
// and their labels) for tests and benchmarks. See tests/datagen/README.md.

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/datagen/generator.h"
#include "tests/datagen/second_month.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Writes a synthetic county: one CSV per department, applications.jsonl, "
      "labels.jsonl and manifest.json."};
  hedui::datagen::GeneratorOptions options;
  app.add_option("--out", options.out_dir,
                 "Output directory (created if missing)")
      ->required();
  app.add_option("--seed", options.seed,
                 "Seed; the same seed gives the same bytes")
      ->capture_default_str();
  app.add_option("--residents", options.residents,
                 "Registered residents (household-registration rows)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--applications", options.applications,
                 "Applications to generate")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  std::string second_month;
  app.add_option("--second-month", second_month,
                 "Also write the enrolment plan and next month's deltas with "
                 "planted changes and their expected events into this "
                 "directory (README.md)");
  CLI11_PARSE(app, argc, argv);

  const absl::Time start = absl::Now();
  const auto summary = hedui::datagen::GenerateCounty(options);
  if (!summary.ok()) {
    std::fprintf(stderr, "hedui-datagen: %s\n",
                 summary.status().ToString().c_str());
    return 1;
  }
  std::fprintf(
      stderr,
      "hedui-datagen: %lld residents, %d applications, %lld feed rows in %s "
      "(%.1f s)\n",
      static_cast<long long>(summary->residents), summary->applications,
      static_cast<long long>(summary->feed_rows), options.out_dir.c_str(),
      absl::ToDoubleSeconds(absl::Now() - start));
  if (!second_month.empty()) {
    const auto month2 =
        hedui::datagen::WriteSecondMonth(options.out_dir, second_month);
    if (!month2.ok()) {
      std::fprintf(stderr, "hedui-datagen: %s\n",
                   month2.status().ToString().c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "hedui-datagen: second month in %s: %d households to enrol, "
                 "%d planted changes, %d expected unchanged\n",
                 second_month.c_str(), month2->enrolled, month2->planted,
                 month2->unchanged);
  }
  return 0;
}
