#ifndef HEDUI_SERVER_ENGINE_REQUEST_VALIDATE_REQUEST_H_
#define HEDUI_SERVER_ENGINE_REQUEST_VALIDATE_REQUEST_H_

#include <vector>

#include "hedui/v1/codes.pb.h"
#include "hedui/v1/verification.pb.h"

namespace hedui::engine {

// Every problem of a request, one violation per field, with the field's path
// ("members[1].person_id", "consent.signed_on") and what is wrong, resident
// IDs masked. Empty: the engine may evaluate it. verification_date is
// required here (the service fills in today before). Enforces the limits of
// request_limits.h (sizes, amounts, counts) and that no resident ID is of
// someone born after the verification date; the bound of the date itself by
// today is CheckBeforeRead's (check_before_read.h), which calls this first.
std::vector<hedui::v1::ErrorDetails::FieldViolation> ValidateRequest(
    const hedui::v1::VerificationRequest& request);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REQUEST_VALIDATE_REQUEST_H_
