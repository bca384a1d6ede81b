#include "server/security/authorize.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hedui::security {
namespace {

namespace pb = hedui::config::v1;

using PolicyTable = absl::flat_hash_map<std::string, MethodPolicy>;

// Keyed by "/package.Service/Method", or "/package.Service/*" for every
// method of a service. Keep README.md's table in step.
const PolicyTable& Table() {
  static const PolicyTable* const table = [] {
    const MethodPolicy everyone_with_a_role{
        false, {pb::PROGRAM_SYSTEM, pb::STAFF, pb::ADMIN}};
    const MethodPolicy staff{false, {pb::STAFF, pb::ADMIN}};
    const MethodPolicy admin{false, {pb::ADMIN}};
    const MethodPolicy open{true, {}};
    return new PolicyTable{
        {"/hedui.v1.VerificationService/Verify", everyone_with_a_role},
        {"/hedui.v1.VerificationService/VerifyBatch", everyone_with_a_role},
        {"/hedui.v1.VerificationService/GetReport", everyone_with_a_role},
        {"/hedui.v1.VerificationService/ListReports", everyone_with_a_role},
        {"/hedui.v1.VerificationService/GetStats", staff},
        // Program and county checked per request, as for Verify.
        {"/hedui.v1.RollService/Enroll", everyone_with_a_role},
        {"/hedui.v1.RollService/Withdraw", everyone_with_a_role},
        {"/hedui.v1.RollService/AttachConsent", everyone_with_a_role},
        {"/hedui.v1.RollService/GetRollEntry", everyone_with_a_role},
        {"/hedui.v1.RollService/ListRoll", everyone_with_a_role},
        {"/hedui.v1.RollService/Reverify", everyone_with_a_role},
        {"/hedui.v1.RollService/ListReviewsDue", everyone_with_a_role},
        {"/hedui.v1.ChangeService/ListChanges", everyone_with_a_role},
        {"/hedui.v1.ChangeService/WatchChanges", everyone_with_a_role},
        {"/hedui.v1.ChangeService/GetChange", everyone_with_a_role},
        {"/hedui.v1.ChangeService/ResolveChange", everyone_with_a_role},
        {"/hedui.v1.ChangeService/GetChangeStats", everyone_with_a_role},
        {"/hedui.v1.AdminService/Ingest", admin},
        {"/hedui.v1.AdminService/ListDepartments", staff},
        {"/hedui.v1.AdminService/CreateBackup", admin},
        {"/hedui.v1.AdminService/ListBackups", admin},
        {"/hedui.v1.AdminService/VerifyBackup", admin},
        {"/hedui.v1.AdminService/PruneBackups", admin},
        {"/hedui.v1.AdminService/GetServerStatus", staff},
        {"/hedui.v1.AdminService/ListHeldFeeds", staff},
        {"/hedui.v1.AdminService/ConfirmHeldFeed", admin},
        {"/hedui.v1.AdminService/ConfirmHeldFeeds", admin},
        {"/hedui.v1.AdminService/DiscardHeldFeed", admin},
        {"/hedui.v1.AuditService/*", staff},
        {"/hedui.v1.RetentionService/Purge", admin},
        // Load balancers and tools probe these without a certificate.
        {"/grpc.health.v1.Health/*", open},
        {"/grpc.reflection.v1alpha.ServerReflection/*", open},
        {"/grpc.reflection.v1.ServerReflection/*", open},
    };
  }();
  return *table;
}

std::string Normalize(absl::string_view full_method) {
  return absl::StartsWith(full_method, "/") ? std::string(full_method)
                                            : absl::StrCat("/", full_method);
}

std::string RoleList(absl::Span<const Role> roles) {
  if (roles.empty()) return "none";
  return absl::StrJoin(roles, ", ", [](std::string* out, Role role) {
    out->append(RoleName(role));
  });
}

std::string Who(const Caller& caller) {
  return absl::StrCat("caller \"", caller.identity, "\" (",
                      RoleName(caller.role), ")");
}

bool MayVerify(Role role) {
  return role == pb::PROGRAM_SYSTEM || role == pb::STAFF || role == pb::ADMIN;
}

}  // namespace

const MethodPolicy* FindMethodPolicy(absl::string_view full_method) {
  // Only "/package.Service/Method" names a method; "*" is the table's
  // wildcard, not a method anyone may call.
  const std::string method = Normalize(full_method);
  const size_t slash = method.rfind('/');
  if (slash == 0 || slash + 1 >= method.size() ||
      method.compare(slash + 1, std::string::npos, "*") == 0) {
    return nullptr;
  }
  const PolicyTable& table = Table();
  if (auto it = table.find(method); it != table.end()) return &it->second;
  if (auto it = table.find(absl::StrCat(method.substr(0, slash), "/*"));
      it != table.end()) {
    return &it->second;
  }
  return nullptr;
}

absl::Status AuthorizeMethod(const Caller& caller,
                             absl::string_view full_method) {
  const MethodPolicy* policy = FindMethodPolicy(full_method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(Normalize(full_method),
                     " is not in the method authorisation table; refused"));
  }
  if (policy->open) return absl::OkStatus();
  return AuthorizeRole(caller, policy->roles, Normalize(full_method));
}

absl::Status AuthorizeRole(const Caller& caller, absl::Span<const Role> allowed,
                           absl::string_view method) {
  if (std::find(allowed.begin(), allowed.end(), caller.role) != allowed.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(Who(caller), " may not call ", method,
                   "; it needs the role ", RoleList(allowed)));
}

absl::Status AuthorizeVerify(const Caller& caller, hedui::v1::Program program,
                             absl::string_view region_code) {
  if (!MayVerify(caller.role)) {
    return absl::PermissionDeniedError(
        absl::StrCat(Who(caller), " may not verify"));
  }
  // "Every program/county" must not admit a value that names none.
  if (program == hedui::v1::PROGRAM_UNSPECIFIED ||
      !hedui::v1::Program_IsValid(program)) {
    return absl::InvalidArgumentError(
        absl::StrCat("program ", ProgramName(program), " is not a program"));
  }
  if (!IsRegionCode(region_code)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region_code \"", region_code, "\" is not a 6-digit county code"));
  }
  if (!caller.programs.Contains(program)) {
    return absl::PermissionDeniedError(absl::StrCat(
        Who(caller), " may not verify for program ", ProgramName(program),
        "; it may for ", DescribePrograms(caller.programs)));
  }
  if (!caller.regions.Contains(region_code)) {
    return absl::PermissionDeniedError(
        absl::StrCat(Who(caller), " may not verify for county \"", region_code,
                     "\"; it may for ", DescribeRegions(caller.regions)));
  }
  return absl::OkStatus();
}

bool MaySee(const Caller& caller, hedui::v1::Program program,
            absl::string_view region_code) {
  // Not via AuthorizeVerify: filters call this per stored report, and the
  // refusal message would be built and thrown away each time.
  return MayVerify(caller.role) && program != hedui::v1::PROGRAM_UNSPECIFIED &&
         caller.programs.Contains(program) && IsRegionCode(region_code) &&
         caller.regions.Contains(region_code);
}

const RegionScope& VisibleRegions(const Caller& caller) {
  return caller.regions;
}

const ProgramScope& VisiblePrograms(const Caller& caller) {
  return caller.programs;
}

}  // namespace hedui::security
