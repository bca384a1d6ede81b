#include "server/errors/error_details.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "server/errors/utf8_text.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

// RetryInfo.retry_delay of an overload refusal.
constexpr int kOverloadRetryDelayMillis = 200;

constexpr char kReasonPayloadUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

// The canonical name of a code ("NOT_FOUND"): absl's own spelling.
std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);
  return name.empty() ? "UNKNOWN" : name;
}

// The number after "limit of " in an admission refusal ("the server is at
// its limit of 64 calls for one caller in flight; ..."), and what it counts.
bool ParseAdmissionLimit(absl::string_view message, std::string* limit,
                         std::string* what) {
  constexpr absl::string_view kPrefix = "the server is at its limit of ";
  if (!absl::StartsWith(message, kPrefix)) return false;
  absl::string_view rest = message.substr(kPrefix.size());
  const size_t space = rest.find(' ');
  if (space == absl::string_view::npos) return false;
  int64_t cap = 0;
  if (!absl::SimpleAtoi(rest.substr(0, space), &cap)) return false;
  *limit = std::string(rest.substr(0, space));
  rest = rest.substr(space + 1);
  const size_t end = rest.find(" in flight");
  *what = std::string(rest.substr(0, end));
  return true;
}

std::string ClassifiedReason(const absl::Status& status) {
  const absl::string_view m = status.message();
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: {
      if (auto details = GetErrorDetails(status)) {
        for (const auto& v : details->field_violations()) {
          if (v.line() > 0) return "INVALID_FEED";
        }
      }
      return "INVALID_REQUEST";
    }
    case absl::StatusCode::kFailedPrecondition:
      if (absl::StartsWith(m, "consent does not cover")) {
        return "CONSENT_NOT_COVERING";
      }
      if (absl::StartsWith(m, "no policy in force") ||
          absl::StartsWith(m, "no verification policy is loaded")) {
        return "NO_POLICY_IN_FORCE";
      }
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kPermissionDenied:
      if (absl::StrContains(m, " may not verify for program ")) {
        return "PROGRAM_NOT_ALLOWED";
      }
      if (absl::StrContains(m, " may not verify for county ") ||
          absl::StrContains(m, " may not verify households registered in ")) {
        return "COUNTY_NOT_ALLOWED";
      }
      return "METHOD_NOT_ALLOWED";
    case absl::StatusCode::kUnauthenticated:
      return "CALLER_NOT_AUTHENTICATED";
    case absl::StatusCode::kResourceExhausted: {
      std::string limit, what;
      if (ParseAdmissionLimit(m, &limit, &what)) return "OVERLOADED";
      if (absl::StrContains(m, "No space left") ||
          absl::StrContains(m, "space limit") ||
          absl::StrContains(m, "NoSpace")) {
        return "STORE_FULL";
      }
      return "RESOURCE_EXHAUSTED";
    }
    case absl::StatusCode::kDeadlineExceeded:
      if (absl::StrContains(m, " was idle ")) return "STREAM_IDLE";
      return "DEADLINE_EXHAUSTED";
    case absl::StatusCode::kNotFound:
      if (absl::StartsWith(m, "no report with id")) return "REPORT_NOT_FOUND";
      return "NOT_FOUND";
    default:
      return CodeName(status.code());
  }
}

std::string Masked(absl::string_view text) {
  return MaskResidentIdsInText(text);
}

// The field a refusal without details names first ("region_code \"x\" is
// not a 6-digit county code", "page_size: must be ..."): a leading field
// path, else empty (the request as a whole).
std::string LeadingFieldPath(absl::string_view message) {
  size_t end = 0;
  while (end < message.size()) {
    const char c = message[end];
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
          c == '.' || c == '[' || c == ']')) {
      break;
    }
    ++end;
  }
  if (end == 0 || !absl::ascii_islower(message[0])) return "";
  if (end < message.size() && message[end] != ' ' && message[end] != ':') {
    return "";
  }
  const absl::string_view path = message.substr(0, end);
  // A sentence's first word is no field path ("the request ...").
  if (!absl::StrContains(path, '_') && !absl::StrContains(path, '.') &&
      !absl::StrContains(path, '[')) {
    return "";
  }
  return std::string(path);
}

}  // namespace

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
  size_t listed_bytes = 0;
  for (const auto& v : violations) {
    if (listed.size() == kMaxListedViolations) break;
    std::string field = CutUtf8(v.field(), kMaxViolationChars);
    std::string description = CutUtf8(v.description(), kMaxViolationChars);
    const size_t bytes = field.size() + description.size();
    // The first is always listed: a refusal names at least one field.
    if (!listed.empty() && listed_bytes + bytes > kMaxListedViolationBytes) {
      break;
    }
    listed_bytes += bytes;
    auto* kept = details.add_field_violations();
    *kept = v;
    kept->set_field(std::move(field));
    kept->set_description(std::move(description));
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

absl::Status NamePageTokenField(const absl::Status& status) {
  constexpr absl::string_view kPrefix = "page_token: ";
  if (status.code() != absl::StatusCode::kInvalidArgument ||
      !absl::StartsWith(status.message(), kPrefix)) {
    return status;
  }
  return FieldViolation("page_token", status.message().substr(kPrefix.size()));
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

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  status.SetPayload(kReasonPayloadUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::string RefusalReason(const absl::Status& status) {
  if (absl::optional<absl::Cord> payload =
          status.GetPayload(kReasonPayloadUrl)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload)) && !info.reason().empty()) {
      return info.reason();
    }
  }
  return ClassifiedReason(status);
}

google::rpc::Status RpcStatusOf(const absl::Status& status,
                                absl::string_view method) {
  google::rpc::Status rpc;
  if (status.ok()) return rpc;
  rpc.set_code(static_cast<int32_t>(status.code()));
  rpc.set_message(Masked(status.message()));

  google::rpc::ErrorInfo info;
  info.set_reason(RefusalReason(status));
  info.set_domain(kErrorDomain);
  auto& metadata = *info.mutable_metadata();
  if (!method.empty()) metadata["method"] = std::string(method);

  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: {
      std::optional<hedui::v1::ErrorDetails> details = GetErrorDetails(status);
      if (!details) {
        // Every INVALID_ARGUMENT carries a BadRequest, for clients that
        // look only there.
        details.emplace();
        auto* v = details->add_field_violations();
        v->set_field(LeadingFieldPath(status.message()));
        v->set_description(std::string(status.message()));
        details->set_total_violations(1);
      }
      google::rpc::BadRequest bad_request;
      for (const auto& v : details->field_violations()) {
        auto* out = bad_request.add_field_violations();
        out->set_field(Masked(v.field()));
        // BadRequest has no place for a feed's line and column.
        std::string where;
        if (v.line() > 0) {
          where = absl::StrCat("line ", v.line());
          if (v.column() > 0) absl::StrAppend(&where, ", column ", v.column());
          absl::StrAppend(&where, ": ");
        }
        out->set_description(absl::StrCat(where, Masked(v.description())));
      }
      metadata["violations"] = absl::StrCat(std::max<int64_t>(
          details->total_violations(), details->field_violations_size()));
      metadata["listed"] = absl::StrCat(details->field_violations_size());
      rpc.add_details()->PackFrom(bad_request);
      break;
    }
    case absl::StatusCode::kFailedPrecondition: {
      google::rpc::PreconditionFailure failure;
      // A refusal about fields of the request (a payload of violations)
      // names each as the subject the state of the store refuses.
      if (std::optional<hedui::v1::ErrorDetails> details =
              GetErrorDetails(status)) {
        for (const auto& v : details->field_violations()) {
          auto* violation = failure.add_violations();
          violation->set_type("STATE");
          violation->set_subject(Masked(v.field()));
          violation->set_description(Masked(v.description()));
        }
        if (failure.violations_size() > 0) {
          rpc.add_details()->PackFrom(failure);
          break;
        }
      }
      auto* violation = failure.add_violations();
      if (info.reason() == "CONSENT_NOT_COVERING") {
        violation->set_type("CONSENT");
        violation->set_subject("request.consent");
      } else if (info.reason() == "NO_POLICY_IN_FORCE") {
        violation->set_type("POLICY");
        violation->set_subject("request.region_code");
      } else {
        violation->set_type("STATE");
      }
      violation->set_description(rpc.message());
      rpc.add_details()->PackFrom(failure);
      break;
    }
    case absl::StatusCode::kResourceExhausted: {
      google::rpc::QuotaFailure failure;
      auto* violation = failure.add_violations();
      std::string limit, what;
      if (ParseAdmissionLimit(status.message(), &limit, &what)) {
        violation->set_subject(
            absl::StrContains(what, "for one caller") ? "caller" : "server");
        metadata["limit"] = limit;
        metadata["in_flight"] = what;
        // A slot frees when a call in flight ends, which under load takes
        // about as long as one verification with its synced write; asking
        // for a pause keeps standard client retry policies from hammering.
        google::rpc::RetryInfo retry;
        retry.mutable_retry_delay()->set_nanos(kOverloadRetryDelayMillis *
                                               1'000'000);
        rpc.add_details()->PackFrom(retry);
      } else if (info.reason() == "STORE_FULL") {
        violation->set_subject("store");
      }
      violation->set_description(rpc.message());
      rpc.add_details()->PackFrom(failure);
      break;
    }
    default:
      // NOT_FOUND, ALREADY_EXISTS, ... about a field of the request.
      if (std::optional<hedui::v1::ErrorDetails> details =
              GetErrorDetails(status);
          details && details->field_violations_size() > 0) {
        metadata["field"] = Masked(details->field_violations(0).field());
      }
      break;
  }
  rpc.add_details()->PackFrom(info);
  return rpc;
}

absl::Status FieldError(absl::StatusCode code, absl::string_view field,
                        absl::string_view description) {
  hedui::v1::ErrorDetails details;
  auto* violation = details.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(CutUtf8(description, kMaxViolationChars));
  details.set_total_violations(1);
  absl::Status status(code, absl::StrCat(field, ": ", description));
  status.SetPayload(kErrorDetailsPayloadUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

}  // namespace hedui::server
