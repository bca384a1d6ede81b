#include "storage/keys.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace hedui::storage {
namespace {

constexpr char kPersonA[] = "11010519491231002X";
constexpr char kPersonB[] = "320581198001010017";

TEST(KeysTest, RecordKeyRoundTrips) {
  for (uint32_t generation : {0u, 1u, 255u, 256u, 65536u, 0xFFFFFFFFu}) {
    const std::string key =
        EncodeRecordKey(kPersonA, hedui::v1::TAX, generation,
                        "202610\x1f"
                        "01");
    ASSERT_EQ(key.size(), kRecordKeyFixedBytes + 9);
    const auto decoded = DecodeRecordKey(key);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->person_id, kPersonA);
    EXPECT_EQ(decoded->department, hedui::v1::TAX);
    EXPECT_EQ(decoded->generation, generation);
    EXPECT_EQ(decoded->natural_key,
              "202610\x1f"
              "01");
  }
  EXPECT_FALSE(DecodeRecordKey("short").has_value());
  // The empty natural key (one record a person, e.g. registration) is fine.
  EXPECT_TRUE(
      DecodeRecordKey(EncodeRecordKey(kPersonA, hedui::v1::DEATH, 1, ""))
          .has_value());
}

TEST(KeysTest, PersonPrefixGroupsEveryDepartmentAndGeneration) {
  const std::string prefix = EncodeRecordKey(kPersonA, hedui::v1::TAX, 7, "")
                                 .substr(0, kPersonIdBytes);
  EXPECT_EQ(prefix, kPersonA);
  for (int d = 1; d <= 13; ++d) {
    const std::string key = EncodeRecordKey(
        kPersonA, static_cast<hedui::v1::Department>(d), 99, "x");
    EXPECT_EQ(key.compare(0, kPersonIdBytes, prefix), 0);
  }
}

TEST(KeysTest, ByteOrderIsPersonThenDepartmentThenGenerationThenKey) {
  struct Parts {
    std::string person;
    int department;
    uint32_t generation;
    std::string natural;
  };
  std::vector<Parts> parts;
  for (const char* person : {kPersonA, kPersonB}) {
    for (int d : {1, 6, 13}) {
      for (uint32_t g : {1u, 2u, 255u, 256u, 70000u}) {
        for (const char* n : {"", "202510", "202511", "2025110"}) {
          parts.push_back({person, d, g, n});
        }
      }
    }
  }
  std::mt19937 rng(42);
  std::shuffle(parts.begin(), parts.end(), rng);
  std::vector<std::pair<std::string, size_t>> keys;
  for (size_t i = 0; i < parts.size(); ++i) {
    keys.push_back({EncodeRecordKey(
                        parts[i].person,
                        static_cast<hedui::v1::Department>(parts[i].department),
                        parts[i].generation, parts[i].natural),
                    i});
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    const Parts& a = parts[keys[i - 1].second];
    const Parts& b = parts[keys[i].second];
    EXPECT_LT(std::tie(a.person, a.department, a.generation, a.natural),
              std::tie(b.person, b.department, b.generation, b.natural));
  }
}

TEST(KeysTest, HouseholdKeyRoundTripsAndGroupsByHouseholdNumber) {
  const std::string key = EncodeHouseholdKey("3205810012", 7, kPersonA);
  const auto decoded = DecodeHouseholdKey(key);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->household_number, "3205810012");
  EXPECT_EQ(decoded->generation, 7u);
  EXPECT_EQ(decoded->person_id, kPersonA);
  EXPECT_EQ(key.rfind(HouseholdPrefix("3205810012"), 0), 0u);
  // "H1" is not a prefix match of "H12": the separator ends the number.
  EXPECT_NE(
      EncodeHouseholdKey("H12", 1, kPersonA).rfind(HouseholdPrefix("H1"), 0),
      0u);
  EXPECT_LT(EncodeHouseholdKey("H1", 0xFFFFFFFF, kPersonB),
            EncodeHouseholdKey("H10", 0, kPersonA));
  EXPECT_FALSE(DecodeHouseholdKey("too short").has_value());
}

TEST(KeysTest, MetaKeysAreStableAndDistinct) {
  EXPECT_EQ(DepartmentStateKey(hedui::v1::TAX), "dept/06");
  EXPECT_EQ(PendingGenerationKey(hedui::v1::ASSISTANCE_ENROLLMENT),
            "pending/13");
  EXPECT_EQ(BatchKey(hedui::v1::TAX, "abc"), "batch/06/abc");
  EXPECT_EQ(FormatKey(), "format");
  EXPECT_EQ(CurrentViewKey(), "current");
}

}  // namespace
}  // namespace hedui::storage
