// The audit chain's cost on the verification write path: what one Verify
// stores (ServiceLog::Append of its audit entry and report: group commit,
// HMAC chain, report summaries and indexes, person keys, synced WAL) next to
// storing the same report alone with a plain synced RocksDB Put (RocksDB's
// own write group commit), from the same number of writer threads, in the
// same run; and the audit entry alone, to split the cost.
//
//   hedui_audit_cost_bench [--ops 20000] [--rounds 5] [--dir D]
//                          [--report FILE] [--verify-cpu-us 1000]
//
// --ops operations per path and thread count, done in --rounds rounds that
// take the paths in turn (the machine is shared: each path then sees the
// same moments of it). --dir D holds the temporary store (default under
// /tmp; removed at the end). --report is a hedui.v1.Report in text format
// (default: a golden report of the engine). --verify-cpu-us is the server
// CPU of one Verify (README, service profile) the audit cost is set against.
//
// CPU figures are the whole process's (getrusage): they include the log's
// writer thread and RocksDB's flushes and compactions, which a per-thread
// clock would miss.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/report.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "server/service/audit_entry.h"
#include "storage/service_log.h"
#include "storage/service_log_keys.h"
#include "storage/store.h"

namespace {

using Clock = std::chrono::steady_clock;
using hedui::storage::ServiceLog;
using hedui::storage::ServiceRecord;
using hedui::v1::AuditEntry;
using hedui::v1::Report;

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) +
           1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// One write as a caller makes it; false on failure.
using Op = std::function<bool()>;

struct Totals {
  size_t ops = 0;
  double wall = 0;     // seconds
  double cpu = 0;      // process CPU seconds
  double latency = 0;  // seconds, summed over calls
  int64_t errors = 0;
};

// `ops` calls of `op` shared by `threads` threads, added to `totals`.
void Pass(const Op& op, size_t ops, int threads, Totals* totals) {
  std::atomic<size_t> next{0};
  std::atomic<int64_t> errors{0};
  std::vector<double> latency(static_cast<size_t>(threads));
  auto run = [&](size_t t) {
    double sum = 0;
    // A shared counter rather than fixed shares: a thread held up by the
    // other work on the machine does not leave the others idle at the end.
    while (next.fetch_add(1, std::memory_order_relaxed) < ops) {
      const auto start = Clock::now();
      if (!op()) errors.fetch_add(1, std::memory_order_relaxed);
      sum += std::chrono::duration<double>(Clock::now() - start).count();
    }
    latency[t] = sum;
  };
  const double cpu0 = ProcessCpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> others;
  for (int t = 1; t < threads; ++t) {
    others.emplace_back(run, static_cast<size_t>(t));
  }
  run(0);
  for (auto& t : others) t.join();
  totals->wall += std::chrono::duration<double>(Clock::now() - start).count();
  totals->cpu += ProcessCpuSeconds() - cpu0;
  for (double l : latency) totals->latency += l;
  totals->ops += ops;
  totals->errors += errors.load();
}

struct Figures {
  double wall_us = 0;  // wall time per op at this concurrency (1/throughput)
  double rate = 0;     // ops per second
  double cpu_us = 0;   // process CPU per op
  double latency_us = 0;
};

Figures Of(const Totals& t) {
  const double n = static_cast<double>(t.ops);
  return {1e6 * t.wall / n, n / t.wall, 1e6 * t.cpu / n, 1e6 * t.latency / n};
}

void Print(const char* name, const Figures& f) {
  std::printf(
      "    %-40s %8.1f us/op  %7.0f ops/s  (CPU %6.1f us/op, latency %7.1f "
      "us)\n",
      name, f.wall_us, f.rate, f.cpu_us, f.latency_us);
}

}  // namespace

int main(int argc, char** argv) {
  size_t ops = 20000;
  int rounds = 5;
  double verify_cpu_us = 1000;
  std::string dir;
  std::string report_path = absl::StrCat(
      HEDUI_SOURCE_DIR, "/server/engine/golden/dibao_clean.textproto");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--ops") ops = std::max<size_t>(1, std::atoll(argv[i + 1]));
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--report") report_path = argv[i + 1];
    if (flag == "--verify-cpu-us") verify_cpu_us = std::atof(argv[i + 1]);
  }
  if (dir.empty()) dir = "/tmp/hedui-audit-cost-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  Report report;
  {
    std::ifstream in(report_path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in ||
        !google::protobuf::TextFormat::ParseFromString(text.str(), &report)) {
      std::fprintf(stderr, "cannot read a hedui.v1.Report from %s\n",
                   report_path.c_str());
      return 1;
    }
  }
  std::vector<std::string> persons;
  for (const auto& member : report.request().members()) {
    persons.push_back(member.person_id());
  }

  hedui::storage::StoreOptions store_options;
  store_options.path = dir + "/data";
  // Nothing is read back: a small cache leaves the shared machine's memory
  // to the other work on it.
  store_options.block_cache_bytes = 64 << 20;
  auto store = hedui::storage::Store::Open(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const hedui::storage::Store::ServiceTables tables =
      (*store)->service_tables();
  hedui::storage::ServiceLogOptions log_options;
  log_options.audit_key.resize(32);
  std::random_device random;
  for (char& c : log_options.audit_key) c = static_cast<char>(random());
  // Outside the data directory, as the server requires of its head file.
  log_options.head_file = dir + "/audit.head";
  auto log = ServiceLog::Open(tables, log_options);
  if (!log.ok()) {
    std::fprintf(stderr, "log: %s\n", log.status().ToString().c_str());
    return 1;
  }
  ServiceLog& service_log = **log;

  // What the call door audits for a Verify that succeeded, through the one
  // builder the server uses (server/service/audit_entry.h); the persons hash
  // is computed there too, so it counts here.
  hedui::server::AuditSubject subject;
  subject.program = report.request().program();
  subject.purpose = report.request().purpose();
  subject.region_code = report.request().region_code();
  subject.person_ids = persons;
  auto record = [&](std::optional<Report> with) {
    return hedui::server::BuildAuditRecord(
        "dibao-system", "/hedui.v1.VerificationService/Verify",
        absl::OkStatus(), subject, service_log, std::move(with));
  };
  // Every path starts from its own copy of the report, as a Verify holds the
  // engine's fresh report: the copy is then no part of the difference.
  const Op audited = [&]() {
    std::vector<ServiceRecord> records;
    records.push_back(record(report));
    return service_log.Append(std::move(records)).ok();
  };
  const Op audit_only = [&]() {
    std::vector<ServiceRecord> records;
    records.push_back(record(std::nullopt));
    return service_log.Append(std::move(records)).ok();
  };
  // Report ids far above the log's numbering (which starts at 1): the same
  // key shape as a stored report, never one of the log's keys.
  std::atomic<uint64_t> plain_number{500'000'000'000ull};
  const Op plain = [&]() {
    Report copy = report;
    const std::string id = hedui::storage::FormatReportId(
        plain_number.fetch_add(1, std::memory_order_relaxed));
    copy.set_report_id(id);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return tables.db
        ->Put(sync, tables.reports, hedui::storage::ReportKey(id),
              copy.SerializeAsString())
        .ok();
  };

  Report with_id = report;
  with_id.set_report_id(hedui::storage::FormatReportId(1));
  std::printf(
      "audit cost on the Verify write path: report %s (%zu bytes serialized, "
      "%zu declared members); %zu ops per path and thread count in %d "
      "rounds; store in %s\n",
      std::filesystem::path(report_path).filename().c_str(),
      with_id.ByteSizeLong(), persons.size(), ops, rounds, dir.c_str());

  struct Path {
    const char* name;
    const Op* op;
  };
  const std::vector<Path> paths = {
      {"(a) Append: audit entry + report", &audited},
      {"(b) synced Put of the report, no audit", &plain},
      {"(c) Append: audit entry alone", &audit_only},
  };
  double cost_us_16 = 0;
  double wall_cost_us_16 = 0;
  int64_t errors = 0;
  for (int threads : {1, 16}) {
    // Untimed: opens the WAL and the head file, starts RocksDB's threads.
    for (const Path& p : paths) {
      Totals warm;
      Pass(*p.op, 4 * static_cast<size_t>(threads), threads, &warm);
      errors += warm.errors;
    }
    std::vector<Totals> totals(paths.size());
    for (int r = 0; r < rounds; ++r) {
      const size_t n =
          ops / static_cast<size_t>(rounds) +
          (static_cast<size_t>(r) < ops % static_cast<size_t>(rounds) ? 1 : 0);
      // A different path first each round: none always follows the same
      // one's flushes and compactions.
      for (size_t k = 0; k < paths.size(); ++k) {
        const size_t w = (k + static_cast<size_t>(r)) % paths.size();
        Pass(*paths[w].op, n, threads, &totals[w]);
      }
    }
    std::vector<Figures> f;
    for (const Totals& t : totals) {
      f.push_back(Of(t));
      errors += t.errors;
    }
    std::printf("  %d writer thread%s\n", threads, threads == 1 ? "" : "s");
    for (size_t w = 0; w < paths.size(); ++w) Print(paths[w].name, f[w]);
    std::printf(
        "    ratio (a)/(b): %.2f by wall time per op, %.2f by CPU per op; "
        "audit chain (a)-(b): %.1f us wall, %.1f us CPU per Verify; (c) "
        "alone %.1f us CPU\n",
        f[0].wall_us / f[1].wall_us, f[0].cpu_us / f[1].cpu_us,
        f[0].wall_us - f[1].wall_us, f[0].cpu_us - f[1].cpu_us, f[2].cpu_us);
    if (threads == 16) {
      cost_us_16 = f[0].cpu_us - f[1].cpu_us;
      wall_cost_us_16 = f[0].wall_us - f[1].wall_us;
    }
  }
  std::printf(
      "audit chain costs %.0f us per Verify at 16 threads (%.0f%% of a "
      "Verify's ~%.0f us server CPU); wall time per Verify %+.0f us; goal: "
      "none set (issue 9 asks for the figure)\n",
      cost_us_16, 100 * cost_us_16 / verify_cpu_us, verify_cpu_us,
      wall_cost_us_16);
  if (errors > 0) {
    std::printf("WARNING: %lld writes failed\n",
                static_cast<long long>(errors));
  }
  log->reset();
  store->reset();
  std::filesystem::remove_all(dir);
  return errors > 0 ? 1 : 0;
}
