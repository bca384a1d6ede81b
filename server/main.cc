// heduid: the Hedui verification server.
#include <signal.h>

#include <cstdio>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/app/server.h"
#include "server/config/server_config.h"
#include "server/config/server_flags.h"
#include "server/ops/log_format.h"
#include "server/ops/restore.h"
#include "server/ops/store_check.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"
#include "systemd/sd-daemon.h"

namespace {

using hedui::server::ServerConfig;

sigset_t HandledSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  return signals;
}

// Waits for SIGTERM, SIGINT or SIGHUP (blocked in every thread, taken here).
int WaitForSignal() {
  const sigset_t signals = HandledSignals();
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

// `heduid --check`: reads the whole store without serving.
int RunStoreCheck(const ServerConfig& config) {
  auto store =
      hedui::storage::Store::Open(hedui::server::StoreOptionsFor(config));
  if (!store.ok()) {
    spdlog::error("cannot open the store: {}",
                  std::string(store.status().message()));
    return 1;
  }
  auto report = hedui::server::CheckStore(**store);
  std::fputs(report.ok() ? report->c_str()
                         : std::string(report.status().message()).c_str(),
             stdout);
  std::puts(report.ok() ? "store check: ok" : "\nstore check: FAILED");
  return report.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Block termination signals before any thread starts so that only the
  // waiting thread receives them.
  const sigset_t signals = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Debian's Abseil is built with the Mutex deadlock detector on: it takes
  // one global lock on every lock and unlock of every Mutex, which a
  // profile under load showed. The tests (sanitizer builds included) keep
  // it; the server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto logger = spdlog::stderr_logger_mt("heduid");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  CLI::App app{"heduid: Hedui household income verification server"};
  ServerConfig config;
  hedui::server::AddServerFlags(app, config);
  // `heduid restore` brings a backup back while the server is stopped; the
  // data directory, head file and backup directory are the configuration's
  // (file or flags, which may also follow the subcommand).
  CLI::App* restore = app.add_subcommand(
      "restore", "restore a backup (server stopped) into an empty data-dir");
  restore->fallthrough();
  uint32_t restore_backup_id = 0;
  restore
      ->add_option("--backup-id", restore_backup_id,
                   "backup to restore (hedui admin backups); 0: newest")
      ->capture_default_str();
  bool print_config = false;
  app.add_flag("--print-config", print_config,
               "print the effective configuration (file and flags) and exit")
      ->configurable(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    spdlog::error("invalid configuration: {}",
                  hedui::server::DescribeParseError(error));
    return 2;
  }
  hedui::server::ConfigureLogging(config.log_format);
  if (print_config) {
    std::fputs(hedui::server::EffectiveConfigText(app).c_str(), stdout);
    return 0;
  }
  if (restore->parsed()) {
    hedui::server::RestoreOptions options;
    options.backup_dir = config.backup_dir;
    options.backup_id = restore_backup_id;
    options.data_dir = config.data_dir;
    options.audit_head_file = config.audit_head_file;
    return hedui::server::RunRestoreCommand(options);
  }
  if (absl::Status s = hedui::server::ValidateServerConfig(config); !s.ok()) {
    spdlog::error("invalid configuration: {}", std::string(s.message()));
    return 2;
  }
  if (config.check_only) return RunStoreCheck(config);

  auto server = hedui::server::Server::Create(config);
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  if (absl::Status s = (*server)->Start(); !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 1;
  }
  // systemd (Type=notify) starts dependent units only now; outside systemd
  // this does nothing.
  sd_notify(0, "READY=1");

  std::thread stopper([&] {
    int sig = WaitForSignal();
    while (sig == SIGHUP) {
      sd_notify(0, "RELOADING=1");
      (*server)->Reload();
      sd_notify(0, "READY=1");
      sig = WaitForSignal();
    }
    spdlog::info("signal {}: shutting down (grace {} s)", sig,
                 config.shutdown_grace_seconds);
    sd_notify(0, "STOPPING=1");
    (*server)->Stop(absl::Seconds(config.shutdown_grace_seconds));
  });
  (*server)->Wait();
  stopper.join();
  server->reset();
  spdlog::info("heduid stopped");
  return 0;
}
