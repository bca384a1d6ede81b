#include "server/ops/log_format.h"

#include "nlohmann/json.hpp"
#include "server/ops/grpc_core_log.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/spdlog.h"

namespace hedui::server {
namespace {

// %* : the message as a JSON string literal, quotes included.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string quoted =
        nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
            .dump(-1, ' ', /*ensure_ascii=*/false,
                  nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (format == "json") {
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%f%z","level":"%l","logger":"%n",)"
        R"("message":%*})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  }
  return formatter;
}

void ConfigureLogging(const std::string& format) {
  spdlog::default_logger()->set_formatter(MakeLogFormatter(format));
  // gRPC core writes its own lines to stderr otherwise, plain and unmasked
  // whatever the format.
  RouteGrpcCoreLogs();
}

}  // namespace hedui::server
