#include "server/service/error_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/service/utf8_text.h"

namespace hedui::server {

absl::Status InvalidArgumentWithDetails(
    absl::string_view message, const hedui::v1::ErrorDetails& details) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kErrorDetailsPayloadUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status InvalidArgumentWithViolations(
    absl::string_view what,
    const std::vector<hedui::v1::ErrorDetails::FieldViolation>& violations) {
  hedui::v1::ErrorDetails details;
  std::vector<std::string> listed;
  for (const auto& v : violations) {
    if (listed.size() == kMaxListedViolations) break;
    auto* kept = details.add_field_violations();
    kept->set_field(CutUtf8(v.field(), kMaxViolationChars));
    kept->set_description(CutUtf8(v.description(), kMaxViolationChars));
    listed.push_back(absl::StrCat(kept->field(), ": ", kept->description()));
  }
  details.set_total_violations(static_cast<int64_t>(violations.size()));
  std::string message = absl::StrCat(what, ": ", absl::StrJoin(listed, "; "));
  if (violations.size() > listed.size()) {
    absl::StrAppend(&message, "; and ", violations.size() - listed.size(),
                    " more (", violations.size(), " in all)");
  }
  return InvalidArgumentWithDetails(message, details);
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
