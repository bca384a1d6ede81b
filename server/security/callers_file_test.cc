#include "server/security/callers_file.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hedui::security {
namespace {

namespace pb = hedui::config::v1;
using ::testing::HasSubstr;

constexpr char kExample[] = R"(# the example of deploy/dev-ca.sh
callers {
  identity: "dibao-system"
  role: PROGRAM_SYSTEM
  programs: [DIBAO, MEDICAL]
  region_codes: "320581"
}
callers {
  identity: "staff-1"
  role: STAFF
  region_codes: ["320581", "320582"]
}
callers {
  identity: "admin-1"
  role: ADMIN
}
)";

// The one error message for `text` (named "f").
std::string ErrorOf(const std::string& text) {
  auto registry = LoadCallersText(text, "f");
  EXPECT_FALSE(registry.ok());
  if (registry.ok()) return "";
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(registry.status().message());
}

TEST(CallersFileTest, LoadsTheExampleWithEachRolesScope) {
  auto registry = LoadCallersText(kExample, "f");
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->size(), 3u);

  const Caller* dibao = (*registry)->Find("dibao-system");
  ASSERT_NE(dibao, nullptr);
  EXPECT_EQ(dibao->role, pb::PROGRAM_SYSTEM);
  EXPECT_FALSE(dibao->programs.all());
  EXPECT_THAT(dibao->programs.values(),
              ::testing::ElementsAre(hedui::v1::DIBAO, hedui::v1::MEDICAL));
  EXPECT_FALSE(dibao->regions.all());
  EXPECT_THAT(dibao->regions.values(), ::testing::ElementsAre("320581"));

  const Caller* staff = (*registry)->Find("staff-1");
  ASSERT_NE(staff, nullptr);
  EXPECT_TRUE(staff->programs.all());  // none listed: every program
  EXPECT_FALSE(staff->regions.all());
  EXPECT_THAT(staff->regions.values(),
              ::testing::ElementsAre("320581", "320582"));

  const Caller* admin = (*registry)->Find("admin-1");
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->programs.all());
  EXPECT_TRUE(admin->regions.all());

  EXPECT_EQ((*registry)->Find("Admin-1"), nullptr);  // exact match only
  EXPECT_EQ((*registry)->Find(""), nullptr);
}

TEST(CallersFileTest, AdminMayBeRestricted) {
  auto registry = LoadCallersText(
      R"(callers { identity: "a" role: ADMIN programs: TEKUN
                   region_codes: "320581" })",
      "f");
  ASSERT_TRUE(registry.ok()) << registry.status();
  const Caller* admin = (*registry)->Find("a");
  EXPECT_FALSE(admin->programs.all());
  EXPECT_FALSE(admin->regions.all());
}

TEST(CallersFileTest, TextFormatErrorHasItsPosition) {
  EXPECT_THAT(ErrorOf("callers {\n  identity: \"x\"\n  role: ADMIN\n"),
              HasSubstr("f:4:1: text format: "));
}

TEST(CallersFileTest, UnknownFieldIsAnError) {
  EXPECT_THAT(ErrorOf("callers {\n  identity: \"x\"\n  rol: ADMIN\n}\n"),
              HasSubstr("f:3:6: text format: Message type "
                        "\"hedui.config.v1.Caller\" has no field named "
                        "\"rol\""));
}

TEST(CallersFileTest, UnknownRoleNameIsAnError) {
  EXPECT_THAT(ErrorOf("callers {\n  identity: \"x\"\n  role: OPERATOR\n}\n"),
              // The tokenizer reports it where the value ends.
              HasSubstr("f:4:1: text format: Unknown enumeration value of "
                        "\"OPERATOR\" for field \"role\""));
}

TEST(CallersFileTest, UnknownRoleNumberIsAnError) {
  const std::string error =
      ErrorOf("callers {\n  identity: \"x\"\n  role: 7\n}\n");
  // Whether the parser or the check refuses it, it is on line 3.
  EXPECT_THAT(error, HasSubstr("f:3:"));
}

TEST(CallersFileTest, MissingRoleIsAnError) {
  EXPECT_EQ(ErrorOf("\ncallers {\n  identity: \"x\"\n}\n"),
            "f:2:1: callers[0].role: required: PROGRAM_SYSTEM, STAFF or "
            "ADMIN");
}

TEST(CallersFileTest, MissingIdentityIsAnError) {
  EXPECT_EQ(ErrorOf("callers {\n  role: ADMIN\n}\n"),
            "f:1:1: callers[0].identity: required: the client certificate's "
            "Common Name");
}

TEST(CallersFileTest, BadIdentityIsAnError) {
  EXPECT_EQ(ErrorOf("callers {\n  identity: \" x\"\n  role: ADMIN\n}\n"),
            "f:2:3: callers[0].identity: begins or ends with a space");
  EXPECT_EQ(ErrorOf("callers {\n  identity: \"a\\tb\"\n  role: ADMIN\n}\n"),
            "f:2:3: callers[0].identity: not printable ASCII");
  EXPECT_EQ(ErrorOf("callers { role: ADMIN identity: \"" +
                    std::string(129, 'a') + "\" }"),
            "f:1:23: callers[0].identity: longer than 128 characters");
}

TEST(CallersFileTest, DuplicateIdentityNamesBothEntries) {
  EXPECT_EQ(ErrorOf("callers {\n  identity: \"a\"\n  role: ADMIN\n}\n"
                    "callers {\n  identity: \"a\"\n  role: STAFF\n"
                    "  region_codes: \"320581\"\n}\n"),
            "f:6:3: callers[1].identity: duplicate identity \"a\": already "
            "callers[0] at line 1");
}

TEST(CallersFileTest, BadRegionCodeIsAnError) {
  EXPECT_EQ(
      ErrorOf("callers {\n  identity: \"s\"\n  role: STAFF\n"
              "  region_codes: \"320581\"\n  region_codes: \"32058\"\n}\n"),
      "f:5:3: callers[0].region_codes[1]: \"32058\" is not a 6-digit "
      "county code");
}

TEST(CallersFileTest, BadRegionCodeInAListPointsAtTheList) {
  EXPECT_THAT(ErrorOf("callers {\n  identity: \"s\"\n  role: STAFF\n"
                      "  region_codes: [\"320581\", \"abcdef\"]\n}\n"),
              HasSubstr("f:4:"));
}

TEST(CallersFileTest, RepeatedRegionOrProgramIsAnError) {
  EXPECT_EQ(
      ErrorOf("callers {\n  identity: \"s\"\n  role: STAFF\n"
              "  region_codes: \"320581\"\n  region_codes: \"320581\"\n}\n"),
      "f:5:3: callers[0].region_codes[1]: 320581 listed twice");
  EXPECT_EQ(ErrorOf("callers {\n  identity: \"s\"\n  role: ADMIN\n"
                    "  programs: DIBAO\n  programs: DIBAO\n}\n"),
            "f:5:3: callers[0].programs[1]: DIBAO listed twice");
}

TEST(CallersFileTest, UnspecifiedProgramIsAnError) {
  EXPECT_EQ(ErrorOf("callers {\n  identity: \"s\"\n  role: ADMIN\n"
                    "  programs: PROGRAM_UNSPECIFIED\n}\n"),
            "f:4:3: callers[0].programs[0]: unknown program "
            "PROGRAM_UNSPECIFIED");
}

TEST(CallersFileTest, ProgramSystemNeedsProgramsAndRegions) {
  EXPECT_EQ(
      ErrorOf("callers {\n  identity: \"p\"\n  role: PROGRAM_SYSTEM\n}\n"),
      "f:1:1: callers[0].programs: required for PROGRAM_SYSTEM: the "
      "programs it verifies for\n"
      "f:1:1: callers[0].region_codes: required for PROGRAM_SYSTEM: the "
      "counties it verifies for");
}

TEST(CallersFileTest, StaffNeedsRegions) {
  EXPECT_THAT(ErrorOf("callers {\n  identity: \"s\"\n  role: STAFF\n}\n"),
              HasSubstr("f:1:1: callers[0].region_codes: required for STAFF"));
}

TEST(CallersFileTest, EmptyFileIsAnError) {
  EXPECT_EQ(ErrorOf("# nobody\n"),
            "f:1:1: callers: no callers: nobody could call the server");
}

TEST(CallersFileTest, ReportsEveryErrorInFileOrder) {
  const std::string error = ErrorOf(
      "callers {\n  identity: \"p\"\n  role: PROGRAM_SYSTEM\n"
      "  programs: DIBAO\n  region_codes: \"1\"\n}\n"
      "callers {\n  identity: \"p\"\n  role: ADMIN\n}\n");
  EXPECT_EQ(error,
            "f:5:3: callers[0].region_codes[0]: \"1\" is not a 6-digit "
            "county code\n"
            "f:8:3: callers[1].identity: duplicate identity \"p\": already "
            "callers[0] at line 1");
}

TEST(CallersFileTest, LoadsAFileAndNamesAMissingOne) {
  const std::string path =
      ::testing::TempDir() + "/callers_file_test.textproto";
  {
    std::ofstream out(path);
    out << kExample;
  }
  auto registry = LoadCallersFile(path);
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->size(), 3u);
  std::remove(path.c_str());

  auto missing = LoadCallersFile(path);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("cannot open callers file " + path));
}

TEST(CallerRegistryTest, RefusesDuplicateAndEmptyIdentities) {
  Caller a;
  a.identity = "a";
  EXPECT_FALSE(CallerRegistry::Create({a, a}).ok());
  EXPECT_FALSE(CallerRegistry::Create({Caller{}}).ok());
  EXPECT_TRUE(CallerRegistry::Create({a}).ok());
}

}  // namespace
}  // namespace hedui::security
