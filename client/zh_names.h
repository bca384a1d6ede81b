#ifndef HEDUI_CLIENT_ZH_NAMES_H_
#define HEDUI_CLIENT_ZH_NAMES_H_

#include <string>

#include "google/protobuf/generated_enum_reflection.h"
#include "storage/types/zh_names.h"

namespace hedui::cli {

// The Chinese names of codes, read from the options on the enum values in
// the .proto files ((hedui.v1.zh), (hedui.v1.zh_short)) by the one reader
// the engine's report text uses too (storage/types/zh_names.h); here are the
// forms the text view prints.
using ::hedui::ZhName;
using ::hedui::ZhNameOf;
using ::hedui::ZhShortName;
using ::hedui::ZhShortNameOf;

// The value's code ("DIBAO"), or its number for a value added to the proto
// after this build, so a newer server's report still prints.
std::string CodeOf(const google::protobuf::EnumDescriptor* type, int number);

// The Chinese name, or "未知（CODE）" for a value without one, so the text
// view never shows a bare code.
std::string ZhLabelOf(const google::protobuf::EnumDescriptor* type, int number);
// "最低生活保障（DIBAO）": the name a caseworker reads, and the code IT asks
// for. A value without a Chinese name: "未知（CODE）".
std::string ZhWithCodeOf(const google::protobuf::EnumDescriptor* type,
                         int number);

template <typename Enum>
std::string ZhLabel(Enum value) {
  return ZhLabelOf(google::protobuf::GetEnumDescriptor<Enum>(),
                   static_cast<int>(value));
}

template <typename Enum>
std::string ZhWithCode(Enum value) {
  return ZhWithCodeOf(google::protobuf::GetEnumDescriptor<Enum>(),
                      static_cast<int>(value));
}

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_ZH_NAMES_H_
