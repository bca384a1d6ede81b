// Re-verification after a feed switch (issue 16 performance goals), on the
// synthetic county in one store and one run:
//   (a) the roll entries a full TAX snapshot touches, re-verified by the
//       ReverificationRunner (reads, engine, comparison with the latest
//       report, reports, audit entries, events and entry states in synced
//       batches), next to in-process verification (server::Verifier, no
//       write) of the same households; and the seconds from the snapshot's
//       acknowledgement to the last durable event;
//   (b) finding the changed persons of the snapshot among the roll's persons
//       (storage::PersonsChangedBetween, which reads what the store recorded
//       while it loaded the snapshot; the recording's own time is reported
//       and counted too) next to a bare merge scan of the same persons.
//
//   hedui_reverify_bench [--residents 100000] [--applications 6586]
//                        [--changed-percent 10] [--batch-size 64]
//                        [--overlap 1] [--runs 5] [--dir D] [--policy FILE]
//
// --overlap 0: each batch evaluated after the previous one is written (the
// runner's former way), for comparison.
//
// The roll: every application verified on or before the bench's today whose
// report can be enrolled (MEETS_CRITERIA, or NEEDS_REVIEW with a
// caseworker's resolution), one entry per program and applicant and per
// program and 户号 (a later application of the same household is skipped,
// not a replacement). Reports and enrolments are written as the service
// writes them (ServiceLog::Append with their audit entries; the entry and
// its indexes in the enrolment's record), in group-committed chunks: the
// roll is the fixture, not what is measured. The size is
// --residents 1000000 --applications 80000 (a roll of >= 50,000).
//
// The snapshot: the county's TAX rows again, every row of one person in
// 100/--changed-percent (in key order) with its amount raised by a quarter
// (at least 10 yuan).
//
// --dir D reuses the county in D/county (generated there when absent, and
// kept); without it everything goes to a temporary directory, removed.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "server/service/audit_entry.h"
#include "server/service/call_info.h"
#include "server/service/policy_holder.h"
#include "server/service/reverification_runner.h"
#include "server/service/reverifier.h"
#include "server/service/reviews_due.h"
#include "server/service/verifier.h"
#include "storage/keys.h"
#include "storage/record_batch.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/store.h"
#include "storage/switch_log.h"
#include "storage/types/civil_date.h"
#include "tests/county/county_fixture.h"
#include "tests/datagen/generator.h"

namespace {

using Clock = std::chrono::steady_clock;
using hedui::v1::Report;
using hedui::v1::RollEntry;
using hedui::v1::VerificationRequest;

// Every verification date of the county but the STALE_DEPARTMENT ones is on
// or before this day (tests/datagen/README.md, "Dates"); every department is
// fresh on it.
const absl::CivilDay kToday(2026, 11, 10);
constexpr char kCaller[] = "bench-civil-affairs";
constexpr char kVerifyMethod[] = "/hedui.v1.VerificationService/Verify";
constexpr char kEnrollMethod[] = "/hedui.v1.RollService/Enroll";
// Records per group-committed Append while the roll is built.
constexpr size_t kChunk = 256;

double Seconds(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}
double Seconds(Clock::time_point start) { return Seconds(start, Clock::now()); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  return line;
}

std::vector<std::string> Members(const VerificationRequest& request) {
  std::vector<std::string> ids;
  for (const auto& member : request.members()) {
    ids.push_back(member.person_id());
  }
  return ids;
}

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

// Reports of the enrollable applications, then the enrolments, as the
// service writes them. Returns the entries enrolled.
std::vector<RollEntry> BuildRoll(const std::vector<VerificationRequest>& apps,
                                 const hedui::server::Verifier& verifier,
                                 hedui::storage::ServiceLog& log,
                                 hedui::storage::RollStore& rolls) {
  hedui::server::CallInfo call;
  call.caller = kCaller;
  call.method = kVerifyMethod;
  std::vector<Report> reports;
  std::set<std::pair<int, std::string>> applicants, households;
  int64_t refused = 0, not_enrollable = 0, later_dated = 0, duplicate = 0;
  for (const VerificationRequest& app : apps) {
    auto date = hedui::FromProto(app.verification_date(), "");
    if (!date.ok() || *date > kToday) {
      ++later_dated;
      continue;
    }
    VerificationRequest request = app;
    Report report;
    if (!verifier.Evaluate(call, request, &report).ok()) {
      ++refused;
      continue;
    }
    if (report.verdict() != hedui::v1::MEETS_CRITERIA &&
        report.verdict() != hedui::v1::NEEDS_REVIEW) {
      ++not_enrollable;
      continue;
    }
    const std::string& applicant = report.request().members(0).person_id();
    const std::string& household = report.household().household_number();
    if (applicants.count({report.program(), applicant}) > 0 ||
        (!household.empty() &&
         households.count({report.program(), household}) > 0)) {
      ++duplicate;
      continue;
    }
    applicants.insert({report.program(), applicant});
    if (!household.empty()) households.insert({report.program(), household});
    reports.push_back(std::move(report));
  }
  std::printf(
      "  %zu applications: %zu enrollable; left out: %lld verified after "
      "%s, %lld refused, %lld neither MEETS_CRITERIA nor NEEDS_REVIEW, %lld "
      "of a household already enrolled\n",
      apps.size(), reports.size(), static_cast<long long>(later_dated),
      hedui::FormatCivilDay(kToday).c_str(), static_cast<long long>(refused),
      static_cast<long long>(not_enrollable),
      static_cast<long long>(duplicate));

  // The Verify calls: audit entry and report in one record.
  std::vector<std::string> report_ids;
  for (size_t first = 0; first < reports.size(); first += kChunk) {
    std::vector<hedui::storage::ServiceRecord> records;
    for (size_t i = first; i < std::min(reports.size(), first + kChunk); ++i) {
      const Report& report = reports[i];
      hedui::server::AuditSubject subject;
      subject.program = report.program();
      subject.purpose = report.request().purpose();
      subject.region_code = report.request().region_code();
      subject.person_ids = Members(report.request());
      records.push_back(hedui::server::BuildAuditRecord(
          kCaller, kVerifyMethod, absl::OkStatus(), subject, log, report));
    }
    auto appended = log.Append(std::move(records));
    if (!appended.ok()) Fail("storing reports", appended.status());
    for (const auto& a : *appended) report_ids.push_back(a.report_id);
  }

  // The Enroll calls (server/service/roll_service.cc): the entry and its
  // indexes in the audit entry's record, under the roll lock to durability.
  std::vector<RollEntry> enrolled;
  for (size_t first = 0; first < reports.size(); first += kChunk) {
    absl::MutexLock lock(&rolls.mu());
    std::vector<hedui::storage::ServiceRecord> records;
    for (size_t i = first; i < std::min(reports.size(), first + kChunk); ++i) {
      Report& report = reports[i];
      report.set_report_id(report_ids[i]);
      auto entry_id = rolls.AllocateEntryId();
      if (!entry_id.ok()) Fail("allocating an entry id", entry_id.status());
      RollEntry entry;
      entry.set_entry_id(*entry_id);
      entry.set_program(report.program());
      entry.set_region_code(report.request().region_code());
      entry.set_applicant_id(report.request().members(0).person_id());
      entry.set_household_number(report.household().household_number());
      entry.set_state(RollEntry::ACTIVE);
      entry.set_report_id(report_ids[i]);
      entry.set_report_verdict(report.verdict());
      *entry.mutable_report_verification_date() = report.verification_date();
      *entry.mutable_approval_date() = hedui::ToProto(kToday);
      if (report.verdict() == hedui::v1::NEEDS_REVIEW) {
        entry.mutable_resolution()->set_caseworker("bench caseworker");
        entry.mutable_resolution()->set_reason("approved after a home visit");
      }
      *entry.mutable_request() = report.request();
      *entry.mutable_enrolled_on() = hedui::ToProto(kToday);
      entry.set_enrolled_by(kCaller);
      hedui::server::InitReviewState(report, &entry, kToday);

      hedui::storage::RollChange change;
      change.entries.push_back(entry);
      change.caller = kCaller;
      change.request_id = absl::StrCat("bench-enroll-", i);
      change.result.set_method(kEnrollMethod);
      change.result.set_first_unix_seconds(absl::ToUnixSeconds(absl::Now()));
      hedui::server::AuditSubject subject;
      subject.program = entry.program();
      subject.region_code = entry.region_code();
      subject.person_ids = Members(report.request());
      subject.detail =
          absl::StrCat("entry ", *entry_id, " on report ", report_ids[i]);
      hedui::storage::ServiceRecord record = hedui::server::BuildAuditRecord(
          kCaller, kEnrollMethod, absl::OkStatus(), subject, log);
      record.writes = rolls.Writes(change);
      records.push_back(std::move(record));
      enrolled.push_back(std::move(entry));
    }
    auto appended = log.Append(std::move(records));
    if (!appended.ok()) Fail("enrolling", appended.status());
  }
  return enrolled;
}

struct TaxSnapshot {
  hedui::storage::RecordBatch batch;
  std::vector<std::string> changed_persons;  // sorted
  int64_t persons = 0;
};

// The county's current TAX rows, one person in `every` with every amount
// raised by a quarter (at least 1,000 fen).
TaxSnapshot ChangedTax(const hedui::storage::Store::ServiceTables& tables,
                       uint32_t generation, int every) {
  TaxSnapshot out;
  rocksdb::ReadOptions read;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(read, tables.records));
  std::string person;
  bool changed = false;
  hedui::store::v1::TaxRecord row;
  std::string value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    auto key =
        hedui::storage::DecodeRecordKey(absl::string_view(k.data(), k.size()));
    if (!key.has_value() || key->department != hedui::v1::TAX ||
        key->generation != generation) {
      continue;
    }
    if (key->person_id != person) {
      person = std::string(key->person_id);
      changed = out.persons % every == 0;
      ++out.persons;
      if (changed) out.changed_persons.push_back(person);
    }
    const absl::string_view stored(it->value().data(), it->value().size());
    if (changed) {
      if (!row.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
        Fail("reading TAX", absl::DataLossError("a row does not parse"));
      }
      // A quarter more: enough to carry a household near a line across it
      // (an event), as a corrected or late-filed return does.
      row.set_amount_fen(row.amount_fen() +
                         std::max<int64_t>(1000, row.amount_fen() / 4));
      value = row.SerializeAsString();
      out.batch.Add(key->person_id, key->natural_key, value);
    } else {
      out.batch.Add(key->person_id, key->natural_key, stored);
    }
  }
  if (!it->status().ok()) {
    Fail("reading TAX", absl::DataLossError(it->status().ToString()));
  }
  out.batch.Sort();
  return out;
}

// The bare way to find the changed persons among `persons`: two iterators,
// one on each generation's rows of a person (adjacent keys in this layout,
// person | department | generation | natural key), compared in lockstep,
// key suffix and value, nothing copied.
std::vector<std::string> BareMergeScan(
    const hedui::storage::Store::ServiceTables& tables,
    hedui::v1::Department department, uint32_t before, uint32_t after,
    const std::vector<std::string>& persons) {
  std::vector<std::string> changed;
  const rocksdb::Snapshot* snapshot = tables.db->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> old_rows(
      tables.db->NewIterator(read, tables.records));
  std::unique_ptr<rocksdb::Iterator> new_rows(
      tables.db->NewIterator(read, tables.records));
  std::string old_prefix, new_prefix;
  for (const std::string& person : persons) {
    old_prefix.clear();
    new_prefix.clear();
    hedui::storage::AppendRecordKey(person, department, before, "",
                                    &old_prefix);
    hedui::storage::AppendRecordKey(person, department, after, "", &new_prefix);
    const rocksdb::Slice op(old_prefix), np(new_prefix);
    const size_t n = old_prefix.size();
    old_rows->Seek(op);
    new_rows->Seek(np);
    bool differ = false;
    while (true) {
      const bool o = old_rows->Valid() && old_rows->key().starts_with(op);
      const bool w = new_rows->Valid() && new_rows->key().starts_with(np);
      if (!o || !w) {
        differ = o != w;
        break;
      }
      rocksdb::Slice ok = old_rows->key(), nk = new_rows->key();
      ok.remove_prefix(n);
      nk.remove_prefix(n);
      if (ok != nk || old_rows->value() != new_rows->value()) {
        differ = true;
        break;
      }
      old_rows->Next();
      new_rows->Next();
    }
    if (differ) changed.push_back(person);
  }
  old_rows.reset();
  new_rows.reset();
  tables.db->ReleaseSnapshot(snapshot);
  return changed;
}

// Runs `work` on `threads` threads, wall seconds.
double Run(int threads,
           const std::function<void(size_t first, size_t stride)>& work) {
  const auto start = Clock::now();
  std::vector<std::thread> others;
  for (int t = 1; t < threads; ++t) {
    others.emplace_back(work, static_cast<size_t>(t),
                        static_cast<size_t>(threads));
  }
  work(0, static_cast<size_t>(threads));
  for (auto& t : others) t.join();
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t residents = 100'000;
  int applications = 0;  // the generator's default
  int changed_percent = 10;
  int batch_size = 64;
  bool overlap = true;
  int runs = 5;
  std::string dir;
  std::string policy_path =
      absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/policy/example.textproto");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--residents") residents = std::atoll(argv[i + 1]);
    if (flag == "--applications") applications = std::atoi(argv[i + 1]);
    if (flag == "--changed-percent") {
      changed_percent = std::clamp(std::atoi(argv[i + 1]), 1, 100);
    }
    if (flag == "--batch-size")
      batch_size = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--overlap") overlap = std::atoi(argv[i + 1]) != 0;
    if (flag == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--policy") policy_path = argv[i + 1];
  }
  std::printf("load average at start: %s\n", LoadAverage().c_str());
  const bool keep_county = !dir.empty();
  if (!keep_county) {
    dir = "/tmp/hedui-reverify-bench";
    std::filesystem::remove_all(dir);
  }
  const std::string county_dir = dir + "/county";
  const std::string store_dir = dir + "/store";
  std::filesystem::remove_all(store_dir);
  std::filesystem::remove(dir + "/audit.head");

  auto start = Clock::now();
  if (!hedui::county::HasCounty(county_dir)) {
    hedui::datagen::GeneratorOptions generate;
    generate.out_dir = county_dir;
    generate.residents = residents;
    if (applications > 0) generate.applications = applications;
    auto summary = hedui::datagen::GenerateCounty(generate);
    if (!summary.ok()) Fail("generate", summary.status());
    std::printf(
        "generated a %lld-resident county with %d applications in "
        "%.1f s\n",
        static_cast<long long>(summary->residents), summary->applications,
        Seconds(start));
  } else {
    std::printf("reusing the county in %s\n", county_dir.c_str());
  }
  hedui::server::PolicyHolder policies(policy_path);
  if (absl::Status s = policies.Reload(); !s.ok()) Fail("policy", s);
  auto requests = hedui::county::ReadApplications(county_dir);
  if (!requests.ok()) Fail("applications", requests.status());

  hedui::storage::StoreOptions options;
  options.path = store_dir;
  options.block_cache_bytes = 1ull << 30;  // as hedui_verify_bench
  auto opened = hedui::storage::Store::Open(options);
  if (!opened.ok()) Fail("open", opened.status());
  std::unique_ptr<hedui::storage::Store> store = *std::move(opened);
  auto load = hedui::county::LoadCounty(county_dir, store.get());
  if (!load.ok()) Fail("load", load.status());
  store->CompactRetired().IgnoreError();
  std::printf("loaded %lld records of %d departments in %.1f s\n",
              static_cast<long long>(load->records), load->departments,
              load->seconds);
  const hedui::storage::Store::ServiceTables tables = store->service_tables();

  hedui::storage::ServiceLogOptions log_options;
  log_options.audit_key.resize(32);
  std::random_device random;
  for (char& c : log_options.audit_key) c = static_cast<char>(random());
  // Outside the data directory, as the server requires of its head file.
  log_options.head_file = dir + "/audit.head";
  auto opened_log = hedui::storage::ServiceLog::Open(tables, log_options);
  if (!opened_log.ok()) Fail("log", opened_log.status());
  std::unique_ptr<hedui::storage::ServiceLog> log = *std::move(opened_log);
  auto opened_rolls = hedui::storage::RollStore::Open(tables);
  if (!opened_rolls.ok()) Fail("rolls", opened_rolls.status());
  std::unique_ptr<hedui::storage::RollStore> rolls = *std::move(opened_rolls);

  hedui::server::Verifier verifier(store.get(), &policies);
  verifier.set_today([] { return kToday; });
  hedui::server::Reverifier reverifier(log.get(), &verifier);

  // The hook marks the runner's durable points while a pass is measured.
  std::atomic<bool> measuring{false};
  std::atomic<int64_t> job_recorded_ns{0}, last_batch_ns{0};
  // The runner thread's CPU at those points: wall time it did not spend on
  // a core was spent waiting (for the log's synced write, for the cores).
  std::atomic<double> job_recorded_cpu{0}, last_batch_cpu{0};
  hedui::server::ReverificationRunnerOptions runner_options;
  runner_options.batch_size = batch_size;
  runner_options.overlap = overlap;
  runner_options.today = [] { return kToday; };
  runner_options.test_hook = [&](const char* point, int64_t) {
    if (!measuring.load()) return;
    const int64_t now = Clock::now().time_since_epoch().count();
    if (std::string(point) == "job recorded") {
      job_recorded_ns.store(now);
      job_recorded_cpu.store(ThreadCpuSeconds());
    } else if (std::string(point) == "batch written") {
      last_batch_ns.store(now);
      last_batch_cpu.store(ThreadCpuSeconds());
    }
  };
  hedui::server::ReverificationRunner runner(store.get(), log.get(),
                                             rolls.get(), &reverifier,
                                             std::move(runner_options));
  runner.Start();
  // The county's own files left switch records: with an empty roll they
  // are taken up and touch nothing.
  if (!runner.WaitIdle(absl::Minutes(5))) {
    Fail("runner", absl::DeadlineExceededError("not idle after the load"));
  }

  start = Clock::now();
  std::printf("\nbuilding the roll (%s as today)\n",
              hedui::FormatCivilDay(kToday).c_str());
  const std::vector<RollEntry> roll =
      BuildRoll(*requests, verifier, *log, *rolls);
  auto roll_persons = rolls->ActivePersons();
  if (!roll_persons.ok()) Fail("roll persons", roll_persons.status());
  std::printf("  roll: %zu active entries, %zu persons, built in %.1f s\n",
              roll.size(), roll_persons->size(), Seconds(start));

  // The snapshot to apply, and the entries it must touch: those naming a
  // changed person (TAX has no 户号 register; no entry's latest report
  // found TAX stale at enrolment, all departments being fresh on kToday).
  auto states = store->ListDepartments();
  if (!states.ok()) Fail("departments", states.status());
  hedui::store::v1::SnapshotInfo tax;
  for (const auto& state : *states) {
    if (state.department() == hedui::v1::TAX) tax = state.current();
  }
  const uint32_t old_generation = static_cast<uint32_t>(tax.generation());
  start = Clock::now();
  TaxSnapshot snapshot =
      ChangedTax(tables, old_generation, 100 / changed_percent);
  std::printf(
      "\nTAX snapshot: %zu rows of %lld persons, %zu persons (1 in %d) with "
      "every amount raised by a quarter; built in %.1f s\n",
      snapshot.batch.size(), static_cast<long long>(snapshot.persons),
      snapshot.changed_persons.size(), 100 / changed_percent, Seconds(start));
  absl::flat_hash_set<std::string> expected;
  {
    std::vector<std::string> both;
    std::set_intersection(roll_persons->begin(), roll_persons->end(),
                          snapshot.changed_persons.begin(),
                          snapshot.changed_persons.end(),
                          std::back_inserter(both));
    for (const std::string& person : both) {
      auto ids = rolls->ActiveEntriesOf(person);
      if (!ids.ok()) Fail("entries of a person", ids.status());
      expected.insert(ids->begin(), ids->end());
    }
    std::printf("  %zu changed persons are on the roll, in %zu entries\n",
                both.size(), expected.size());
  }
  std::vector<VerificationRequest> touched_requests;
  for (const RollEntry& entry : roll) {
    if (expected.contains(entry.entry_id())) {
      touched_requests.push_back(entry.request());
    }
  }
  if (touched_requests.empty()) {
    std::printf("no roll entry names a changed person: nothing to time\n");
    return 1;
  }

  // (a) baseline: in-process verification of the touched households, as a
  // Verify does it minus transport and audit. Timed before and after the
  // pass (the machine is shared); median of the runs.
  std::atomic<int64_t> baseline_errors{0};
  const size_t n = touched_requests.size();
  // Each run over the households several times, long enough to time.
  const size_t items = n * std::max<size_t>(1, 20000 / n);
  auto verify = [&](size_t first, size_t stride) {
    hedui::server::CallInfo call;
    call.caller = kCaller;
    call.method = kVerifyMethod;
    for (size_t k = first; k < items; k += stride) {
      VerificationRequest request = touched_requests[k % n];
      Report report;
      if (!verifier.Evaluate(call, request, &report).ok()) ++baseline_errors;
    }
  };
  Run(1, verify);  // warms the block cache as the pass will find it
  std::vector<double> verify_1, verify_2, verify_cpu_us;
  for (int r = 0; r < (runs + 1) / 2; ++r) {
    const double cpu0 = ThreadCpuSeconds();
    verify_1.push_back(static_cast<double>(items) / Run(1, verify));
    verify_cpu_us.push_back(1e6 * (ThreadCpuSeconds() - cpu0) /
                            static_cast<double>(items));
    verify_2.push_back(static_cast<double>(items) / Run(2, verify));
  }

  // (b) the pass: apply, acknowledge (the ingest path wakes the runner),
  // re-verify.
  hedui::storage::BatchHeader header;
  header.department = hedui::v1::TAX;
  header.as_of = kToday;
  header.batch_id = "bench-tax-changed";
  const int64_t done_before = runner.EntriesDone();
  const uint64_t events_before = log->HighestDurableEvent();
  std::printf("\nload average before the pass: %s\n", LoadAverage().c_str());
  measuring = true;
  const auto apply_start = Clock::now();
  auto applied = store->ApplyFullSnapshot(header, snapshot.batch);
  if (!applied.ok()) Fail("apply", applied.status());
  const auto ack = Clock::now();
  const double process_cpu0 = ProcessCpuSeconds();
  runner.Wake();
  if (!runner.WaitIdle(absl::Minutes(30))) {
    Fail("runner", absl::DeadlineExceededError("the pass did not finish"));
  }
  const auto idle = Clock::now();
  const double process_cpu = ProcessCpuSeconds() - process_cpu0;
  measuring = false;
  const uint32_t new_generation =
      static_cast<uint32_t>(applied->current.generation());
  const int64_t entries = runner.EntriesDone() - done_before;
  const uint64_t events = log->HighestDurableEvent() - events_before;
  auto at = [](const std::atomic<int64_t>& ns) {
    return Clock::time_point(Clock::duration(ns.load()));
  };
  const double to_job = job_recorded_ns ? Seconds(ack, at(job_recorded_ns)) : 0;
  const double to_last = last_batch_ns ? Seconds(ack, at(last_batch_ns)) : 0;
  const double pass_rate = static_cast<double>(entries) / to_last;
  const double proper_rate =
      static_cast<double>(entries) / std::max(1e-9, to_last - to_job);
  std::printf("load average after the pass: %s\n", LoadAverage().c_str());

  for (int r = 0; r < runs / 2; ++r) {
    const double cpu0 = ThreadCpuSeconds();
    verify_1.push_back(static_cast<double>(items) / Run(1, verify));
    verify_cpu_us.push_back(1e6 * (ThreadCpuSeconds() - cpu0) /
                            static_cast<double>(items));
    verify_2.push_back(static_cast<double>(items) / Run(2, verify));
  }
  const double rate_1 = Median(verify_1);
  const double rate_2 = Median(verify_2);

  // (b) changed persons: the runner's comparison next to the bare scan, in
  // turn, median of the runs.
  std::vector<double> library, bare;
  std::vector<std::string> by_library, by_bare;
  for (int r = 0; r < runs; ++r) {
    auto t = Clock::now();
    auto found = hedui::storage::PersonsChangedBetween(
        tables, hedui::v1::TAX, old_generation, new_generation, *roll_persons);
    if (!found.ok()) Fail("PersonsChangedBetween", found.status());
    library.push_back(Seconds(t));
    by_library = *std::move(found);
    t = Clock::now();
    by_bare = BareMergeScan(tables, hedui::v1::TAX, old_generation,
                            new_generation, *roll_persons);
    bare.push_back(Seconds(t));
  }
  const double library_s = Median(library);
  const double bare_s = Median(bare);

  std::printf(
      "\n(a) re-verification after a full TAX snapshot, batches of %d, 1 "
      "runner thread, next batch evaluated during the write: %s\n",
      batch_size, overlap ? "yes" : "no");
  std::printf("  snapshot applied and acknowledged in %.2f s (%zu rows)\n",
              Seconds(apply_start, ack), snapshot.batch.size());
  std::printf(
      "  re-verified %lld entries (expected %zu: changed persons on the roll), "
      "%llu events\n",
      static_cast<long long>(entries), expected.size(),
      static_cast<unsigned long long>(events));
  std::printf("  ack -> job recorded (touched entries found): %7.3f s\n",
              to_job);
  std::printf(
      "  ack -> last durable event:                   %7.3f s  "
      "(goal < 10 s: %s)\n",
      to_last, to_last < 10 ? "met" : "MISSED");
  std::printf("  ack -> runner idle (polled every 20 ms):      %7.3f s\n",
              Seconds(ack, idle));
  std::printf("  pass, ack to last event:  %8.0f entries/s\n", pass_rate);
  std::printf("  pass, job to last event:  %8.0f entries/s\n", proper_rate);
  std::printf(
      "  runner thread CPU, job to last event: %.1f us/entry of %.1f us/entry "
      "wall; in-process verify CPU %.1f us/household (1 thread); process CPU "
      "ack to idle %.2f s over %.2f s wall\n",
      1e6 * (last_batch_cpu - job_recorded_cpu) / static_cast<double>(entries),
      1e6 * (to_last - to_job) / static_cast<double>(entries),
      Median(verify_cpu_us), process_cpu, Seconds(ack, idle));
  std::printf(
      "  in-process verify (server::Verifier, same %zu households, median of "
      "%zu runs): %8.0f /s on 1 thread, %8.0f /s on 2 threads\n",
      n, verify_1.size(), rate_1, rate_2);
  if (baseline_errors > 0) {
    std::printf("  WARNING: %lld baseline verifications failed\n",
                static_cast<long long>(baseline_errors.load()));
  }
  std::printf(
      "  ratios: pass (ack to last event) / verify on 1 thread %.2f, / on 2 "
      "threads %.2f; pass (job to last event) / verify on 1 thread %.2f\n",
      pass_rate / rate_1, pass_rate / rate_2, proper_rate / rate_1);

  std::printf(
      "\n(b) changed persons of the snapshot among the roll's %zu persons "
      "(median of %d runs)\n",
      roll_persons->size(), runs);
  std::printf(
      "  PersonsChangedBetween: %8.3f s  %10.0f persons/s  (%zu "
      "changed)\n",
      library_s, static_cast<double>(roll_persons->size()) / library_s,
      by_library.size());
  std::printf(
      "  bare merge scan:       %8.3f s  %10.0f persons/s  (%zu "
      "changed; two iterators, one per generation, seek per person, "
      "slices compared)\n",
      bare_s, static_cast<double>(roll_persons->size()) / bare_s,
      by_bare.size());
  size_t snapshot_persons = 0;
  for (size_t i = 0; i < snapshot.batch.size(); ++i) {
    if (i == 0 ||
        snapshot.batch[i].person_id != snapshot.batch[i - 1].person_id) {
      ++snapshot_persons;
    }
  }
  std::printf(
      "  recorded while loading: %lld changed of the snapshot's %zu persons "
      "(-1: not recorded), %.3f s inside the %.2f s load (%.0f persons/s)\n",
      static_cast<long long>(applied->changed_persons), snapshot_persons,
      applied->recording_seconds, Seconds(apply_start, ack),
      static_cast<double>(snapshot_persons) /
          std::max(1e-9, applied->recording_seconds));
  std::printf(
      "  recording + PersonsChangedBetween: %.3f s for the roll's persons: "
      "%.0f persons/s\n",
      applied->recording_seconds + library_s,
      static_cast<double>(roll_persons->size()) /
          (applied->recording_seconds + library_s));
  if (by_library != by_bare) {
    std::printf("  WARNING: the two found different persons\n");
  }

  // (c) where the pass's time goes: its steps again, each alone over the
  // same entries (after the pass: the latest report is now the pass's), so
  // a shortfall can be placed without a profiler.
  {
    std::vector<RollEntry> touched;
    for (const RollEntry& entry : roll) {
      if (expected.contains(entry.entry_id())) touched.push_back(entry);
    }
    const double count = static_cast<double>(touched.size());
    auto per_entry_us = [&](const std::function<void(const RollEntry&)>& f) {
      const auto t = Clock::now();
      for (const RollEntry& entry : touched) f(entry);
      return 1e6 * Seconds(t) / count;
    };
    int64_t failures = 0;
    const double get_us = per_entry_us([&](const RollEntry& entry) {
      if (!rolls->Get(entry.entry_id()).ok()) ++failures;
    });
    const double evaluate_us = per_entry_us([&](const RollEntry& entry) {
      hedui::server::CallInfo call;
      call.caller = entry.enrolled_by();
      call.method = hedui::server::kReverifyMethod;
      call.regions = {entry.region_code()};
      VerificationRequest request = entry.request();
      request.set_application_id(entry.entry_id());
      *request.mutable_verification_date() = hedui::ToProto(kToday);
      Report report;
      if (!verifier.Evaluate(call, request, &report).ok()) ++failures;
    });
    const double latest_us = per_entry_us([&](const RollEntry& entry) {
      if (!reverifier.LatestReportId(entry).ok()) ++failures;
    });
    const double get_report_us = per_entry_us([&](const RollEntry& entry) {
      auto bytes = log->GetReport(entry.report_id());
      Report report;
      if (!bytes.ok() || !bytes->has_value() ||
          !report.ParseFromString(**bytes)) {
        ++failures;
      }
    });
    const double prepare_us = per_entry_us([&](const RollEntry& entry) {
      auto now = rolls->Get(entry.entry_id());
      if (!now.ok() || !now->has_value() ||
          !reverifier
               .Prepare(**now, kToday, hedui::v1::ChangeEvent::FEED,
                        {hedui::v1::TAX}, 1)
               .ok()) {
        ++failures;
      }
    });
    const double pass_us =
        1e6 * (to_last - to_job) / static_cast<double>(entries);
    std::printf(
        "\n(c) the pass's steps alone over the %zu entries, us per entry\n",
        touched.size());
    std::printf("  RollStore::Get                      %8.1f  (twice a pass)\n",
                get_us);
    std::printf("  Verifier::Evaluate as re-verified   %8.1f\n", evaluate_us);
    std::printf("  Reverifier::LatestReportId          %8.1f\n", latest_us);
    std::printf("  ServiceLog::GetReport + parse       %8.1f\n", get_report_us);
    std::printf(
        "  Get + Reverifier::Prepare           %8.1f  (all above, the "
        "comparison, the audit record)\n",
        prepare_us);
    std::printf(
        "  the pass, job to last event         %8.1f  (so the writes: ~%.1f)\n",
        pass_us, pass_us - prepare_us - get_us);
    // What finding the touched entries reads besides the comparison.
    auto t = Clock::now();
    int64_t visited = 0;
    if (!rolls->ForEachEntry([&](const RollEntry&) { ++visited; }).ok()) {
      ++failures;
    }
    const double for_each_s = Seconds(t);
    t = Clock::now();
    auto persons = rolls->ActivePersons();
    const double persons_s = Seconds(t);
    t = Clock::now();
    for (const std::string& person : by_library) {
      if (!rolls->ActiveEntriesOf(person).ok()) ++failures;
    }
    const double entries_of_s = Seconds(t);
    std::printf(
        "  finding the entries: ForEachEntry (%lld entries) %.3f s, "
        "ActivePersons %.3f s, PersonsChangedBetween %.3f s (warm), "
        "ActiveEntriesOf x %zu %.3f s; in the pass: %.3f s from the ack to the "
        "job\n",
        static_cast<long long>(visited), for_each_s, persons_s, library_s,
        by_library.size(), entries_of_s, to_job);
    if (failures > 0 || !persons.ok()) {
      std::printf("  WARNING: %lld steps failed\n",
                  static_cast<long long>(failures));
    }
  }

  std::printf("\nload average at the end: %s\n", LoadAverage().c_str());
  std::printf(
      "\nreverify pass: %.0f entries/s; in-process verify: %.0f entries/s; "
      "ratio %.2f (goal >= 0.8): %s\n",
      pass_rate, rate_1, pass_rate / rate_1,
      pass_rate / rate_1 >= 0.8 ? "met" : "MISSED");
  std::printf("ack to last durable event: %.2f s (goal < 10 s): %s\n", to_last,
              to_last < 10 ? "met" : "MISSED");
  const double with_recording = applied->recording_seconds + library_s;
  std::printf(
      "changed persons: %.0f persons/s after the acknowledgement (%.0f "
      "counting the recording during the load); bare merge scan: %.0f "
      "persons/s; ratio %.2f (%.2f with the recording) (goal >= 0.5): %s\n",
      static_cast<double>(roll_persons->size()) / library_s,
      static_cast<double>(roll_persons->size()) / with_recording,
      static_cast<double>(roll_persons->size()) / bare_s, bare_s / library_s,
      bare_s / with_recording,
      bare_s / with_recording >= 0.5 ? "met" : "MISSED");

  runner.Stop();
  rolls.reset();
  log.reset();
  store.reset();
  std::filesystem::remove_all(keep_county ? store_dir : dir);
  return 0;
}
