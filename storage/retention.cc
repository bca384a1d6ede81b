#include "storage/retention.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/audit_range.h"
#include "storage/request_ids.h"
#include "storage/service_log_keys.h"
#include "storage/service_purge.h"
#include "storage/types/civil_date.h"

namespace hedui::storage {

absl::Status ValidateRetentionOptions(const RetentionOptions& options) {
  if (options.report_retention_days < 0) {
    return absl::InvalidArgumentError(
        "report_retention_days: must be 0 (keep) or a number of days");
  }
  if (options.retired_snapshot_retention_days < 0) {
    return absl::InvalidArgumentError(
        "retired_snapshot_retention_days: must be 0 (keep) or a number of "
        "days");
  }
  if (options.batch_size < 1) {
    return absl::InvalidArgumentError("batch_size: must be positive");
  }
  return absl::OkStatus();
}

std::string DescribePurge(const hedui::v1::PurgeResponse& r,
                          const PurgeTally& tally) {
  std::string text = r.dry_run() ? "dry run, would purge " : "purged ";
  if (r.has_report_cutoff()) {
    absl::StrAppend(&text, r.reports_purged(), " reports verified before ",
                    FormatCivilDay(absl::CivilDay(r.report_cutoff().year(),
                                                  r.report_cutoff().month(),
                                                  r.report_cutoff().day())),
                    ", ", r.person_index_keys_dropped(),
                    " audit person-index keys");
    if (tally.events >= 0) {
      absl::StrAppend(&text, ", ", tally.events,
                      " change events that occurred before the same day");
    }
    if (tally.request_ids >= 0) {
      absl::StrAppend(&text, ", ", tally.request_ids, " request ids");
    }
    if (tally.roll_entries >= 0) {
      absl::StrAppend(&text, ", ", tally.roll_entries,
                      " roll entries that ended before the same day");
    }
  } else {
    absl::StrAppend(&text, "no reports (report retention off)");
  }
  if (r.snapshot_cutoff_unix_seconds() != 0) {
    absl::StrAppend(&text, ", ", r.snapshots_purged(),
                    " retired snapshots retired before ",
                    absl::FormatTime(
                        "%Y-%m-%d %H:%M:%S",
                        absl::FromUnixSeconds(r.snapshot_cutoff_unix_seconds()),
                        ChinaTimeZone()));
  } else {
    absl::StrAppend(&text, ", no snapshots (snapshot retention off)");
  }
  return text;
}

Purger::Purger(Store* store, ServiceLog* log, RetentionOptions options)
    : store_(store), log_(log), options_(options) {}

absl::Status Purger::Purge(bool dry_run, absl::Time now,
                           hedui::v1::PurgeResponse* response,
                           PurgeTally* tally) {
  PurgeBatching batching;
  batching.batch_size = options_.batch_size;
  batching.dry_run = dry_run;
  const Store::ServiceTables tables = store_->service_tables();
  if (options_.report_retention_days > 0) {
    const absl::CivilDay cutoff =
        TodayInChina(now) - options_.report_retention_days;
    *response->mutable_report_cutoff() = ToProto(cutoff);
    // The person index expires with the reports: entries written before the
    // cutoff day began lose the key that finds them by person.
    uint64_t through = 0;
    {
      AuditReader reader(tables);
      absl::StatusOr<uint64_t> first = reader.FirstAtOrAfter(
          absl::ToUnixMicros(absl::FromCivil(cutoff, ChinaTimeZone())));
      if (!first.ok()) return first.status();
      through = *first - 1;
    }
    absl::StatusOr<int64_t> reports =
        PurgeReports(tables, DateNumber(response->report_cutoff()), batching);
    if (!reports.ok()) return reports.status();
    response->set_reports_purged(*reports);
    absl::StatusOr<int64_t> keys =
        DropAuditPersonIndex(tables, through, batching);
    if (!keys.ok()) return keys.status();
    response->set_person_index_keys_dropped(*keys);
    // Events are kept as long as the reports they compare (domain.md §10),
    // measured by the day they occurred on.
    absl::StatusOr<int64_t> events =
        PurgeEvents(tables, DateNumber(response->report_cutoff()), batching);
    if (!events.ok()) return events.status();
    tally->events = *events;
    // Request ids are kept as long as the reports they answered (AIP-155,
    // issue 17): a retry after that is a new call.
    absl::StatusOr<int64_t> ids = PurgeRequestIds(
        tables, absl::FromCivil(cutoff, ChinaTimeZone()), batching);
    if (!ids.ok()) return ids.status();
    tally->request_ids = *ids;
    // Ended roll entries are kept for the same period (domain.md §10),
    // measured by the day they ended. Their reports went above (or go at
    // the next run) by their own verification dates: only active entries
    // hold theirs. The request ids of the calls on an entry are no newer
    // than its end, so the request ids above are already gone.
    absl::StatusOr<int64_t> entries = PurgeRollEntries(
        tables, DateNumber(response->report_cutoff()), batching);
    if (!entries.ok()) return entries.status();
    tally->roll_entries = *entries;
    response->set_roll_entries_purged(*entries);
  }
  if (options_.retired_snapshot_retention_days > 0) {
    const absl::Time cutoff =
        now - absl::Hours(24) * options_.retired_snapshot_retention_days;
    response->set_snapshot_cutoff_unix_seconds(absl::ToUnixSeconds(cutoff));
    absl::StatusOr<std::vector<hedui::store::v1::SnapshotInfo>> snapshots =
        store_->PurgeRetiredSnapshots(cutoff, dry_run);
    if (!snapshots.ok()) return snapshots.status();
    response->set_snapshots_purged(static_cast<int64_t>(snapshots->size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<hedui::v1::PurgeResponse> Purger::Run(const PurgeCaller& caller,
                                                     bool dry_run,
                                                     absl::Time now) {
  PurgeTally tally;
  return Run(caller, dry_run, now, &tally);
}

absl::StatusOr<hedui::v1::PurgeResponse> Purger::Run(const PurgeCaller& caller,
                                                     bool dry_run,
                                                     absl::Time now,
                                                     PurgeTally* tally) {
  absl::MutexLock lock(&mu_);
  hedui::v1::PurgeResponse response;
  response.set_dry_run(dry_run);
  *tally = PurgeTally();
  const absl::Status purged = Purge(dry_run, now, &response, tally);

  std::vector<ServiceRecord> records(1);
  hedui::v1::AuditEntry& entry = records[0].audit;
  entry.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  entry.set_caller(caller.identity);
  entry.set_method(caller.method);
  entry.set_batch_index(-1);
  entry.set_code(static_cast<int>(purged.code()));
  // Counts and dates only: nothing personal to mask.
  entry.set_outcome(
      purged.ok() ? DescribePurge(response, *tally)
                  : absl::StrCat(absl::StatusCodeToString(purged.code()),
                                 " after: ", DescribePurge(response, *tally)));
  absl::StatusOr<std::vector<Appended>> appended =
      log_->Append(std::move(records));
  if (!appended.ok()) return appended.status();
  if (!purged.ok()) return purged;
  response.set_audit_sequence(appended->front().sequence);
  return response;
}

}  // namespace hedui::storage
