#ifndef HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_
#define HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_

// Field-level error details travel inside absl::Status (as a payload) from
// the layer that finds them to the one gRPC mapping (status_mapping.h).

#include <optional>
#include <vector>

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

// Listed at most in one error (message and details): the details travel in a
// trailer, and gRPC refuses metadata past its limit (8 KiB by default), which
// turned 60 invalid members into RESOURCE_EXHAUSTED.
inline constexpr size_t kMaxListedViolations = 20;
inline constexpr size_t kMaxViolationChars = 200;

// INVALID_ARGUMENT "`what`: field: description; ... (and N more)" with the
// first kMaxListedViolations in the details and total_violations counting
// all. `violations` must not be empty.
absl::Status InvalidArgumentWithViolations(
    absl::string_view what,
    const std::vector<hedui::v1::ErrorDetails::FieldViolation>& violations);

// One violation of a request field: INVALID_ARGUMENT "field: description".
absl::Status FieldViolation(absl::string_view field,
                            absl::string_view description);

std::optional<hedui::v1::ErrorDetails> GetErrorDetails(
    const absl::Status& status);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ERROR_DETAILS_H_
