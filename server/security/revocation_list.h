#ifndef HEDUI_SERVER_SECURITY_REVOCATION_LIST_H_
#define HEDUI_SERVER_SECURITY_REVOCATION_LIST_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hedui::security {

// The serial numbers a CA has revoked, from its CRL (PEM). Only a list whose
// signature verifies with the CA's key is accepted: anyone able to write the
// file could otherwise un-revoke a certificate by replacing it.
class RevocationList {
 public:
  static absl::StatusOr<std::shared_ptr<const RevocationList>> Load(
      const std::string& crl_file, const std::string& ca_file);

  // `serial_hex`: upper-case hex without leading zeros, as SerialHex gives.
  bool IsRevoked(const std::string& serial_hex) const {
    return revoked_.contains(serial_hex);
  }
  size_t size() const { return revoked_.size(); }
  // When the CA promised a newer list; past it, the list may miss
  // revocations (logged, not refused: refusing every caller would stop the
  // county's work for a late CRL).
  absl::Time next_update() const { return next_update_; }

 private:
  absl::flat_hash_set<std::string> revoked_;
  absl::Time next_update_ = absl::InfiniteFuture();
};

// What the authenticator needs of a client certificate (parsed once per
// distinct certificate), and the expiry check of the server's own.
struct PeerCertificate {
  std::string serial_hex;
  absl::Time not_after;
  absl::Time not_before;
};
absl::StatusOr<PeerCertificate> ParsePeerCertificate(const std::string& pem);

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_REVOCATION_LIST_H_
