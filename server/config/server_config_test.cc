#include "server/config/server_config.h"

#include <string>

#include "gtest/gtest.h"

namespace hedui::server {
namespace {

ServerConfig Valid() {
  ServerConfig config;
  config.policy_file = "/etc/hedui/policy.textproto";
  config.tls_cert_file = "/etc/hedui/server.crt";
  config.tls_key_file = "/etc/hedui/server.key";
  config.tls_ca_file = "/etc/hedui/ca.crt";
  config.callers_file = "/etc/hedui/callers.textproto";
  config.data_dir = "/var/lib/hedui/data";
  config.audit_key_file = "/etc/hedui/audit.key";
  config.audit_head_file = "/var/lib/hedui/audit-heads.log";
  return config;
}

std::string Error(const ServerConfig& config) {
  return std::string(ValidateServerConfig(config).message());
}

TEST(ServerConfigTest, ACompleteConfigurationIsValid) {
  EXPECT_TRUE(ValidateServerConfig(Valid()).ok());
  ServerConfig open = Valid();
  open.listen_address = "0.0.0.0:7441";  // fine with TLS
  EXPECT_TRUE(ValidateServerConfig(open).ok());
}

TEST(ServerConfigTest, ErrorsNameTheFlag) {
  ServerConfig insecure_open = Valid();
  insecure_open.insecure = true;
  insecure_open.listen_address = "0.0.0.0:7441";
  EXPECT_NE(Error(insecure_open).find("--listen"), std::string::npos);

  struct Case {
    void (*edit)(ServerConfig&);
    const char* flag;
  };
  const Case cases[] = {
      {[](ServerConfig& c) { c.retained_snapshots = 0; },
       "--retained-snapshots"},
      {[](ServerConfig& c) { c.data_dir = ""; }, "--data-dir"},
      {[](ServerConfig& c) { c.policy_file = ""; }, "--policy"},
      {[](ServerConfig& c) { c.tls_cert_file = ""; }, "--tls-cert"},
      {[](ServerConfig& c) { c.tls_key_file = ""; }, "--tls-key"},
      {[](ServerConfig& c) { c.tls_ca_file = ""; }, "--tls-ca"},
      {[](ServerConfig& c) { c.callers_file = ""; }, "--callers"},
      {[](ServerConfig& c) { c.audit_key_file = ""; }, "--audit-key-file"},
      {[](ServerConfig& c) { c.audit_head_file = ""; }, "--audit-head-file"},
      {[](ServerConfig& c) { c.audit_key_file = "/var/lib/hedui/data/k"; },
       "--audit-key-file"},
      {[](ServerConfig& c) { c.audit_head_file = "/var/lib/hedui/data/h"; },
       "--audit-head-file"},
      {[](ServerConfig& c) { c.max_in_flight = 0; }, "--max-in-flight"},
      {[](ServerConfig& c) { c.max_in_flight_per_caller = 0; },
       "--max-in-flight-per-caller"},
      {[](ServerConfig& c) { c.max_streams = 0; }, "--max-streams"},
      {[](ServerConfig& c) { c.max_streams_per_caller = 0; },
       "--max-streams-per-caller"},
      {[](ServerConfig& c) { c.stream_idle_seconds = -1; },
       "--stream-idle-seconds"},
      {[](ServerConfig& c) { c.max_message_mb = 0; }, "--max-message-mb"},
      {[](ServerConfig& c) { c.listen_address = "7441"; }, "--listen"},
      {[](ServerConfig& c) { c.log_format = "xml"; }, "--log-format"},
      {[](ServerConfig& c) { c.metrics_listen = "9441"; }, "--metrics-listen"},
      {[](ServerConfig& c) { c.metrics_listen = c.listen_address; },
       "--metrics-listen"},
      {[](ServerConfig& c) { c.backup_dir = "/var/lib/hedui/data/backups"; },
       "--backup-dir"},
      {[](ServerConfig& c) { c.backup_dir = c.data_dir; }, "--backup-dir"},
      {[](ServerConfig& c) { c.report_retention_days = 0; },
       "--report-retention-days"},
      {[](ServerConfig& c) { c.retired_snapshot_retention_days = 0; },
       "--retired-snapshot-retention-days"},
      {[](ServerConfig& c) { c.purge_interval_hours = -1; },
       "--purge-interval-hours"},
      {[](ServerConfig& c) { c.audit_verify_interval_minutes = -1; },
       "--audit-verify-interval-minutes"},
      {[](ServerConfig& c) { c.cert_expiry_warning_days = -1; },
       "--cert-expiry-warning-days"},
  };
  for (const Case& c : cases) {
    ServerConfig config = Valid();
    c.edit(config);
    EXPECT_NE(Error(config).find(c.flag), std::string::npos)
        << c.flag << ": " << Error(config);
  }
}

TEST(ServerConfigTest, ErrorsNameTheConfigurationKeyToo) {
  ServerConfig config = Valid();
  config.report_retention_days = 0;
  EXPECT_EQ(Error(config).rfind("setting 'report-retention-days' "
                                "(--report-retention-days): ",
                                0),
            0u)
      << Error(config);
}

TEST(ServerConfigTest, ARevocationListNeedsClientCertificates) {
  ServerConfig config = Valid();
  config.insecure = true;
  config.listen_address = "127.0.0.1:7441";
  config.crl_file = "/etc/hedui/tls/clients.crl";
  EXPECT_NE(Error(config).find("--crl"), std::string::npos) << Error(config);
}

TEST(ServerConfigTest, InsecureNeedsNoCertificatesButStaysOnLoopback) {
  ServerConfig config = Valid();
  config.insecure = true;
  config.tls_cert_file = config.tls_key_file = config.tls_ca_file = "";
  config.callers_file = "";
  EXPECT_TRUE(ValidateServerConfig(config).ok()) << Error(config);
}

TEST(ServerConfigTest, CheckOnlyNeedsNoServiceSettings) {
  ServerConfig config;
  config.check_only = true;
  EXPECT_TRUE(ValidateServerConfig(config).ok()) << Error(config);
}

}  // namespace
}  // namespace hedui::server
