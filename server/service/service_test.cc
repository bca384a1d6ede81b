// The services in process, through the call door, on a real store with
// a small synthetic county, over a real gRPC channel (plaintext on loopback:
// TLS and the callers file are tested in server/security; here the caller is
// named by a test header, so that roles and scopes can vary per call). Runs
// in the sanitizer tree: VerifyBatch's threads and every refusal path.
// Expected verdicts come from the county generator's labels, never from the
// engine.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "hedui/v1/admin.grpc.pb.h"
#include "hedui/v1/audit.grpc.pb.h"
#include "hedui/v1/change_service.grpc.pb.h"
#include "hedui/v1/retention.grpc.pb.h"
#include "hedui/v1/roll_service.grpc.pb.h"
#include "hedui/v1/verification_service.grpc.pb.h"
#include "rocksdb/db.h"
#include "server/errors/error_details.h"
#include "server/service/admin_service.h"
#include "server/service/audit_service.h"
#include "server/service/call_door.h"
#include "server/service/call_workers.h"
#include "server/service/change_service.h"
#include "server/service/policy_holder.h"
#include "server/service/retention_service.h"
#include "server/service/roll_service.h"
#include "server/service/verification_service.h"
#include "server/service/verifier.h"
#include "storage/events/event_store.h"
#include "storage/request_ids.h"
#include "storage/retention.h"
#include "storage/rolls/roll_keys.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"
#include "storage/store.h"
#include "storage/types/civil_date.h"
#include "tests/county/county_fixture.h"

namespace hedui::server {
namespace {

using ::testing::HasSubstr;
namespace pb = hedui::v1;

constexpr char kCallerHeader[] = "x-test-caller";
constexpr int kResidents = 20000;
constexpr int kMaxStreamsPerCaller = 3;
constexpr char kVerifyBatchMethod[] =
    "/hedui.v1.VerificationService/VerifyBatch";

security::Caller MakeCaller(std::string identity, security::Role role,
                            security::RegionScope regions) {
  security::Caller caller;
  caller.identity = std::move(identity);
  caller.role = role;
  caller.programs = security::ProgramScope::All();
  caller.regions = std::move(regions);
  return caller;
}

// Identities the test header may name; anything else is unauthenticated.
const std::map<std::string, security::Caller>& Callers() {
  static const auto* const callers =
      new std::map<std::string, security::Caller>{
          {"county-system",
           MakeCaller("county-system", hedui::config::v1::PROGRAM_SYSTEM,
                      security::RegionScope::All())},
          {"other-system",
           MakeCaller("other-system", hedui::config::v1::PROGRAM_SYSTEM,
                      security::RegionScope::All())},
          {"only-320581",
           MakeCaller("only-320581", hedui::config::v1::PROGRAM_SYSTEM,
                      security::RegionScope::Only({"320581"}))},
          {"only-320582",
           MakeCaller("only-320582", hedui::config::v1::PROGRAM_SYSTEM,
                      security::RegionScope::Only({"320582"}))},
          {"revocable",
           MakeCaller("revocable", hedui::config::v1::PROGRAM_SYSTEM,
                      security::RegionScope::All())},
          {"staff", MakeCaller("staff", hedui::config::v1::STAFF,
                               security::RegionScope::All())},
          {"admin", MakeCaller("admin", hedui::config::v1::ADMIN,
                               security::RegionScope::All())},
      };
  return *callers;
}

// A caller taken out of the callers file while its stream is open.
std::atomic<bool> revoked{false};

absl::StatusOr<security::Caller> TestCaller(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find(kCallerHeader);
  if (found == metadata.end()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  if (revoked.load() && found->second == "revocable") {
    return absl::UnauthenticatedError("the client certificate is revoked");
  }
  auto caller =
      Callers().find(std::string(found->second.data(), found->second.size()));
  if (caller == Callers().end()) {
    return absl::PermissionDeniedError("certificate not in the callers file");
  }
  return caller->second;
}

// One county, store, log and server for the whole suite: generating and
// loading the county is the slow part.
class Services : public ::testing::Environment {
 public:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/hedui_service_test_",
                        static_cast<long>(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string county = dir_ + "/county";
    const absl::Status generated = county::GenerateCounty(county, kResidents);
    ASSERT_TRUE(generated.ok()) << generated;
    storage::StoreOptions options;
    options.path = dir_ + "/store";
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    const auto loaded = county::LoadCounty(county, store_.get());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto requests = county::ReadApplications(county);
    ASSERT_TRUE(requests.ok()) << requests.status();
    auto labels = county::ReadLabels(county);
    ASSERT_TRUE(labels.ok()) << labels.status();
    requests_ = std::move(*requests);
    labels_ = std::move(*labels);

    storage::ServiceLogOptions log_options;
    log_options.audit_key = std::string(32, 'k');
    log_options.head_file = dir_ + "/audit.head";
    auto log = storage::ServiceLog::Open(store_->service_tables(),
                                         std::move(log_options));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);

    policies_ = std::make_unique<PolicyHolder>(
        absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/policy/example.textproto"));
    ASSERT_TRUE(policies_->Reload().ok());
    verifier_ = std::make_unique<Verifier>(store_.get(), policies_.get());
    // The county's applications are dated; the server's today is the
    // latest of them, so that every one is within the backdating limit.
    for (const auto& r : requests_) {
      today_ = std::max(today_, *FromProto(r.verification_date(), ""));
    }
    const absl::CivilDay today = today_;
    verifier_->set_today([today] { return today; });

    CallDoor::Options door_options;
    door_options.limits.max_in_flight = 64;
    door_options.limits.max_in_flight_per_caller = 32;
    door_options.limits.max_streams = 8;
    door_options.limits.max_streams_per_caller = kMaxStreamsPerCaller;
    door_options.stream_idle_timeout = absl::Seconds(2);
    door_ = std::make_unique<CallDoor>(&TestCaller, log_.get(), door_options);
    verification_ = std::make_unique<VerificationServiceImpl>(
        door_.get(), verifier_.get(), log_.get(), store_->service_tables());
    admin_ = std::make_unique<AdminServiceImpl>(door_.get(), store_.get(),
                                                IngestLimits{});
    audit_ = std::make_unique<AuditServiceImpl>(door_.get(), log_.get());
    purger_ = std::make_unique<storage::Purger>(store_.get(), log_.get(),
                                                storage::RetentionOptions{});
    retention_ =
        std::make_unique<RetentionServiceImpl>(door_.get(), purger_.get());
    auto rolls = storage::RollStore::Open(store_->service_tables());
    ASSERT_TRUE(rolls.ok()) << rolls.status();
    rolls_ = std::move(*rolls);
    roll_service_ = std::make_unique<RollServiceImpl>(
        door_.get(), rolls_.get(), log_.get(), policies_.get());
    roll_service_->set_today([today] { return today; });

    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(verification_.get());
    builder.RegisterService(admin_.get());
    builder.RegisterService(audit_.get());
    builder.RegisterService(retention_.get());
    builder.RegisterService(roll_service_.get());
    builder.SetMaxReceiveMessageSize(16 << 20);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    roll_service_.reset();
    rolls_.reset();
    retention_.reset();
    audit_.reset();
    admin_.reset();
    verification_.reset();
    door_.reset();
    purger_.reset();
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::ServiceLog> log_;
  std::unique_ptr<PolicyHolder> policies_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<CallDoor> door_;
  std::unique_ptr<VerificationServiceImpl> verification_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<storage::Purger> purger_;
  std::unique_ptr<RetentionServiceImpl> retention_;
  std::unique_ptr<storage::RollStore> rolls_;
  std::unique_ptr<RollServiceImpl> roll_service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  int port_ = 0;
  std::vector<pb::VerificationRequest> requests_;
  std::vector<county::Label> labels_;
  absl::CivilDay today_ = absl::CivilDay(1970, 1, 1);
};

Services* env = nullptr;

std::unique_ptr<grpc::ClientContext> As(
    const std::string& caller, absl::Duration deadline = absl::Seconds(60)) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!caller.empty()) context->AddMetadata(kCallerHeader, caller);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoSeconds(deadline));
  return context;
}

pb::ErrorDetails DetailsOf(const grpc::ClientContext& context) {
  pb::ErrorDetails details;
  const auto& trailers = context.GetServerTrailingMetadata();
  auto found = trailers.find(kErrorDetailsTrailer);
  if (found != trailers.end()) {
    details.ParseFromString(
        std::string(found->second.data(), found->second.size()));
  }
  return details;
}

uint64_t AuditLength() { return env->log_->AuditLength(); }

// The entry numbered `sequence`, among the recent ones; page tokens are
// opaque, so the pages are walked.
pb::AuditEntry AuditEntryAt(uint64_t sequence) {
  auto stub = pb::AuditService::NewStub(env->channel_);
  pb::ListAuditRequest recent;
  recent.set_from_unix_micros(
      absl::ToUnixMicros(absl::Now() - absl::Minutes(30)));
  recent.set_page_size(1000);
  for (;;) {
    pb::ListAuditResponse listed;
    auto context = As("staff");
    grpc::Status s = stub->ListAudit(context.get(), recent, &listed);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) return pb::AuditEntry();
    for (const pb::AuditEntry& entry : listed.entries()) {
      if (entry.sequence() == sequence) return entry;
    }
    if (listed.next_page_token().empty()) return pb::AuditEntry();
    recent.set_page_token(listed.next_page_token());
  }
}

void ExpectChainIntact() {
  auto stub = pb::AuditService::NewStub(env->channel_);
  pb::VerifyAuditResponse checked;
  auto context = As("staff");
  ASSERT_TRUE(stub->VerifyAudit(context.get(), {}, &checked).ok());
  EXPECT_TRUE(checked.intact()) << checked.problem();
  pb::ListAuditResponse listed;
  pb::ListAuditRequest all;
  all.set_page_size(1000);
  auto list_context = As("staff");
  grpc::Status s = stub->ListAudit(list_context.get(), all, &listed);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

// The first application labelled with a verdict, with its index.
size_t FirstApplication(pb::Program program) {
  for (size_t i = 0; i < env->requests_.size(); ++i) {
    if (env->requests_[i].program() == program &&
        env->labels_[i].verdict != pb::VERDICT_UNSPECIFIED) {
      return i;
    }
  }
  return env->requests_.size();
}

TEST(ServiceTest, VerifyAnswersTheLabelledVerdictAndStoresTheReport) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  int checked = 0;
  for (size_t i = 0; i < env->requests_.size() && checked < 20; ++i) {
    if (env->labels_[i].verdict == pb::VERDICT_UNSPECIFIED) continue;
    pb::VerifyRequest request;
    *request.mutable_request() = env->requests_[i];
    pb::VerifyResponse response;
    auto context = As("county-system");
    grpc::Status s = stub->Verify(context.get(), request, &response);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
    EXPECT_EQ(response.report().verdict(), env->labels_[i].verdict)
        << env->labels_[i].application_id << ": " << env->labels_[i].why;
    pb::GetReportRequest get;
    get.set_report_id(response.report().report_id());
    pb::Report stored;
    auto get_context = As("county-system");
    ASSERT_TRUE(stub->GetReport(get_context.get(), get, &stored).ok());
    EXPECT_EQ(stored.SerializeAsString(),
              response.report().SerializeAsString());
    ++checked;
  }
  EXPECT_EQ(checked, 20);
  ExpectChainIntact();
}

// Several batches at once, each with bad items among good ones: every result
// in order, labelled verdicts, one entry per item, the chain intact.
TEST(ServiceTest, ConcurrentBatchesAnswerEveryItemInOrder) {
  constexpr int kStreams = 3;
  constexpr int kItems = 40;
  const uint64_t before = AuditLength();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kStreams; ++t) {
    threads.emplace_back([t, &failures] {
      auto stub = pb::VerificationService::NewStub(env->channel_);
      auto context = As(t == 0 ? "county-system" : "other-system");
      auto stream = stub->VerifyBatch(context.get());
      std::vector<int> expected;  // label index, or -1 for a bad item
      for (int k = 0; k < kItems; ++k) {
        const size_t i =
            (static_cast<size_t>(t) * kItems + k) % env->requests_.size();
        pb::VerifyRequest request;
        *request.mutable_request() = env->requests_[i];
        if (k % 7 == 3) {
          request.mutable_request()->mutable_members(0)->set_person_id("x");
          expected.push_back(-1);
        } else {
          expected.push_back(static_cast<int>(i));
        }
        if (!stream->Write(request)) break;
      }
      stream->WritesDone();
      pb::VerifyBatchResult result;
      size_t n = 0;
      while (stream->Read(&result)) {
        if (n >= expected.size() || result.index() != static_cast<int>(n)) {
          ++failures;
        } else if (expected[n] < 0) {
          if (result.code() != grpc::StatusCode::INVALID_ARGUMENT) ++failures;
        } else if (env->labels_[expected[n]].verdict !=
                       pb::VERDICT_UNSPECIFIED &&
                   result.report().verdict() !=
                       env->labels_[expected[n]].verdict) {
          ++failures;
        }
        ++n;
      }
      if (n != expected.size() || !stream->Finish().ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // One entry per item and one per stream.
  EXPECT_EQ(AuditLength() - before, kStreams * kItems + kStreams);
  ExpectChainIntact();
}

// A revocation or a callers-file reload while a batch is open takes effect
// at its next item, as at the next unary call.
TEST(ServiceTest, BatchItemsAreAuthorisedAgainstTheCallersInForce) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  auto context = As("revocable");
  auto stream = stub->VerifyBatch(context.get());
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[FirstApplication(pb::DIBAO)];
  pb::VerifyBatchResult result;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&result));
  EXPECT_EQ(result.code(), 0) << result.message();
  revoked = true;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&result));
  revoked = false;
  EXPECT_EQ(result.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(result.has_report());
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

// Defect 1: a purpose cut in the middle of a character broke the chain for
// everyone, and an unauthenticated call could do it.
TEST(ServiceTest, LongChinesePurposeFromAnyoneLeavesTheChainReadable) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[FirstApplication(pb::DIBAO)];
  // 67 characters are 201 bytes: the old 200-byte cut split the last one.
  std::string within;
  for (int i = 0; i < 67; ++i) within += "核";
  std::string beyond;
  for (int i = 0; i < 150; ++i) beyond += "核对";
  for (const std::string caller : {"", "county-system"}) {
    for (const std::string& purpose : {within, beyond}) {
      request.mutable_request()->set_purpose(purpose);
      pb::VerifyResponse response;
      auto context = As(caller);
      stub->Verify(context.get(), request, &response);
    }
  }
  ExpectChainIntact();
  pb::ListAuditResponse listed;
  pb::ListAuditRequest recent;
  recent.set_page_size(4);
  auto context = As("staff");
  ASSERT_TRUE(pb::AuditService::NewStub(env->channel_)
                  ->ListAudit(context.get(), recent, &listed)
                  .ok());
}

// Defect 2: the refusal of a household registered in another county read
// the region after the report was freed (ASan reports it here).
TEST(ServiceTest, HouseholdOfAnotherCountyIsRefusedNamingItsCounty) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  size_t i = FirstApplication(pb::DIBAO);
  ASSERT_LT(i, env->requests_.size());
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[i];
  // The household is registered where its application says; a caller of
  // the other county names that county in its request.
  const std::string registered = request.request().region_code();
  const std::string other = registered == "320581" ? "320582" : "320581";
  request.mutable_request()->set_region_code(other);
  pb::VerifyResponse response;
  auto context = As("only-" + other);
  grpc::Status s = stub->Verify(context.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  EXPECT_THAT(s.error_message(),
              HasSubstr("registered in region " + registered));
}

// Defect 4: whatever a refused call sends, its audit entry stays small.
TEST(ServiceTest, OversizedFieldsOfAnUnauthenticatedCallAreAuditedBounded) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[0];
  request.mutable_request()->set_region_code(std::string(7 << 20, '3'));
  const uint64_t before = AuditLength();
  pb::VerifyResponse response;
  auto context = As("");
  grpc::Status s = stub->Verify(context.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(AuditLength(), before + 1);
  const pb::AuditEntry entry = AuditEntryAt(before + 1);
  EXPECT_EQ(entry.sequence(), before + 1);
  EXPECT_LT(entry.ByteSizeLong(), 2000u);
  EXPECT_EQ(entry.caller(), kUnauthenticatedCaller);
  EXPECT_EQ(entry.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(entry.persons_hash().empty());

  // The same from a known caller: refused for the field, named.
  auto known = As("county-system");
  s = stub->Verify(known.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("region_code"));
  EXPECT_LT(s.error_message().size(), 4000u);
}

// Defect 10: many invalid fields are listed up to a cap, with the count.
TEST(ServiceTest, ManyViolationsAreListedUpToACapWithTheirCount) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[0];
  auto* members = request.mutable_request()->mutable_members();
  while (members->size() < 45) *members->Add() = members->Get(0);
  for (auto& member : *members) member.set_person_id("not-an-id");
  pb::VerifyResponse response;
  auto context = As("county-system");
  grpc::Status s = stub->Verify(context.get(), request, &response);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  const pb::ErrorDetails details = DetailsOf(*context);
  EXPECT_EQ(details.field_violations_size(),
            static_cast<int>(kMaxListedViolations));
  EXPECT_GE(details.total_violations(), 45);
  EXPECT_THAT(s.error_message(), HasSubstr("more ("));
}

// Defect 13: bytes that are not the request message.
TEST(ServiceTest, UndecodableRequestIsInvalidArgumentAndAudited) {
  const uint64_t before = AuditLength();
  grpc::Slice slice(std::string("\xff\xff\xff\xff garbage"));
  grpc::ByteBuffer garbage(&slice, 1);
  grpc::ByteBuffer reply;
  auto context = As("county-system");
  grpc::Status s = grpc::internal::BlockingUnaryCall(
      env->channel_.get(),
      grpc::internal::RpcMethod("/hedui.v1.VerificationService/Verify",
                                grpc::internal::RpcMethod::NORMAL_RPC),
      context.get(), garbage, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("hedui.v1.VerifyRequest"));
  EXPECT_EQ(AuditLength(), before + 1);

  // A text field that is not UTF-8, encoded by hand: field 1 (request),
  // field 3 (purpose) = 0xC3 0x28.
  const std::string bad_utf8("\x0a\x04\x1a\x02\xc3\x28", 6);
  grpc::Slice bad_slice(bad_utf8);
  grpc::ByteBuffer bad(&bad_slice, 1);
  auto utf8_context = As("");
  s = grpc::internal::BlockingUnaryCall(
      env->channel_.get(),
      grpc::internal::RpcMethod("/hedui.v1.VerificationService/Verify",
                                grpc::internal::RpcMethod::NORMAL_RPC),
      utf8_context.get(), bad, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(AuditLength(), before + 2);
  ExpectChainIntact();
}

// Defect 14: enum values and codes out of range are named.
TEST(ServiceTest, ListAndStatsFieldsAreBounded) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  pb::ListReportsRequest list;
  list.set_program(static_cast<pb::Program>(99));
  list.set_verdict(static_cast<pb::Verdict>(99));
  pb::ListReportsResponse listed;
  auto context = As("staff");
  grpc::Status s = stub->ListReports(context.get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("program"));
  EXPECT_THAT(s.error_message(), HasSubstr("verdict"));

  pb::GetStatsRequest stats;
  *stats.mutable_from_date() = ToProto(absl::CivilDay(2026, 1, 1));
  *stats.mutable_to_date() = ToProto(absl::CivilDay(2026, 12, 31));
  stats.set_region_code(std::string(100 << 10, '1'));
  pb::GetStatsResponse answered;
  auto stats_context = As("staff");
  s = stub->GetStats(stats_context.get(), stats, &answered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("region_code"));
  EXPECT_LT(s.error_message().size(), 1000u);
}

// Every method, called without an identity, is refused and audited.
TEST(ServiceTest, EveryMethodRefusesTheUnauthenticatedAndAuditsIt) {
  const char* const methods[] = {
      "/hedui.v1.VerificationService/Verify",
      "/hedui.v1.VerificationService/GetReport",
      "/hedui.v1.VerificationService/ListReports",
      "/hedui.v1.VerificationService/GetStats",
      "/hedui.v1.AdminService/ListDepartments",
      "/hedui.v1.AdminService/CreateBackup",
      "/hedui.v1.AdminService/ListBackups",
      "/hedui.v1.AdminService/VerifyBackup",
      "/hedui.v1.AdminService/PruneBackups",
      "/hedui.v1.AdminService/GetServerStatus",
      "/hedui.v1.AuditService/ListAudit",
      "/hedui.v1.AuditService/VerifyAudit",
      "/hedui.v1.RetentionService/Purge",
      "/hedui.v1.RollService/Enroll",
      "/hedui.v1.RollService/Withdraw",
      "/hedui.v1.RollService/GetRollEntry",
      "/hedui.v1.RollService/ListRoll",
      "/hedui.v1.RollService/AttachConsent",
  };
  // Valid requests of every method where the empty one is not.
  std::map<std::string, std::string> bodies;
  {
    pb::VerifyRequest verify;
    *verify.mutable_request() = env->requests_[0];
    bodies[methods[0]] = verify.SerializeAsString();
    pb::GetReportRequest get;
    get.set_report_id("R000000000001");
    bodies[methods[1]] = get.SerializeAsString();
    pb::GetStatsRequest stats;
    *stats.mutable_from_date() = ToProto(absl::CivilDay(2026, 1, 1));
    *stats.mutable_to_date() = ToProto(absl::CivilDay(2026, 12, 31));
    bodies[methods[3]] = stats.SerializeAsString();
    pb::VerifyBackupRequest verify_backup;
    verify_backup.set_backup_id(1);
    bodies[methods[7]] = verify_backup.SerializeAsString();
    pb::PruneBackupsRequest prune;
    prune.set_keep_last(1);
    bodies[methods[8]] = prune.SerializeAsString();
    pb::EnrollRequest enroll;
    enroll.set_request_id("unauthenticated-1");
    enroll.set_program(pb::DIBAO);
    enroll.set_region_code("320581");
    enroll.set_report_id("R000000000001");
    *enroll.mutable_approval_date() = ToProto(absl::CivilDay(2026, 11, 1));
    bodies[methods[13]] = enroll.SerializeAsString();
    pb::WithdrawRequest withdraw;
    withdraw.set_request_id("unauthenticated-2");
    withdraw.set_entry_id("E000000000001");
    withdraw.set_reason(pb::RollEntry::VOLUNTARY);
    bodies[methods[14]] = withdraw.SerializeAsString();
    pb::GetRollEntryRequest get_entry;
    get_entry.set_entry_id("E000000000001");
    bodies[methods[15]] = get_entry.SerializeAsString();
    pb::ListRollRequest list_roll;
    list_roll.set_program(pb::DIBAO);
    bodies[methods[16]] = list_roll.SerializeAsString();
    pb::AttachConsentRequest attach;
    attach.set_request_id("unauthenticated-3");
    attach.set_entry_id("E000000000001");
    *attach.mutable_consent() = env->requests_[0].consent();
    bodies[methods[17]] = attach.SerializeAsString();
  }
  for (const char* method : methods) {
    const uint64_t before = AuditLength();
    grpc::Slice slice(bodies[method]);
    grpc::ByteBuffer body(&slice, 1);
    grpc::ByteBuffer reply;
    auto context = As("");
    grpc::Status s = grpc::internal::BlockingUnaryCall(
        env->channel_.get(),
        grpc::internal::RpcMethod(method,
                                  grpc::internal::RpcMethod::NORMAL_RPC),
        context.get(), body, &reply);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_EQ(AuditLength(), before + 1) << method;
  }
}

// Defect 8: idle batch streams of one caller take only that caller's share,
// and are closed when idle; another caller is served meanwhile.
TEST(ServiceTest, IdleStreamsTakeOnlyTheirCallersShareAndAreClosed) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<
      grpc::ClientReaderWriter<pb::VerifyRequest, pb::VerifyBatchResult>>>
      streams;
  for (int i = 0; i < kMaxStreamsPerCaller; ++i) {
    contexts.push_back(As("other-system"));
    streams.push_back(stub->VerifyBatch(contexts.back().get()));
  }
  // The door admits a stream when its handler runs: wait for them.
  for (int i = 0;
       i < 100 && env->door_->admission().in_flight() < kMaxStreamsPerCaller;
       ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(env->door_->admission().in_flight(), kMaxStreamsPerCaller);
  auto refused_context = As("other-system");
  auto refused = stub->VerifyBatch(refused_context.get());
  grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("for one caller"));

  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[FirstApplication(pb::DIBAO)];
  pb::VerifyResponse response;
  auto served = As("county-system");
  EXPECT_TRUE(stub->Verify(served.get(), request, &response).ok());

  // Idle for longer than the door's 2 s: closed by the server.
  for (auto& stream : streams) {
    grpc::Status closed = stream->Finish();
    EXPECT_FALSE(closed.ok());
  }
  // The server cancels first and releases the slots as its handlers end,
  // a moment later.
  grpc::Status again_status;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto again_context = As("other-system");
    auto again = stub->VerifyBatch(again_context.get());
    again->WritesDone();
    again_status = again->Finish();
    if (again_status.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(again_status.ok()) << again_status.error_message();
  // The closed streams are audited as such, not as OK.
  pb::ListAuditRequest by_caller;
  by_caller.set_caller("other-system");
  by_caller.set_page_size(1000);
  pb::ListAuditResponse listed;
  auto list_context = As("staff");
  ASSERT_TRUE(pb::AuditService::NewStub(env->channel_)
                  ->ListAudit(list_context.get(), by_caller, &listed)
                  .ok());
  int closed_idle = 0;
  for (const auto& entry : listed.entries()) {
    if (entry.method() == kVerifyBatchMethod &&
        entry.code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      ++closed_idle;
    }
  }
  EXPECT_EQ(closed_idle, kMaxStreamsPerCaller);
  ExpectChainIntact();
}

// ---- RollService (issue 16 item 1): the same door as Verify. ----

// Verifies the `nth` application labelled `verdict` of `program` as
// `caller`: the report a program would enrol.
pb::Report VerifiedReport(pb::Program program, pb::Verdict verdict, int nth,
                          const std::string& caller = "county-system") {
  int seen = 0;
  for (size_t i = 0; i < env->requests_.size(); ++i) {
    if (env->requests_[i].program() != program ||
        env->labels_[i].verdict != verdict || seen++ < nth) {
      continue;
    }
    pb::VerifyRequest request;
    *request.mutable_request() = env->requests_[i];
    pb::VerifyResponse response;
    auto context = As(caller);
    grpc::Status s = pb::VerificationService::NewStub(env->channel_)
                         ->Verify(context.get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.report().verdict(), verdict);
    return response.report();
  }
  ADD_FAILURE() << "no application labelled " << pb::Verdict_Name(verdict);
  return pb::Report();
}

pb::EnrollRequest EnrollOf(const pb::Report& report,
                           const std::string& request_id) {
  pb::EnrollRequest request;
  request.set_request_id(request_id);
  request.set_program(report.program());
  request.set_region_code(report.policy().region_code());
  request.set_report_id(report.report_id());
  *request.mutable_approval_date() = report.verification_date();
  return request;
}

grpc::Status Enroll(const pb::EnrollRequest& request,
                    pb::EnrollResponse* response,
                    const std::string& caller = "county-system",
                    pb::ErrorDetails* details = nullptr) {
  auto context = As(caller);
  grpc::Status s = pb::RollService::NewStub(env->channel_)
                       ->Enroll(context.get(), request, response);
  if (details != nullptr) *details = DetailsOf(*context);
  return s;
}

grpc::Status Withdraw(const pb::WithdrawRequest& request,
                      pb::WithdrawResponse* response,
                      const std::string& caller = "county-system") {
  auto context = As(caller);
  return pb::RollService::NewStub(env->channel_)
      ->Withdraw(context.get(), request, response);
}

std::set<std::string> FieldsOf(const pb::ErrorDetails& details) {
  std::set<std::string> fields;
  for (const auto& v : details.field_violations()) fields.insert(v.field());
  return fields;
}

std::string FieldOf(const pb::ErrorDetails& details) {
  return details.field_violations_size() > 0
             ? details.field_violations(0).field()
             : "";
}

// The callback path (issue 17): the unary methods run on the door's fixed
// workers, not on a thread per call.

int ThreadsOfProcess() {
  int threads = 0;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/self/task")) {
    (void)task;
    ++threads;
  }
  return threads;
}

// Applications the engine answers with a verdict (no refusal).
const std::vector<size_t>& Labelled() {
  static const auto* const labelled = [] {
    auto* out = new std::vector<size_t>;
    for (size_t i = 0; i < env->requests_.size(); ++i) {
      if (env->labels_[i].verdict != pb::VERDICT_UNSPECIFIED) out->push_back(i);
    }
    return out;
  }();
  return *labelled;
}

// `count` Verify calls of `caller`, at most `window` outstanding at once,
// from this one client thread; `on_done` after each answer.
std::vector<grpc::Status> VerifyMany(
    const std::string& caller, int count, int window,
    std::chrono::microseconds deadline = std::chrono::seconds(60),
    const std::function<void()>& on_done = {}) {
  auto stub = pb::VerificationService::NewStub(env->channel_);
  grpc::CompletionQueue queue;
  struct Pending {
    grpc::ClientContext context;
    pb::VerifyResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<pb::VerifyResponse>> reader;
  };
  std::vector<std::unique_ptr<Pending>> calls(count);
  const std::vector<size_t>& labelled = Labelled();
  int started = 0;
  const auto start = [&] {
    auto& call = calls[started];
    call = std::make_unique<Pending>();
    call->context.AddMetadata(kCallerHeader, caller);
    call->context.set_deadline(std::chrono::system_clock::now() + deadline);
    pb::VerifyRequest request;
    *request.mutable_request() =
        env->requests_[labelled[started % labelled.size()]];
    call->reader = stub->AsyncVerify(&call->context, request, &queue);
    call->reader->Finish(
        &call->response, &call->status,
        reinterpret_cast<void*>(static_cast<intptr_t>(started)));
    ++started;
  };
  while (started < std::min(window, count)) start();
  void* tag = nullptr;
  bool ok = false;
  for (int done = 0; done < count && queue.Next(&tag, &ok); ++done) {
    if (on_done) on_done();
    if (started < count) start();
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  std::vector<grpc::Status> statuses;
  for (const auto& call : calls) statuses.push_back(call->status);
  return statuses;
}

void WaitForNoCallInFlight() {
  for (int i = 0; i < 200 && env->door_->admission().in_flight() > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(env->door_->admission().in_flight(), 0);
}

TEST(CallbackTest, ManyConcurrentVerifyCallsCompleteEachAudited) {
  ASSERT_FALSE(Labelled().empty());
  WaitForNoCallInFlight();
  const uint64_t before = AuditLength();
  const std::vector<grpc::Status> statuses =
      VerifyMany("county-system", 400, 24);
  for (const grpc::Status& s : statuses) {
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  }
  // Each answer was given once its entry was durable.
  EXPECT_EQ(AuditLength(), before + 400);
  WaitForNoCallInFlight();
  ExpectChainIntact();
}

TEST(CallbackTest, ThreadsDoNotGrowWithTheNumberOfCalls) {
  // Warm: gRPC's own threads (pollers, callback executor) are started.
  for (const grpc::Status& s : VerifyMany("county-system", 200, 24)) {
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const int before = ThreadsOfProcess();
  int peak = before;
  int done = 0;
  const std::vector<grpc::Status> statuses =
      VerifyMany("county-system", 2000, 24, std::chrono::seconds(60), [&] {
        if (++done % 25 == 0) peak = std::max(peak, ThreadsOfProcess());
      });
  for (const grpc::Status& s : statuses) {
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const int after = ThreadsOfProcess();
  // 24 calls at a time on a thread each would add ~24; gRPC may wake a
  // poller or two.
  EXPECT_LE(peak, before + 4) << "before " << before << ", after " << after;
  EXPECT_LE(after, before + 4);
  EXPECT_GE(env->door_->workers().threads(), 8);
}

TEST(CallbackTest, OverloadIsRefusedAtOnceWithQuotaFailureAndAudited) {
  WaitForNoCallInFlight();
  const uint64_t before = AuditLength();
  // Far more at once than the caller's cap of 32.
  const std::vector<grpc::Status> statuses =
      VerifyMany("other-system", 300, 300);
  int served = 0;
  int refused = 0;
  for (const grpc::Status& s : statuses) {
    if (s.ok()) {
      ++served;
      continue;
    }
    ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("for one caller"));
    google::rpc::Status rpc;
    ASSERT_TRUE(rpc.ParseFromString(s.error_details()));
    bool quota = false;
    for (const auto& detail : rpc.details()) {
      quota = quota || detail.Is<google::rpc::QuotaFailure>();
    }
    EXPECT_TRUE(quota) << rpc.DebugString();
    ++refused;
  }
  EXPECT_GE(served, 32);
  EXPECT_GE(refused, 1);
  // Refusals are audited as on the synchronous path.
  EXPECT_EQ(AuditLength(), before + 300);
  WaitForNoCallInFlight();
}

TEST(CallbackTest, DeadlinesEndCallsAndFreeTheirSlots) {
  WaitForNoCallInFlight();
  const std::vector<grpc::Status> statuses =
      VerifyMany("county-system", 200, 32, std::chrono::microseconds(1500));
  int expired = 0;
  for (const grpc::Status& s : statuses) {
    // A client whose deadline passed calls again at once, while the server
    // may still be finishing the expired call's work in its slot: the
    // caller's cap (32) can then refuse the new call, which is right.
    EXPECT_TRUE(s.ok() ||
                s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s.error_code() << " " << s.error_message();
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) ++expired;
  }
  EXPECT_GE(expired, 1);
  // No call keeps its slot, and the server answers the next call.
  WaitForNoCallInFlight();
  for (const grpc::Status& s : VerifyMany("county-system", 10, 5)) {
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  ExpectChainIntact();
}

TEST(CallWorkersTest, RunsEveryQueuedTaskBeforeStopping) {
  std::atomic<int> ran{0};
  {
    CallWorkers workers(2, 1000);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(workers
                      .Submit([&ran] {
                        absl::SleepFor(absl::Microseconds(50));
                        ran.fetch_add(1);
                      })
                      .ok());
    }
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(CallWorkersTest, AFullQueueRefusesNamingItsLimit) {
  absl::Notification release;
  std::atomic<int> ran{0};
  {
    CallWorkers workers(1, 2);
    absl::Notification started;
    ASSERT_TRUE(workers
                    .Submit([&] {
                      started.Notify();
                      release.WaitForNotification();
                      ran.fetch_add(1);
                    })
                    .ok());
    started.WaitForNotification();
    ASSERT_TRUE(workers.Submit([&ran] { ran.fetch_add(1); }).ok());
    ASSERT_TRUE(workers.Submit([&ran] { ran.fetch_add(1); }).ok());
    const absl::Status full = workers.Submit([&ran] { ran.fetch_add(1); });
    EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(std::string(full.message()), HasSubstr("limit of 2"));
    EXPECT_EQ(workers.threads(), 1);
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 3);
}

TEST(RollServiceTest, EnrolRetryAndWithdrawTwice) {
  const pb::Report report = VerifiedReport(pb::DIBAO, pb::MEETS_CRITERIA, 0);
  ASSERT_FALSE(report.report_id().empty());
  const std::string applicant = report.request().members(0).person_id();

  uint64_t before = AuditLength();
  pb::EnrollResponse first;
  grpc::Status s = Enroll(EnrollOf(report, "svc-enrol-1"), &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(AuditLength(), before + 1) << "one entry for the call";
  const pb::RollEntry& entry = first.entry();
  EXPECT_EQ(entry.entry_id().size(), 13u);
  EXPECT_EQ(entry.state(), pb::RollEntry::ACTIVE);
  EXPECT_EQ(entry.applicant_id(), applicant);
  EXPECT_EQ(entry.report_id(), report.report_id());
  EXPECT_EQ(entry.region_code(), report.policy().region_code());
  EXPECT_EQ(entry.enrolled_by(), "county-system");
  EXPECT_FALSE(entry.has_request()) << "the response leaves the request out";

  // A retry with the same id: the first answer, byte for byte, audited,
  // and no second entry.
  before = AuditLength();
  pb::EnrollResponse retried;
  s = Enroll(EnrollOf(report, "svc-enrol-1"), &retried);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(AuditLength(), before + 1);
  pb::GetRollEntryRequest by_applicant;
  by_applicant.set_program(pb::DIBAO);
  by_applicant.set_applicant_id(applicant);
  pb::RollEntry active;
  auto get_context = As("county-system");
  ASSERT_TRUE(pb::RollService::NewStub(env->channel_)
                  ->GetRollEntry(get_context.get(), by_applicant, &active)
                  .ok());
  EXPECT_EQ(active.entry_id(), entry.entry_id());
  EXPECT_EQ(active.request().SerializeAsString(),
            report.request().SerializeAsString());

  // The same id for another request is refused, naming request_id.
  pb::EnrollRequest changed = EnrollOf(report, "svc-enrol-1");
  changed.mutable_approval_date()->set_day(
      report.verification_date().day() == 1 ? 2 : 1);
  pb::EnrollResponse refused;
  pb::ErrorDetails details;
  s = Enroll(changed, &refused, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << s.error_message();
  EXPECT_EQ(FieldOf(details), "request_id");
  // Another caller's ids are its own.
  pb::EnrollResponse other;
  s = Enroll(EnrollOf(report, "svc-enrol-1"), &other, "other-system");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(other.entry().entry_id(), entry.entry_id());
  ASSERT_EQ(other.replaced_size(), 1) << "enrolling again replaces";
  EXPECT_EQ(other.replaced(0).entry_id(), entry.entry_id());
  EXPECT_EQ(other.replaced(0).end_reason(), pb::RollEntry::REPLACED);
  EXPECT_EQ(other.entry().replaces_entry_id(), entry.entry_id());

  // Withdrawn once, its retry answered alike, a second withdrawal refused.
  pb::WithdrawRequest withdraw;
  withdraw.set_request_id("svc-withdraw-1");
  withdraw.set_entry_id(other.entry().entry_id());
  withdraw.set_reason(pb::RollEntry::INCOME);
  withdraw.set_note("收入超过标准");
  pb::WithdrawResponse ended;
  s = Withdraw(withdraw, &ended, "other-system");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ended.entry().state(), pb::RollEntry::ENDED);
  EXPECT_EQ(ended.entry().end_reason(), pb::RollEntry::INCOME);
  EXPECT_EQ(ended.entry().end_note(), "收入超过标准");
  pb::WithdrawResponse again;
  s = Withdraw(withdraw, &again, "other-system");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.SerializeAsString(), ended.SerializeAsString());
  withdraw.set_request_id("svc-withdraw-2");
  s = Withdraw(withdraw, &again, "other-system");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("entry_id"));
  EXPECT_THAT(s.error_message(), HasSubstr("already ended"));
  // No active entry is left for the applicant.
  auto gone_context = As("county-system");
  s = pb::RollService::NewStub(env->channel_)
          ->GetRollEntry(gone_context.get(), by_applicant, &active);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  ExpectChainIntact();
}

TEST(RollServiceTest, RefusesReportsThatCannotBeEnrolledNamingTheField) {
  const pb::Report fails = VerifiedReport(pb::DIBAO, pb::DOES_NOT_MEET, 0);
  pb::EnrollResponse response;
  pb::ErrorDetails details;
  grpc::Status s = Enroll(EnrollOf(fails, "svc-refuse-1"), &response,
                          "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "report_id");
  EXPECT_THAT(s.error_message(), HasSubstr("DOES_NOT_MEET"));

  // An unknown report.
  pb::EnrollRequest unknown = EnrollOf(fails, "svc-refuse-2");
  unknown.set_report_id("R999999999999");
  s = Enroll(unknown, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FieldOf(details), "report_id");

  const pb::Report meets = VerifiedReport(pb::DIBAO, pb::MEETS_CRITERIA, 1);
  const std::string county = meets.policy().region_code();
  const std::string other = county == "320581" ? "320582" : "320581";
  // Another program's name for the report.
  pb::EnrollRequest wrong_program = EnrollOf(meets, "svc-refuse-3");
  wrong_program.set_program(pb::TEKUN);
  s = Enroll(wrong_program, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "report_id");
  // A caller of another county: refused for the report's county before any
  // work, and its own county's name does not reveal the report.
  s = Enroll(EnrollOf(meets, "svc-refuse-4"), &response, "only-" + other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  pb::EnrollRequest as_other = EnrollOf(meets, "svc-refuse-5");
  as_other.set_region_code(other);
  s = Enroll(as_other, &response, "only-" + other, &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_EQ(FieldOf(details), "report_id");
  // A one-off program has no roll.
  pb::EnrollRequest temporary = EnrollOf(meets, "svc-refuse-6");
  temporary.set_program(pb::TEMPORARY);
  s = Enroll(temporary, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(details), "program");
  // Approval dates: not after today, not before the verification.
  pb::EnrollRequest future = EnrollOf(meets, "svc-refuse-7");
  *future.mutable_approval_date() = ToProto(env->today_ + 1);
  s = Enroll(future, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(details), "approval_date");
  pb::EnrollRequest early = EnrollOf(meets, "svc-refuse-8");
  *early.mutable_approval_date() =
      ToProto(*FromProto(meets.verification_date(), "") - 1);
  s = Enroll(early, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "approval_date");
  // A MEETS_CRITERIA report needs no caseworker.
  pb::EnrollRequest resolved = EnrollOf(meets, "svc-refuse-9");
  resolved.mutable_resolution()->set_caseworker("张三");
  resolved.mutable_resolution()->set_reason("核实");
  s = Enroll(resolved, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "resolution");
  // A refused id may be used again once the cause is fixed.
  s = Enroll(EnrollOf(meets, "svc-refuse-9"), &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  ExpectChainIntact();
}

TEST(RollServiceTest, NeedsReviewIsEnrolledOnlyWithACaseworkerAndAReason) {
  const pb::Report review = VerifiedReport(pb::DIBAO, pb::NEEDS_REVIEW, 0);
  pb::EnrollResponse response;
  pb::ErrorDetails details;
  grpc::Status s = Enroll(EnrollOf(review, "svc-review-1"), &response,
                          "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "resolution");
  pb::EnrollRequest half = EnrollOf(review, "svc-review-2");
  half.mutable_resolution()->set_caseworker("王五");
  s = Enroll(half, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(details), "resolution.reason");
  // A name of spaces names no one; a control character would reach the
  // terminal of whoever reads the roll.
  const std::pair<std::string, std::string> unnamed[] = {
      {"svc-review-4", "   "},
      {"svc-review-5", "\u3000\u3000"},
      {"svc-review-6", "\x1b[2J\n伪造"},
      {"svc-review-7", std::string("\0", 1)}};
  for (const auto& [request_id, caseworker] : unnamed) {
    pb::EnrollRequest blank = EnrollOf(review, request_id);
    blank.mutable_resolution()->set_caseworker(caseworker);
    blank.mutable_resolution()->set_reason("复核通过");
    s = Enroll(blank, &response, "county-system", &details);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << request_id;
    EXPECT_EQ(FieldOf(details), "resolution.caseworker") << request_id;
  }
  pb::EnrollRequest full = EnrollOf(review, "svc-review-3");
  full.mutable_resolution()->set_caseworker("王五");
  full.mutable_resolution()->set_reason("入户调查后确认收入");
  s = Enroll(full, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.entry().report_verdict(), pb::NEEDS_REVIEW);
  EXPECT_EQ(response.entry().resolution().caseworker(), "王五");
}

// domain.md §10.1: an existing roll moved in keeps its original approval
// date, before its report's (fresh) verification date.
TEST(RollServiceTest, AMovedInEntryKeepsItsOriginalApprovalDate) {
  const pb::Report report = VerifiedReport(pb::DIBAO, pb::MEETS_CRITERIA, 2);
  const absl::CivilDay verified = *FromProto(report.verification_date(), "");
  pb::EnrollResponse response;
  pb::ErrorDetails details;
  pb::EnrollRequest not_before = EnrollOf(report, "svc-moved-1");
  not_before.set_moved_in(true);
  grpc::Status s = Enroll(not_before, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "approval_date");
  // Without moved_in, an approval before the verification is refused.
  pb::EnrollRequest early = EnrollOf(report, "svc-moved-2");
  *early.mutable_approval_date() = ToProto(verified - 400);
  s = Enroll(early, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(FieldOf(details), "approval_date");
  early.set_request_id("svc-moved-3");
  early.set_moved_in(true);
  s = Enroll(early, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(response.entry().moved_in());
  EXPECT_EQ(*FromProto(response.entry().approval_date(), ""), verified - 400);
  EXPECT_EQ(response.entry().report_verification_date().SerializeAsString(),
            report.verification_date().SerializeAsString());

  // Its report must be a fresh verification: 31 days on, past the example
  // policy's 30-day backdating limit, another report is refused for it.
  const pb::Report later = VerifiedReport(pb::DIBAO, pb::MEETS_CRITERIA, 3);
  const absl::CivilDay later_verified =
      *FromProto(later.verification_date(), "");
  const absl::CivilDay today = later_verified + 31;
  env->roll_service_->set_today([today] { return today; });
  pb::EnrollRequest stale = EnrollOf(later, "svc-moved-4");
  *stale.mutable_approval_date() = ToProto(later_verified - 100);
  stale.set_moved_in(true);
  s = Enroll(stale, &response, "county-system", &details);
  const absl::CivilDay env_today = env->today_;
  env->roll_service_->set_today([env_today] { return env_today; });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_EQ(FieldOf(details), "report_id");
  EXPECT_THAT(s.error_message(), HasSubstr("fresh verification"));
}

// domain.md §10.1: a renewed consent is checked against the stored
// declaration on the day it is attached.
TEST(RollServiceTest, ARenewedConsentIsCheckedAgainstTheStoredDeclaration) {
  const pb::Report report = VerifiedReport(pb::DIBAO, pb::MEETS_CRITERIA, 4);
  pb::EnrollResponse enrolled;
  grpc::Status s = Enroll(EnrollOf(report, "svc-consent-enrol"), &enrolled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto stub = pb::RollService::NewStub(env->channel_);
  auto attach = [&](const pb::AttachConsentRequest& request,
                    pb::AttachConsentResponse* response,
                    pb::ErrorDetails* details) {
    auto context = As("county-system");
    grpc::Status status = stub->AttachConsent(context.get(), request, response);
    *details = DetailsOf(*context);
    return status;
  };
  pb::AttachConsentRequest request;
  request.set_request_id("svc-consent-1");
  request.set_entry_id(enrolled.entry().entry_id());
  *request.mutable_consent() = report.request().consent();
  request.mutable_consent()->set_consent_id("renewed-1");
  *request.mutable_consent()->mutable_signed_on() = ToProto(env->today_);
  ASSERT_GT(request.consent().signer_ids_size(), 0);
  // Without the signers the declaration needs: refused, naming consent.
  pb::AttachConsentRequest unsigned_request = request;
  unsigned_request.set_request_id("svc-consent-2");
  unsigned_request.mutable_consent()->clear_signer_ids();
  pb::AttachConsentResponse response;
  pb::ErrorDetails details;
  s = attach(unsigned_request, &response, &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  EXPECT_EQ(FieldOf(details), "consent");
  // A consent that is not there at all is out of bounds.
  pb::AttachConsentRequest none = request;
  none.set_request_id("svc-consent-3");
  none.clear_consent();
  s = attach(none, &response, &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldOf(details), "consent");

  s = attach(request, &response, &details);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.entry().consent_history_size(), 1);
  EXPECT_EQ(response.entry().consent_history(0).consent().consent_id(),
            "renewed-1");
  EXPECT_EQ(response.entry().consent_history(0).replaced().consent_id(),
            report.request().consent().consent_id());
  pb::AttachConsentResponse again;
  s = attach(request, &again, &details);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.SerializeAsString(), response.SerializeAsString());
  pb::GetRollEntryRequest get;
  get.set_entry_id(enrolled.entry().entry_id());
  pb::RollEntry stored;
  auto context = As("county-system");
  ASSERT_TRUE(stub->GetRollEntry(context.get(), get, &stored).ok());
  EXPECT_EQ(stored.request().consent().consent_id(), "renewed-1");
  EXPECT_EQ(stored.consent_history_size(), 1);
}

TEST(RollServiceTest, EveryFieldIsBoundedBeforeAnyWork) {
  pb::EnrollResponse response;
  pb::ErrorDetails details;
  const uint64_t before = AuditLength();
  grpc::Status s =
      Enroll(pb::EnrollRequest(), &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& v : details.field_violations()) fields.insert(v.field());
  EXPECT_EQ(fields,
            (std::set<std::string>{"request_id", "program", "region_code",
                                   "report_id", "approval_date"}));
  EXPECT_EQ(AuditLength(), before + 1) << "a refused call is audited";

  pb::EnrollRequest odd;
  odd.set_request_id(std::string(65, 'a'));
  odd.set_program(pb::DIBAO);
  odd.set_region_code("320581");
  odd.set_report_id("R000000000001");
  *odd.mutable_approval_date() = ToProto(absl::CivilDay(2026, 11, 1));
  odd.mutable_resolution()->set_caseworker(std::string(65, 'x'));
  odd.mutable_resolution()->set_reason("理由");
  s = Enroll(odd, &response, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  fields.clear();
  for (const auto& v : details.field_violations()) fields.insert(v.field());
  EXPECT_EQ(fields,
            (std::set<std::string>{"request_id", "resolution.caseworker"}));
  odd.set_request_id("has space");
  odd.clear_resolution();
  s = Enroll(odd, &response, "county-system", &details);
  EXPECT_EQ(FieldOf(details), "request_id");

  pb::WithdrawRequest withdraw;
  withdraw.set_request_id("w");
  withdraw.set_entry_id("E1");
  withdraw.set_reason(pb::RollEntry::REPLACED);
  withdraw.set_note(std::string(201, 'n'));
  pb::WithdrawResponse withdrawn;
  auto context = As("county-system");
  s = pb::RollService::NewStub(env->channel_)
          ->Withdraw(context.get(), withdraw, &withdrawn);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  fields = FieldsOf(DetailsOf(*context));
  EXPECT_EQ(fields, (std::set<std::string>{"entry_id", "reason", "note"}));

  pb::ListRollRequest list;
  list.set_program(pb::MEDICAL);
  list.set_region_code("32058");
  list.set_page_size(-1);
  pb::ListRollResponse listed;
  auto list_context = As("county-system");
  s = pb::RollService::NewStub(env->channel_)
          ->ListRoll(list_context.get(), list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  fields = FieldsOf(DetailsOf(*list_context));
  EXPECT_EQ(fields,
            (std::set<std::string>{"program", "region_code", "page_size"}));
}

TEST(RollServiceTest, ListsARollInPagesWithinTheCallersCounties) {
  // Households of one program enrolled for this test: HOUSING.
  std::set<std::string> enrolled;
  std::string county;
  for (int nth = 0; nth < 4; ++nth) {
    const pb::Report report =
        VerifiedReport(pb::HOUSING, pb::MEETS_CRITERIA, nth);
    if (report.report_id().empty()) break;
    if (county.empty()) county = report.policy().region_code();
    pb::EnrollResponse response;
    grpc::Status s =
        Enroll(EnrollOf(report, absl::StrCat("svc-list-", nth)), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (report.policy().region_code() == county) {
      enrolled.insert(response.entry().entry_id());
    }
  }
  ASSERT_GE(enrolled.size(), 2u);
  auto stub = pb::RollService::NewStub(env->channel_);
  pb::ListRollRequest request;
  request.set_program(pb::HOUSING);
  request.set_region_code(county);
  request.set_page_size(1);
  std::set<std::string> listed;
  int pages = 0;
  do {
    pb::ListRollResponse page;
    auto context = As("only-" + county);
    grpc::Status s = stub->ListRoll(context.get(), request, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_LE(page.entries_size(), 1);
    for (const auto& e : page.entries()) {
      EXPECT_EQ(e.region_code(), county);
      EXPECT_FALSE(e.has_request());
      listed.insert(e.entry_id());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && ++pages < 20);
  EXPECT_EQ(listed, enrolled);

  // The other county's caller: refused for this county, and its own roll
  // does not hold these entries.
  const std::string other = county == "320581" ? "320582" : "320581";
  request.clear_page_token();
  pb::ListRollResponse page;
  auto refused = As("only-" + other);
  EXPECT_EQ(stub->ListRoll(refused.get(), request, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  request.clear_region_code();
  auto own = As("only-" + other);
  ASSERT_TRUE(stub->ListRoll(own.get(), request, &page).ok());
  for (const auto& e : page.entries()) {
    EXPECT_EQ(e.region_code(), other);
    EXPECT_EQ(enrolled.count(e.entry_id()), 0u);
  }
  // Nor may it read or withdraw one of them.
  pb::GetRollEntryRequest get;
  get.set_entry_id(*enrolled.begin());
  pb::RollEntry entry;
  auto get_context = As("only-" + other);
  EXPECT_EQ(stub->GetRollEntry(get_context.get(), get, &entry).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pb::WithdrawRequest withdraw;
  withdraw.set_request_id("svc-list-withdraw");
  withdraw.set_entry_id(*enrolled.begin());
  withdraw.set_reason(pb::RollEntry::OTHER);
  pb::WithdrawResponse withdrawn;
  EXPECT_EQ(Withdraw(withdraw, &withdrawn, "only-" + other).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// ---- Request ids (issue 17 item 3, AIP-155). ----

// Labelled applications of distinct applicants from the end of the
// county's list (the other tests take theirs from the start), skipping
// `skip`.
std::vector<size_t> LastApplications(size_t n, size_t skip) {
  std::vector<size_t> out;
  std::set<std::string> applicants;
  for (size_t i = env->requests_.size(); i-- > 0 && out.size() < n;) {
    if (env->labels_[i].verdict == pb::VERDICT_UNSPECIFIED) continue;
    if (!applicants.insert(env->requests_[i].members(0).person_id()).second) {
      continue;
    }
    if (skip > 0) {
      --skip;
      continue;
    }
    out.push_back(i);
  }
  return out;
}

pb::VerifyRequest WithId(size_t i, const std::string& request_id) {
  pb::VerifyRequest request;
  *request.mutable_request() = env->requests_[i];
  request.set_request_id(request_id);
  return request;
}

grpc::Status VerifyAs(const pb::VerifyRequest& request,
                      pb::VerifyResponse* response,
                      const std::string& caller = "county-system",
                      pb::ErrorDetails* details = nullptr) {
  auto context = As(caller);
  grpc::Status s = pb::VerificationService::NewStub(env->channel_)
                       ->Verify(context.get(), request, response);
  if (details != nullptr) *details = DetailsOf(*context);
  return s;
}

// Stored reports of the application's applicant and program.
int ReportsOf(const pb::VerificationRequest& application) {
  pb::ListReportsRequest list;
  list.set_person_id(application.members(0).person_id());
  list.set_program(application.program());
  list.set_page_size(500);
  pb::ListReportsResponse listed;
  auto context = As("county-system");
  grpc::Status s = pb::VerificationService::NewStub(env->channel_)
                       ->ListReports(context.get(), list, &listed);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return listed.reports_size();
}

// Households GetStats counts on the application's date in its county.
int64_t HouseholdsCounted(const pb::VerificationRequest& application) {
  pb::GetStatsRequest stats;
  *stats.mutable_from_date() = application.verification_date();
  *stats.mutable_to_date() = application.verification_date();
  stats.set_region_code(application.region_code());
  pb::GetStatsResponse answered;
  auto context = As("staff");
  grpc::Status s = pb::VerificationService::NewStub(env->channel_)
                       ->GetStats(context.get(), stats, &answered);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return answered.households();
}

// The last audit entry.
pb::AuditEntry LastAuditEntry() { return AuditEntryAt(AuditLength()); }

TEST(RequestIdTest, ARetryReturnsTheFirstReportAndStoresNoOther) {
  const std::vector<size_t> apps = LastApplications(2, 0);
  ASSERT_EQ(apps.size(), 2u);
  const pb::VerificationRequest& application = env->requests_[apps[0]];
  const int reports = ReportsOf(application);
  const int64_t households = HouseholdsCounted(application);

  pb::VerifyResponse first;
  grpc::Status s = VerifyAs(WithId(apps[0], "svc-verify:1"), &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_FALSE(first.report().report_id().empty());
  EXPECT_THAT(LastAuditEntry().outcome(), HasSubstr("request svc-verify:1"));
  EXPECT_EQ(first.report().verdict(), env->labels_[apps[0]].verdict);
  EXPECT_EQ(ReportsOf(application), reports + 1);
  EXPECT_EQ(HouseholdsCounted(application), households + 1);

  // The retry: the first report byte for byte, audited as a replay naming
  // it, no second report, counted once.
  const uint64_t before = AuditLength();
  pb::VerifyResponse retried;
  s = VerifyAs(WithId(apps[0], "svc-verify:1"), &retried);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(AuditLength(), before + 1);
  const pb::AuditEntry replay = LastAuditEntry();
  EXPECT_EQ(replay.code(), 0);
  EXPECT_EQ(replay.report_id(), first.report().report_id());
  EXPECT_THAT(replay.outcome(), HasSubstr("retry of request svc-verify:1"));
  EXPECT_EQ(ReportsOf(application), reports + 1);
  EXPECT_EQ(HouseholdsCounted(application), households + 1);
  pb::GetReportRequest get;
  get.set_report_id(first.report().report_id());
  pb::Report stored;
  auto get_context = As("county-system");
  ASSERT_TRUE(pb::VerificationService::NewStub(env->channel_)
                  ->GetReport(get_context.get(), get, &stored)
                  .ok());
  EXPECT_EQ(stored.SerializeAsString(), retried.report().SerializeAsString());

  // Another request under the id: ALREADY_EXISTS naming request_id, and
  // nothing stored.
  const int other_reports = ReportsOf(env->requests_[apps[1]]);
  pb::VerifyResponse refused;
  pb::ErrorDetails details;
  s = VerifyAs(WithId(apps[1], "svc-verify:1"), &refused, "county-system",
               &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << s.error_message();
  EXPECT_EQ(FieldOf(details), "request_id");
  EXPECT_EQ(ReportsOf(env->requests_[apps[1]]), other_reports);
  // The same request with the date the server filled in is another request
  // as sent.
  pb::VerifyRequest dated = WithId(apps[0], "svc-verify:1");
  dated.mutable_request()->clear_verification_date();
  s = VerifyAs(dated, &refused, "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(FieldOf(details), "request_id");

  // Ids are per caller: another caller's same id is a call of its own.
  pb::VerifyResponse other;
  s = VerifyAs(WithId(apps[0], "svc-verify:1"), &other, "other-system");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(other.report().report_id(), first.report().report_id());
  EXPECT_EQ(ReportsOf(application), reports + 2);

  // One id space per caller across methods (the roll calls' too).
  pb::EnrollResponse enrolled;
  s = Enroll(EnrollOf(first.report(), "svc-verify:1"), &enrolled,
             "county-system", &details);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << s.error_message();
  EXPECT_EQ(FieldOf(details), "request_id");
  ExpectChainIntact();
}

TEST(RequestIdTest, AnIdOutOfBoundsIsRefusedNamingRequestId) {
  const std::vector<size_t> apps = LastApplications(1, 2);
  ASSERT_EQ(apps.size(), 1u);
  const int reports = ReportsOf(env->requests_[apps[0]]);
  for (const std::string& bad :
       {std::string(65, 'a'), std::string("a b"), std::string("请求-1"),
        std::string("a/b"), std::string("a\nb")}) {
    pb::VerifyResponse response;
    pb::ErrorDetails details;
    grpc::Status s =
        VerifyAs(WithId(apps[0], bad), &response, "county-system", &details);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(FieldsOf(details), std::set<std::string>{"request_id"}) << bad;
  }
  pb::VerifyResponse response;
  grpc::Status s = VerifyAs(WithId(apps[0], std::string(64, 'Z')), &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  s = VerifyAs(WithId(apps[0], "A-Za-z0-9._:-"), &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ReportsOf(env->requests_[apps[0]]), reports + 2);
}

TEST(RequestIdTest, ConcurrentRetriesWaitForTheFirstAndShareItsReport) {
  const std::vector<size_t> apps = LastApplications(1, 3);
  ASSERT_EQ(apps.size(), 1u);
  const pb::VerificationRequest& application = env->requests_[apps[0]];
  const int reports = ReportsOf(application);
  const int64_t households = HouseholdsCounted(application);
  constexpr int kCalls = 8;
  std::vector<std::string> answers(kCalls);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kCalls; ++t) {
    threads.emplace_back([&, t] {
      pb::VerifyResponse response;
      grpc::Status s = VerifyAs(WithId(apps[0], "svc-concurrent"), &response);
      if (!s.ok()) ++failures;
      answers[t] = response.SerializeAsString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 1; t < kCalls; ++t) EXPECT_EQ(answers[t], answers[0]) << t;
  EXPECT_EQ(ReportsOf(application), reports + 1);
  EXPECT_EQ(HouseholdsCounted(application), households + 1);
  ExpectChainIntact();
}

TEST(RequestIdTest, BatchItemsCarryTheirOwnIds) {
  const std::vector<size_t> apps = LastApplications(3, 4);
  ASSERT_EQ(apps.size(), 3u);
  const int reports_a = ReportsOf(env->requests_[apps[0]]);
  const int reports_b = ReportsOf(env->requests_[apps[1]]);
  auto stub = pb::VerificationService::NewStub(env->channel_);
  auto context = As("county-system");
  auto stream = stub->VerifyBatch(context.get());
  // 0: A as batch-a; 1: B as batch-b; 2: A as batch-a again (a retry in the
  // same group); 3: C under batch-a (another request); 4: an id out of
  // bounds; 5: A without an id (a new report).
  std::vector<pb::VerifyRequest> items = {
      WithId(apps[0], "svc-batch-a"), WithId(apps[1], "svc-batch-b"),
      WithId(apps[0], "svc-batch-a"), WithId(apps[2], "svc-batch-a"),
      WithId(apps[2], "svc batch"),   WithId(apps[0], "")};
  for (const auto& item : items) ASSERT_TRUE(stream->Write(item));
  stream->WritesDone();
  std::vector<pb::VerifyBatchResult> results;
  pb::VerifyBatchResult result;
  while (stream->Read(&result)) results.push_back(result);
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(results.size(), items.size());
  for (size_t k = 0; k < results.size(); ++k) {
    EXPECT_EQ(results[k].index(), static_cast<int64_t>(k));
  }
  EXPECT_EQ(results[0].code(), 0) << results[0].message();
  EXPECT_EQ(results[1].code(), 0) << results[1].message();
  EXPECT_EQ(results[2].code(), 0) << results[2].message();
  EXPECT_EQ(results[2].report().SerializeAsString(),
            results[0].report().SerializeAsString());
  EXPECT_EQ(results[3].code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(FieldOf(results[3].details()), "request_id");
  EXPECT_EQ(results[4].code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldsOf(results[4].details()),
            std::set<std::string>{"request_id"});
  EXPECT_EQ(results[5].code(), 0) << results[5].message();
  EXPECT_NE(results[5].report().report_id(), results[0].report().report_id());
  // A then the id-less A; B once.
  EXPECT_EQ(ReportsOf(env->requests_[apps[0]]), reports_a + 2);
  EXPECT_EQ(ReportsOf(env->requests_[apps[1]]), reports_b + 1);

  // A batch item and a unary call are one method for their ids: either
  // retries the other.
  pb::VerifyResponse unary;
  grpc::Status s = VerifyAs(WithId(apps[1], "svc-batch-b"), &unary);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(unary.report().SerializeAsString(),
            results[1].report().SerializeAsString());
  auto again_context = As("county-system");
  auto again = stub->VerifyBatch(again_context.get());
  ASSERT_TRUE(again->Write(WithId(apps[1], "svc-batch-b")));
  again->WritesDone();
  ASSERT_TRUE(again->Read(&result));
  EXPECT_EQ(result.code(), 0) << result.message();
  EXPECT_EQ(result.report().SerializeAsString(),
            results[1].report().SerializeAsString());
  EXPECT_FALSE(again->Read(&result));
  EXPECT_TRUE(again->Finish().ok());
  EXPECT_EQ(ReportsOf(env->requests_[apps[1]]), reports_b + 1);
  ExpectChainIntact();
}

TEST(RequestIdTest, ARefusedCallIsNotRememberedAndIsRetriedOnceFixed) {
  const std::vector<size_t> apps = LastApplications(1, 7);
  ASSERT_EQ(apps.size(), 1u);
  const pb::VerificationRequest& application = env->requests_[apps[0]];
  const int reports = ReportsOf(application);
  // The consent covers another program only: refused before any data is
  // read (domain.md §1), and not remembered.
  pb::VerifyRequest uncovered = WithId(apps[0], "svc-refused-1");
  uncovered.mutable_request()->mutable_consent()->clear_programs();
  uncovered.mutable_request()->mutable_consent()->add_programs(
      application.program() == pb::TEMPORARY ? pb::DIBAO : pb::TEMPORARY);
  pb::VerifyResponse response;
  grpc::Status s = VerifyAs(uncovered, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  // Refused again alike: nothing was kept under the id.
  s = VerifyAs(uncovered, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  // Fixed, under the same id: a new call, then remembered.
  pb::VerifyResponse fixed;
  s = VerifyAs(WithId(apps[0], "svc-refused-1"), &fixed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  pb::VerifyResponse retried;
  s = VerifyAs(WithId(apps[0], "svc-refused-1"), &retried);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retried.SerializeAsString(), fixed.SerializeAsString());
  s = VerifyAs(uncovered, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << s.error_message();
  EXPECT_EQ(ReportsOf(application), reports + 1);
}

// A power cut can lose the link from the result to its report (written
// after the synced batch): the retry finds the report by the first call's
// audit entry and links it again. A report purged since makes the id
// forgotten.
TEST(RequestIdTest, AnUnlinkedResultIsLinkedAgainFromTheAudit) {
  const std::vector<size_t> apps = LastApplications(1, 8);
  ASSERT_EQ(apps.size(), 1u);
  const pb::VerificationRequest& application = env->requests_[apps[0]];
  const int reports = ReportsOf(application);
  pb::VerifyResponse first;
  grpc::Status s = VerifyAs(WithId(apps[0], "svc-unlinked"), &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Other calls of the caller in the same second.
  const std::vector<size_t> others = LastApplications(2, 9);
  for (size_t k = 0; k < others.size(); ++k) {
    pb::VerifyResponse response;
    ASSERT_TRUE(
        VerifyAs(WithId(others[k], absl::StrCat("svc-unlinked-", k)), &response)
            .ok());
  }
  const storage::Store::ServiceTables tables = env->store_->service_tables();
  auto stored =
      storage::FindRequestResult(tables, "county-system", "svc-unlinked");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->report_id(), first.report().report_id());
  storage::RequestResult unlinked = **stored;
  unlinked.clear_report_id();
  ASSERT_TRUE(
      tables.db
          ->Put(rocksdb::WriteOptions(), tables.roll_requests,
                storage::RollRequestKey("county-system", "svc-unlinked"),
                unlinked.SerializeAsString())
          .ok());
  pb::VerifyResponse retried;
  s = VerifyAs(WithId(apps[0], "svc-unlinked"), &retried);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());
  stored = storage::FindRequestResult(tables, "county-system", "svc-unlinked");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->report_id(), first.report().report_id())
      << "linked again";
  EXPECT_EQ(ReportsOf(application), reports + 1);

  // Its report gone (purged), the id is forgotten: a new call.
  storage::RequestResult purged = **stored;
  purged.set_report_id("R999999999999");
  ASSERT_TRUE(
      tables.db
          ->Put(rocksdb::WriteOptions(), tables.roll_requests,
                storage::RollRequestKey("county-system", "svc-unlinked"),
                purged.SerializeAsString())
          .ok());
  pb::VerifyResponse renewed;
  s = VerifyAs(WithId(apps[0], "svc-unlinked"), &renewed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(renewed.report().report_id(), first.report().report_id());
  EXPECT_EQ(ReportsOf(application), reports + 2);
  ExpectChainIntact();
}

// ---- Streams on the callback API (issue 17 item 1) ----
// WatchChanges, ExportAudit and VerifyBatch hold no thread while they wait
// on their client or for events. Their own server and door on the suite's
// store, with caps high enough for hundreds of open streams.

class StreamTest : public ::testing::Test {
 protected:
  static constexpr int kStreams = 200;

  static void SetUpTestSuite() {
    auto events = storage::EventStore::Open(env->store_->service_tables());
    ASSERT_TRUE(events.ok()) << events.status();
    events_ = std::move(*events).release();
    CallDoor::Options options;
    options.limits.max_in_flight = 4 * kStreams;
    options.limits.max_in_flight_per_caller = 4 * kStreams;
    options.limits.max_streams = 2 * kStreams;
    options.limits.max_streams_per_caller = 2 * kStreams;
    options.limits.max_watches = 2 * kStreams;
    options.limits.max_watches_per_caller = 2 * kStreams;
    options.stream_idle_timeout = absl::Seconds(30);
    door_ = new CallDoor(&TestCaller, env->log_.get(), options);
    changes_ = new ChangeServiceImpl(door_, events_, env->rolls_.get(),
                                     env->log_.get());
    audit_ = new AuditServiceImpl(door_, env->log_.get());
    verification_ = new VerificationServiceImpl(door_, env->verifier_.get(),
                                                env->log_.get(),
                                                env->store_->service_tables());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(changes_);
    builder.RegisterService(audit_);
    builder.RegisterService(verification_);
    server_ = builder.BuildAndStart().release();
    ASSERT_NE(server_, nullptr);
    channel_ = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    changes_->StopWatches();
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
    delete server_;
    delete channel_;
    delete verification_;
    delete audit_;
    delete changes_;
    delete door_;
    delete events_;
  }

  static void WaitForInFlight(int n) {
    for (int i = 0; i < 600 && door_->admission().in_flight() != n; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(door_->admission().in_flight(), n);
  }

  static storage::EventStore* events_;
  static CallDoor* door_;
  static ChangeServiceImpl* changes_;
  static AuditServiceImpl* audit_;
  static VerificationServiceImpl* verification_;
  static grpc::Server* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static int port_;
};

storage::EventStore* StreamTest::events_ = nullptr;
CallDoor* StreamTest::door_ = nullptr;
ChangeServiceImpl* StreamTest::changes_ = nullptr;
AuditServiceImpl* StreamTest::audit_ = nullptr;
VerificationServiceImpl* StreamTest::verification_ = nullptr;
grpc::Server* StreamTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* StreamTest::channel_ = nullptr;
int StreamTest::port_ = 0;

// A change event of the county's, published through the log as the
// re-verification runner publishes them.
uint64_t PublishEvent() {
  pb::ChangeEvent event;
  event.set_program(pb::DIBAO);
  event.set_region_code("320581");
  event.set_entry_id("E-stream-test");
  *event.mutable_occurred_on() = ToProto(absl::CivilDay(2026, 11, 20));
  event.set_summary("test event");
  storage::ServiceRecord record;
  record.audit.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  record.audit.set_caller("(server)");
  record.audit.set_method("internal/reverify");
  record.audit.set_program(pb::DIBAO);
  record.audit.set_region_code("320581");
  record.audit.set_outcome("OK");
  record.audit.set_batch_index(-1);
  record.events.push_back(std::move(event));
  std::vector<storage::ServiceRecord> records;
  records.push_back(std::move(record));
  auto appended = env->log_->Append(std::move(records));
  EXPECT_TRUE(appended.ok()) << appended.status();
  return env->log_->HighestDurableEvent();
}

// `kStreams` watches of one caller, all waiting for an event at once: the
// server's threads do not grow with them (the synchronous server held one
// per watch), one event published reaches every one of them at once (not
// at the bell's tick), and each watch cancelled is audited as such.
TEST_F(StreamTest, OpenWatchesHoldNoThreadAndAreWokenByAnEvent) {
  auto stub = pb::ChangeService::NewStub(*channel_);
  // Warm: gRPC's own threads (pollers, callback executor) are started.
  {
    auto context = As("county-system");
    pb::WatchChangesRequest request;
    request.set_after(env->log_->HighestDurableEvent());
    auto reader = stub->WatchChanges(context.get(), request);
    WaitForInFlight(1);
    context->TryCancel();
    pb::ChangeEvent ignored;
    while (reader->Read(&ignored)) {
    }
    reader->Finish();
    WaitForInFlight(0);
  }
  const int before = ThreadsOfProcess();
  const uint64_t audited = AuditLength();

  grpc::CompletionQueue queue;
  struct Watch {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientAsyncReader<pb::ChangeEvent>> reader;
    pb::ChangeEvent event;
    grpc::Status status;
  };
  std::vector<Watch> watches(kStreams);
  pb::WatchChangesRequest request;
  request.set_after(env->log_->HighestDurableEvent());
  // Tags: 2i started, 2i+1 read (or finished).
  for (int i = 0; i < kStreams; ++i) {
    watches[i].context = As("county-system");
    watches[i].reader = stub->AsyncWatchChanges(
        watches[i].context.get(), request, &queue,
        reinterpret_cast<void*>(static_cast<intptr_t>(2 * i)));
  }
  void* tag = nullptr;
  bool ok = false;
  for (int started = 0; started < kStreams; ++started) {
    ASSERT_TRUE(queue.Next(&tag, &ok));
    ASSERT_TRUE(ok);
    const intptr_t i = reinterpret_cast<intptr_t>(tag) / 2;
    watches[i].reader->Read(&watches[i].event,
                            reinterpret_cast<void*>(2 * i + 1));
  }
  WaitForInFlight(kStreams);
  for (int i = 0; i < 200 && changes_->waiting_watches() < kStreams; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  const int open = ThreadsOfProcess();
  // Each watch on a thread of its own would add 200; gRPC may wake a poller
  // or two.
  EXPECT_LE(open, before + 8) << "before " << before;

  const absl::Time published = absl::Now();
  const uint64_t number = PublishEvent();
  int received = 0;
  while (received < kStreams && queue.Next(&tag, &ok)) {
    ASSERT_TRUE(ok);
    const intptr_t i = reinterpret_cast<intptr_t>(tag) / 2;
    EXPECT_EQ(watches[i].event.number(), number);
    ++received;
  }
  EXPECT_LT(absl::Now() - published, absl::Seconds(10));
  EXPECT_LE(ThreadsOfProcess(), before + 8);

  for (Watch& watch : watches) watch.context->TryCancel();
  for (int i = 0; i < kStreams; ++i) {
    watches[i].reader->Finish(&watches[i].status,
                              reinterpret_cast<void*>(2 * i + 1));
  }
  for (int finished = 0; finished < kStreams && queue.Next(&tag, &ok);) {
    ++finished;
  }
  for (const Watch& watch : watches) {
    EXPECT_EQ(watch.status.error_code(), grpc::StatusCode::CANCELLED);
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  WaitForInFlight(0);
  // The event's record, and one entry per watch.
  EXPECT_EQ(AuditLength(), audited + 1 + kStreams);
  EXPECT_EQ(changes_->waiting_watches(), 0u);
  ExpectChainIntact();
}

// A waiting watch is woken by the event's publication, not found by the
// bell's tick (500 ms): ten events each arrive well before a tick would
// have come (by chance: one in a thousand).
TEST_F(StreamTest, AWaitingWatchIsWokenByThePublication) {
  auto stub = pb::ChangeService::NewStub(*channel_);
  auto context = As("county-system");
  pb::WatchChangesRequest request;
  request.set_after(env->log_->HighestDurableEvent());
  auto reader = stub->WatchChanges(context.get(), request);
  WaitForInFlight(1);
  for (int i = 0; i < 10; ++i) {
    for (int k = 0; k < 200 && changes_->waiting_watches() < 1; ++k) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(changes_->waiting_watches(), 1u);
    const absl::Time published = absl::Now();
    const uint64_t number = PublishEvent();
    pb::ChangeEvent event;
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.number(), number);
    EXPECT_LT(absl::Now() - published, absl::Milliseconds(250)) << i;
  }
  context->TryCancel();
  reader->Finish();
  WaitForInFlight(0);
}

// A watch whose caller is revoked while it waits ends at the bell's next
// tick, as its next unary call would be refused.
TEST_F(StreamTest, AWaitingWatchEndsWhenItsCallerIsRevoked) {
  auto stub = pb::ChangeService::NewStub(*channel_);
  auto context = As("revocable");
  pb::WatchChangesRequest request;
  request.set_after(env->log_->HighestDurableEvent());
  auto reader = stub->WatchChanges(context.get(), request);
  WaitForInFlight(1);
  revoked = true;
  const absl::Time start = absl::Now();
  pb::ChangeEvent event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status s = reader->Finish();
  revoked = false;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  WaitForInFlight(0);
}

// A watch resumed after a number sends every later event this caller may
// see, one at a time, with its audit entry naming them.
TEST_F(StreamTest, AWatchSendsEveryEventAfterItsNumberInOrder) {
  const uint64_t after = env->log_->HighestDurableEvent();
  std::vector<uint64_t> published;
  for (int i = 0; i < 70; ++i) published.push_back(PublishEvent());
  auto stub = pb::ChangeService::NewStub(*channel_);
  auto context = As("county-system");
  pb::WatchChangesRequest request;
  request.set_after(after);
  auto reader = stub->WatchChanges(context.get(), request);
  std::vector<uint64_t> got;
  pb::ChangeEvent event;
  while (got.size() < published.size() && reader->Read(&event)) {
    got.push_back(event.number());
  }
  EXPECT_EQ(got, published);
  context->TryCancel();
  reader->Finish();
  WaitForInFlight(0);
}

// Idle VerifyBatch streams (a client that sends nothing yet) hold no
// thread either: the synchronous server held two per stream.
TEST_F(StreamTest, IdleBatchStreamsHoldNoThread) {
  auto stub = pb::VerificationService::NewStub(*channel_);
  {
    auto context = As("county-system");
    auto stream = stub->VerifyBatch(context.get());
    stream->WritesDone();
    ASSERT_TRUE(stream->Finish().ok());
    WaitForInFlight(0);
  }
  const int before = ThreadsOfProcess();
  grpc::CompletionQueue queue;
  struct Batch {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<
        grpc::ClientAsyncReaderWriter<pb::VerifyRequest, pb::VerifyBatchResult>>
        stream;
    grpc::Status status;
  };
  std::vector<Batch> batches(kStreams);
  for (int i = 0; i < kStreams; ++i) {
    batches[i].context = As("county-system");
    batches[i].stream = stub->AsyncVerifyBatch(
        batches[i].context.get(), &queue,
        reinterpret_cast<void*>(static_cast<intptr_t>(i)));
  }
  void* tag = nullptr;
  bool ok = false;
  for (int started = 0; started < kStreams; ++started) {
    ASSERT_TRUE(queue.Next(&tag, &ok));
    ASSERT_TRUE(ok);
  }
  WaitForInFlight(kStreams);
  EXPECT_LE(ThreadsOfProcess(), before + 8) << "before " << before;
  for (Batch& batch : batches) batch.context->TryCancel();
  for (int i = 0; i < kStreams; ++i) {
    batches[i].stream->Finish(
        &batches[i].status, reinterpret_cast<void*>(static_cast<intptr_t>(i)));
  }
  for (int finished = 0; finished < kStreams && queue.Next(&tag, &ok);) {
    ++finished;
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  WaitForInFlight(0);
}

// An export read slowly, a chunk at a time: the header first, then every
// entry of the range in order, exactly as stored.
TEST_F(StreamTest, AnExportReadSlowlyHasEveryEntryInOrder) {
  // Enough entries for several chunks.
  for (const grpc::Status& s : VerifyMany("county-system", 300, 16)) {
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto stub = pb::AuditService::NewStub(*channel_);
  auto context = As("staff");
  auto reader = stub->ExportAudit(context.get(), pb::ExportAuditRequest());
  pb::ExportAuditChunk chunk;
  ASSERT_TRUE(reader->Read(&chunk));
  ASSERT_TRUE(chunk.has_header());
  const pb::ExportAuditHeader header = chunk.header();
  EXPECT_EQ(header.first_sequence(), 1u);
  uint64_t expected = header.first_sequence();
  int chunks = 0;
  do {
    ++chunks;
    EXPECT_EQ(chunk.has_header(), chunks == 1);
    EXPECT_LE(chunk.ByteSizeLong(), size_t{1} << 20);
    for (const std::string& bytes : chunk.entries()) {
      pb::AuditEntry entry;
      ASSERT_TRUE(entry.ParseFromString(bytes));
      EXPECT_EQ(entry.sequence(), expected);
      ++expected;
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (reader->Read(&chunk));
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(expected, header.last_sequence() + 1);
  EXPECT_GT(chunks, 1);
  WaitForInFlight(0);
}

// At shutdown every waiting watch ends at once, OK.
TEST_F(StreamTest, StopWatchesEndsWaitingWatchesAtOnce) {
  auto stub = pb::ChangeService::NewStub(*channel_);
  auto context = As("county-system");
  pb::WatchChangesRequest request;
  request.set_after(env->log_->HighestDurableEvent());
  auto reader = stub->WatchChanges(context.get(), request);
  WaitForInFlight(1);
  for (int i = 0; i < 200 && changes_->waiting_watches() < 1; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  const absl::Time start = absl::Now();
  changes_->StopWatches();
  pb::ChangeEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(400));
  WaitForInFlight(0);
}

}  // namespace
}  // namespace hedui::server

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  hedui::server::env = new hedui::server::Services();
  ::testing::AddGlobalTestEnvironment(hedui::server::env);
  return RUN_ALL_TESTS();
}
