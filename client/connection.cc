#include "client/connection.h"

#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace hedui::cli {

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ConnectionOptions& options) {
  if (options.server.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server: empty address (expected HOST:PORT, default ",
                     kDefaultServer, ")"));
  }
  // TLS goes here: build grpc::SslCredentials from the --ca/--cert/--key
  // files when given, and keep insecure credentials for loopback only.
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  // Calls are not wait_for_ready: a server that is down fails the call at
  // once with UNAVAILABLE instead of waiting out the deadline.
  return grpc::CreateChannel(options.server, credentials);
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
