#ifndef HEDUI_SERVER_SERVICE_REFLECTION_V1_H_
#define HEDUI_SERVER_SERVICE_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/server_builder.h"

namespace hedui::server {

// grpc.reflection.v1.ServerReflection, which gRPC 1.51 does not have (its
// plugin serves v1alpha only, and generic tools now ask v1 first). Answers
// from a descriptor pool, normally the generated one: every service the
// server lists resolves there, as long as its messages are linked in (the
// services' own code links them). Open to everyone, like v1alpha: it
// tells what the API is, nothing of the data.
class ReflectionV1Service final
    : public grpc::reflection::v1::ServerReflection::Service {
 public:
  explicit ReflectionV1Service(
      const google::protobuf::DescriptorPool* pool =
          google::protobuf::DescriptorPool::generated_pool());

  // The services list_services names; must outlive the service. Set once,
  // before the server starts taking calls.
  void SetServiceList(const std::vector<std::string>* services) {
    services_ = services;
  }

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>*
          stream) override;

  // One request's answer. A file comes with every file it imports,
  // directly or not, in each answer (as gRPC's v1alpha does): a client
  // that resolves one service per stream needs nothing else.
  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& request) const;

 private:
  const google::protobuf::DescriptorPool* const pool_;
  const std::vector<std::string>* services_ = nullptr;
};

// Serves ReflectionV1Service on the server `builder` builds, listing every
// service registered there (its own, health and v1alpha included). The
// service belongs to the built server.
void AddReflectionV1(grpc::ServerBuilder& builder);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_REFLECTION_V1_H_
