#include "server/security/revocation_list.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "storage/types/small_file.h"

namespace hedui::security {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Bio MemoryBio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())),
             BIO_free);
}

std::string SerialHexOf(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> number(
      ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  if (number == nullptr) return "";
  char* hex = BN_bn2hex(number.get());
  std::string out = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  return out;
}

absl::StatusOr<absl::Time> TimeOf(const ASN1_TIME* time) {
  struct tm parts = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
    return absl::InvalidArgumentError("unreadable notAfter time");
  }
  return absl::FromTM(parts, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RevocationList>> RevocationList::Load(
    const std::string& crl_file, const std::string& ca_file) {
  absl::StatusOr<std::string> crl_pem =
      ReadSmallFile(crl_file, "--crl", 64 << 20);
  if (!crl_pem.ok()) return crl_pem.status();
  absl::StatusOr<std::string> ca_pem =
      ReadSmallFile(ca_file, "--tls-ca", 1 << 20);
  if (!ca_pem.ok()) return ca_pem.status();

  Bio crl_bio = MemoryBio(*crl_pem);
  std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(
      PEM_read_bio_X509_CRL(crl_bio.get(), nullptr, nullptr, nullptr),
      X509_CRL_free);
  if (crl == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--crl: ", crl_file, " holds no PEM revocation list"));
  }
  Bio ca_bio = MemoryBio(*ca_pem);
  std::unique_ptr<X509, decltype(&X509_free)> ca(
      PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (ca == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-ca: ", ca_file, " holds no PEM certificate"));
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  if (ca_key == nullptr || X509_CRL_verify(crl.get(), ca_key) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--crl: ", crl_file, " is not signed by the CA of --tls-ca"));
  }
  auto list = std::make_shared<RevocationList>();
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    list->revoked_.insert(SerialHexOf(
        X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get())) {
    absl::StatusOr<absl::Time> when = TimeOf(next);
    if (when.ok()) list->next_update_ = *when;
  }
  return std::shared_ptr<const RevocationList>(std::move(list));
}

absl::StatusOr<PeerCertificate> ParsePeerCertificate(const std::string& pem) {
  Bio bio = MemoryBio(pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (cert == nullptr) {
    return absl::InvalidArgumentError("no readable PEM certificate");
  }
  absl::StatusOr<absl::Time> not_after = TimeOf(X509_get0_notAfter(cert.get()));
  if (!not_after.ok()) return not_after.status();
  absl::StatusOr<absl::Time> not_before =
      TimeOf(X509_get0_notBefore(cert.get()));
  if (!not_before.ok()) return not_before.status();
  return PeerCertificate{SerialHexOf(X509_get0_serialNumber(cert.get())),
                         *not_after, *not_before};
}

}  // namespace hedui::security
