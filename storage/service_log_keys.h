#ifndef HEDUI_STORAGE_SERVICE_LOG_KEYS_H_
#define HEDUI_STORAGE_SERVICE_LOG_KEYS_H_

// Key layouts of the `reports` and `audit` column families (drawn in
// storage/FORMAT.md). Each family holds several key spaces told apart by the
// first byte; integers are big-endian so that byte order is scan order.
//
// `audit`:
//   'e' | sequence (BE64)                      -> entry (audit_chain.h)
//   'p' | HMAC(key, person_id) (32) | sequence -> ""   (person index)
// No resident ID appears in this family, in keys or values.
//
// `reports` (report ids are "R" + 12 digits: byte order = storage order):
//   'r' | report_id                            -> hedui.v1.Report bytes
//   's' | report_id                            -> ReportSummary
//   'm' | person_id (18) | report_id           -> ReportSummary
//   'g' | program (1) | report_id              -> ReportSummary
//   'd' | YYYYMMDD (BE32) | report_id          -> ReportSummary
//   'n'                                        -> BE64: the highest report
//                                                 number a purge deleted

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::storage {

inline constexpr char kAuditEntryTag = 'e';
inline constexpr char kAuditPersonTag = 'p';
inline constexpr char kReportTag = 'r';
inline constexpr char kReportSummaryTag = 's';
inline constexpr char kReportByPersonTag = 'm';
inline constexpr char kReportByProgramTag = 'g';
inline constexpr char kReportByDateTag = 'd';
inline constexpr char kReportNumberFloorTag = 'n';

inline constexpr size_t kReportIdBytes = 13;
inline constexpr uint64_t kMaxReportNumber = 999'999'999'999ull;

// "R000000000042".
std::string FormatReportId(uint64_t number);
// nullopt unless `id` is "R" + 12 digits and not R000000000000.
std::optional<uint64_t> ParseReportId(absl::string_view id);

void AppendBigEndian64(uint64_t value, std::string* out);
void AppendBigEndian32(uint32_t value, std::string* out);
uint64_t ReadBigEndian64(absl::string_view bytes);  // REQUIRES: 8 bytes

std::string AuditEntryKey(uint64_t sequence);
// nullopt unless `key` is an entry key.
std::optional<uint64_t> DecodeAuditEntryKey(absl::string_view key);
// REQUIRES: person_token has 32 bytes.
std::string AuditPersonPrefix(absl::string_view person_token);
std::string AuditPersonKey(absl::string_view person_token, uint64_t sequence);

std::string ReportKey(absl::string_view report_id);
// The prefix of an index ('s', 'm', 'g', 'd'); the report id follows it.
std::string ReportSummaryPrefix();
std::string ReportByPersonPrefix(absl::string_view person_id);
std::string ReportByProgramPrefix(hedui::v1::Program program);
// YYYYMMDD as a number: 20261101.
std::string ReportByDatePrefix(uint32_t yyyymmdd);
uint32_t DateNumber(const hedui::v1::Date& date);
// Every index key of a stored report (summary, by program, by date, by each
// member), each holding its summary: the writer puts them and the purge
// deletes them, so an index added here is also purged.
std::vector<std::string> ReportIndexKeys(absl::string_view report_id,
                                         hedui::v1::Program program,
                                         uint32_t date_number,
                                         absl::Span<const std::string> members);
// A purge that deletes the newest reports leaves their highest number here,
// so that numbering resumes after it: a report id is never given twice (the
// audit names reports by id).
std::string ReportNumberFloorKey();

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_SERVICE_LOG_KEYS_H_
