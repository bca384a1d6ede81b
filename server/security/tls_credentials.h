#ifndef HEDUI_SERVER_SECURITY_TLS_CREDENTIALS_H_
#define HEDUI_SERVER_SECURITY_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"

namespace hedui::security {

// PEM files of the server's TLS identity (deploy/README-certificates.md).
struct TlsFiles {
  std::string ca_cert;      // CA(s) that sign client certificates (--tls-ca)
  std::string server_cert;  // server certificate chain (--tls-cert)
  std::string server_key;   // its private key (--tls-key)
};

struct TlsOptions {
  // How often the files are re-read: replacing them on disk rotates the
  // certificates without a restart (new connections use the new ones).
  absl::Duration refresh_interval = absl::Minutes(1);
};

// Server credentials for mutual TLS that REQUEST a client certificate and
// verify it against `ca_cert` when one is presented, but do not REQUIRE one:
// a client without a certificate completes the handshake and is refused per
// call with UNAUTHENTICATED (Authenticate), which says more than a failed
// handshake; a certificate from another CA fails the handshake. An expired
// or not yet valid certificate from the CA completes it and is refused per
// call, naming the date (ClientChainVerifier).
//
// The files are checked first, so that a mistake is reported at startup
// naming the file (gRPC would only log it and fail every handshake):
// NOT_FOUND when a file cannot be read; INVALID_ARGUMENT when it holds no PEM
// certificate/key, when the key does not belong to the certificate, or when
// the server certificate is expired or not yet valid. A key file readable by
// group or others is logged as a warning.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files, const TlsOptions& options = TlsOptions());

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_TLS_CREDENTIALS_H_
