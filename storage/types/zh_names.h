#ifndef HEDUI_STORAGE_TYPES_ZH_NAMES_H_
#define HEDUI_STORAGE_TYPES_ZH_NAMES_H_

#include <string>

#include "google/protobuf/generated_enum_reflection.h"

namespace hedui {

// The Chinese names written once, as options on the enum values in the
// .proto files ((hedui.v1.zh), (hedui.v1.zh_short)), read here for both the
// engine's report text and the CLI's text view, so the two cannot disagree.
// Empty for a value without a name (the UNSPECIFIED ones, or a number this
// build does not know).
const std::string& ZhNameOf(const google::protobuf::EnumDescriptor* type,
                            int number);
// The name used inside a sentence ("低保"); the full name when none is set.
const std::string& ZhShortNameOf(const google::protobuf::EnumDescriptor* type,
                                 int number);

template <typename Enum>
const std::string& ZhName(Enum value) {
  return ZhNameOf(google::protobuf::GetEnumDescriptor<Enum>(),
                  static_cast<int>(value));
}

template <typename Enum>
const std::string& ZhShortName(Enum value) {
  return ZhShortNameOf(google::protobuf::GetEnumDescriptor<Enum>(),
                       static_cast<int>(value));
}

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_ZH_NAMES_H_
