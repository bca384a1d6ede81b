#ifndef HEDUI_SERVER_SECURITY_CLIENT_CHAIN_VERIFIER_H_
#define HEDUI_SERVER_SECURITY_CLIENT_CHAIN_VERIFIER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/security/tls_certificate_verifier.h"

namespace hedui::security {

// Checks a client certificate chain against the CA file at the handshake,
// leaving only the leaf's validity period to the per-call check
// (Authenticator::CheckPeerCertificate). OpenSSL's own verification refuses
// an expired certificate at the handshake, so the caller only saw
// "UNAVAILABLE" and the server audited nothing; checked per call, an expired
// certificate gets UNAUTHENTICATED naming the date, audited like a revoked
// one. A certificate not issued by the CA still never completes the
// handshake, and the CA and any intermediate must be valid now.
//
// The CA file is re-read when its modification time or size changes, so a
// rotated CA takes effect for new connections as the TLS provider's does.
// `leaf_pem` is the client's certificate, `intermediates_pem` any others it
// sent (untrusted: only the CA file is trusted).
absl::Status VerifyClientChain(absl::string_view leaf_pem,
                               absl::string_view ca_pem,
                               absl::string_view intermediates_pem = "");

class ClientChainVerifier
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit ClientChainVerifier(std::string ca_file)
      : ca_file_(std::move(ca_file)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback,
              grpc::Status* sync_status) override;
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {
  }

 private:
  // The CA file's text, re-read when the file changed.
  absl::Status CurrentCa(std::string* pem);

  const std::string ca_file_;
  absl::Mutex mu_;
  std::string ca_pem_ ABSL_GUARDED_BY(mu_);
  int64_t ca_mtime_ns_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t ca_size_ ABSL_GUARDED_BY(mu_) = -1;
};

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_CLIENT_CHAIN_VERIFIER_H_
