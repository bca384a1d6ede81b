#include "server/service/audit_entry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/errors/utf8_text.h"
#include "storage/types/resident_id.h"

namespace hedui::server {

storage::ServiceRecord BuildAuditRecord(
    absl::string_view caller, absl::string_view method,
    const absl::Status& outcome, const AuditSubject& subject,
    const storage::ServiceLog& log, std::optional<hedui::v1::Report> report) {
  storage::ServiceRecord record;
  hedui::v1::AuditEntry& entry = record.audit;
  entry.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  // A certificate's name is the caller's choice: it may be a resident ID.
  entry.set_caller(MaskResidentIdsInText(CutUtf8(caller, kAuditCallerChars)));
  entry.set_method(CutUtf8(method, kAuditCallerChars));
  entry.set_batch_index(subject.batch_index);
  entry.set_code(static_cast<int>(outcome.code()));
  // Messages are masked where they are made; the audit keeps only the code,
  // never field values, except for refusals of the caller itself, whose
  // messages name only certificates, roles, methods, counties and caps: the
  // audit then says why (revoked, expired, not in the callers file, no role,
  // over its share).
  std::string text =
      outcome.ok() ? "OK"
                   : std::string(absl::StatusCodeToString(outcome.code()));
  if (outcome.code() == absl::StatusCode::kUnauthenticated ||
      outcome.code() == absl::StatusCode::kPermissionDenied ||
      outcome.code() == absl::StatusCode::kResourceExhausted) {
    absl::StrAppend(&text, ": ", outcome.message());
  }
  if (!subject.detail.empty()) absl::StrAppend(&text, ": ", subject.detail);
  entry.set_outcome(MaskResidentIdsInText(CutUtf8(text, kAuditOutcomeChars)));
  entry.set_program(subject.program);
  entry.set_purpose(CutUtf8(subject.purpose, kAuditPurposeChars));
  entry.set_region_code(CutUtf8(subject.region_code, kAuditRegionChars));
  if (subject.person_ids.size() <= kAuditMaxPersons) {
    record.person_ids = subject.person_ids;
  }
  if (!record.person_ids.empty()) {
    entry.set_persons_hash(log.PersonsHash(record.person_ids));
  }
  record.report = std::move(report);
  return record;
}

}  // namespace hedui::server
