#ifndef HEDUI_SERVER_SERVICE_RAW_SERVICE_H_
#define HEDUI_SERVER_SERVICE_RAW_SERVICE_H_

#include <functional>
#include <utility>

#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/sync_stream.h"

namespace hedui::server {

// A gRPC service whose methods take and give bytes, so that the call door
// decodes every request itself (message_codec.h). Registered under the
// proto's method names, so clients, the metrics and server reflection see the
// service as declared in its .proto (reflection reads the descriptors of the
// generated messages, which the handlers link).
// Every method is on the callback API but client streams (Ingest), which are
// synchronous.
class RawService : public grpc::Service {
 protected:
  using Bytes = grpc::ByteBuffer;

  // The callback API: `handler` runs on one of gRPC's callback threads and
  // must not block; it returns the reactor that it, or a worker it hands the
  // call to, finishes (CallDoor::Unary with a CallbackServerContext). A
  // service may mix these with synchronous methods.
  void AddUnary(const char* method,
                std::function<grpc::ServerUnaryReactor*(
                    grpc::CallbackServerContext*, const Bytes*, Bytes*)>
                    handler) {
    auto* registered = new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::CallbackUnaryHandler<Bytes, Bytes>(
            std::move(handler)));
    registered->SetServerApiType(
        grpc::internal::RpcServiceMethod::ApiType::CALL_BACK);
    AddMethod(registered);
  }

  // A server stream on the callback API: `handler` runs on gRPC's callback
  // thread, must not block, and returns the reactor it started
  // (stream_reactor.h), whose steps run on the door's workers.
  void AddServerStream(const char* method,
                       std::function<grpc::ServerWriteReactor<Bytes>*(
                           grpc::CallbackServerContext*, const Bytes*)>
                           handler) {
    auto* registered = new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::SERVER_STREAMING,
        new grpc::internal::CallbackServerStreamingHandler<Bytes, Bytes>(
            std::move(handler)));
    registered->SetServerApiType(
        grpc::internal::RpcServiceMethod::ApiType::CALL_BACK);
    AddMethod(registered);
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

  // A bidirectional stream on the callback API, as AddServerStream.
  void AddBidiStream(const char* method,
                     std::function<grpc::ServerBidiReactor<Bytes, Bytes>*(
                         grpc::CallbackServerContext*)>
                         handler) {
    auto* registered = new grpc::internal::RpcServiceMethod(
        method, grpc::internal::RpcMethod::BIDI_STREAMING,
        new grpc::internal::CallbackBidiHandler<Bytes, Bytes>(
            std::move(handler)));
    registered->SetServerApiType(
        grpc::internal::RpcServiceMethod::ApiType::CALL_BACK);
    AddMethod(registered);
  }
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_RAW_SERVICE_H_
