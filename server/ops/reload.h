#ifndef HEDUI_SERVER_OPS_RELOAD_H_
#define HEDUI_SERVER_OPS_RELOAD_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/server_config.h"
#include "server/security/authenticate.h"
#include "server/security/revocation_list.h"
#include "server/service/policy_holder.h"

namespace hedui::server {

// The revocation list of `config.crl_file`, checked against `tls_ca_file`;
// logs its size, and a warning when it is past its next update.
absl::StatusOr<std::shared_ptr<const security::RevocationList>> LoadRevocations(
    const ServerConfig& config);

// (name, PEM file) of the certificates whose expiry is watched: the
// server's and the client CA's (none with --insecure).
std::vector<std::pair<std::string, std::string>> WatchedCertificates(
    const ServerConfig& config);

// Logs the watched certificates expiring within cert-expiry-warning-days
// (and those unreadable): at start and on every SIGHUP.
void WarnAboutExpiringCertificates(const ServerConfig& config);

// SIGHUP: the policy, the callers file and the revocation list are read
// again, each on its own: a file with errors is refused with them and the
// one in force stays. Certificates expiring soon are warned about again.
void ReloadOnSignal(const ServerConfig& config, PolicyHolder& policies,
                    security::Authenticator& authenticator);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_RELOAD_H_
