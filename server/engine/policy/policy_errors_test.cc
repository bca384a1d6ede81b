// Every kind of invalid policy is refused with an error naming the file, the
// 1-based line and column, the field and the problem; all errors are listed.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hedui/policy/v1/policy.pb.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/policy/test_policy_text.h"

namespace hedui::engine {
namespace {

using test_policy::SmallPolicyText;
using ::testing::HasSubstr;

constexpr absl::string_view kFile = "test.textproto";

// Replaces the one occurrence of `from` (a test that edits text that is not
// there, or is there twice, is itself broken).
std::string Edit(std::string text, const std::string& from,
                 const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "not in the text: " << from;
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos)
      << "twice in the text: " << from;
  return text.replace(at, from.size(), to);
}

// 1-based line of the `occurrence`-th `marker` in `text`; 1 for "".
int LineOf(absl::string_view text, absl::string_view marker,
           int occurrence = 1) {
  if (marker.empty()) return 1;
  size_t at = absl::string_view::npos;
  for (int i = 0; i < occurrence; ++i) {
    at = text.find(marker, at == absl::string_view::npos ? 0 : at + 1);
    if (at == absl::string_view::npos) return -1;
  }
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

struct BadCase {
  std::string name;
  std::vector<std::pair<std::string, std::string>> edits;
  // The error is on the line holding the `occurrence`-th marker (after the
  // edits; "" is line 1), about `field`, saying `problem`.
  std::string marker;
  int occurrence;
  std::string field;
  std::string problem;
};

std::vector<BadCase> BadCases() {
  const std::string rules_from =
      "effective_from { year: 2026 month: 1 day: 1 }";
  return {
      {"NegativeStandard",
       {{"dibao_standard_fen: 93000", "dibao_standard_fen: -1"}},
       "dibao_standard_fen: -1",
       1,
       "regions[0].standards[1].dibao_standard_fen",
       "must be positive, got -1"},
      {"ZeroStandard",
       {{"dibao_standard_fen: 62000", "dibao_standard_fen: 0"}},
       "dibao_standard_fen: 0",
       1,
       "regions[1].standards[1].dibao_standard_fen",
       "must be positive, got 0"},
      {"MissingSupportLevel",
       {{"    tekun_support_fen: 109000\n", ""}},
       "# 320582 URBAN",
       1,
       "regions[1].standards[0].tekun_support_fen",
       "required"},
      {"HugeTemporaryLimit",
       {{"temporary_income_limit_fen_per_year: 3600000\n  }\n}\nregions {",
         "temporary_income_limit_fen_per_year: 36000000000\n  }\n}\n"
         "regions {"}},
       "36000000000",
       1,
       "regions[0].standards[2].temporary_income_limit_fen_per_year",
       "must be at most"},
      {"MarginBelow100Percent",
       {{"margin_multiple_percent: 150", "margin_multiple_percent: 99"}},
       "margin_multiple_percent",
       1,
       "rules[0].margin_multiple_percent",
       "must be at least 100, got 99"},
      {"UnionBelow100Percent",
       {{"union_relative_multiple_percent: 200",
         "union_relative_multiple_percent: 50"}},
       "union_relative_multiple_percent",
       1,
       "rules[0].union_relative_multiple_percent",
       "must be at least 100"},
      {"EmploymentCostAll",
       {{"employment_cost_percent: 10", "employment_cost_percent: 100"}},
       "employment_cost_percent",
       1,
       "rules[0].employment_cost_percent",
       "must be at most 99"},
      {"MissingLookBack",
       {{"  look_back_months: 12\n", ""}},
       "rules {",
       1,
       "rules[0].look_back_months",
       "required"},
      {"MissingBackdatingLimit",
       {{"  max_backdating_days: 30\n", ""}},
       "rules {",
       1,
       "rules[0].max_backdating_days",
       "required: days before today a verification date may lie"},
      {"NegativeBackdatingLimit",
       {{"max_backdating_days: 30", "max_backdating_days: -1"}},
       "max_backdating_days",
       1,
       "rules[0].max_backdating_days",
       "must be at least 0, got -1"},
      {"BackdatingLimitOverAYear",
       {{"max_backdating_days: 30", "max_backdating_days: 367"}},
       "max_backdating_days",
       1,
       "rules[0].max_backdating_days",
       "must be at most 366, got 367"},
      {"UnknownClassNumber",
       {{"# 320582 RURAL\n    residence_class: RURAL",
         "# 320582 RURAL\n    residence_class: 7"}},
       "residence_class: 7",
       1,
       "regions[1].standards[1].residence_class",
       "unknown value 7"},
      {"UnspecifiedClass",
       {{"# 320581 RURAL\n    residence_class: RURAL\n", "# 320581 RURAL\n"}},
       "# 320581 RURAL",
       1,
       "regions[0].standards[2].residence_class",
       "required: one of URBAN, RURAL"},
      {"UnspecifiedVehicle",
       {{"[MOTORCYCLE, DISABILITY_VEHICLE, E_BIKE]",
         "MOTORCYCLE\n  exempt_vehicle_types: VEHICLE_TYPE_UNSPECIFIED"}},
       "exempt_vehicle_types: VEHICLE_TYPE_UNSPECIFIED",
       1,
       "rules[0].exempt_vehicle_types[1]",
       "VEHICLE_TYPE_UNSPECIFIED is not a value"},
      {"VehicleTwice",
       {{"[MOTORCYCLE, DISABILITY_VEHICLE, E_BIKE]",
         "MOTORCYCLE\n  exempt_vehicle_types: MOTORCYCLE"}},
       "exempt_vehicle_types: MOTORCYCLE",
       2,
       "rules[0].exempt_vehicle_types[1]",
       "MOTORCYCLE is listed twice"},
      {"UnknownDepartmentName",
       {{"department: TAX max_days", "department: TAXES max_days"}},
       "TAXES",
       1,
       "text format",
       "TAXES"},
      {"DepartmentWithoutMaxAge",
       {{"  max_data_ages { department: VEHICLES max_days: 92 }\n", ""}},
       "max_data_ages",
       1,
       "rules[0].max_data_ages",
       "missing VEHICLES"},
      {"ZeroMaxAge",
       {{"department: DEATH max_days: 31", "department: DEATH max_days: 0"}},
       "DEATH",
       1,
       "rules[0].max_data_ages[2].max_days",
       "must be positive"},
      {"DepartmentTwice",
       {{"department: DEATH max_days: 31",
         "department: MARRIAGE max_days: 31"}},
       "department: MARRIAGE",
       2,
       "rules[0].max_data_ages[2].department",
       "MARRIAGE is listed twice (first at line"},
      {"AssetCapForTemporary",
       {{"  financial_asset_cap_basis",
         "  financial_asset_multiples { program: TEMPORARY months: 24 }\n"
         "  financial_asset_cap_basis"}},
       "program: TEMPORARY",
       1,
       "rules[0].financial_asset_multiples[5].program",
       "TEMPORARY does not judge assets"},
      {"AssetCapMissing",
       {{"  financial_asset_multiples { program: HOUSING months: 24 }\n", ""}},
       "financial_asset_multiples",
       1,
       "rules[0].financial_asset_multiples",
       "missing HOUSING"},
      {"NoCapBasis",
       {{"  financial_asset_cap_basis: DIBAO_STANDARD_PER_MEMBER\n", ""}},
       "rules {",
       1,
       "rules[0].financial_asset_cap_basis",
       "required"},
      {"EmployeePensionExcluded",
       {{"[SPECIAL_CARE_PENSION,", "[EMPLOYEE_PENSION, SPECIAL_CARE_PENSION,"}},
       "EMPLOYEE_PENSION",
       1,
       "rules[0].excluded_benefit_types[0]",
       "EMPLOYEE_PENSION is transfer income"},
      {"SurvivorPensionCounted",
       {{" SURVIVOR_PENSION,", ""}},
       "excluded_benefit_types",
       1,
       "rules[0].excluded_benefit_types",
       "missing SURVIVOR_PENSION"},
      {"ImpossibleDate",
       {{"effective_from { year: 2026 month: 7 day: 1 }",
         "effective_from { year: 2026 month: 2 day: 30 }"}},
       "month: 2 day: 30",
       1,
       "regions[0].standards[1].effective_from",
       "not a calendar date (year 2026, month 2, day 30)"},
      {"MissingEffectiveFrom",
       {{"# 320582 URBAN\n    residence_class: URBAN\n"
         "    effective_from { year: 2026 month: 1 day: 1 }\n",
         "# 320582 URBAN\n    residence_class: URBAN\n"}},
       "# 320582 URBAN",
       1,
       "regions[1].standards[0].effective_from",
       "required"},
      {"UntilBeforeFrom",
       {{"effective_until { year: 2026 month: 6 day: 30 }",
         "effective_until { year: 2025 month: 12 day: 31 }"}},
       "effective_until",
       1,
       "regions[0].standards[0].effective_until",
       "2025-12-31 is before effective_from 2026-01-01"},
      {"UnknownField",
       {{"tekun_support_fen: 121000", "tekun_suport_fen: 121000"}},
       "tekun_suport_fen",
       1,
       "text format",
       "tekun_suport_fen"},
      {"SyntaxError",
       {{"margin_multiple_percent: 150", "margin_multiple_percent 150"}},
       "margin_multiple_percent",
       1,
       "text format",
       "Expected \":\""},
      {"FieldTwice",
       {{"  look_back_months: 12\n",
         "  look_back_months: 12\n  look_back_months: 13\n"}},
       "look_back_months: 13",
       1,
       "text format",
       "multiple times"},
      {"OverlappingPeriods",
       {{"effective_until { year: 2026 month: 6 day: 30 }",
         "effective_until { year: 2026 month: 7 day: 1 }"}},
       "effective_from { year: 2026 month: 7 day: 1 }",
       1,
       "regions[0].standards[1].effective_from",
       "overlaps regions[0].standards[0] (line 4): region 320581 URBAN "
       "standards would have two values on 2026-07-01"},
      {"OpenPeriodBeforeAnother",
       {{"    effective_until { year: 2026 month: 6 day: 30 }\n", ""}},
       "effective_from { year: 2026 month: 7 day: 1 }",
       1,
       "regions[0].standards[1].effective_from",
       "overlaps"},
      {"GapBetweenPeriods",
       {{"effective_until { year: 2026 month: 6 day: 30 }",
         "effective_until { year: 2026 month: 6 day: 29 }"}},
       "effective_from { year: 2026 month: 7 day: 1 }",
       1,
       "regions[0].standards[1].effective_from",
       "have no values from 2026-06-30 to 2026-06-30"},
      {"RegionWithoutRural",
       {{std::string(test_policy::kRegion2Rural), ""}},
       "# 320582 URBAN",
       1,
       "regions[1].standards",
       "region 320582 has no RURAL standards, which region 320581 has"},
      {"RegionWithoutStandards",
       {{std::string(test_policy::kRegion2Urban), ""},
        {std::string(test_policy::kRegion2Rural), ""}},
       "regions {",
       2,
       "regions[1].standards",
       "required: at least one period"},
      {"RegionTwice",
       {{"region_code: \"320582\"", "region_code: \"320581\""}},
       "region_code: \"320581\"",
       2,
       "regions[1].region_code",
       "region 320581 is listed twice (first at line 2)"},
      {"BadRegionCode",
       {{"region_code: \"320582\"", "region_code: \"32058\""}},
       "region_code: \"32058\"",
       1,
       "regions[1].region_code",
       "must be a 6-digit county code"},
      {"RulesForUnknownRegion",
       {{"rules {\n", "rules {\n  region_codes: \"320583\"\n"}},
       "320583",
       1,
       "rules[0].region_codes[0]",
       "unknown region 320583"},
      {"RulesStartLate",
       {{"rules {\n  effective_from { year: 2026 month: 1 day: 1 }",
         "rules {\n  effective_from { year: 2026 month: 2 day: 1 }"}},
       rules_from,
       1,
       "regions[0].standards[0].effective_from",
       "region 320581 URBAN standards start on 2026-01-01 but the first rules "
       "period for the region starts on 2026-02-01"},
      {"RulesEndEarly",
       {{"rules {\n  effective_from { year: 2026 month: 1 day: 1 }\n",
         "rules {\n  effective_from { year: 2026 month: 1 day: 1 }\n"
         "  effective_until { year: 2026 month: 12 day: 31 }\n"}},
       "effective_from { year: 2026 month: 7 day: 1 }",
       1,
       "regions[0].standards[1].effective_from",
       "run with no end but the last rules period for the region ends on "
       "2026-12-31"},
      {"NoRegionsNoRules",
       {{SmallPolicyText(), "version: \"t-1\"\n"}},
       "",
       1,
       "regions",
       "required: at least one region"},
      {"MissingVersion",
       {{"version: \"t-1\"\n", ""}},
       "",
       1,
       "version",
       "required"},
      {"VersionWithSpace",
       {{"version: \"t-1\"", "version: \"t 1\""}},
       "version",
       1,
       "version",
       "without spaces"},
  };
}

class BadPolicyTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPolicyTest, NamesFileLineFieldAndProblem) {
  const BadCase& c = GetParam();
  std::string text = SmallPolicyText();
  for (const auto& [from, to] : c.edits) text = Edit(text, from, to);
  const absl::StatusOr<Policy> policy = LoadPolicyText(text, kFile);
  ASSERT_FALSE(policy.ok()) << text;
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  const int line = LineOf(text, c.marker, c.occurrence);
  ASSERT_GT(line, 0) << "marker not found: " << c.marker;
  const std::string prefix = absl::StrCat(kFile, ":", line, ":");
  bool found = false;
  for (absl::string_view error :
       absl::StrSplit(policy.status().message(), '\n')) {
    found =
        found || (absl::StartsWith(error, prefix) &&
                  absl::StrContains(error, absl::StrCat(": ", c.field, ": ")) &&
                  absl::StrContains(error, c.problem));
  }
  EXPECT_TRUE(found) << "expected " << prefix << "COLUMN: " << c.field
                     << ": ..." << c.problem << "...\ngot:\n"
                     << policy.status().message();
}

INSTANTIATE_TEST_SUITE_P(Policy, BadPolicyTest, ::testing::ValuesIn(BadCases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return info.param.name;
                         });

TEST(PolicyErrorsTest, TheSmallPolicyIsValid) {
  const absl::StatusOr<Policy> policy =
      LoadPolicyText(SmallPolicyText(), kFile);
  EXPECT_TRUE(policy.ok()) << policy.status();
}

TEST(PolicyErrorsTest, WholeErrorLine) {
  const std::string text = Edit(SmallPolicyText(), "dibao_standard_fen: 93000",
                                "dibao_standard_fen: -1");
  const absl::StatusOr<Policy> policy = LoadPolicyText(text, kFile);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().message(),
            absl::StrCat("test.textproto:", LineOf(text, "fen: -1"),
                         ":5: regions[0].standards[1].dibao_standard_fen: "
                         "must be positive, got -1 (低保 standard, fen per "
                         "person per month)"));
}

TEST(PolicyErrorsTest, ReportsEveryErrorInFileOrder) {
  std::string text = SmallPolicyText();
  text =
      Edit(text, "margin_multiple_percent: 150", "margin_multiple_percent: 0");
  text = Edit(text, "dibao_standard_fen: 62000", "dibao_standard_fen: -5");
  text = Edit(text, "effective_until { year: 2026 month: 6 day: 30 }",
              "effective_until { year: 2026 month: 8 day: 31 }");
  text = Edit(text, "  max_data_ages { department: TAX max_days: 62 }\n", "");
  const absl::StatusOr<Policy> policy = LoadPolicyText(text, kFile);
  ASSERT_FALSE(policy.ok());
  const std::vector<std::string> errors =
      absl::StrSplit(policy.status().message(), '\n');
  ASSERT_EQ(errors.size(), 4u) << policy.status().message();
  EXPECT_THAT(errors[0], HasSubstr("regions[0].standards[1].effective_from: "
                                   "overlaps"));
  EXPECT_THAT(errors[1],
              HasSubstr("regions[1].standards[1].dibao_standard_fen"));
  EXPECT_THAT(errors[2], HasSubstr("rules[0].margin_multiple_percent"));
  EXPECT_THAT(errors[3], HasSubstr("rules[0].max_data_ages: missing TAX"));
}

TEST(PolicyErrorsTest, OverlapOfSharedRulesIsOneError) {
  const std::string text = absl::StrCat(
      SmallPolicyText(), test_policy::kRules.substr(0, 8),
      "  effective_from { year: 2026 month: 3 day: 1 }\n",
      test_policy::kRules.substr(
          std::string(
              "rules {\n  effective_from { year: 2026 month: 1 day: 1 }\n")
              .size()));
  const absl::StatusOr<Policy> policy = LoadPolicyText(text, kFile);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().message(),
            absl::StrCat("test.textproto:",
                         LineOf(text, "effective_from { year: 2026 month: 3"),
                         ":3: rules[1].effective_from: overlaps rules[0] "
                         "(line ",
                         LineOf(text, "rules {"),
                         "): rules for regions 320581, 320582 would have two "
                         "values on 2026-03-01 (2026-03-01 with no end against "
                         "2026-01-01 with no end)"));
}

TEST(PolicyErrorsTest, SameErrorsOnEveryLoad) {
  std::string text =
      Edit(SmallPolicyText(), "look_back_months: 12", "look_back_months: 0");
  text = Edit(text, "region_code: \"320582\"", "region_code: \"320581\"");
  const absl::StatusOr<Policy> first = LoadPolicyText(text, kFile);
  const absl::StatusOr<Policy> second = LoadPolicyText(text, kFile);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status(), second.status());
}

TEST(PolicyErrorsTest, ProtoBuiltInCodeHasNoPositions) {
  hedui::policy::v1::Policy proto;
  proto.set_version("code-1");
  const absl::StatusOr<Policy> policy = Policy::FromProto(proto, "in-code");
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.status().message(),
              HasSubstr("in-code: regions: required: at least one region"));
}

TEST(PolicyErrorsTest, MissingFileIsNotFound) {
  const absl::StatusOr<Policy> policy =
      LoadPolicyFile("/nonexistent/hedui/policy.textproto");
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(policy.status().message(),
              HasSubstr("/nonexistent/hedui/policy.textproto"));
}

}  // namespace
}  // namespace hedui::engine
