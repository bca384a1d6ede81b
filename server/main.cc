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
#include "server/security/authenticate.h"
#include "server/security/callers_file.h"
#include "server/security/tls_credentials.h"
#include "server/service/admin_service.h"
#include "server/service/audit_service.h"
#include "server/service/call_gate.h"
#include "server/service/policy_holder.h"
#include "server/service/verification_service.h"
#include "server/service/verifier.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace {

using hedui::server::ServerConfig;

void AddFlags(CLI::App& app, ServerConfig& config) {
  app.add_option("--listen", config.listen_address,
                 "HOST:PORT to listen on (loopback only with --insecure)")
      ->capture_default_str();
  app.add_option(
      "--policy", config.policy_file,
      "verification policy (protobuf text format); reloaded on SIGHUP");
  app.add_option("--tls-cert", config.tls_cert_file,
                 "server certificate chain (PEM)");
  app.add_option("--tls-key", config.tls_key_file, "server private key (PEM)");
  app.add_option("--tls-ca", config.tls_ca_file,
                 "CA whose client certificates identify callers (PEM)");
  app.add_option("--callers", config.callers_file,
                 "who may call what (text format); reloaded on SIGHUP");
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
  app.add_option("--max-message-mb", config.max_message_mb,
                 "largest gRPC message, MiB")
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

// SIGHUP: the policy and the callers file are read again; a file with errors
// is refused with them and the one in force stays.
void Reload(hedui::server::PolicyHolder& policies,
            hedui::security::Authenticator& authenticator,
            const ServerConfig& config) {
  if (absl::Status s = policies.Reload(); !s.ok()) {
    spdlog::error("SIGHUP: new policy refused, the previous one stays: {}",
                  std::string(s.message()));
  } else {
    spdlog::info("SIGHUP: policy {} loaded from {}",
                 policies.Current()->version(), config.policy_file);
  }
  if (authenticator.insecure()) return;
  auto callers = hedui::security::LoadCallersFile(config.callers_file);
  if (!callers.ok()) {
    spdlog::error(
        "SIGHUP: new callers file refused, the previous one stays: {}",
        std::string(callers.status().message()));
    return;
  }
  authenticator.ReplaceRegistry(*callers).IgnoreError();
  spdlog::info("SIGHUP: callers file reloaded ({} callers)",
               (*callers)->size());
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
  hedui::storage::ServiceLogOptions log_options;
  log_options.audit_key = *std::move(audit_key);
  log_options.head_file = config.audit_head_file;
  auto log = hedui::storage::ServiceLog::Open((*store)->service_tables(),
                                              std::move(log_options));
  if (!log.ok()) {
    spdlog::error("cannot open the audit log: {}",
                  std::string(log.status().message()));
    return 1;
  }

  const hedui::server::CallerSource callers =
      [&authenticator](const grpc::ServerContext& context) {
        return authenticator->Authenticate(context);
      };
  hedui::server::Verifier verifier(store->get(), log->get(), &policies);
  hedui::server::CallGate gate(config.max_in_flight);
  hedui::server::IngestLimits limits;
  limits.max_feed_bytes = config.max_feed_mb << 20;
  hedui::server::AdminServiceImpl admin(store->get(), limits, callers,
                                        &verifier);
  hedui::server::VerificationServiceImpl verification(&verifier, log->get(),
                                                      callers, &gate);
  hedui::server::AuditServiceImpl audit(&verifier, log->get(), callers);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address, credentials, &port);
  builder.RegisterService(&admin);
  builder.RegisterService(&verification);
  builder.RegisterService(&audit);
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
  // The store is open: only now say SERVING.
  server->GetHealthCheckService()->SetServingStatus(true);
  if (!config.port_file.empty()) {
    std::ofstream(config.port_file) << port << "\n";
  }
  spdlog::info("heduid serving on {} (port {}, {}), data in {}, policy {}",
               config.listen_address, port,
               config.insecure ? "INSECURE plaintext" : "mutual TLS",
               config.data_dir, policies.Current()->version());

  std::thread stopper([&] {
    int sig = WaitForSignal();
    while (sig == SIGHUP) {
      Reload(policies, *authenticator, config);
      sig = WaitForSignal();
    }
    spdlog::info("signal {}: shutting down (grace {} s)", sig,
                 config.shutdown_grace_seconds);
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(config.shutdown_grace_seconds));
  });
  server->Wait();
  stopper.join();
  // The log drains its queue and writes its last chain head before the
  // store it writes to closes.
  log->reset();
  store->reset();
  spdlog::info("heduid stopped");
  return 0;
}
