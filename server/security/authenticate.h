#ifndef HEDUI_SERVER_SECURITY_AUTHENTICATE_H_
#define HEDUI_SERVER_SECURITY_AUTHENTICATE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "server/security/caller.h"
#include "server/security/caller_registry.h"
#include "server/security/revocation_list.h"

namespace hedui::security {

// Who is calling, from the peer's client certificate as verified in the TLS
// handshake (MakeServerCredentials requests one and checks it against the CA):
// its subject Common Name, or when no caller has that name, its DNS then URI
// subject alternative names, looked up in `registry`.
//   - no verified client certificate (or not a TLS connection):
//     UNAUTHENTICATED "a client certificate is required"
//   - a certificate whose names are not in the callers file:
//     PERMISSION_DENIED naming the certificate's Common Name
// Takes ServerContextBase so that sync (ServerContext) and callback
// (CallbackServerContext) handlers can both call it.
absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context,
                                    const CallerRegistry& registry);

// The caller every call is in --insecure mode: identity
// "insecure-development", ADMIN, every program and county.
const Caller& InsecureDevelopmentCaller();

// OK when `listen_address` ("HOST:PORT") is a loopback address
// (127.0.0.0/8, [::1], localhost): --insecure serves plaintext and admits
// everyone as ADMIN, so it must not be reachable from another machine.
// INVALID_ARGUMENT naming the address otherwise.
absl::Status CheckInsecureListenAddress(absl::string_view listen_address);

// Logs, at WARN through spdlog's default logger, that the server runs without
// TLS and every call is an ADMIN. main() calls it at startup in --insecure
// mode.
void LogInsecureModeWarning(absl::string_view listen_address);

// What a service holds to authenticate its calls: either the callers file's
// registry (mutual TLS) or the --insecure development caller. The registry
// can be replaced while serving (SIGHUP reload); calls already authenticated
// keep the Caller they got. Thread-safe.
class Authenticator {
 public:
  // Mutual TLS: callers from `registry` (not null).
  static std::unique_ptr<Authenticator> ForCallers(
      std::shared_ptr<const CallerRegistry> registry);
  // --insecure: every call is InsecureDevelopmentCaller().
  static std::unique_ptr<Authenticator> ForInsecureDevelopment();

  // Authenticate() with the current registry, or the development caller.
  absl::StatusOr<Caller> Authenticate(
      const grpc::ServerContextBase& context) const;

  // Authenticate(), then AuthorizeMethod(caller, full_method): the first line
  // of every handler, e.g.
  //   auto caller = authenticator.AuthenticateAndAuthorize(
  //       *context, "/hedui.v1.VerificationService/Verify");
  //   if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Caller> AuthenticateAndAuthorize(
      const grpc::ServerContextBase& context,
      absl::string_view full_method) const;

  // Swaps in a reloaded callers file. Ignored (returns FAILED_PRECONDITION)
  // in --insecure mode; INVALID_ARGUMENT for null.
  absl::Status ReplaceRegistry(std::shared_ptr<const CallerRegistry> registry);

  // Swaps in a reloaded revocation list (null: none). Revoked and expired
  // client certificates are refused with UNAUTHENTICATED on every call, so
  // a connection made before the revocation (or the expiry) gets no further.
  void ReplaceRevocations(std::shared_ptr<const RevocationList> revocations);

  bool insecure() const { return insecure_; }
  // The current registry; null in --insecure mode.
  std::shared_ptr<const CallerRegistry> registry() const;

 private:
  Authenticator(bool insecure, std::shared_ptr<const CallerRegistry> registry)
      : insecure_(insecure), registry_(std::move(registry)) {}

  // OK, or why the peer's certificate may no longer be used.
  absl::Status CheckPeerCertificate(
      const grpc::ServerContextBase& context) const;

  const bool insecure_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const CallerRegistry> registry_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const RevocationList> revocations_ ABSL_GUARDED_BY(mu_);
  // Parsed client certificates by PEM text: one parse per distinct caller,
  // not per call.
  mutable absl::flat_hash_map<std::string, PeerCertificate> peers_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_AUTHENTICATE_H_
