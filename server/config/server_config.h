#ifndef HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_
#define HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace hedui::server {

// Every setting of heduid, with its default. Filled from flags (and, later,
// a configuration file), validated once at start-up.
struct ServerConfig {
  // Loopback only until mutual TLS and caller roles exist.
  std::string listen_address = "127.0.0.1:7441";
  std::string data_dir = "var/data";
  // Writes the port actually bound (useful with port 0) to this file.
  std::string port_file;
  int retained_snapshots = 1;
  int64_t block_cache_mb = 512;
  int64_t max_feed_mb = 4096;
  int shutdown_grace_seconds = 30;
  // Open the store, check that every snapshot is whole, and exit.
  bool check_only = false;
  // Test only: pause this long between ingesting a snapshot's files and
  // making it current (the crash test kills the server there).
  int test_pause_before_switch_ms = 0;
};

// Errors name the setting (flag) and the problem.
absl::Status ValidateServerConfig(const ServerConfig& config);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_CONFIG_SERVER_CONFIG_H_
