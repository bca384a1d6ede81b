#include "server/security/authenticate.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "server/security/authorize.h"
#include "spdlog/spdlog.h"

namespace hedui::security {
namespace {

std::vector<std::string> PropertyValues(const grpc::AuthContext& auth,
                                        const char* name) {
  std::vector<std::string> values;
  for (const grpc::string_ref& value : auth.FindPropertyValues(name)) {
    values.emplace_back(value.data(), value.size());
  }
  return values;
}

}  // namespace

absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context,
                                    const CallerRegistry& registry) {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  // IsPeerAuthenticated() is true only when the handshake verified a client
  // certificate that carries a name; the transport check keeps any other
  // credential type (local, ALTS) from passing for a certificate.
  // TlsServerCredentials says "tls", SslServerCredentials "ssl".
  const std::vector<std::string> transport =
      auth == nullptr
          ? std::vector<std::string>()
          : PropertyValues(*auth, GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
  const bool tls = transport.size() == 1 &&
                   (transport[0] == GRPC_TLS_TRANSPORT_SECURITY_TYPE ||
                    transport[0] == GRPC_SSL_TRANSPORT_SECURITY_TYPE);
  if (!tls || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  const std::vector<std::string> common_names =
      PropertyValues(*auth, GRPC_X509_CN_PROPERTY_NAME);
  // The CN first: it is what the callers file documents; SANs let one
  // certificate naming a host or SPIFFE id be listed by that name.
  std::vector<std::string> names = common_names;
  for (const char* property :
       {GRPC_PEER_DNS_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME}) {
    for (std::string& name : PropertyValues(*auth, property)) {
      names.push_back(std::move(name));
    }
  }
  for (const std::string& name : names) {
    if (const Caller* caller = registry.Find(name)) return *caller;
  }
  const std::string shown = !common_names.empty() ? common_names.front()
                            : !names.empty()      ? names.front()
                                                  : "(no name)";
  return absl::PermissionDeniedError(
      absl::StrCat("client certificate \"", shown,
                   "\" is not in the server's callers file"));
}

const Caller& InsecureDevelopmentCaller() {
  static const Caller* const caller = [] {
    auto* c = new Caller;
    c->identity = "insecure-development";
    c->role = hedui::config::v1::ADMIN;
    c->programs = ProgramScope::All();
    c->regions = RegionScope::All();
    return c;
  }();
  return *caller;
}

absl::Status CheckInsecureListenAddress(absl::string_view listen_address) {
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(listen_address, "[")) {
    const size_t close = listen_address.find("]:");
    if (close != absl::string_view::npos) {
      host = listen_address.substr(1, close - 1);
      port = listen_address.substr(close + 2);
    }
  } else {
    const size_t colon = listen_address.rfind(':');
    if (colon != absl::string_view::npos && listen_address.find(':') == colon) {
      host = listen_address.substr(0, colon);
      port = listen_address.substr(colon + 1);
    }
  }
  int port_number = 0;
  const bool port_ok = absl::SimpleAtoi(port, &port_number) &&
                       port_number >= 0 && port_number <= 65535;
  bool loopback = host == "localhost" || host == "::1";
  if (!loopback) {
    // 127.0.0.0/8, as four decimal octets.
    const std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
    int value = 0;
    loopback = octets.size() == 4 && octets[0] == "127";
    for (absl::string_view octet : octets) {
      loopback = loopback && !octet.empty() && octet.size() <= 3 &&
                 absl::SimpleAtoi(octet, &value) && value >= 0 && value <= 255;
    }
  }
  if (!port_ok || !loopback) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--insecure serves plaintext and makes every caller an ADMIN: it "
        "listens on loopback only (127.0.0.1:PORT, [::1]:PORT, "
        "localhost:PORT), not \"",
        listen_address, "\""));
  }
  return absl::OkStatus();
}

void LogInsecureModeWarning(absl::string_view listen_address) {
  const std::string address(listen_address);
  spdlog::warn("************************************************************");
  spdlog::warn("INSECURE DEVELOPMENT MODE (--insecure) on {}", address);
  spdlog::warn("  no TLS: traffic, including personal data, is plaintext");
  spdlog::warn("  no client certificates: EVERY call runs as \"{}\" (ADMIN,",
               InsecureDevelopmentCaller().identity);
  spdlog::warn("  every program and county); the callers file is not read");
  spdlog::warn("  never use this with real data or off this machine");
  spdlog::warn("************************************************************");
}

std::unique_ptr<Authenticator> Authenticator::ForCallers(
    std::shared_ptr<const CallerRegistry> registry) {
  return std::unique_ptr<Authenticator>(
      new Authenticator(false, std::move(registry)));
}

std::unique_ptr<Authenticator> Authenticator::ForInsecureDevelopment() {
  return std::unique_ptr<Authenticator>(new Authenticator(true, nullptr));
}

absl::StatusOr<Caller> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (insecure_) return InsecureDevelopmentCaller();
  if (absl::Status s = CheckPeerCertificate(context); !s.ok()) return s;
  const std::shared_ptr<const CallerRegistry> current = registry();
  if (current == nullptr) {
    // A server built without a callers file must refuse, not admit.
    return absl::UnauthenticatedError("the server has no callers file");
  }
  return security::Authenticate(context, *current);
}

absl::StatusOr<Caller> Authenticator::AuthenticateAndAuthorize(
    const grpc::ServerContextBase& context,
    absl::string_view full_method) const {
  absl::StatusOr<Caller> caller = Authenticate(context);
  if (!caller.ok()) return caller;
  if (absl::Status allowed = AuthorizeMethod(*caller, full_method);
      !allowed.ok()) {
    return allowed;
  }
  return caller;
}

absl::Status Authenticator::ReplaceRegistry(
    std::shared_ptr<const CallerRegistry> registry) {
  if (insecure_) {
    return absl::FailedPreconditionError(
        "--insecure mode has no callers file to reload");
  }
  if (registry == nullptr) {
    return absl::InvalidArgumentError("no callers registry");
  }
  absl::MutexLock lock(&mu_);
  registry_ = std::move(registry);
  return absl::OkStatus();
}

void Authenticator::ReplaceRevocations(
    std::shared_ptr<const RevocationList> revocations) {
  absl::MutexLock lock(&mu_);
  revocations_ = std::move(revocations);
}

absl::Status Authenticator::CheckPeerCertificate(
    const grpc::ServerContextBase& context) const {
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return absl::OkStatus();
  const std::vector<grpc::string_ref> pems =
      auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  // Without a certificate Authenticate() refuses the call anyway.
  if (pems.empty()) return absl::OkStatus();
  // Every call passes here: the certificate is looked up by its text, not
  // copied, under a shared lock; only a new one is parsed (outside it).
  const absl::string_view pem(pems.front().data(), pems.front().size());
  std::optional<PeerCertificate> peer;
  std::shared_ptr<const RevocationList> revocations;
  {
    absl::ReaderMutexLock lock(&mu_);
    revocations = revocations_;
    if (auto it = peers_.find(pem); it != peers_.end()) peer = it->second;
  }
  if (!peer) {
    absl::StatusOr<PeerCertificate> parsed =
        ParsePeerCertificate(std::string(pem));
    if (!parsed.ok()) {
      return absl::UnauthenticatedError(parsed.status().message());
    }
    peer = *parsed;
    absl::MutexLock lock(&mu_);
    // Bounded whatever the number of distinct certificates seen.
    if (peers_.size() >= 10'000) peers_.clear();
    peers_.emplace(std::string(pem), *peer);
  }
  const absl::Time now = absl::Now();
  const bool expired = now > peer->not_after;
  const bool early = now < peer->not_before;
  const bool revoked =
      revocations != nullptr && revocations->IsRevoked(peer->serial_hex);
  if (!expired && !early && !revoked) return absl::OkStatus();
  const std::vector<std::string> names =
      PropertyValues(*auth, GRPC_X509_CN_PROPERTY_NAME);
  const std::string shown = names.empty() ? "(no name)" : names.front();
  if (expired) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate \"", shown, "\" expired on ",
        absl::FormatTime("%Y-%m-%d", peer->not_after, absl::UTCTimeZone())));
  }
  if (early) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate \"", shown, "\" is not valid until ",
                     absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", peer->not_before,
                                      absl::UTCTimeZone())));
  }
  return absl::UnauthenticatedError(
      absl::StrCat("client certificate \"", shown, "\" (serial ",
                   peer->serial_hex, ") is revoked"));
}

std::shared_ptr<const CallerRegistry> Authenticator::registry() const {
  absl::MutexLock lock(&mu_);
  return registry_;
}

}  // namespace hedui::security
