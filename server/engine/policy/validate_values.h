#ifndef HEDUI_SERVER_ENGINE_POLICY_VALIDATE_VALUES_H_
#define HEDUI_SERVER_ENGINE_POLICY_VALIDATE_VALUES_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "hedui/policy/v1/policy.pb.h"
#include "server/engine/policy/policy_error.h"
#include "server/engine/policy/policy_node.h"

namespace hedui::engine {

// The values of one message on their own: required fields present, numbers in
// range, enum values known. Dates and how periods and regions fit together are
// checked by ValidatePolicy.
void ValidateStandardsValues(const hedui::policy::v1::Standards& standards,
                             const PolicyNode& node,
                             std::vector<PolicyError>* errors);
void ValidateRulesValues(const hedui::policy::v1::Rules& rules,
                         const PolicyNode& node,
                         std::vector<PolicyError>* errors);

// An enum value that is set and known: reports UNSPECIFIED (0, also what an
// omitted field reads as) and numbers the enum does not define (text format
// accepts any number for a proto3 enum). `index` is -1 for a singular field.
bool CheckEnum(const PolicyNode& node, absl::string_view field, int index,
               int value, const google::protobuf::EnumDescriptor* type,
               std::vector<PolicyError>* errors);

// Six ASCII digits (GB/T 2260 county code, as in a resident ID).
bool IsRegionCode(absl::string_view code);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_VALIDATE_VALUES_H_
