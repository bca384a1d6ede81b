#include "server/engine/request/validate_request.h"

namespace hedui::engine {
// Placeholder replaced in this same change (consent helper).
std::vector<hedui::v1::ErrorDetails::FieldViolation> ValidateRequest(
    const hedui::v1::VerificationRequest&) {
  return {};
}
}  // namespace hedui::engine
