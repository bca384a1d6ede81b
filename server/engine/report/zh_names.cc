#include "server/engine/report/zh_names.h"

#include "hedui/v1/codes.pb.h"

namespace hedui::engine {
namespace {

const std::string& Empty() {
  static const std::string* const empty = new std::string();
  return *empty;
}

}  // namespace

const std::string& ZhNameOf(const google::protobuf::EnumDescriptor* type,
                            int number) {
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByNumber(number);
  if (value == nullptr) return Empty();
  return value->options().GetExtension(hedui::v1::zh);
}

const std::string& ZhShortNameOf(const google::protobuf::EnumDescriptor* type,
                                 int number) {
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByNumber(number);
  if (value == nullptr) return Empty();
  const std::string& short_name =
      value->options().GetExtension(hedui::v1::zh_short);
  return short_name.empty() ? value->options().GetExtension(hedui::v1::zh)
                            : short_name;
}

}  // namespace hedui::engine
