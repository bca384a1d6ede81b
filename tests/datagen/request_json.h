#ifndef HEDUI_TESTS_DATAGEN_REQUEST_JSON_H_
#define HEDUI_TESTS_DATAGEN_REQUEST_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "hedui/v1/verification.pb.h"
#include "nlohmann/json.hpp"

namespace hedui::datagen {

// One line of applications.jsonl as the hedui.v1.VerificationRequest a
// caller sends (the `hedui verify --batch` input). Enum names are the same
// in both; the differences are the field shapes: declared income keyed by
// category, dates as text, rigid spending without its _fen suffix. An
// application the proto cannot express (an unknown enum name) is an
// internal error: a generator bug.
absl::StatusOr<hedui::v1::VerificationRequest> ApplicationToRequest(
    const nlohmann::ordered_json& application);

// The request in proto JSON on one line (proto field names, default values
// omitted), without a newline.
absl::StatusOr<std::string> ApplicationToRequestJson(
    const nlohmann::ordered_json& application);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_REQUEST_JSON_H_
