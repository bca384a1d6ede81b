#include "server/ops/ops_collectors.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hedui/v1/codes.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/statistics.h"
#include "rocksdb/version.h"
#include "storage/backup.h"

namespace hedui::server::metrics {
namespace {

void WriteCalls(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  out.Declare("hedui_calls_in_flight",
              "Verify and VerifyBatch calls being served now (the calls "
              "max-in-flight limits)");
  out.Sample("hedui_calls_in_flight", status.calls_in_flight());
  out.DeclareCounter("hedui_calls_refused_overload_total",
                     "Calls refused with RESOURCE_EXHAUSTED since start (in "
                     "flight at the limit)");
  out.Sample("hedui_calls_refused_overload_total",
             static_cast<double>(status.calls_refused_overload()));
}

void WriteDepartments(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  // Seconds, the base unit: whole days of the data's as-of date before
  // today, as the status and the policy count them.
  constexpr double kDay = 86400;
  out.Declare("hedui_department_data_age_seconds",
              "Time since the as-of date of each department's current data "
              "(whole days)");
  for (const auto& age : status.departments()) {
    if (!age.present()) continue;
    out.Sample("hedui_department_data_age_seconds", {"department"},
               {hedui::v1::Department_Name(age.department())},
               age.age_days() * kDay);
  }
  out.Declare("hedui_department_data_max_age_seconds",
              "The policy's maximum age of each department's data (older is "
              "stale: verifications needing it come out unknown)");
  for (const auto& age : status.departments()) {
    if (age.max_age_days() <= 0) continue;
    out.Sample("hedui_department_data_max_age_seconds", {"department"},
               {hedui::v1::Department_Name(age.department())},
               age.max_age_days() * kDay);
  }
}

void WriteAudit(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  out.Declare("hedui_audit_chain_length", "Entries in the audit chain");
  out.Sample("hedui_audit_chain_length",
             static_cast<double>(status.audit_chain_length()));
  if (status.audit_chain_intact() < 0) return;
  out.Declare("hedui_audit_chain_intact",
              "1 when the last check of the whole audit chain (MACs, "
              "sequence, head file) found it intact, 0 when broken");
  out.Sample("hedui_audit_chain_intact", status.audit_chain_intact());
  out.Declare("hedui_audit_chain_checked_timestamp_seconds",
              "When the audit chain was last checked (Unix time)");
  out.Sample("hedui_audit_chain_checked_timestamp_seconds",
             static_cast<double>(status.audit_checked_unix_seconds()));
}

void WriteCertificates(const hedui::v1::ServerStatus& status,
                       GaugeWriter& out) {
  if (status.certificates().empty()) return;
  out.Declare("hedui_certificate_not_after_timestamp_seconds",
              "When each certificate heduid uses expires (Unix time)");
  for (const auto& cert : status.certificates()) {
    if (!cert.problem().empty()) continue;
    out.Sample("hedui_certificate_not_after_timestamp_seconds", {"certificate"},
               {cert.name()},
               static_cast<double>(cert.not_after_unix_seconds()));
  }
  out.Declare("hedui_certificate_expiring_soon",
              "1 when the certificate expires within the warning period");
  for (const auto& cert : status.certificates()) {
    out.Sample("hedui_certificate_expiring_soon", {"certificate"},
               {cert.name()}, cert.expiring_soon() ? 1 : 0);
  }
}

void WriteRocksDb(storage::Store& store, GaugeWriter& out) {
  rocksdb::DB* db = store.service_tables().db;
  uint64_t value = 0;
  out.Declare("hedui_rocksdb_pending_compaction_bytes",
              "Bytes RocksDB estimates compaction still has to rewrite");
  if (db->GetAggregatedIntProperty(
          rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &value)) {
    out.Sample("hedui_rocksdb_pending_compaction_bytes",
               static_cast<double>(value));
  }
  out.Declare("hedui_rocksdb_live_data_bytes",
              "Estimated size of the live data in the store");
  if (db->GetAggregatedIntProperty(
          rocksdb::DB::Properties::kEstimateLiveDataSize, &value)) {
    out.Sample("hedui_rocksdb_live_data_bytes", static_cast<double>(value));
  }
  const std::shared_ptr<rocksdb::Statistics> stats =
      db->GetDBOptions().statistics;
  if (stats == nullptr) return;
  const double hits =
      static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_HIT));
  const double misses =
      static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_MISS));
  out.Declare("hedui_rocksdb_block_cache_hit_ratio",
              "Block-cache hits over lookups since start");
  out.Sample("hedui_rocksdb_block_cache_hit_ratio",
             hits + misses > 0 ? hits / (hits + misses) : 0);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/self/stat after the command name, which may itself
// hold spaces and parentheses: fields[0] is field 3 of proc(5) (state).
std::vector<std::string> StatFields() {
  const std::string stat = ReadFile("/proc/self/stat");
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return {};
  return absl::StrSplit(stat.substr(paren + 1), ' ', absl::SkipEmpty());
}

double StatField(const std::vector<std::string>& fields, int number) {
  const size_t index = static_cast<size_t>(number - 3);
  double value = 0;
  if (index >= fields.size() || !absl::SimpleAtod(fields[index], &value)) {
    return -1;
  }
  return value;
}

double BootTimeSeconds() {
  for (absl::string_view line : absl::StrSplit(ReadFile("/proc/stat"), '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      double btime = 0;
      if (absl::SimpleAtod(line, &btime)) return btime;
    }
  }
  return -1;
}

double MaxOpenFiles() {
  for (absl::string_view line :
       absl::StrSplit(ReadFile("/proc/self/limits"), '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    const std::vector<absl::string_view> limits =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    double soft = 0;
    if (!limits.empty() && absl::SimpleAtod(limits[0], &soft)) return soft;
  }
  return -1;
}

double OpenFiles() {
  std::error_code ec;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++open;
  }
  // Less the descriptor listing the directory.
  return ec ? -1 : open - 1;
}

void WriteProcess(GaugeWriter& out) {
  const std::vector<std::string> stat = StatFields();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double utime = StatField(stat, 14), stime = StatField(stat, 15);
  if (utime >= 0 && stime >= 0 && ticks > 0) {
    out.DeclareCounter("process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.");
    out.Sample("process_cpu_seconds_total", (utime + stime) / ticks);
  }
  const double vsize = StatField(stat, 23), rss = StatField(stat, 24);
  if (vsize >= 0) {
    out.Declare("process_virtual_memory_bytes",
                "Virtual memory size in bytes.");
    out.Sample("process_virtual_memory_bytes", vsize);
  }
  if (rss >= 0 && page > 0) {
    out.Declare("process_resident_memory_bytes",
                "Resident memory size in bytes.");
    out.Sample("process_resident_memory_bytes", rss * page);
  }
  const double start = StatField(stat, 22), boot = BootTimeSeconds();
  if (start >= 0 && boot >= 0 && ticks > 0) {
    out.Declare("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.");
    out.Sample("process_start_time_seconds", boot + start / ticks);
  }
  const double open = OpenFiles();
  if (open >= 0) {
    out.Declare("process_open_fds", "Number of open file descriptors.");
    out.Sample("process_open_fds", open);
  }
  const double max = MaxOpenFiles();
  if (max >= 0) {
    out.Declare("process_max_fds", "Maximum number of open file descriptors.");
    out.Sample("process_max_fds", max);
  }
}

// The newest intact backup's time, read again only when the backup list
// (RocksDB's meta directory, one file per backup) changed since.
class NewestBackup {
 public:
  NewestBackup(storage::Store* store, std::string backup_dir)
      : store_(store), backup_dir_(std::move(backup_dir)) {}

  // -1: cannot tell (the directory unreadable); 0: no backup yet.
  double UnixSeconds() {
    absl::MutexLock lock(&mu_);
    const std::string meta = backup_dir_ + "/meta";
    struct stat st {};
    if (::stat(meta.c_str(), &st) != 0) {
      // No backup made yet (the directory is created by the first).
      return ::stat(backup_dir_.c_str(), &st) == 0 || errno == ENOENT ? 0 : -1;
    }
    const int64_t changed =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
        st.st_mtim.tv_nsec;
    // Taken before the listing: a change while it is read is seen next time.
    if (known_ && changed == changed_) return seconds_;
    absl::StatusOr<storage::BackupListing> listing =
        storage::BackupManager(store_->service_tables(), backup_dir_).List();
    if (!listing.ok()) return known_ ? seconds_ : -1;
    double newest = 0;
    for (const storage::BackupSummary& backup : listing->backups) {
      newest = std::max(
          newest, static_cast<double>(backup.metadata.created_unix_seconds));
    }
    known_ = true;
    changed_ = changed;
    seconds_ = newest;
    return seconds_;
  }

 private:
  storage::Store* const store_;
  const std::string backup_dir_;
  absl::Mutex mu_;
  bool known_ ABSL_GUARDED_BY(mu_) = false;
  int64_t changed_ ABSL_GUARDED_BY(mu_) = 0;
  double seconds_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

void AddBuildInfo(Registry& registry) {
  registry.AddCollector([](GaugeWriter& out) {
    out.Declare("hedui_build_info",
                "Always 1; the labels name heduid's version and the gRPC and "
                "RocksDB libraries it runs on");
    out.Sample("hedui_build_info",
               {"version", "grpc_version", "rocksdb_version"},
               {HEDUI_VERSION, grpc::Version(),
                rocksdb::GetRocksVersionAsString(true)},
               1);
  });
}

void AddProcessCollector(Registry& registry) {
  registry.AddCollector(WriteProcess);
}

void AddBackupCollector(Registry& registry, storage::Store* store,
                        std::string backup_dir) {
  auto newest = std::make_shared<NewestBackup>(store, std::move(backup_dir));
  registry.AddCollector([newest](GaugeWriter& out) {
    const double seconds = newest->UnixSeconds();
    if (seconds < 0) return;
    out.Declare("hedui_backup_last_success_timestamp_seconds",
                "When the newest intact backup in backup-dir was made (Unix "
                "time; 0: none yet)");
    out.Sample("hedui_backup_last_success_timestamp_seconds", seconds);
  });
}

void AddOpsCollectors(Registry& registry, OpsSources sources) {
  AddBuildInfo(registry);
  AddProcessCollector(registry);
  if (!sources.backup_dir.empty()) {
    AddBackupCollector(registry, sources.store, sources.backup_dir);
  }
  registry.AddCollector([s = std::move(sources)](GaugeWriter& out) {
    const hedui::v1::ServerStatus status = ReadServerStatus(s, absl::Now());
    WriteCalls(status, out);
    WriteDepartments(status, out);
    WriteAudit(status, out);
    WriteCertificates(status, out);
    WriteRocksDb(*s.store, out);
  });
}

}  // namespace hedui::server::metrics
