#include "storage/types/zh_names.h"

#include "google/protobuf/descriptor.h"
#include "hedui/v1/codes.pb.h"

namespace hedui {
namespace {

const std::string& Empty() {
  static const std::string* const empty = new std::string();
  return *empty;
}

const google::protobuf::EnumValueDescriptor* Value(
    const google::protobuf::EnumDescriptor* type, int number) {
  return type == nullptr ? nullptr : type->FindValueByNumber(number);
}

}  // namespace

const std::string& ZhNameOf(const google::protobuf::EnumDescriptor* type,
                            int number) {
  const google::protobuf::EnumValueDescriptor* value = Value(type, number);
  if (value == nullptr || !value->options().HasExtension(hedui::v1::zh)) {
    return Empty();
  }
  return value->options().GetExtension(hedui::v1::zh);
}

const std::string& ZhShortNameOf(const google::protobuf::EnumDescriptor* type,
                                 int number) {
  const google::protobuf::EnumValueDescriptor* value = Value(type, number);
  if (value != nullptr && value->options().HasExtension(hedui::v1::zh_short)) {
    return value->options().GetExtension(hedui::v1::zh_short);
  }
  return ZhNameOf(type, number);
}

}  // namespace hedui
