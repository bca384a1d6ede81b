#include "server/ops/reload.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/security/callers_file.h"
#include "server/security/certificate_expiry.h"
#include "spdlog/spdlog.h"

namespace hedui::server {

absl::StatusOr<std::shared_ptr<const security::RevocationList>> LoadRevocations(
    const ServerConfig& config) {
  auto revocations =
      security::RevocationList::Load(config.crl_file, config.tls_ca_file);
  if (!revocations.ok()) return revocations.status();
  spdlog::info("revocation list {}: {} revoked client certificates",
               config.crl_file, (*revocations)->size());
  if ((*revocations)->next_update() < absl::Now()) {
    spdlog::warn(
        "revocation list {} is past its next update ({}): ask the CA for a "
        "new one",
        config.crl_file,
        absl::FormatTime("%Y-%m-%d", (*revocations)->next_update(),
                         absl::UTCTimeZone()));
  }
  return revocations;
}

std::vector<std::pair<std::string, std::string>> WatchedCertificates(
    const ServerConfig& config) {
  if (config.insecure) return {};
  return {{"server", config.tls_cert_file}, {"ca", config.tls_ca_file}};
}

void WarnAboutExpiringCertificates(const ServerConfig& config) {
  const absl::Time now = absl::Now();
  security::LogCertificateExpiry(
      security::CheckCertificateExpiry(WatchedCertificates(config),
                                       config.cert_expiry_warning_days, now),
      now);
}

void ReloadOnSignal(const ServerConfig& config, PolicyHolder& policies,
                    security::Authenticator& authenticator) {
  WarnAboutExpiringCertificates(config);
  if (absl::Status s = policies.Reload(); !s.ok()) {
    spdlog::error("SIGHUP: new policy refused, the previous one stays: {}",
                  std::string(s.message()));
  } else {
    spdlog::info("SIGHUP: policy {} loaded from {}",
                 policies.Current()->version(), config.policy_file);
  }
  if (authenticator.insecure()) return;
  auto callers = security::LoadCallersFile(config.callers_file);
  if (!callers.ok()) {
    spdlog::error(
        "SIGHUP: new callers file refused, the previous one stays: {}",
        std::string(callers.status().message()));
  } else {
    authenticator.ReplaceRegistry(*callers).IgnoreError();
    spdlog::info("SIGHUP: callers file reloaded ({} callers)",
                 (*callers)->size());
  }
  if (config.crl_file.empty()) return;
  auto revocations = LoadRevocations(config);
  if (!revocations.ok()) {
    spdlog::error(
        "SIGHUP: new revocation list refused, the previous one stays: {}",
        std::string(revocations.status().message()));
    return;
  }
  authenticator.ReplaceRevocations(*revocations);
}

}  // namespace hedui::server
