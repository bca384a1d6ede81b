#include "client/audit.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_verification_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::ApplicantId;
using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeVerificationServer;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

int64_t ChinaMicros(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), ChinaTimeZone()));
}

class AuditTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    return cli_.RunAt(server_.address(), std::move(args));
  }

  FakeVerificationServer server_;
  CliRunner cli_;
};

TEST_F(AuditTest, VerifyIntact) {
  hedui::v1::VerifyAuditResponse check;
  check.set_intact(true);
  check.set_entries(1234);
  check.set_head_checkpoints(5);
  server_.audit().SetCheck(check);
  EXPECT_EQ(Run({"audit", "verify"}), kExitOk) << cli_.err();
  EXPECT_EQ(cli_.out(),
            "audit chain intact: 1234 entries, 5 head checkpoints checked\n");
}

TEST_F(AuditTest, VerifyBrokenExitsEight) {
  hedui::v1::VerifyAuditResponse check;
  check.set_intact(false);
  check.set_entries(57);
  check.set_first_broken_sequence(57);
  check.set_problem("mac does not match: the entry was changed");
  server_.audit().SetCheck(check);
  EXPECT_EQ(Run({"audit", "verify"}), kExitAuditBroken);
  EXPECT_EQ(kExitAuditBroken, 8);
  EXPECT_THAT(cli_.out(),
              StartsWith("audit chain BROKEN at sequence 57: mac does not "
                         "match: the entry was changed\n"));
  EXPECT_EQ(Run({"audit", "verify", "--output", "json"}), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("\"first_broken_sequence\":\"57\""));
}

TEST_F(AuditTest, ListAllWithFilters) {
  std::vector<hedui::v1::AuditEntry> entries;
  for (int i = 1; i <= 250; ++i) {
    hedui::v1::AuditEntry e;
    e.set_sequence(i);
    e.set_time_unix_micros(ChinaMicros(2026, 11, 3, 9, 30) + i * 1000000LL);
    e.set_caller("dibao-changshu");
    e.set_method("/hedui.v1.VerificationService/Verify");
    e.set_program(hedui::v1::DIBAO);
    e.set_code(i == 2 ? 9 : 0);
    e.set_outcome(i == 2 ? "consent missing" : "DOES_NOT_MEET");
    e.set_report_id(i == 2 ? "" : absl::StrCat("R-", i));
    e.set_batch_index(-1);
    entries.push_back(e);
  }
  server_.audit().SetEntries(entries);
  ASSERT_EQ(Run({"audit", "list", "--from", "2026-11-03", "--to", "2026-11-03",
                 "--caller", "dibao-changshu", "--program", "DIBAO", "--person",
                 ApplicantId(), "--all"}),
            kExitOk)
      << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 251u);
  EXPECT_THAT(lines[0], StartsWith("SEQ  TIME (Asia/Shanghai)"));
  EXPECT_THAT(lines[1], HasSubstr("2026-11-03 09:30:01.000  dibao-changshu  "
                                  "VerificationService/Verify  DIBAO"));
  EXPECT_THAT(lines[2], HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(lines[2], HasSubstr("consent missing"));
  const auto requests = server_.audit().list_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].from_unix_micros(), ChinaMicros(2026, 11, 3));
  // A bare --to date includes its day: the bound is the next midnight.
  EXPECT_EQ(requests[0].to_unix_micros(), ChinaMicros(2026, 11, 4));
  EXPECT_EQ(requests[0].caller(), "dibao-changshu");
  EXPECT_EQ(requests[0].program(), hedui::v1::DIBAO);
  EXPECT_EQ(requests[0].person_id(), ApplicantId());
  EXPECT_EQ(requests[2].page_token(), "200");
}

TEST_F(AuditTest, ListOnePageJson) {
  std::vector<hedui::v1::AuditEntry> entries(150);
  for (size_t i = 0; i < entries.size(); ++i) entries[i].set_sequence(i + 1);
  server_.audit().SetEntries(entries);
  ASSERT_EQ(Run({"audit", "list", "--from", "2026-11-03 08:00", "--to",
                 "2026-11-03T10:00:00+08:00", "--output", "json"}),
            kExitOk)
      << cli_.err();
  hedui::v1::ListAuditResponse parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.entries_size(), 100);
  EXPECT_EQ(parsed.next_page_token(), "100");
  EXPECT_THAT(cli_.err(), HasSubstr("more entries: add --all"));
  const auto requests = server_.audit().list_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].from_unix_micros(), ChinaMicros(2026, 11, 3, 8));
  EXPECT_EQ(requests[0].to_unix_micros(), ChinaMicros(2026, 11, 3, 10));
}

TEST_F(AuditTest, UsageAndServerErrors) {
  EXPECT_EQ(Run({"audit", "list", "--from", "yesterday"}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("hedui audit list: --from \"yesterday\""));
  EXPECT_EQ(
      Run({"audit", "list", "--from", "2026-11-04", "--to", "2026-11-03"}),
      kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("is not before --to"));
  EXPECT_EQ(Run({"audit", "list", "--person", "320581"}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("--person"));
  EXPECT_EQ(Run({"audit", "list", "--program", "X"}), kExitUsage);
  EXPECT_EQ(Run({"audit"}), kExitUsage);
  EXPECT_TRUE(server_.audit().list_requests().empty());

  server_.audit().FailWith(
      {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "admin only"), {}});
  EXPECT_EQ(Run({"audit", "verify"}), kExitPermission);
  EXPECT_EQ(Run({"audit", "list"}), kExitPermission);
  EXPECT_THAT(cli_.err(), Not(HasSubstr("BROKEN")));
}

}  // namespace
}  // namespace hedui::cli
