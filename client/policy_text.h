#ifndef HEDUI_CLIENT_POLICY_TEXT_H_
#define HEDUI_CLIENT_POLICY_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hedui::cli {

// One policy parameter of a report (PolicyUsed.parameters) as a caseworker
// reads it: a Chinese label and the value with its unit, money in 元
// ("低保标准", "930.00 元/人·月").
struct PolicyParameterLine {
  std::string label;
  std::string value;
};

// The engine emits the parameters by their policy field names
// (server/engine/policy/policy_values.cc, DescribePolicyValues): this file
// holds their Chinese labels and units. A name this build does not know
// (a newer engine's) is shown as it is, with its value as it is: never
// dropped. A value that is not of the expected form is shown as it is too.
// Neither is made safe for a terminal here: the caller does that.
PolicyParameterLine PolicyParameterText(absl::string_view name,
                                        absl::string_view value);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_POLICY_TEXT_H_
