#include "client/rpc_error.h"

#include <string>
#include <vector>

#include "client/exit_codes.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::cli {
namespace {

const CallInfo kIngestCall{"ingest", "10.0.0.5:7441", 3600};

hedui::v1::ErrorDetails::FieldViolation* AddViolation(
    hedui::v1::ErrorDetails* details, std::string field,
    std::string description, int64_t line, int32_t column) {
  auto* v = details->add_field_violations();
  v->set_field(std::move(field));
  v->set_description(std::move(description));
  v->set_line(line);
  v->set_column(column);
  return v;
}

// A google.rpc.Status as heduid sends it in grpc-status-details-bin.
std::string Standard(grpc::StatusCode code, const std::string& message,
                     const std::vector<google::protobuf::Message*>& details) {
  google::rpc::Status status;
  status.set_code(static_cast<int>(code));
  status.set_message(message);
  for (const auto* detail : details) status.add_details()->PackFrom(*detail);
  return status.SerializeAsString();
}

google::rpc::ErrorInfo Info(const std::string& reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("hedui");
  (*info.mutable_metadata())["method"] = "/hedui.v1.VerificationService/Verify";
  return info;
}

TEST(ExitCodeForStatusTest, Table) {
  using C = grpc::StatusCode;
  EXPECT_EQ(ExitCodeForStatus(C::OK), 0);
  EXPECT_EQ(ExitCodeForStatus(C::INTERNAL), 1);
  EXPECT_EQ(ExitCodeForStatus(C::UNKNOWN), 1);
  EXPECT_EQ(ExitCodeForStatus(C::DATA_LOSS), 1);
  EXPECT_EQ(ExitCodeForStatus(C::CANCELLED), 1);
  EXPECT_EQ(ExitCodeForStatus(C::UNIMPLEMENTED), 1);
  EXPECT_EQ(ExitCodeForStatus(C::ABORTED), 1);
  EXPECT_EQ(ExitCodeForStatus(C::INVALID_ARGUMENT), 3);
  EXPECT_EQ(ExitCodeForStatus(C::OUT_OF_RANGE), 3);
  EXPECT_EQ(ExitCodeForStatus(C::FAILED_PRECONDITION), 4);
  EXPECT_EQ(ExitCodeForStatus(C::ALREADY_EXISTS), 4);
  EXPECT_EQ(ExitCodeForStatus(C::UNAVAILABLE), 5);
  EXPECT_EQ(ExitCodeForStatus(C::DEADLINE_EXCEEDED), 5);
  EXPECT_EQ(ExitCodeForStatus(C::RESOURCE_EXHAUSTED), 5);
  EXPECT_EQ(ExitCodeForStatus(C::PERMISSION_DENIED), 6);
  EXPECT_EQ(ExitCodeForStatus(C::UNAUTHENTICATED), 6);
  EXPECT_EQ(ExitCodeForStatus(C::NOT_FOUND), 7);
  EXPECT_EQ(kExitUsage, 2);
}

TEST(DescribeRpcErrorTest, FieldViolationsAndMore) {
  hedui::v1::ErrorDetails details;
  AddViolation(&details, "person_id", "check character does not match", 3, 2);
  AddViolation(&details, "op", "expected upsert or delete", 7, 0);
  AddViolation(&details, "header.as_of", "is in the future", 0, 0);
  AddViolation(&details, "", "empty line", 9, 0);
  details.set_total_violations(57);
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall,
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                   "the file has 57 errors; nothing was written"),
      details.SerializeAsString());
  EXPECT_EQ(report.exit_code, kExitInvalidArgument);
  EXPECT_EQ(report.message,
            "hedui ingest: INVALID_ARGUMENT: the file has 57 errors; nothing "
            "was written\n"
            "  line 3, column 2 (person_id): check character does not match\n"
            "  line 7 (op): expected upsert or delete\n"
            "  header.as_of: is in the future\n"
            "  line 9: empty line\n"
            "  ... and 53 more\n");
}

TEST(DescribeRpcErrorTest, NoMoreLineWhenAllListed) {
  hedui::v1::ErrorDetails details;
  AddViolation(&details, "amount_yuan", "more than two decimals", 2, 4);
  details.set_total_violations(1);
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"),
      details.SerializeAsString());
  EXPECT_EQ(report.message,
            "hedui ingest: INVALID_ARGUMENT: bad\n"
            "  line 2, column 4 (amount_yuan): more than two decimals\n");
}

TEST(DescribeRpcErrorTest, WithoutDetails) {
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall,
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                   "snapshot has 10 rows, current has 1000; use --force"),
      absl::nullopt);
  EXPECT_EQ(report.exit_code, kExitFailedPrecondition);
  EXPECT_EQ(report.message,
            "hedui ingest: FAILED_PRECONDITION: snapshot has 10 rows, current "
            "has 1000; use --force\n");
}

TEST(DescribeRpcErrorTest, UndecodableDetailsAreSaidSo) {
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"),
      std::string("\xff\xff\xff", 3));
  EXPECT_EQ(report.exit_code, kExitInvalidArgument);
  EXPECT_NE(report.message.find("could not be decoded"), std::string::npos);
}

TEST(DescribeRpcErrorTest, HintsForUnreachableAndSlowServers) {
  const RpcErrorReport unavailable = DescribeRpcError(
      kIngestCall, grpc::Status(grpc::StatusCode::UNAVAILABLE, "refused"),
      absl::nullopt);
  EXPECT_EQ(unavailable.exit_code, kExitUnavailable);
  EXPECT_NE(unavailable.message.find("10.0.0.5:7441"), std::string::npos);
  EXPECT_NE(unavailable.message.find("HEDUI_SERVER"), std::string::npos);

  const RpcErrorReport deadline = DescribeRpcError(
      kIngestCall,
      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
      absl::nullopt);
  EXPECT_EQ(deadline.exit_code, kExitUnavailable);
  EXPECT_NE(deadline.message.find("3600 s"), std::string::npos);
  EXPECT_NE(deadline.message.find("--timeout"), std::string::npos);
}

TEST(DescribeRpcErrorTest, PermissionAndNotFound) {
  EXPECT_EQ(DescribeRpcError(
                kIngestCall,
                grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no cert"),
                absl::nullopt)
                .exit_code,
            kExitPermission);
  EXPECT_EQ(DescribeRpcError(kIngestCall,
                             grpc::Status(grpc::StatusCode::NOT_FOUND, "x"),
                             absl::nullopt)
                .exit_code,
            kExitNotFound);
}

TEST(DescribeRpcErrorTest, ControlCharactersFromTheServerAreNeutralised) {
  hedui::v1::ErrorDetails details;
  AddViolation(&details, "name\x1b[2J", "bad\r\nline", 1, 1);
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall,
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "x\x1b]0;pwned\x07"),
      details.SerializeAsString());
  EXPECT_EQ(report.message.find('\x1b'), std::string::npos);
  EXPECT_EQ(report.message.find('\r'), std::string::npos);
  EXPECT_EQ(report.message,
            "hedui ingest: INVALID_ARGUMENT: x?]0;pwned?\n"
            "  line 1, column 1 (name?[2J): bad??line\n");
}

TEST(DescribeRpcErrorTest, Utf8TextIsKept) {
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "编码错误"),
      absl::nullopt);
  EXPECT_EQ(report.message, "hedui ingest: INVALID_ARGUMENT: 编码错误\n");
}

const CallInfo kVerifyCall{"verify", "10.0.0.5:7441", 30};

TEST(DescribeRpcErrorTest, StandardBadRequestFieldsAndReason) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("members[0].person_id");
  v->set_description("the check character of the resident ID does not match");
  v = bad.add_field_violations();
  v->set_field("consent");
  v->set_description("is required");
  google::rpc::ErrorInfo info = Info("INVALID_REQUEST");
  (*info.mutable_metadata())["violations"] = "5";
  const std::string message = "invalid verification request: ...";
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT, message,
          Standard(grpc::StatusCode::INVALID_ARGUMENT, message, {&bad, &info})),
      absl::nullopt);
  EXPECT_EQ(report.exit_code, kExitInvalidArgument);
  EXPECT_EQ(report.message,
            "hedui verify: INVALID_ARGUMENT: invalid verification request: "
            "...\n"
            "  members[0].person_id: the check character of the resident ID "
            "does not match\n"
            "  consent: is required\n"
            "  ... and 3 more\n"
            "  reason: INVALID_REQUEST\n");
}

TEST(DescribeRpcErrorTest, HeduiDetailsPreferredForTheirLinesReasonStillShown) {
  hedui::v1::ErrorDetails details;
  AddViolation(&details, "person_id", "check character does not match", 3, 2);
  details.set_total_violations(1);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("person_id");
  v->set_description("line 3, column 2: check character does not match");
  google::rpc::ErrorInfo info = Info("INVALID_FEED");
  const RpcErrorReport report = DescribeRpcError(
      kIngestCall,
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad feed",
                   Standard(grpc::StatusCode::INVALID_ARGUMENT, "bad feed",
                            {&bad, &info})),
      details.SerializeAsString());
  EXPECT_EQ(report.message,
            "hedui ingest: INVALID_ARGUMENT: bad feed\n"
            "  line 3, column 2 (person_id): check character does not match\n"
            "  reason: INVALID_FEED\n");
}

TEST(DescribeRpcErrorTest, ConsentPreconditionAndReason) {
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type("CONSENT");
  v->set_subject("request.consent");
  v->set_description("consent does not cover this verification: expired");
  google::rpc::ErrorInfo info = Info("CONSENT_NOT_COVERING");
  const std::string message =
      "consent does not cover this verification: expired";
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message,
                   Standard(grpc::StatusCode::FAILED_PRECONDITION, message,
                            {&failure, &info})),
      absl::nullopt);
  EXPECT_EQ(report.exit_code, kExitFailedPrecondition);
  EXPECT_EQ(report.message,
            "hedui verify: FAILED_PRECONDITION: consent does not cover this "
            "verification: expired\n"
            "  precondition CONSENT not met (request.consent)\n"
            "  reason: CONSENT_NOT_COVERING\n");
}

TEST(DescribeRpcErrorTest, QuotaFailureAndReason) {
  google::rpc::QuotaFailure quota;
  auto* v = quota.add_violations();
  v->set_subject("caller");
  v->set_description("the server is at its limit of 64 calls for one caller");
  google::rpc::ErrorInfo info = Info("OVERLOADED");
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_nanos(200'000'000);
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "at its limit",
                   Standard(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "at its limit", {&quota, &retry, &info})),
      absl::nullopt);
  EXPECT_EQ(report.exit_code, kExitUnavailable);
  EXPECT_EQ(report.message,
            "hedui verify: RESOURCE_EXHAUSTED: at its limit\n"
            "  quota reached (caller)\n"
            "  retry after 200 ms\n"
            "  reason: OVERLOADED\n");
}

TEST(DescribeRpcErrorTest, ReasonOfAnotherDomainNamesIt) {
  google::rpc::ErrorInfo info;
  info.set_reason("API_DISABLED");
  info.set_domain("proxy.example");
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(
          grpc::StatusCode::PERMISSION_DENIED, "no",
          Standard(grpc::StatusCode::PERMISSION_DENIED, "no", {&info})),
      absl::nullopt);
  EXPECT_EQ(report.message,
            "hedui verify: PERMISSION_DENIED: no\n"
            "  reason: API_DISABLED (proxy.example)\n");
}

TEST(DescribeRpcErrorTest, UndecodableStandardDetailsAreSaid) {
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(grpc::StatusCode::INTERNAL, "x", std::string("\xff\xff", 2)),
      absl::nullopt);
  EXPECT_EQ(report.message,
            "hedui verify: INTERNAL: x\n"
            "  (the server's standard error details could not be decoded: 2 "
            "bytes in grpc-status-details-bin)\n");
}

TEST(DescribeRpcErrorTest, StandardDetailsTextIsNeutralised) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("a\x1b[2J");
  v->set_description("b\r\n");
  google::rpc::ErrorInfo info = Info("X\x07");
  const RpcErrorReport report = DescribeRpcError(
      kVerifyCall,
      grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT, "x",
          Standard(grpc::StatusCode::INVALID_ARGUMENT, "x", {&bad, &info})),
      absl::nullopt);
  EXPECT_EQ(report.message,
            "hedui verify: INVALID_ARGUMENT: x\n"
            "  a?[2J: b??\n"
            "  reason: X?\n");
}

}  // namespace
}  // namespace hedui::cli
