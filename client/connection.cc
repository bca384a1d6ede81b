#include "client/connection.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace hedui::cli {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read \"", path, "\""));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string pem = content.str();
  // grpc only says "handshake failed" later for a file that is not PEM.
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", path, "\" is not a PEM file"));
  }
  return pem;
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
             &BIO_free);
}

// ASN1_TIME as seconds since the epoch; false when it cannot be read.
bool TimeOf(const ASN1_TIME* time, absl::Time* out) {
  struct tm parts {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return false;
  *out = absl::FromTimeT(timegm(&parts));
  return true;
}

std::string CommonName(X509* cert) {
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name,
                            sizeof(name));
  return name;
}

// What the server would refuse about the CLI's own certificate, said before
// connecting: an expired certificate otherwise ends in a refused call or, on
// an older server, a failed handshake that reads "is heduid running?".
absl::Status CheckOwnCertificate(const std::string& cert_pem,
                                 const std::string& key_pem,
                                 const ConnectionOptions& options,
                                 absl::Time now) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(MemoryBio(cert_pem).get(), nullptr, nullptr, nullptr),
      &X509_free);
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "--cert: \"", options.cert_file, "\" holds no readable certificate"));
  }
  const std::string who =
      absl::StrCat("your certificate \"", CommonName(cert.get()), "\" (",
                   options.cert_file, ")");
  absl::Time not_before, not_after;
  if (!TimeOf(X509_get0_notBefore(cert.get()), &not_before) ||
      !TimeOf(X509_get0_notAfter(cert.get()), &not_after)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--cert: ", who, " has an unreadable validity period"));
  }
  const absl::TimeZone utc = absl::UTCTimeZone();
  if (now > not_after) {
    return absl::FailedPreconditionError(
        absl::StrCat("--cert: ", who, " expired on ",
                     absl::FormatTime("%Y-%m-%d %H:%M UTC", not_after, utc),
                     "; ask your Hedui administrator for a new one"));
  }
  if (now < not_before) {
    return absl::FailedPreconditionError(
        absl::StrCat("--cert: ", who, " is not valid until ",
                     absl::FormatTime("%Y-%m-%d %H:%M UTC", not_before, utc),
                     " (is this computer's clock right?)"));
  }
  // No passphrase prompt: gRPC cannot use an encrypted key either.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(
          MemoryBio(key_pem).get(), nullptr,
          [](char*, int, int, void*) { return 0; }, nullptr),
      &EVP_PKEY_free);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("--key: \"", options.key_file,
                     "\" holds no readable private key (an encrypted key "
                     "is not supported)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "--key: \"", options.key_file, "\" is not the key of ", who));
  }
  return absl::OkStatus();
}

}  // namespace

void AddConnectionFlags(CLI::App& app, ConnectionOptions* options) {
  app.add_option("--server", options->server, "heduid address, HOST:PORT")
      ->envname(kServerEnv)
      ->capture_default_str();
  app.add_option("--timeout", options->timeout_seconds,
                 "Deadline of each call in seconds (default 30; ingest 3600)")
      ->check(CLI::PositiveNumber);
  app.add_option("--ca", options->ca_file,
                 "PEM file of the CA that signed heduid's certificate (TLS)")
      ->envname(kCaEnv);
  app.add_option("--cert", options->cert_file,
                 "PEM file of your client certificate (mutual TLS)")
      ->envname(kCertEnv);
  app.add_option("--key", options->key_file,
                 "PEM file of your client certificate's private key")
      ->envname(kKeyEnv);
  app.add_flag("--insecure", options->insecure,
               "Plaintext connection, for a development heduid only")
      ->envname(kInsecureEnv);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeCredentials(
    const ConnectionOptions& options) {
  const bool any_tls_file = !options.ca_file.empty() ||
                            !options.cert_file.empty() ||
                            !options.key_file.empty();
  if (options.insecure) {
    // Silently dropping TLS files the user gave would send personal data in
    // the clear while they believe otherwise.
    if (any_tls_file) {
      return absl::InvalidArgumentError(
          "--insecure cannot be combined with --ca/--cert/--key (or "
          "HEDUI_CA/HEDUI_CERT/HEDUI_KEY)");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (options.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--ca is required: heduid is reached over TLS (give --ca, --cert and "
        "--key, or HEDUI_CA/HEDUI_CERT/HEDUI_KEY; --insecure for a plaintext "
        "development server)");
  }
  // A certificate without its key (or the reverse) cannot be presented; the
  // handshake would fail later looking like a server outage.
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        options.cert_file.empty()
            ? "--cert is required with --key (your client certificate)"
            : "--key is required with --cert (the certificate's private key)");
  }
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem(options.ca_file, "--ca");
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *std::move(ca);
  // Without --cert/--key no client certificate is presented: heduid then
  // refuses the call, but that is the server's decision to report.
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem(options.cert_file, "--cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(options.key_file, "--key");
    if (!key.ok()) return key.status();
    if (absl::Status s = CheckOwnCertificate(*cert, *key, options, absl::Now());
        !s.ok()) {
      return s;
    }
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options) {
  if (options.server.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server: empty address (expected HOST:PORT, default ",
                     kDefaultServer, ")"));
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeCredentials(options);
  if (!credentials.ok()) return credentials.status();
  // Calls are not wait_for_ready: a server that is down fails the call at
  // once with UNAVAILABLE instead of waiting out the deadline.
  return grpc::CreateChannel(options.server, *credentials);
}

double EffectiveTimeout(const ConnectionOptions& options,
                        double default_seconds) {
  return options.timeout_seconds > 0 ? options.timeout_seconds
                                     : default_seconds;
}

void SetDeadline(const ConnectionOptions& options, double default_seconds,
                 grpc::ClientContext* context) {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(
          EffectiveTimeout(options, default_seconds)));
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace hedui::cli
