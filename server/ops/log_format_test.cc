#include "server/ops/log_format.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/details/log_msg.h"

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

}  // namespace
}  // namespace hedui::server
