#include "client/audit_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_verification_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/testing/audit_mac_vector.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeVerificationServer;
using ::testing::HasSubstr;

const std::string kKey(32, 'k');

TEST(AuditMacTest, MatchesTheServersSharedVector) {
  const std::string body =
      absl::HexStringToBytes(hedui::testing::kAuditVectorBodyHex);
  const std::string mac1 =
      AuditMac(hedui::testing::kAuditVectorKey, std::string(32, '\0'), body);
  EXPECT_EQ(absl::BytesToHexString(mac1), hedui::testing::kAuditVectorMac1Hex);
  EXPECT_EQ(absl::BytesToHexString(
                AuditMac(hedui::testing::kAuditVectorKey, mac1, body)),
            hedui::testing::kAuditVectorMac2Hex);
}

// Entries `first`..`first + n - 1` of a chain under kKey, as the server
// stores them; `*anchor` is the mac before the first.
std::vector<std::string> Chain(uint64_t first, int n, std::string* anchor) {
  std::string previous(32, '\0');
  std::vector<std::string> stored;
  for (uint64_t seq = 1; seq < first + n; ++seq) {
    hedui::v1::AuditEntry entry;
    entry.set_sequence(seq);
    entry.set_time_unix_micros(1'800'000'000'000'000 + seq * 1000);
    entry.set_caller("staff-1");
    entry.set_method("/hedui.v1.AuditService/ListAudit");
    entry.set_outcome("OK");
    entry.set_batch_index(-1);
    entry.set_previous_mac(previous);
    const std::string body = entry.SerializeAsString();
    const std::string mac = AuditMac(kKey, previous, body);
    if (seq == first) *anchor = previous;
    if (seq >= first) stored.push_back(body + "\x7A\x20" + mac);
    previous = mac;
  }
  return stored;
}

class AuditExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat(
               "audit_export_test_", getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_file_ = (dir_ / "audit.key").string();
    std::ofstream(key_file_, std::ios::binary) << kKey;
    file_ = (dir_ / "export.jsonl").string();

    std::string anchor;
    std::vector<std::string> stored = Chain(11, 5, &anchor);
    hedui::v1::ExportAuditHeader header;
    header.set_first_sequence(11);
    header.set_last_sequence(15);
    header.set_anchor_mac(anchor);
    header.set_chain_length(20);
    server_.audit().SetExport(header, stored);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int Run(std::vector<std::string> args) {
    return cli_.RunAt(server_.address(), std::move(args));
  }
  int Export() {
    return Run({"audit", "export", "--from", "2026-11-01", "--to", "2026-11-30",
                "--out", file_});
  }
  int Check(bool with_key) {
    std::vector<std::string> args = {"audit", "verify", "--file", file_};
    if (with_key) {
      args.push_back("--key-file");
      args.push_back(key_file_);
    }
    return cli_.Run(args);  // offline: no --server
  }
  std::vector<std::string> Lines() {
    std::ifstream in(file_);
    std::stringstream text;
    text << in.rdbuf();
    return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  }
  void Write(const std::vector<std::string>& lines) {
    std::ofstream(file_, std::ios::trunc) << absl::StrJoin(lines, "\n") << "\n";
  }

  std::filesystem::path dir_;
  std::string key_file_;
  std::string file_;
  FakeVerificationServer server_;
  CliRunner cli_;
};

TEST_F(AuditExportTest, ExportWritesAFileThatVerifies) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  EXPECT_THAT(cli_.out(), HasSubstr("exported audit entries 11..15 (5 of 20)"));
  const auto requests = server_.audit().export_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].from_unix_micros(),
            absl::ToUnixMicros(
                absl::FromCivil(absl::CivilDay(2026, 11, 1), ChinaTimeZone())));
  EXPECT_EQ(requests[0].to_unix_micros(),
            absl::ToUnixMicros(
                absl::FromCivil(absl::CivilDay(2026, 12, 1), ChinaTimeZone())));
  EXPECT_FALSE(std::filesystem::exists(file_ + ".partial"));
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 7u);  // header, 5 entries, trailer
  EXPECT_THAT(lines[0], HasSubstr("\"format\":\"hedui-audit-export/1\""));
  EXPECT_THAT(lines[1], HasSubstr("\"caller\":\"staff-1\""));

  EXPECT_EQ(Check(/*with_key=*/true), kExitOk) << cli_.out() << cli_.err();
  EXPECT_EQ(cli_.out(),
            "audit export intact: 5 entries (11..15), every MAC recomputed "
            "with the key\n");
  EXPECT_EQ(Check(/*with_key=*/false), kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("MACs NOT checked (no --key-file)"));
}

TEST_F(AuditExportTest, EditedEntryIsCaughtByItsMac) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::vector<std::string> lines = Lines();
  // Entry 13 rewritten whole (stored bytes and readable text agree), its mac
  // and the links after it left alone: only the MAC tells.
  std::string stored;
  ASSERT_TRUE(absl::Base64Unescape(
      nlohmann::json::parse(lines[3])["stored"].get<std::string>(), &stored));
  const size_t at = stored.find("staff-1");
  ASSERT_NE(at, std::string::npos);
  stored.replace(at, 7, "staff-2");
  lines[3] = ExportEntryLine(stored).value();
  lines[3].pop_back();  // its '\n': Write() adds them
  Write(lines);
  EXPECT_EQ(Check(true), kExitAuditBroken);
  EXPECT_THAT(cli_.out(),
              HasSubstr("audit export BROKEN at sequence 13: entry 13 (line 4) "
                        "does not match its MAC"));
  // Without the key the edit passes, and the output says what was not
  // checked.
  EXPECT_EQ(Check(false), kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("MACs NOT checked"));
}

TEST_F(AuditExportTest, ReadableTextThatDiffersFromTheBytesIsCaught) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::vector<std::string> lines = Lines();
  const size_t at = lines[2].find("staff-1");
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, 7, "admin-9");
  Write(lines);
  EXPECT_EQ(Check(false), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("at sequence 12: entry 12 (line 3): the "
                                    "readable entry differs"));
}

TEST_F(AuditExportTest, RemovedEntryIsCaught) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::vector<std::string> lines = Lines();
  lines.erase(lines.begin() + 3);  // entry 13
  Write(lines);
  EXPECT_EQ(Check(false), kExitAuditBroken);
  EXPECT_THAT(cli_.out(),
              HasSubstr("at sequence 13: entry 13 is missing: the next in the "
                        "file is 14"));
  lines = Lines();
  lines.erase(lines.end() - 2);  // the last entry, 15
  Write(lines);
  EXPECT_EQ(Check(true), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("at sequence 13"));
}

TEST_F(AuditExportTest, RemovedLastEntryOrTrailerIsCaught) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::vector<std::string> lines = Lines();
  lines.erase(lines.end() - 2);  // entry 15, the trailer stays
  Write(lines);
  EXPECT_EQ(Check(true), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("at sequence 15: entry 15 is missing"));
  lines.pop_back();  // and the trailer: a cut-off file
  Write(lines);
  EXPECT_EQ(Check(true), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("ends without its trailer"));
}

TEST_F(AuditExportTest, WrongAnchorIsCaught) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::vector<std::string> lines = Lines();
  const size_t at = lines[0].find("\"anchor_mac\":\"");
  ASSERT_NE(at, std::string::npos);
  char& digit = lines[0][at + 14];
  digit = digit == '0' ? '1' : '0';
  Write(lines);
  EXPECT_EQ(Check(false), kExitAuditBroken);
  EXPECT_THAT(cli_.out(),
              HasSubstr("at sequence 11: entry 11 (line 2) does not "
                        "name the header's anchor_mac"));
}

TEST_F(AuditExportTest, WrongKeyBreaksAtTheFirstEntry) {
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  std::ofstream(key_file_, std::ios::binary | std::ios::trunc)
      << std::string(32, 'x');
  EXPECT_EQ(Check(true), kExitAuditBroken);
  EXPECT_THAT(cli_.out(), HasSubstr("at sequence 11"));
}

TEST_F(AuditExportTest, ServerErrorLeavesNoFile) {
  server_.audit().FailWith(
      {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "staff only"), {}});
  EXPECT_EQ(Export(), kExitPermission);
  EXPECT_FALSE(std::filesystem::exists(file_));
  EXPECT_FALSE(std::filesystem::exists(file_ + ".partial"));
}

TEST_F(AuditExportTest, FlagsAreChecked) {
  EXPECT_EQ(Run({"audit", "export", "--from", "2026-11-02", "--to",
                 "2026-11-01", "--out", file_}),
            kExitUsage);
  EXPECT_EQ(Run({"audit", "export"}), kExitUsage);
  EXPECT_EQ(cli_.Run({"audit", "verify", "--key-file", key_file_}), kExitUsage);
  EXPECT_EQ(server_.audit().export_requests().size(), 0u);
}

TEST_F(AuditExportTest, EmptyRangeIsAnIntactEmptyExport) {
  hedui::v1::ExportAuditHeader header;
  header.set_chain_length(20);
  header.set_anchor_mac(std::string(32, '\0'));
  server_.audit().SetExport(header, {});
  ASSERT_EQ(Export(), kExitOk) << cli_.err();
  EXPECT_THAT(cli_.out(), HasSubstr("no audit entries in the range"));
  EXPECT_EQ(Check(true), kExitOk) << cli_.out();
}

}  // namespace
}  // namespace hedui::cli
