#ifndef HEDUI_CLIENT_CONNECTION_H_
#define HEDUI_CLIENT_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

inline constexpr char kDefaultServer[] = "127.0.0.1:7441";
inline constexpr char kServerEnv[] = "HEDUI_SERVER";
inline constexpr char kCaEnv[] = "HEDUI_CA";
inline constexpr char kCertEnv[] = "HEDUI_CERT";
inline constexpr char kKeyEnv[] = "HEDUI_KEY";
inline constexpr char kInsecureEnv[] = "HEDUI_INSECURE";
// Deadline of a call when neither --timeout nor the command says otherwise.
inline constexpr double kDefaultTimeoutSeconds = 30;

// How to reach heduid. Every command connects through Connect(), so the
// transport is decided in one place.
struct ConnectionOptions {
  std::string server = kDefaultServer;  // HOST:PORT
  // Deadline of each call in seconds; <= 0 means "the command's default"
  // (30 s, or 3600 s for ingest).
  double timeout_seconds = 0;
  // PEM files for mutual TLS: the CA that signed heduid's certificate, and
  // the staff member's certificate and key (heduid authorises every call by
  // the client certificate).
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Plaintext, for development servers only.
  bool insecure = false;
};

// Adds --server, --timeout, --ca, --cert, --key and --insecure (with their
// HEDUI_* variables) to `app`, bound to `options`.
void AddConnectionFlags(CLI::App& app, ConnectionOptions* options);

// The credentials `options` ask for, reading the PEM files. Touches no
// network, so a mistake is reported before anything is sent. Errors are
// INVALID_ARGUMENT naming the flag: TLS is the default, so without --ca the
// caller must say --insecure explicitly.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeCredentials(
    const ConnectionOptions& options);

// The channel to `options.server` (MakeCredentials()' errors included). The
// channel connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options);

// Sets the call's deadline: options.timeout_seconds when given, else
// `default_seconds`.
void SetDeadline(const ConnectionOptions& options, double default_seconds,
                 grpc::ClientContext* context);

// The deadline SetDeadline() would use, for messages ("after 30 s").
double EffectiveTimeout(const ConnectionOptions& options,
                        double default_seconds);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_CONNECTION_H_
