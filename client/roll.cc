#include "client/roll.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/command_util.h"
#include "client/connection.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/report_id.h"
#include "client/report_text_parts.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
#include "client/zh_names.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/roll_service.grpc.pb.h"
#include "openssl/rand.h"
#include "storage/types/utf8_count.h"

namespace hedui::cli {
namespace {

using hedui::v1::RollEntry;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kEnrollCommand[] = "roll enroll";
constexpr char kWithdrawCommand[] = "roll withdraw";
constexpr char kAttachCommand[] = "roll attach-consent";
constexpr char kGetCommand[] = "roll get";
constexpr char kListCommand[] = "roll list";
constexpr char kReverifyCommand[] = "roll reverify";

constexpr size_t kEntryDigits = 12;
constexpr size_t kMaxRequestIdCharacters = 64;
constexpr size_t kMaxCaseworkerCharacters = 64;
constexpr size_t kMaxTextCharacters = 200;
constexpr size_t kMaxConsentIdCharacters = 64;
constexpr int kMaxSigners = 60;
constexpr int kMaxConsentPrograms = 16;
constexpr int kMaxRollPageSize = 500;

// Programs with a roll (domain.md §10.1): the others are one-off.
constexpr hedui::v1::Program kRollPrograms[] = {
    hedui::v1::DIBAO, hedui::v1::TEKUN, hedui::v1::LOW_INCOME_MARGIN,
    hedui::v1::HOUSING, hedui::v1::UNION_HARDSHIP};

std::string EntryIdProblem(absl::string_view id) {
  if (id.empty()) return "missing";
  const size_t characters = Utf8CharacterCount(id);
  if (characters != kEntryDigits + 1) {
    return absl::StrCat("has ", characters, " characters, not ",
                        kEntryDigits + 1);
  }
  if (id.size() != kEntryDigits + 1) {
    return "has characters other than E and the digits 0-9 (fullwidth?)";
  }
  if (id[0] != 'E') return "does not start with a capital E";
  for (char c : id.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return "has something other than a digit after the E";
    }
  }
  if (id.substr(1).find_first_not_of('0') == absl::string_view::npos) {
    return "is E000000000000, which no entry has";
  }
  return "";
}

bool RequestIdCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : SafeText(text);
}

bool DateIsSet(const hedui::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

bool IsRealDate(const hedui::v1::Date& date) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  return day.year() == date.year() && day.month() == date.month() &&
         day.day() == date.day() && date.year() >= 1900;
}

// "R000000000001（符合，核对日期 2026-11-03）"
std::string ReportText(const std::string& report_id, hedui::v1::Verdict verdict,
                       const hedui::v1::Date& date) {
  if (report_id.empty()) return "-";
  std::vector<std::string> about;
  if (verdict != hedui::v1::VERDICT_UNSPECIFIED) {
    about.push_back(ZhLabel(verdict));
  }
  if (DateIsSet(date))
    about.push_back(absl::StrCat("核对日期 ", DateText(date)));
  if (about.empty()) return SafeText(report_id);
  return absl::StrCat(SafeText(report_id), "（", absl::StrJoin(about, "，"),
                      "）");
}

std::string ProgramList(const google::protobuf::RepeatedField<int>& programs) {
  std::vector<std::string> names;
  for (int p : programs) {
    names.push_back(ZhLabel(static_cast<hedui::v1::Program>(p)));
  }
  return names.empty() ? "-" : absl::StrJoin(names, "、");
}

std::string MaskedIdList(
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<std::string> masked;
  for (const std::string& id : ids) masked.push_back(MaskedId(id));
  return masked.empty() ? "-" : absl::StrJoin(masked, "、");
}

void WriteConsent(const hedui::v1::Consent& consent, std::ostream& out) {
  WriteFields({{"授权编号", OrDash(consent.consent_id())},
               {"签署日期", DateText(consent.signed_on())},
               {"签署人", MaskedIdList(consent.signer_ids())},
               {"适用项目", ProgramList(consent.programs())}},
              out, 2);
}

absl::StatusOr<hedui::v1::Consent> ParseConsentFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--consent: cannot open \"", SafeText(path), "\""));
  }
  std::ostringstream content;
  content << in.rdbuf();
  hedui::v1::Consent consent;
  if (absl::EndsWith(path, ".json")) {
    google::protobuf::util::JsonParseOptions options;
    // A misspelt field would otherwise be dropped and the consent sent
    // without it.
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        content.str(), &consent, options);
    if (!status.ok()) {
      // The parser's excerpt of the input may hold a resident ID.
      const std::string message = status.message().ToString();
      return absl::InvalidArgumentError(
          absl::StrCat("--consent: not a hedui.v1.Consent in proto JSON: ",
                       SafeText(message.substr(0, message.find('\n')))));
    }
    return consent;
  }
  google::protobuf::TextFormat::Parser parser;
  if (!parser.ParseFromString(content.str(), &consent)) {
    return absl::InvalidArgumentError(
        "--consent: not a hedui.v1.Consent in proto JSON (.json) or text "
        "format (.textproto, .txtpb, .txt)");
  }
  return consent;
}

// The consent's own bounds (roll_service.proto AttachConsentRequest),
// named as `where` calls its parts.
struct ConsentNames {
  std::string id;
  std::string signed_on;
  std::string signer;
  std::string program;
};

absl::Status CheckConsent(const hedui::v1::Consent& consent,
                          const ConsentNames& names) {
  if (absl::Status s = ValidateFreeText(names.id, consent.consent_id(),
                                        kMaxConsentIdCharacters,
                                        /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (!DateIsSet(consent.signed_on())) {
    return absl::InvalidArgumentError(
        absl::StrCat(names.signed_on,
                     " is required (the day the consent was signed, "
                     "YYYY-MM-DD)"));
  }
  if (!IsRealDate(consent.signed_on())) {
    return absl::InvalidArgumentError(absl::StrCat(
        names.signed_on, " ", DateText(consent.signed_on()),
        ": not a calendar date (expected a real date as YYYY-MM-DD)"));
  }
  if (consent.signer_ids().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        names.signer,
        " is required (the resident ID of each adult who signed)"));
  }
  if (consent.signer_ids_size() > kMaxSigners) {
    return absl::InvalidArgumentError(
        absl::StrCat(names.signer, ": ", consent.signer_ids_size(),
                     " signers, at most ", kMaxSigners));
  }
  for (int i = 0; i < consent.signer_ids_size(); ++i) {
    if (absl::Status s = ValidatePersonFlag(
            absl::StrCat(names.signer, " (signer ", i + 1, ")"),
            consent.signer_ids(i));
        !s.ok()) {
      return s;
    }
  }
  if (consent.programs().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        names.program, " is required (each program the consent covers)"));
  }
  if (consent.programs_size() > kMaxConsentPrograms) {
    return absl::InvalidArgumentError(
        absl::StrCat(names.program, ": ", consent.programs_size(),
                     " programs, at most ", kMaxConsentPrograms));
  }
  for (int p : consent.programs()) {
    if (p == hedui::v1::PROGRAM_UNSPECIFIED || !hedui::v1::Program_IsValid(p)) {
      return absl::InvalidArgumentError(
          absl::StrCat(names.program, ": unknown program ", p));
    }
  }
  return absl::OkStatus();
}

// Prints a changing call's answer: the entry as a caseworker reads it, or
// the message whole.
int PrintEntryOutcome(const CommandContext& ctx, absl::string_view command,
                      const google::protobuf::Message& message,
                      const std::string& heading, const RollEntry& entry) {
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, command, message);
  }
  if (!heading.empty()) *ctx.out << heading << "\n\n";
  WriteRollEntryText(entry, *ctx.out);
  *ctx.out << std::flush;
  return kExitOk;
}

std::unique_ptr<hedui::v1::RollService::Stub> RollStub(
    const CommandContext& ctx, absl::string_view command) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, command);
  if (channel == nullptr) return nullptr;
  return hedui::v1::RollService::NewStub(channel);
}

// --request-id when given (checked); else the Run function makes one.
absl::Status TakeRequestId(const std::string& given, std::string* field) {
  if (given.empty()) return absl::OkStatus();
  if (absl::Status s = ValidateRequestId("--request-id", given); !s.ok()) {
    return s;
  }
  *field = given;
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEntryId(absl::string_view argument, absl::string_view id) {
  const std::string problem = EntryIdProblem(id);
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      argument, ": the entry id ", problem,
      " (expected E followed by 12 digits, e.g. ", kEntryIdExample, ")"));
}

absl::Status ValidateRequestId(absl::string_view flag, absl::string_view id) {
  const auto fail = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": the request id ", problem,
                     " (expected 1 to 64 characters of A-Z a-z 0-9 . _ : -)"));
  };
  if (id.empty()) return fail("is empty");
  if (id.size() > kMaxRequestIdCharacters) {
    return fail(absl::StrCat("has ", Utf8CharacterCount(id), " characters"));
  }
  for (char c : id) {
    if (!RequestIdCharacter(c)) return fail("has other characters");
  }
  return absl::OkStatus();
}

std::string NewRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Never reached in practice; a clock-based id still differs per call.
    const auto now = absl::ToUnixNanos(absl::Now());
    for (size_t i = 0; i < sizeof bytes; ++i) {
      bytes[i] = static_cast<unsigned char>(now >> (8 * (i % 8)));
    }
  }
  return absl::StrCat("cli-",
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(bytes), sizeof bytes)));
}

std::string AnnounceNewRequestId(const CommandContext& ctx,
                                 absl::string_view command) {
  std::string id = NewRequestId();
  *ctx.err << "hedui " << command << ": request id " << id
           << " (to repeat this call without doing it twice, add "
              "--request-id "
           << id << ")\n"
           << std::flush;
  return id;
}

absl::Status ValidateFreeText(absl::string_view flag, absl::string_view text,
                              size_t max_characters, bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, text.empty() ? " is required" : " is blank"));
  }
  const size_t characters = Utf8CharacterCount(text);
  if (characters > max_characters) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": ", characters, " characters, at most ", max_characters));
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": has a control character (a line break?)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<hedui::v1::Program> ParseRollProgramFlag(
    absl::string_view flag, absl::string_view text) {
  absl::StatusOr<hedui::v1::Program> program = ParseProgramFlag(flag, text);
  if (!program.ok()) return program.status();
  for (hedui::v1::Program p : kRollPrograms) {
    if (*program == p) return program;
  }
  std::vector<std::string> names;
  for (hedui::v1::Program p : kRollPrograms) names.push_back(ProgramName(p));
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " ", ProgramName(*program),
                   ": one-off assistance has no roll (expected one of ",
                   absl::StrJoin(names, ", "), ")"));
}

std::vector<hedui::v1::Program> RollPrograms() {
  return {std::begin(kRollPrograms), std::end(kRollPrograms)};
}

std::vector<int> WithdrawReasons() {
  return {RollEntry::INCOME,     RollEntry::ASSETS,    RollEntry::DEATH,
          RollEntry::MOVED_AWAY, RollEntry::VOLUNTARY, RollEntry::OTHER};
}

std::string WordOf(const google::protobuf::EnumDescriptor* type, int number) {
  return absl::StrReplaceAll(absl::AsciiStrToLower(CodeOf(type, number)),
                             {{"_", "-"}});
}

absl::StatusOr<int> ParseWordFlag(const google::protobuf::EnumDescriptor* type,
                                  const std::vector<int>& allowed,
                                  absl::string_view flag,
                                  absl::string_view what,
                                  absl::string_view text) {
  const std::string code =
      absl::StrReplaceAll(absl::AsciiStrToUpper(text), {{"-", "_"}});
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByName(code);
  for (int number : allowed) {
    if (value != nullptr && value->number() == number) return number;
  }
  std::vector<std::string> words;
  words.reserve(allowed.size());
  for (int number : allowed) words.push_back(WordOf(type, number));
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": unknown ", what, " \"", SafeText(text),
                   "\" (expected one of ", absl::StrJoin(words, ", "), ")"));
}

absl::StatusOr<uint64_t> ParseNumberFlag(absl::string_view flag,
                                         absl::string_view text,
                                         bool zero_allowed) {
  uint64_t number = 0;
  bool digits = !text.empty() && text.size() <= 20;
  for (char c : text) {
    digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  if (!digits || !absl::SimpleAtoi(text, &number) ||
      (number == 0 && !zero_allowed)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " \"", SafeText(text), "\": expected an event number (",
        zero_allowed ? "0 or more" : "1 or more", ", digits only)"));
  }
  return number;
}

int ReportCallFailure(const CommandContext& ctx, absl::string_view command,
                      absl::string_view method, const grpc::Status& status,
                      const grpc::ClientContext& call) {
  const CallInfo info{std::string(command), ctx.connection.server,
                      EffectiveTimeout(ctx.connection, kDefaultTimeoutSeconds)};
  const int code = ReportRpcError(info, status, call, *ctx.err);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    *ctx.err << "  the server at " << ctx.connection.server
             << " does not offer " << method
             << " yet (it needs a newer heduid); nothing was done\n"
             << std::flush;
  }
  return code;
}

absl::StatusOr<hedui::v1::EnrollRequest> BuildEnrollRequest(
    const EnrollOptions& options) {
  hedui::v1::EnrollRequest request;
  if (options.program.empty()) {
    return absl::InvalidArgumentError(
        "--program is required (whose roll: DIBAO, TEKUN, LOW_INCOME_MARGIN, "
        "HOUSING or UNION_HARDSHIP)");
  }
  absl::StatusOr<hedui::v1::Program> program =
      ParseRollProgramFlag("--program", options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (options.region.empty()) {
    return absl::InvalidArgumentError(
        "--region is required (the report's 6-digit county code)");
  }
  if (absl::Status s = ValidateRegionFlag("--region", options.region);
      !s.ok()) {
    return s;
  }
  request.set_region_code(options.region);
  if (absl::Status s = ValidateReportId("--report", options.report); !s.ok()) {
    return s;
  }
  request.set_report_id(options.report);
  if (options.approval_date.empty()) {
    return absl::InvalidArgumentError(
        "--approval-date is required (the day the program approved the "
        "household, YYYY-MM-DD)");
  }
  absl::StatusOr<hedui::v1::Date> approval =
      ParseDateFlag("--approval-date", options.approval_date);
  if (!approval.ok()) return approval.status();
  *request.mutable_approval_date() = *approval;
  request.set_moved_in(options.moved_in);
  if (absl::Status s =
          TakeRequestId(options.request_id, request.mutable_request_id());
      !s.ok()) {
    return s;
  }
  if (options.caseworker.empty() != options.reason.empty()) {
    return absl::InvalidArgumentError(
        "--caseworker and --reason go together (a NEEDS_REVIEW report is "
        "enrolled naming the caseworker who resolved it, and why)");
  }
  if (!options.caseworker.empty()) {
    if (absl::Status s =
            ValidateFreeText("--caseworker", options.caseworker,
                             kMaxCaseworkerCharacters, /*required=*/true);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            ValidateFreeText("--reason", options.reason, kMaxTextCharacters,
                             /*required=*/true);
        !s.ok()) {
      return s;
    }
    request.mutable_resolution()->set_caseworker(options.caseworker);
    request.mutable_resolution()->set_reason(options.reason);
  }
  return request;
}

absl::StatusOr<hedui::v1::WithdrawRequest> BuildWithdrawRequest(
    const WithdrawOptions& options) {
  hedui::v1::WithdrawRequest request;
  if (absl::Status s = ValidateEntryId("ENTRY_ID", options.entry_id); !s.ok()) {
    return s;
  }
  request.set_entry_id(options.entry_id);
  if (options.reason.empty()) {
    return absl::InvalidArgumentError(
        "--reason is required (income, assets, death, moved-away, voluntary "
        "or other)");
  }
  absl::StatusOr<int> reason =
      ParseWordFlag(hedui::v1::RollEntry::EndReason_descriptor(),
                    WithdrawReasons(), "--reason", "reason", options.reason);
  if (!reason.ok()) return reason.status();
  request.set_reason(static_cast<RollEntry::EndReason>(*reason));
  if (absl::Status s =
          ValidateFreeText("--note", options.note, kMaxTextCharacters,
                           /*required=*/false);
      !s.ok()) {
    return s;
  }
  request.set_note(options.note);
  if (absl::Status s =
          TakeRequestId(options.request_id, request.mutable_request_id());
      !s.ok()) {
    return s;
  }
  return request;
}

absl::StatusOr<hedui::v1::AttachConsentRequest> BuildAttachConsentRequest(
    const AttachConsentOptions& options) {
  hedui::v1::AttachConsentRequest request;
  if (absl::Status s = ValidateEntryId("ENTRY_ID", options.entry_id); !s.ok()) {
    return s;
  }
  request.set_entry_id(options.entry_id);
  if (absl::Status s =
          TakeRequestId(options.request_id, request.mutable_request_id());
      !s.ok()) {
    return s;
  }
  hedui::v1::Consent& consent = *request.mutable_consent();
  const bool by_flags = !options.consent_id.empty() ||
                        !options.signed_on.empty() ||
                        !options.signers.empty() || !options.programs.empty();
  if (!options.consent_file.empty()) {
    if (by_flags) {
      return absl::InvalidArgumentError(
          "--consent FILE and --consent-id/--signed-on/--signer/--program are "
          "exclusive (the file holds the whole consent)");
    }
    absl::StatusOr<hedui::v1::Consent> parsed =
        ParseConsentFile(options.consent_file);
    if (!parsed.ok()) return parsed.status();
    consent = *std::move(parsed);
    if (absl::Status s = CheckConsent(
            consent, {"--consent: consent_id", "--consent: signed_on",
                      "--consent: signer_ids",
                      "--consent: "
                      "programs"});
        !s.ok()) {
      return s;
    }
    return request;
  }
  if (options.consent_id.empty()) {
    return absl::InvalidArgumentError(
        "--consent-id is required (the renewed consent's id, as on the "
        "signed form), or give the whole consent with --consent FILE");
  }
  consent.set_consent_id(options.consent_id);
  if (!options.signed_on.empty()) {
    absl::StatusOr<hedui::v1::Date> signed_on =
        ParseDateFlag("--signed-on", options.signed_on);
    if (!signed_on.ok()) return signed_on.status();
    *consent.mutable_signed_on() = *signed_on;
  }
  for (const std::string& signer : options.signers) {
    consent.add_signer_ids(signer);
  }
  for (const std::string& text : options.programs) {
    absl::StatusOr<hedui::v1::Program> program =
        ParseProgramFlag("--program", text);
    if (!program.ok()) return program.status();
    consent.add_programs(*program);
  }
  if (absl::Status s = CheckConsent(
          consent, {"--consent-id", "--signed-on", "--signer", "--program"});
      !s.ok()) {
    return s;
  }
  return request;
}

absl::StatusOr<hedui::v1::GetRollEntryRequest> BuildGetEntryRequest(
    const GetEntryOptions& options) {
  hedui::v1::GetRollEntryRequest request;
  const bool by_applicant =
      !options.program.empty() || !options.applicant.empty();
  if (!options.entry_id.empty()) {
    if (by_applicant) {
      return absl::InvalidArgumentError(
          "give ENTRY_ID, or --program and --applicant, not both");
    }
    if (absl::Status s = ValidateEntryId("ENTRY_ID", options.entry_id);
        !s.ok()) {
      return s;
    }
    request.set_entry_id(options.entry_id);
    return request;
  }
  if (!by_applicant) {
    return absl::InvalidArgumentError(
        "ENTRY_ID is required, or --program and --applicant (the active "
        "entry of that applicant)");
  }
  if (options.program.empty()) {
    return absl::InvalidArgumentError("--program is required with --applicant");
  }
  if (options.applicant.empty()) {
    return absl::InvalidArgumentError(
        "--applicant is required with --program (the applicant's resident "
        "ID)");
  }
  absl::StatusOr<hedui::v1::Program> program =
      ParseRollProgramFlag("--program", options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (absl::Status s = ValidatePersonFlag("--applicant", options.applicant);
      !s.ok()) {
    return s;
  }
  request.set_applicant_id(options.applicant);
  return request;
}

absl::StatusOr<hedui::v1::ListRollRequest> BuildListRollRequest(
    const ListRollOptions& options) {
  hedui::v1::ListRollRequest request;
  if (options.program.empty()) {
    return absl::InvalidArgumentError(
        "--program is required (whose roll: DIBAO, TEKUN, LOW_INCOME_MARGIN, "
        "HOUSING or UNION_HARDSHIP)");
  }
  absl::StatusOr<hedui::v1::Program> program =
      ParseRollProgramFlag("--program", options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (!options.region.empty()) {
    if (absl::Status s = ValidateRegionFlag("--region", options.region);
        !s.ok()) {
      return s;
    }
    request.set_region_code(options.region);
  }
  if (!options.state.empty()) {
    const std::string state = absl::AsciiStrToLower(options.state);
    if (state == "active") {
      request.set_state(hedui::v1::ListRollRequest::ACTIVE_ONLY);
    } else if (state == "ended") {
      request.set_state(hedui::v1::ListRollRequest::ENDED_ONLY);
    } else if (state == "all") {
      request.set_state(hedui::v1::ListRollRequest::ALL);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--state: unknown state \"", SafeText(options.state),
                       "\" (expected one of active, ended, all)"));
    }
  }
  if (options.page_size < 0 || options.page_size > kMaxRollPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page-size ", options.page_size, ": expected 1 to ",
                     kMaxRollPageSize));
  }
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  return request;
}

absl::StatusOr<hedui::v1::ReverifyRequest> BuildReverifyRequest(
    const ReverifyOptions& options) {
  hedui::v1::ReverifyRequest request;
  if (absl::Status s =
          TakeRequestId(options.request_id, request.mutable_request_id());
      !s.ok()) {
    return s;
  }
  if (!options.entry_id.empty()) {
    if (!options.program.empty() || !options.region.empty()) {
      return absl::InvalidArgumentError(
          "give ENTRY_ID (one entry), or --program and optionally --region "
          "(a whole roll), not both");
    }
    if (absl::Status s = ValidateEntryId("ENTRY_ID", options.entry_id);
        !s.ok()) {
      return s;
    }
    request.set_entry_id(options.entry_id);
    return request;
  }
  if (options.program.empty()) {
    return absl::InvalidArgumentError(
        "ENTRY_ID is required (one entry), or --program (a whole roll)");
  }
  absl::StatusOr<hedui::v1::Program> program =
      ParseRollProgramFlag("--program", options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (!options.region.empty()) {
    if (absl::Status s = ValidateRegionFlag("--region", options.region);
        !s.ok()) {
      return s;
    }
    request.set_region_code(options.region);
  }
  return request;
}

void WriteRollEntryText(const RollEntry& e, std::ostream& out) {
  out << "名册条目  " << OrDash(e.entry_id()) << '\n';
  Fields fields = {
      {"救助项目", ZhWithCode(e.program())},
      {"地区代码", OrDash(e.region_code())},
      {"状态", ZhWithCode(e.state())},
      {"申请人", MaskedId(e.applicant_id())},
      {"户号", OrDash(e.household_number())},
      {"依据报告", ReportText(e.report_id(), e.report_verdict(),
                              e.report_verification_date())},
      {"批准日期", DateText(e.approval_date())},
  };
  if (e.moved_in()) {
    fields.push_back(
        {"迁入名册", "是（批准日期为原批准日期，复核周期自此推算）"});
  }
  if (e.has_resolution()) {
    fields.push_back(
        {"经办人认定", absl::StrCat(OrDash(e.resolution().caseworker()), "：",
                                    OrDash(e.resolution().reason()))});
  }
  std::string enrolled = DateText(e.enrolled_on());
  if (!e.enrolled_by().empty()) {
    absl::StrAppend(&enrolled, "（", SafeText(e.enrolled_by()), "）");
  }
  fields.push_back({"纳入日期", enrolled});
  if (!e.replaces_entry_id().empty()) {
    fields.push_back({"取代条目", SafeText(e.replaces_entry_id())});
  }
  if (e.state() == RollEntry::ENDED || DateIsSet(e.ended_on())) {
    std::string ended = DateText(e.ended_on());
    if (!e.ended_by().empty()) {
      absl::StrAppend(&ended, "（", SafeText(e.ended_by()), "）");
    }
    fields.push_back({"退出日期", ended});
    fields.push_back({"退出原因", ZhWithCode(e.end_reason())});
    if (!e.end_note().empty()) {
      fields.push_back({"退出说明", SafeText(e.end_note())});
    }
    if (!e.replaced_by_entry_id().empty()) {
      fields.push_back({"由新条目取代", SafeText(e.replaced_by_entry_id())});
    }
  }
  WriteFields(fields, out, 2);

  fields.clear();
  if (!e.latest_report_id().empty()) {
    fields.push_back(
        {"最新报告", ReportText(e.latest_report_id(), e.latest_verdict(),
                                e.latest_verification_date())});
  }
  if (DateIsSet(e.next_review_date())) {
    std::string review = DateText(e.next_review_date());
    if (e.review_period_months() > 0) {
      absl::StrAppend(&review, "（每 ", e.review_period_months(), " 个月）");
    }
    fields.push_back({"下次定期复核", review});
  }
  if (DateIsSet(e.death_recheck_date())) {
    fields.push_back({"死亡后复查", DateText(e.death_recheck_date())});
  }
  if (DateIsSet(e.gradual_exit_date())) {
    fields.push_back({"渐退期至", DateText(e.gradual_exit_date())});
  }
  if (e.persons_gone_size() > 0) {
    fields.push_back(
        {"已发现死亡或迁出", absl::StrCat(e.persons_gone_size(), " 人")});
  }
  if (!e.consent_expired_event_for().empty()) {
    fields.push_back(
        {"授权已过期", absl::StrCat(SafeText(e.consent_expired_event_for()),
                                    "（已生成授权过期事件）")});
  }
  if (e.latest_event_number() > 0) {
    fields.push_back(
        {"最新变化事件", absl::StrCat("#", e.latest_event_number())});
  }
  if (!fields.empty()) {
    out << "\n复核状态\n";
    WriteFields(fields, out, 2);
  }

  if (e.has_request() && e.request().has_consent()) {
    out << "\n授权\n";
    WriteConsent(e.request().consent(), out);
  }
  if (e.consent_history_size() > 0) {
    out << "\n重新授权记录（" << e.consent_history_size() << " 次）\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : e.consent_history()) {
      rows.push_back(
          {DateText(a.attached_on()), OrDash(a.consent().consent_id()),
           DateText(a.consent().signed_on()), OrDash(a.replaced().consent_id()),
           OrDash(a.attached_by())});
    }
    WriteTable(
        {{"附加日期"}, {"授权编号"}, {"签署日期"}, {"取代授权"}, {"经办方"}},
        rows, out, 2);
  }
  if (e.has_request() && e.request().members_size() > 0) {
    out << "\n申报家庭成员（" << e.request().members_size() << " 人）\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : e.request().members()) {
      rows.push_back({MaskedId(m.person_id()), MaskedName(m.name()),
                      ZhLabel(m.relation())});
    }
    WriteTable({{"身份证号"}, {"姓名"}, {"与申请人关系"}}, rows, out, 2);
  }
  out << std::flush;
}

void WriteRollListText(const hedui::v1::ListRollResponse& roll,
                       std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const RollEntry& e : roll.entries()) {
    std::string ended = "-";
    if (e.state() == RollEntry::ENDED) {
      ended =
          absl::StrCat(DateText(e.ended_on()), " ", ZhLabel(e.end_reason()));
    }
    rows.push_back(
        {OrDash(e.entry_id()), OrDash(e.region_code()), ZhLabel(e.state()),
         MaskedId(e.applicant_id()), DateText(e.approval_date()),
         OrDash(e.latest_report_id().empty() ? e.report_id()
                                             : e.latest_report_id()),
         e.latest_verdict() != hedui::v1::VERDICT_UNSPECIFIED
             ? ZhLabel(e.latest_verdict())
             : ZhLabel(e.report_verdict()),
         DateText(e.next_review_date()),
         DateIsSet(e.gradual_exit_date()) ? DateText(e.gradual_exit_date())
                                          : "-",
         ended});
  }
  WriteTable({{"条目编号"},
              {"地区"},
              {"状态"},
              {"申请人"},
              {"批准日期"},
              {"最新报告"},
              {"最新结论"},
              {"下次复核"},
              {"渐退期至"},
              {"退出"}},
             rows, out);
}

int RunRollEnroll(const CommandContext& ctx, const EnrollOptions& options) {
  absl::StatusOr<hedui::v1::EnrollRequest> request =
      BuildEnrollRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kEnrollCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kEnrollCommand);
  if (stub == nullptr) return kExitUsage;
  if (request->request_id().empty()) {
    request->set_request_id(AnnounceNewRequestId(ctx, kEnrollCommand));
  }
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::EnrollResponse response;
  const grpc::Status status = stub->Enroll(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kEnrollCommand, "RollService.Enroll", status,
                             call);
  }
  std::string heading =
      absl::StrCat("已纳入名册：", SafeText(response.entry().entry_id()));
  for (const RollEntry& old : response.replaced()) {
    absl::StrAppend(&heading, "\n已结束原条目 ", SafeText(old.entry_id()), "（",
                    ZhLabel(old.end_reason()), "）");
  }
  return PrintEntryOutcome(ctx, kEnrollCommand, response, heading,
                           response.entry());
}

int RunRollWithdraw(const CommandContext& ctx, const WithdrawOptions& options) {
  absl::StatusOr<hedui::v1::WithdrawRequest> request =
      BuildWithdrawRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kWithdrawCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kWithdrawCommand);
  if (stub == nullptr) return kExitUsage;
  if (request->request_id().empty()) {
    request->set_request_id(AnnounceNewRequestId(ctx, kWithdrawCommand));
  }
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::WithdrawResponse response;
  const grpc::Status status = stub->Withdraw(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kWithdrawCommand, "RollService.Withdraw",
                             status, call);
  }
  return PrintEntryOutcome(
      ctx, kWithdrawCommand, response,
      absl::StrCat("已退出名册：", SafeText(response.entry().entry_id())),
      response.entry());
}

int RunRollAttachConsent(const CommandContext& ctx,
                         const AttachConsentOptions& options) {
  absl::StatusOr<hedui::v1::AttachConsentRequest> request =
      BuildAttachConsentRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kAttachCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kAttachCommand);
  if (stub == nullptr) return kExitUsage;
  if (request->request_id().empty()) {
    request->set_request_id(AnnounceNewRequestId(ctx, kAttachCommand));
  }
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::AttachConsentResponse response;
  const grpc::Status status = stub->AttachConsent(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kAttachCommand, "RollService.AttachConsent",
                             status, call);
  }
  return PrintEntryOutcome(
      ctx, kAttachCommand, response,
      absl::StrCat("已附加新的授权：", SafeText(response.entry().entry_id())),
      response.entry());
}

int RunRollGet(const CommandContext& ctx, const GetEntryOptions& options) {
  absl::StatusOr<hedui::v1::GetRollEntryRequest> request =
      BuildGetEntryRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kGetCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kGetCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  RollEntry entry;
  const grpc::Status status = stub->GetRollEntry(&call, *request, &entry);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kGetCommand, "RollService.GetRollEntry",
                             status, call);
  }
  return PrintEntryOutcome(ctx, kGetCommand, entry, "", entry);
}

int RunRollList(const CommandContext& ctx, const ListRollOptions& options) {
  absl::StatusOr<hedui::v1::ListRollRequest> request =
      BuildListRollRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kListCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kListCommand);
  if (stub == nullptr) return kExitUsage;
  hedui::v1::ListRollResponse listing;
  for (;;) {
    grpc::ClientContext call;
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
    hedui::v1::ListRollResponse page;
    const grpc::Status status = stub->ListRoll(&call, *request, &page);
    if (!status.ok()) {
      return ReportCallFailure(ctx, kListCommand, "RollService.ListRoll",
                               status, call);
    }
    for (auto& e : *page.mutable_entries())
      *listing.add_entries() = std::move(e);
    listing.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    // A server handing back the token it was given would loop forever.
    if (page.next_page_token() == request->page_token()) {
      return LocalError(ctx, kListCommand,
                        "the server returned the same page token twice; "
                        "stopping");
    }
    request->set_page_token(page.next_page_token());
  }
  int printed = kExitOk;
  if (ctx.output == OutputFormat::kTable) {
    WriteRollListText(listing, *ctx.out);
  } else {
    printed = PrintMessageJson(ctx, kListCommand, listing);
  }
  if (printed == kExitOk && !listing.next_page_token().empty()) {
    *ctx.err << "hedui " << kListCommand
             << ": more entries: add --all, or --page-token "
             << listing.next_page_token() << '\n'
             << std::flush;
  }
  return printed;
}

int RunRollReverify(const CommandContext& ctx, const ReverifyOptions& options) {
  absl::StatusOr<hedui::v1::ReverifyRequest> request =
      BuildReverifyRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kReverifyCommand, request.status().message());
  }
  auto stub = RollStub(ctx, kReverifyCommand);
  if (stub == nullptr) return kExitUsage;
  if (request->request_id().empty()) {
    request->set_request_id(AnnounceNewRequestId(ctx, kReverifyCommand));
  }
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::ReverifyResponse response;
  const grpc::Status status = stub->Reverify(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kReverifyCommand, "RollService.Reverify",
                             status, call);
  }
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, kReverifyCommand, response);
  }
  std::ostream& out = *ctx.out;
  if (!request->entry_id().empty()) {
    out << "已复核名册条目  " << SafeText(request->entry_id()) << '\n';
    Fields fields;
    if (response.consent_expired()) {
      fields.push_back({"授权", "已过期：未读取任何数据，未生成新报告"});
    } else {
      fields.push_back({"新报告", OrDash(response.report_id())});
    }
    fields.push_back(
        {"变化事件", response.event_number() > 0
                         ? absl::StrCat("#", response.event_number())
                         : std::string("无（结果与上次报告相同）")});
    WriteFields(fields, out, 2);
  } else {
    out << "已安排整册复核\n";
    WriteFields({{"救助项目", ZhWithCode(request->program())},
                 {"地区代码", request->region_code().empty()
                                  ? std::string("您可查看的全部地区")
                                  : SafeText(request->region_code())},
                 {"任务编号", OrDash(response.job_id())},
                 {"在册条目", absl::StrCat(response.entries(), " 条")}},
                out, 2);
  }
  out << std::flush;
  return kExitOk;
}

void AddRollCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* roll = app.add_subcommand(
      "roll", "Program rolls: enrol, withdraw, read and re-verify households");

  auto enroll = std::make_shared<EnrollOptions>();
  CLI::App* enroll_command = roll->add_subcommand(
      "enroll", "Enrol an approved household on its program's roll");
  enroll_command->add_option("--program", enroll->program,
                             "Program whose roll (DIBAO, TEKUN, "
                             "LOW_INCOME_MARGIN, HOUSING, UNION_HARDSHIP)");
  enroll_command->add_option("--region", enroll->region,
                             "The report's 6-digit county code");
  enroll_command->add_option(
      "--report", enroll->report,
      "The report the approval rests on: R and 12 digits");
  enroll_command->add_option("--approval-date", enroll->approval_date,
                             "Day the program approved the household, "
                             "YYYY-MM-DD");
  enroll_command->add_option(
      "--request-id", enroll->request_id,
      "Repeat a call under this id (default: a new one, printed on stderr)");
  enroll_command->add_flag("--moved-in", enroll->moved_in,
                           "An existing roll moved in: --approval-date is the "
                           "household's original approval date");
  enroll_command->add_option("--caseworker", enroll->caseworker,
                             "NEEDS_REVIEW report: the caseworker who "
                             "resolved it (with --reason)");
  enroll_command->add_option(
      "--reason", enroll->reason,
      "NEEDS_REVIEW report: why the household is approved (with "
      "--caseworker)");
  enroll_command->callback([enroll, selected] {
    *selected = [enroll](const CommandContext& ctx) {
      return RunRollEnroll(ctx, *enroll);
    };
  });

  auto withdraw = std::make_shared<WithdrawOptions>();
  CLI::App* withdraw_command =
      roll->add_subcommand("withdraw", "End an active entry, with a reason");
  withdraw_command->add_option("ENTRY_ID", withdraw->entry_id,
                               "Entry id: E and 12 digits");
  withdraw_command->add_option(
      "--reason", withdraw->reason,
      "income, assets, death, moved-away, voluntary or other");
  withdraw_command->add_option("--note", withdraw->note,
                               "The program's own words, at most 200 "
                               "characters (no personal data)");
  withdraw_command->add_option(
      "--request-id", withdraw->request_id,
      "Repeat a call under this id (default: a new one, printed on stderr)");
  withdraw_command->callback([withdraw, selected] {
    *selected = [withdraw](const CommandContext& ctx) {
      return RunRollWithdraw(ctx, *withdraw);
    };
  });

  auto attach = std::make_shared<AttachConsentOptions>();
  CLI::App* attach_command = roll->add_subcommand(
      "attach-consent",
      "Attach a renewed consent to an active entry (checked against its "
      "declaration)");
  attach_command->add_option("ENTRY_ID", attach->entry_id,
                             "Entry id: E and 12 digits");
  attach_command->add_option(
      "--consent", attach->consent_file,
      "FILE: the whole hedui.v1.Consent in proto JSON (.json) or text "
      "format, as \"consent\" in a verify --household file");
  attach_command->add_option("--consent-id", attach->consent_id,
                             "The consent's id, as on the signed form");
  attach_command->add_option("--signed-on", attach->signed_on,
                             "Day it was signed, YYYY-MM-DD");
  attach_command->add_option("--signer", attach->signers,
                             "Resident ID of an adult who signed (repeat for "
                             "each)");
  attach_command->add_option("--program", attach->programs,
                             "A program the consent covers (repeat for each)");
  attach_command->add_option(
      "--request-id", attach->request_id,
      "Repeat a call under this id (default: a new one, printed on stderr)");
  attach_command->callback([attach, selected] {
    *selected = [attach](const CommandContext& ctx) {
      return RunRollAttachConsent(ctx, *attach);
    };
  });

  auto get = std::make_shared<GetEntryOptions>();
  CLI::App* get_command = roll->add_subcommand(
      "get",
      "One entry with its declaration: by id, or the active entry of an "
      "applicant");
  get_command->add_option("ENTRY_ID", get->entry_id,
                          "Entry id: E and 12 digits");
  get_command->add_option("--program", get->program,
                          "With --applicant: the program");
  get_command->add_option("--applicant", get->applicant,
                          "With --program: the applicant's resident ID");
  get_command->callback([get, selected] {
    *selected = [get](const CommandContext& ctx) {
      return RunRollGet(ctx, *get);
    };
  });

  auto list = std::make_shared<ListRollOptions>();
  CLI::App* list_command =
      roll->add_subcommand("list", "A program's roll, by county and entry id");
  list_command->add_option("--program", list->program, "Program (required)");
  list_command->add_option(
      "--region", list->region,
      "6-digit county code (default: every county you may see)");
  list_command->add_option("--state", list->state,
                           "active (default), ended or all");
  list_command->add_option("--page-size", list->page_size,
                           "Entries per page, 1-500 (server default 50)");
  list_command->add_option("--page-token", list->page_token,
                           "Continue a listing where the last page ended");
  list_command->add_flag("--all", list->all, "Fetch every page");
  list_command->callback([list, selected] {
    *selected = [list](const CommandContext& ctx) {
      return RunRollList(ctx, *list);
    };
  });

  auto reverify = std::make_shared<ReverifyOptions>();
  CLI::App* reverify_command = roll->add_subcommand(
      "reverify", "Re-verify one entry now, or queue a whole roll (--program)");
  reverify_command->add_option("ENTRY_ID", reverify->entry_id,
                               "Entry id: E and 12 digits");
  reverify_command->add_option("--program", reverify->program,
                               "A whole roll: the program");
  reverify_command->add_option(
      "--region", reverify->region,
      "A whole roll: one county (default: every county you may see)");
  reverify_command->add_option(
      "--request-id", reverify->request_id,
      "Repeat a call under this id (default: a new one, printed on stderr)");
  reverify_command->callback([reverify, selected] {
    *selected = [reverify](const CommandContext& ctx) {
      return RunRollReverify(ctx, *reverify);
    };
  });
}

}  // namespace hedui::cli
