// Every label is supported by the generated data (re-derived by
// label_checker.cc, which shares no code with the generator).

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/datagen/county_reader.h"
#include "tests/datagen/generator.h"
#include "tests/datagen/label_checker.h"

namespace hedui::datagen::testing {
namespace {

TEST(LabelConsistencyTest, DefaultCountyLabelsFollowFromTheData) {
  LabelCheckStats stats;
  const std::vector<std::string> errors = CheckLabels(DefaultCounty(), &stats);
  EXPECT_TRUE(errors.empty()) << absl::StrJoin(errors, "\n");
  EXPECT_EQ(stats.applications, 6586);
  EXPECT_GT(stats.income_checked, 6000);
  EXPECT_GT(stats.assets_checked, 5000);
  EXPECT_GE(stats.boundaries_checked, 20);
}

TEST(LabelConsistencyTest, OtherSeedsAndSizesToo) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const std::string dir = NewTempDir(absl::StrCat("seed", seed));
    GeneratorOptions options;
    options.out_dir = dir;
    options.seed = seed;
    options.residents = 20000;
    options.applications = 1500 + 500 * static_cast<int>(seed);
    ASSERT_TRUE(GenerateCounty(options).ok());
    const auto county = ReadCounty(dir);
    ASSERT_TRUE(county.ok()) << county.status();
    const std::vector<std::string> errors = CheckLabels(*county);
    EXPECT_TRUE(errors.empty()) << "seed " << seed << "\n"
                                << absl::StrJoin(errors, "\n");
  }
}

// The checker has teeth: a label or a declaration changed by hand is caught.
TEST(LabelConsistencyTest, CheckerCatchesTampering) {
  const std::string dir = NewTempDir("tamper");
  GeneratorOptions options;
  options.out_dir = dir;
  options.residents = 10000;
  options.applications = 1200;
  ASSERT_TRUE(GenerateCounty(options).ok());
  const auto original = ReadCounty(dir);
  ASSERT_TRUE(original.ok());
  ASSERT_TRUE(CheckLabels(*original).empty());

  auto first_with = [&](const County& county,
                        const std::string& planted) -> size_t {
    for (size_t i = 0; i < county.labels.size(); ++i) {
      const auto& p = county.labels[i]["planted"];
      if (planted.empty()
              ? p.empty() && !county.labels[i].contains("boundary") &&
                    county.applications[i]["program"] == "DIBAO"
              : p.size() == 1 && p[0] == planted) {
        return i;
      }
    }
    ADD_FAILURE() << "no application planted " << planted;
    return 0;
  };
  using Tamper = std::function<void(County&)>;
  const std::vector<std::pair<std::string, Tamper>> tamperings = {
      {"verdict of a clean case",
       [&](County& c) {
         c.labels[first_with(c, "")]["verdict"] = "DOES_NOT_MEET";
       }},
      {"a clean case's declared wages",
       [&](County& c) {
         c.applications[first_with(c, "")]["members"][0]
                       ["declared_monthly_income_fen"]["WAGES"] = 50000000;
       }},
      {"a hidden car declared",
       [&](County& c) {
         c.applications[first_with(c, "HIDDEN_CAR")]["declared_assets"]
                       ["vehicles"] = 1;
       }},
      {"a stale case verified early",
       [&](County& c) {
         c.applications[first_with(c, "STALE_DEPARTMENT")]
                       ["verification_date"] = "2026-11-05";
       }},
      {"undeclared wages unplanted",
       [&](County& c) {
         const size_t i = first_with(c, "UNDECLARED_WAGES");
         c.labels[i]["planted"] = nlohmann::json::array();
       }},
      {"deposits over the limit relabelled PASS",
       [&](County& c) {
         const size_t i = first_with(c, "DEPOSITS_OVER_LIMIT");
         c.labels[i]["criteria"]["FINANCIAL_ASSETS"] = "PASS";
       }},
      {"a signer removed",
       [&](County& c) {
         c.applications[first_with(c, "")]["consent"]["signer_ids"] =
             nlohmann::json::array();
       }},
  };
  for (const auto& [what, tamper] : tamperings) {
    County county = *ReadCounty(dir);
    tamper(county);
    EXPECT_FALSE(CheckLabels(county).empty()) << what;
  }
}

}  // namespace
}  // namespace hedui::datagen::testing
