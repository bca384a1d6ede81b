#include "storage/service_purge.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "hedui/v1/verification_service.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/events/event_keys.h"
#include "storage/rocks_status.h"
#include "storage/rolls/roll_keys.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status WriteSynced(rocksdb::DB* db, rocksdb::WriteBatch* batch,
                         absl::string_view what) {
  if (batch->Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  absl::Status s = FromRocks(db->Write(sync, batch), what);
  batch->Clear();
  return s;
}

// Purged data should leave the disk, not only the live key set: compacts the
// range so that the deleted values are dropped from the SST files now.
absl::Status CompactRange(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                          const std::string& begin, const std::string& end,
                          absl::string_view what) {
  const rocksdb::Slice b(begin), e(end);
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  return FromRocks(db->CompactRange(options, family, &b, &e), what);
}

}  // namespace

absl::StatusOr<uint64_t> ReadReportNumberFloor(Store::ServiceTables tables) {
  std::string stored;
  rocksdb::Status got = tables.db->Get(rocksdb::ReadOptions(), tables.reports,
                                       ReportNumberFloorKey(), &stored);
  if (got.IsNotFound()) return 0;
  if (!got.ok()) return FromRocks(got, "reading the reports");
  if (stored.size() != 8) {
    return absl::DataLossError("the purged-report number floor is malformed");
  }
  return ReadBigEndian64(stored);
}

namespace {

// The latest reports of the active roll entries: an entry shows its
// latest verdict, gradual exit and review from it, and its next
// re-verification compares with it (domain.md §10.1 "Reports that active
// entries rest on are kept by the purge"). The enrolment's own report is
// kept by its `r` key; a later re-verification's report has none, so the
// entries are read once per purge run. A report that becomes an entry's
// latest while this runs is today's, never below the cutoff.
absl::StatusOr<absl::flat_hash_set<std::string>> LatestReportsOfActiveEntries(
    Store::ServiceTables tables) {
  absl::flat_hash_set<std::string> out;
  if (tables.rolls == nullptr) return out;
  const std::string lower_key(1, kRollEntryTag);
  const std::string upper_key(1, static_cast<char>(kRollEntryTag + 1));
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(read, tables.rolls));
  hedui::v1::RollEntry entry;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!entry.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a roll entry is damaged; purge stopped");
    }
    if (entry.state() == hedui::v1::RollEntry::ACTIVE &&
        !entry.latest_report_id().empty()) {
      out.insert(entry.latest_report_id());
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the roll entries");
  }
  return out;
}

}  // namespace

absl::StatusOr<int64_t> PurgeReports(Store::ServiceTables tables,
                                     uint32_t before_yyyymmdd,
                                     const PurgeBatching& batching) {
  rocksdb::DB* db = tables.db;
  const std::string lower_key(1, kReportByDateTag);
  const std::string upper_key = ReportByDatePrefix(before_yyyymmdd);
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, tables.reports));

  absl::StatusOr<uint64_t> stored_floor = ReadReportNumberFloor(tables);
  if (!stored_floor.ok()) return stored_floor.status();
  uint64_t floor = *stored_floor;
  absl::StatusOr<absl::flat_hash_set<std::string>> latest =
      LatestReportsOfActiveEntries(tables);
  if (!latest.ok()) return latest.status();

  int64_t purged = 0;
  int in_batch = 0;
  rocksdb::WriteBatch batch;
  hedui::v1::ReportSummary summary;
  hedui::v1::Report report;
  std::string bytes;
  const size_t date_key_bytes = upper_key.size();
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const absl::string_view key = View(it->key());
    const absl::string_view report_id = key.substr(date_key_bytes);
    std::optional<uint64_t> number = ParseReportId(report_id);
    if (key.size() != date_key_bytes + kReportIdBytes || !number ||
        !summary.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          "a report date-index entry is damaged; purge stopped");
    }
    // A report an active roll entry rests on stays: the entry's baseline
    // and the declaration its re-verifications use.
    if (latest->contains(report_id)) continue;
    absl::StatusOr<bool> in_use = ReportInUse(tables, report_id);
    if (!in_use.ok()) return in_use.status();
    if (*in_use) continue;
    ++purged;
    if (batching.dry_run) continue;
    // The person keys are named by the declared members, which only the
    // report itself lists.
    std::vector<std::string> members;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), tables.reports,
                                ReportKey(report_id), &bytes);
    if (s.ok()) {
      if (!report.ParseFromString(bytes)) {
        return absl::DataLossError(absl::StrCat(
            "report ", report_id, " is damaged; purge stopped before it"));
      }
      for (const auto& member : report.request().members()) {
        members.push_back(member.person_id());
      }
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "reading a report to purge");
    }
    batch.Delete(tables.reports, ReportKey(report_id));
    for (const std::string& index_key :
         ReportIndexKeys(report_id, summary.program(),
                         DateNumber(summary.verification_date()), members)) {
      batch.Delete(tables.reports, index_key);
    }
    if (*number > floor) {
      floor = *number;
      std::string value;
      AppendBigEndian64(floor, &value);
      batch.Put(tables.reports, ReportNumberFloorKey(), value);
    }
    if (++in_batch == batching.batch_size) {
      absl::Status w = WriteSynced(db, &batch, "purging reports");
      if (!w.ok()) return w;
      in_batch = 0;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "purging reports");
  absl::Status w = WriteSynced(db, &batch, "purging reports");
  if (!w.ok()) return w;
  if (!batching.dry_run && purged > 0) {
    // Every key space of the family holds some of the deleted keys.
    absl::Status c =
        CompactRange(db, tables.reports, std::string(1, '\0'),
                     std::string(1, '\xff'), "compacting purged reports");
    if (!c.ok()) return c;
  }
  return purged;
}

absl::StatusOr<int64_t> PurgeEvents(Store::ServiceTables tables,
                                    uint32_t before_yyyymmdd,
                                    const PurgeBatching& batching) {
  if (tables.events == nullptr) return 0;
  rocksdb::DB* db = tables.db;
  std::string stored;
  uint64_t floor = 0;
  rocksdb::Status got = db->Get(rocksdb::ReadOptions(), tables.events,
                                EventNumberFloorKey(), &stored);
  if (got.ok()) {
    if (stored.size() != 8) {
      return absl::DataLossError("the purged-event number floor is malformed");
    }
    floor = ReadBigEndian64(stored);
  } else if (!got.IsNotFound()) {
    return FromRocks(got, "reading the events");
  }

  const std::string lower_key = EventByDayPrefix(0);
  const std::string upper_key = EventByDayPrefix(before_yyyymmdd);
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, tables.events));
  int64_t purged = 0;
  int in_batch = 0;
  rocksdb::WriteBatch batch;
  hedui::v1::ChangeEvent view;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    // The day index holds what names every key of the event.
    if (!view.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size())) ||
        view.number() == 0) {
      return absl::DataLossError(
          "a change event's day index is damaged; purge stopped");
    }
    ++purged;
    if (batching.dry_run) continue;
    batch.Delete(tables.events, EventKey(view.number()));
    for (const auto& entry : EventIndexEntries(view)) {
      batch.Delete(tables.events, entry.first);
    }
    if (view.number() > floor) {
      floor = view.number();
      std::string value;
      AppendBigEndian64(floor, &value);
      batch.Put(tables.events, EventNumberFloorKey(), value);
    }
    if (++in_batch == batching.batch_size) {
      absl::Status w = WriteSynced(db, &batch, "purging change events");
      if (!w.ok()) return w;
      in_batch = 0;
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "purging change events");
  }
  absl::Status w = WriteSynced(db, &batch, "purging change events");
  if (!w.ok()) return w;
  in_batch = 0;
  if (batching.dry_run) return purged;
  // The refused re-verifications of those days: counts, no personal data,
  // but nothing to keep them for once their days' reports are gone.
  const std::string refused_lower = RefusedReverificationPrefix(0);
  const std::string refused_upper =
      RefusedReverificationPrefix(before_yyyymmdd);
  const rocksdb::Slice refused_from(refused_lower), refused_to(refused_upper);
  rocksdb::ReadOptions refused_read;
  refused_read.iterate_lower_bound = &refused_from;
  refused_read.iterate_upper_bound = &refused_to;
  refused_read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> refused(
      db->NewIterator(refused_read, tables.events));
  int64_t refused_purged = 0;
  for (refused->Seek(refused_from); refused->Valid(); refused->Next()) {
    batch.Delete(tables.events, refused->key());
    ++refused_purged;
    if (++in_batch == batching.batch_size) {
      w = WriteSynced(db, &batch, "purging refused re-verifications");
      if (!w.ok()) return w;
      in_batch = 0;
    }
  }
  if (!refused->status().ok()) {
    return FromRocks(refused->status(), "purging refused re-verifications");
  }
  w = WriteSynced(db, &batch, "purging refused re-verifications");
  if (!w.ok()) return w;
  if (purged + refused_purged > 0) {
    absl::Status c =
        CompactRange(db, tables.events, std::string(1, '\0'),
                     std::string(1, '\xff'), "compacting purged events");
    if (!c.ok()) return c;
  }
  return purged;
}

absl::StatusOr<int64_t> PurgeRollEntries(Store::ServiceTables tables,
                                         uint32_t before_yyyymmdd,
                                         const PurgeBatching& batching) {
  if (tables.rolls == nullptr || tables.roll_persons == nullptr) return 0;
  rocksdb::DB* db = tables.db;
  std::string stored;
  uint64_t floor = 0;
  rocksdb::Status got = db->Get(rocksdb::ReadOptions(), tables.rolls,
                                RollNumberFloorKey(), &stored);
  if (got.ok()) {
    if (stored.size() != 8) {
      return absl::DataLossError(
          "the purged roll-entry number floor is malformed");
    }
    floor = ReadBigEndian64(stored);
  } else if (!got.IsNotFound()) {
    return FromRocks(got, "reading the rolls");
  }

  // No lock of the roll store is taken: an entry ended before the cutoff
  // is final (withdrawing it again is refused, coming back is a new entry,
  // it is never re-verified), and every key deleted here names its entry
  // id, so no roll call running meanwhile writes or needs any of them.
  const std::string lower_key = RollEndedPrefix(0);
  const std::string upper_key = RollEndedPrefix(before_yyyymmdd);
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, tables.rolls));
  int64_t purged = 0;
  int in_batch = 0;
  rocksdb::WriteBatch batch;
  hedui::v1::RollEntry entry;
  std::string bytes;
  const size_t day_key_bytes = upper_key.size();
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const absl::string_view key = View(it->key());
    const absl::string_view entry_id = key.substr(day_key_bytes);
    const std::optional<uint64_t> number = ParseEntryId(entry_id);
    if (key.size() != day_key_bytes + kEntryIdBytes || !number) {
      return absl::DataLossError(
          "a roll end-day index key is damaged; purge stopped");
    }
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), tables.rolls,
                                RollEntryKey(entry_id), &bytes);
    if (s.IsNotFound()) {
      // A key left without its entry names nothing: it goes, uncounted.
      if (!batching.dry_run) batch.Delete(tables.rolls, it->key());
      continue;
    }
    if (!s.ok()) return FromRocks(s, "reading a roll entry to purge");
    if (!entry.ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat(
          "roll entry ", entry_id, " is damaged; purge stopped before it"));
    }
    // The entry decides, not the index: an entry that is active, or whose
    // own end day is within the period, stays.
    if (entry.state() == hedui::v1::RollEntry::ACTIVE ||
        !entry.has_ended_on() || DateNumber(entry.ended_on()) == 0 ||
        DateNumber(entry.ended_on()) >= before_yyyymmdd) {
      continue;
    }
    ++purged;
    if (batching.dry_run) continue;
    batch.Delete(tables.rolls, RollEntryKey(entry_id));
    batch.Delete(tables.rolls, it->key());
    batch.Delete(tables.rolls,
                 RollListKey(entry.program(), entry.region_code(), entry_id));
    // Ending an entry deletes these already (RollStore::Writes, the
    // duplicate scan); deleting them again costs nothing and leaves no
    // index naming a deleted entry should one have been left behind. The
    // applicant and 户号 keys are not touched: they name the entry that
    // holds them now, never an ended one.
    batch.Delete(tables.rolls, RollReportKey(entry.report_id(), entry_id));
    for (const std::string& person : RollEntryPersons(entry.request())) {
      batch.Delete(tables.roll_persons, RollPersonKey(person, entry_id));
    }
    const std::string pair_prefix = RollPairPrefix(entry_id);
    std::unique_ptr<rocksdb::Iterator> pairs(
        db->NewIterator(rocksdb::ReadOptions(), tables.rolls));
    for (pairs->Seek(pair_prefix);
         pairs->Valid() && pairs->key().starts_with(pair_prefix);
         pairs->Next()) {
      const absl::string_view pair = View(pairs->key());
      batch.Delete(tables.rolls, pairs->key());
      if (pair.size() == pair_prefix.size() + kEntryIdBytes) {
        batch.Delete(tables.rolls,
                     RollPairKey(pair.substr(pair_prefix.size()), entry_id));
      }
    }
    if (!pairs->status().ok()) {
      return FromRocks(pairs->status(), "reading the duplicate pairs");
    }
    if (*number > floor) {
      floor = *number;
      std::string value;
      AppendBigEndian64(floor, &value);
      batch.Put(tables.rolls, RollNumberFloorKey(), value);
    }
    if (++in_batch == batching.batch_size) {
      absl::Status w = WriteSynced(db, &batch, "purging roll entries");
      if (!w.ok()) return w;
      in_batch = 0;
    }
  }
  if (!it->status().ok())
    return FromRocks(it->status(), "purging roll entries");
  absl::Status w = WriteSynced(db, &batch, "purging roll entries");
  if (!w.ok()) return w;
  if (!batching.dry_run && purged > 0) {
    // An entry holds the household's declaration: it should leave the disk.
    for (rocksdb::ColumnFamilyHandle* family :
         {tables.rolls, tables.roll_persons}) {
      absl::Status c =
          CompactRange(db, family, std::string(1, '\0'), std::string(1, '\xff'),
                       "compacting purged roll entries");
      if (!c.ok()) return c;
    }
  }
  return purged;
}

absl::StatusOr<int64_t> DropAuditPersonIndex(Store::ServiceTables tables,
                                             uint64_t through_sequence,
                                             const PurgeBatching& batching) {
  if (through_sequence == 0) return 0;
  rocksdb::DB* db = tables.db;
  const std::string lower_key(1, kAuditPersonTag);
  const std::string upper_key(1, static_cast<char>(kAuditPersonTag + 1));
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower;
  read.iterate_upper_bound = &upper;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, tables.audit));
  // 'p' | token (32) | sequence (BE64)
  constexpr size_t kKeyBytes = 1 + 32 + 8;
  int64_t dropped = 0;
  int in_batch = 0;
  rocksdb::WriteBatch batch;
  it->Seek(lower);
  while (it->Valid()) {
    const absl::string_view key = View(it->key());
    if (key.size() != kKeyBytes) {
      return absl::DataLossError("an audit person-index key is malformed");
    }
    if (ReadBigEndian64(key.substr(kKeyBytes - 8)) > through_sequence) {
      // A person's keys ascend by sequence: the rest of theirs are newer.
      // Past every key of this person: longer than any, same prefix.
      std::string next(key.substr(0, kKeyBytes - 8));
      next.append(8, '\xff');
      next.push_back('\0');
      it->Seek(next);
      continue;
    }
    ++dropped;
    if (!batching.dry_run) {
      batch.Delete(tables.audit, it->key());
      if (++in_batch == batching.batch_size) {
        absl::Status w = WriteSynced(db, &batch, "dropping the person index");
        if (!w.ok()) return w;
        in_batch = 0;
      }
    }
    it->Next();
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "dropping the person index");
  }
  absl::Status w = WriteSynced(db, &batch, "dropping the person index");
  if (!w.ok()) return w;
  if (!batching.dry_run && dropped > 0) {
    absl::Status c = CompactRange(db, tables.audit, lower_key, upper_key,
                                  "compacting the dropped person index");
    if (!c.ok()) return c;
  }
  return dropped;
}

}  // namespace hedui::storage
