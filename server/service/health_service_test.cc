#include "server/service/health_service.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "hedui/v1/verification_service.pb.h"
#include "server/service/reflection_v1.h"

namespace hedui::server {
namespace {

namespace health = grpc::health::v1;
namespace reflection = grpc::reflection::v1;
using ::testing::Contains;
using ::testing::UnorderedElementsAre;

constexpr char kVerification[] = "hedui.v1.VerificationService";

class HealthServiceTest : public ::testing::Test {
 protected:
  HealthServiceTest() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&health_);
    AddReflectionV1(builder);
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  ~HealthServiceTest() override {
    health_.Shutdown();
    server_->Shutdown();
  }

  grpc::Status Check(const std::string& service,
                     health::HealthCheckResponse* response) {
    grpc::ClientContext context;
    health::HealthCheckRequest request;
    request.set_service(service);
    return health::Health::NewStub(channel_)->Check(&context, request,
                                                    response);
  }

  HealthServiceImpl health_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(HealthServiceTest, CheckFollowsSetServingForEveryKnownService) {
  health::HealthCheckResponse response;
  // Not SERVING before the server says the store is open and durable.
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);

  health_.SetServing(true);
  for (const std::string& name : {std::string(), HeduiServiceNames()[0],
                                  std::string("hedui.v1.AdminService")}) {
    ASSERT_TRUE(Check(name, &response).ok()) << name;
    EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING) << name;
  }
  health_.SetServing(false);
  ASSERT_TRUE(Check(kVerification, &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);

  EXPECT_EQ(Check("no.such.Service", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HealthServiceTest, WatchSeesEachChangeAndEndsAtShutdown) {
  grpc::ClientContext context;
  health::HealthCheckRequest request;
  std::unique_ptr<grpc::ClientReader<health::HealthCheckResponse>> watch =
      health::Health::NewStub(channel_)->Watch(&context, request);
  health::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  health_.SetServing(true);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  health_.SetServing(true);  // no change, nothing written
  health_.SetServing(false);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  health_.SetServing(true);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);

  health_.Shutdown();
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(watch->Read(&response));
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);

  // Stopping is for good.
  health_.SetServing(true);
  ASSERT_TRUE(Check("", &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthServiceTest, WatchOfAnUnknownServiceSaysSo) {
  health_.SetServing(true);
  grpc::ClientContext context;
  health::HealthCheckRequest request;
  request.set_service("no.such.Service");
  auto watch = health::Health::NewStub(channel_)->Watch(&context, request);
  health::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVICE_UNKNOWN);
  context.TryCancel();
  while (watch->Read(&response)) {
  }
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

std::vector<std::string> FileNames(
    const reflection::ServerReflectionResponse& r) {
  std::vector<std::string> names;
  for (const std::string& raw :
       r.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(file.ParseFromString(raw));
    names.push_back(file.name());
  }
  return names;
}

TEST_F(HealthServiceTest, ReflectionV1ListsAndResolvesEveryService) {
  auto stub = reflection::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  reflection::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_THAT(services,
              UnorderedElementsAre("grpc.health.v1.Health",
                                   "grpc.reflection.v1.ServerReflection"));

  for (const std::string& service : services) {
    request.set_file_containing_symbol(service);
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_TRUE(response.has_file_descriptor_response()) << service;
  }
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(ReflectionV1Test, FileComesWithEveryImportOnce) {
  // Links the file in, as the service's handlers do in heduid.
  ASSERT_NE(hedui::v1::VerifyRequest::descriptor(), nullptr);
  ReflectionV1Service service;
  reflection::ServerReflectionRequest request;
  request.set_host("h");
  request.set_file_containing_symbol("hedui.v1.VerificationService.Verify");
  const reflection::ServerReflectionResponse response = service.Answer(request);
  EXPECT_EQ(response.valid_host(), "h");
  EXPECT_EQ(response.original_request().file_containing_symbol(),
            request.file_containing_symbol());
  const std::vector<std::string> names = FileNames(response);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "hedui/v1/verification_service.proto");
  const std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  // Every import of every file sent is sent too.
  for (const std::string& raw :
       response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(raw));
    for (const std::string& import : file.dependency()) {
      EXPECT_THAT(names, Contains(import)) << file.name();
    }
  }
}

TEST(ReflectionV1Test, UnknownNamesAndRequestsAreErrors) {
  ReflectionV1Service service;
  reflection::ServerReflectionRequest request;
  request.set_file_by_filename("no/such.proto");
  EXPECT_EQ(service.Answer(request).error_response().error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_file_containing_symbol("no.such.Symbol");
  EXPECT_EQ(service.Answer(request).error_response().error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.mutable_file_containing_extension()->set_containing_type(
      "grpc.health.v1.HealthCheckRequest");
  request.mutable_file_containing_extension()->set_extension_number(100);
  EXPECT_EQ(service.Answer(request).error_response().error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_all_extension_numbers_of_type(
      "grpc.health.v1.HealthCheckRequest");
  const reflection::ServerReflectionResponse numbers = service.Answer(request);
  EXPECT_EQ(numbers.all_extension_numbers_response().base_type_name(),
            "grpc.health.v1.HealthCheckRequest");
  EXPECT_EQ(numbers.all_extension_numbers_response().extension_number_size(),
            0);
  request.Clear();
  EXPECT_EQ(service.Answer(request).error_response().error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // No list handed over yet: an empty list, not a crash.
  request.set_list_services("");
  EXPECT_EQ(service.Answer(request).list_services_response().service_size(), 0);
}

}  // namespace
}  // namespace hedui::server
