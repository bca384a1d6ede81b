// heduid: the Hedui verification server.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "server/config/server_config.h"
#include "server/ops/store_check.h"
#include "server/service/admin_service.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"

namespace {

using hedui::server::ServerConfig;

void AddFlags(CLI::App& app, ServerConfig& config) {
  app.add_option("--listen", config.listen_address,
                 "HOST:PORT to listen on (loopback only for now)")
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir,
                 "directory of the embedded RocksDB store")
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
  app.add_flag("--check", config.check_only,
               "check the store offline (every snapshot whole) and exit");
  app.add_option("--test-pause-before-switch-ms",
                 config.test_pause_before_switch_ms,
                 "TEST ONLY: pause between ingesting and switching a snapshot");
}

// Waits for SIGTERM or SIGINT (blocked in every thread, taken here).
int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  // Block termination signals before any thread starts so that only the
  // waiting thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logger = spdlog::stderr_logger_mt("heduid");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  CLI::App app{"heduid: Hedui household income verification server"};
  ServerConfig config;
  AddFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status s = hedui::server::ValidateServerConfig(config); !s.ok()) {
    spdlog::error("invalid configuration: {}", std::string(s.message()));
    return 2;
  }

  hedui::storage::StoreOptions store_options;
  store_options.path = config.data_dir;
  store_options.retained_snapshots = config.retained_snapshots;
  store_options.block_cache_bytes = static_cast<size_t>(config.block_cache_mb)
                                    << 20;
  if (config.test_pause_before_switch_ms > 0) {
    spdlog::warn("TEST HOOK: pausing {} ms before every snapshot switch",
                 config.test_pause_before_switch_ms);
    const int pause = config.test_pause_before_switch_ms;
    store_options.before_switch_hook = [pause] {
      // The crash test waits for this line to kill the server mid-commit.
      std::fprintf(stderr, "test-hook: before switch\n");
      std::fflush(stderr);
      absl::SleepFor(absl::Milliseconds(pause));
    };
  }
  auto store = hedui::storage::Store::Open(store_options);
  if (!store.ok()) {
    spdlog::error("cannot open the store: {}",
                  std::string(store.status().message()));
    return 1;
  }
  if (config.check_only) {
    auto report = hedui::server::CheckStore(**store);
    std::fputs(report.ok() ? report->c_str()
                           : std::string(report.status().message()).c_str(),
               stdout);
    std::puts(report.ok() ? "store check: ok" : "\nstore check: FAILED");
    return report.ok() ? 0 : 1;
  }

  hedui::server::IngestLimits limits;
  limits.max_feed_bytes = config.max_feed_mb << 20;
  hedui::server::AdminServiceImpl admin(store->get(), limits);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address,
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&admin);
  builder.SetMaxReceiveMessageSize(8 << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    spdlog::error("cannot listen on {}", config.listen_address);
    return 1;
  }
  // The store is open: only now say SERVING.
  server->GetHealthCheckService()->SetServingStatus(true);
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file) << port << "\n";
  }
  spdlog::info("heduid serving on {} (port {}), data in {}",
               config.listen_address, port, config.data_dir);

  std::thread stopper([&] {
    const int sig = WaitForTerminationSignal();
    spdlog::info("signal {}: shutting down (grace {} s)", sig,
                 config.shutdown_grace_seconds);
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(config.shutdown_grace_seconds));
  });
  server->Wait();
  stopper.join();
  store->reset();
  spdlog::info("heduid stopped");
  return 0;
}
