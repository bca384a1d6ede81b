#ifndef HEDUI_CLIENT_CONNECTION_H_
#define HEDUI_CLIENT_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace hedui::cli {

inline constexpr char kDefaultServer[] = "127.0.0.1:7441";
inline constexpr char kServerEnv[] = "HEDUI_SERVER";
// Deadline of a call when neither --timeout nor the command says otherwise.
inline constexpr double kDefaultTimeoutSeconds = 30;

// How to reach heduid. Every command connects through Connect(), so TLS
// (--ca/--cert/--key, HEDUI_CA/...) is added here and in AddConnectionFlags()
// only.
struct ConnectionOptions {
  std::string server = kDefaultServer;  // HOST:PORT
  // Deadline of each call in seconds; <= 0 means "the command's default"
  // (30 s, or 3600 s for ingest).
  double timeout_seconds = 0;
};

// The channel to `options.server`. Plaintext for now: heduid listens on
// loopback only until TLS is configured.
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
