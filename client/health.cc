#include "client/health.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "client/printer.h"
#include "client/rpc_error.h"
#include "client/server_status.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"

namespace hedui::cli {
namespace {

constexpr char kCommand[] = "health";
// A health check answers at once or not at all.
constexpr double kHealthTimeoutSeconds = 5;
constexpr int kServing = 1;

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool ReadVarint(absl::string_view* in, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeHealthCheckRequest(absl::string_view service) {
  std::string bytes;
  if (service.empty()) return bytes;  // proto3 omits the default ""
  bytes.push_back(0x0a);              // field 1, length-delimited
  AppendVarint(service.size(), &bytes);
  bytes.append(service.data(), service.size());
  return bytes;
}

absl::StatusOr<int> DecodeServingStatus(absl::string_view bytes) {
  int status = 0;
  while (!bytes.empty()) {
    uint64_t tag = 0;
    if (!ReadVarint(&bytes, &tag)) {
      return absl::DataLossError("malformed HealthCheckResponse");
    }
    const uint64_t field = tag >> 3;
    uint64_t value = 0;
    switch (tag & 7) {
      case 0:  // varint
        if (!ReadVarint(&bytes, &value)) break;
        if (field == 1) status = static_cast<int>(value);
        continue;
      case 1:  // 64-bit
        if (bytes.size() < 8) break;
        bytes.remove_prefix(8);
        continue;
      case 2:  // length-delimited
        if (!ReadVarint(&bytes, &value) || value > bytes.size()) break;
        bytes.remove_prefix(value);
        continue;
      case 5:  // 32-bit
        if (bytes.size() < 4) break;
        bytes.remove_prefix(4);
        continue;
      default:
        break;
    }
    return absl::DataLossError("malformed HealthCheckResponse");
  }
  return status;
}

std::string ServingStatusName(int status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return absl::StrCat("STATUS_", status);
  }
}

int RunHealth(const CommandContext& ctx, const std::string& service) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, kCommand);
  if (channel == nullptr) return kExitUsage;

  grpc::ClientContext call;
  SetDeadline(ctx.connection, kHealthTimeoutSeconds, &call);
  const std::string request_bytes = EncodeHealthCheckRequest(service);
  grpc::Slice slice(request_bytes);
  const grpc::ByteBuffer request(&slice, 1);
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> rpc =
      stub.PrepareUnaryCall(&call, kHealthCheckMethod, request, &cq);
  rpc->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  rpc->Finish(&response, &status, /*tag=*/&status);
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);  // the only event: the call's end
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }

  if (!status.ok()) {
    const CallInfo info{
        kCommand, ctx.connection.server,
        EffectiveTimeout(ctx.connection, kHealthTimeoutSeconds)};
    return ReportRpcError(info, status, call, *ctx.err);
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  absl::StatusOr<int> serving = DecodeServingStatus(bytes);
  if (!serving.ok())
    return LocalError(ctx, kCommand, serving.status().message());

  HealthSummary health;
  health.server = ctx.connection.server;
  health.service = service;
  health.status = ServingStatusName(*serving);
  const int printed = PrintOutcome(
      ctx, kCommand, MakePrinter(ctx.output)->PrintHealth(health, *ctx.out));
  if (printed != kExitOk) return printed;
  return *serving == kServing ? kExitOk : kExitUnavailable;
}

void AddHealthCommand(CLI::App& app, CommandAction* selected) {
  auto service = std::make_shared<std::string>();
  auto details = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "health",
      "Ask heduid's gRPC health service whether it is serving (exit 0) or "
      "not (exit 5)");
  cmd->add_option("--service", *service,
                  "Service name to ask about (default: the whole server)");
  cmd->add_flag("--details", *details,
                "Also the server's status (staff, admin): certificates, data "
                "ages, audit chain; exit 5 when something needs attention");
  cmd->callback([service, details, selected] {
    *selected = [service, details](const CommandContext& ctx) {
      const int serving = RunHealth(ctx, *service);
      if (serving != kExitOk || !*details) return serving;
      return RunServerStatus(ctx);
    };
  });
}

}  // namespace hedui::cli
