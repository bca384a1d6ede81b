#include "server/service/message_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "server/errors/error_details.h"

namespace hedui::server {

absl::Status DecodeMessage(const grpc::ByteBuffer& bytes,
                           google::protobuf::Message* message) {
  // ProtoBufferReader wants a mutable buffer; the copy shares the slices.
  grpc::ByteBuffer copy(bytes);
  grpc::ProtoBufferReader reader(&copy);
  if (!reader.status().ok() || !message->ParseFromZeroCopyStream(&reader)) {
    message->Clear();
    return FieldViolation(
        "request",
        absl::StrCat("not a valid ", message->GetTypeName(),
                     " message (bad wire format, or a text field that is not "
                     "UTF-8)"));
  }
  // Fields this server does not know would otherwise travel on whole: into
  // the stored report (a request is kept with its report) and back out.
  message->DiscardUnknownFields();
  return absl::OkStatus();
}

void EncodeMessage(const google::protobuf::Message& message,
                   grpc::ByteBuffer* out) {
  bool own_buffer = false;
  grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, out,
                                                                  &own_buffer);
}

}  // namespace hedui::server
