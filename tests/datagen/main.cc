// hedui-datagen: writes a synthetic county (department feeds, applications
// and their labels) for tests and benchmarks. See tests/datagen/README.md.

#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/datagen/generator.h"

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
  return 0;
}
