#include "server/security/certificate_expiry.h"

#include "absl/strings/str_cat.h"
#include "server/security/revocation_list.h"
#include "spdlog/spdlog.h"
#include "storage/types/small_file.h"

namespace hedui::security {

absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& pem_file) {
  absl::StatusOr<std::string> pem =
      ReadSmallFile(pem_file, "certificate", 1 << 20);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<PeerCertificate> cert = ParsePeerCertificate(*pem);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(pem_file, ": ", cert.status().message()));
  }
  return cert->not_after;
}

std::vector<CertificateExpiry> CheckCertificateExpiry(
    const std::vector<std::pair<std::string, std::string>>& named_files,
    int warning_days, absl::Time now) {
  std::vector<CertificateExpiry> out;
  for (const auto& [name, file] : named_files) {
    if (file.empty()) continue;
    CertificateExpiry expiry;
    expiry.name = name;
    expiry.file = file;
    expiry.not_after = CertificateNotAfter(file);
    expiry.expiring_soon =
        expiry.not_after.ok() &&
        *expiry.not_after - now < absl::Hours(24) * warning_days;
    out.push_back(std::move(expiry));
  }
  return out;
}

void LogCertificateExpiry(const std::vector<CertificateExpiry>& expiries,
                          absl::Time now) {
  for (const CertificateExpiry& expiry : expiries) {
    if (!expiry.not_after.ok()) {
      spdlog::error("{} certificate {}: {}", expiry.name, expiry.file,
                    std::string(expiry.not_after.status().message()));
    } else if (expiry.expiring_soon) {
      spdlog::warn(
          "{} certificate {} expires on {} ({} days): renew it; heduid picks "
          "up the new file without a restart",
          expiry.name, expiry.file,
          absl::FormatTime("%Y-%m-%d %H:%M UTC", *expiry.not_after,
                           absl::UTCTimeZone()),
          absl::ToInt64Hours(*expiry.not_after - now) / 24);
    }
  }
}

}  // namespace hedui::security
