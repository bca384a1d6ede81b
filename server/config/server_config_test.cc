#include "server/config/server_config.h"

#include "gtest/gtest.h"

namespace hedui::server {
namespace {

TEST(ServerConfigTest, DefaultsAreValid) {
  EXPECT_TRUE(ValidateServerConfig(ServerConfig()).ok());
}

TEST(ServerConfigTest, ErrorsNameTheFlag) {
  ServerConfig open_to_all;
  open_to_all.listen_address = "0.0.0.0:7441";
  EXPECT_NE(ValidateServerConfig(open_to_all).message().find("--listen"),
            std::string::npos);
  ServerConfig no_retention;
  no_retention.retained_snapshots = 0;
  EXPECT_NE(
      ValidateServerConfig(no_retention).message().find("--retained-snapshots"),
      std::string::npos);
  ServerConfig no_dir;
  no_dir.data_dir = "";
  EXPECT_NE(ValidateServerConfig(no_dir).message().find("--data-dir"),
            std::string::npos);
}

}  // namespace
}  // namespace hedui::server
