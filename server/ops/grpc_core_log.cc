#include "server/ops/grpc_core_log.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/support/log.h"
#include "spdlog/logger.h"
#include "spdlog/spdlog.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

// Never freed: gRPC's threads may log until the process exits, after
// static destructors have run.
std::atomic<spdlog::logger*> grpc_logger{nullptr};

// A logger replaced by a later RouteGrpcCoreLogs() stays alive (a gRPC
// thread may still be using it) and reachable from here, so that a leak
// checker sees it kept, not lost.
void KeepReplaced(spdlog::logger* replaced) {
  if (replaced == nullptr) return;
  static std::mutex mu;
  static auto* kept = new std::vector<spdlog::logger*>();
  std::lock_guard<std::mutex> lock(mu);
  kept->push_back(replaced);
}

spdlog::level::level_enum Level(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_ERROR:
      return spdlog::level::err;
    case GPR_LOG_SEVERITY_INFO:
      return spdlog::level::info;
    default:
      return spdlog::level::debug;
  }
}

void LogGrpcCoreLine(gpr_log_func_args* args) {
  spdlog::logger* logger = grpc_logger.load(std::memory_order_acquire);
  if (logger == nullptr) return;
  logger->log(Level(args->severity), "{}",
              GrpcCoreLogText(args->file, args->line, args->message));
}

}  // namespace

std::string GrpcCoreLogText(const char* file, int line, const char* message) {
  const char* base = file == nullptr ? "" : std::strrchr(file, '/');
  base = base == nullptr ? file : base + 1;
  return MaskResidentIdsInText(absl::StrCat(base == nullptr ? "" : base, ":",
                                            line, " ",
                                            message == nullptr ? "" : message));
}

void RouteGrpcCoreLogs() {
  const std::shared_ptr<spdlog::logger> main = spdlog::default_logger();
  auto* logger =
      new spdlog::logger("grpc", main->sinks().begin(), main->sinks().end());
  // GRPC_VERBOSITY already chose what reaches here.
  logger->set_level(spdlog::level::trace);
  logger->flush_on(main->flush_level());
  KeepReplaced(grpc_logger.exchange(logger, std::memory_order_acq_rel));
  gpr_set_log_function(&LogGrpcCoreLine);
}

}  // namespace hedui::server
