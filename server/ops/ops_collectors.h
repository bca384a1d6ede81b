#ifndef HEDUI_SERVER_OPS_OPS_COLLECTORS_H_
#define HEDUI_SERVER_OPS_OPS_COLLECTORS_H_

#include <string>

#include "server/metrics/metric_registry.h"
#include "server/ops/server_status.h"
#include "storage/store.h"

namespace hedui::server::metrics {

// Gauges read when Prometheus scrapes: calls in flight and refused, each
// department's data age against the policy's maximum, the audit chain's
// length and last check, certificate expiry (all from ReadServerStatus),
// RocksDB figures, and also hedui_build_info, the process_* figures and,
// with a backup-dir, the newest backup's time.
void AddOpsCollectors(Registry& registry, OpsSources sources);

// hedui_build_info{version,grpc_version,rocksdb_version} 1.
void AddBuildInfo(Registry& registry);

// The standard process_* metrics other exporters have (prometheus-cpp has
// none): CPU seconds, resident and virtual memory, open and maximum file
// descriptors and the start time, read from /proc/self.
void AddProcessCollector(Registry& registry);

// hedui_backup_last_success_timestamp_seconds: when the newest backup in
// `backup_dir` that RocksDB holds intact (not listed as corrupt) was made,
// 0 while there is none. Read from the directory, so it survives restarts
// and counts every backup whoever asked; the listing is read again only
// when the directory's backup list changed.
void AddBackupCollector(Registry& registry, storage::Store* store,
                        std::string backup_dir);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_OPS_OPS_COLLECTORS_H_
