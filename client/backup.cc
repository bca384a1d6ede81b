#include "client/backup.h"

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/admin.grpc.pb.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

constexpr char kBackupCommand[] = "admin backup";
constexpr char kListCommand[] = "admin backups";
constexpr char kVerifyCommand[] = "admin verify-backup";
constexpr char kPruneCommand[] = "admin prune-backups";
// A backup copies the store, a verification reads the whole backup: both
// grow with the county, unlike the other calls.
constexpr double kLongTimeoutSeconds = 3600;

std::unique_ptr<hedui::v1::AdminService::Stub> Connect(
    const CommandContext& ctx, const char* command) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, command);
  if (channel == nullptr) return nullptr;
  return hedui::v1::AdminService::NewStub(channel);
}

int Failed(const CommandContext& ctx, const char* command, double timeout,
           const grpc::Status& status, const grpc::ClientContext& call) {
  const CallInfo info{command, ctx.connection.server,
                      EffectiveTimeout(ctx.connection, timeout)};
  return ReportRpcError(info, status, call, *ctx.err);
}

std::string Bytes(uint64_t bytes) {
  if (bytes < (1u << 20)) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  if (bytes < (1u << 30)) {
    return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  }
  return absl::StrFormat("%.2f GiB", bytes / 1073741824.0);
}

std::string Created(const hedui::v1::BackupInfo& b) {
  if (b.created_unix_seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S",
                          absl::FromUnixSeconds(b.created_unix_seconds()),
                          ChinaTimeZone());
}

void WriteBackupTable(const std::vector<const hedui::v1::BackupInfo*>& list,
                      std::ostream& out) {
  const std::vector<Column> columns = {
      {"ID", true},           {"CREATED (Asia/Shanghai)", false},
      {"SIZE", true},         {"FILES", true},
      {"FORMAT", true},       {"AUDIT ENTRY", true},
      {"REQUESTED BY", false}};
  std::vector<std::vector<std::string>> rows;
  rows.reserve(list.size());
  for (const hedui::v1::BackupInfo* b : list) {
    rows.push_back(
        {absl::StrCat(b->backup_id()), Created(*b), Bytes(b->size_bytes()),
         absl::StrCat(b->files()), absl::StrCat(b->format_version()),
         absl::StrCat(b->audit_sequence()),
         b->metadata_problem().empty()
             ? SafeText(b->requested_by())
             : SafeText(absl::StrCat("(", b->metadata_problem(), ")"))});
  }
  WriteTable(columns, rows, out);
}

}  // namespace

int RunCreateBackup(const CommandContext& ctx) {
  auto stub = Connect(ctx, kBackupCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kLongTimeoutSeconds, &call);
  hedui::v1::CreateBackupResponse response;
  const grpc::Status status =
      stub->CreateBackup(&call, hedui::v1::CreateBackupRequest(), &response);
  if (!status.ok()) {
    return Failed(ctx, kBackupCommand, kLongTimeoutSeconds, status, call);
  }
  if (ctx.output == OutputFormat::kJson) {
    return PrintMessageJson(ctx, kBackupCommand, response);
  }
  const hedui::v1::BackupInfo& b = response.backup();
  *ctx.out << "backup " << b.backup_id() << " made: " << Bytes(b.size_bytes())
           << " in " << b.files() << " files, audit entries 1-"
           << b.audit_sequence() << " (and any made meanwhile), "
           << absl::StrFormat("%.1f", response.server_seconds()) << " s\n"
           << std::flush;
  return kExitOk;
}

int RunListBackups(const CommandContext& ctx) {
  auto stub = Connect(ctx, kListCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::ListBackupsResponse response;
  const grpc::Status status =
      stub->ListBackups(&call, hedui::v1::ListBackupsRequest(), &response);
  if (!status.ok()) {
    return Failed(ctx, kListCommand, kDefaultTimeoutSeconds, status, call);
  }
  if (ctx.output == OutputFormat::kJson) {
    return PrintMessageJson(ctx, kListCommand, response);
  }
  std::vector<const hedui::v1::BackupInfo*> list;
  for (const auto& b : response.backups()) list.push_back(&b);
  if (list.empty()) {
    *ctx.out << "no backups in " << SafeText(response.backup_dir()) << '\n';
  } else {
    WriteBackupTable(list, *ctx.out);
  }
  if (!response.corrupt_backup_ids().empty()) {
    *ctx.out << "damaged (description unreadable): "
             << absl::StrJoin(response.corrupt_backup_ids(), ", ") << '\n';
  }
  *ctx.out << std::flush;
  return kExitOk;
}

int RunVerifyBackup(const CommandContext& ctx, uint32_t backup_id) {
  auto stub = Connect(ctx, kVerifyCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kLongTimeoutSeconds, &call);
  hedui::v1::VerifyBackupRequest request;
  request.set_backup_id(backup_id);
  hedui::v1::VerifyBackupResponse response;
  const grpc::Status status = stub->VerifyBackup(&call, request, &response);
  if (!status.ok()) {
    return Failed(ctx, kVerifyCommand, kLongTimeoutSeconds, status, call);
  }
  if (ctx.output == OutputFormat::kJson) {
    const int printed = PrintMessageJson(ctx, kVerifyCommand, response);
    if (printed != kExitOk) return printed;
  } else if (response.intact()) {
    *ctx.out << "backup " << backup_id << ": intact ("
             << response.backup().files() << " files, "
             << Bytes(response.backup().size_bytes()) << ", checksums match)\n"
             << std::flush;
  } else {
    *ctx.out << "backup " << backup_id
             << ": DAMAGED: " << SafeText(response.problem()) << '\n'
             << std::flush;
  }
  return response.intact() ? kExitOk : kExitError;
}

int RunPruneBackups(const CommandContext& ctx, uint32_t keep_last) {
  auto stub = Connect(ctx, kPruneCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::PruneBackupsRequest request;
  request.set_keep_last(keep_last);
  hedui::v1::PruneBackupsResponse response;
  const grpc::Status status = stub->PruneBackups(&call, request, &response);
  if (!status.ok()) {
    return Failed(ctx, kPruneCommand, kDefaultTimeoutSeconds, status, call);
  }
  if (ctx.output == OutputFormat::kJson) {
    return PrintMessageJson(ctx, kPruneCommand, response);
  }
  if (response.deleted_backup_ids().empty()) {
    *ctx.out << "nothing to delete\n";
  } else {
    *ctx.out << "deleted backups "
             << absl::StrJoin(response.deleted_backup_ids(), ", ") << '\n';
  }
  std::vector<const hedui::v1::BackupInfo*> kept;
  for (const auto& b : response.kept()) kept.push_back(&b);
  if (!kept.empty()) {
    *ctx.out << "kept:\n";
    WriteBackupTable(kept, *ctx.out);
  }
  *ctx.out << std::flush;
  return kExitOk;
}

void AddAdminCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* admin =
      app.add_subcommand("admin", "Server administration (administrators)");
  admin
      ->add_subcommand("backup",
                       "Back up the whole store now, while the server keeps "
                       "verifying (into the server's backup_dir)")
      ->callback([selected] { *selected = RunCreateBackup; });
  admin->add_subcommand("backups", "List the backups, oldest first")
      ->callback([selected] { *selected = RunListBackups; });

  auto backup_id = std::make_shared<uint32_t>(0);
  CLI::App* verify = admin->add_subcommand(
      "verify-backup",
      "Check every file of a backup against its checksum; exit 1 if damaged");
  verify->add_option("ID", *backup_id, "Backup id (hedui admin backups)")
      ->required();
  verify->callback([backup_id, selected] {
    *selected = [backup_id](const CommandContext& ctx) {
      return RunVerifyBackup(ctx, *backup_id);
    };
  });

  auto keep = std::make_shared<uint32_t>(0);
  CLI::App* prune = admin->add_subcommand(
      "prune-backups", "Delete all but the newest N backups");
  prune->add_option("--keep", *keep, "Backups to keep (at least 1)")
      ->required();
  prune->callback([keep, selected] {
    *selected = [keep](const CommandContext& ctx) {
      return RunPruneBackups(ctx, *keep);
    };
  });
}

}  // namespace hedui::cli
