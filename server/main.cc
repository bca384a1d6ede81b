// heduid: the Hedui verification server.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/server_builder.h"
#include "server/config/server_config.h"
#include "server/config/server_flags.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/metrics/ops_collectors.h"
#include "server/metrics/service_metrics.h"
#include "server/ops/log_format.h"
#include "server/ops/periodic_task.h"
#include "server/ops/reload.h"
#include "server/ops/restore.h"
#include "server/ops/store_check.h"
#include "server/security/authenticate.h"
#include "server/security/callers_file.h"
#include "server/security/revocation_list.h"
#include "server/security/tls_credentials.h"
#include "server/service/admin_service.h"
#include "server/service/audit_service.h"
#include "server/service/call_door.h"
#include "server/service/change_service.h"
#include "server/service/health_service.h"
#include "server/service/policy_holder.h"
#include "server/service/reflection_v1.h"
#include "server/service/retention_service.h"
#include "server/service/roll_service.h"
#include "server/service/verification_service.h"
#include "server/service/verifier.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "storage/events/event_store.h"
#include "storage/retention.h"
#include "storage/service_log.h"
#include "storage/store.h"
#include "storage/store_damage.h"
#include "storage/types/civil_date.h"
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

absl::StatusOr<std::string> ReadAuditKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError("--audit-key-file: cannot read " + path);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The outcome of one walk of the whole chain, for the metrics and the health
// details; a broken chain is also an error in the log.
void CheckAuditChain(hedui::storage::ServiceLog& log,
                     hedui::server::metrics::AuditCheckResult& result) {
  const auto verdict = log.VerifyAudit();
  if (!verdict.ok()) {
    spdlog::error("audit chain check failed to run: {}",
                  std::string(verdict.status().message()));
    return;
  }
  result.intact = verdict->intact() ? 1 : 0;
  result.checked_unix_seconds = absl::ToUnixSeconds(absl::Now());
  if (!verdict->intact()) {
    spdlog::error("AUDIT CHAIN BROKEN at entry {}: {}",
                  verdict->first_broken_sequence(), verdict->problem());
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Block termination signals before any thread starts so that only the
  // waiting thread receives them.
  const sigset_t signals = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

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

  hedui::server::PolicyHolder policies(config.policy_file);
  if (absl::Status s = policies.Reload(); !s.ok()) {
    spdlog::error("--policy: {}", std::string(s.message()));
    return 1;
  }
  std::unique_ptr<hedui::security::Authenticator> authenticator;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (config.insecure) {
    hedui::security::LogInsecureModeWarning(config.listen_address);
    authenticator = hedui::security::Authenticator::ForInsecureDevelopment();
    credentials = grpc::InsecureServerCredentials();
  } else {
    auto callers = hedui::security::LoadCallersFile(config.callers_file);
    if (!callers.ok()) {
      spdlog::error("--callers: {}", std::string(callers.status().message()));
      return 1;
    }
    authenticator = hedui::security::Authenticator::ForCallers(*callers);
    if (!config.crl_file.empty()) {
      auto revocations = hedui::server::LoadRevocations(config);
      if (!revocations.ok()) {
        spdlog::error("{}", std::string(revocations.status().message()));
        return 1;
      }
      authenticator->ReplaceRevocations(*revocations);
    }
    auto made = hedui::security::MakeServerCredentials(
        {config.tls_ca_file, config.tls_cert_file, config.tls_key_file});
    if (!made.ok()) {
      spdlog::error("TLS: {}", std::string(made.status().message()));
      return 1;
    }
    credentials = *made;
  }
  absl::StatusOr<std::string> audit_key = ReadAuditKey(config.audit_key_file);
  if (!audit_key.ok()) {
    spdlog::error("{}", std::string(audit_key.status().message()));
    return 1;
  }
  // Health says NOT_SERVING while writes cannot be made durable (a full
  // disk) or the store was found damaged; set once the server exists.
  std::atomic<grpc::Server*> serving{nullptr};
  std::atomic<bool> stopping{false};
  hedui::storage::ServiceLog* durable_log = nullptr;
  hedui::server::HealthServiceImpl health;
  const auto update_health = [&] {
    grpc::Server* server = serving.load();
    if (server == nullptr) return;
    const bool healthy = !stopping.load() && durable_log != nullptr &&
                         durable_log->WritesDurable() &&
                         !hedui::storage::StoreDamage().has_value();
    health.SetServing(healthy);
  };
  hedui::storage::ServiceLogOptions log_options;
  log_options.audit_key = *std::move(audit_key);
  log_options.head_file = config.audit_head_file;
  log_options.on_durability_change = [&](bool durable,
                                         const absl::Status& why) {
    if (durable) {
      spdlog::info("writes are durable again: serving");
    } else {
      spdlog::error("writes cannot be made durable, refusing them: {}",
                    std::string(why.message()));
    }
    update_health();
  };
  auto log = hedui::storage::ServiceLog::Open((*store)->service_tables(),
                                              std::move(log_options));
  if (!log.ok()) {
    spdlog::error("cannot open the audit log: {}",
                  std::string(log.status().message()));
    return 1;
  }
  durable_log = log->get();
  hedui::storage::SetStoreDamageListener([&](const std::string& damage) {
    spdlog::error("store damaged: {}", damage);
    update_health();
  });

  const hedui::server::CallerSource callers =
      [&authenticator](const grpc::ServerContextBase& context) {
        return authenticator->Authenticate(context);
      };
  hedui::server::metrics::Registry registry;
  hedui::server::metrics::ServiceMetrics service_metrics(registry);
  hedui::server::Verifier verifier(store->get(), &policies);
  hedui::server::IngestLimits limits;
  limits.max_feed_bytes = config.max_feed_mb << 20;
  if (!config.test_today.empty()) {
    const absl::CivilDay today = *hedui::ParseCivilDay(config.test_today);
    spdlog::warn("TEST HOOK: today is {} for verifications and feeds",
                 config.test_today);
    verifier.set_today([today] { return today; });
    limits.today = [today] { return today; };
  }
  // Without an endpoint nobody reads the figures: nothing is counted.
  const bool metrics_on = !config.metrics_listen.empty();
  hedui::server::CallDoor::Options door_options;
  door_options.limits.max_in_flight = config.max_in_flight;
  door_options.limits.max_in_flight_per_caller =
      config.max_in_flight_per_caller;
  door_options.limits.max_streams = config.max_streams;
  door_options.limits.max_streams_per_caller = config.max_streams_per_caller;
  door_options.stream_idle_timeout = absl::Seconds(config.stream_idle_seconds);
  hedui::server::CallDoor door(callers, log->get(), door_options);
  hedui::server::WarnAboutExpiringCertificates(config);
  hedui::server::metrics::AuditCheckResult audit_check;
  const hedui::server::metrics::OpsSources ops_sources{
      store->get(),
      log->get(),
      &policies,
      &door.admission(),
      hedui::server::WatchedCertificates(config),
      config.cert_expiry_warning_days,
      &audit_check,
      absl::Now(),
      config.backup_dir};
  hedui::server::metrics::AddOpsCollectors(registry, ops_sources);
  std::unique_ptr<hedui::server::PeriodicTask> audit_checker;
  if (config.audit_verify_interval_minutes > 0) {
    hedui::storage::ServiceLog* chain = log->get();
    audit_checker = std::make_unique<hedui::server::PeriodicTask>(
        absl::Seconds(1), absl::Minutes(config.audit_verify_interval_minutes),
        [chain, &audit_check] { CheckAuditChain(*chain, audit_check); });
  }
  hedui::server::AdminServiceImpl admin(&door, store->get(), limits,
                                        {config.backup_dir});
  if (metrics_on) admin.set_metrics(&service_metrics);
  admin.set_status_source([&ops_sources] {
    return hedui::server::metrics::ReadServerStatus(ops_sources, absl::Now());
  });
  hedui::server::VerificationServiceImpl verification(
      &door, &verifier, log->get(), (*store)->service_tables());
  if (metrics_on) verification.set_metrics(&service_metrics);
  hedui::server::AuditServiceImpl audit(&door, log->get());
  auto rolls = hedui::storage::RollStore::Open((*store)->service_tables());
  if (!rolls.ok()) {
    spdlog::error("cannot open the rolls: {}",
                  std::string(rolls.status().message()));
    return 1;
  }
  hedui::server::RollServiceImpl roll_service(&door, rolls->get(), log->get(),
                                              &policies);
  hedui::server::Reverifier reverifier(log->get(), &verifier);
  hedui::server::ReverificationRunnerOptions runner_options;
  runner_options.batch_size = config.reverify_batch_size;
  if (!config.test_today.empty()) {
    const absl::CivilDay today = *hedui::ParseCivilDay(config.test_today);
    roll_service.set_today([today] { return today; });
    runner_options.today = [today] { return today; };
  }
  if (config.test_pause_reverify_ms > 0) {
    const int pause = config.test_pause_reverify_ms;
    runner_options.test_hook = [pause](const char* point, int64_t done) {
      // The crash test waits for these lines to kill the server there.
      std::fprintf(stderr, "test-hook: reverify %s %lld\n", point,
                   static_cast<long long>(done));
      std::fflush(stderr);
      absl::SleepFor(absl::Milliseconds(pause));
    };
  }
  hedui::server::ReverificationRunner runner(store->get(), log->get(),
                                             rolls->get(), &reverifier,
                                             std::move(runner_options));
  roll_service.set_runner(&runner);
  // Feed impact preview and hold (domain.md §10.1), on the rolls above.
  hedui::server::FeedPreviewer previewer(
      store->get(), rolls->get(), &policies,
      {config.feed_hold_share, config.feed_hold_min_entries});
  if (!config.test_today.empty()) {
    previewer.set_today(
        [today = *hedui::ParseCivilDay(config.test_today)] { return today; });
  }
  admin.set_previewer(&previewer);
  admin.set_on_switch([&runner] { runner.Wake(); });
  runner.Start();
  if (metrics_on) {
    hedui::server::AddReverificationMetrics(registry, &runner, log->get());
  }
  auto events = hedui::storage::EventStore::Open((*store)->service_tables());
  if (!events.ok()) {
    spdlog::error("cannot open the change events: {}",
                  std::string(events.status().message()));
    return 1;
  }
  hedui::server::ChangeServiceImpl change_service(&door, events->get(),
                                                  rolls->get(), log->get());
  if (!config.test_today.empty()) {
    change_service.set_today(
        [today = *hedui::ParseCivilDay(config.test_today)] { return today; });
  }
  hedui::storage::RetentionOptions retention;
  retention.report_retention_days = config.report_retention_days;
  retention.retired_snapshot_retention_days =
      config.retired_snapshot_retention_days;
  hedui::storage::Purger purger(store->get(), log->get(), retention);
  hedui::server::RetentionServiceImpl retention_service(&door, &purger);
  std::unique_ptr<hedui::server::PeriodicTask> purge_task;
  if (config.purge_interval_hours > 0) {
    // The first run a few minutes after start, not at once: a restart loop
    // must not turn into a purge loop.
    purge_task = std::make_unique<hedui::server::PeriodicTask>(
        absl::Minutes(5), absl::Hours(config.purge_interval_hours),
        [&purger] { hedui::server::RunScheduledPurge(purger); });
  }

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  hedui::server::AddReflectionV1(builder);
  builder.RegisterService(&health);
  int port = 0;
  builder.AddListeningPort(config.listen_address, credentials, &port);
  builder.RegisterService(&admin);
  builder.RegisterService(&verification);
  builder.RegisterService(&audit);
  builder.RegisterService(&retention_service);
  builder.RegisterService(&roll_service);
  builder.RegisterService(&change_service);
  if (metrics_on) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(
        hedui::server::metrics::MakeMetricsInterceptorFactory(
            &service_metrics));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.SetMaxReceiveMessageSize(config.max_message_mb << 20);
  builder.SetMaxSendMessageSize(config.max_message_mb << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    spdlog::error("cannot listen on {}", config.listen_address);
    return 1;
  }
  std::unique_ptr<hedui::server::metrics::MetricsEndpoint> metrics_endpoint;
  if (!config.metrics_listen.empty()) {
    auto started = hedui::server::metrics::MetricsEndpoint::Start(
        config.metrics_listen, &registry);
    if (!started.ok()) {
      spdlog::error("{}", std::string(started.status().message()));
      server->Shutdown();
      return 1;
    }
    metrics_endpoint = *std::move(started);
    spdlog::info("metrics on http://{}/metrics (port {})",
                 config.metrics_listen, metrics_endpoint->port());
  }
  // The store is open: only now say SERVING (if writes are durable).
  serving.store(server.get());
  update_health();
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file) << port << "\n";
  }
  spdlog::info("heduid serving on {} (port {}, {}), data in {}, policy {}",
               config.listen_address, port,
               config.insecure ? "INSECURE plaintext" : "mutual TLS",
               config.data_dir, policies.Current()->version());
  // systemd (Type=notify) starts dependent units only now; outside systemd
  // this does nothing.
  sd_notify(0, "READY=1");

  std::thread stopper([&] {
    int sig = WaitForSignal();
    while (sig == SIGHUP) {
      sd_notify(0, "RELOADING=1");
      hedui::server::ReloadOnSignal(config, policies, *authenticator);
      sd_notify(0, "READY=1");
      sig = WaitForSignal();
    }
    spdlog::info("signal {}: shutting down (grace {} s)", sig,
                 config.shutdown_grace_seconds);
    sd_notify(0, "STOPPING=1");
    stopping.store(true);
    update_health();
    // Open watches would hold the server for its whole grace period.
    change_service.StopWatches();
    health.Shutdown();
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(config.shutdown_grace_seconds));
  });
  server->Wait();
  stopper.join();
  serving.store(nullptr);
  hedui::storage::SetStoreDamageListener(nullptr);
  // The log drains its queue and writes its last chain head before the
  // store it writes to closes.
  audit_checker.reset();
  purge_task.reset();
  runner.Stop();
  metrics_endpoint.reset();
  log->reset();
  store->reset();
  spdlog::info("heduid stopped");
  return 0;
}
