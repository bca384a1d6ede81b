#ifndef HEDUI_SERVER_SECURITY_CERTIFICATE_EXPIRY_H_
#define HEDUI_SERVER_SECURITY_CERTIFICATE_EXPIRY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hedui::security {

// The notAfter time of the first certificate in a PEM file.
absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& pem_file);

struct CertificateExpiry {
  std::string name;  // "server", "ca"
  std::string file;
  absl::StatusOr<absl::Time> not_after = absl::UnknownError("not read");
  // Expires within the warning period (or already has).
  bool expiring_soon = false;
};

// Reads each named file; the warning period is `warning_days`.
std::vector<CertificateExpiry> CheckCertificateExpiry(
    const std::vector<std::pair<std::string, std::string>>& named_files,
    int warning_days, absl::Time now);

// Logs a warning for each certificate expiring soon and an error for each
// unreadable one; says nothing otherwise.
void LogCertificateExpiry(const std::vector<CertificateExpiry>& expiries,
                          absl::Time now);

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_CERTIFICATE_EXPIRY_H_
