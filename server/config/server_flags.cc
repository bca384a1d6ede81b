#include "server/config/server_flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hedui::server {

void AddServerFlags(CLI::App& app, ServerConfig& config) {
  // Printed and exited here rather than with CLI11's set_version_flag, whose
  // CallForVersion main() would report as an invalid configuration (exit 2);
  // help2man reads it for heduid(8). Nothing has started yet.
  app.add_flag_callback(
         "--version",
         [] {
           std::fputs("heduid " HEDUI_VERSION "\n", stdout);
           std::exit(0);
         },
         "print the version and exit")
      ->configurable(false);
  app.set_config("--config", "",
                 "configuration file: `key = value` lines, keys are the flag "
                 "names without '--' (deploy/heduid.example.conf)");
  app.allow_config_extras(CLI::config_extras_mode::error);

  app.add_option("--listen", config.listen_address,
                 "HOST:PORT to listen on (loopback only with --insecure)")
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir,
                 "directory of the embedded RocksDB store")
      ->capture_default_str();
  app.add_option(
      "--policy", config.policy_file,
      "verification policy (protobuf text format); reloaded on SIGHUP");
  app.add_option("--tls-cert", config.tls_cert_file,
                 "server certificate chain (PEM); re-read when it changes");
  app.add_option("--tls-key", config.tls_key_file,
                 "server private key (PEM); re-read when it changes");
  app.add_option("--tls-ca", config.tls_ca_file,
                 "CA whose client certificates identify callers (PEM)");
  app.add_option("--callers", config.callers_file,
                 "who may call what (text format); reloaded on SIGHUP");
  app.add_option("--crl", config.crl_file,
                 "revoked client certificates (PEM CRL signed by --tls-ca); "
                 "reloaded on SIGHUP");
  app.add_option("--cert-expiry-warning-days", config.cert_expiry_warning_days,
                 "warn (log, health, metrics) this many days before a "
                 "certificate expires")
      ->capture_default_str();
  app.add_flag(
      "--insecure", config.insecure,
      "DEVELOPMENT ONLY: plaintext on loopback, every caller an admin");
  app.add_option(
      "--audit-key-file", config.audit_key_file,
      "HMAC key of the audit chain (>= 32 bytes, outside --data-dir)");
  app.add_option(
      "--audit-head-file", config.audit_head_file,
      "file the audit chain heads are appended to (outside --data-dir)");
  app.add_option("--max-in-flight", config.max_in_flight,
                 "calls in flight beyond this get RESOURCE_EXHAUSTED")
      ->capture_default_str();
  app.add_option("--max-in-flight-per-caller", config.max_in_flight_per_caller,
                 "one caller's calls in flight beyond this get "
                 "RESOURCE_EXHAUSTED")
      ->capture_default_str();
  app.add_option("--max-streams", config.max_streams,
                 "batch, ingest and export streams in flight, all callers")
      ->capture_default_str();
  app.add_option("--max-streams-per-caller", config.max_streams_per_caller,
                 "batch, ingest and export streams in flight, one caller")
      ->capture_default_str();
  app.add_option("--stream-idle-seconds", config.stream_idle_seconds,
                 "close a stream idle this long (0: never)")
      ->capture_default_str();
  app.add_option("--max-message-mb", config.max_message_mb,
                 "largest gRPC message, MiB")
      ->capture_default_str();
  app.add_option("--port-file", config.port_file,
                 "write the bound port to this file once serving");
  app.add_option("--retained-snapshots", config.retained_snapshots,
                 "full snapshots kept per department besides the current")
      ->capture_default_str();
  app.add_option("--block-cache-mb", config.block_cache_mb,
                 "RocksDB block cache size")
      ->capture_default_str();
  app.add_option("--max-feed-mb", config.max_feed_mb,
                 "largest feed file accepted")
      ->capture_default_str();
  app.add_option("--shutdown-grace-seconds", config.shutdown_grace_seconds,
                 "time in-flight calls get to finish on SIGTERM")
      ->capture_default_str();
  app.add_option("--log-format", config.log_format,
                 "text, or json (one object per line); always masked")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--metrics-listen", config.metrics_listen,
                 "HOST:PORT of the Prometheus endpoint GET /metrics; empty: "
                 "none");
  app.add_option("--backup-dir", config.backup_dir,
                 "where `hedui admin backup` writes; empty: backups refused");
  app.add_option("--report-retention-days", config.report_retention_days,
                 "stored reports older than this (verification date) are "
                 "purged")
      ->capture_default_str();
  app.add_option("--retired-snapshot-retention-days",
                 config.retired_snapshot_retention_days,
                 "department snapshots replaced longer ago are purged")
      ->capture_default_str();
  app.add_option("--purge-interval-hours", config.purge_interval_hours,
                 "how often the retention purge runs; 0: only on demand")
      ->capture_default_str();
  app.add_option("--audit-verify-interval-minutes",
                 config.audit_verify_interval_minutes,
                 "how often the whole audit chain is checked in the "
                 "background (metric hedui_audit_chain_intact); 0: never")
      ->capture_default_str();
  app.add_flag("--check", config.check_only,
               "check the store offline (every snapshot whole) and exit")
      ->configurable(false);
  app.add_option("--test-pause-before-switch-ms",
                 config.test_pause_before_switch_ms,
                 "TEST ONLY: pause between ingesting and switching a snapshot")
      ->configurable(false);
  app.add_option("--test-pause-reverify-ms", config.test_pause_reverify_ms,
                 "TEST ONLY: pause at each point of a re-verification pass")
      ->configurable(false);
  app.add_option("--reverify-batch-size", config.reverify_batch_size,
                 "roll entries a re-verification pass writes per synced "
                 "write (1..1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--feed-hold-share", config.feed_hold_share,
                 "hold a department file that changes more than this share "
                 "of a roll's verdicts (0..1; 1: hold nothing)")
      ->capture_default_str();
  app.add_option("--feed-hold-min-entries", config.feed_hold_min_entries,
                 "and only when at least this many verdicts of that roll "
                 "change")
      ->capture_default_str();
  app.add_option("--test-today", config.test_today,
                 "TEST ONLY: the server's today (YYYY-MM-DD), for the "
                 "synthetic county")
      ->configurable(false);
}

std::string DescribeParseError(const CLI::ParseError& error) {
  const absl::string_view what = error.what();
  // CLI11 inherited INI wording for a key it does not know.
  constexpr absl::string_view kUnknownKey = "INI was not able to parse ";
  if (absl::StartsWith(what, kUnknownKey)) {
    return absl::StrCat(
        "configuration file: unknown key '", what.substr(kUnknownKey.size()),
        "' (keys are the flag names without '--'; see heduid --help)");
  }
  if (absl::StrContains(what, "not allowed in a configuration file")) {
    return absl::StrCat("configuration file: ", what);
  }
  return std::string(what);
}

std::string EffectiveConfigText(const CLI::App& app) {
  return app.config_to_str(/*default_also=*/true, /*write_description=*/true);
}

}  // namespace hedui::server
