#ifndef HEDUI_SERVER_SERVICE_RAW_SERVICE_H_
#define HEDUI_SERVER_SERVICE_RAW_SERVICE_H_

#include <functional>

#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/sync_stream.h"

namespace hedui::server {

// A gRPC service whose methods take and give bytes, so that the call door
// decodes every request itself (message_codec.h). Registered under the
// proto's method names, so clients, the metrics and server reflection see the
// service as declared in its .proto (reflection reads the descriptors of the
// generated messages, which the handlers link).
class RawService : public grpc::Service {
 protected:
  using Bytes = grpc::ByteBuffer;

  void AddUnary(
      const char* method,
      std::function<grpc::Status(grpc::ServerContext*, const Bytes*, Bytes*)>
          handler) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<RawService, Bytes, Bytes>(
            [handler](RawService*, grpc::ServerContext* context,
                      const Bytes* in,
                      Bytes* out) { return handler(context, in, out); },
            this)));
  }

  void AddServerStream(
      const char* method,
      std::function<grpc::Status(grpc::ServerContext*, const Bytes*,
                                 grpc::ServerWriter<Bytes>*)>
          handler) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::SERVER_STREAMING,
        new grpc::internal::ServerStreamingHandler<RawService, Bytes, Bytes>(
            [handler](RawService*, grpc::ServerContext* context,
                      const Bytes* in, grpc::ServerWriter<Bytes>* writer) {
              return handler(context, in, writer);
            },
            this)));
  }

  void AddClientStream(
      const char* method,
      std::function<grpc::Status(grpc::ServerContext*,
                                 grpc::ServerReader<Bytes>*, Bytes*)>
          handler) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::CLIENT_STREAMING,
        new grpc::internal::ClientStreamingHandler<RawService, Bytes, Bytes>(
            [handler](RawService*, grpc::ServerContext* context,
                      grpc::ServerReader<Bytes>* reader,
                      Bytes* out) { return handler(context, reader, out); },
            this)));
  }

  void AddBidiStream(
      const char* method,
      std::function<grpc::Status(grpc::ServerContext*,
                                 grpc::ServerReaderWriter<Bytes, Bytes>*)>
          handler) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::BIDI_STREAMING,
        new grpc::internal::BidiStreamingHandler<RawService, Bytes, Bytes>(
            [handler](RawService*, grpc::ServerContext* context,
                      grpc::ServerReaderWriter<Bytes, Bytes>* stream) {
              return handler(context, stream);
            },
            this)));
  }
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_RAW_SERVICE_H_
