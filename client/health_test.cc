#include "client/health.h"

#include <string>

#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_verification_service.h"
#include "gmock/gmock.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeVerificationServer;
using ::testing::HasSubstr;

TEST(HealthStatusNameTest, NamesAndUnknownValues) {
  EXPECT_EQ(ServingStatusName(0), "UNKNOWN");
  EXPECT_EQ(ServingStatusName(1), "SERVING");
  EXPECT_EQ(ServingStatusName(2), "NOT_SERVING");
  EXPECT_EQ(ServingStatusName(3), "SERVICE_UNKNOWN");
  EXPECT_EQ(ServingStatusName(9), "STATUS_9");
}

TEST(HealthCommandTest, ServingNotServingAndUnreachable) {
  FakeVerificationServer server(FakeVerificationServer::Options{true});
  CliRunner cli;
  ASSERT_EQ(cli.RunAt(server.address(), {"health"}), kExitOk) << cli.err();
  EXPECT_EQ(cli.out(), server.address() + ": SERVING\n");
  ASSERT_EQ(cli.RunAt(server.address(), {"health", "--output", "json"}),
            kExitOk);
  EXPECT_EQ(cli.out(), "{\"server\":\"" + server.address() +
                           "\",\"service\":\"\",\"status\":\"SERVING\"}\n");
  EXPECT_EQ(cli.RunAt(server.address(), {"health", "--service", "hedui"}),
            kExitNotFound);
  server.server().GetHealthCheckService()->SetServingStatus("hedui", true);
  EXPECT_EQ(cli.RunAt(server.address(), {"health", "--service", "hedui"}),
            kExitOk)
      << cli.err();
  EXPECT_EQ(cli.out(), server.address() + " (hedui): SERVING\n");

  server.server().GetHealthCheckService()->SetServingStatus(false);
  EXPECT_EQ(cli.RunAt(server.address(), {"health"}), kExitUnavailable);
  EXPECT_EQ(cli.out(), server.address() + ": NOT_SERVING\n");

  EXPECT_EQ(cli.RunAt("127.0.0.1:1", {"health"}), kExitUnavailable);
  EXPECT_THAT(cli.err(), HasSubstr("hedui health: UNAVAILABLE"));
}

TEST(HealthCommandTest, ServerWithoutHealthService) {
  FakeVerificationServer server;
  CliRunner cli;
  EXPECT_EQ(cli.RunAt(server.address(), {"health"}), kExitError);
  EXPECT_THAT(cli.err(), HasSubstr("UNIMPLEMENTED"));
}

}  // namespace
}  // namespace hedui::cli
