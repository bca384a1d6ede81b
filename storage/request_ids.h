#ifndef HEDUI_STORAGE_REQUEST_IDS_H_
#define HEDUI_STORAGE_REQUEST_IDS_H_

// Client-chosen request ids (AIP-155) of verifications: the first successful
// result of a call kept under the caller and its request id, so that a retry
// gets the first report instead of making a second one. Kept in the
// `roll_requests` family beside the roll calls' results, under the same key
// (SHA-256(caller) | request_id): an id is unique per caller across methods.
// Layout in storage/FORMAT.md.
//
// A Verify's result names its report by id, and the id is given by the
// service log only as it writes: the result goes into the synced batch of
// the report and its audit entry as a write the log completes with that id
// (RequestResultNamingReport). Stores written before that linked the id
// right after, unsynced: a result found unlinked (a power cut between the
// two) is linked from the audit entry of the first call, which names both
// the request id (in its outcome) and the report (FindAuditedReport).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "hedui/store/v1/rolls.pb.h"
#include "hedui/v1/audit.pb.h"
#include "storage/service_log.h"
#include "storage/service_purge.h"
#include "storage/store.h"

namespace hedui::storage {

using RequestResult = hedui::store::v1::RollRequestResult;

// SHA-256 of the request as decoded, serialized deterministically (map
// entries in key order, unknown fields kept): a retry must repeat the
// request as sent, before the server fills anything in.
std::string RequestFingerprint(const google::protobuf::Message& request);

// The stored result of the caller's request id; nullopt when there is none.
// DATA_LOSS when it cannot be read.
absl::StatusOr<std::optional<RequestResult>> FindRequestResult(
    Store::ServiceTables tables, absl::string_view caller,
    absl::string_view request_id);

// The result as a write for ServiceRecord::writes: durable with the call's
// audit entry (and its report), never one without the other.
StoreWrite RequestResultWrite(Store::ServiceTables tables,
                              absl::string_view caller,
                              absl::string_view request_id,
                              const RequestResult& result);

// The result of a call that stores a report, as a write for that record's
// ServiceRecord::writes: the log sets its report_id to the report's id, in
// the same synced batch.
StoreWrite RequestResultNamingReport(Store::ServiceTables tables,
                                     absl::string_view caller,
                                     absl::string_view request_id,
                                     RequestResult result);

// Names the report in a result found durable without it (stored by an
// older version, see above). Not synced: a power cut may lose it again, and
// the result is then linked again from the audit on the next retry.
absl::Status LinkRequestReport(Store::ServiceTables tables,
                               absl::string_view caller,
                               absl::string_view request_id,
                               RequestResult result,
                               absl::string_view report_id);

// The report id of the first audit entry with a time in [from, to) that
// `matches` and names a report; nullopt when none does. Reads the stretch of
// the chain in that time (a few seconds: a fallback, not a lookup path).
absl::StatusOr<std::optional<std::string>> FindAuditedReport(
    Store::ServiceTables tables, absl::Time from, absl::Time to,
    const std::function<bool(const hedui::v1::AuditEntry&)>& matches);

// Deletes the request results first stored before `cutoff` (every method's:
// an id is kept for the reports' retention period; the caller passes the
// start of the report cutoff day), and those whose report no longer exists
// (purged: a verification date may be backdated before the call), so a
// retry of a forgotten id is a new call. Run after PurgeReports. Returns how
// many there were (batching.dry_run: counted, not deleted).
absl::StatusOr<int64_t> PurgeRequestIds(Store::ServiceTables tables,
                                        absl::Time cutoff,
                                        const PurgeBatching& batching);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_REQUEST_IDS_H_
