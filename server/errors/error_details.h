#ifndef HEDUI_SERVER_ERRORS_ERROR_DETAILS_H_
#define HEDUI_SERVER_ERRORS_ERROR_DETAILS_H_

// Field-level error details travel inside absl::Status (as a payload) from
// the layer that finds them to the one gRPC mapping (status_mapping.h),
// which sends them twice: as the standard google.rpc.Status in
// `grpc-status-details-bin` (RpcStatusOf below) and, for the CLI's feed
// lines and columns and the tests that read it, as hedui.v1.ErrorDetails in
// `hedui-error-bin`.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
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
// ... and at most this many bytes of field and description text in all: the
// same violations travel in the message and in both trailers.
inline constexpr size_t kMaxListedViolationBytes = 1500;

// INVALID_ARGUMENT "`what`: field: description; ... (and N more)" with the
// first kMaxListedViolations in the details and total_violations counting
// all. `violations` must not be empty.
absl::Status InvalidArgumentWithViolations(
    absl::string_view what,
    const std::vector<hedui::v1::ErrorDetails::FieldViolation>& violations);

// One violation of a request field: INVALID_ARGUMENT "field: description".
absl::Status FieldViolation(absl::string_view field,
                            absl::string_view description);

// The storage layer refuses a page token it did not make (or made for other
// filters) as INVALID_ARGUMENT "page_token: ..." without details: the same
// status with page_token named as a violation, so every channel (the message,
// hedui-error-bin, BadRequest) names it. Any other status is returned as is.
absl::Status NamePageTokenField(const absl::Status& status);

// A refusal about one field with a code other than INVALID_ARGUMENT (the
// store's state refuses it: NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS):
// "field: description", the field named in the details as a violation, as
// the standard details then name it.
absl::Status FieldError(absl::StatusCode code, absl::string_view field,
                        absl::string_view description);

std::optional<hedui::v1::ErrorDetails> GetErrorDetails(
    const absl::Status& status);

// ErrorInfo's domain for every refusal of heduid.
inline constexpr char kErrorDomain[] = "hedui";

// `status` with the reason its ErrorInfo names, for a refusal whose origin
// knows it better than the code and message do (RpcStatusOf classifies the
// others).
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The reason a refusal's ErrorInfo names (UPPER_SNAKE_CASE, stable for
// clients to switch on): the one set by WithReason, else one read from the
// code and the message, e.g. INVALID_REQUEST, CONSENT_NOT_COVERING,
// NO_POLICY_IN_FORCE, METHOD_NOT_ALLOWED, PROGRAM_NOT_ALLOWED,
// COUNTY_NOT_ALLOWED, CALLER_NOT_AUTHENTICATED, OVERLOADED, STORE_FULL,
// DEADLINE_EXHAUSTED, STREAM_IDLE, REPORT_NOT_FOUND; otherwise the code's
// name.
std::string RefusalReason(const absl::Status& status);

// The standard google.rpc.Status of a refusal (for grpc-status-details-bin):
// the code, the message, and as details BadRequest (field violations),
// PreconditionFailure (FAILED_PRECONDITION: the consent, the policy) or
// QuotaFailure (RESOURCE_EXHAUSTED: overload, a full store) as fits, and
// always ErrorInfo (reason, domain "hedui", metadata: the method and counts,
// nothing personal). Every text in it has resident IDs masked. `method`:
// "/hedui.v1.VerificationService/Verify", or empty when not known.
google::rpc::Status RpcStatusOf(const absl::Status& status,
                                absl::string_view method = {});

}  // namespace hedui::server

#endif  // HEDUI_SERVER_ERRORS_ERROR_DETAILS_H_
