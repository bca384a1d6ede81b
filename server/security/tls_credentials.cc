#include "server/security/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "server/security/client_chain_verifier.h"
#include "spdlog/spdlog.h"

namespace hedui::security {
namespace {

// Certificates and keys are a few kilobytes; a bundle of CAs tens.
constexpr size_t kMaxPemBytes = 1 << 20;

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no ", what, " file given"));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open ", what, " file ",
                                            path, ": ", std::strerror(errno)));
  }
  std::string text;
  char buffer[1 << 14];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxPemBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " file ", path, ": larger than ", kMaxPemBytes, " bytes"));
    }
  }
  if (std::ferror(file.get()) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot read ", what, " file ",
                                            path, ": ", std::strerror(errno)));
  }
  return text;
}

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
             &BIO_free);
}

// The first certificate in `pem`, and how many there are.
absl::StatusOr<X509Ptr> FirstCertificate(const std::string& pem,
                                         const std::string& path,
                                         absl::string_view what, int* count) {
  Bio bio = MemoryBio(pem);
  X509Ptr first(nullptr, &X509_free);
  *count = 0;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                 &X509_free);
    if (cert == nullptr) break;
    if (first == nullptr) first = std::move(cert);
    ++*count;
  }
  ERR_clear_error();  // the read that ends the loop always "fails"
  if (first == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " file ", path, ": no PEM certificate (BEGIN CERTIFICATE)"));
  }
  return first;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files, const TlsOptions& options) {
  absl::StatusOr<std::string> ca = ReadFile(files.ca_cert, "CA certificate");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert =
      ReadFile(files.server_cert, "server certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(files.server_key, "server key");
  if (!key.ok()) return key.status();

  int count = 0;
  absl::StatusOr<X509Ptr> ca_cert =
      FirstCertificate(*ca, files.ca_cert, "CA certificate", &count);
  if (!ca_cert.ok()) return ca_cert.status();
  absl::StatusOr<X509Ptr> server_cert =
      FirstCertificate(*cert, files.server_cert, "server certificate", &count);
  if (!server_cert.ok()) return server_cert.status();

  Bio key_bio = MemoryBio(*key);
  KeyPtr private_key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
      &EVP_PKEY_free);
  ERR_clear_error();
  if (private_key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("server key file ", files.server_key,
                     ": no unencrypted PEM private key"));
  }
  if (X509_check_private_key(server_cert->get(), private_key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "server key file ", files.server_key,
        " is not the key of the certificate in ", files.server_cert));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(server_cert->get())) <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server certificate file ", files.server_cert, ": expired"));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(server_cert->get())) >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server certificate file ", files.server_cert, ": not yet valid"));
  }
  struct stat key_stat;
  if (stat(files.server_key.c_str(), &key_stat) == 0 &&
      (key_stat.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    spdlog::warn(
        "server key file {} is readable by others (mode {:o}); "
        "chmod 600 it",
        files.server_key, key_stat.st_mode & 07777);
  }

  // The file watcher re-reads the three files every refresh interval, so a
  // rotation must replace them atomically (rename a new directory or a
  // symlink into place: deploy/README-certificates.md); a key and
  // certificate read halfway through a copy would not match.
  const int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(options.refresh_interval));
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          files.server_key, files.server_cert, files.ca_cert,
          static_cast<unsigned int>(seconds));
  grpc::experimental::TlsServerCredentialsOptions tls_options(provider);
  tls_options.watch_root_certs();
  tls_options.watch_identity_key_cert_pairs();
  // The chain is checked by ClientChainVerifier, which leaves the leaf's
  // validity period to the per-call check so that an expired certificate is
  // told why and audited instead of failing the handshake unexplained.
  tls_options.set_cert_request_type(
      GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  tls_options.set_certificate_verifier(
      grpc::experimental::ExternalCertificateVerifier::Create<
          ClientChainVerifier>(files.ca_cert));
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(tls_options);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC refused the TLS server options");
  }
  return credentials;
}

}  // namespace hedui::security
