#ifndef HEDUI_SERVER_SERVICE_MESSAGE_CODEC_H_
#define HEDUI_SERVER_SERVICE_MESSAGE_CODEC_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace hedui::server {

// The door receives every request as bytes, so that one that does not decode
// (bad wire format, text that is not UTF-8) is answered INVALID_ARGUMENT and
// audited like any refusal, instead of gRPC's bare INTERNAL before any
// handler runs. Its size is already bounded by the server's max message size.
absl::Status DecodeMessage(const grpc::ByteBuffer& bytes,
                           google::protobuf::Message* message);

void EncodeMessage(const google::protobuf::Message& message,
                   grpc::ByteBuffer* out);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_MESSAGE_CODEC_H_
