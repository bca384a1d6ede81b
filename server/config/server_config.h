#ifndef HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_
#define HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace hedui::server {

// Every setting of heduid, with its default. Filled from the configuration
// file and the flags that override it (server_flags.h), validated once at
// start-up.
struct ServerConfig {
  // Any address with TLS; loopback only with `insecure`.
  std::string listen_address = "127.0.0.1:7441";
  std::string data_dir = "var/data";
  // Writes the port actually bound (useful with port 0) to this file.
  std::string port_file;
  int retained_snapshots = 1;
  int64_t block_cache_mb = 512;
  int64_t max_feed_mb = 4096;
  int shutdown_grace_seconds = 30;

  // The verification policy (protobuf text format, deploy/policy/); reloaded
  // on SIGHUP.
  std::string policy_file;
  // TLS: the server's certificate chain and key, and the CA whose client
  // certificates identify callers (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ca_file;
  // Who may call what (server/security/README.md).
  std::string callers_file;
  // Development only: plaintext on loopback, every caller an administrator.
  bool insecure = false;
  // The audit chain's HMAC key (at least 32 bytes), kept outside the data
  // directory, and the file the chain heads are appended to.
  std::string audit_key_file;
  std::string audit_head_file;
  // Calls in flight beyond this are refused with RESOURCE_EXHAUSTED.
  int max_in_flight = 256;
  // One caller's share of max_in_flight: one caller cannot starve the rest.
  int max_in_flight_per_caller = 64;
  // Long-lived streams (VerifyBatch, Ingest, ExportAudit) in flight, of all
  // callers and of one; they count against max_in_flight too.
  int max_streams = 64;
  int max_streams_per_caller = 8;
  // A stream that neither reads nor writes a message for this long is
  // closed (DEADLINE_EXCEEDED in the audit); 0: never.
  int stream_idle_seconds = 60;
  // Largest request or reply message, MiB (ingestion streams in chunks).
  int max_message_mb = 8;
  // Logs: "text" (journald adds the time) or "json" (one object per line).
  std::string log_format = "text";
  // HOST:PORT of the Prometheus text endpoint (GET /metrics); empty: none.
  std::string metrics_listen;
  // Client certificates revoked by the CA (PEM CRL); reloaded on SIGHUP.
  std::string crl_file;
  // Certificates expiring within this many days are warned about in the
  // log, the health details and the metrics.
  int cert_expiry_warning_days = 30;
  // Where `hedui admin backup` writes (RocksDB BackupEngine); empty: backups
  // are refused.
  std::string backup_dir;
  // Retention (personal data must not live forever): stored reports whose
  // verification date is older, and retired department snapshots replaced
  // longer ago, are purged every `purge_interval_hours` (0: only on demand).
  int report_retention_days = 1825;
  int retired_snapshot_retention_days = 90;
  int purge_interval_hours = 24;
  // The whole audit chain is checked in the background this often (result
  // in the metrics and the log); 0: never.
  int audit_verify_interval_minutes = 60;
  // Open the store, check that every snapshot is whole, and exit.
  bool check_only = false;
  // Test only: pause this long between ingesting a snapshot's files and
  // making it current (the crash test kills the server there).
  int test_pause_before_switch_ms = 0;
  // TEST ONLY: pause at each point of a re-verification pass (job recorded,
  // batch written), announced on stderr, so the crash test can kill there.
  int test_pause_reverify_ms = 0;
  // Entries a re-verification pass writes per synced write.
  int reverify_batch_size = 64;
  // The feed hold (domain.md §10.1 "Preview and hold"): a department file
  // that, in any one roll, changes the verdicts of more than this share of
  // the entries, and of at least feed_hold_min_entries of them, is stored
  // but not switched until an administrator confirms it. A share of 1
  // holds nothing.
  double feed_hold_share = 0.05;
  int feed_hold_min_entries = 3;
  // Test only: the server's "today" (YYYY-MM-DD) instead of the date in
  // Asia/Shanghai, for the synthetic county, whose applications are dated
  // November 2026: verification dates and feed as-of dates are bounded by
  // today. Empty: the real date. Never in a configuration file.
  std::string test_today;
};

// Errors name the setting (flag) and the problem.
absl::Status ValidateServerConfig(const ServerConfig& config);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_
