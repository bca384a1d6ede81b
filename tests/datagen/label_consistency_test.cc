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
  // Every 低保 and 特困 label (domain.md §1 mix: 5,266 + 459) has
  // DUPLICATE_ENROLLMENT; a few percent of them are duplicates.
  EXPECT_EQ(stats.duplicates_checked, 5266 + 459);
  EXPECT_GT(stats.duplicates_review, 150);
  EXPECT_LT(stats.duplicates_review, 400);
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

// The DUPLICATE_ENROLLMENT checks have teeth too: each tampering is caught
// by a message about the criterion or its plant.
TEST(LabelConsistencyTest, CheckerCatchesEnrollmentTampering) {
  const std::string dir = NewTempDir("tamper_enrollment");
  GeneratorOptions options;
  options.out_dir = dir;
  options.residents = 12000;
  options.applications = 2000;
  ASSERT_TRUE(GenerateCounty(options).ok());
  const auto original = ReadCounty(dir);
  ASSERT_TRUE(original.ok());
  ASSERT_TRUE(CheckLabels(*original).empty());

  auto first_with = [](const County& county, const std::string& planted) {
    for (size_t i = 0; i < county.labels.size(); ++i) {
      for (const auto& p : county.labels[i]["planted"]) {
        if (p == planted) return i;
      }
    }
    ADD_FAILURE() << "no application planted " << planted;
    return size_t{0};
  };
  // The enrollment row of `person` (the first one).
  auto row_of = [](County& county, const std::string& person) {
    const Table& t = county.table("ASSISTANCE_ENROLLMENT");
    const auto& rows = t.OfPerson(person);
    EXPECT_FALSE(rows.empty());
    return rows.empty() ? size_t{0} : rows[0];
  };
  auto set_cell = [](County& county, size_t row, size_t column,
                     absl::string_view value) {
    Table& t = county.tables.at("ASSISTANCE_ENROLLMENT");
    t.cells[row * t.columns + column] = value;
  };
  // The first member with an enrollment row.
  auto enrolled_member = [](const County& county, size_t app) {
    const Table& t = county.table("ASSISTANCE_ENROLLMENT");
    for (const auto& m : county.applications[app]["members"]) {
      const std::string id = m["person_id"];
      if (!t.OfPerson(id).empty()) return id;
    }
    ADD_FAILURE() << "no enrolled member";
    return std::string();
  };
  using Tamper = std::function<void(County&)>;
  const std::vector<std::pair<std::string, Tamper>> tamperings = {
      {"a duplicate relabelled PASS",
       [&](County& c) {
         c.labels[first_with(c, "DUPLICATE_SAME_PROGRAM")]["criteria"]
                 ["DUPLICATE_ENROLLMENT"] = "PASS";
       }},
      {"a renewal relabelled REVIEW",
       [&](County& c) {
         c.labels[first_with(c, "ENROLLMENT_OWN_HOUSEHOLD")]["criteria"]
                 ["DUPLICATE_ENROLLMENT"] = "REVIEW";
       }},
      {"a 低保 label without the criterion",
       [&](County& c) {
         for (auto& label : c.labels) {
           if (label["criteria"].contains("DUPLICATE_ENROLLMENT")) {
             label["criteria"].erase("DUPLICATE_ENROLLMENT");
             return;
           }
         }
       }},
      {"a renewal enrolled under another 户号",
       [&](County& c) {
         const size_t i = first_with(c, "ENROLLMENT_OWN_HOUSEHOLD");
         set_cell(c, row_of(c, enrolled_member(c, i)), 2, "3205810000000");
       }},
      {"a duplicate's record ended",
       [&](County& c) {
         const size_t i = first_with(c, "DUPLICATE_EXCLUDING_PROGRAM");
         const Table& t = c.table("ASSISTANCE_ENROLLMENT");
         for (const auto& m : c.applications[i]["members"]) {
           for (size_t r : t.OfPerson(m["person_id"].get<std::string>()))
             set_cell(c, r, 4, "ENDED");
         }
       }},
      {"a suspended record made active",
       [&](County& c) {
         const size_t i = first_with(c, "ENROLLMENT_NOT_ACTIVE");
         set_cell(c, row_of(c, enrolled_member(c, i)), 4, "ENROLLED");
       }},
      {"the enrollment feed two months old",
       [&](County& c) {
         for (auto& d : c.manifest["departments"]) {
           if (d["department"] == "ASSISTANCE_ENROLLMENT")
             d["as_of"] = "2026-09-01";
         }
       }},
  };
  for (const auto& [what, tamper] : tamperings) {
    County county = *ReadCounty(dir);
    tamper(county);
    const std::vector<std::string> errors = CheckLabels(county);
    bool named = false;
    for (const std::string& e : errors) {
      // The criterion or a plant (DUPLICATE_*, ENROLLMENT_*), not another
      // check that the tampering also upsets.
      named = named || e.find("DUPLICATE_") != std::string::npos ||
              e.find("ENROLLMENT_") != std::string::npos;
    }
    EXPECT_TRUE(named) << what << ":\n" << absl::StrJoin(errors, "\n");
  }
}

}  // namespace
}  // namespace hedui::datagen::testing
