#ifndef HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_
#define HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_

// Field-level error details travel inside absl::Status (as a payload) from
// the layer that finds them to the one gRPC mapping (status_mapping.h).

#include <optional>

#include "absl/status/status.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::server {

inline constexpr char kErrorDetailsPayloadUrl[] =
    "type.googleapis.com/hedui.v1.ErrorDetails";
// Binary trailing metadata carrying a serialized hedui.v1.ErrorDetails.
inline constexpr char kErrorDetailsTrailer[] = "hedui-error-bin";

// INVALID_ARGUMENT with the details attached.
absl::Status InvalidArgumentWithDetails(absl::string_view message,
                                        const hedui::v1::ErrorDetails& details);

// One violation of a request field: INVALID_ARGUMENT "field: description".
absl::Status FieldViolation(absl::string_view field,
                            absl::string_view description);

std::optional<hedui::v1::ErrorDetails> GetErrorDetails(
    const absl::Status& status);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_
