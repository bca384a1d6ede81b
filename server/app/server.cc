#include "server/app/server.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/server_builder.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/metrics/service_metrics.h"
#include "server/ops/ops_collectors.h"
#include "server/ops/periodic_task.h"
#include "server/ops/reload.h"
#include "server/security/authenticate.h"
#include "server/security/callers_file.h"
#include "server/security/tls_credentials.h"
#include "server/service/admin_service.h"
#include "server/service/audit_service.h"
#include "server/service/call_door.h"
#include "server/service/change_service.h"
#include "server/service/feed_preview.h"
#include "server/service/health_service.h"
#include "server/service/policy_holder.h"
#include "server/service/reflection_v1.h"
#include "server/service/retention_service.h"
#include "server/service/reverification_runner.h"
#include "server/service/reverifier.h"
#include "server/service/roll_service.h"
#include "server/service/verification_service.h"
#include "server/service/verifier.h"
#include "spdlog/spdlog.h"
#include "storage/events/event_store.h"
#include "storage/retention.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/store.h"
#include "storage/store_damage.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

absl::StatusOr<std::string> ReadAuditKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError("--audit-key-file: cannot read " + path);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The outcome of one walk of the whole chain, for the metrics and the health
// details; a broken chain is also an error in the log.
void CheckAuditChain(storage::ServiceLog& log,
                     metrics::AuditCheckResult& result) {
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

absl::Status Failed(absl::string_view part, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(part, status.message()));
}

}  // namespace

// Declared in the order the parts are built: destroyed in reverse, each
// part goes before the parts it points to (the gRPC server first, the store
// last).
struct Server::Parts {
  ServerConfig config;
  std::optional<absl::CivilDay> test_today;

  std::unique_ptr<storage::Store> store;
  std::unique_ptr<PolicyHolder> policies;
  std::unique_ptr<security::Authenticator> authenticator;
  std::shared_ptr<grpc::ServerCredentials> credentials;

  // Health says NOT_SERVING while writes cannot be made durable (a full
  // disk), the store was found damaged, or the server is stopping.
  std::atomic<bool> serving{false};
  std::atomic<bool> stopping{false};
  HealthServiceImpl health;
  std::unique_ptr<storage::ServiceLog> log;
  // The audit key, which seals the page tokens of the rolls, the change
  // events and the reviews due as the log's own listings' (one key, so a
  // token outlives a restart and none needs a secret of its own).
  std::string page_token_key;

  std::unique_ptr<metrics::Registry> registry;
  std::unique_ptr<metrics::ServiceMetrics> service_metrics;
  std::unique_ptr<Verifier> verifier;
  std::unique_ptr<CallDoor> door;
  metrics::AuditCheckResult audit_check;
  std::unique_ptr<metrics::OpsSources> ops_sources;
  std::unique_ptr<AdminServiceImpl> admin;
  std::unique_ptr<VerificationServiceImpl> verification;
  std::unique_ptr<AuditServiceImpl> audit;
  std::unique_ptr<storage::RollStore> rolls;
  std::unique_ptr<RollServiceImpl> roll_service;
  std::unique_ptr<Reverifier> reverifier;
  std::unique_ptr<ReverificationRunner> runner;
  std::unique_ptr<FeedPreviewer> previewer;
  std::unique_ptr<storage::EventStore> events;
  std::unique_ptr<ChangeServiceImpl> change_service;
  std::unique_ptr<storage::Purger> purger;
  std::unique_ptr<RetentionServiceImpl> retention_service;

  // Started by Start().
  std::unique_ptr<PeriodicTask> audit_checker;
  std::unique_ptr<PeriodicTask> purge_task;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  int port = 0;
  bool started = false;
  std::once_flag stop_once;
  std::once_flag wait_once;

  bool metrics_on() const { return !config.metrics_listen.empty(); }

  void UpdateHealth() {
    if (!serving.load()) return;
    const bool healthy = !stopping.load() && log != nullptr &&
                         log->WritesDurable() &&
                         !storage::StoreDamage().has_value();
    health.SetServing(healthy);
  }

  absl::Status OpenStoreAndPolicy();
  absl::Status MakeCredentials();
  absl::Status OpenLog();
  absl::Status BuildServices();
  absl::Status Listen();
};

storage::StoreOptions StoreOptionsFor(const ServerConfig& config) {
  storage::StoreOptions store_options;
  store_options.path = config.data_dir;
  store_options.retained_snapshots = config.retained_snapshots;
  store_options.block_cache_bytes = static_cast<size_t>(config.block_cache_mb)
                                    << 20;
  return store_options;
}

absl::Status Server::Parts::OpenStoreAndPolicy() {
  storage::StoreOptions store_options = StoreOptionsFor(config);
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
  auto opened = storage::Store::Open(store_options);
  if (!opened.ok()) return Failed("cannot open the store: ", opened.status());
  store = *std::move(opened);

  policies = std::make_unique<PolicyHolder>(config.policy_file);
  if (absl::Status s = policies->Reload(); !s.ok()) {
    return Failed("--policy: ", s);
  }
  return absl::OkStatus();
}

absl::Status Server::Parts::MakeCredentials() {
  if (config.insecure) {
    security::LogInsecureModeWarning(config.listen_address);
    authenticator = security::Authenticator::ForInsecureDevelopment();
    credentials = grpc::InsecureServerCredentials();
    return absl::OkStatus();
  }
  auto callers = security::LoadCallersFile(config.callers_file);
  if (!callers.ok()) return Failed("--callers: ", callers.status());
  authenticator = security::Authenticator::ForCallers(*callers);
  if (!config.crl_file.empty()) {
    auto revocations = LoadRevocations(config);
    if (!revocations.ok()) return revocations.status();
    authenticator->ReplaceRevocations(*revocations);
  }
  auto made = security::MakeServerCredentials(
      {config.tls_ca_file, config.tls_cert_file, config.tls_key_file});
  if (!made.ok()) return Failed("TLS: ", made.status());
  credentials = *made;
  return absl::OkStatus();
}

absl::Status Server::Parts::OpenLog() {
  absl::StatusOr<std::string> audit_key = ReadAuditKey(config.audit_key_file);
  if (!audit_key.ok()) return audit_key.status();
  page_token_key = *audit_key;
  storage::ServiceLogOptions log_options;
  log_options.audit_key = *std::move(audit_key);
  log_options.head_file = config.audit_head_file;
  log_options.on_durability_change = [this](bool durable,
                                            const absl::Status& why) {
    if (durable) {
      // Recovered with DB::Resume, after which RocksDB 7.8 aborts an
      // ingestion: feeds wait for a restart instead of killing the server.
      store->TakeNoFilesUntilRestart();
      spdlog::info(
          "writes are durable again: serving; department files are refused "
          "until heduid is restarted");
    } else {
      spdlog::error("writes cannot be made durable, refusing them: {}",
                    std::string(why.message()));
    }
    UpdateHealth();
  };
  auto opened = storage::ServiceLog::Open(store->service_tables(),
                                          std::move(log_options));
  if (!opened.ok()) {
    return Failed("cannot open the audit log: ", opened.status());
  }
  log = *std::move(opened);
  storage::SetStoreDamageListener([this](const std::string& damage) {
    spdlog::error("store damaged: {}", damage);
    UpdateHealth();
  });
  return absl::OkStatus();
}

absl::Status Server::Parts::BuildServices() {
  security::Authenticator* authenticate = authenticator.get();
  const CallerSource callers =
      [authenticate](const grpc::ServerContextBase& context) {
        return authenticate->Authenticate(context);
      };
  registry = std::make_unique<metrics::Registry>();
  service_metrics = std::make_unique<metrics::ServiceMetrics>(*registry);
  verifier = std::make_unique<Verifier>(store.get(), policies.get());
  IngestLimits limits;
  limits.max_feed_bytes = config.max_feed_mb << 20;
  if (test_today) {
    spdlog::warn("TEST HOOK: today is {} for verifications and feeds",
                 config.test_today);
    verifier->set_today([today = *test_today] { return today; });
    limits.today = [today = *test_today] { return today; };
  }
  CallDoor::Options door_options;
  door_options.limits.max_in_flight = config.max_in_flight;
  door_options.limits.max_in_flight_per_caller =
      config.max_in_flight_per_caller;
  door_options.limits.max_streams = config.max_streams;
  door_options.limits.max_streams_per_caller = config.max_streams_per_caller;
  door_options.stream_idle_timeout = absl::Seconds(config.stream_idle_seconds);
  door = std::make_unique<CallDoor>(callers, log.get(), door_options);
  WarnAboutExpiringCertificates(config);
  ops_sources = std::make_unique<metrics::OpsSources>(metrics::OpsSources{
      store.get(), log.get(), policies.get(), &door->admission(),
      WatchedCertificates(config), config.cert_expiry_warning_days,
      &audit_check, absl::Now(), config.backup_dir});
  metrics::AddOpsCollectors(*registry, *ops_sources);

  admin = std::make_unique<AdminServiceImpl>(door.get(), store.get(), limits,
                                             BackupSettings{config.backup_dir});
  if (metrics_on()) admin->set_metrics(service_metrics.get());
  admin->set_status_source([sources = ops_sources.get()] {
    return metrics::ReadServerStatus(*sources, absl::Now());
  });
  verification = std::make_unique<VerificationServiceImpl>(
      door.get(), verifier.get(), log.get(), store->service_tables());
  if (metrics_on()) verification->set_metrics(service_metrics.get());
  audit = std::make_unique<AuditServiceImpl>(door.get(), log.get());

  auto opened_rolls =
      storage::RollStore::Open(store->service_tables(), page_token_key);
  if (!opened_rolls.ok()) {
    return Failed("cannot open the rolls: ", opened_rolls.status());
  }
  rolls = *std::move(opened_rolls);
  roll_service = std::make_unique<RollServiceImpl>(door.get(), rolls.get(),
                                                   log.get(), policies.get());
  reverifier = std::make_unique<Reverifier>(log.get(), verifier.get());
  ReverificationRunnerOptions runner_options;
  runner_options.batch_size = config.reverify_batch_size;
  if (test_today) {
    roll_service->set_today([today = *test_today] { return today; });
    runner_options.today = [today = *test_today] { return today; };
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
  runner = std::make_unique<ReverificationRunner>(store.get(), log.get(),
                                                  rolls.get(), reverifier.get(),
                                                  std::move(runner_options));
  roll_service->set_runner(runner.get());
  // Feed impact preview and hold (domain.md §10.1), on the rolls above.
  previewer = std::make_unique<FeedPreviewer>(
      store.get(), rolls.get(), policies.get(),
      FeedHoldSettings{config.feed_hold_share, config.feed_hold_min_entries});
  if (test_today) {
    previewer->set_today([today = *test_today] { return today; });
  }
  admin->set_previewer(previewer.get());
  admin->set_on_switch([wake = runner.get()] { wake->Wake(); });
  if (metrics_on())
    AddReverificationMetrics(*registry, runner.get(), log.get());

  auto opened_events =
      storage::EventStore::Open(store->service_tables(), page_token_key);
  if (!opened_events.ok()) {
    return Failed("cannot open the change events: ", opened_events.status());
  }
  events = *std::move(opened_events);
  change_service = std::make_unique<ChangeServiceImpl>(door.get(), events.get(),
                                                       rolls.get(), log.get());
  if (test_today) {
    change_service->set_today([today = *test_today] { return today; });
  }
  storage::RetentionOptions retention;
  retention.report_retention_days = config.report_retention_days;
  retention.retired_snapshot_retention_days =
      config.retired_snapshot_retention_days;
  purger = std::make_unique<storage::Purger>(store.get(), log.get(), retention);
  retention_service =
      std::make_unique<RetentionServiceImpl>(door.get(), purger.get());
  return absl::OkStatus();
}

absl::Status Server::Parts::Listen() {
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  AddReflectionV1(builder);
  builder.RegisterService(&health);
  builder.AddListeningPort(config.listen_address, credentials, &port);
  builder.RegisterService(admin.get());
  builder.RegisterService(verification.get());
  builder.RegisterService(audit.get());
  builder.RegisterService(retention_service.get());
  builder.RegisterService(roll_service.get());
  builder.RegisterService(change_service.get());
  if (metrics_on()) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(
        metrics::MakeMetricsInterceptorFactory(service_metrics.get()));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.SetMaxReceiveMessageSize(config.max_message_mb << 20);
  builder.SetMaxSendMessageSize(config.max_message_mb << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  grpc_server = builder.BuildAndStart();
  if (!grpc_server || port == 0) {
    grpc_server.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Create(ServerConfig config) {
  auto parts = std::make_unique<Parts>();
  parts->config = std::move(config);
  if (!parts->config.test_today.empty()) {
    auto today = ParseCivilDay(parts->config.test_today);
    if (!today.ok()) return Failed("--test-today: ", today.status());
    parts->test_today = *today;
  }
  // Each step builds on the ones before; an error leaves what was built to
  // Parts' destructor, in reverse.
  for (absl::Status (Parts::*step)() :
       {&Parts::OpenStoreAndPolicy, &Parts::MakeCredentials, &Parts::OpenLog,
        &Parts::BuildServices}) {
    if (absl::Status s = (parts.get()->*step)(); !s.ok()) {
      storage::SetStoreDamageListener(nullptr);
      return s;
    }
  }
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

absl::Status Server::Start() {
  Parts& p = *parts_;
  if (p.started) return absl::FailedPreconditionError("already started");
  p.started = true;
  p.runner->Start();
  if (p.config.audit_verify_interval_minutes > 0) {
    storage::ServiceLog* chain = p.log.get();
    metrics::AuditCheckResult* result = &p.audit_check;
    p.audit_checker = std::make_unique<PeriodicTask>(
        absl::Seconds(1), absl::Minutes(p.config.audit_verify_interval_minutes),
        [chain, result] { CheckAuditChain(*chain, *result); });
  }
  if (p.config.purge_interval_hours > 0) {
    // The first run a few minutes after start, not at once: a restart loop
    // must not turn into a purge loop.
    storage::Purger* purger = p.purger.get();
    p.purge_task = std::make_unique<PeriodicTask>(
        absl::Minutes(5), absl::Hours(p.config.purge_interval_hours),
        [purger] { RunScheduledPurge(*purger); });
  }
  if (absl::Status s = p.Listen(); !s.ok()) return s;
  if (p.metrics_on()) {
    auto endpoint = metrics::MetricsEndpoint::Start(p.config.metrics_listen,
                                                    p.registry.get());
    if (!endpoint.ok()) return endpoint.status();
    p.metrics_endpoint = *std::move(endpoint);
    spdlog::info("metrics on http://{}/metrics (port {})",
                 p.config.metrics_listen, p.metrics_endpoint->port());
  }
  // The store is open and calls are taken: only now say SERVING (if writes
  // are durable).
  p.serving.store(true);
  p.UpdateHealth();
  if (!p.config.port_file.empty()) {
    std::ofstream(p.config.port_file) << p.port << "\n";
  }
  spdlog::info("heduid serving on {} (port {}, {}), data in {}, policy {}",
               p.config.listen_address, p.port,
               p.config.insecure ? "INSECURE plaintext" : "mutual TLS",
               p.config.data_dir, p.policies->Current()->version());
  return absl::OkStatus();
}

int Server::port() const { return parts_->port; }

void Server::Reload() {
  ReloadOnSignal(parts_->config, *parts_->policies, *parts_->authenticator);
}

void Server::Stop(absl::Duration grace) {
  Parts& p = *parts_;
  std::call_once(p.stop_once, [&p, grace] {
    p.stopping.store(true);
    p.UpdateHealth();
    // Open watches would hold the server for its whole grace period.
    p.change_service->StopWatches();
    if (p.verification != nullptr) p.verification->StopBatches();
    p.health.Shutdown();
    if (p.grpc_server != nullptr) {
      p.grpc_server->Shutdown(std::chrono::system_clock::now() +
                              absl::ToChronoMilliseconds(grace));
    }
  });
}

void Server::Wait() {
  Parts& p = *parts_;
  std::call_once(p.wait_once, [&p] {
    if (p.grpc_server != nullptr) p.grpc_server->Wait();
  });
}

Server::~Server() {
  Parts& p = *parts_;
  Stop(absl::ZeroDuration());
  Wait();
  p.serving.store(false);
  storage::SetStoreDamageListener(nullptr);
  p.metrics_endpoint.reset();
  p.grpc_server.reset();
  p.audit_checker.reset();
  p.purge_task.reset();
  if (p.started) p.runner->Stop();
  // The rest in reverse order of building: the audit log drains its queue
  // and writes its last chain head before the store it writes to closes.
  parts_.reset();
}

}  // namespace hedui::server
