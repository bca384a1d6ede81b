#include "server/errors/error_details.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/service/status_mapping.h"

namespace hedui::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kVerify[] = "/hedui.v1.VerificationService/Verify";
constexpr char kRawId[] = "11010519491231002X";

struct Unpacked {
  google::rpc::Status status;
  std::vector<google::rpc::BadRequest> bad_requests;
  std::vector<google::rpc::PreconditionFailure> preconditions;
  std::vector<google::rpc::QuotaFailure> quotas;
  std::vector<google::rpc::RetryInfo> retries;
  std::vector<google::rpc::ErrorInfo> infos;
};

Unpacked Unpack(const google::rpc::Status& status) {
  Unpacked out;
  out.status = status;
  for (const auto& any : status.details()) {
    if (any.Is<google::rpc::BadRequest>()) {
      any.UnpackTo(&out.bad_requests.emplace_back());
    } else if (any.Is<google::rpc::PreconditionFailure>()) {
      any.UnpackTo(&out.preconditions.emplace_back());
    } else if (any.Is<google::rpc::QuotaFailure>()) {
      any.UnpackTo(&out.quotas.emplace_back());
    } else if (any.Is<google::rpc::RetryInfo>()) {
      any.UnpackTo(&out.retries.emplace_back());
    } else if (any.Is<google::rpc::ErrorInfo>()) {
      any.UnpackTo(&out.infos.emplace_back());
    } else {
      ADD_FAILURE() << "unexpected detail " << any.type_url();
    }
  }
  return out;
}

// What a client reads from grpc-status-details-bin: the mapping's error
// details, decoded.
Unpacked Sent(const absl::Status& status, const char* method = kVerify) {
  const grpc::Status mapped = ToGrpcStatus(status, nullptr, method);
  google::rpc::Status decoded;
  EXPECT_TRUE(decoded.ParseFromString(mapped.error_details()));
  EXPECT_EQ(decoded.code(), static_cast<int>(mapped.error_code()));
  EXPECT_EQ(decoded.message(), mapped.error_message());
  return Unpack(decoded);
}

TEST(RpcStatusOfTest, OkHasNoDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), nullptr).error_details().empty());
}

TEST(RpcStatusOfTest, FieldViolationsAreABadRequestWithTheirCount) {
  std::vector<hedui::v1::ErrorDetails::FieldViolation> violations(3);
  violations[0].set_field("members[0].person_id");
  violations[0].set_description(
      absl::StrCat("the check character of ", kRawId, " does not match"));
  violations[1].set_field("consent");
  violations[1].set_description("is required");
  violations[2].set_field("purpose");
  violations[2].set_description("is required");
  const Unpacked sent = Sent(InvalidArgumentWithViolations(
      "invalid verification request", violations));
  ASSERT_EQ(sent.bad_requests.size(), 1u);
  const auto& listed = sent.bad_requests[0].field_violations();
  ASSERT_EQ(listed.size(), 3);
  EXPECT_EQ(listed[0].field(), "members[0].person_id");
  EXPECT_THAT(listed[0].description(), HasSubstr("does not match"));
  EXPECT_THAT(listed[0].description(), Not(HasSubstr(kRawId)));
  EXPECT_THAT(sent.status.message(), Not(HasSubstr(kRawId)));
  ASSERT_EQ(sent.infos.size(), 1u);
  EXPECT_EQ(sent.infos[0].reason(), "INVALID_REQUEST");
  EXPECT_EQ(sent.infos[0].domain(), "hedui");
  EXPECT_EQ(sent.infos[0].metadata().at("violations"), "3");
  EXPECT_EQ(sent.infos[0].metadata().at("method"), kVerify);
}

TEST(RpcStatusOfTest, AFeedLineAndColumnGoInTheDescription) {
  hedui::v1::ErrorDetails details;
  auto* v = details.add_field_violations();
  v->set_field("person_id");
  v->set_description("check character does not match");
  v->set_line(12);
  v->set_column(3);
  details.set_total_violations(1);
  const Unpacked sent = Sent(InvalidArgumentWithDetails("bad feed", details));
  ASSERT_EQ(sent.bad_requests.size(), 1u);
  EXPECT_EQ(sent.bad_requests[0].field_violations(0).description(),
            "line 12, column 3: check character does not match");
  EXPECT_EQ(sent.infos[0].reason(), "INVALID_FEED");
}

TEST(RpcStatusOfTest, InvalidArgumentWithoutDetailsStillHasABadRequest) {
  const Unpacked sent = Sent(absl::InvalidArgumentError(
      "region_code \"32058\" is not a 6-digit county code"));
  ASSERT_EQ(sent.bad_requests.size(), 1u);
  EXPECT_EQ(sent.bad_requests[0].field_violations(0).field(), "region_code");
  const Unpacked sentence =
      Sent(absl::InvalidArgumentError("the request does not decode"));
  EXPECT_EQ(sentence.bad_requests[0].field_violations(0).field(), "");
}

TEST(RpcStatusOfTest, ConsentIsAPreconditionFailure) {
  const Unpacked sent = Sent(absl::FailedPreconditionError(absl::StrCat(
      "consent does not cover this verification: ", kRawId, " did not sign")));
  ASSERT_EQ(sent.preconditions.size(), 1u);
  EXPECT_EQ(sent.preconditions[0].violations(0).type(), "CONSENT");
  EXPECT_EQ(sent.preconditions[0].violations(0).subject(), "request.consent");
  EXPECT_THAT(sent.preconditions[0].violations(0).description(),
              Not(HasSubstr(kRawId)));
  EXPECT_EQ(sent.infos[0].reason(), "CONSENT_NOT_COVERING");
  const Unpacked policy = Sent(absl::FailedPreconditionError(
      "no policy in force for region 320581 on 2020-01-01: none"));
  EXPECT_EQ(policy.preconditions[0].violations(0).type(), "POLICY");
  EXPECT_EQ(policy.infos[0].reason(), "NO_POLICY_IN_FORCE");
}

// A refusal by the store's state about one field of the request: the
// field is the precondition's subject (FAILED_PRECONDITION) or named in
// ErrorInfo (another code).
absl::Status AboutField(absl::StatusCode code, const std::string& field) {
  hedui::v1::ErrorDetails details;
  auto* v = details.add_field_violations();
  v->set_field(field);
  v->set_description(absl::StrCat("held by ", kRawId));
  details.set_total_violations(1);
  absl::Status status(code, absl::StrCat(field, ": held"));
  status.SetPayload(kErrorDetailsPayloadUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

TEST(RpcStatusOfTest, AFieldTheStoreRefusesIsNamed) {
  const Unpacked failed =
      Sent(AboutField(absl::StatusCode::kFailedPrecondition, "roll_id"));
  ASSERT_EQ(failed.preconditions.size(), 1u);
  ASSERT_EQ(failed.preconditions[0].violations_size(), 1);
  EXPECT_EQ(failed.preconditions[0].violations(0).type(), "STATE");
  EXPECT_EQ(failed.preconditions[0].violations(0).subject(), "roll_id");
  EXPECT_THAT(failed.preconditions[0].violations(0).description(),
              Not(HasSubstr(kRawId)));
  const Unpacked missing =
      Sent(AboutField(absl::StatusCode::kNotFound, "roll_id"));
  EXPECT_EQ(missing.infos[0].metadata().at("field"), "roll_id");
}

TEST(RpcStatusOfTest, OverloadAndAFullStoreAreQuotaFailures) {
  const Unpacked caller = Sent(absl::ResourceExhaustedError(
      "the server is at its limit of 64 calls for one caller in flight; "
      "retry with backoff"));
  ASSERT_EQ(caller.quotas.size(), 1u);
  EXPECT_EQ(caller.quotas[0].violations(0).subject(), "caller");
  EXPECT_EQ(caller.infos[0].reason(), "OVERLOADED");
  EXPECT_EQ(caller.infos[0].metadata().at("limit"), "64");
  ASSERT_EQ(caller.retries.size(), 1u);
  EXPECT_EQ(caller.retries[0].retry_delay().seconds(), 0);
  EXPECT_EQ(caller.retries[0].retry_delay().nanos(), 200'000'000);
  const Unpacked server = Sent(absl::ResourceExhaustedError(
      "the server is at its limit of 256 calls in flight; retry with backoff"));
  EXPECT_EQ(server.quotas[0].violations(0).subject(), "server");
  const Unpacked full = Sent(absl::ResourceExhaustedError(
      "append: IO error: No space left on device: 000012.log"));
  EXPECT_EQ(full.quotas[0].violations(0).subject(), "store");
  EXPECT_EQ(full.infos[0].reason(), "STORE_FULL");
  // A full disk does not free itself in a moment: no retry delay offered.
  EXPECT_TRUE(full.retries.empty());
}

TEST(RpcStatusOfTest, ReasonsOfTheOtherRefusals) {
  const auto reason = [](const absl::Status& s) {
    const Unpacked sent = Sent(s);
    EXPECT_EQ(sent.infos.size(), 1u);
    EXPECT_TRUE(sent.bad_requests.empty() && sent.preconditions.empty() &&
                sent.quotas.empty());
    return sent.infos.empty() ? "" : sent.infos[0].reason();
  };
  // The door's own deadline check: sent whenever the client still listens.
  EXPECT_EQ(reason(absl::DeadlineExceededError(
                "the call's deadline passed before its work could run")),
            "DEADLINE_EXHAUSTED");
  EXPECT_EQ(reason(absl::DeadlineExceededError(
                "the stream was idle for more than 60 s and was closed")),
            "STREAM_IDLE");
  EXPECT_EQ(
      reason(absl::UnauthenticatedError("a client certificate is required")),
      "CALLER_NOT_AUTHENTICATED");
  EXPECT_EQ(reason(absl::PermissionDeniedError(
                "caller x may not call /hedui.v1.AdminService/Ingest; it "
                "needs the role ADMIN")),
            "METHOD_NOT_ALLOWED");
  EXPECT_EQ(reason(absl::PermissionDeniedError(
                "caller x may not verify for program TEKUN; it may for DIBAO")),
            "PROGRAM_NOT_ALLOWED");
  EXPECT_EQ(reason(absl::PermissionDeniedError(
                "caller x may not verify for county \"320582\"; it may for "
                "320581")),
            "COUNTY_NOT_ALLOWED");
  EXPECT_EQ(reason(absl::PermissionDeniedError(
                "caller x may not verify households registered in region "
                "320582")),
            "COUNTY_NOT_ALLOWED");
  EXPECT_EQ(reason(absl::NotFoundError("no report with id 'R000000000001'")),
            "REPORT_NOT_FOUND");
  EXPECT_EQ(reason(absl::DataLossError("the stored report cannot be read")),
            "DATA_LOSS");
  EXPECT_EQ(reason(WithReason(absl::NotFoundError("no roll 7"), "NO_ROLL")),
            "NO_ROLL");
}

TEST(InvalidArgumentWithViolationsTest, ListedTextIsBounded) {
  std::vector<hedui::v1::ErrorDetails::FieldViolation> violations(20);
  for (size_t i = 0; i < violations.size(); ++i) {
    violations[i].set_field(absl::StrCat("members[", i, "].name"));
    violations[i].set_description(std::string(150, 'x'));
  }
  const absl::Status status =
      InvalidArgumentWithViolations("invalid", violations);
  const auto details = GetErrorDetails(status);
  ASSERT_TRUE(details.has_value());
  size_t bytes = 0;
  for (const auto& v : details->field_violations()) {
    bytes += v.field().size() + v.description().size();
  }
  EXPECT_LE(bytes, kMaxListedViolationBytes);
  EXPECT_LT(details->field_violations_size(), 20);
  EXPECT_GE(details->field_violations_size(), 1);
  EXPECT_EQ(details->total_violations(), 20);
  EXPECT_THAT(std::string(status.message()), HasSubstr("in all)"));
}

}  // namespace
}  // namespace hedui::server

namespace hedui::server {
namespace {

TEST(NamePageTokenFieldTest, AStoreRefusalOfATokenNamesTheField) {
  const absl::Status named = NamePageTokenField(absl::InvalidArgumentError(
      "page_token: made by a listing with other filters; start again"));
  EXPECT_EQ(named.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(named.message(),
            "page_token: made by a listing with other filters; start again");
  const std::optional<hedui::v1::ErrorDetails> details = GetErrorDetails(named);
  ASSERT_TRUE(details.has_value());
  ASSERT_EQ(details->field_violations_size(), 1);
  EXPECT_EQ(details->field_violations(0).field(), "page_token");
  // Other refusals pass unchanged.
  const absl::Status other = absl::InvalidArgumentError("from_date: bad");
  EXPECT_EQ(NamePageTokenField(other), other);
  const absl::Status unavailable = absl::UnavailableError("page_token: x");
  EXPECT_EQ(NamePageTokenField(unavailable), unavailable);
}

}  // namespace
}  // namespace hedui::server
