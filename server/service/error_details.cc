#include "server/service/error_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace hedui::server {

absl::Status InvalidArgumentWithDetails(
    absl::string_view message, const hedui::v1::ErrorDetails& details) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kErrorDetailsPayloadUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status FieldViolation(absl::string_view field,
                            absl::string_view description) {
  hedui::v1::ErrorDetails details;
  auto* violation = details.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  details.set_total_violations(1);
  return InvalidArgumentWithDetails(absl::StrCat(field, ": ", description),
                                    details);
}

std::optional<hedui::v1::ErrorDetails> GetErrorDetails(
    const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload(kErrorDetailsPayloadUrl);
  if (!payload) return std::nullopt;
  hedui::v1::ErrorDetails details;
  if (!details.ParseFromString(std::string(*payload))) return std::nullopt;
  return details;
}

}  // namespace hedui::server
