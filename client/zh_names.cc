#include "client/zh_names.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::cli {
namespace {

const google::protobuf::EnumValueDescriptor* Value(
    const google::protobuf::EnumDescriptor* type, int number) {
  return type == nullptr ? nullptr : type->FindValueByNumber(number);
}

}  // namespace

std::string CodeOf(const google::protobuf::EnumDescriptor* type, int number) {
  const google::protobuf::EnumValueDescriptor* value = Value(type, number);
  return value != nullptr ? value->name() : absl::StrCat(number);
}

std::string ZhLabelOf(const google::protobuf::EnumDescriptor* type,
                      int number) {
  const std::string& name = ZhNameOf(type, number);
  if (!name.empty()) return name;
  return absl::StrCat("未知（", CodeOf(type, number), "）");
}

std::string ZhWithCodeOf(const google::protobuf::EnumDescriptor* type,
                         int number) {
  const std::string& name = ZhNameOf(type, number);
  if (name.empty()) return ZhLabelOf(type, number);
  return absl::StrCat(name, "（", CodeOf(type, number), "）");
}

}  // namespace hedui::cli
