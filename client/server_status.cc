#include "client/server_status.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/admin.grpc.pb.h"

namespace hedui::cli {
namespace {

constexpr char kCommand[] = "health --details";
constexpr double kTimeoutSeconds = 10;

std::string Day(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

}  // namespace

void PrintServerStatus(const hedui::v1::ServerStatus& status,
                       std::ostream& out) {
  out << "heduid " << status.server_version() << ", policy "
      << status.policy_version() << ", up " << status.uptime_seconds() / 3600
      << " h " << status.uptime_seconds() % 3600 / 60 << " min, "
      << status.calls_in_flight() << " calls in flight, "
      << status.calls_refused_overload() << " refused for overload\n";
  out << "audit chain: " << status.audit_chain_length() << " entries, "
      << (status.audit_chain_intact() < 0    ? "not checked yet"
          : status.audit_chain_intact() == 1 ? "intact at the last check"
                                             : "BROKEN at the last check")
      << "\n";
  for (const auto& cert : status.certificates()) {
    out << "certificate " << cert.name() << ": ";
    if (!cert.problem().empty()) {
      out << cert.problem() << "\n";
      continue;
    }
    out << "expires " << Day(cert.not_after_unix_seconds()) << " ("
        << cert.days_left() << " days)"
        << (cert.expiring_soon() ? "  EXPIRING SOON" : "") << "\n";
  }
  for (const auto& age : status.departments()) {
    out << "  " << hedui::v1::Department_Name(age.department()) << ": ";
    if (!age.present()) {
      out << "no data\n";
      continue;
    }
    out << age.age_days() << " days old";
    if (age.max_age_days() > 0) out << " (max " << age.max_age_days() << ")";
    out << (age.stale() ? "  STALE" : "") << "\n";
  }
  if (status.warnings().empty()) {
    out << "nothing needs attention\n";
    return;
  }
  out << status.warnings_size() << " warning"
      << (status.warnings_size() == 1 ? "" : "s") << ":\n";
  for (const std::string& warning : status.warnings()) {
    out << "  - " << warning << "\n";
  }
}

int RunServerStatus(const CommandContext& ctx) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::AdminService::NewStub(channel);
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kTimeoutSeconds, &call);
  hedui::v1::ServerStatus status;
  const grpc::Status rpc = stub->GetServerStatus(
      &call, hedui::v1::GetServerStatusRequest(), &status);
  if (!rpc.ok()) {
    const CallInfo info{kCommand, ctx.connection.server,
                        EffectiveTimeout(ctx.connection, kTimeoutSeconds)};
    return ReportRpcError(info, rpc, call, *ctx.err);
  }
  if (ctx.output == OutputFormat::kJson) {
    const int printed = PrintMessageJson(ctx, kCommand, status);
    if (printed != kExitOk) return printed;
  } else {
    PrintServerStatus(status, *ctx.out);
    *ctx.out << std::flush;
  }
  return status.warnings().empty() ? kExitOk : kExitUnavailable;
}

}  // namespace hedui::cli
