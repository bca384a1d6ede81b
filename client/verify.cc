#include "client/verify.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/printer.h"
#include "client/progress.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/verification_service.grpc.pb.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

constexpr char kCommand[] = "verify";

// Keeps the first error only: later ones are usually consequences of it.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!error_.empty()) return;
    error_ =
        absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

absl::StatusOr<hedui::v1::VerificationRequest> ParseJsonRequest(
    absl::string_view text) {
  hedui::v1::VerificationRequest request;
  google::protobuf::util::JsonParseOptions options;
  // A misspelt field would otherwise be dropped and the household verified
  // without it.
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      std::string(text), &request, options);
  if (!status.ok()) {
    // The parser quotes the input around the error on the next lines; that
    // excerpt may hold a resident ID cut short, which no mask would catch.
    const std::string message = status.message().ToString();
    return absl::InvalidArgumentError(
        absl::StrCat("not a hedui.v1.VerificationRequest in proto JSON: ",
                     SafeText(message.substr(0, message.find('\n')))));
  }
  return request;
}

// The one place request-level overrides are applied, for --household and
// every line of --batch alike.
struct Overrides {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  absl::optional<hedui::v1::Date> date;

  void ApplyTo(hedui::v1::VerificationRequest* request) const {
    if (program != hedui::v1::PROGRAM_UNSPECIFIED) {
      request->set_program(program);
    }
    if (date.has_value()) *request->mutable_verification_date() = *date;
  }
};

absl::StatusOr<Overrides> ParseOverrides(const VerifyOptions& options) {
  Overrides overrides;
  if (!options.program.empty()) {
    absl::StatusOr<hedui::v1::Program> program =
        ParseProgramFlag("--program", options.program);
    if (!program.ok()) return program.status();
    overrides.program = *program;
  }
  if (!options.date.empty()) {
    absl::StatusOr<hedui::v1::Date> date =
        ParseDateFlag("--date", options.date);
    if (!date.ok()) return date.status();
    overrides.date = *date;
  }
  return overrides;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path,
                                          absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot open \"", path, "\""));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

int RunSingle(const CommandContext& ctx, const VerifyOptions& options) {
  absl::StatusOr<hedui::v1::VerificationRequest> request =
      BuildVerifyRequest(options);
  if (!request.ok())
    return UsageError(ctx, kCommand, request.status().message());
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::VerificationService::NewStub(channel);

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::VerifyRequest verify;
  *verify.mutable_request() = *std::move(request);
  hedui::v1::VerifyResponse response;
  const grpc::Status status = stub->Verify(&call, verify, &response);
  if (!status.ok()) {
    const CallInfo info{
        kCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }
  return PrintOutcome(
      ctx, kCommand,
      MakePrinter(ctx.output)->PrintReport(response.report(), *ctx.out));
}

// Reads --batch line by line; blank lines are skipped. Used twice: to
// check every line before anything is sent, then to send them, so the file
// is never held in memory.
class BatchFile {
 public:
  explicit BatchFile(const std::string& path) : in_(path, std::ios::binary) {}
  bool is_open() const { return static_cast<bool>(in_); }

  // The next request; nullopt at the end. Errors name the line.
  absl::StatusOr<absl::optional<hedui::v1::VerificationRequest>> Next() {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_number_;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      absl::StatusOr<hedui::v1::VerificationRequest> request =
          ParseJsonRequest(line);
      if (!request.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--batch: line ", line_number_, ": ", request.status().message()));
      }
      return absl::optional<hedui::v1::VerificationRequest>(
          *std::move(request));
    }
    return absl::optional<hedui::v1::VerificationRequest>();
  }

 private:
  std::ifstream in_;
  int64_t line_number_ = 0;
};

int RunBatch(const CommandContext& ctx, const VerifyOptions& options) {
  if (!options.household.empty()) {
    return UsageError(ctx, kCommand,
                      "--batch and --household are exclusive (a batch file "
                      "holds one request per line)");
  }
  absl::StatusOr<Overrides> overrides = ParseOverrides(options);
  if (!overrides.ok()) {
    return UsageError(ctx, kCommand, overrides.status().message());
  }
  // First pass: a line that is not a request stops the batch before
  // anything is sent, rather than leaving a half-verified file. The
  // application ids name the results, including error results, which carry
  // no report.
  std::vector<std::string> application_ids;
  {
    BatchFile file(options.batch);
    if (!file.is_open()) {
      return UsageError(
          ctx, kCommand,
          absl::StrCat("--batch: cannot open \"", options.batch, "\""));
    }
    for (;;) {
      auto next = file.Next();
      if (!next.ok()) return UsageError(ctx, kCommand, next.status().message());
      if (!next->has_value()) break;
      application_ids.push_back((*next)->application_id());
    }
  }
  if (application_ids.empty()) {
    return UsageError(
        ctx, kCommand,
        absl::StrCat("--batch: \"", options.batch, "\" holds no request"));
  }
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;
  auto stub = hedui::v1::VerificationService::NewStub(channel);

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kBatchDefaultTimeoutSeconds, &call);
  auto stream = stub->VerifyBatch(&call);

  // Requests are written from their own thread while results are read
  // here: the server answers as it goes and reads the next request only
  // when it can take it, so writing everything first could deadlock.
  int64_t sent = 0;
  std::string writer_error;
  std::thread writer([&] {
    BatchFile file(options.batch);
    hedui::v1::VerifyRequest request;
    for (;;) {
      auto next = file.Next();
      if (!next.ok() ||
          (next->has_value() &&
           sent >= static_cast<int64_t>(application_ids.size()))) {
        writer_error = "--batch: the file changed while it was being sent";
        call.TryCancel();
        return;
      }
      if (!next->has_value()) break;
      *request.mutable_request() = **std::move(next);
      overrides->ApplyTo(request.mutable_request());
      if (!stream->Write(request)) return;  // Finish() says why
      ++sent;
    }
    stream->WritesDone();
  });

  const std::unique_ptr<Printer> printer = MakePrinter(ctx.output);
  BatchProgress progress(ctx.err, ctx.progress, ctx.out_is_terminal,
                         static_cast<int64_t>(application_ids.size()),
                         absl::Now());
  progress.AfterResult(0, absl::Now());
  BatchSummary summary;
  int exit_code = kExitOk;
  hedui::v1::VerifyBatchResult result;
  while (stream->Read(&result)) {
    ++summary.results;
    const bool known_index =
        result.index() >= 0 &&
        result.index() < static_cast<int64_t>(application_ids.size());
    const std::string& application_id =
        known_index ? application_ids[result.index()] : std::string();
    if (result.code() == 0) {
      ++summary.verdicts[VerdictName(result.report().verdict())];
    } else {
      const auto code = static_cast<grpc::StatusCode>(result.code());
      ++summary.errors[StatusCodeName(code)];
      exit_code = MoreSevereExit(exit_code, ExitCodeForStatus(code));
    }
    progress.BeforeResult();
    const absl::Status printed =
        printer->PrintBatchResult(result, application_id, *ctx.out);
    progress.AfterResult(summary.results, absl::Now());
    if (!printed.ok()) {
      progress.End(summary.results, absl::Now());
      call.TryCancel();
      writer.join();
      stream->Finish();
      return LocalError(ctx, kCommand, printed.message());
    }
  }
  progress.End(summary.results, absl::Now());
  writer.join();
  const grpc::Status status = stream->Finish();
  summary.sent = sent;
  if (summary.results > 0 || status.ok()) {
    if (absl::Status s = printer->PrintBatchSummary(summary, *ctx.out);
        !s.ok()) {
      return LocalError(ctx, kCommand, s.message());
    }
  }
  if (!writer_error.empty()) return LocalError(ctx, kCommand, writer_error);
  if (!status.ok()) {
    const CallInfo info{
        kCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kBatchDefaultTimeoutSeconds)};
    return MoreSevereExit(exit_code,
                          ReportRpcError(info, status, call, *ctx.err));
  }
  if (summary.results != sent) {
    return MoreSevereExit(
        exit_code,
        LocalError(ctx, kCommand,
                   absl::StrCat("the server answered ", summary.results, " of ",
                                sent, " requests")));
  }
  return exit_code;
}

}  // namespace

absl::StatusOr<hedui::v1::VerificationRequest> ParseRequestFile(
    absl::string_view path, absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".json")) {
    absl::StatusOr<hedui::v1::VerificationRequest> request =
        ParseJsonRequest(text);
    if (!request.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--household \"", path, "\": ", request.status().message()));
    }
    return request;
  }
  if (absl::EndsWith(lower, ".textproto") || absl::EndsWith(lower, ".txtpb") ||
      absl::EndsWith(lower, ".txt")) {
    hedui::v1::VerificationRequest request;
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(text), &request)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--household \"", path,
          "\": not a hedui.v1.VerificationRequest in text format: ",
          SafeText(errors.error())));
    }
    return request;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--household \"", path,
                   "\": unknown format (expected .json for proto JSON, or "
                   ".textproto, .txtpb or .txt for text format)"));
}

absl::StatusOr<hedui::v1::VerificationRequest> BuildVerifyRequest(
    const VerifyOptions& options) {
  absl::StatusOr<Overrides> overrides = ParseOverrides(options);
  if (!overrides.ok()) return overrides.status();
  if (options.household.empty()) {
    return absl::InvalidArgumentError(
        "--household FILE or --batch FILE.jsonl is required");
  }
  absl::StatusOr<std::string> text =
      ReadWholeFile(options.household, "--household");
  if (!text.ok()) return text.status();
  absl::StatusOr<hedui::v1::VerificationRequest> request =
      ParseRequestFile(options.household, *text);
  if (!request.ok()) return request.status();
  overrides->ApplyTo(&*request);
  if (request->program() == hedui::v1::PROGRAM_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "--program is required: the household file names no program");
  }
  if (request->members_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--household \"", options.household,
                     "\": no members (the first member is the applicant)"));
  }
  for (int i = 0; i < request->members_size(); ++i) {
    if (absl::Status s = ValidateResidentId(
            request->members(i).person_id(),
            absl::StrCat("--household: members[", i, "].person_id"));
        !s.ok()) {
      return s;
    }
  }
  return request;
}

int RunVerify(const CommandContext& ctx, const VerifyOptions& options) {
  if (!options.batch.empty()) return RunBatch(ctx, options);
  return RunSingle(ctx, options);
}

void AddVerifyCommand(CLI::App& app, CommandAction* selected) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify a household for a program and print the report (--household), "
      "or stream a JSONL file of requests through VerifyBatch (--batch)");
  cmd->add_option("--program", options->program,
                  "Program code (DIBAO, TEKUN, LOW_INCOME_MARGIN, TEMPORARY, "
                  "MEDICAL, HOUSING, UNION_HARDSHIP); overrides the file's");
  cmd->add_option("--household", options->household,
                  "A hedui.v1.VerificationRequest: .json (proto JSON) or "
                  ".textproto/.txtpb/.txt (text format)");
  cmd->add_option("--date", options->date,
                  "Verification date YYYY-MM-DD (default: the file's, else "
                  "today in Asia/Shanghai)");
  cmd->add_option("--batch", options->batch,
                  "JSONL file, one VerificationRequest in proto JSON a line");
  cmd->callback([options, selected] {
    *selected = [options](const CommandContext& ctx) {
      return RunVerify(ctx, *options);
    };
  });
}

}  // namespace hedui::cli
