#ifndef HEDUI_SERVER_SERVICE_REQUEST_BOUNDS_H_
#define HEDUI_SERVER_SERVICE_REQUEST_BOUNDS_H_

#include "absl/status/status.h"
#include "hedui/v1/admin.pb.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/retention.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "hedui/v1/verification_service.pb.h"
#include "server/service/audit_entry.h"

namespace hedui::server {

// Each method's request checked field by field before any work, whoever the
// caller is: OK, or INVALID_ARGUMENT with ErrorDetails naming every field
// out of bounds (at most kMaxListedViolations listed, and how many more).

// Verify and every VerifyBatch item: the engine's validation (limits,
// resident IDs, dates, codes) on the request as sent; an absent
// verification_date stands for today. A request_id, when set, is 1..64
// characters of A-Z a-z 0-9 . _ : - (named request_id).
absl::Status BoundVerify(const hedui::v1::VerifyRequest& request);
// What a verification's audit entry records: program, purpose, county and
// the valid resident IDs of the persons it names.
AuditSubject VerifySubject(const hedui::v1::VerifyRequest& request);

absl::Status BoundGetReport(const hedui::v1::GetReportRequest& request);
absl::Status BoundListReports(const hedui::v1::ListReportsRequest& request);
absl::Status BoundGetStats(const hedui::v1::GetStatsRequest& request);
absl::Status BoundListAudit(const hedui::v1::ListAuditRequest& request);
absl::Status BoundExportAudit(const hedui::v1::ExportAuditRequest& request);
absl::Status BoundVerifyBackup(const hedui::v1::VerifyBackupRequest& request);
absl::Status BoundPruneBackups(const hedui::v1::PruneBackupsRequest& request);
// 1 to 13 held files (feeds), each with a department and a batch id as
// ConfirmHeldFeed takes them, no department twice: a joint switch names one
// file per department.
inline constexpr int kMaxJointFeeds = 13;
absl::Status BoundConfirmHeldFeeds(
    const hedui::v1::ConfirmHeldFeedsRequest& request);

// RollService. Every changing call's request_id is 1..64 characters of
// A-Z a-z 0-9 . _ : - (it is stored and audited); texts are valid UTF-8
// within their character limits; programs without a roll (TEMPORARY,
// MEDICAL) are refused here, before any work.
inline constexpr size_t kMaxRequestIdChars = 64;
inline constexpr size_t kMaxCaseworkerChars = 64;
inline constexpr size_t kMaxRollTextChars = 200;
absl::Status BoundEnroll(const hedui::v1::EnrollRequest& request);
absl::Status BoundWithdraw(const hedui::v1::WithdrawRequest& request);
absl::Status BoundAttachConsent(const hedui::v1::AttachConsentRequest& request);
absl::Status BoundGetRollEntry(const hedui::v1::GetRollEntryRequest& request);
absl::Status BoundListRoll(const hedui::v1::ListRollRequest& request);
// program required and with a roll, region_code empty or 6 digits,
// within_days 0..366, page_size 0..500 (0: the default 50), page_token
// bounded like every token.
inline constexpr int kMaxReviewsDueWithinDays = 366;
inline constexpr int kMaxReviewsDuePageSize = 500;
absl::Status BoundReverify(const hedui::v1::ReverifyRequest& request);
absl::Status BoundListReviewsDue(
    const hedui::v1::ListReviewsDueRequest& request);
// Programs with a roll (domain.md §10.1: temporary and medical assistance are
// one-off).
bool HasRoll(hedui::v1::Program program);

// ChangeService. Program empty or a known one, region_code empty or 6
// digits, entry_id empty or E + 12 digits, page fields as everywhere;
// number required where it names an event; a resolution's outcome is
// CONFIRMED, EXPLAINED or SOURCE_WRONG (domain.md §10.1), its caseworker
// 1..64 characters and its note at most 200, without control characters.
absl::Status BoundListChanges(const hedui::v1::ListChangesRequest& request);
absl::Status BoundWatchChanges(const hedui::v1::WatchChangesRequest& request);
absl::Status BoundGetChange(const hedui::v1::GetChangeRequest& request);
absl::Status BoundResolveChange(const hedui::v1::ResolveChangeRequest& request);
absl::Status BoundGetChangeStats(
    const hedui::v1::GetChangeStatsRequest& request);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_REQUEST_BOUNDS_H_
