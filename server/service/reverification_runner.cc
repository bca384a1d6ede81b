#include "server/service/reverification_runner.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "server/service/audit_entry.h"
#include "server/service/duplicate_scan.h"
#include "server/service/reviews_due.h"
#include "spdlog/spdlog.h"
#include "storage/feed_hold.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"
#include "storage/switch_log.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using hedui::store::v1::ReverificationCursor;
using hedui::store::v1::ReverificationJob;
using hedui::store::v1::SwitchRecord;
using hedui::v1::ChangeEvent;
using hedui::v1::RollEntry;

absl::Status WriteSynced(rocksdb::DB* db, rocksdb::WriteBatch* batch,
                         const char* what) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return storage::FromRocks(db->Write(sync, batch), what);
}

// A pass started by an assistance-enrollment file ends with the roll scan
// for duplicate enrolment (domain.md §10: the rolls are scanned whenever
// enrolments or that feed change), in the write that finishes the job.
// A FEED job's entries per department whose file touched them (domain.md
// §10.1: an event names the departments that touched that household, not
// every file of the pass): one key per department of the job, its value a
// ReverificationJob holding only that department and its entries, sorted.
// A job recorded without them (an older server) names every department.
std::string TouchedKey(uint64_t job_id, int department) {
  return absl::StrCat(storage::ReverificationJobKey(job_id), "/touched/",
                      department);
}

bool ScansForDuplicates(const ReverificationJob& job) {
  if (job.trigger() != ChangeEvent::FEED) return false;
  return std::find(job.departments().begin(), job.departments().end(),
                   hedui::v1::ASSISTANCE_ENROLLMENT) != job.departments().end();
}

}  // namespace

ReverificationRunner::ReverificationRunner(storage::Store* store,
                                           storage::ServiceLog* log,
                                           storage::RollStore* rolls,
                                           const Reverifier* reverifier,
                                           ReverificationRunnerOptions options)
    : store_(store),
      log_(log),
      rolls_(rolls),
      reverifier_(reverifier),
      options_(std::move(options)),
      tables_(store->service_tables()) {}

ReverificationRunner::~ReverificationRunner() { Stop(); }

void ReverificationRunner::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ReverificationRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ReverificationRunner::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void ReverificationRunner::JobRecorded() {
  Hook("job recorded", 0);
  Wake();
}

absl::CivilDay ReverificationRunner::Today() const {
  return options_.today ? options_.today() : TodayInChina();
}

void ReverificationRunner::Hook(const char* point, int64_t done) const {
  if (options_.test_hook) options_.test_hook(point, done);
}

int64_t ReverificationRunner::BacklogEntries() const {
  absl::MutexLock lock(&mu_);
  return backlog_;
}
int64_t ReverificationRunner::PendingSwitchRecords() const {
  absl::MutexLock lock(&mu_);
  return pending_switches_;
}
double ReverificationRunner::LagSeconds() const {
  absl::MutexLock lock(&mu_);
  if (oldest_unix_ == 0) return 0;
  return std::max<double>(
      0,
      absl::ToDoubleSeconds(absl::Now() - absl::FromUnixSeconds(oldest_unix_)));
}
int64_t ReverificationRunner::EntriesDone() const {
  absl::MutexLock lock(&mu_);
  return done_;
}

void ReverificationRunner::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      busy_ = true;
      woken_ = false;
    }
    absl::Status failed;
    if (const absl::CivilDay today = Today(); scheduled_for_ != today) {
      if (absl::Status s = ScheduleDue(); s.ok()) {
        scheduled_for_ = today;
      } else {
        failed = s;
      }
    }
    auto taken = TakeUpSwitches();
    if (!taken.ok()) failed = taken.status();
    auto jobs = UnfinishedJobs();
    if (!jobs.ok()) {
      failed = jobs.status();
    } else {
      for (const ReverificationJob& job : *jobs) {
        {
          absl::MutexLock lock(&mu_);
          if (stop_) break;
        }
        if (absl::Status s = RunJob(job); !s.ok()) {
          failed = s;
          break;
        }
      }
    }
    if (!failed.ok()) {
      // Retried at the next turn: a full disk or a store being recovered
      // heals, and the job resumes after its cursor.
      spdlog::error("re-verification: {}", std::string(failed.message()));
    }
    absl::MutexLock lock(&mu_);
    busy_ = false;
    if (failed.ok() && !stop_) {
      // Every job of this turn ran to its end: nothing is waiting.
      oldest_unix_ = 0;
      backlog_ = 0;
    }
    if (stop_) return;
    auto wake = [this]()
                    ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || woken_; };
    mu_.AwaitWithTimeout(absl::Condition(&wake), options_.poll);
  }
}

bool ReverificationRunner::WaitIdle(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    Wake();
    absl::SleepFor(absl::Milliseconds(20));
    {
      absl::MutexLock lock(&mu_);
      if (busy_ || woken_) continue;
    }
    auto pending = storage::PendingSwitches(tables_);
    auto jobs = UnfinishedJobs();
    if (pending.ok() && pending->empty() && jobs.ok() && jobs->empty()) {
      absl::MutexLock lock(&mu_);
      if (!busy_ && !woken_) return true;
    }
  }
  return false;
}

absl::StatusOr<std::vector<ReverificationJob>>
ReverificationRunner::UnfinishedJobs() {
  std::vector<ReverificationJob> jobs;
  const std::string prefix = storage::ReverificationJobPrefix();
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(rocksdb::ReadOptions(), tables_.meta));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (it->key().size() != prefix.size() + 8) continue;  // a cursor
    ReverificationJob job;
    if (!job.ParseFromArray(it->value().data(),
                            static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a re-verification job does not parse");
    }
    jobs.push_back(std::move(job));
  }
  if (absl::Status s =
          storage::FromRocks(it->status(), "reading re-verification jobs");
      !s.ok()) {
    return s;
  }
  return jobs;
}

absl::StatusOr<uint64_t> ReverificationRunner::AllocateJobId() {
  absl::MutexLock lock(&job_mu_);
  if (next_job_id_ == 0) {
    uint64_t next = 1;
    std::string stored;
    rocksdb::Status got =
        tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                        storage::NextReverificationJobKey(), &stored);
    if (got.ok() && stored.size() == 8) {
      next = storage::ReadBigEndian64(stored);
    } else if (!got.ok() && !got.IsNotFound()) {
      return storage::FromRocks(got, "reading the job counter");
    }
    auto jobs = UnfinishedJobs();
    if (!jobs.ok()) return jobs.status();
    for (const ReverificationJob& job : *jobs) {
      next = std::max<uint64_t>(next, job.id() + 1);
    }
    next_job_id_ = next;
  }
  return next_job_id_++;
}

absl::StatusOr<ReverificationRunner::JobWrites>
ReverificationRunner::PrepareJob(ChangeEvent::Trigger trigger,
                                 std::vector<std::string> entry_ids,
                                 const std::string& caller) {
  auto id = AllocateJobId();
  if (!id.ok()) return id.status();
  ReverificationJob job;
  job.set_id(*id);
  job.set_trigger(trigger);
  *job.mutable_date() = ToProto(Today());
  job.set_caller(caller);
  job.set_created_unix_seconds(absl::ToUnixSeconds(absl::Now()));
  std::sort(entry_ids.begin(), entry_ids.end());
  for (std::string& entry_id : entry_ids)
    job.add_entry_ids(std::move(entry_id));
  JobWrites result;
  result.id = *id;
  std::string raised;
  storage::AppendBigEndian64(*id + 1, &raised);
  result.writes.push_back(
      {tables_.meta, storage::NextReverificationJobKey(), raised});
  if (job.entry_ids_size() > 0) {
    result.writes.push_back({tables_.meta, storage::ReverificationJobKey(*id),
                             job.SerializeAsString()});
  }
  return result;
}

absl::StatusOr<uint64_t> ReverificationRunner::RecordJob(
    ReverificationJob job, const std::vector<SwitchRecord>& consumed,
    const std::vector<std::pair<int, std::string>>& touched) {
  std::vector<std::string> ids(job.entry_ids().begin(), job.entry_ids().end());
  auto prepared = PrepareJob(static_cast<ChangeEvent::Trigger>(job.trigger()),
                             std::move(ids), job.caller());
  if (!prepared.ok()) return prepared.status();
  rocksdb::WriteBatch batch;
  for (const storage::StoreWrite& write : prepared->writes) {
    if (write.key == storage::ReverificationJobKey(prepared->id)) {
      // The job as given: its date and creation time (a FEED job's are the
      // switch's).
      job.set_id(prepared->id);
      std::sort(job.mutable_entry_ids()->begin(),
                job.mutable_entry_ids()->end());
      batch.Put(write.family, write.key, job.SerializeAsString());
    } else {
      batch.Put(write.family, write.key, *write.value);
    }
  }
  if (job.entry_ids_size() == 0 && ScansForDuplicates(job)) {
    // No entry to re-verify, but the scan still runs: the job carries it.
    job.set_id(prepared->id);
    batch.Put(tables_.meta, storage::ReverificationJobKey(prepared->id),
              job.SerializeAsString());
  }
  for (const auto& [department, value] : touched) {
    batch.Put(tables_.meta, TouchedKey(prepared->id, department), value);
  }
  for (const SwitchRecord& record : consumed) {
    batch.Delete(tables_.meta, storage::SwitchRecordKey(record.sequence()));
  }
  if (absl::Status s =
          WriteSynced(tables_.db, &batch, "recording a re-verification job");
      !s.ok()) {
    return s;
  }
  Hook("job recorded", 0);
  Wake();
  return prepared->id;
}

absl::StatusOr<uint64_t> ReverificationRunner::QueueJob(
    ChangeEvent::Trigger trigger, std::vector<std::string> entry_ids,
    const std::string& caller) {
  ReverificationJob job;
  job.set_trigger(trigger);
  *job.mutable_date() = ToProto(Today());
  job.set_caller(caller);
  job.set_created_unix_seconds(absl::ToUnixSeconds(absl::Now()));
  for (std::string& id : entry_ids) job.add_entry_ids(std::move(id));
  return RecordJob(std::move(job), {}, {});
}

absl::Status ReverificationRunner::ScheduleDue() {
  const absl::CivilDay today = Today();
  auto jobs = UnfinishedJobs();
  if (!jobs.ok()) return jobs.status();
  absl::flat_hash_set<std::string> held;
  for (const ReverificationJob& job : *jobs) {
    held.insert(job.entry_ids().begin(), job.entry_ids().end());
  }
  std::vector<std::string> reviews;
  std::vector<std::string> rechecks;
  std::vector<std::string> consents;
  if (absl::Status s = rolls_->ForEachEntry([&](const RollEntry& entry) {
        if (entry.state() != RollEntry::ACTIVE ||
            held.contains(entry.entry_id())) {
          return;
        }
        // Nothing of a household is read on a day its consent is invalid:
        // its review waits (overdue) for a new consent.
        if (reverifier_->ConsentExpiryToReport(entry, today)) {
          consents.push_back(entry.entry_id());
          return;
        }
        if (entry.consent_expired_event_for() ==
            entry.request().consent().consent_id()) {
          return;
        }
        const std::optional<ReviewDueOn> due = EarliestReview(entry);
        if (!due.has_value() || due->day > today) return;
        (due->reason == hedui::v1::ReviewDue::DEATH_RECHECK ? rechecks
                                                            : reviews)
            .push_back(entry.entry_id());
      });
      !s.ok()) {
    return s;
  }
  const std::pair<ChangeEvent::Trigger, std::vector<std::string>*> kinds[] = {
      {ChangeEvent::CONSENT_CHECK, &consents},
      {ChangeEvent::REVIEW, &reviews},
      {ChangeEvent::DEATH_RECHECK, &rechecks}};
  for (const auto& [trigger, ids] : kinds) {
    if (ids->empty()) continue;
    const size_t count = ids->size();
    auto job = QueueJob(trigger, std::move(*ids), "(server)");
    if (!job.ok()) return job.status();
    spdlog::info("re-verification: job {} for {} entries ({}, due by {})", *job,
                 count, ChangeEvent::Trigger_Name(trigger),
                 FormatCivilDay(today));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReverificationRunner::TakeUpSwitches() {
  absl::StatusOr<std::vector<SwitchRecord>> pending;
  {
    // A joint switch's files are taken up together or not at all
    // (storage/feed_hold.h): one pass, so no event a later file reverses.
    absl::ReaderMutexLock joint(&storage::JointSwitchMutex());
    auto under_way = storage::FeedHoldStore(tables_).FindJoint();
    if (!under_way.ok()) return under_way.status();
    if (under_way->has_value()) return false;
    pending = storage::PendingSwitches(tables_);
  }
  if (!pending.ok()) return pending.status();
  {
    absl::MutexLock lock(&mu_);
    pending_switches_ = static_cast<int64_t>(pending->size());
    if (!pending->empty() && oldest_unix_ == 0) {
      oldest_unix_ = pending->front().acknowledged_unix_seconds();
    }
  }
  if (pending->empty()) return false;
  auto touched = EntriesTouchedBy(*pending);
  if (!touched.ok()) return touched.status();
  ReverificationJob job;
  job.set_trigger(ChangeEvent::FEED);
  // The day the first file was acknowledged (§10.1), even when the server
  // takes it up after a restart past midnight; a test clock decides alone.
  *job.mutable_date() = ToProto(
      options_.today ? Today()
                     : TodayInChina(absl::FromUnixSeconds(
                           pending->front().acknowledged_unix_seconds())));
  job.set_caller("(server)");
  job.set_created_unix_seconds(pending->front().acknowledged_unix_seconds());
  std::set<int> departments;
  for (const SwitchRecord& record : *pending) {
    departments.insert(record.department());
  }
  for (int department : departments) {
    job.add_departments(static_cast<hedui::v1::Department>(department));
  }
  std::map<int, ReverificationJob> by_department;
  for (int department : departments) {
    by_department[department].add_departments(
        static_cast<hedui::v1::Department>(department));
  }
  for (const auto& [id, of_entry] : *touched) {
    job.add_entry_ids(id);
    for (int department : of_entry) {
      by_department[department].add_entry_ids(id);
    }
  }
  std::vector<std::pair<int, std::string>> touched_values;
  for (const auto& [department, list] : by_department) {
    touched_values.emplace_back(department, list.SerializeAsString());
  }
  auto recorded = RecordJob(std::move(job), *pending, touched_values);
  if (!recorded.ok()) return recorded.status();
  absl::MutexLock lock(&mu_);
  pending_switches_ = 0;
  return true;
}

absl::StatusOr<ReverificationRunner::TouchedEntries>
ReverificationRunner::EntriesTouchedBy(
    const std::vector<SwitchRecord>& switches) {
  // What the roll holds now: active entries, and those whose latest report
  // found a department missing or stale (a file of it re-verifies them).
  std::vector<std::string> active;
  absl::flat_hash_map<int, std::vector<std::string>> unusable;
  if (absl::Status s = rolls_->ForEachEntry([&](const RollEntry& entry) {
        if (entry.state() != RollEntry::ACTIVE) return;
        active.push_back(entry.entry_id());
        for (int department : entry.latest_unusable_departments()) {
          unusable[department].push_back(entry.entry_id());
        }
      });
      !s.ok()) {
    return s;
  }
  TouchedEntries touched;
  if (active.empty()) return touched;
  // The file being looked at.
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  auto touch = [&](const std::string& entry_id) {
    touched[entry_id].insert(static_cast<int>(department));
  };
  auto add_entries_of =
      [&](const std::vector<std::string>& persons) -> absl::Status {
    for (const std::string& person : persons) {
      auto ids = rolls_->ActiveEntriesOf(person);
      if (!ids.ok()) return ids.status();
      for (const std::string& id : *ids) touch(id);
    }
    return absl::OkStatus();
  };
  auto add_entries_of_households =
      [&](const absl::flat_hash_set<std::string>& changed) -> absl::Status {
    if (changed.empty()) return absl::OkStatus();
    auto households = rolls_->ActiveHouseholds();
    if (!households.ok()) return households.status();
    for (const auto& [household, entry_id] : *households) {
      if (changed.contains(household)) touch(entry_id);
    }
    return absl::OkStatus();
  };
  std::optional<std::vector<std::string>> roll_persons;
  for (const SwitchRecord& record : switches) {
    department = record.department();
    if (auto it = unusable.find(department); it != unusable.end()) {
      for (const std::string& id : it->second) touch(id);
    }
    if (record.delta()) {
      std::vector<std::string> persons(record.changed_persons().begin(),
                                       record.changed_persons().end());
      if (absl::Status s = add_entries_of(persons); !s.ok()) return s;
      absl::flat_hash_set<std::string> households(
          record.changed_households().begin(),
          record.changed_households().end());
      if (absl::Status s = add_entries_of_households(households); !s.ok()) {
        return s;
      }
      continue;
    }
    auto kept = storage::GenerationKept(store_, department,
                                        record.previous_generation());
    if (!kept.ok()) return kept.status();
    if (!*kept) {
      // The generation it replaced is gone (retired meanwhile): what
      // changed cannot be known, so every entry is checked.
      spdlog::warn(
          "re-verification: the snapshot before {} batch was retired before "
          "it could be compared; re-verifying every active entry",
          hedui::v1::Department_Name(department));
      for (const std::string& id : active) touch(id);
      continue;
    }
    if (!roll_persons.has_value()) {
      auto persons = rolls_->ActivePersons();
      if (!persons.ok()) return persons.status();
      roll_persons = *std::move(persons);
    }
    auto changed = storage::PersonsChangedBetween(
        tables_, department, record.previous_generation(), record.generation(),
        *roll_persons);
    if (!changed.ok()) return changed.status();
    if (absl::Status s = add_entries_of(*changed); !s.ok()) return s;
    if (department == hedui::v1::HOUSEHOLD_REGISTRATION) {
      auto households = rolls_->ActiveHouseholds();
      if (!households.ok()) return households.status();
      std::vector<std::string> numbers;
      for (const auto& entry : *households) numbers.push_back(entry.first);
      std::sort(numbers.begin(), numbers.end());
      numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
      auto changed_households = storage::HouseholdsChangedBetween(
          tables_, record.previous_generation(), record.generation(), numbers);
      if (!changed_households.ok()) return changed_households.status();
      absl::flat_hash_set<std::string> set(changed_households->begin(),
                                           changed_households->end());
      if (absl::Status s = add_entries_of_households(set); !s.ok()) return s;
    }
  }
  return touched;
}

absl::Status ReverificationRunner::RunJob(const ReverificationJob& job) {
  ReverificationCursor cursor;
  std::string bytes;
  rocksdb::Status got =
      tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                      storage::ReverificationCursorKey(job.id()), &bytes);
  if (got.ok()) {
    if (!cursor.ParseFromString(bytes)) {
      return absl::DataLossError("a re-verification cursor does not parse");
    }
  } else if (!got.IsNotFound()) {
    return storage::FromRocks(got, "reading a re-verification cursor");
  }
  const auto date = FromProto(job.date(), "date");
  if (!date.ok()) return date.status();
  std::vector<hedui::v1::Department> departments;
  for (int department : job.departments()) {
    departments.push_back(static_cast<hedui::v1::Department>(department));
  }
  // Which of them touched each entry (TouchedKey); a job recorded without
  // these names all of them.
  absl::flat_hash_map<std::string, std::vector<hedui::v1::Department>>
      touched_by;
  bool per_entry = false;
  for (hedui::v1::Department department : departments) {
    std::string value;
    rocksdb::Status read =
        tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                        TouchedKey(job.id(), department), &value);
    if (read.IsNotFound()) continue;
    if (!read.ok()) {
      return storage::FromRocks(read, "reading a re-verification job");
    }
    ReverificationJob list;
    if (!list.ParseFromString(value)) {
      return absl::DataLossError(
          "a re-verification job's touched entries do not parse");
    }
    per_entry = true;
    for (const std::string& id : list.entry_ids()) {
      touched_by[id].push_back(department);
    }
  }
  const DepartmentsOf departments_of =
      [&](const std::string& id) -> std::vector<hedui::v1::Department> {
    if (!per_entry) return departments;
    auto it = touched_by.find(id);
    if (it == touched_by.end()) return {};
    return it->second;
  };
  auto first = std::upper_bound(job.entry_ids().begin(), job.entry_ids().end(),
                                cursor.last_entry_id());
  {
    absl::MutexLock lock(&mu_);
    backlog_ = job.entry_ids().end() - first;
    if (oldest_unix_ == 0) oldest_unix_ = job.created_unix_seconds();
  }
  const auto trigger = static_cast<ChangeEvent::Trigger>(job.trigger());
  auto batch_after = [&](decltype(first) from) {
    return std::vector<std::string>(
        from, from + std::min<ptrdiff_t>(options_.batch_size,
                                         job.entry_ids().end() - from));
  };
  // The next batch is evaluated while this one's synced write runs (the
  // write is mostly waiting for the disk): its entries are others, and
  // CommitBatch checks each again under the roll lock. Nothing of it is
  // durable before its own write, so a kill loses only work.
  std::optional<absl::StatusOr<std::vector<Pending>>> ahead;
  std::thread ahead_thread;
  auto join_ahead = [&] {
    if (ahead_thread.joinable()) ahead_thread.join();
  };
  struct JoinAtExit {
    std::function<void()> join;
    ~JoinAtExit() { join(); }
  } join_at_exit{join_ahead};
  while (first != job.entry_ids().end()) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return absl::OkStatus();
    }
    std::vector<std::string> ids = batch_after(first);
    const auto last = first + static_cast<ptrdiff_t>(ids.size());
    ReverificationCursor next = cursor;
    next.set_last_entry_id(ids.back());
    next.set_done(cursor.done() + static_cast<int64_t>(ids.size()));
    absl::StatusOr<std::vector<Pending>> pending;
    join_ahead();
    if (ahead.has_value()) {
      pending = *std::move(ahead);
      ahead.reset();
    } else {
      pending = EvaluateBatch(ids, *date, trigger, departments_of, job.id());
    }
    if (!pending.ok()) return pending.status();
    if (options_.overlap && last != job.entry_ids().end()) {
      ahead_thread = std::thread([&, following = batch_after(last)] {
        ahead =
            EvaluateBatch(following, *date, trigger, departments_of, job.id());
      });
    }
    std::vector<PreparedReverification> written;
    auto appended = CommitBatch(*std::move(pending), *date, trigger,
                                departments_of, job.id(), &next, &written);
    if (!appended.ok()) return appended.status();
    cursor = next;
    first = last;
    {
      absl::MutexLock lock(&mu_);
      backlog_ = job.entry_ids().end() - first;
      done_ += static_cast<int64_t>(ids.size());
    }
    Hook("batch written", cursor.done());
  }
  if (ScansForDuplicates(job)) {
    if (absl::Status s = FinishWithDuplicateScan(job, *date); !s.ok()) {
      return s;
    }
  } else {
    rocksdb::WriteBatch finish;
    finish.Delete(tables_.meta, storage::ReverificationJobKey(job.id()));
    finish.Delete(tables_.meta, storage::ReverificationCursorKey(job.id()));
    for (int department : job.departments()) {
      finish.Delete(tables_.meta, TouchedKey(job.id(), department));
    }
    if (absl::Status s =
            WriteSynced(tables_.db, &finish, "finishing a re-verification job");
        !s.ok()) {
      return s;
    }
  }
  absl::MutexLock lock(&mu_);
  backlog_ = 0;
  oldest_unix_ = 0;
  return absl::OkStatus();
}

absl::Status ReverificationRunner::FinishWithDuplicateScan(
    const ReverificationJob& job, absl::CivilDay date) {
  // Under the roll lock: no enrolment moves the pairs between the scan and
  // its write.
  absl::MutexLock roll_lock(&rolls_->mu());
  auto scan = ScanWholeRoll(rolls_, date);
  if (!scan.ok()) return scan.status();
  std::vector<storage::StoreWrite> finish = std::move(scan->writes);
  finish.push_back(
      {tables_.meta, storage::ReverificationJobKey(job.id()), std::nullopt});
  finish.push_back(
      {tables_.meta, storage::ReverificationCursorKey(job.id()), std::nullopt});
  for (int department : job.departments()) {
    finish.push_back(
        {tables_.meta, TouchedKey(job.id(), department), std::nullopt});
  }
  const int new_pairs = scan->new_pairs;
  if (scan->events.empty() && scan->forgotten_pairs == 0) {
    rocksdb::WriteBatch batch;
    for (const storage::StoreWrite& w : finish) {
      batch.Delete(w.family, w.key);
    }
    absl::Status done =
        WriteSynced(tables_.db, &batch, "finishing a re-verification job");
    if (done.ok()) {
      spdlog::info("duplicate scan: no new pair of roll entries (job {})",
                   job.id());
    }
    return done;
  }
  // The scan's events, the pairs and the job's end in one synced write, with
  // an audit entry of the server's own: after a kill -9 the job is either
  // still there (and scans again) or done with its events.
  AuditSubject subject;
  subject.purpose = "duplicate enrolment scan (ASSISTANCE_ENROLLMENT switch)";
  subject.detail =
      absl::StrCat("job ", job.id(), ": ", scan->new_pairs, " new pair(s), ",
                   scan->forgotten_pairs, " pair(s) no longer found");
  storage::ServiceRecord record = BuildAuditRecord(
      "(server)", kDuplicateScanMethod, absl::OkStatus(), subject, *log_);
  record.writes = std::move(finish);
  record.events = std::move(scan->events);
  std::vector<storage::ServiceRecord> records;
  records.push_back(std::move(record));
  auto appended = log_->Append(std::move(records));
  if (!appended.ok()) return appended.status();
  spdlog::info("duplicate scan: {} new pair(s) of roll entries (job {})",
               new_pairs, job.id());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<storage::Appended>> ReverificationRunner::WriteBatch(
    const std::vector<std::string>& entry_ids, absl::CivilDay date,
    ChangeEvent::Trigger trigger, const DepartmentsOf& departments_of,
    uint64_t job_id, const ReverificationCursor* cursor,
    std::vector<PreparedReverification>* written) {
  auto pending =
      EvaluateBatch(entry_ids, date, trigger, departments_of, job_id);
  if (!pending.ok()) return pending.status();
  return CommitBatch(*std::move(pending), date, trigger, departments_of, job_id,
                     cursor, written);
}

absl::StatusOr<std::vector<ReverificationRunner::Pending>>
ReverificationRunner::EvaluateBatch(const std::vector<std::string>& entry_ids,
                                    absl::CivilDay date,
                                    ChangeEvent::Trigger trigger,
                                    const DepartmentsOf& departments_of,
                                    uint64_t job_id) {
  // Evaluated before taking the roll lock (the reads and the engine are
  // the work); each entry is checked again under it, and one that changed
  // meanwhile (a consent attached, withdrawn) is evaluated again or left.
  // Evaluated on as many threads as the options say, each entry in its
  // slot, so the batch keeps the order of the job.
  std::vector<std::optional<Pending>> slots(entry_ids.size());
  std::vector<absl::Status> failures(entry_ids.size());
  auto evaluate = [&](size_t first, size_t step) {
    for (size_t i = first; i < entry_ids.size(); i += step) {
      const std::string& id = entry_ids[i];
      auto entry = rolls_->Get(id);
      if (!entry.ok()) {
        failures[i] = entry.status();
        continue;
      }
      if (!entry->has_value() || (*entry)->state() != RollEntry::ACTIVE) {
        continue;
      }
      auto prepared = reverifier_->Prepare(**entry, date, trigger,
                                           departments_of(id), job_id);
      if (!prepared.ok()) {
        if (absl::IsUnavailable(prepared.status()) ||
            absl::IsResourceExhausted(prepared.status()) ||
            absl::IsDataLoss(prepared.status())) {
          failures[i] = prepared.status();
          continue;
        }
        // This household cannot be evaluated (no policy for its county that
        // day, a permission change): counted as refused, the pass goes on.
        spdlog::warn("re-verification of entry {} refused: {}", id,
                     std::string(prepared.status().message()));
        continue;
      }
      slots[i] = Pending{(*entry)->SerializeAsString(), *std::move(prepared)};
    }
  };
  const size_t threads =
      std::max<size_t>(1, std::min<size_t>(options_.threads, entry_ids.size()));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(evaluate, t, threads);
  }
  evaluate(0, threads);
  for (std::thread& worker : workers) worker.join();
  std::vector<Pending> pending;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!failures[i].ok()) return failures[i];
    if (slots[i].has_value()) pending.push_back(*std::move(slots[i]));
  }
  return pending;
}

absl::StatusOr<std::vector<storage::Appended>>
ReverificationRunner::CommitBatch(
    std::vector<Pending> pending, absl::CivilDay date,
    ChangeEvent::Trigger trigger, const DepartmentsOf& departments_of,
    uint64_t job_id, const ReverificationCursor* cursor,
    std::vector<PreparedReverification>* written) {
  absl::MutexLock roll_lock(&rolls_->mu());
  std::vector<storage::ServiceRecord> records;
  written->clear();
  for (Pending& item : pending) {
    auto now = rolls_->Get(item.prepared.entry.entry_id());
    if (!now.ok()) return now.status();
    if (!now->has_value() || (*now)->state() != RollEntry::ACTIVE) continue;
    if ((*now)->SerializeAsString() != item.base) {
      auto again = reverifier_->Prepare(
          **now, date, trigger, departments_of(item.prepared.entry.entry_id()),
          job_id);
      if (!again.ok()) continue;
      item.prepared = *std::move(again);
    }
    item.prepared.record.writes.push_back(
        rolls_->EntryStateWrite(item.prepared.entry));
    written->push_back(std::move(item.prepared));
  }
  for (PreparedReverification& prepared : *written) {
    records.push_back(std::move(prepared.record));
  }
  std::vector<storage::Appended> appended;
  if (cursor != nullptr && job_id != 0) {
    storage::StoreWrite cursor_write{tables_.meta,
                                     storage::ReverificationCursorKey(job_id),
                                     cursor->SerializeAsString()};
    // The crash test's points around a job batch's synced write, numbered
    // like the "batch written" that follows them.
    Hook("batch evaluated", cursor->done());
    if (records.empty()) {
      rocksdb::WriteBatch batch;
      batch.Put(tables_.meta, cursor_write.key, *cursor_write.value);
      if (absl::Status s = WriteSynced(tables_.db, &batch,
                                       "advancing a re-verification job");
          !s.ok()) {
        return s;
      }
      return appended;
    }
    records.back().writes.push_back(std::move(cursor_write));
  }
  if (records.empty()) return appended;
  auto done = log_->Append(std::move(records));
  if (!done.ok()) return done.status();
  appended = *std::move(done);
  if (cursor != nullptr && job_id != 0) Hook("batch appended", cursor->done());
  // The ids the log assigned, kept with the entries for callers to read.
  // Not synced: a crash may lose it, and the runner finds an entry's latest
  // report by the reports' own index, never by this copy.
  rocksdb::WriteBatch ids;
  for (size_t i = 0; i < written->size() && i < appended.size(); ++i) {
    RollEntry& entry = (*written)[i].entry;
    if (!appended[i].report_id.empty()) {
      entry.set_latest_report_id(appended[i].report_id);
    }
    if (!appended[i].event_numbers.empty()) {
      entry.set_latest_event_number(appended[i].event_numbers.back());
    }
    const storage::StoreWrite write = rolls_->EntryStateWrite(entry);
    ids.Put(write.family, write.key, *write.value);
  }
  if (ids.Count() > 0) {
    tables_.db->Write(rocksdb::WriteOptions(), &ids).PermitUncheckedError();
  }
  return appended;
}

absl::StatusOr<SingleReverification> ReverificationRunner::ReverifyNow(
    const std::string& entry_id, ChangeEvent::Trigger trigger) {
  auto entry = rolls_->Get(entry_id);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) {
    return absl::NotFoundError(absl::StrCat("no roll entry ", entry_id));
  }
  if ((*entry)->state() != RollEntry::ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("roll entry ", entry_id,
                     " has ended: an ended entry is never re-verified"));
  }
  std::vector<PreparedReverification> written;
  const DepartmentsOf no_departments = [](const std::string&) {
    return std::vector<hedui::v1::Department>{};
  };
  auto appended = WriteBatch({entry_id}, Today(), trigger, no_departments, 0,
                             nullptr, &written);
  if (!appended.ok()) return appended.status();
  if (written.empty() || appended->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("roll entry ", entry_id, " could not be re-verified now"));
  }
  SingleReverification result;
  result.consent_expired = written.front().consent_expired;
  result.report_id = appended->front().report_id;
  if (!appended->front().event_numbers.empty()) {
    result.event_number = appended->front().event_numbers.front();
  }
  return result;
}

void AddReverificationMetrics(metrics::Registry& registry,
                              const ReverificationRunner* runner,
                              const storage::ServiceLog* log) {
  registry.AddCollector([runner, log](metrics::GaugeWriter& out) {
    out.Declare("hedui_reverification_backlog_entries",
                "Roll entries waiting in recorded re-verification jobs");
    out.Sample("hedui_reverification_backlog_entries",
               static_cast<double>(runner->BacklogEntries()));
    out.Declare("hedui_reverification_pending_files",
                "Department files acknowledged but not yet taken up by a "
                "re-verification job");
    out.Sample("hedui_reverification_pending_files",
               static_cast<double>(runner->PendingSwitchRecords()));
    out.Declare("hedui_reverification_lag_seconds",
                "Seconds since the oldest unfinished re-verification work was "
                "acknowledged (0 when idle)");
    out.Sample("hedui_reverification_lag_seconds", runner->LagSeconds());
    out.DeclareCounter("hedui_reverifications_total",
                       "Roll entries re-verified since heduid started");
    out.Sample("hedui_reverifications_total",
               static_cast<double>(runner->EntriesDone()));
    out.DeclareCounter("hedui_change_events_total",
                       "Change events made (the highest durable event number)");
    out.Sample("hedui_change_events_total",
               static_cast<double>(log->HighestDurableEvent()));
  });
}

}  // namespace hedui::server
