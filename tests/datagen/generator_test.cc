// Determinism, sizes and the workload shape of the generated county.

#include "tests/datagen/generator.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/datagen/county_reader.h"
#include "tests/datagen/program_mix.h"

namespace hedui::datagen::testing {
namespace {

std::map<std::string, std::string> AllFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files[entry.path().filename().string()] = *ReadFile(entry.path().string());
  }
  return files;
}

std::string Generate(const std::string& name, uint64_t seed, int64_t residents,
                     int applications) {
  const std::string dir = NewTempDir(name);
  GeneratorOptions options;
  options.out_dir = dir;
  options.seed = seed;
  options.residents = residents;
  options.applications = applications;
  const auto summary = GenerateCounty(options);
  EXPECT_TRUE(summary.ok()) << summary.status();
  return dir;
}

TEST(GeneratorTest, SameSeedSameBytes) {
  const auto a = AllFiles(Generate("same_a", 7, 6000, 500));
  const auto b = AllFiles(Generate("same_b", 7, 6000, 500));
  ASSERT_EQ(a.size(), 17u);  // 13 feeds, the GB18030 copy, 2 JSONL, manifest
  for (const auto& [name, bytes] : a) {
    EXPECT_TRUE(bytes == b.at(name)) << name;
  }
}

TEST(GeneratorTest, DefaultCountyIsReproducible) {
  const auto a = AllFiles(DefaultCountyDir());
  const auto b = AllFiles(Generate("default_again", 20261103, 100000, 6586));
  for (const auto& [name, bytes] : a) {
    EXPECT_TRUE(bytes == b.at(name)) << name;
  }
}

TEST(GeneratorTest, DifferentSeedDifferentCounty) {
  const auto a = AllFiles(Generate("seed_a", 7, 6000, 500));
  const auto b = AllFiles(Generate("seed_b", 8, 6000, 500));
  for (const char* name : {"household_registration.csv", "tax.csv",
                           "applications.jsonl", "labels.jsonl"}) {
    EXPECT_NE(a.at(name), b.at(name)) << name;
  }
}

TEST(GeneratorTest, ResidentsAreExactAndTooFewIsAnError) {
  const std::string dir = Generate("exact", 3, 2501, 100);
  const auto county = ReadCounty(dir);
  ASSERT_TRUE(county.ok());
  EXPECT_EQ(county->table("HOUSEHOLD_REGISTRATION").rows(), 2501u);
  EXPECT_EQ(county->applications.size(), 100u);

  GeneratorOptions options;
  options.out_dir = NewTempDir("too_few");
  options.residents = 100;
  options.applications = 100;
  const auto summary = GenerateCounty(options);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("--residents"), std::string::npos);
}

TEST(GeneratorTest, ScaledMixSumsExactly) {
  for (int n : {0, 1, 7, 100, 659, 1000, 6586, 13172, 20000}) {
    int households = 0;
    for (const ProgramCount& c : ScaleProgramMix(n)) {
      households += c.households;
      EXPECT_GE(c.persons, c.households);
    }
    EXPECT_EQ(households, n);
  }
  // Twice the workload is twice every figure.
  for (const ProgramCount& c : ScaleProgramMix(13172)) {
    for (const ProgramCount& base : ScaleProgramMix(6586)) {
      if (base.program != c.program) continue;
      EXPECT_EQ(c.households, 2 * base.households);
      EXPECT_EQ(c.persons, 2 * base.persons);
    }
  }
}

// domain.md §1: 6,586 households, 15,080 persons, by program.
TEST(GeneratorTest, DefaultWorkloadHasTheDomainMix) {
  const County& county = DefaultCounty();
  ASSERT_EQ(county.applications.size(), 6586u);
  std::map<std::string, std::pair<int, int>> mix;
  int persons = 0;
  std::set<std::string> ids;
  for (const auto& app : county.applications) {
    auto& [households, members] = mix[app["program"].get<std::string>()];
    ++households;
    members += static_cast<int>(app["members"].size());
    persons += static_cast<int>(app["members"].size());
    EXPECT_TRUE(ids.insert(app["application_id"].get<std::string>()).second);
  }
  EXPECT_EQ(persons, 15080);
  const std::map<std::string, std::pair<int, int>> expected = {
      {"DIBAO", {5266, 12240}}, {"TEKUN", {459, 475}},
      {"HOUSING", {474, 1065}}, {"TEMPORARY", {343, 1159}},
      {"MEDICAL", {23, 70}},    {"UNION_HARDSHIP", {21, 71}}};
  EXPECT_EQ(mix, expected);
  EXPECT_EQ(*ids.begin(), "APP-000001");
  EXPECT_EQ(*ids.rbegin(), "APP-006586");
}

TEST(GeneratorTest, LabelMixIsRoughlySixtyTwentyTwenty) {
  const County& county = DefaultCounty();
  ASSERT_EQ(county.labels.size(), county.applications.size());
  std::map<std::string, int> verdicts;
  std::map<std::string, int> planted;
  std::set<std::string> boundaries;
  int two_plants = 0;
  for (size_t i = 0; i < county.labels.size(); ++i) {
    const auto& label = county.labels[i];
    EXPECT_EQ(label["application_id"],
              county.applications[i]["application_id"]);
    ++verdicts[label["verdict"].get<std::string>()];
    for (const auto& p : label["planted"]) ++planted[p.get<std::string>()];
    if (label["planted"].size() == 2) ++two_plants;
    if (label.contains("boundary"))
      boundaries.insert(label["boundary"].get<std::string>());
    EXPECT_FALSE(label["why"].get<std::string>().empty());
  }
  const double n = static_cast<double>(county.labels.size());
  EXPECT_NEAR(verdicts["MEETS_CRITERIA"] / n, 0.60, 0.06);
  EXPECT_NEAR(verdicts["DOES_NOT_MEET"] / n, 0.20, 0.04);
  EXPECT_NEAR(verdicts["NEEDS_REVIEW"] / n, 0.20, 0.05);
  EXPECT_EQ(planted.size(),
            10u);  // every kind, BUSINESS_OWNER_INDIVIDUAL included
  for (const auto& [kind, count] : planted) EXPECT_GE(count, 10) << kind;
  EXPECT_GE(two_plants, 30);
  EXPECT_EQ(boundaries.size(), 14u);
}

}  // namespace
}  // namespace hedui::datagen::testing
