#include "server/config/server_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hedui::server {
namespace {

bool IsLoopback(const std::string& address) {
  return absl::StartsWith(address, "127.") ||
         absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

}  // namespace

absl::Status ValidateServerConfig(const ServerConfig& config) {
  if (!IsLoopback(config.listen_address) ||
      config.listen_address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: '", config.listen_address,
        "' must be a loopback HOST:PORT (127.0.0.1, localhost or [::1]): "
        "heduid has no client authentication yet"));
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
  if (config.test_pause_before_switch_ms < 0) {
    return absl::InvalidArgumentError(
        "--test-pause-before-switch-ms: must not be negative");
  }
  return absl::OkStatus();
}

}  // namespace hedui::server
