#include "client/connection.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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
