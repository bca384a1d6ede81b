#include "server/security/authorize.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "hedui/v1/admin.pb.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/retention.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "hedui/v1/verification_service.pb.h"
#include "server/security/authenticate.h"

namespace hedui::security {
namespace {

namespace pb = hedui::config::v1;
using hedui::v1::DIBAO;
using hedui::v1::MEDICAL;
using hedui::v1::TEKUN;
using ::testing::HasSubstr;

Caller ProgramSystem() {
  Caller c;
  c.identity = "dibao-system";
  c.role = pb::PROGRAM_SYSTEM;
  c.programs = ProgramScope::Only({DIBAO, MEDICAL});
  c.regions = RegionScope::Only({"320581"});
  return c;
}

Caller Staff() {
  Caller c;
  c.identity = "staff-1";
  c.role = pb::STAFF;
  c.programs = ProgramScope::All();
  c.regions = RegionScope::Only({"320581", "320582"});
  return c;
}

Caller Admin() {
  Caller c;
  c.identity = "admin-1";
  c.role = pb::ADMIN;
  c.programs = ProgramScope::All();
  c.regions = RegionScope::All();
  return c;
}

// Which roles each method admits: the table of README.md, written out again
// so that a change to either is noticed.
struct Expected {
  const char* method;
  bool program_system;
  bool staff;
  bool admin;
};
constexpr Expected kTable[] = {
    {"/hedui.v1.VerificationService/Verify", true, true, true},
    {"/hedui.v1.VerificationService/VerifyBatch", true, true, true},
    {"/hedui.v1.VerificationService/GetReport", true, true, true},
    {"/hedui.v1.VerificationService/ListReports", true, true, true},
    {"/hedui.v1.VerificationService/GetStats", false, true, true},
    {"/hedui.v1.RollService/Enroll", true, true, true},
    {"/hedui.v1.RollService/Withdraw", true, true, true},
    {"/hedui.v1.RollService/AttachConsent", true, true, true},
    {"/hedui.v1.RollService/GetRollEntry", true, true, true},
    {"/hedui.v1.RollService/ListRoll", true, true, true},
    {"/hedui.v1.RollService/Reverify", true, true, true},
    {"/hedui.v1.RollService/ListReviewsDue", true, true, true},
    {"/hedui.v1.ChangeService/ListChanges", true, true, true},
    {"/hedui.v1.ChangeService/WatchChanges", true, true, true},
    {"/hedui.v1.ChangeService/GetChange", true, true, true},
    {"/hedui.v1.ChangeService/ResolveChange", true, true, true},
    {"/hedui.v1.ChangeService/GetChangeStats", true, true, true},
    {"/hedui.v1.AdminService/Ingest", false, false, true},
    {"/hedui.v1.AdminService/ListDepartments", false, true, true},
    {"/hedui.v1.AdminService/CreateBackup", false, false, true},
    {"/hedui.v1.AdminService/ListBackups", false, false, true},
    {"/hedui.v1.AdminService/VerifyBackup", false, false, true},
    {"/hedui.v1.AdminService/PruneBackups", false, false, true},
    {"/hedui.v1.AdminService/GetServerStatus", false, true, true},
    {"/hedui.v1.AdminService/ListHeldFeeds", false, true, true},
    {"/hedui.v1.AdminService/ConfirmHeldFeed", false, false, true},
    {"/hedui.v1.AdminService/ConfirmHeldFeeds", false, false, true},
    {"/hedui.v1.AdminService/DiscardHeldFeed", false, false, true},
    {"/hedui.v1.AuditService/ListAudit", false, true, true},
    {"/hedui.v1.AuditService/VerifyAudit", false, true, true},
    {"/hedui.v1.AuditService/ExportAudit", false, true, true},
    {"/hedui.v1.RetentionService/Purge", false, false, true},
};

TEST(AuthorizeMethodTest, EachMethodAndRole) {
  for (const Expected& row : kTable) {
    SCOPED_TRACE(row.method);
    const MethodPolicy* policy = FindMethodPolicy(row.method);
    ASSERT_NE(policy, nullptr);
    EXPECT_FALSE(policy->open);
    for (const auto& [caller, allowed] :
         {std::make_tuple(ProgramSystem(), row.program_system),
          std::make_tuple(Staff(), row.staff),
          std::make_tuple(Admin(), row.admin)}) {
      SCOPED_TRACE(RoleName(caller.role));
      const absl::Status status = AuthorizeMethod(caller, row.method);
      if (allowed) {
        EXPECT_TRUE(status.ok()) << status;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
        EXPECT_THAT(status.message(), HasSubstr(row.method));
        EXPECT_THAT(status.message(), HasSubstr(RoleName(caller.role)));
      }
    }
  }
}

TEST(AuthorizeMethodTest, DenialNamesCallerMethodAndRoles) {
  EXPECT_EQ(
      AuthorizeMethod(ProgramSystem(), "/hedui.v1.VerificationService/GetStats")
          .message(),
      "caller \"dibao-system\" (PROGRAM_SYSTEM) may not call "
      "/hedui.v1.VerificationService/GetStats; it needs the role STAFF, "
      "ADMIN");
}

TEST(AuthorizeMethodTest, EveryHeduiMethodIsInTheTable) {
  // A new RPC without a policy would be refused to everyone: catch it here.
  for (const google::protobuf::FileDescriptor* file :
       {hedui::v1::GetStatsRequest::descriptor()->file(),
        hedui::v1::ListDepartmentsRequest::descriptor()->file(),
        hedui::v1::ListAuditRequest::descriptor()->file(),
        hedui::v1::PurgeRequest::descriptor()->file(),
        hedui::v1::EnrollRequest::descriptor()->file()}) {
    ASSERT_GT(file->service_count(), 0) << file->name();
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string method =
            "/" + service->full_name() + "/" + service->method(m)->name();
        EXPECT_NE(FindMethodPolicy(method), nullptr) << method;
        bool listed = false;
        for (const Expected& row : kTable) listed |= row.method == method;
        EXPECT_TRUE(listed) << method << " is missing from kTable";
      }
    }
  }
}

TEST(AuthorizeMethodTest, HealthAndReflectionAreOpen) {
  for (const char* method :
       {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"}) {
    SCOPED_TRACE(method);
    const MethodPolicy* policy = FindMethodPolicy(method);
    ASSERT_NE(policy, nullptr);
    EXPECT_TRUE(policy->open);
    EXPECT_TRUE(AuthorizeMethod(Caller{}, method).ok());
  }
}

TEST(AuthorizeMethodTest, UnknownMethodsAreDenied) {
  for (const char* method :
       {"/hedui.v1.VerificationService/DeleteReport",
        "/hedui.v1.AdminService/Wipe", "/other.v1.Service/Verify",
        "/hedui.v1.AuditService/*", "/hedui.v1.AuditService/",
        "/hedui.v1.AuditService", "hedui.v1.AuditService", "", "/"}) {
    SCOPED_TRACE(method);
    EXPECT_EQ(FindMethodPolicy(method), nullptr);
    const absl::Status status = AuthorizeMethod(Admin(), method);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(status.message(), HasSubstr("not in the method"));
  }
}

TEST(AuthorizeMethodTest, LeadingSlashIsOptional) {
  EXPECT_TRUE(AuthorizeMethod(Staff(), "hedui.v1.AuditService/ListAudit").ok());
}

TEST(AuthorizeRoleTest, NoRoleAndUnknownRoleAreDenied) {
  const Role all[] = {pb::PROGRAM_SYSTEM, pb::STAFF, pb::ADMIN};
  Caller nobody;
  nobody.identity = "x";
  EXPECT_EQ(AuthorizeRole(nobody, all, "M").code(),
            absl::StatusCode::kPermissionDenied);
  nobody.role = static_cast<Role>(9);
  EXPECT_EQ(AuthorizeRole(nobody, all, "M").message(),
            "caller \"x\" (9) may not call M; it needs the role "
            "PROGRAM_SYSTEM, STAFF, ADMIN");
  EXPECT_TRUE(AuthorizeRole(Admin(), all, "M").ok());
}

TEST(AuthorizeVerifyTest, ProgramSystemOnlyForItsProgramsAndCounty) {
  EXPECT_TRUE(AuthorizeVerify(ProgramSystem(), DIBAO, "320581").ok());
  EXPECT_TRUE(AuthorizeVerify(ProgramSystem(), MEDICAL, "320581").ok());

  // Another program's purpose.
  const absl::Status program =
      AuthorizeVerify(ProgramSystem(), TEKUN, "320581");
  EXPECT_EQ(program.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(program.message(),
            "caller \"dibao-system\" (PROGRAM_SYSTEM) may not verify for "
            "program TEKUN; it may for DIBAO, MEDICAL");

  // Another county's residents.
  const absl::Status county = AuthorizeVerify(ProgramSystem(), DIBAO, "320582");
  EXPECT_EQ(county.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(county.message(),
            "caller \"dibao-system\" (PROGRAM_SYSTEM) may not verify for "
            "county \"320582\"; it may for 320581");
}

TEST(AuthorizeVerifyTest, StaffEveryProgramInTheirCounties) {
  EXPECT_TRUE(AuthorizeVerify(Staff(), TEKUN, "320581").ok());
  EXPECT_TRUE(
      AuthorizeVerify(Staff(), hedui::v1::UNION_HARDSHIP, "320582").ok());
  const absl::Status county = AuthorizeVerify(Staff(), DIBAO, "110101");
  EXPECT_EQ(county.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(county.message(), HasSubstr("it may for 320581, 320582"));
}

TEST(AuthorizeVerifyTest, AdminEverything) {
  EXPECT_TRUE(AuthorizeVerify(Admin(), TEKUN, "110101").ok());
  EXPECT_TRUE(
      AuthorizeVerify(InsecureDevelopmentCaller(), DIBAO, "999999").ok());
}

TEST(AuthorizeVerifyTest, AllDoesNotAdmitInvalidValues) {
  EXPECT_EQ(
      AuthorizeVerify(Admin(), hedui::v1::PROGRAM_UNSPECIFIED, "320581").code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      AuthorizeVerify(Admin(), static_cast<hedui::v1::Program>(99), "320581")
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuthorizeVerify(Admin(), DIBAO, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuthorizeVerify(Admin(), DIBAO, "32058a").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AuthorizeVerifyTest, CallerWithoutRoleOrGrantsIsDenied) {
  Caller nobody;
  nobody.identity = "x";
  EXPECT_EQ(AuthorizeVerify(nobody, DIBAO, "320581").code(),
            absl::StatusCode::kPermissionDenied);
  nobody.role = pb::PROGRAM_SYSTEM;  // a default Scope holds nothing
  EXPECT_EQ(AuthorizeVerify(nobody, DIBAO, "320581").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(VisibilityTest, ScopesAndMaySee) {
  EXPECT_FALSE(VisibleRegions(ProgramSystem()).all());
  EXPECT_THAT(VisibleRegions(ProgramSystem()).values(),
              ::testing::ElementsAre("320581"));
  EXPECT_THAT(VisiblePrograms(ProgramSystem()).values(),
              ::testing::ElementsAre(DIBAO, MEDICAL));
  EXPECT_TRUE(VisiblePrograms(Staff()).all());
  EXPECT_FALSE(VisibleRegions(Staff()).all());
  EXPECT_TRUE(VisibleRegions(Admin()).all());
  EXPECT_TRUE(VisiblePrograms(Admin()).all());

  EXPECT_TRUE(MaySee(ProgramSystem(), DIBAO, "320581"));
  EXPECT_FALSE(MaySee(ProgramSystem(), TEKUN, "320581"));
  EXPECT_FALSE(MaySee(ProgramSystem(), DIBAO, "320582"));
  EXPECT_TRUE(MaySee(Staff(), TEKUN, "320582"));
  EXPECT_FALSE(MaySee(Staff(), TEKUN, "320583"));
  EXPECT_TRUE(MaySee(Admin(), TEKUN, "110101"));
  EXPECT_FALSE(MaySee(Admin(), hedui::v1::PROGRAM_UNSPECIFIED, "110101"));
  EXPECT_FALSE(MaySee(Caller{}, DIBAO, "320581"));
}

TEST(InsecureModeTest, LoopbackOnly) {
  for (const char* address : {"127.0.0.1:7441", "127.0.0.1:0", "[::1]:7441",
                              "localhost:7441", "127.1.2.3:80"}) {
    EXPECT_TRUE(CheckInsecureListenAddress(address).ok()) << address;
  }
  for (const char* address :
       {"0.0.0.0:7441", "[::]:7441", "10.0.0.1:7441", "example.org:7441",
        ":7441", "127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000",
        "128.0.0.1:7441", "127.0.0.256:1", "unix:/tmp/s", ""}) {
    const absl::Status status = CheckInsecureListenAddress(address);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << address;
  }
  EXPECT_THAT(CheckInsecureListenAddress("0.0.0.0:7441").message(),
              HasSubstr("\"0.0.0.0:7441\""));
}

TEST(InsecureModeTest, DevelopmentCallerIsAdminOfEverything) {
  const Caller& caller = InsecureDevelopmentCaller();
  EXPECT_EQ(caller.identity, "insecure-development");
  EXPECT_EQ(caller.role, pb::ADMIN);
  EXPECT_TRUE(caller.programs.all());
  EXPECT_TRUE(caller.regions.all());
}

}  // namespace
}  // namespace hedui::security
