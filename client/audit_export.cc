#include "client/audit_export.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/audit_file.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/audit.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace hedui::cli {
namespace {

constexpr char kExportCommand[] = "audit export";
constexpr char kVerifyFileCommand[] = "audit verify";
// A long trail takes a while to stream.
constexpr double kExportTimeoutSeconds = 3600;

absl::StatusOr<hedui::v1::ExportAuditRequest> BuildRequest(
    const ExportAuditOptions& options) {
  hedui::v1::ExportAuditRequest request;
  absl::StatusOr<TimeRange> range =
      ParseTimeRangeFlags(options.from, options.to);
  if (!range.ok()) return range.status();
  request.set_from_unix_micros(range->from_unix_micros);
  request.set_to_unix_micros(range->to_unix_micros);
  if (options.out.empty()) {
    return absl::InvalidArgumentError("--out FILE is required");
  }
  return request;
}

}  // namespace

int RunAuditExport(const CommandContext& ctx,
                   const ExportAuditOptions& options) {
  absl::StatusOr<hedui::v1::ExportAuditRequest> request = BuildRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kExportCommand, request.status().message());
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kExportCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::AuditService::NewStub(channel);

  const std::string partial = options.out + ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) {
    return LocalError(ctx, kExportCommand,
                      absl::StrCat("cannot write ", partial));
  }
  // Entries hold no resident ID, but who asked what and when is still the
  // center's business.
  std::error_code ignored;
  std::filesystem::permissions(
      partial,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      ignored);

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kExportTimeoutSeconds, &call);
  std::unique_ptr<grpc::ClientReader<hedui::v1::ExportAuditChunk>> reader =
      stub->ExportAudit(&call, *request);
  hedui::v1::ExportAuditChunk chunk;
  hedui::v1::ExportAuditHeader header;
  bool have_header = false;
  uint64_t entries = 0;
  std::string last_mac;
  std::string problem;
  while (problem.empty() && reader->Read(&chunk)) {
    if (!have_header) {
      if (!chunk.has_header()) {
        problem = "the server's first chunk has no header";
        break;
      }
      header = chunk.header();
      have_header = true;
      last_mac = header.anchor_mac();
      file << ExportHeaderLine(header, ctx.connection.server);
    }
    for (const std::string& stored : chunk.entries()) {
      absl::StatusOr<std::string> line = ExportEntryLine(stored);
      if (!line.ok()) {
        problem = std::string(line.status().message());
        break;
      }
      absl::string_view body, mac;
      SplitStoredEntry(stored, &body, &mac);
      last_mac = std::string(mac);
      file << *line;
      ++entries;
    }
  }
  if (!problem.empty()) call.TryCancel();
  const grpc::Status status = reader->Finish();
  if (!status.ok() && problem.empty()) {
    file.close();
    std::remove(partial.c_str());
    const CallInfo info{
        kExportCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kExportTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }
  if (problem.empty() && !have_header) {
    problem = "the server sent no header";
  }
  if (problem.empty()) {
    file << ExportTrailerLine(entries, last_mac);
    file.flush();
    if (!file) problem = absl::StrCat("cannot write ", partial);
  }
  file.close();
  if (problem.empty() &&
      std::rename(partial.c_str(), options.out.c_str()) != 0) {
    problem = absl::StrCat("cannot rename ", partial, " to ", options.out);
  }
  if (!problem.empty()) {
    std::remove(partial.c_str());
    return LocalError(ctx, kExportCommand, problem);
  }
  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json summary = {{"file", options.out},
                              {"entries", entries},
                              {"first_sequence", header.first_sequence()},
                              {"last_sequence", header.last_sequence()},
                              {"chain_length", header.chain_length()}};
    *ctx.out << summary.dump() << '\n';
  } else if (entries == 0) {
    *ctx.out << "no audit entries in the range; wrote an empty export to "
             << options.out << '\n';
  } else {
    *ctx.out << "exported audit entries " << header.first_sequence() << ".."
             << header.last_sequence() << " (" << entries << " of "
             << header.chain_length() << ") to " << options.out
             << "\ncheck it with: hedui audit verify --file " << options.out
             << " [--key-file AUDIT_KEY]\n";
  }
  *ctx.out << std::flush;
  return kExitOk;
}

int RunAuditVerifyFile(const CommandContext& ctx, const std::string& file,
                       const std::string& key_file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return LocalError(ctx, kVerifyFileCommand,
                      absl::StrCat("cannot read ", file));
  }
  std::string key;
  if (!key_file.empty()) {
    std::ifstream key_in(key_file, std::ios::binary);
    if (!key_in) {
      return LocalError(ctx, kVerifyFileCommand,
                        absl::StrCat("cannot read the key file ", key_file));
    }
    key.assign(std::istreambuf_iterator<char>(key_in), {});
    if (key.empty()) {
      return UsageError(ctx, kVerifyFileCommand,
                        absl::StrCat("--key-file ", key_file, " is empty"));
    }
  }
  const ExportCheck check = CheckAuditExport(in, key);
  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json result = {
        {"intact", check.intact},
        {"macs_checked", check.macs_checked},
        {"entries", check.entries},
        {"first_sequence", check.first_sequence},
        {"last_sequence", check.last_sequence},
        {"first_broken_sequence", check.first_broken_sequence},
        {"problem", check.problem}};
    *ctx.out << result.dump() << '\n';
  } else if (check.intact) {
    *ctx.out << "audit export intact: " << check.entries << " entries";
    if (check.entries > 0) {
      *ctx.out << " (" << check.first_sequence << ".." << check.last_sequence
               << ")";
    }
    *ctx.out << (check.macs_checked
                     ? ", every MAC recomputed with the key\n"
                     : "; sequence, links and anchor checked, MACs NOT "
                       "checked (no --key-file): an entry edited together "
                       "with the links after it would pass\n");
  } else {
    *ctx.out << "audit export BROKEN";
    if (check.first_broken_sequence != 0) {
      *ctx.out << " at sequence " << check.first_broken_sequence;
    }
    *ctx.out << ": " << check.problem << "\n  (" << check.entries
             << " entries intact before it"
             << (check.macs_checked ? ", MACs checked" : ", MACs not checked")
             << ")\n";
  }
  *ctx.out << std::flush;
  return check.intact ? kExitOk : kExitAuditBroken;
}

}  // namespace hedui::cli
