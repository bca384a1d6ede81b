#include "client/ingest.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/file_source.h"
#include "client/printer.h"
#include "client/progress.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
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

std::string PercentText(double share) {
  return absl::StrFormat("%.4g%%", share * 100);
}

void PrintPreviewOrHold(const hedui::v1::IngestResponse& r, std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"department", hedui::v1::Department_Name(r.department())},
      {"batch id", r.batch_id()},
      {"as-of", DateText(r.as_of())},
      {"rows", absl::StrCat(r.rows())},
  };
  if (r.already_applied()) {
    fields.push_back({"preview", "already applied: nothing to preview"});
  } else if (r.held()) {
    fields.push_back(
        {"HELD",
         absl::StrCat(
             "stored but NOT switched in: ",
             r.impact().would_hold() ? "its effect passes the hold threshold"
                                     : "held as asked (--hold)",
             ". `hedui feeds confirm` switches it (with other departments' "
             "held files as one), `hedui feeds discard` drops it")});
  } else {
    fields.push_back({"preview", "nothing was switched"});
  }
  WriteFields(fields, out);
  if (r.has_impact()) {
    out << '\n';
    PrintFeedImpact(r.impact(), out);
  }
  out << std::flush;
}

}  // namespace

void PrintFeedImpact(const hedui::v1::FeedImpact& impact, std::ostream& out) {
  out << "effect on the rolls, evaluated on " << DateText(impact.evaluated_on())
      << " (hold above " << PercentText(impact.hold_share())
      << " of a roll's verdicts and at least " << impact.hold_min_entries()
      << "):\n";
  if (impact.rolls().empty()) {
    out << "  no roll entry is touched\n" << std::flush;
    return;
  }
  const std::vector<Column> columns = {
      {"PROGRAM", false},
      {"COUNTY", false},
      {"ENTRIES", true},
      {"TOUCHED", true},
      {"VERDICTS CHANGED", true},
      {"CONSENT EXPIRED", true},
      {"HOLD", false},
      {"CRITERIA CHANGED", false},
  };
  std::vector<std::vector<std::string>> rows;
  for (const hedui::v1::RollImpact& roll : impact.rolls()) {
    std::vector<std::string> criteria;
    for (const auto& c : roll.criteria_changed()) {
      criteria.push_back(absl::StrCat(
          hedui::v1::Finding::Criterion_Name(c.criterion()), " ", c.entries()));
    }
    rows.push_back(
        {hedui::v1::Program_Name(roll.program()), SafeText(roll.region_code()),
         absl::StrCat(roll.entries()), absl::StrCat(roll.entries_touched()),
         absl::StrCat(roll.verdicts_changed()),
         absl::StrCat(roll.consent_expired()), roll.would_hold() ? "yes" : "no",
         criteria.empty() ? "-" : absl::StrJoin(criteria, ", ")});
  }
  WriteTable(columns, rows, out, 2);
  out << (impact.would_hold() ? "the switch would be HELD\n"
                              : "the switch would not be held\n")
      << std::flush;
}

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
  if (options.hold && options.preview) {
    return absl::InvalidArgumentError(
        "--hold: not together with --preview (a preview keeps nothing)");
  }
  header.set_preview(options.preview);
  header.set_hold(options.hold);
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

  if ((response.preview() || response.held()) &&
      ctx.output == OutputFormat::kTable) {
    PrintPreviewOrHold(response, *ctx.out);
    return kExitOk;
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
      "file is applied whole or not at all. A file that would change more "
      "than the server's share of a roll's verdicts is held until `hedui "
      "feeds confirm`; --preview shows the effect without switching.");
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
  cmd->add_flag("--preview", options->preview,
                "Parse and validate the file like an ingest and show how "
                "many enrolled households it would change, by program, "
                "county and criterion; switch nothing");
  cmd->add_flag("--hold", options->hold,
                "Store the file and hold it without switching, whatever its "
                "effect, to switch it later with other departments' files "
                "as one (`hedui feeds confirm`)");
  cmd->add_option("FILE", options->file, "The feed file (a regular file)")
      ->required();
  cmd->callback([options, batch_id, batch_id_text, selected] {
    if (batch_id->count() > 0) options->batch_id = *batch_id_text;
    *selected = [options](const CommandContext& ctx) {
      return RunIngest(ctx, *options);
    };
  });
}

namespace {

constexpr char kFeedsHeld[] = "feeds held";

struct HeldFeedOptions {
  std::vector<std::string> departments;  // confirm: repeatable
  std::vector<std::string> batch_ids;    // paired with departments in order
};

// The department as the server names it, or a usage error's message.
absl::StatusOr<hedui::v1::Department> ParseDepartment(const std::string& text) {
  hedui::v1::Department department;
  if (text.empty() ||
      !hedui::v1::Department_Parse(absl::AsciiStrToUpper(text), &department) ||
      department == hedui::v1::DEPARTMENT_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--department: unknown department \"", text,
                     "\" (expected one of ", DepartmentNames(), ")"));
  }
  return department;
}

std::unique_ptr<hedui::v1::AdminService::Stub> AdminStub(
    const CommandContext& ctx, absl::string_view command) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, command);
  if (channel == nullptr) return nullptr;
  return hedui::v1::AdminService::NewStub(channel);
}

int RpcFailed(const CommandContext& ctx, const std::string& command,
              const grpc::Status& status, const grpc::ClientContext& call) {
  const CallInfo call_info{
      command, ctx.connection.server,
      EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
  return ReportRpcError(call_info, status, call, *ctx.err);
}

int RunFeedsHeld(const CommandContext& ctx) {
  auto stub = AdminStub(ctx, kFeedsHeld);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::ListHeldFeedsResponse response;
  const grpc::Status status =
      stub->ListHeldFeeds(&call, hedui::v1::ListHeldFeedsRequest(), &response);
  if (!status.ok()) return RpcFailed(ctx, kFeedsHeld, status, call);
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, kFeedsHeld, response);
  }
  std::ostream& out = *ctx.out;
  if (response.feeds().empty()) {
    out << "no department file is held\n" << std::flush;
    return kExitOk;
  }
  bool first = true;
  for (const hedui::v1::HeldFeed& feed : response.feeds()) {
    if (!first) out << '\n';
    first = false;
    WriteFields(
        {{"department", hedui::v1::Department_Name(feed.department())},
         {"batch id", feed.batch_id()},
         {"as-of", DateText(feed.as_of())},
         {"kind", feed.delta() ? "delta" : "full snapshot"},
         {"rows", absl::StrCat(feed.rows())},
         {"held since",
          absl::FormatTime("%Y-%m-%d %H:%M:%S (Asia/Shanghai)",
                           absl::FromUnixSeconds(feed.held_unix_seconds()),
                           ChinaTimeZone())},
         {"held by", SafeText(feed.held_by())}},
        out);
    out << '\n';
    PrintFeedImpact(feed.impact(), out);
  }
  out << std::flush;
  return kExitOk;
}

void PrintConfirmed(const hedui::v1::IngestResponse& response,
                    std::ostream& out) {
  WriteFields(
      {{"department", hedui::v1::Department_Name(response.department())},
       {"batch id", response.batch_id()},
       {"confirmed", response.already_applied()
                         ? "it had been switched in already"
                         : "switched in; the touched entries are "
                           "being re-verified"},
       {"rows", absl::StrCat(response.rows())},
       {"generation", absl::StrCat(response.generation())},
       {"rows now current", absl::StrCat(response.rows_now_current())},
       {"as-of", DateText(response.as_of())}},
      out);
}

int RunFeedsConfirm(const CommandContext& ctx, const HeldFeedOptions& options) {
  const std::string command = "feeds confirm";
  auto request = BuildConfirmHeldFeeds(options.departments, options.batch_ids);
  if (!request.ok())
    return UsageError(ctx, command, request.status().message());
  auto stub = AdminStub(ctx, command);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  // A confirmation switches whole files in, like an ingest.
  SetDeadline(ctx.connection, kIngestDefaultTimeoutSeconds, &call);
  if (request->feeds_size() == 1) {
    hedui::v1::IngestResponse response;
    const grpc::Status status =
        stub->ConfirmHeldFeed(&call, request->feeds(0), &response);
    if (!status.ok()) return RpcFailed(ctx, command, status, call);
    if (ctx.output != OutputFormat::kTable) {
      return PrintMessageJson(ctx, command, response);
    }
    PrintConfirmed(response, *ctx.out);
    *ctx.out << std::flush;
    return kExitOk;
  }
  // Several departments' files as one switch and one re-verification pass.
  hedui::v1::ConfirmHeldFeedsResponse response;
  const grpc::Status status =
      stub->ConfirmHeldFeeds(&call, *request, &response);
  if (!status.ok()) return RpcFailed(ctx, command, status, call);
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, command, response);
  }
  bool first = true;
  for (const hedui::v1::IngestResponse& result : response.results()) {
    if (!first) *ctx.out << '\n';
    first = false;
    PrintConfirmed(result, *ctx.out);
  }
  *ctx.out << "\n"
           << response.results_size()
           << " files switched in as one: the entries they touch are "
              "re-verified once, against all of them\n"
           << std::flush;
  return kExitOk;
}

int RunFeedsDiscard(const CommandContext& ctx,
                    const std::string& department_text,
                    const std::string& batch_id) {
  const std::string command = "feeds discard";
  auto department = ParseDepartment(department_text);
  if (!department.ok()) {
    return UsageError(ctx, command, department.status().message());
  }
  if (absl::StripAsciiWhitespace(batch_id).empty()) {
    return UsageError(ctx, command,
                      "--batch-id: required (`hedui feeds held` lists it)");
  }
  auto stub = AdminStub(ctx, command);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kIngestDefaultTimeoutSeconds, &call);
  hedui::v1::DiscardHeldFeedRequest request;
  request.set_department(*department);
  request.set_batch_id(batch_id);
  hedui::v1::DiscardHeldFeedResponse response;
  const grpc::Status status = stub->DiscardHeldFeed(&call, request, &response);
  if (!status.ok()) return RpcFailed(ctx, command, status, call);
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, command, response);
  }
  WriteFields({{"department",
                hedui::v1::Department_Name(response.discarded().department())},
               {"batch id", response.discarded().batch_id()},
               {"discarded",
                "nothing of it was switched in; the department takes "
                "files again"}},
              *ctx.out);
  *ctx.out << std::flush;
  return kExitOk;
}

}  // namespace

void AddFeedsCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* feeds = app.add_subcommand(
      "feeds",
      "Department files held before their switch (a file that would change "
      "more than the server's share of a roll's verdicts, or one sent with "
      "`hedui ingest --hold`)");
  feeds->require_subcommand(1);
  feeds
      ->add_subcommand("held",
                       "List the held files with their effect on the rolls")
      ->callback([selected] { *selected = RunFeedsHeld; });
  {
    auto options = std::make_shared<HeldFeedOptions>();
    CLI::App* cmd = feeds->add_subcommand(
        "confirm",
        "Switch held files in as of today; the entries they touch are "
        "re-verified (administrators). Several departments' files, each "
        "--department with its --batch-id in order, are switched as one: "
        "all or none, and one re-verification pass over all of them");
    cmd->add_option("--department", options->departments,
                    "Department code of a held file, e.g. TAX (repeat it, "
                    "with --batch-id, for several departments)")
        ->required()
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--batch-id", options->batch_ids,
                    "Batch id of the held file (`hedui feeds held`), one "
                    "per --department, in the same order")
        ->required()
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->callback([options, selected] {
      *selected = [options](const CommandContext& ctx) {
        return RunFeedsConfirm(ctx, *options);
      };
    });
  }
  {
    auto department = std::make_shared<std::string>();
    auto batch_id = std::make_shared<std::string>();
    CLI::App* cmd = feeds->add_subcommand(
        "discard",
        "Drop a held file: nothing of it is switched in (administrators)");
    cmd->add_option("--department", *department,
                    "Department code of the held file, e.g. TAX")
        ->required();
    cmd->add_option("--batch-id", *batch_id,
                    "Batch id of the held file (`hedui feeds held`)")
        ->required();
    cmd->callback([department, batch_id, selected] {
      *selected = [department, batch_id](const CommandContext& ctx) {
        return RunFeedsDiscard(ctx, *department, *batch_id);
      };
    });
  }
}

absl::StatusOr<hedui::v1::ConfirmHeldFeedsRequest> BuildConfirmHeldFeeds(
    const std::vector<std::string>& departments,
    const std::vector<std::string>& batch_ids) {
  if (departments.empty()) {
    return absl::InvalidArgumentError(
        "--department: required (`hedui feeds held` lists the held files)");
  }
  if (departments.size() != batch_ids.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch-id: one per --department, in the same order (",
                     departments.size(), " --department, ", batch_ids.size(),
                     " --batch-id)"));
  }
  hedui::v1::ConfirmHeldFeedsRequest request;
  for (size_t i = 0; i < departments.size(); ++i) {
    auto department = ParseDepartment(departments[i]);
    if (!department.ok()) return department.status();
    for (const auto& earlier : request.feeds()) {
      if (earlier.department() == *department) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--department: ", hedui::v1::Department_Name(*department),
            " is given twice (a confirmation takes one file per "
            "department)"));
      }
    }
    if (absl::StripAsciiWhitespace(batch_ids[i]).empty()) {
      return absl::InvalidArgumentError(
          "--batch-id: must not be empty (`hedui feeds held` lists it)");
    }
    auto* feed = request.add_feeds();
    feed->set_department(*department);
    feed->set_batch_id(batch_ids[i]);
  }
  return request;
}

}  // namespace hedui::cli
