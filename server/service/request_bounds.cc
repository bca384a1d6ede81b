#include "server/service/request_bounds.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hedui/v1/codes.pb.h"
#include "server/engine/evaluate.h"
#include "server/engine/request/validate_request.h"
#include "server/errors/error_details.h"
#include "server/errors/utf8_text.h"
#include "server/security/caller.h"
#include "storage/rolls/roll_keys.h"
#include "storage/service_log_keys.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

using Violation = hedui::v1::ErrorDetails::FieldViolation;

// Page sizes beyond these are not refused but served at the maximum, as the
// protos say; far beyond is a mistake worth naming.
constexpr int kMaxPageSizeAsked = 100000;
constexpr size_t kMaxTokenChars = 64;
constexpr size_t kMaxCallerChars = 128;

class Violations {
 public:
  void Add(std::string field, std::string description) {
    Violation v;
    v.set_field(std::move(field));
    v.set_description(std::move(description));
    all_.push_back(std::move(v));
  }
  absl::Status Result(absl::string_view what) const {
    if (all_.empty()) return absl::OkStatus();
    return InvalidArgumentWithViolations(what, all_);
  }
  std::vector<Violation> TakeAll() { return std::move(all_); }

  void OptionalPerson(const std::string& id, const char* field) {
    if (id.empty()) return;
    if (absl::Status s = ValidateResidentId(id, field); !s.ok()) {
      Add(field, MaskResidentIdsInText(s.message()));
    }
  }
  void OptionalDate(bool present, const hedui::v1::Date& date,
                    const char* field) {
    if (!present) return;
    if (absl::Status s = FromProto(date, field).status(); !s.ok()) {
      Add(field, std::string(s.message()));
    }
  }
  void RequiredDate(bool present, const hedui::v1::Date& date,
                    const char* field) {
    if (!present) {
      Add(field, "required");
      return;
    }
    OptionalDate(present, date, field);
  }
  void OptionalEnum(int value, bool (*is_valid)(int), const char* field) {
    if (value != 0 && !is_valid(value)) {
      Add(field, absl::StrCat("unknown value ", value));
    }
  }
  void PageSize(int32_t size) {
    if (size < 0 || size > kMaxPageSizeAsked) {
      Add("page_size", absl::StrCat("must be between 0 (the default) and ",
                                    kMaxPageSizeAsked));
    }
  }
  void TimeRange(int64_t from_micros, int64_t to_micros) {
    if (from_micros < 0) Add("from_unix_micros", "must not be negative");
    if (to_micros < 0) Add("to_unix_micros", "must not be negative");
  }
  void Token(const std::string& token) {
    if (token.size() > kMaxTokenChars ||
        Utf8Length(token) == std::string::npos) {
      Add("page_token", absl::StrCat("must be a next_page_token as returned "
                                     "(at most ",
                                     kMaxTokenChars, " characters)"));
    }
  }

 private:
  std::vector<Violation> all_;
};

bool IsRequestIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
}

void RequestId(Violations& v, const std::string& id) {
  if (id.empty()) {
    v.Add("request_id",
          "required: a client-chosen id, the same on every retry of the call");
    return;
  }
  if (id.size() > kMaxRequestIdChars ||
      !std::all_of(id.begin(), id.end(), IsRequestIdChar)) {
    v.Add("request_id", absl::StrCat("1 to ", kMaxRequestIdChars,
                                     " characters of A-Z a-z 0-9 . _ : -"));
  }
}

// Text of at most `max` characters; `required`: at least one.
// Names and reasons are shown to people and printed by terminals: a control
// character (an escape sequence, a NUL, a line break) has no place in them,
// and a required one of spaces only names no one.
// C1 controls count too (U+0085 is a line break, U+009B a terminal's CSI,
// ESC [ in one character), as do the line and paragraph separators U+2028 and
// U+2029. `text` is valid UTF-8 here.
bool HasControlCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return true;
    const auto next =
        i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) return true;
    if (byte == 0xE2 && (next == 0x80 || next == 0x81) && i + 2 < text.size()) {
      const auto third = static_cast<unsigned char>(text[i + 2]);
      // U+2028/U+2029 break lines; the bidirectional embeddings, overrides
      // and isolates (U+202A-U+202E, U+2066-U+2069) make a terminal show a
      // name in another order than it is stored.
      if (next == 0x80 && (third == 0xA8 || third == 0xA9 ||
                           (third >= 0xAA && third <= 0xAE))) {
        return true;
      }
      if (next == 0x81 && third >= 0xA6 && third <= 0xA9) return true;
    }
  }
  return false;
}

bool OnlySpaces(absl::string_view text) {
  // ASCII spaces and the ideographic space U+3000 a Chinese IME types.
  while (!text.empty()) {
    if (text[0] == ' ') {
      text.remove_prefix(1);
    } else if (absl::StartsWith(text, "\u3000")) {
      text.remove_prefix(3);
    } else {
      return false;
    }
  }
  return true;
}

void Text(Violations& v, const std::string& text, size_t max, bool required,
          const char* field) {
  const size_t chars = Utf8Length(text);
  if (chars == std::string::npos || chars > max) {
    v.Add(field, absl::StrCat("at most ", max, " characters"));
  } else if (HasControlCharacter(text)) {
    v.Add(field,
          "must not contain control characters (line breaks, tabs, "
          "escape sequences)");
  } else if (required && OnlySpaces(text)) {
    v.Add(field, chars == 0 ? "required" : "required: not only spaces");
  }
}

void RollProgram(Violations& v, hedui::v1::Program program) {
  if (program == hedui::v1::PROGRAM_UNSPECIFIED) {
    v.Add("program", "required");
  } else if (!hedui::v1::Program_IsValid(program)) {
    v.Add("program", absl::StrCat("unknown value ", program));
  } else if (!HasRoll(program)) {
    v.Add("program", absl::StrCat(hedui::v1::Program_Name(program),
                                  " has no roll: temporary and medical "
                                  "assistance are one-off"));
  }
}

void EntryId(Violations& v, const std::string& id, bool required) {
  if (id.empty() && !required) return;
  if (!storage::ParseEntryId(id).has_value()) {
    v.Add("entry_id", "must be E followed by 12 digits, as Enroll returned it");
  }
}

// ChangeService's program and county filters: empty or a known program, and
// empty or a 6-digit county.
void ChangeScope(Violations& v, hedui::v1::Program program,
                 const std::string& region) {
  v.OptionalEnum(program, &hedui::v1::Program_IsValid, "program");
  if (!region.empty() && !security::IsRegionCode(region)) {
    v.Add("region_code", "must be empty or a 6-digit county code");
  }
}

}  // namespace

bool HasRoll(hedui::v1::Program program) {
  switch (program) {
    case hedui::v1::DIBAO:
    case hedui::v1::TEKUN:
    case hedui::v1::LOW_INCOME_MARGIN:
    case hedui::v1::HOUSING:
    case hedui::v1::UNION_HARDSHIP:
      return true;
    default:
      return false;
  }
}

absl::Status BoundEnroll(const hedui::v1::EnrollRequest& request) {
  Violations v;
  RequestId(v, request.request_id());
  RollProgram(v, request.program());
  if (!security::IsRegionCode(request.region_code())) {
    v.Add("region_code", "required: the 6-digit county code of the report");
  }
  if (!storage::ParseReportId(request.report_id()).has_value()) {
    v.Add("report_id",
          "required: R followed by 12 digits, as Verify returned it");
  }
  v.RequiredDate(request.has_approval_date(), request.approval_date(),
                 "approval_date");
  if (request.has_resolution()) {
    Text(v, request.resolution().caseworker(), kMaxCaseworkerChars, true,
         "resolution.caseworker");
    Text(v, request.resolution().reason(), kMaxRollTextChars, true,
         "resolution.reason");
  }
  return v.Result("invalid Enroll request");
}

absl::Status BoundWithdraw(const hedui::v1::WithdrawRequest& request) {
  Violations v;
  RequestId(v, request.request_id());
  EntryId(v, request.entry_id(), true);
  const auto reason = request.reason();
  if (reason == hedui::v1::RollEntry::END_REASON_UNSPECIFIED) {
    v.Add("reason",
          "required: INCOME, ASSETS, DEATH, MOVED_AWAY, VOLUNTARY or OTHER");
  } else if (!hedui::v1::RollEntry::EndReason_IsValid(reason) ||
             reason == hedui::v1::RollEntry::REPLACED) {
    v.Add("reason", absl::StrCat("must be INCOME, ASSETS, DEATH, MOVED_AWAY, "
                                 "VOLUNTARY or OTHER, not ",
                                 hedui::v1::RollEntry::EndReason_IsValid(reason)
                                     ? "REPLACED (the server's own)"
                                     : absl::StrCat(reason)));
  }
  Text(v, request.note(), kMaxRollTextChars, false, "note");
  return v.Result("invalid Withdraw request");
}

absl::Status BoundAttachConsent(
    const hedui::v1::AttachConsentRequest& request) {
  Violations v;
  RequestId(v, request.request_id());
  EntryId(v, request.entry_id(), true);
  // The consent bounded as a verification request's is (the engine's
  // limits), in a request holding nothing else: only its consent's
  // violations count.
  hedui::v1::VerificationRequest holder;
  holder.set_program(hedui::v1::DIBAO);
  holder.set_region_code("000000");
  *holder.mutable_verification_date() = ToProto(TodayInChina());
  if (request.has_consent()) *holder.mutable_consent() = request.consent();
  for (Violation& violation : engine::ValidateRequest(holder)) {
    if (absl::StartsWith(violation.field(), "consent")) {
      v.Add(violation.field(), violation.description());
    }
  }
  return v.Result("invalid AttachConsent request");
}

absl::Status BoundGetRollEntry(const hedui::v1::GetRollEntryRequest& request) {
  Violations v;
  if (!request.entry_id().empty()) {
    EntryId(v, request.entry_id(), true);
    if (request.program() != hedui::v1::PROGRAM_UNSPECIFIED ||
        !request.applicant_id().empty()) {
      v.Add("entry_id", "either entry_id, or program and applicant_id");
    }
  } else {
    RollProgram(v, request.program());
    if (request.applicant_id().empty()) {
      v.Add("applicant_id", "required without entry_id");
    } else {
      v.OptionalPerson(request.applicant_id(), "applicant_id");
    }
  }
  return v.Result("invalid GetRollEntry request");
}

absl::Status BoundListRoll(const hedui::v1::ListRollRequest& request) {
  Violations v;
  RollProgram(v, request.program());
  if (!request.region_code().empty() &&
      !security::IsRegionCode(request.region_code())) {
    v.Add("region_code", "must be empty or a 6-digit county code");
  }
  v.OptionalEnum(request.state(),
                 &hedui::v1::ListRollRequest::StateFilter_IsValid, "state");
  v.PageSize(request.page_size());
  v.Token(request.page_token());
  return v.Result("invalid ListRoll request");
}

absl::Status BoundReverify(const hedui::v1::ReverifyRequest& request) {
  Violations v;
  RequestId(v, request.request_id());
  EntryId(v, request.entry_id(), false);
  if (request.entry_id().empty()) {
    // A whole roll: its program (and, optionally, one county).
    RollProgram(v, request.program());
    if (!request.region_code().empty() &&
        !security::IsRegionCode(request.region_code())) {
      v.Add("region_code", "must be empty or a 6-digit county code");
    }
  } else {
    // One entry names everything; a program or county beside it would be
    // ignored, so it is refused rather than misread.
    if (request.program() != hedui::v1::PROGRAM_UNSPECIFIED) {
      v.Add("program", "must be empty when entry_id names one entry");
    }
    if (!request.region_code().empty()) {
      v.Add("region_code", "must be empty when entry_id names one entry");
    }
  }
  return v.Result("invalid Reverify request");
}

absl::Status BoundListReviewsDue(
    const hedui::v1::ListReviewsDueRequest& request) {
  Violations v;
  RollProgram(v, request.program());
  if (!request.region_code().empty() &&
      !security::IsRegionCode(request.region_code())) {
    v.Add("region_code", "must be empty or a 6-digit county code");
  }
  if (request.within_days() < 0 ||
      request.within_days() > kMaxReviewsDueWithinDays) {
    v.Add("within_days",
          absl::StrCat("must be between 0 (due today or overdue) and ",
                       kMaxReviewsDueWithinDays, " days"));
  }
  if (request.page_size() < 0 || request.page_size() > kMaxReviewsDuePageSize) {
    v.Add("page_size", absl::StrCat("must be between 0 (the default, 50) and ",
                                    kMaxReviewsDuePageSize));
  }
  v.Token(request.page_token());
  return v.Result("invalid ListReviewsDue request");
}

absl::Status BoundVerify(const hedui::v1::VerifyRequest& request) {
  const hedui::v1::VerificationRequest& r = request.request();
  std::vector<Violation> violations;
  if (r.has_verification_date()) {
    violations = engine::ValidateRequest(r);
  } else {
    // The engine validates a complete request; today stands in for the
    // date the service fills in later.
    hedui::v1::VerificationRequest dated = r;
    *dated.mutable_verification_date() = ToProto(TodayInChina());
    violations = engine::ValidateRequest(dated);
  }
  // Optional here (AIP-155): without one a call is not deduplicated.
  if (!request.request_id().empty()) {
    Violations id;
    RequestId(id, request.request_id());
    for (Violation& v : id.TakeAll()) violations.push_back(std::move(v));
  }
  if (violations.empty()) return absl::OkStatus();
  // Paths are within the VerificationRequest, as the engine and the CLI
  // name them ("members[0].person_id"); request_id is the VerifyRequest's.
  return InvalidArgumentWithViolations("invalid verification request",
                                       violations);
}

AuditSubject VerifySubject(const hedui::v1::VerifyRequest& request) {
  const hedui::v1::VerificationRequest& r = request.request();
  AuditSubject subject;
  subject.program = r.program();
  subject.purpose = r.purpose();
  subject.region_code = r.region_code();
  std::vector<std::string> ids = engine::PersonsToRead(r);
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [](const std::string& id) {
                             return !ValidateResidentId(id, "").ok();
                           }),
            ids.end());
  subject.person_ids = std::move(ids);
  return subject;
}

absl::Status BoundGetReport(const hedui::v1::GetReportRequest& request) {
  if (!storage::ParseReportId(request.report_id()).has_value()) {
    return FieldViolation("report_id",
                          "must be R followed by 12 digits, as Verify "
                          "returned it");
  }
  return absl::OkStatus();
}

absl::Status BoundListReports(const hedui::v1::ListReportsRequest& request) {
  Violations v;
  v.OptionalPerson(request.person_id(), "person_id");
  v.OptionalEnum(request.program(), &hedui::v1::Program_IsValid, "program");
  v.OptionalEnum(request.verdict(), &hedui::v1::Verdict_IsValid, "verdict");
  v.OptionalDate(request.has_from_date(), request.from_date(), "from_date");
  v.OptionalDate(request.has_to_date(), request.to_date(), "to_date");
  v.PageSize(request.page_size());
  v.Token(request.page_token());
  return v.Result("invalid ListReports request");
}

absl::Status BoundGetStats(const hedui::v1::GetStatsRequest& request) {
  Violations v;
  v.RequiredDate(request.has_from_date(), request.from_date(), "from_date");
  v.RequiredDate(request.has_to_date(), request.to_date(), "to_date");
  if (!request.region_code().empty() &&
      !security::IsRegionCode(request.region_code())) {
    v.Add("region_code", "must be empty or a 6-digit county code");
  }
  return v.Result("invalid GetStats request");
}

absl::Status BoundListAudit(const hedui::v1::ListAuditRequest& request) {
  Violations v;
  v.TimeRange(request.from_unix_micros(), request.to_unix_micros());
  const size_t caller_chars = Utf8Length(request.caller());
  if (caller_chars == std::string::npos || caller_chars > kMaxCallerChars) {
    v.Add("caller", absl::StrCat("at most ", kMaxCallerChars, " characters"));
  }
  v.OptionalEnum(request.program(), &hedui::v1::Program_IsValid, "program");
  v.OptionalPerson(request.person_id(), "person_id");
  v.PageSize(request.page_size());
  v.Token(request.page_token());
  return v.Result("invalid ListAudit request");
}

absl::Status BoundExportAudit(const hedui::v1::ExportAuditRequest& request) {
  Violations v;
  v.TimeRange(request.from_unix_micros(), request.to_unix_micros());
  if (request.to_unix_micros() > 0 &&
      request.from_unix_micros() >= request.to_unix_micros()) {
    v.Add("from_unix_micros", "must be before to_unix_micros");
  }
  return v.Result("invalid ExportAudit request");
}

absl::Status BoundVerifyBackup(const hedui::v1::VerifyBackupRequest& request) {
  if (request.backup_id() == 0) {
    return FieldViolation("backup_id", "required (backups count from 1)");
  }
  return absl::OkStatus();
}

absl::Status BoundPruneBackups(const hedui::v1::PruneBackupsRequest& request) {
  if (request.keep_last() < 1) {
    return FieldViolation("keep_last",
                          "must be at least 1: pruning never deletes every "
                          "backup");
  }
  return absl::OkStatus();
}

absl::Status BoundConfirmHeldFeeds(
    const hedui::v1::ConfirmHeldFeedsRequest& request) {
  Violations v;
  if (request.feeds().empty()) {
    v.Add("feeds",
          "required: 1 to 13 held files, one per department (hedui feeds "
          "held lists them)");
  } else if (request.feeds_size() > kMaxJointFeeds) {
    v.Add("feeds", absl::StrCat("at most ", kMaxJointFeeds,
                                " held files, one per department; ",
                                request.feeds_size(), " given"));
  }
  std::vector<int> first_of(hedui::v1::Department_ARRAYSIZE, -1);
  for (int i = 0; i < request.feeds_size() && i <= kMaxJointFeeds; ++i) {
    const hedui::v1::ConfirmHeldFeedRequest& feed = request.feeds(i);
    const std::string field = absl::StrCat("feeds[", i, "]");
    const hedui::v1::Department department = feed.department();
    if (department == hedui::v1::DEPARTMENT_UNSPECIFIED ||
        !hedui::v1::Department_IsValid(department)) {
      v.Add(field + ".department", "required: one of the 13 department codes");
    } else if (first_of[department] >= 0) {
      v.Add(
          field + ".department",
          absl::StrCat(hedui::v1::Department_Name(department),
                       " is named again (first in feeds[", first_of[department],
                       "]): a joint switch takes one file per department"));
    } else {
      first_of[department] = i;
    }
    const std::string& batch_id = feed.batch_id();
    if (batch_id.empty() || batch_id.size() > 128 ||
        !std::all_of(batch_id.begin(), batch_id.end(),
                     [](char c) { return c > ' ' && c < 0x7F; })) {
      v.Add(field + ".batch_id",
            "required: the held file's batch id, 1 to 128 printable ASCII "
            "characters without spaces (hedui feeds held lists them)");
    }
  }
  return v.Result("invalid joint confirmation of held feeds");
}

absl::Status BoundListChanges(const hedui::v1::ListChangesRequest& request) {
  Violations v;
  ChangeScope(v, request.program(), request.region_code());
  EntryId(v, request.entry_id(), false);
  v.PageSize(request.page_size());
  v.Token(request.page_token());
  return v.Result("invalid ListChanges request");
}

absl::Status BoundWatchChanges(const hedui::v1::WatchChangesRequest& request) {
  Violations v;
  ChangeScope(v, request.program(), request.region_code());
  return v.Result("invalid WatchChanges request");
}

absl::Status BoundGetChange(const hedui::v1::GetChangeRequest& request) {
  if (request.number() == 0) {
    return FieldViolation("number", "required: events are numbered from 1");
  }
  return absl::OkStatus();
}

absl::Status BoundResolveChange(
    const hedui::v1::ResolveChangeRequest& request) {
  Violations v;
  RequestId(v, request.request_id());
  if (request.number() == 0) {
    v.Add("number", "required: events are numbered from 1");
  }
  switch (request.outcome()) {
    case hedui::v1::Resolution::CONFIRMED:
    case hedui::v1::Resolution::EXPLAINED:
    case hedui::v1::Resolution::SOURCE_WRONG:
      break;
    case hedui::v1::Resolution::OUTCOME_UNSPECIFIED:
      v.Add("outcome", "required: CONFIRMED, EXPLAINED or SOURCE_WRONG");
      break;
    default:
      v.Add("outcome", absl::StrCat("unknown value ", request.outcome(),
                                    ": CONFIRMED, EXPLAINED or SOURCE_WRONG"));
  }
  Text(v, request.caseworker(), kMaxCaseworkerChars, true, "caseworker");
  Text(v, request.note(), kMaxRollTextChars, false, "note");
  return v.Result("invalid ResolveChange request");
}

absl::Status BoundGetChangeStats(
    const hedui::v1::GetChangeStatsRequest& request) {
  Violations v;
  ChangeScope(v, request.program(), request.region_code());
  v.OptionalDate(request.has_first_day(), request.first_day(), "first_day");
  v.OptionalDate(request.has_last_day(), request.last_day(), "last_day");
  if (request.has_first_day() && request.has_last_day() &&
      FromProto(request.first_day(), "").ok() &&
      FromProto(request.last_day(), "").ok() &&
      *FromProto(request.first_day(), "") >
          *FromProto(request.last_day(), "")) {
    v.Add("last_day", "must not be before first_day");
  }
  return v.Result("invalid GetChangeStats request");
}

}  // namespace hedui::server
