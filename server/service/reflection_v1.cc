#include "server/service/reflection_v1.h"

#include <memory>
#include <set>
#include <utility>

#include "google/protobuf/descriptor.pb.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "grpcpp/impl/server_initializer.h"

namespace hedui::server {
namespace {

namespace pb = grpc::reflection::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// `file` first (clients take the first as the one asked for), then what it
// imports, each once.
void AddFileAndImports(const FileDescriptor* file,
                       pb::FileDescriptorResponse* out) {
  std::set<std::string> added;
  std::vector<const FileDescriptor*> todo{file};
  while (!todo.empty()) {
    const FileDescriptor* next = todo.back();
    todo.pop_back();
    if (!added.insert(next->name()).second) continue;
    google::protobuf::FileDescriptorProto proto;
    next->CopyTo(&proto);
    proto.SerializeToString(out->add_file_descriptor_proto());
    for (int i = next->dependency_count() - 1; i >= 0; --i) {
      todo.push_back(next->dependency(i));
    }
  }
}

void SetError(grpc::StatusCode code, const std::string& message,
              pb::ServerReflectionResponse* response) {
  response->mutable_error_response()->set_error_code(code);
  response->mutable_error_response()->set_error_message(message);
}

// Registers the service on the server being built and, once every service
// is registered, hands it the server's list of them.
class ReflectionV1Plugin final : public grpc::ServerBuilderPlugin {
 public:
  std::string name() override { return "hedui_reflection_v1"; }
  void InitServer(grpc::ServerInitializer* si) override {
    si->RegisterService(service_);
  }
  void Finish(grpc::ServerInitializer* si) override {
    service_->SetServiceList(si->GetServiceList());
  }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}
  // Its one method is synchronous: the server must have threads for it.
  bool has_sync_methods() const override { return true; }

 private:
  std::shared_ptr<ReflectionV1Service> service_ =
      std::make_shared<ReflectionV1Service>();
};

class ReflectionV1Option final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->push_back(std::make_unique<ReflectionV1Plugin>());
  }
};

}  // namespace

ReflectionV1Service::ReflectionV1Service(
    const google::protobuf::DescriptorPool* pool)
    : pool_(pool) {}

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::ServerReflectionResponse,
                             pb::ServerReflectionRequest>* stream) {
  pb::ServerReflectionRequest request;
  while (stream->Read(&request)) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    if (!stream->Write(Answer(request))) break;
  }
  return grpc::Status::OK;
}

pb::ServerReflectionResponse ReflectionV1Service::Answer(
    const pb::ServerReflectionRequest& request) const {
  pb::ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  switch (request.message_request_case()) {
    case pb::ServerReflectionRequest::kListServices: {
      auto* list = response.mutable_list_services_response();
      if (services_ != nullptr) {
        for (const std::string& name : *services_) {
          list->add_service()->set_name(name);
        }
      }
      break;
    }
    case pb::ServerReflectionRequest::kFileByFilename: {
      const FileDescriptor* file =
          pool_->FindFileByName(request.file_by_filename());
      if (file == nullptr) {
        SetError(grpc::StatusCode::NOT_FOUND, "file not found", &response);
      } else {
        AddFileAndImports(file, response.mutable_file_descriptor_response());
      }
      break;
    }
    case pb::ServerReflectionRequest::kFileContainingSymbol: {
      const FileDescriptor* file =
          pool_->FindFileContainingSymbol(request.file_containing_symbol());
      if (file == nullptr) {
        SetError(grpc::StatusCode::NOT_FOUND, "symbol not found", &response);
      } else {
        AddFileAndImports(file, response.mutable_file_descriptor_response());
      }
      break;
    }
    case pb::ServerReflectionRequest::kFileContainingExtension: {
      const pb::ExtensionRequest& asked = request.file_containing_extension();
      const Descriptor* type =
          pool_->FindMessageTypeByName(asked.containing_type());
      const FieldDescriptor* extension =
          type == nullptr
              ? nullptr
              : pool_->FindExtensionByNumber(type, asked.extension_number());
      if (type == nullptr) {
        SetError(grpc::StatusCode::NOT_FOUND, "type not found", &response);
      } else if (extension == nullptr) {
        SetError(grpc::StatusCode::NOT_FOUND, "extension not found", &response);
      } else {
        AddFileAndImports(extension->file(),
                          response.mutable_file_descriptor_response());
      }
      break;
    }
    case pb::ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const Descriptor* type =
          pool_->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        SetError(grpc::StatusCode::NOT_FOUND, "type not found", &response);
        break;
      }
      std::vector<const FieldDescriptor*> extensions;
      pool_->FindAllExtensions(type, &extensions);
      auto* numbers = response.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const FieldDescriptor* extension : extensions) {
        numbers->add_extension_number(extension->number());
      }
      break;
    }
    default:
      SetError(grpc::StatusCode::UNIMPLEMENTED,
               "unknown reflection request; ask list_services, "
               "file_by_filename, file_containing_symbol, "
               "file_containing_extension or all_extension_numbers_of_type",
               &response);
      break;
  }
  return response;
}

void AddReflectionV1(grpc::ServerBuilder& builder) {
  builder.SetOption(std::make_unique<ReflectionV1Option>());
}

}  // namespace hedui::server
