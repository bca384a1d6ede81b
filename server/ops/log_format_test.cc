#include "server/ops/log_format.h"

#include <memory>
#include <sstream>
#include <string>

#include "grpc/support/log.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/ops/grpc_core_log.h"
#include "spdlog/details/log_msg.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

std::string Format(const std::string& format, const std::string& message) {
  spdlog::details::log_msg msg("heduid", spdlog::level::warn, message);
  spdlog::memory_buf_t out;
  MakeLogFormatter(format)->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(LogFormatTest, JsonLinesCarryTheMessageEscaped) {
  const std::string line = Format(
      "json", "refused \"x\",\n\"level\":\"info\" 申请 110***********1234");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per entry";
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_EQ(parsed["logger"], "heduid");
  EXPECT_EQ(parsed["message"],
            "refused \"x\",\n\"level\":\"info\" 申请 110***********1234");
  EXPECT_EQ(parsed["time"].get<std::string>().size(),
            std::string("2026-11-28T01:02:03.123456+00:00").size());
}

TEST(LogFormatTest, TextIsForPeople) {
  const std::string line = Format("text", "serving");
  EXPECT_NE(line.find(" warning serving"), std::string::npos) << line;
  EXPECT_EQ(line.front(), '2');
}

// gRPC core's own line (here one written through gpr_log as gRPC does)
// comes out of heduid's logger as JSON, named "grpc", the ID masked.
TEST(LogFormatTest, GrpcCoreLinesGoThroughTheSameLoggerMasked) {
  const std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  // Kept alive past the test: the route holds the sink until replaced.
  static auto* out = new std::ostringstream;
  auto logger = std::make_shared<spdlog::logger>(
      "heduid", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  spdlog::set_default_logger(logger);
  ConfigureLogging("json");
  // What grpc_init does first (errors only unless GRPC_VERBOSITY says).
  gpr_log_verbosity_init();
  const std::string id = "11010519491231002X";
  gpr_log(__FILE__, 42, GPR_LOG_SEVERITY_ERROR,
          "Handshake failed for %s: bad \"cert\"", id.c_str());
  spdlog::info("after");
  spdlog::set_default_logger(previous);
  RouteGrpcCoreLogs();

  const std::string text = out->str();
  EXPECT_EQ(text.find(id), std::string::npos) << text;
  std::istringstream lines(text);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line)) << text;
  const nlohmann::json grpc = nlohmann::json::parse(line);
  EXPECT_EQ(grpc["logger"], "grpc");
  EXPECT_EQ(grpc["level"], "error");
  EXPECT_EQ(grpc["message"], "log_format_test.cc:42 Handshake failed for " +
                                 MaskResidentId(id) + ": bad \"cert\"");
  ASSERT_TRUE(std::getline(lines, line)) << text;
  EXPECT_EQ(nlohmann::json::parse(line)["logger"], "heduid");
}

}  // namespace
}  // namespace hedui::server
