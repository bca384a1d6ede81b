// In-process verification (issue 7 performance goals) on the synthetic
// county: every application's store lookup plus the engine, no gRPC, next
// to the bare lookup of the same households in the same run; and the engine
// alone on 3-member households with 12 months of income records each, next
// to the store lookup of the same households.
//
//   hedui_verify_bench [--residents 1000000] [--dir D] [--repeat 4]
//                      [--policy FILE]
//
// --dir D reuses the county in D/county (generated there when absent, and
// kept); without it the county is generated into a temporary directory and
// removed. The store is loaded fresh every run.
//
// Goals: verification at >= 50% of the bare lookup rate; the engine < 20%
// of the in-process cost of a 3-member, 12-month household.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/arena.h"
#include "server/engine/evaluate.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/request/validate_request.h"
#include "storage/store.h"
#include "tests/county/county_fixture.h"

namespace {

using Clock = std::chrono::steady_clock;
using hedui::store::v1::RecordSet;
using hedui::v1::Report;
using hedui::v1::VerificationRequest;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A per-thread arena for a household's records and report. Its first block
// is ours, so Reset() keeps it and the steady state allocates nothing for
// a typical household.
class ReusedArena {
 public:
  ReusedArena() : block_(kBlockBytes), arena_(Options(block_.data())) {}
  google::protobuf::Arena* Reset() {
    arena_.Reset();
    return &arena_;
  }

 private:
  static constexpr size_t kBlockBytes = 256 << 10;
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kBlockBytes;
    options.max_block_size = 1 << 20;
    return options;
  }
  std::vector<char> block_;
  google::protobuf::Arena arena_;
};

using Work = std::function<void(size_t first, size_t stride)>;

struct Timing {
  double rate = 0;    // items per second, wall clock
  double cpu_us = 0;  // CPU microseconds per item, all threads
};

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs each `work(first, stride)` on `threads` threads over `count` items:
// one untimed pass each (warms the block cache), then `runs` timed passes
// taken in turn, so the paths compared see the same machine (others share
// it). Medians per path. CPU time does not count waiting for the cores.
std::vector<Timing> Time(size_t count, int threads,
                         const std::vector<Work>& works, int runs = 5) {
  auto pass = [&](const Work& work, double* cpu) {
    std::vector<double> cpus(static_cast<size_t>(threads));
    auto run = [&](size_t t) {
      const double c0 = ThreadCpuSeconds();
      work(t, static_cast<size_t>(threads));
      cpus[t] = ThreadCpuSeconds() - c0;
    };
    std::vector<std::thread> others;
    for (int t = 1; t < threads; ++t) {
      others.emplace_back(run, static_cast<size_t>(t));
    }
    run(0);
    for (auto& t : others) t.join();
    *cpu = 0;
    for (double c : cpus) *cpu += c;
  };
  double cpu = 0;
  for (const Work& work : works) pass(work, &cpu);
  std::vector<std::vector<double>> rates(works.size()), cpu_us(works.size());
  for (int r = 0; r < runs; ++r) {
    for (size_t w = 0; w < works.size(); ++w) {
      const auto start = Clock::now();
      pass(works[w], &cpu);
      rates[w].push_back(static_cast<double>(count) / Seconds(start));
      cpu_us[w].push_back(1e6 * cpu / static_cast<double>(count));
    }
  }
  std::vector<Timing> out;
  for (size_t w = 0; w < works.size(); ++w) {
    out.push_back({Median(rates[w]), Median(cpu_us[w])});
  }
  return out;
}

// Every window month (the `months` full months before the verification
// month) has an income record of the person: tax, social insurance or a
// benefit.
bool HasEveryWindowMonth(const hedui::store::v1::PersonRecords& p,
                         absl::CivilMonth first, int months) {
  std::set<int> seen;
  auto note = [&](const hedui::v1::YearMonth& period) {
    const absl::CivilMonth m(period.year(), period.month());
    const int64_t k = m - first;
    if (k >= 0 && k < months) seen.insert(static_cast<int>(k));
  };
  for (const auto& r : p.tax()) note(r.period());
  for (const auto& r : p.social_insurance()) note(r.period());
  for (const auto& r : p.benefits()) note(r.period());
  return static_cast<int>(seen.size()) == months;
}

int64_t RecordCount(const RecordSet& set) {
  int64_t n = 0;
  for (const auto& p : set.persons()) {
    n += p.household_registration_size() + p.marriage_size() + p.death_size() +
         p.social_insurance_size() + p.benefits_size() + p.tax_size() +
         p.housing_fund_size() + p.real_estate_size() + p.vehicles_size() +
         p.business_size() + p.financial_assets_size() + p.disability_size() +
         p.assistance_enrollment_size();
  }
  for (const auto& h : set.household_registers()) n += h.members_size();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t residents = 1'000'000;
  int repeat = 4;
  std::string dir;
  std::string policy_path =
      absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/policy/example.textproto");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--residents") residents = std::atoll(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--policy") policy_path = argv[i + 1];
  }
  const bool keep_county = !dir.empty();
  if (!keep_county) {
    // Never a leftover county of another size.
    dir = "/tmp/hedui-verify-bench";
    std::filesystem::remove_all(dir);
  }
  const std::string county_dir = dir + "/county";
  const std::string store_dir = dir + "/store";
  std::filesystem::remove_all(store_dir);

  auto start = Clock::now();
  if (!hedui::county::HasCounty(county_dir)) {
    if (auto s = hedui::county::GenerateCounty(county_dir, residents);
        !s.ok()) {
      std::fprintf(stderr, "generate: %s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("generated a %lld-resident county in %.1f s\n",
                static_cast<long long>(residents), Seconds(start));
  } else {
    std::printf("reusing the county in %s\n", county_dir.c_str());
  }
  auto policy = hedui::engine::LoadPolicyFile(policy_path);
  auto requests = hedui::county::ReadApplications(county_dir);
  if (!policy.ok() || !requests.ok()) {
    std::fprintf(stderr, "policy: %s; applications: %s\n",
                 policy.status().ToString().c_str(),
                 requests.status().ToString().c_str());
    return 1;
  }

  constexpr size_t kCache = 1ull << 30;  // as hedui_lookup_bench
  hedui::storage::StoreOptions options;
  options.path = store_dir;
  options.block_cache_bytes = kCache;
  auto store = hedui::storage::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  hedui::storage::Store& db = **store;
  auto load = hedui::county::LoadCounty(county_dir, &db);
  if (!load.ok()) {
    std::fprintf(stderr, "load: %s\n", load.status().ToString().c_str());
    return 1;
  }
  db.CompactRetired().IgnoreError();
  std::printf("loaded %lld records of %d departments in %.1f s\n",
              static_cast<long long>(load->records), load->departments,
              load->seconds);

  const std::vector<VerificationRequest>& apps = *requests;
  std::vector<std::vector<std::string>> persons;
  persons.reserve(apps.size());
  size_t person_count = 0;
  for (const auto& r : apps) {
    persons.push_back(hedui::engine::PersonsToRead(r));
    person_count += persons.back().size();
  }
  // Each pass goes over the applications `repeat` times, so a pass lasts
  // long enough to time on a shared machine.
  const size_t items = apps.size() * static_cast<size_t>(repeat);

  std::atomic<int64_t> errors{0};
  auto lookup = [&](size_t first, size_t stride) {
    ReusedArena arenas;
    for (size_t k = first; k < items; k += stride) {
      auto* arena = arenas.Reset();
      auto* records = google::protobuf::Arena::CreateMessage<RecordSet>(arena);
      if (!db.ReadPersonsWithHouseholds(persons[k % apps.size()], records)
               .ok()) {
        ++errors;
      }
    }
  };
  // What the service does in process for one request, minus transport and
  // audit: validate, read, evaluate.
  auto verify = [&](size_t first, size_t stride) {
    ReusedArena arenas;
    for (size_t k = first; k < items; k += stride) {
      const VerificationRequest& request = apps[k % apps.size()];
      auto* arena = arenas.Reset();
      if (!hedui::engine::ValidateRequest(request).empty()) {
        ++errors;
        continue;
      }
      auto* records = google::protobuf::Arena::CreateMessage<RecordSet>(arena);
      auto* report = google::protobuf::Arena::CreateMessage<Report>(arena);
      if (!db.ReadPersonsWithHouseholds(hedui::engine::PersonsToRead(request),
                                        records)
               .ok() ||
          !hedui::engine::Evaluate(request, *records, *policy, report).ok()) {
        ++errors;
      }
    }
  };

  std::printf(
      "\n(a) in-process verification, %zu applications (%.2f persons each), "
      "each pass %d times over them\n",
      apps.size(),
      static_cast<double>(person_count) / static_cast<double>(apps.size()),
      repeat);
  for (int threads : {1, 2}) {
    const auto t = Time(items, threads, {verify, lookup});
    const Timing& v = t[0];
    const Timing& l = t[1];
    const double ratio = v.rate / l.rate;
    std::printf("  %d thread%s\n", threads, threads == 1 ? "" : "s");
    std::printf(
        "    verify       %9.0f households/s  (CPU %6.1f us/household)\n",
        v.rate, v.cpu_us);
    std::printf(
        "    bare lookup  %9.0f households/s  (CPU %6.1f us/household)\n",
        l.rate, l.cpu_us);
    std::printf(
        "    ratio %.2f (goal >= 0.50 of the bare lookup rate): %s  "
        "(by CPU time %.2f)\n",
        ratio, ratio >= 0.50 ? "met" : "MISSED", l.cpu_us / v.cpu_us);
  }
  if (errors > 0) {
    std::printf("  WARNING: %lld reads or evaluations failed\n",
                static_cast<long long>(errors.load()));
  }

  // (b) 3-member households whose every member has income records in all
  // 12 window months: the engine's heaviest common case.
  std::vector<size_t> chosen;
  std::vector<RecordSet> read;
  int64_t chosen_records = 0;
  for (size_t i = 0; i < apps.size(); ++i) {
    const VerificationRequest& r = apps[i];
    if (r.members_size() != 3) continue;
    RecordSet set;
    if (!db.ReadPersonsWithHouseholds(persons[i], &set).ok()) continue;
    const absl::CivilMonth month(r.verification_date().year(),
                                 r.verification_date().month());
    const absl::CivilMonth first = month - 12;
    bool all = true;
    for (const auto& member : r.members()) {
      bool found = false;
      for (const auto& p : set.persons()) {
        if (p.person_id() != member.person_id()) continue;
        found = HasEveryWindowMonth(p, first, 12);
      }
      all = all && found;
    }
    if (!all) continue;
    chosen.push_back(i);
    chosen_records += RecordCount(set);
    read.push_back(std::move(set));
  }
  if (chosen.empty()) {
    std::printf("\n(b) no 3-member household with 12 months of records\n");
  } else {
    // Enough evaluations a pass to time, whatever the county's size.
    const size_t passes = std::max<size_t>(1, 20000 / chosen.size());
    const size_t n = chosen.size() * passes;
    const Work engine = [&](size_t, size_t) {
      ReusedArena arenas;
      for (size_t k = 0; k < n; ++k) {
        auto* report =
            google::protobuf::Arena::CreateMessage<Report>(arenas.Reset());
        if (!hedui::engine::Evaluate(apps[chosen[k % chosen.size()]],
                                     read[k % chosen.size()], *policy, report)
                 .ok()) {
          ++errors;
        }
      }
    };
    const Work lookup_only = [&](size_t, size_t) {
      ReusedArena arenas;
      for (size_t k = 0; k < n; ++k) {
        auto* records =
            google::protobuf::Arena::CreateMessage<RecordSet>(arenas.Reset());
        if (!db.ReadPersonsWithHouseholds(persons[chosen[k % chosen.size()]],
                                          records)
                 .ok()) {
          ++errors;
        }
      }
    };
    const auto t = Time(n, 1, {engine, lookup_only});
    const double engine_us = 1e6 / t[0].rate;
    const double lookup_us = 1e6 / t[1].rate;
    const double share = engine_us / (engine_us + lookup_us);
    const double cpu_share = t[0].cpu_us / (t[0].cpu_us + t[1].cpu_us);
    std::printf(
        "\n(b) engine alone, %zu households of 3 members with 12 months of "
        "income records each (%.1f records/household incl. registers), 1 "
        "thread\n",
        chosen.size(),
        static_cast<double>(chosen_records) /
            static_cast<double>(chosen.size()));
    std::printf("  engine (Evaluate, records pre-read): %7.1f us/household\n",
                engine_us);
    std::printf("  store lookup (same households):      %7.1f us/household\n",
                lookup_us);
    std::printf(
        "  engine share of in-process cost %.1f%% (goal < 20%%): %s  (by CPU "
        "time %.1f%%)\n",
        100 * share, share < 0.20 ? "met" : "MISSED", 100 * cpu_share);
  }
  if (errors > 0) {
    std::printf("WARNING: %lld reads or evaluations failed in all\n",
                static_cast<long long>(errors.load()));
  }
  store->reset();
  std::filesystem::remove_all(keep_county ? store_dir : dir);
  return 0;
}
