#ifndef HEDUI_STORAGE_SERVICE_LOG_H_
#define HEDUI_STORAGE_SERVICE_LOG_H_

// The verification service's own data in the store (issue 8): the reports
// as produced and the HMAC-chained audit trail, written together and durably
// before a call is answered. Layout in storage/FORMAT.md.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification_service.pb.h"
#include "storage/audit_range.h"
#include "storage/store.h"

namespace hedui::storage {

// A key another service family (the rolls) writes in the same synced batch
// as the call's audit entry: the change and its entry are durable together.
struct StoreWrite {
  rocksdb::ColumnFamilyHandle* family = nullptr;
  std::string key;
  std::optional<std::string> value;  // nullopt: delete the key
  // Set instead of `value` when the value names the report its record
  // stores (a request id's result, storage/request_ids.h): the log calls it
  // with the report id it assigns, so the value and the report are durable
  // in the same synced batch. Only on a record with a report.
  std::function<std::string(absl::string_view report_id)> value_naming_report =
      nullptr;
};

// What one call appends: its audit entry and, for a verification that
// produced a report, the report.
struct ServiceRecord {
  // sequence, previous_mac and mac are assigned by the log; report_id too
  // when `report` is set.
  hedui::v1::AuditEntry audit;
  std::optional<hedui::v1::Report> report;
  // Instead of `report`: a report the caller keeps (the one it answers
  // with), without a report_id, read and left unchanged until Append
  // returns. Spares a copy of a report of hundreds of messages per call.
  const hedui::v1::Report* borrowed_report = nullptr;
  // The persons the call concerned (validated IDs), for ListAudit's person
  // filter: only their HMACs reach the audit family. Empty: the report's
  // declared members, if any. audit.persons_hash, when empty, is filled in
  // from the same IDs.
  std::vector<std::string> person_ids;
  // Written in the same batch, after the entry (a roll change).
  std::vector<StoreWrite> writes;
  // Change events the call made (domain.md §10), numbered by the log in
  // commit order and stored in the same synced batch (storage/events/):
  // `number` is assigned, `created_unix_seconds` set when 0, and
  // `new_report_id` set to this record's report id when the record has a
  // report and the event names none. Each needs program, a 6-digit
  // region_code and occurred_on.
  std::vector<hedui::v1::ChangeEvent> events;
  // A re-verification of a roll entry rather than an application: copied
  // into the report's summary (GetStats counts it apart, by trigger). A
  // record with a trigger and no report is a refused re-verification (its
  // consent had expired): counted as refused under its trigger, program and
  // county (audit.program, audit.region_code) on `reverification_date`.
  hedui::v1::ChangeEvent::Trigger reverification_trigger =
      hedui::v1::ChangeEvent::TRIGGER_UNSPECIFIED;
  // The day a refused re-verification counts under (its re-verification
  // date); unset: the audit entry's day (Asia/Shanghai).
  std::optional<absl::CivilDay> reverification_date;
};

struct Appended {
  uint64_t sequence = 0;
  std::string report_id;                // empty without a report
  std::vector<uint64_t> event_numbers;  // ServiceRecord::events, in order
};

struct ServiceLogOptions {
  // HMAC-SHA256 key (raw bytes, at least 32), read by the caller from a file
  // outside the data directory, so that someone who can edit the store
  // cannot forge the chain.
  std::string audit_key;
  // Chain heads ("sequence mac-hex" lines) are appended and synced here every
  // `head_every` entries: a cut-off tail of the store is then detected.
  std::string head_file;
  int head_every = 100;
  // Called on the log's writer thread when writes stop being durable (a
  // write failed: the disk is full, the store's files cannot be written;
  // `why` says what failed) and when they are durable again (`why` OK). The
  // server logs it and turns its health to NOT_SERVING and back. Without a
  // listener the transitions are printed to stderr.
  std::function<void(bool durable, const absl::Status& why)>
      on_durability_change;
  // While writes are not durable, how often the log tries to recover (calls
  // arriving meanwhile also try, at most every 100 ms).
  absl::Duration recovery_interval = absl::Seconds(1);
};

class ServiceLog {
 public:
  // Opens over the store's service families (Store::service_tables; the
  // store must outlive the log) and resumes the chain and the report
  // numbering where the store's durable data stops. DATA_LOSS, naming the
  // head file's line, when the head file names an entry the store does not
  // hold or holds with another MAC: acknowledged entries were lost (a cut or
  // damaged store, or one older than the head file) and numbering on would
  // hand out their report ids and sequence numbers a second time.
  static absl::StatusOr<std::unique_ptr<ServiceLog>> Open(
      Store::ServiceTables tables, ServiceLogOptions options);
  virtual ~ServiceLog() = default;

  // Appends the records in order, in one synced write shared with the other
  // calls waiting at the same time (group commit: one WAL sync for all of
  // them). Returns when durable. When the write fails (RESOURCE_EXHAUSTED
  // for a full disk, else UNAVAILABLE or DATA_LOSS), nothing of the call is
  // acknowledged, and until the store recovers every call fails the same
  // way, fast; numbering resumes from what the store holds.
  virtual absl::StatusOr<std::vector<Appended>> Append(
      std::vector<ServiceRecord> records) = 0;

  // A stored report's bytes exactly as written (serialized hedui.v1.Report),
  // nullopt for an unknown id.
  virtual absl::StatusOr<std::optional<std::string>> GetReport(
      absl::string_view report_id) = 0;

  // Newest first. `regions` limits the result to reports whose region_code
  // is one of them (empty: no limit): a county sees its own.
  virtual absl::StatusOr<hedui::v1::ListReportsResponse> ListReports(
      const hedui::v1::ListReportsRequest& request,
      absl::Span<const std::string> regions) = 0;

  // Households and persons per program and verdict with a verification date
  // in [from, to]; region as in ListReports (request.region_code further
  // narrows it).
  virtual absl::StatusOr<hedui::v1::GetStatsResponse> Stats(
      const hedui::v1::GetStatsRequest& request,
      absl::Span<const std::string> regions) = 0;

  virtual absl::StatusOr<hedui::v1::ListAuditResponse> ListAudit(
      const hedui::v1::ListAuditRequest& request) = 0;

  // Recomputes every MAC from the first entry, checks the sequence has no
  // gap and that every line of the head file matches the stored chain.
  virtual absl::StatusOr<hedui::v1::VerifyAuditResponse> VerifyAudit() = 0;

  // HMAC-SHA256 (audit key) of the sorted, de-duplicated IDs, hex: audit
  // entries name persons without storing their IDs.
  virtual std::string PersonsHash(absl::Span<const std::string> ids) const = 0;

  // Entries in the chain.
  virtual uint64_t AuditLength() const = 0;

  // False from a failed write until the store has recovered and the log has
  // re-read where its chain stops: appends are refused meanwhile. Cheap (one
  // atomic load) and thread-safe: for the server's health status.
  virtual bool WritesDurable() const = 0;

  // A reader of the chain as stored now, for exports (audit_range.h).
  virtual std::unique_ptr<AuditReader> NewAuditReader() = 0;

  // The highest change-event number that is durable, every lower number
  // with it (events are numbered in commit order and published after their
  // synced write): a reader shows no event above it, so a watcher resuming
  // after N never misses one below N. At open: the highest stored or
  // purged. 0: none yet.
  virtual uint64_t HighestDurableEvent() const = 0;
  // Waits until an event numbered above `after` is durable, `deadline`
  // passes or the log shuts down; returns HighestDurableEvent() then.
  virtual uint64_t AwaitEventAbove(uint64_t after, absl::Time deadline) = 0;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_SERVICE_LOG_H_
