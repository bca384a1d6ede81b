#include "server/app/server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "hedui/v1/admin.grpc.pb.h"
#include "hedui/v1/audit.grpc.pb.h"

namespace hedui::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A server on a fresh data directory, plaintext on loopback (the
// development mode: TLS has its own tests), port chosen by the kernel.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/hedui-server-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "audit.key") << std::string(32, 'k');
    config_.listen_address = "127.0.0.1:0";
    config_.insecure = true;
    config_.data_dir = (dir_ / "data").string();
    config_.policy_file =
        absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/policy/example.textproto");
    config_.audit_key_file = (dir_ / "audit.key").string();
    config_.audit_head_file = (dir_ / "audit.head").string();
    config_.port_file = (dir_ / "port").string();
    config_.audit_verify_interval_minutes = 0;
    config_.purge_interval_hours = 0;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<grpc::Channel> ChannelTo(const Server& server) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                               grpc::InsecureChannelCredentials());
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health(
      const Server& server) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status =
        grpc::health::v1::Health::NewStub(ChannelTo(server))
            ->Check(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }

  uint64_t AuditLength(const Server& server) {
    grpc::ClientContext context;
    hedui::v1::VerifyAuditResponse response;
    const grpc::Status status =
        hedui::v1::AuditService::NewStub(ChannelTo(server))
            ->VerifyAudit(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.intact()) << response.problem();
    return response.entries();
  }

  fs::path dir_;
  ServerConfig config_;
};

TEST_F(ServerTest, StartsServesStopsAndStartsAgainOnTheSameStore) {
  uint64_t entries_before_restart = 0;
  {
    auto server = Server::Create(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    ASSERT_TRUE((*server)->Start().ok());
    ASSERT_GT((*server)->port(), 0);
    std::ifstream port_file(config_.port_file);
    int written = 0;
    port_file >> written;
    EXPECT_EQ(written, (*server)->port());
    EXPECT_EQ(Health(**server), grpc::health::v1::HealthCheckResponse::SERVING);

    grpc::ClientContext context;
    hedui::v1::ServerStatus status;
    ASSERT_TRUE(hedui::v1::AdminService::NewStub(ChannelTo(**server))
                    ->GetServerStatus(&context, {}, &status)
                    .ok());
    entries_before_restart = AuditLength(**server);
    EXPECT_GE(entries_before_restart, 1u);  // at least GetServerStatus

    (*server)->Stop(absl::Seconds(1));
    (*server)->Stop(absl::Seconds(1));  // idempotent
    (*server)->Wait();
  }
  // The chain the first run wrote is read back whole and goes on.
  auto again = Server::Create(config_);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*again)->Start().ok());
  EXPECT_GT(AuditLength(**again), entries_before_restart);
}

TEST_F(ServerTest, ClosesCleanlyWithoutEverStarting) {
  auto server = Server::Create(config_);
  ASSERT_TRUE(server.ok()) << server.status();
  server->reset();
  // The store was closed: a second server opens it.
  auto again = Server::Create(config_);
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(ServerTest, NamesThePartThatCannotBeBuilt) {
  config_.policy_file = (dir_ / "missing.textproto").string();
  auto server = Server::Create(config_);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("--policy"));

  SetUp();
  config_.audit_key_file = (dir_ / "no.key").string();
  server = Server::Create(config_);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("--audit-key-file"));
}

TEST_F(ServerTest, RefusesASecondStart) {
  auto server = Server::Create(config_);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Start().ok());
  EXPECT_EQ((*server)->Start().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hedui::server
