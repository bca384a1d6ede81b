#include "client/ingest.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/exit_codes.h"
#include "client/file_source.h"
#include "client/printer.h"
#include "client/progress.h"
#include "client/rpc_error.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/admin.grpc.pb.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

constexpr char kCommand[] = "ingest";

// The department codes, from the proto so a new department needs no CLI
// change.
std::string DepartmentNames() {
  std::vector<std::string> names;
  const auto* descriptor = hedui::v1::Department_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() == 0) continue;
    names.push_back(descriptor->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

int UsageError(const CommandContext& ctx, absl::string_view message) {
  *ctx.err << "hedui " << kCommand << ": " << message
           << "\nRun 'hedui ingest --help' for usage.\n"
           << std::flush;
  return kExitUsage;
}

int LocalError(const CommandContext& ctx, absl::string_view message) {
  *ctx.err << "hedui " << kCommand << ": " << message << '\n' << std::flush;
  return kExitError;
}

}  // namespace

absl::StatusOr<hedui::v1::IngestHeader> BuildIngestHeader(
    const IngestOptions& options) {
  hedui::v1::IngestHeader header;

  hedui::v1::Department department;
  if (options.department.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--department is required (one of ", DepartmentNames(), ")"));
  }
  if (!hedui::v1::Department_Parse(absl::AsciiStrToUpper(options.department),
                                   &department) ||
      department == hedui::v1::DEPARTMENT_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--department: unknown department \"", options.department,
                     "\" (expected one of ", DepartmentNames(), ")"));
  }
  header.set_department(department);

  if (options.as_of.empty()) {
    return absl::InvalidArgumentError(
        "--as-of is required (the date of the data, YYYY-MM-DD)");
  }
  absl::StatusOr<absl::CivilDay> as_of = ParseCivilDay(options.as_of);
  if (!as_of.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--as-of \"", options.as_of, "\": ", as_of.status().message(),
        " (expected a real date as YYYY-MM-DD)"));
  }
  *header.mutable_as_of() = ToProto(*as_of);

  hedui::v1::FeedEncoding encoding;
  if (!hedui::v1::FeedEncoding_Parse(absl::AsciiStrToUpper(options.encoding),
                                     &encoding) ||
      encoding == hedui::v1::FEED_ENCODING_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--encoding: unknown encoding \"", options.encoding,
        "\" (expected UTF8 or GB18030; GB18030 also covers GBK and GB2312)"));
  }
  header.set_encoding(encoding);

  if (options.batch_id.has_value()) {
    // An empty --batch-id would silently fall back to the file's hash.
    if (absl::StripAsciiWhitespace(*options.batch_id).empty()) {
      return absl::InvalidArgumentError(
          "--batch-id: must not be empty (omit it to use the file's "
          "SHA-256)");
    }
    header.set_batch_id(*options.batch_id);
  }

  if (options.file.empty()) {
    return absl::InvalidArgumentError("FILE is required");
  }
  header.set_delta(options.delta);
  header.set_force(options.force);
  return header;
}

int RunIngest(const CommandContext& ctx, const IngestOptions& options) {
  absl::StatusOr<hedui::v1::IngestHeader> header = BuildIngestHeader(options);
  if (!header.ok()) return UsageError(ctx, header.status().message());

  absl::StatusOr<std::unique_ptr<ChunkReader>> opened =
      ChunkReader::Open(options.file);
  if (!opened.ok()) {
    return UsageError(ctx, absl::StrCat("FILE: ", opened.status().message()));
  }
  ChunkReader& reader = **opened;
  const int64_t total_bytes = reader.size();
  header->set_total_bytes(total_bytes);

  // The default batch id is the hash of the content, so re-sending the same
  // file is recognised as already applied. It is computed while the file is
  // sent, in one pass, and sent as the stream's last message: the id then
  // describes exactly the bytes sent.
  const bool hash_is_batch_id = header->batch_id().empty();

  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(ctx.connection);
  if (!channel.ok()) return UsageError(ctx, channel.status().message());
  std::unique_ptr<hedui::v1::AdminService::Stub> stub =
      hedui::v1::AdminService::NewStub(*channel);

  const CallInfo call_info{
      kCommand, ctx.connection.server,
      EffectiveTimeout(ctx.connection, kIngestDefaultTimeoutSeconds)};
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kIngestDefaultTimeoutSeconds, &call);
  const absl::Time start = absl::Now();
  hedui::v1::IngestResponse response;
  std::unique_ptr<grpc::ClientWriter<hedui::v1::IngestRequest>> writer =
      stub->Ingest(&call, &response);

  hedui::v1::IngestRequest request;
  *request.mutable_header() = *header;
  // Write() returning false means the call is over (the server answered
  // early, e.g. rejecting the header, or the connection broke): stop sending
  // and let Finish() say why.
  bool stream_open = writer->Write(request);

  ProgressReporter progress(ctx.err, ctx.progress, total_bytes, start);
  Sha256 content_hash;
  int64_t bytes_sent = 0;
  int64_t newlines_sent = 0;
  // One buffer reused for every chunk: the file is never held whole.
  std::string* chunk = request.mutable_chunk();
  while (stream_open) {
    absl::StatusOr<bool> more = reader.Next(chunk);
    if (!more.ok()) {
      // Cancelling before the end of the stream makes the server drop
      // what it received instead of applying a truncated file.
      call.TryCancel();
      writer->Finish();
      progress.EndLine();
      return LocalError(ctx, absl::StrCat(more.status().message(),
                                          "; the upload was cancelled"));
    }
    if (!*more) break;
    if (hash_is_batch_id) content_hash.Update(*chunk);
    bytes_sent += static_cast<int64_t>(chunk->size());
    newlines_sent += std::count(chunk->begin(), chunk->end(), '\n');
    stream_open = writer->Write(request);
    progress.Update(bytes_sent, RowsSent(newlines_sent), absl::Now());
  }

  if (stream_open) {
    // total_bytes describes the file as it was opened; if its size changed
    // since (an export still being written), the bytes sent are not that
    // file, so the upload is cancelled before it can commit.
    const bool changed = bytes_sent != total_bytes;
    if (changed) {
      call.TryCancel();
      writer->Finish();
      progress.EndLine();
      return LocalError(
          ctx, absl::StrCat("FILE \"", options.file,
                            "\" changed while it was being sent (", total_bytes,
                            " bytes when opened, ", bytes_sent,
                            " sent); the upload was cancelled. Send it again "
                            "once the file is complete."));
    }
    if (hash_is_batch_id) {
      absl::StatusOr<std::string> digest = content_hash.HexDigest();
      if (!digest.ok()) {
        call.TryCancel();
        writer->Finish();
        progress.EndLine();
        return LocalError(ctx, digest.status().message());
      }
      request.set_batch_id(*digest);
      stream_open = writer->Write(request);
    }
    progress.Final(bytes_sent, RowsSent(newlines_sent), absl::Now(),
                   "sent; the server is validating and committing");
    if (stream_open) writer->WritesDone();
  }
  const grpc::Status status = writer->Finish();
  const absl::Time end = absl::Now();
  progress.EndLine();
  if (!status.ok()) return ReportRpcError(call_info, status, call, *ctx.err);
  if (!stream_open) {
    // OK without having read the whole file would be a server bug; do not
    // report a success the data may not match.
    return LocalError(ctx,
                      "the server answered OK before the whole file was sent; "
                      "check `hedui departments` before trusting this load");
  }

  IngestSummary summary;
  summary.response = std::move(response);
  summary.client_seconds = absl::ToDoubleSeconds(end - start);
  if (absl::Status s =
          MakePrinter(ctx.output)->PrintIngestSummary(summary, *ctx.out);
      !s.ok()) {
    return LocalError(ctx, s.message());
  }
  return kExitOk;
}

void AddIngestCommand(CLI::App& app, CommandAction* selected) {
  auto options = std::make_shared<IngestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Load one department feed file (CSV, see deploy/feeds/README.md). The "
      "file is applied whole or not at all.");
  cmd->add_option("--department", options->department,
                  "Department code, e.g. TAX, HOUSEHOLD_REGISTRATION")
      ->required();
  cmd->add_option("--as-of", options->as_of,
                  "Date of the data in the file, YYYY-MM-DD")
      ->required();
  cmd->add_flag("--delta", options->delta,
                "The file holds upserts and deletions (first column `op`), "
                "not a full snapshot");
  // absl::optional cannot be bound by CLI11: bind a string, and read
  // whether the flag was given after parsing.
  auto batch_id_text = std::make_shared<std::string>();
  CLI::Option* batch_id =
      cmd->add_option("--batch-id", *batch_id_text,
                      "Source batch id (default: SHA-256 of the file)");
  cmd->add_option("--encoding", options->encoding,
                  "Text encoding of the file: UTF8 or GB18030 (also GBK, "
                  "GB2312)")
      ->capture_default_str();
  cmd->add_flag("--force", options->force,
                "Accept a full snapshot with under half the rows of the "
                "current one");
  cmd->add_option("FILE", options->file, "The feed file (a regular file)")
      ->required();
  cmd->callback([options, batch_id, batch_id_text, selected] {
    if (batch_id->count() > 0) options->batch_id = *batch_id_text;
    *selected = [options](const CommandContext& ctx) {
      return RunIngest(ctx, *options);
    };
  });
}

}  // namespace hedui::cli
