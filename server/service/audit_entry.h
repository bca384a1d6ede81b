#ifndef HEDUI_SERVER_SERVICE_AUDIT_ENTRY_H_
#define HEDUI_SERVER_SERVICE_AUDIT_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "storage/service_log.h"

namespace hedui::server {

// What an audit entry records of a call beyond who called which method and
// how it ended. Filled from the request as sent, so its text fields may be
// anything: the builder bounds them.
struct AuditSubject {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  std::string purpose;
  std::string region_code;
  // Validated resident IDs of the persons the call concerned (hashed into
  // the entry and indexed by HMAC, never stored); only of a request within
  // its bounds, so the index stays bounded too.
  std::vector<std::string> person_ids;
  int64_t batch_index = -1;  // VerifyBatch items
  // Appended to the outcome, e.g. the entries an export gave out. Never
  // personal data.
  std::string detail;
};

// The subject of a call about one program's roll or events in one county
// (empty: several).
inline AuditSubject ProgramAndCounty(hedui::v1::Program program,
                                     const std::string& region) {
  AuditSubject subject;
  subject.program = program;
  subject.region_code = region;
  return subject;
}

// What an entry keeps of each field, in characters: every call, an
// unauthenticated one included, adds a bounded entry.
inline constexpr size_t kAuditCallerChars = 128;
inline constexpr size_t kAuditPurposeChars = 200;
inline constexpr size_t kAuditRegionChars = 16;
inline constexpr size_t kAuditOutcomeChars = 300;
inline constexpr size_t kAuditMaxPersons = 256;

// The one builder of audit records: the entry of a call (and the report
// stored with it, if any), every text field valid UTF-8 and bounded, so a
// stored entry always parses.
storage::ServiceRecord BuildAuditRecord(
    absl::string_view caller, absl::string_view method,
    const absl::Status& outcome, const AuditSubject& subject,
    const storage::ServiceLog& log,
    std::optional<hedui::v1::Report> report = std::nullopt);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_AUDIT_ENTRY_H_
