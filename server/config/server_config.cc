#include "server/config/server_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

bool IsLoopback(const std::string& address) {
  return absl::StartsWith(address, "127.") ||
         absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

bool IsInside(const std::string& file, const std::string& dir) {
  std::string prefix = dir;
  if (!absl::EndsWith(prefix, "/")) prefix += "/";
  return absl::StartsWith(file, prefix);
}

absl::Status CheckSettings(const ServerConfig& config) {
  if (config.listen_address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: '", config.listen_address, "' must be HOST:PORT"));
  }
  if (config.insecure && !IsLoopback(config.listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: '", config.listen_address,
        "' must be a loopback address (127.0.0.1, localhost or [::1]) with "
        "--insecure: without TLS callers cannot be identified"));
  }
  if (config.data_dir.empty()) {
    return absl::InvalidArgumentError("--data-dir: must not be empty");
  }
  if (config.retained_snapshots < 1 || config.retained_snapshots > 100) {
    return absl::InvalidArgumentError(
        "--retained-snapshots: must be between 1 and 100");
  }
  if (config.block_cache_mb < 8) {
    return absl::InvalidArgumentError("--block-cache-mb: at least 8");
  }
  if (config.max_feed_mb < 1) {
    return absl::InvalidArgumentError("--max-feed-mb: at least 1");
  }
  if (config.shutdown_grace_seconds < 0) {
    return absl::InvalidArgumentError(
        "--shutdown-grace-seconds: must not be negative");
  }
  if (!config.check_only) {
    if (config.policy_file.empty()) {
      return absl::InvalidArgumentError(
          "--policy: the verification policy file is required");
    }
    if (!config.insecure) {
      for (const auto& [flag, value] :
           {std::pair<const char*, const std::string*>{"--tls-cert",
                                                       &config.tls_cert_file},
            {"--tls-key", &config.tls_key_file},
            {"--tls-ca", &config.tls_ca_file},
            {"--callers", &config.callers_file}}) {
        if (value->empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              flag, ": required unless --insecure (development only)"));
        }
      }
    }
    if (config.audit_key_file.empty() || config.audit_head_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(config.audit_key_file.empty() ? "--audit-key-file"
                                                     : "--audit-head-file",
                       ": required: the audit chain's key and head file"));
    }
    for (const auto& [flag, value] :
         {std::pair<const char*, const std::string*>{"--audit-key-file",
                                                     &config.audit_key_file},
          {"--audit-head-file", &config.audit_head_file}}) {
      if (IsInside(*value, config.data_dir)) {
        return absl::InvalidArgumentError(absl::StrCat(
            flag,
            ": must be outside --data-dir, so that whoever can change "
            "the store cannot also rewrite the audit chain's proof"));
      }
    }
  }
  if (config.max_in_flight < 1) {
    return absl::InvalidArgumentError("--max-in-flight: at least 1");
  }
  if (config.max_in_flight_per_caller < 1) {
    return absl::InvalidArgumentError("--max-in-flight-per-caller: at least 1");
  }
  if (config.max_streams < 1) {
    return absl::InvalidArgumentError("--max-streams: at least 1");
  }
  if (config.max_streams_per_caller < 1) {
    return absl::InvalidArgumentError("--max-streams-per-caller: at least 1");
  }
  if (config.stream_idle_seconds < 0 || config.stream_idle_seconds > 86400) {
    return absl::InvalidArgumentError(
        "--stream-idle-seconds: between 0 (never) and 86400");
  }
  if (config.max_message_mb < 1 || config.max_message_mb > 1024) {
    return absl::InvalidArgumentError("--max-message-mb: between 1 and 1024");
  }
  if (!config.crl_file.empty() && config.insecure) {
    return absl::InvalidArgumentError(
        "--crl: no client certificates are checked with --insecure");
  }
  if (config.cert_expiry_warning_days < 0) {
    return absl::InvalidArgumentError(
        "--cert-expiry-warning-days: must not be negative");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return absl::InvalidArgumentError("--log-format: text or json");
  }
  if (!config.metrics_listen.empty() &&
      (config.metrics_listen.find(':') == std::string::npos ||
       config.metrics_listen == config.listen_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics-listen: '", config.metrics_listen,
                     "' must be HOST:PORT, another port than --listen"));
  }
  if (!config.backup_dir.empty() &&
      (IsInside(config.backup_dir, config.data_dir) ||
       config.backup_dir == config.data_dir)) {
    return absl::InvalidArgumentError(
        "--backup-dir: must be outside --data-dir (a backup inside the store "
        "is lost with it)");
  }
  if (config.report_retention_days < 1 ||
      config.retired_snapshot_retention_days < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        config.report_retention_days < 1 ? "--report-retention-days"
                                         : "--retired-snapshot-retention-days",
        ": at least 1"));
  }
  if (config.audit_verify_interval_minutes < 0) {
    return absl::InvalidArgumentError(
        "--audit-verify-interval-minutes: must not be negative (0: never)");
  }
  if (config.purge_interval_hours < 0) {
    return absl::InvalidArgumentError(
        "--purge-interval-hours: must not be negative (0: on demand only)");
  }
  if (!(config.feed_hold_share >= 0 && config.feed_hold_share <= 1)) {
    return absl::InvalidArgumentError(
        "--feed-hold-share: a share between 0 and 1 (e.g. 0.05; 1 holds "
        "nothing)");
  }
  if (config.feed_hold_min_entries < 1 ||
      config.feed_hold_min_entries > 1000000) {
    return absl::InvalidArgumentError(
        "--feed-hold-min-entries: between 1 and 1000000");
  }
  if (config.test_pause_before_switch_ms < 0) {
    return absl::InvalidArgumentError(
        "--test-pause-before-switch-ms: must not be negative");
  }
  if (!config.test_today.empty() && !ParseCivilDay(config.test_today).ok()) {
    return absl::InvalidArgumentError(
        "--test-today: a date as YYYY-MM-DD, e.g. 2026-11-30");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateServerConfig(const ServerConfig& config) {
  absl::Status status = CheckSettings(config);
  const absl::string_view message = status.message();
  // Every check words its error "--flag: problem"; the setting is named for
  // readers of the configuration file as well, whose key has no dashes.
  const size_t colon = message.find(": ");
  if (status.ok() || !absl::StartsWith(message, "--") ||
      colon == absl::string_view::npos) {
    return status;
  }
  const absl::string_view flag = message.substr(0, colon);
  return absl::InvalidArgumentError(
      absl::StrCat("setting '", flag.substr(2), "' (", flag,
                   "): ", message.substr(colon + 2)));
}

}  // namespace hedui::server
