#include "storage/request_ids.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/rolls/roll_keys.h"
#include "storage/rolls/roll_store.h"
#include "storage/testing/service_log_fixture.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

constexpr char kVerify[] = "/hedui.v1.VerificationService/Verify";

std::string Person(int n) {
  const std::string first17 = absl::StrFormat("32058119700101%03d", n);
  return first17 + ResidentIdCheckCharacter(first17);
}

hedui::v1::VerifyRequest Request(int person, const std::string& request_id) {
  hedui::v1::VerifyRequest request;
  request.set_request_id(request_id);
  request.mutable_request()->set_program(hedui::v1::DIBAO);
  request.mutable_request()->set_region_code("320581");
  request.mutable_request()->add_members()->set_person_id(Person(person));
  return request;
}

class RequestIdsTest : public testing::ServiceLogFixture {
 protected:
  void SetUp() override {
    ServiceLogFixture::SetUp();
    ASSERT_TRUE(Open().ok());
  }

  Store::ServiceTables Tables() { return store_->service_tables(); }

  // One verification as the service writes it: the report, its audit entry
  // (naming the request id) and the result naming the report, in one synced
  // batch; `as_before` writes the result unlinked, as older versions did.
  Appended Verify(const std::string& caller, const std::string& request_id,
                  int person, int64_t unix_micros, bool as_before = false) {
    ServiceRecord record;
    record.audit.set_time_unix_micros(unix_micros);
    record.audit.set_caller(caller);
    record.audit.set_method(kVerify);
    record.audit.set_outcome(absl::StrCat("OK: request ", request_id));
    hedui::v1::Report report;
    report.set_program(hedui::v1::DIBAO);
    report.mutable_verification_date()->set_year(2026);
    report.mutable_verification_date()->set_month(11);
    report.mutable_verification_date()->set_day(1);
    report.set_verdict(hedui::v1::MEETS_CRITERIA);
    *report.mutable_request() = Request(person, request_id).request();
    record.report = std::move(report);
    RequestResult result;
    result.set_method(kVerify);
    result.set_fingerprint(RequestFingerprint(Request(person, request_id)));
    result.set_first_unix_seconds(unix_micros / 1'000'000);
    record.writes.push_back(
        as_before
            ? RequestResultWrite(Tables(), caller, request_id, result)
            : RequestResultNamingReport(Tables(), caller, request_id, result));
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    auto appended = log_->Append(std::move(records));
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.ok() ? appended->front() : Appended();
  }

  std::optional<RequestResult> Find(const std::string& caller,
                                    const std::string& request_id) {
    auto found = FindRequestResult(Tables(), caller, request_id);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  }

  // A result as another method stores it (no report).
  void PutResult(const std::string& caller, const std::string& request_id,
                 int64_t first_unix_seconds, const std::string& report_id) {
    RequestResult result;
    result.set_method("/hedui.v1.RollService/Enroll");
    result.set_first_unix_seconds(first_unix_seconds);
    result.set_report_id(report_id);
    ServiceRecord record;
    record.audit.set_caller(caller);
    record.audit.set_method(result.method());
    record.audit.set_outcome("OK");
    record.writes.push_back(
        RequestResultWrite(Tables(), caller, request_id, result));
    std::vector<ServiceRecord> records;
    records.push_back(std::move(record));
    ASSERT_TRUE(log_->Append(std::move(records)).ok());
  }
};

TEST(RequestFingerprintTest, TheSameRequestAsSentGivesTheSameFingerprint) {
  const std::string first = RequestFingerprint(Request(1, "a"));
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(RequestFingerprint(Request(1, "a")), first);
  EXPECT_NE(RequestFingerprint(Request(2, "a")), first);
  hedui::v1::VerifyRequest dated = Request(1, "a");
  // What the server fills in makes another request: a retry is judged on
  // the request as sent.
  dated.mutable_request()->mutable_verification_date()->set_year(2026);
  EXPECT_NE(RequestFingerprint(dated), first);
}

TEST_F(RequestIdsTest, AResultNamesItsReportInTheReportsOwnWrite) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  const Appended appended = Verify("dibao-system", "app-1:try", 1, now);
  ASSERT_FALSE(appended.report_id.empty());
  std::optional<RequestResult> found = Find("dibao-system", "app-1:try");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->method(), kVerify);
  EXPECT_EQ(found->fingerprint(), RequestFingerprint(Request(1, "app-1:try")));
  EXPECT_EQ(found->first_unix_seconds(), now / 1'000'000);
  EXPECT_EQ(found->report_id(), appended.report_id)
      << "named in the same synced write, not after it";

  // Ids are the caller's own, and shared with the roll calls' (one key).
  EXPECT_FALSE(Find("other-system", "app-1:try").has_value());
  EXPECT_FALSE(Find("dibao-system", "app-1:tr").has_value());
  auto rolls = RollStore::Open(Tables());
  ASSERT_TRUE(rolls.ok()) << rolls.status();
  auto as_roll = (*rolls)->FindRequest("dibao-system", "app-1:try");
  ASSERT_TRUE(as_roll.ok()) << as_roll.status();
  ASSERT_TRUE(as_roll->has_value());
  EXPECT_EQ((*as_roll)->method(), kVerify);
}

TEST_F(RequestIdsTest, ResultsCommittedTogetherEachNameTheirOwnReport) {
  std::vector<ServiceRecord> records;
  for (int i = 0; i < 3; ++i) {
    ServiceRecord record;
    record.audit.set_caller("dibao-system");
    record.audit.set_method(kVerify);
    record.audit.set_outcome("OK");
    hedui::v1::Report report;
    report.set_program(hedui::v1::DIBAO);
    *report.mutable_verification_date() = ToProto(absl::CivilDay(2026, 11, 1));
    *report.mutable_request() = Request(i + 1, "x").request();
    record.report = std::move(report);
    RequestResult result;
    result.set_method(kVerify);
    record.writes.push_back(RequestResultNamingReport(
        Tables(), "dibao-system", absl::StrCat("batch-", i), result));
    records.push_back(std::move(record));
  }
  auto appended = log_->Append(std::move(records));
  ASSERT_TRUE(appended.ok()) << appended.status();
  ASSERT_EQ(appended->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    std::optional<RequestResult> found =
        Find("dibao-system", absl::StrCat("batch-", i));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->report_id(), (*appended)[i].report_id);
  }
}

TEST_F(RequestIdsTest, AWriteNamingAReportNeedsARecordWithOne) {
  ServiceRecord record;
  record.audit.set_caller("dibao-system");
  record.audit.set_method(kVerify);
  record.audit.set_outcome("OK");
  record.writes.push_back(RequestResultNamingReport(
      Tables(), "dibao-system", "no-report", RequestResult()));
  std::vector<ServiceRecord> records;
  records.push_back(std::move(record));
  auto appended = log_->Append(std::move(records));
  EXPECT_EQ(appended.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->AuditLength(), 0u) << "nothing of the call was written";
  EXPECT_FALSE(Find("dibao-system", "no-report").has_value());
}

TEST_F(RequestIdsTest, AnOlderVersionsUnlinkedResultIsLinkedAfter) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  const Appended appended =
      Verify("dibao-system", "old", 1, now, /*as_before=*/true);
  std::optional<RequestResult> found = Find("dibao-system", "old");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->report_id().empty());
  ASSERT_TRUE(LinkRequestReport(Tables(), "dibao-system", "old", *found,
                                appended.report_id)
                  .ok());
  found = Find("dibao-system", "old");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->report_id(), appended.report_id);
  EXPECT_EQ(found->fingerprint(), RequestFingerprint(Request(1, "old")));
}

TEST_F(RequestIdsTest, AnUnlinkedResultIsLinkedFromTheAuditEntryOfTheCall) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  Verify("dibao-system", "a", 1, now - 3'000'000, true);
  const Appended wanted = Verify("dibao-system", "b", 2, now, true);
  Verify("other-system", "b", 3, now + 10, true);
  Verify("dibao-system", "c", 4, now + 20, true);
  const absl::Time at = absl::FromUnixMicros(now);
  auto matches = [](const std::string& caller, const std::string& outcome) {
    return [caller, outcome](const hedui::v1::AuditEntry& entry) {
      return entry.caller() == caller && entry.outcome() == outcome;
    };
  };
  auto found =
      FindAuditedReport(Tables(), at - absl::Seconds(1), at + absl::Seconds(2),
                        matches("dibao-system", "OK: request b"));
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, wanted.report_id);
  // Outside its time, or of no call: none.
  found =
      FindAuditedReport(Tables(), at + absl::Seconds(1), at + absl::Seconds(3),
                        matches("dibao-system", "OK: request b"));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
  found =
      FindAuditedReport(Tables(), at - absl::Seconds(1), at + absl::Seconds(2),
                        matches("dibao-system", "OK: request a"));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value()) << "request a was 3 s earlier";
}

TEST_F(RequestIdsTest, PurgeForgetsIdsOlderThanTheCutoffOrWithoutTheirReport) {
  const absl::Time cutoff = absl::FromUnixSeconds(1'800'000'000);
  const int64_t cut = absl::ToUnixSeconds(cutoff);
  const Appended kept_report = AppendOne(1)->front();
  PutResult("dibao-system", "old-roll", cut - 1, "");
  PutResult("dibao-system", "old-verify", cut - 86400, kept_report.report_id);
  PutResult("dibao-system", "at-cutoff", cut, "");
  PutResult("dibao-system", "new-verify", cut + 5, kept_report.report_id);
  // A backdated report purged before its request id expired.
  PutResult("dibao-system", "report-gone", cut + 5, "R000000009999");
  PutResult("other-system", "old-roll", cut + 5, "");

  PurgeBatching dry;
  dry.dry_run = true;
  auto counted = PurgeRequestIds(Tables(), cutoff, dry);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(*counted, 3);
  EXPECT_TRUE(Find("dibao-system", "old-roll").has_value())
      << "a dry run deletes nothing";

  PurgeBatching one_by_one;
  one_by_one.batch_size = 1;
  auto purged = PurgeRequestIds(Tables(), cutoff, one_by_one);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
  EXPECT_FALSE(Find("dibao-system", "old-roll").has_value());
  EXPECT_FALSE(Find("dibao-system", "old-verify").has_value());
  EXPECT_FALSE(Find("dibao-system", "report-gone").has_value());
  EXPECT_TRUE(Find("dibao-system", "at-cutoff").has_value());
  EXPECT_TRUE(Find("dibao-system", "new-verify").has_value());
  EXPECT_TRUE(Find("other-system", "old-roll").has_value())
      << "another caller's id of the same name is its own";

  purged = PurgeRequestIds(Tables(), cutoff, PurgeBatching());
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 0) << "a second run finds nothing more";

  // Kept across a reopen: the deletions were synced.
  Close();
  ASSERT_TRUE(Open().ok());
  EXPECT_FALSE(Find("dibao-system", "old-roll").has_value());
  EXPECT_TRUE(Find("dibao-system", "new-verify").has_value());
}

TEST_F(RequestIdsTest, ADamagedResultIsDataLoss) {
  ASSERT_TRUE(Tables()
                  .db
                  ->Put(rocksdb::WriteOptions(), Tables().roll_requests,
                        RollRequestKey("dibao-system", "x"), "\xff\xff\xff")
                  .ok());
  auto found = FindRequestResult(Tables(), "dibao-system", "x");
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDataLoss);
  auto purged =
      PurgeRequestIds(Tables(), absl::FromUnixSeconds(1), PurgeBatching());
  EXPECT_EQ(purged.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hedui::storage
