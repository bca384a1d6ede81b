#include "storage/service_log.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/audit_chain.h"
#include "storage/events/event_keys.h"
#include "storage/page_token.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"
#include "storage/service_purge.h"
#include "storage/store_damage.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

using hedui::v1::AuditEntry;
using hedui::v1::ReportSummary;

constexpr int kDefaultReportPage = 50;
constexpr int kMaxReportPage = 500;
constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;
// A page stops after examining this many index entries, so that a filter
// matching little cannot make one call walk the whole store; its token then
// resumes after the last entry examined (AIP-158 allows a short page with a
// token).
constexpr int kScanBudget = 10'000;

// One record, made ready outside the writer thread: the writer only numbers,
// MACs and batches, so the shared sync is not held up by serialization.
struct Prepared {
  AuditEntry audit;
  std::vector<std::string> person_tokens;  // HMAC(key, id), sorted, unique
  bool has_report = false;
  std::string report_rest;  // the report serialized without its report_id
  ReportSummary summary;    // without its report_id
  std::vector<std::string> member_ids;  // sorted, unique
  std::vector<StoreWrite> writes;
  std::vector<hedui::v1::ChangeEvent> events;  // numbered by the writer
  // A refused re-verification (a trigger, no report): counted in GetStats.
  bool refused_reverification = false;
  ReportSummary refused;  // program, region, trigger, date
};

struct Pending {
  std::vector<Prepared> records;
  std::promise<absl::StatusOr<std::vector<Appended>>> done;
};

// Field 1 (report_id), wire type 2. Protobuf writes fields in number order,
// so this followed by the rest is exactly the serialization of the report
// with its id set.
std::string ReportBytes(absl::string_view report_id, absl::string_view rest) {
  std::string bytes;
  bytes.reserve(2 + report_id.size() + rest.size());
  bytes.push_back(0x0A);
  bytes.push_back(static_cast<char>(report_id.size()));
  bytes.append(report_id.data(), report_id.size());
  bytes.append(rest.data(), rest.size());
  return bytes;
}

bool HasPrefix(const rocksdb::Slice& key, absl::string_view prefix) {
  return key.size() >= prefix.size() &&
         absl::string_view(key.data(), prefix.size()) == prefix;
}

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

bool Contains(absl::Span<const std::string> set, absl::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

absl::Status ValidatePersons(std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    absl::Status s = ValidateResidentId(id, "person_ids");
    if (!s.ok()) return s;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return absl::OkStatus();
}

// from_date/to_date of a request: 0 when unset, else YYYYMMDD of a valid day.
absl::StatusOr<uint32_t> OptionalDate(bool present, const hedui::v1::Date& d,
                                      absl::string_view field) {
  if (!present) return 0u;
  absl::StatusOr<absl::CivilDay> day = FromProto(d, field);
  if (!day.ok()) return day.status();
  return DateNumber(d);
}

// Page tokens (AIP-158) in the one format of every listing
// (storage/page_token.h): the position is the last report number or audit
// sequence examined, 8 bytes big-endian, sealed under the audit key (no new
// secret; a token made before the key changed is refused, never misread).
std::string PagePosition(uint64_t number) {
  std::string position;
  AppendBigEndian64(number, &position);
  return position;
}

// The number a token of `kind` names, refused unless this store made it for
// a listing of `kind` under `filters`; `filter_names` names them for the
// caller. The messages lead with the field, which the server maps to a
// BadRequest violation of page_token.
absl::StatusOr<uint64_t> ReadPageToken(const PageTokenCodec& tokens,
                                       PageTokenKind kind,
                                       absl::string_view token,
                                       absl::string_view filters,
                                       absl::string_view filter_names) {
  absl::StatusOr<std::string> position =
      tokens.Open(kind, token, filters, filter_names);
  if (!position.ok()) return position.status();
  if (position->size() != 8) return PageTokenCodec::NotAToken();
  const uint64_t number = ReadBigEndian64(*position);
  if (number == 0) return PageTokenCodec::NotAToken();
  return number;
}

std::vector<rocksdb::ColumnFamilyHandle*> OtherFamilies(
    const Store::ServiceTables& tables) {
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (rocksdb::ColumnFamilyHandle* family :
       {tables.rolls, tables.roll_requests, tables.roll_persons,
        tables.events}) {
    if (family != nullptr) families.push_back(family);
  }
  return families;
}

class ServiceLogImpl : public ServiceLog {
 public:
  ServiceLogImpl(Store::ServiceTables tables, ServiceLogOptions options,
                 std::unique_ptr<HmacSha256> hmac, PageTokenCodec tokens)
      : db_(tables.db),
        reports_(tables.reports),
        audit_(tables.audit),
        events_(tables.events),
        others_(OtherFamilies(tables)),
        options_(std::move(options)),
        hmac_(std::move(hmac)),
        tokens_(std::move(tokens)) {}

  ~ServiceLogImpl() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (writer_.joinable()) writer_.join();
    absl::MutexLock lock(&event_mu_);
    events_stopping_ = true;
  }

  // Reads where the chain and the numbering stopped; starts the writer.
  absl::Status Resume();

  absl::StatusOr<std::vector<Appended>> Append(
      std::vector<ServiceRecord> records) override;
  absl::StatusOr<std::optional<std::string>> GetReport(
      absl::string_view report_id) override;
  absl::StatusOr<hedui::v1::ListReportsResponse> ListReports(
      const hedui::v1::ListReportsRequest& request,
      absl::Span<const std::string> regions) override;
  absl::StatusOr<hedui::v1::GetStatsResponse> Stats(
      const hedui::v1::GetStatsRequest& request,
      absl::Span<const std::string> regions) override;
  absl::StatusOr<hedui::v1::ListAuditResponse> ListAudit(
      const hedui::v1::ListAuditRequest& request) override;
  absl::StatusOr<hedui::v1::VerifyAuditResponse> VerifyAudit() override;

  std::string PersonsHash(absl::Span<const std::string> ids) const override {
    std::vector<std::string> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    return absl::BytesToHexString(hmac_->Mac({absl::StrJoin(sorted, "\n")}));
  }

  uint64_t AuditLength() const override { return length_.load(); }

  bool WritesDurable() const override { return durable_.load(); }

  std::unique_ptr<AuditReader> NewAuditReader() override {
    return std::make_unique<AuditReader>(
        Store::ServiceTables{db_, reports_, audit_});
  }

  uint64_t HighestDurableEvent() const override {
    return highest_durable_event_.load();
  }

  uint64_t AwaitEventAbove(uint64_t after, absl::Time deadline) override {
    struct Wanted {
      ServiceLogImpl* self;
      uint64_t after;
    } wanted{this, after};
    absl::MutexLock lock(&event_mu_);
    event_mu_.AwaitWithDeadline(
        absl::Condition(
            +[](Wanted* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->self->event_mu_) {
              return w->self->highest_durable_event_.load() > w->after ||
                     w->self->events_stopping_;
            },
            &wanted),
        deadline);
    return highest_durable_event_.load();
  }

 private:
  absl::StatusOr<Prepared> Prepare(ServiceRecord record) const;
  // Where the store's chain and report numbering stop.
  absl::Status ReadChainState();
  // The head file must not name an entry the store lacks or holds otherwise.
  absl::Status CheckHeadFile(const std::vector<HeadCheckpoint>& heads);
  void WriterLoop();
  void Commit(std::vector<std::unique_ptr<Pending>>& work);
  void WriteHead();
  void KeepAMemtableEntry();
  void WritesFailed(const absl::Status& why);
  void TryRecover();
  void Announce(bool durable, const absl::Status& why);
  // Makes events up to `number` visible and wakes their watchers.
  void PublishEvents(uint64_t number);

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const reports_;
  rocksdb::ColumnFamilyHandle* const audit_;
  rocksdb::ColumnFamilyHandle* const events_;  // null: a store without them
  // The other families records write to (StoreWrite): the rolls.
  const std::vector<rocksdb::ColumnFamilyHandle*> others_;
  const ServiceLogOptions options_;
  const std::unique_ptr<HmacSha256> hmac_;
  const PageTokenCodec tokens_;
  std::atomic<uint64_t> length_{0};

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Pending>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // The chain state: read by Resume before the writer starts, then owned by
  // the writer thread alone.
  uint64_t last_sequence_ = 0;
  std::string last_mac_ = std::string(kAuditMacBytes, '\0');
  uint64_t next_report_ = 1;
  uint64_t next_event_ = 1;
  uint64_t head_sequence_ = 0;  // the last one written to the head file
  // After a failed write RocksDB may or may not hold the batch, and may
  // replay it after a crash: the chain state is unknown until TryRecover has
  // made that log obsolete and read the state back. failed_ is what calls
  // get meanwhile.
  std::atomic<bool> durable_{true};
  absl::Status failed_;
  absl::Time failed_since_;
  absl::Time last_attempt_;
  int attempts_ = 0;

  // The highest durable event (HighestDurableEvent); written under
  // event_mu_ so that waiters' conditions see it change.
  std::atomic<uint64_t> highest_durable_event_{0};
  absl::Mutex event_mu_;
  bool events_stopping_ ABSL_GUARDED_BY(event_mu_) = false;

  std::thread writer_;
};

void ServiceLogImpl::PublishEvents(uint64_t number) {
  absl::MutexLock lock(&event_mu_);
  if (number > highest_durable_event_.load()) highest_durable_event_ = number;
}

absl::Status ServiceLogImpl::ReadChainState() {
  {
    absl::StatusOr<AuditReader::End> end =
        AuditReader(Store::ServiceTables{db_, reports_, audit_}).ChainEnd();
    if (absl::IsDataLoss(end.status())) {
      return absl::DataLossError(
          absl::StrCat(end.status().message(),
                       ": the audit trail is damaged; restore it from backup"));
    }
    if (!end.ok()) return end.status();
    last_sequence_ = end->sequence;
    last_mac_ = end->mac;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), reports_));
  it->SeekForPrev(ReportKey(FormatReportId(kMaxReportNumber)));
  uint64_t next_report = 1;
  if (it->Valid() && HasPrefix(it->key(), std::string(1, kReportTag))) {
    std::optional<uint64_t> number = ParseReportId(View(it->key()).substr(1));
    if (!number) {
      return absl::DataLossError("the last stored report has a malformed id");
    }
    next_report = *number + 1;
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading the reports");
  }
  // Purged reports leave no key behind but this floor: their ids stay used.
  absl::StatusOr<uint64_t> floor =
      ReadReportNumberFloor(Store::ServiceTables{db_, reports_, audit_});
  if (!floor.ok()) return floor.status();
  next_report_ = std::max(next_report, *floor + 1);
  length_ = last_sequence_;
  if (events_ != nullptr) {
    // Events are numbered like reports: after the highest stored, or purged
    // (the purge leaves its highest number behind), never a number twice.
    uint64_t highest = 0;
    std::unique_ptr<rocksdb::Iterator> events(
        db_->NewIterator(rocksdb::ReadOptions(), events_));
    events->SeekForPrev(EventKey(~uint64_t{0}));
    if (events->Valid() && !events->key().empty() &&
        events->key()[0] == kEventTag) {
      std::optional<uint64_t> number = DecodeEventKey(View(events->key()));
      if (!number) return absl::DataLossError("an event key is malformed");
      highest = *number;
    }
    if (!events->status().ok()) {
      return FromRocks(events->status(), "reading the events");
    }
    std::string stored;
    rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), events_,
                                   EventNumberFloorKey(), &stored);
    if (got.ok()) {
      if (stored.size() != 8) {
        return absl::DataLossError(
            "the purged-event number floor is malformed");
      }
      highest = std::max(highest, ReadBigEndian64(stored));
    } else if (!got.IsNotFound()) {
      return FromRocks(got, "reading the events");
    }
    next_event_ = highest + 1;
    PublishEvents(highest);
  }
  return absl::OkStatus();
}

absl::Status ServiceLogImpl::CheckHeadFile(
    const std::vector<HeadCheckpoint>& heads) {
  const std::vector<HeadCheckpoint> current = CurrentHistory(heads);
  const HeadCheckpoint* newest = nullptr;
  for (const HeadCheckpoint& head : current) {
    if (head.sequence > last_sequence_) {
      return absl::DataLossError(absl::StrCat(
          "the audit head file ", options_.head_file, " (line ", head.line,
          head.restore ? ", a restore marker" : "", ") names audit entry ",
          head.sequence, ", but the store's audit chain ends at entry ",
          last_sequence_,
          ": acknowledged reports and audit entries are missing from the "
          "store (a write-ahead log or table cut short or removed, or a store "
          "older than the head file); numbering on would hand their ids out "
          "again; ",
          kRestoreAdvice));
    }
    if (newest == nullptr || head.sequence >= newest->sequence) newest = &head;
  }
  if (newest == nullptr) return absl::OkStatus();
  absl::StatusOr<std::optional<std::string>> mac =
      AuditReader(Store::ServiceTables{db_, reports_, audit_})
          .MacOf(newest->sequence);
  if (!mac.ok()) return mac.status();
  if (*mac != newest->mac) {
    return absl::DataLossError(absl::StrCat(
        "audit entry ", newest->sequence, " in the store is ",
        mac->has_value() ? "not the one" : "missing, not the one",
        " the audit head file ", options_.head_file, " (line ", newest->line,
        newest->restore ? ", a restore marker" : "",
        ") names: the store's chain was cut and written again, or the store "
        "is not the one this head file belongs to; ",
        kRestoreAdvice));
  }
  return absl::OkStatus();
}

absl::Status ServiceLogImpl::Resume() {
  if (absl::Status s = ReadChainState(); !s.ok()) return s;
  absl::StatusOr<std::vector<HeadCheckpoint>> heads =
      ReadHeadFile(options_.head_file);
  if (!heads.ok()) return heads.status();
  if (absl::Status s = CheckHeadFile(*heads); !s.ok()) return s;
  // A crash between a commit and its head line leaves the head file behind;
  // catch it up so the checkpoint covers everything acknowledged.
  head_sequence_ = last_sequence_;
  if (last_sequence_ > 0 &&
      (heads->empty() || heads->back().sequence != last_sequence_ ||
       heads->back().mac != last_mac_)) {
    absl::Status s = AppendHeadLine(options_.head_file,
                                    FormatHeadLine(last_sequence_, last_mac_));
    if (!s.ok()) return s;
  }
  writer_ = std::thread([this] { WriterLoop(); });
  return absl::OkStatus();
}

absl::StatusOr<Prepared> ServiceLogImpl::Prepare(ServiceRecord record) const {
  Prepared p;
  p.audit = std::move(record.audit);
  if (record.borrowed_report != nullptr &&
      (record.report.has_value() ||
       !record.borrowed_report->report_id().empty())) {
    return absl::InvalidArgumentError(
        "a borrowed report comes alone and without its report_id");
  }
  if (record.report.has_value()) record.report->clear_report_id();
  const hedui::v1::Report* stored =
      record.report.has_value() ? &*record.report : record.borrowed_report;
  for (const StoreWrite& write : record.writes) {
    if (write.value_naming_report && stored == nullptr) {
      return absl::InvalidArgumentError(
          "a write naming its record's report needs a record with a report");
    }
  }
  p.writes = std::move(record.writes);
  if (!record.events.empty() && events_ == nullptr) {
    return absl::FailedPreconditionError("the store has no events family");
  }
  const int64_t now_seconds = absl::ToUnixSeconds(absl::Now());
  for (hedui::v1::ChangeEvent& event : record.events) {
    if (event.program() == hedui::v1::PROGRAM_UNSPECIFIED ||
        !hedui::v1::Program_IsValid(event.program()) ||
        event.region_code().size() != kEventRegionBytes ||
        !FromProto(event.occurred_on(), "occurred_on").ok()) {
      return absl::InvalidArgumentError(
          "a change event needs its program, 6-digit region_code and "
          "occurred_on");
    }
    event.clear_number();
    if (event.created_unix_seconds() == 0) {
      event.set_created_unix_seconds(now_seconds);
    }
  }
  p.events = std::move(record.events);
  p.audit.clear_sequence();
  p.audit.clear_previous_mac();
  p.audit.clear_mac();
  std::vector<std::string> persons = std::move(record.person_ids);
  if (stored != nullptr) {
    const hedui::v1::Report& report = *stored;
    p.has_report = true;
    for (const auto& member : report.request().members()) {
      p.member_ids.push_back(member.person_id());
    }
    absl::Status s = ValidatePersons(p.member_ids);
    if (!s.ok()) return s;
    if (persons.empty()) persons = p.member_ids;
    ReportSummary& summary = p.summary;
    summary.set_program(report.program());
    *summary.mutable_verification_date() = report.verification_date();
    summary.set_verdict(report.verdict());
    // A report made before any policy applied (none in force) still belongs
    // to the county that asked.
    summary.set_region_code(report.policy().region_code().empty()
                                ? report.request().region_code()
                                : report.policy().region_code());
    summary.set_persons(report.request().members_size());
    summary.set_application_id(report.request().application_id());
    summary.set_reverification_trigger(record.reverification_trigger);
    p.report_rest = report.SerializeAsString();
  } else if (record.reverification_trigger !=
                 hedui::v1::ChangeEvent::TRIGGER_UNSPECIFIED &&
             events_ != nullptr) {
    p.refused_reverification = true;
    p.refused.set_program(p.audit.program());
    p.refused.set_region_code(p.audit.region_code());
    p.refused.set_reverification_trigger(record.reverification_trigger);
    *p.refused.mutable_verification_date() = ToProto(
        record.reverification_date.has_value()
            ? *record.reverification_date
            : TodayInChina(absl::FromUnixMicros(p.audit.time_unix_micros())));
  }
  absl::Status s = ValidatePersons(persons);
  if (!s.ok()) return s;
  if (p.audit.persons_hash().empty() && !persons.empty()) {
    p.audit.set_persons_hash(PersonsHash(persons));
  }
  for (const std::string& id : persons) {
    p.person_tokens.push_back(hmac_->Mac({id}));
  }
  std::sort(p.person_tokens.begin(), p.person_tokens.end());
  return p;
}

absl::StatusOr<std::vector<Appended>> ServiceLogImpl::Append(
    std::vector<ServiceRecord> records) {
  if (records.empty()) return std::vector<Appended>();
  auto pending = std::make_unique<Pending>();
  pending->records.reserve(records.size());
  for (ServiceRecord& record : records) {
    absl::StatusOr<Prepared> prepared = Prepare(std::move(record));
    if (!prepared.ok()) return prepared.status();
    pending->records.push_back(std::move(*prepared));
  }
  std::future<absl::StatusOr<std::vector<Appended>>> done =
      pending->done.get_future();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      return absl::UnavailableError("the service log is shutting down");
    }
    queue_.push_back(std::move(pending));
  }
  return done.get();
}

void ServiceLogImpl::WriterLoop() {
  // Calls arriving while writes fail try to recover at most this often.
  constexpr absl::Duration kMinAttemptSpacing = absl::Milliseconds(100);
  for (;;) {
    std::vector<std::unique_ptr<Pending>> work;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      const absl::Condition ready(
          +[](ServiceLogImpl* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return !self->queue_.empty() || self->stopping_;
          },
          this);
      if (durable_) {
        mu_.Await(ready);
      } else {
        mu_.AwaitWithTimeout(ready, options_.recovery_interval);
      }
      work.swap(queue_);
      stopping = stopping_;
    }
    if (!durable_) {
      const absl::Duration since = absl::Now() - last_attempt_;
      if (since >= options_.recovery_interval ||
          (!work.empty() && since >= kMinAttemptSpacing)) {
        TryRecover();
      }
    }
    if (!work.empty()) {
      Commit(work);
    } else if (stopping) {
      break;  // everything queued is written (or refused)
    }
  }
  if (durable_ && last_sequence_ > head_sequence_) WriteHead();
}

void ServiceLogImpl::Commit(std::vector<std::unique_ptr<Pending>>& work) {
  if (!durable_) {
    for (auto& pending : work) pending->done.set_value(failed_);
    return;
  }
  uint64_t sequence = last_sequence_;
  std::string previous = last_mac_;
  uint64_t next_report = next_report_;
  uint64_t next_event = next_event_;
  rocksdb::WriteBatch batch;
  std::vector<std::vector<Appended>> results(work.size());
  absl::Status status;
  for (size_t w = 0; w < work.size() && status.ok(); ++w) {
    for (Prepared& p : work[w]->records) {
      Appended appended;
      appended.sequence = ++sequence;
      AuditEntry& entry = p.audit;
      entry.set_sequence(sequence);
      entry.set_previous_mac(previous);
      if (p.has_report) {
        if (next_report > kMaxReportNumber) {
          status = absl::ResourceExhaustedError("report ids are exhausted");
          break;
        }
        appended.report_id = FormatReportId(next_report++);
        entry.set_report_id(appended.report_id);
        batch.Put(reports_, ReportKey(appended.report_id),
                  ReportBytes(appended.report_id, p.report_rest));
        p.summary.set_report_id(appended.report_id);
        const std::string summary = p.summary.SerializeAsString();
        for (const std::string& key : ReportIndexKeys(
                 appended.report_id, p.summary.program(),
                 DateNumber(p.summary.verification_date()), p.member_ids)) {
          batch.Put(reports_, key, summary);
        }
      }
      std::string body = entry.SerializeAsString();
      std::string mac = hmac_->Mac({previous, body});
      batch.Put(audit_, AuditEntryKey(sequence),
                EncodeAuditValue(std::move(body), mac));
      for (const std::string& token : p.person_tokens) {
        batch.Put(audit_, AuditPersonKey(token, sequence), rocksdb::Slice());
      }
      for (const StoreWrite& write : p.writes) {
        if (write.value_naming_report) {
          batch.Put(write.family, write.key,
                    write.value_naming_report(appended.report_id));
        } else if (write.value.has_value()) {
          batch.Put(write.family, write.key, *write.value);
        } else {
          batch.Delete(write.family, write.key);
        }
      }
      // Numbers in commit order: the batch that holds an event holds every
      // lower number not yet durable, so publishing after the sync makes
      // no event visible before a lower one.
      for (hedui::v1::ChangeEvent& event : p.events) {
        const uint64_t number = next_event++;
        event.set_number(number);
        if (p.has_report && event.new_report_id().empty()) {
          event.set_new_report_id(appended.report_id);
        }
        batch.Put(events_, EventKey(number), event.SerializeAsString());
        for (const auto& [key, value] : EventIndexEntries(event)) {
          batch.Put(events_, key, value);
        }
        appended.event_numbers.push_back(number);
      }
      if (p.refused_reverification) {
        batch.Put(events_,
                  RefusedReverificationKey(
                      DateNumber(p.refused.verification_date()), sequence),
                  p.refused.SerializeAsString());
      }
      previous = std::move(mac);
      results[w].push_back(std::move(appended));
    }
  }
  if (status.ok()) {
    KeepAMemtableEntry();
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    status = FromRocks(db_->Write(write_options, &batch),
                       "writing reports and audit entries");
    if (!status.ok()) {
      WritesFailed(status);
      status = failed_;
    }
  }
  if (!status.ok()) {
    for (auto& pending : work) pending->done.set_value(status);
    return;
  }
  last_sequence_ = sequence;
  last_mac_ = std::move(previous);
  next_report_ = next_report;
  length_ = sequence;
  if (next_event != next_event_) {
    next_event_ = next_event;
    PublishEvents(next_event - 1);
  }
  for (size_t w = 0; w < work.size(); ++w) {
    work[w]->done.set_value(std::move(results[w]));
  }
  const uint64_t every = static_cast<uint64_t>(options_.head_every);
  if (last_sequence_ / every > head_sequence_ / every) WriteHead();
}

// RocksDB 7.8 replaces a log writer that failed only by switching memtables
// while it recovers (DB::Resume), and switches only a memtable that holds
// something: after a failed log write with every memtable empty it cannot
// recover at all. The default family, which holds no data and which no one
// else writes, keeps one entry (a deletion, kept out of the log) so that
// there is always a memtable to switch. Its flushes (backups, the log size
// limit) empty it; the next commit puts the entry back.
void ServiceLogImpl::KeepAMemtableEntry() {
  rocksdb::ColumnFamilyHandle* keeper = db_->DefaultColumnFamily();
  uint64_t entries = 0;
  if (!db_->GetIntProperty(keeper,
                           rocksdb::DB::Properties::kNumEntriesActiveMemTable,
                           &entries) ||
      entries > 0) {
    return;
  }
  rocksdb::WriteBatch entry;
  entry.Delete(keeper, rocksdb::Slice("hedui-memtable-keeper"));
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  // If it fails, the synced write that follows fails the same way.
  db_->Write(memtable_only, &entry).PermitUncheckedError();
}

void ServiceLogImpl::WritesFailed(const absl::Status& why) {
  // A full disk keeps its code (RESOURCE_EXHAUSTED), damage too (DATA_LOSS);
  // anything else is the store being unavailable for now.
  const absl::StatusCode code =
      why.code() == absl::StatusCode::kResourceExhausted ||
              why.code() == absl::StatusCode::kDataLoss
          ? why.code()
          : absl::StatusCode::kUnavailable;
  failed_ = absl::Status(
      code,
      absl::StrCat("nothing of this call was stored: the store cannot "
                   "make writes durable (",
                   why.message(), "); heduid resumes by itself once it can"));
  durable_ = false;
  failed_since_ = absl::Now();
  last_attempt_ = failed_since_;
  attempts_ = 0;
  Announce(false, why);
}

// RocksDB stops taking writes after a failed one (a background error) until
// it has recovered, by itself (a full disk, once space returns) or through
// DB::Resume() (the store turns its own recovery down after a failed log
// write: column_families.cc). Then the log that may hold the failed batch
// must become obsolete before the chain goes on: a crash would otherwise
// replay that batch under numbers handed out again. Flushing both families
// moves them to a new log and past the old one (a recovery replays no log
// older than a family's flushed log number), and the state is then read
// back from the store.
void ServiceLogImpl::TryRecover() {
  last_attempt_ = absl::Now();
  ++attempts_;
  absl::Status s = FromRocks(db_->Resume(), "resuming the store");
  if (s.ok()) {
    // Deleting keys no record uses changes nothing but the memtables, which
    // the flush then switches away from the old log (RocksDB switches logs
    // only with a memtable that holds something). Not through the log: its
    // writer may be the one that failed.
    rocksdb::WriteBatch marker;
    marker.Delete(reports_, rocksdb::Slice("\xff"
                                           "recovered"));
    marker.Delete(audit_, rocksdb::Slice("\xff"
                                         "recovered"));
    for (rocksdb::ColumnFamilyHandle* family : others_) {
      marker.Delete(family, rocksdb::Slice("\xff"
                                           "recovered"));
    }
    rocksdb::WriteOptions memtable_only;
    memtable_only.disableWAL = true;
    s = FromRocks(db_->Write(memtable_only, &marker),
                  "writing after a recovery");
  }
  if (s.ok()) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;
    // Every family a record writes, so that none replays the failed batch.
    std::vector<rocksdb::ColumnFamilyHandle*> families = {reports_, audit_};
    families.insert(families.end(), others_.begin(), others_.end());
    s = FromRocks(db_->Flush(flush, families), "flushing after a recovery");
  }
  if (s.ok()) s = ReadChainState();
  if (!s.ok()) return;  // the next attempt tries again; failed_ stays
  durable_ = true;
  Announce(true, absl::OkStatus());
}

void ServiceLogImpl::Announce(bool durable, const absl::Status& why) {
  if (options_.on_durability_change) {
    options_.on_durability_change(durable, why);
    return;
  }
  if (durable) {
    std::fprintf(stderr,
                 "hedui: writes are durable again after %s (%d attempts); "
                 "the audit chain goes on at entry %llu\n",
                 absl::FormatDuration(absl::Now() - failed_since_).c_str(),
                 attempts_,
                 static_cast<unsigned long long>(last_sequence_ + 1));
  } else {
    std::fprintf(stderr,
                 "hedui: writes cannot be made durable, calls are refused "
                 "until the store recovers: %s\n",
                 why.ToString().c_str());
  }
}

void ServiceLogImpl::WriteHead() {
  absl::Status s = AppendHeadLine(options_.head_file,
                                  FormatHeadLine(last_sequence_, last_mac_));
  if (s.ok()) {
    head_sequence_ = last_sequence_;
  } else {
    // The entries are durable; only the checkpoint is late. The next commit
    // tries again.
    std::fprintf(stderr, "hedui: audit head not written: %s\n",
                 s.ToString().c_str());
  }
}

absl::StatusOr<std::optional<std::string>> ServiceLogImpl::GetReport(
    absl::string_view report_id) {
  if (!ParseReportId(report_id)) return std::nullopt;
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), reports_, ReportKey(report_id), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a report");
  return value;
}

absl::StatusOr<hedui::v1::ListReportsResponse> ServiceLogImpl::ListReports(
    const hedui::v1::ListReportsRequest& request,
    absl::Span<const std::string> regions) {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size must not be negative");
  }
  const int page_size = request.page_size() == 0
                            ? kDefaultReportPage
                            : std::min(request.page_size(), kMaxReportPage);
  std::string prefix;
  if (!request.person_id().empty()) {
    absl::Status s = ValidateResidentId(request.person_id(), "person_id");
    if (!s.ok()) return s;
    prefix = ReportByPersonPrefix(request.person_id());
  } else if (request.program() != hedui::v1::PROGRAM_UNSPECIFIED) {
    prefix = ReportByProgramPrefix(request.program());
  } else {
    prefix = ReportSummaryPrefix();
  }
  absl::StatusOr<uint32_t> from =
      OptionalDate(request.has_from_date(), request.from_date(), "from_date");
  if (!from.ok()) return from.status();
  absl::StatusOr<uint32_t> to =
      OptionalDate(request.has_to_date(), request.to_date(), "to_date");
  if (!to.ok()) return to.status();
  if (*from != 0 && *to != 0 && *from > *to) {
    return absl::InvalidArgumentError("from_date is after to_date");
  }
  // The counties too: a token is the caller's place in what it may see.
  std::string filters;
  AppendTokenFilter(&filters, request.person_id());
  AppendTokenFilter(&filters, absl::StrCat(request.program()));
  AppendTokenFilter(&filters, absl::StrCat(request.verdict()));
  AppendTokenFilter(&filters, absl::StrCat(*from));
  AppendTokenFilter(&filters, absl::StrCat(*to));
  std::vector<std::string> counties(regions.begin(), regions.end());
  std::sort(counties.begin(), counties.end());
  counties.erase(std::unique(counties.begin(), counties.end()), counties.end());
  for (const std::string& county : counties) {
    AppendTokenFilter(&filters, county);
  }
  // Newest first: the scan starts before the token's report (or at the end).
  // The token holds the last report examined, not a count: reports stored
  // since have higher numbers, above it, and shift nothing.
  std::string start = prefix;
  if (!request.page_token().empty()) {
    absl::StatusOr<uint64_t> after = ReadPageToken(
        tokens_, PageTokenKind::kReports, request.page_token(), filters,
        "person_id, program, verdict, from_date, to_date or the "
        "counties the caller "
        "may see");
    if (!after.ok()) return after.status();
    if (*after > kMaxReportNumber) {
      return absl::InternalError("a page token names no report number");
    }
    start += FormatReportId(*after);
  } else {
    start += FormatReportId(kMaxReportNumber);
    start.push_back('\xff');
  }

  hedui::v1::ListReportsResponse response;
  rocksdb::ReadOptions read_options;
  const rocksdb::Slice lower(prefix);
  read_options.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, reports_));
  it->SeekForPrev(start);
  if (it->Valid() && View(it->key()) == start) it->Prev();
  int examined = 0;
  std::string last_examined;
  ReportSummary summary;
  for (; it->Valid() && HasPrefix(it->key(), prefix); it->Prev()) {
    if (response.reports_size() == page_size || examined == kScanBudget) {
      std::optional<uint64_t> number = ParseReportId(last_examined);
      if (!number) {
        return absl::DataLossError(
            "a report index key does not end in a report id");
      }
      response.set_next_page_token(tokens_.Seal(
          PageTokenKind::kReports, PagePosition(*number), filters));
      break;
    }
    ++examined;
    last_examined = std::string(View(it->key()).substr(prefix.size()));
    if (!summary.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("the summary of report ", last_examined, " is damaged"));
    }
    const uint32_t date = DateNumber(summary.verification_date());
    if ((request.program() != hedui::v1::PROGRAM_UNSPECIFIED &&
         summary.program() != request.program()) ||
        (request.verdict() != hedui::v1::VERDICT_UNSPECIFIED &&
         summary.verdict() != request.verdict()) ||
        (*from != 0 && date < *from) || (*to != 0 && date > *to) ||
        (!regions.empty() && !Contains(regions, summary.region_code()))) {
      continue;
    }
    *response.add_reports() = summary;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing reports");
  return response;
}

absl::StatusOr<hedui::v1::GetStatsResponse> ServiceLogImpl::Stats(
    const hedui::v1::GetStatsRequest& request,
    absl::Span<const std::string> regions) {
  if (!request.has_from_date() || !request.has_to_date()) {
    return absl::InvalidArgumentError("from_date and to_date are required");
  }
  absl::StatusOr<uint32_t> from =
      OptionalDate(true, request.from_date(), "from_date");
  if (!from.ok()) return from.status();
  absl::StatusOr<uint32_t> to =
      OptionalDate(true, request.to_date(), "to_date");
  if (!to.ok()) return to.status();
  if (*from > *to)
    return absl::InvalidArgumentError("from_date is after to_date");
  hedui::v1::GetStatsResponse response;
  std::vector<std::string> allowed(regions.begin(), regions.end());
  if (!request.region_code().empty()) {
    if (!allowed.empty() && !Contains(allowed, request.region_code())) {
      return response;  // a region the caller may not see: nothing
    }
    allowed = {request.region_code()};
  }

  const std::string lower_key = ReportByDatePrefix(*from);
  const std::string upper_key = ReportByDatePrefix(*to + 1);
  const rocksdb::Slice lower(lower_key), upper(upper_key);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower;
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, reports_));
  // Applications and re-verifications apart (domain.md §10): by program and
  // verdict, households and persons; re-verifications also by trigger.
  using Rows = std::map<std::pair<int, int>, std::pair<int64_t, int64_t>>;
  Rows applications, reverifications;
  std::map<int, std::pair<int64_t, int64_t>> by_trigger;  // run, refused
  ReportSummary summary;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!summary.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a report summary is damaged");
    }
    if (!allowed.empty() && !Contains(allowed, summary.region_code())) {
      continue;
    }
    const bool reverification = summary.reverification_trigger() !=
                                hedui::v1::ChangeEvent::TRIGGER_UNSPECIFIED;
    auto& row =
        (reverification ? reverifications
                        : applications)[{summary.program(), summary.verdict()}];
    row.first += 1;
    row.second += summary.persons();
    if (reverification) by_trigger[summary.reverification_trigger()].first++;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "computing stats");
  if (events_ != nullptr) {
    // Refused re-verifications: no report, a key each in `events`.
    const std::string refused_lower = RefusedReverificationPrefix(*from);
    const std::string refused_upper = RefusedReverificationPrefix(*to + 1);
    const rocksdb::Slice rl(refused_lower), ru(refused_upper);
    rocksdb::ReadOptions refused_options;
    refused_options.iterate_lower_bound = &rl;
    refused_options.iterate_upper_bound = &ru;
    std::unique_ptr<rocksdb::Iterator> refused(
        db_->NewIterator(refused_options, events_));
    for (refused->Seek(rl); refused->Valid(); refused->Next()) {
      if (!summary.ParseFromArray(refused->value().data(),
                                  static_cast<int>(refused->value().size()))) {
        return absl::DataLossError("a refused re-verification is damaged");
      }
      if (!allowed.empty() && !Contains(allowed, summary.region_code())) {
        continue;
      }
      by_trigger[summary.reverification_trigger()].second++;
    }
    if (!refused->status().ok()) {
      return FromRocks(refused->status(), "computing stats");
    }
  }
  for (const auto& [key, counts] : applications) {
    hedui::v1::StatsRow* row = response.add_rows();
    row->set_program(static_cast<hedui::v1::Program>(key.first));
    row->set_verdict(static_cast<hedui::v1::Verdict>(key.second));
    row->set_households(counts.first);
    row->set_persons(counts.second);
    response.set_households(response.households() + counts.first);
    response.set_persons(response.persons() + counts.second);
  }
  for (const auto& [key, counts] : reverifications) {
    hedui::v1::StatsRow* row = response.add_reverification_rows();
    row->set_program(static_cast<hedui::v1::Program>(key.first));
    row->set_verdict(static_cast<hedui::v1::Verdict>(key.second));
    row->set_households(counts.first);
    row->set_persons(counts.second);
    response.set_reverifications(response.reverifications() + counts.first);
  }
  for (const auto& [trigger, counts] : by_trigger) {
    hedui::v1::TriggerCount* row = response.add_reverifications_by_trigger();
    row->set_trigger(static_cast<hedui::v1::ChangeEvent::Trigger>(trigger));
    row->set_reverifications(counts.first);
    row->set_refused(counts.second);
  }
  return response;
}

absl::StatusOr<hedui::v1::ListAuditResponse> ServiceLogImpl::ListAudit(
    const hedui::v1::ListAuditRequest& request) {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size must not be negative");
  }
  const int page_size = request.page_size() == 0
                            ? kDefaultAuditPage
                            : std::min(request.page_size(), kMaxAuditPage);
  if (request.to_unix_micros() != 0 &&
      request.from_unix_micros() >= request.to_unix_micros()) {
    return absl::InvalidArgumentError(
        "from_unix_micros must be before to_unix_micros");
  }
  // With a person the person index drives the scan, else the entries do.
  std::string prefix(1, kAuditEntryTag);
  if (!request.person_id().empty()) {
    absl::Status s = ValidateResidentId(request.person_id(), "person_id");
    if (!s.ok()) return s;
    prefix = AuditPersonPrefix(hmac_->Mac({request.person_id()}));
  }
  std::string filters;
  AppendTokenFilter(&filters, absl::StrCat(request.from_unix_micros()));
  AppendTokenFilter(&filters, absl::StrCat(request.to_unix_micros()));
  AppendTokenFilter(&filters, request.caller());
  AppendTokenFilter(&filters, absl::StrCat(request.program()));
  AppendTokenFilter(&filters, request.person_id());
  // The token holds the last sequence examined: entries appended since come
  // after it and shift nothing.
  uint64_t after = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<uint64_t> position = ReadPageToken(
        tokens_, PageTokenKind::kAudit, request.page_token(), filters,
        "from_unix_micros, to_unix_micros, caller, program or person_id");
    if (!position.ok()) return position.status();
    after = *position;
  }
  std::string start = prefix;
  AppendBigEndian64(after + 1, &start);

  // One RocksDB snapshot for the index and the entries it points to.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{db_, snapshot};
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, audit_));

  hedui::v1::ListAuditResponse response;
  int examined = 0;
  uint64_t last_examined = 0;
  AuditEntry entry;
  std::string value;
  for (it->Seek(start); it->Valid() && HasPrefix(it->key(), prefix);
       it->Next()) {
    if (response.entries_size() == page_size || examined == kScanBudget) {
      response.set_next_page_token(tokens_.Seal(
          PageTokenKind::kAudit, PagePosition(last_examined), filters));
      break;
    }
    ++examined;
    const absl::string_view key = View(it->key());
    if (key.size() != prefix.size() + 8) {
      return absl::DataLossError("an audit key is malformed");
    }
    last_examined = ReadBigEndian64(key.substr(prefix.size()));
    absl::string_view raw = View(it->value());
    if (prefix.size() != 1) {
      rocksdb::Status s =
          db_->Get(read_options, audit_, AuditEntryKey(last_examined), &value);
      if (!s.ok()) {
        return s.IsNotFound() ? absl::DataLossError(absl::StrCat(
                                    "audit entry ", last_examined,
                                    " is indexed but missing; run VerifyAudit"))
                              : FromRocks(s, "reading the audit");
      }
      raw = value;
    }
    if (!entry.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
      return absl::DataLossError(absl::StrCat("audit entry ", last_examined,
                                              " is damaged; run VerifyAudit"));
    }
    if (entry.time_unix_micros() < request.from_unix_micros() ||
        (request.to_unix_micros() != 0 &&
         entry.time_unix_micros() >= request.to_unix_micros()) ||
        (!request.caller().empty() && entry.caller() != request.caller()) ||
        (request.program() != hedui::v1::PROGRAM_UNSPECIFIED &&
         entry.program() != request.program())) {
      continue;
    }
    *response.add_entries() = entry;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing the audit");
  return response;
}

absl::StatusOr<hedui::v1::VerifyAuditResponse> ServiceLogImpl::VerifyAudit() {
  // The head file first: a line is written only after its entries are
  // durable, so every line read now names an entry the snapshot below holds
  // (unless entries were removed).
  hedui::v1::VerifyAuditResponse response;
  absl::StatusOr<std::vector<HeadCheckpoint>> heads =
      ReadHeadFile(options_.head_file);
  if (!heads.ok()) {
    if (heads.status().code() != absl::StatusCode::kDataLoss) {
      return heads.status();
    }
    response.set_intact(false);
    response.set_problem(std::string(heads.status().message()));
    return response;
  }
  // Heads of a history a restore discarded are not this chain's.
  const std::vector<HeadCheckpoint> current = CurrentHistory(*heads);
  std::map<uint64_t, std::string> wanted;  // head sequence -> stored mac
  for (const HeadCheckpoint& head : current) wanted[head.sequence];

  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{db_, snapshot};
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  read_options.fill_cache = false;
  const std::string upper_key(1, static_cast<char>(kAuditEntryTag + 1));
  const rocksdb::Slice upper(upper_key);
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, audit_));

  uint64_t expected = 1;
  std::string previous(kAuditMacBytes, '\0');
  uint64_t broken = 0;
  std::string problem;
  AuditEntry entry;
  for (it->Seek(AuditEntryKey(1)); it->Valid(); it->Next()) {
    std::optional<uint64_t> seq = DecodeAuditEntryKey(View(it->key()));
    absl::string_view body, mac;
    if (!seq) {
      problem = absl::StrCat("a malformed key follows entry ", expected - 1);
    } else if (*seq != expected) {
      problem = absl::StrCat("entry ", expected,
                             " is missing: the next stored entry is ", *seq);
    } else if (!SplitAuditValue(View(it->value()), &body, &mac)) {
      problem = absl::StrCat("entry ", expected, " has no MAC");
    } else if (hmac_->Mac({previous, body}) != mac) {
      problem = absl::StrCat("entry ", expected,
                             " does not match its MAC: it was altered (or the "
                             "audit key is not the one it was written with)");
    } else if (!entry.ParseFromArray(body.data(),
                                     static_cast<int>(body.size())) ||
               entry.sequence() != expected) {
      problem = absl::StrCat("entry ", expected,
                             " does not carry its own sequence number");
    } else if (entry.previous_mac() != previous) {
      problem = absl::StrCat("entry ", expected, " does not follow entry ",
                             expected - 1,
                             ": an entry before it was removed or replaced");
    }
    if (!problem.empty()) {
      broken = expected;
      break;
    }
    auto w = wanted.find(expected);
    if (w != wanted.end()) w->second = std::string(mac);
    previous = std::string(mac);
    ++expected;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit");
  const uint64_t last_good = expected - 1;
  response.set_entries(last_good);

  // The chain itself cannot show a cut-off tail: the head file can. Lines
  // need not ascend (a tail cut and written again), so every line is
  // checked and the earliest problem wins.
  uint64_t checked = 0;
  for (const HeadCheckpoint& head : current) {
    if (broken != 0 && head.sequence >= broken) continue;
    ++checked;
    const char* kind = head.restore ? ", a restore marker" : "";
    if (head.sequence > last_good) {
      broken = last_good + 1;
      problem = absl::StrCat("the head file (line ", head.line, kind,
                             ") names entry ", head.sequence,
                             " but the trail ends at ", last_good,
                             ": entries after it were removed");
    } else if (wanted[head.sequence] != head.mac) {
      broken = head.sequence;
      problem = absl::StrCat(
          "entry ", head.sequence, " differs from the head file (line ",
          head.line, kind, "): the trail was rewritten from there or before");
    }
  }
  response.set_head_checkpoints(checked);
  response.set_intact(broken == 0);
  response.set_first_broken_sequence(broken);
  response.set_problem(problem);
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceLog>> ServiceLog::Open(
    Store::ServiceTables tables, ServiceLogOptions options) {
  if (tables.db == nullptr || tables.reports == nullptr ||
      tables.audit == nullptr) {
    return absl::InvalidArgumentError("the store has no service tables");
  }
  if (options.audit_key.size() < kAuditKeyMinBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the audit key has ", options.audit_key.size(),
        " bytes; HMAC-SHA256 needs at least ", kAuditKeyMinBytes,
        " random bytes (e.g. head -c 32 /dev/urandom > audit.key)"));
  }
  if (options.head_file.empty()) {
    return absl::InvalidArgumentError("head_file is required");
  }
  if (options.head_every <= 0) {
    return absl::InvalidArgumentError("head_every must be positive");
  }
  absl::StatusOr<std::unique_ptr<HmacSha256>> hmac =
      HmacSha256::Create(options.audit_key);
  if (!hmac.ok()) return hmac.status();
  absl::StatusOr<PageTokenCodec> tokens =
      PageTokenCodec::Create(options.audit_key);
  if (!tokens.ok()) return tokens.status();
  auto log = std::make_unique<ServiceLogImpl>(
      tables, std::move(options), std::move(*hmac), std::move(*tokens));
  absl::Status s = log->Resume();
  if (!s.ok()) return s;
  return std::unique_ptr<ServiceLog>(std::move(log));
}

}  // namespace hedui::storage
