#ifndef HEDUI_SERVER_ENGINE_POLICY_VALIDATE_POLICY_H_
#define HEDUI_SERVER_ENGINE_POLICY_VALIDATE_POLICY_H_

#include <vector>

#include "google/protobuf/text_format.h"
#include "hedui/policy/v1/policy.pb.h"
#include "server/engine/policy/policy_error.h"

namespace hedui::engine {

// Every problem in `policy` (not only the first): values out of range or
// missing, unknown enum values, impossible dates, periods of one region and
// class (or rules of one region) that overlap or leave a gap, a residence
// class one region has and another lacks, rules that do not cover a region's
// standards. Each error is placed in the text when `locations` (from
// TextFormat::Parser::WriteLocationsTo) is given; it may be null.
std::vector<PolicyError> ValidatePolicy(
    const hedui::policy::v1::Policy& policy,
    const google::protobuf::TextFormat::ParseInfoTree* locations);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_VALIDATE_POLICY_H_
