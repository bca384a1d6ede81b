#include "client/cli.h"

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "client/exit_codes.h"
#include "client/fake_admin_service.h"
#include "client/test_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::FakeAdminServer;
using ::hedui::cli::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { Clear(); }
  void TearDown() override { Clear(); }
  static void Clear() {
    for (const char* name : {"HEDUI_SERVER", "HEDUI_CA", "HEDUI_CERT",
                             "HEDUI_KEY", "HEDUI_INSECURE"}) {
      unsetenv(name);
    }
  }

  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "hedui");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    out_.str("");
    err_.str("");
    return RunCli(static_cast<int>(argv.size()), argv.data(), out_, err_,
                  /*err_is_terminal=*/false);
  }

  hedui::v1::ListDepartmentsResponse Departments() {
    hedui::v1::ListDepartmentsResponse response;
    auto* tax = response.add_departments();
    tax->set_department(hedui::v1::TAX);
    tax->set_present(true);
    tax->set_rows(7);
    return response;
  }

  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CliTest, HelpExitsZero) {
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("ingest"));
  EXPECT_THAT(out_.str(), HasSubstr("departments"));
  for (const char* word : {"verify", "report", "stats", "audit", "health",
                           "--ca", "--cert", "--key", "--insecure"}) {
    EXPECT_THAT(out_.str(), HasSubstr(word));
  }
  EXPECT_EQ(Run({"verify", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--household"));
  EXPECT_EQ(Run({"report", "list", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--page-size"));
  EXPECT_EQ(Run({"ingest", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--as-of"));
}

TEST_F(CliTest, CommandHelpShowsTheGlobalFlags) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{
           {"verify"}, {"report", "list"}, {"admin", "backup"}, {"audit"}}) {
    SCOPED_TRACE(::testing::PrintToString(command));
    std::vector<std::string> args = command;
    args.push_back("--help");
    ASSERT_EQ(Run(args), kExitOk);
    const std::string help = out_.str();
    const size_t global = help.find("Global options");
    ASSERT_NE(global, std::string::npos) << help;
    for (const char* flag : {"--server", "--timeout", "--ca", "--cert", "--key",
                             "--insecure", "-o,--output"}) {
      EXPECT_NE(help.find(flag, global), std::string::npos) << flag;
    }
  }
  // The command's own flags come first.
  ASSERT_EQ(Run({"verify", "--help"}), kExitOk);
  EXPECT_LT(out_.str().find("--household"), out_.str().find("Global options"));
}

TEST_F(CliTest, VersionIsTheProjectVersion) {
  EXPECT_EQ(Run({"--version"}), kExitOk);
  EXPECT_EQ(out_.str(), "hedui " HEDUI_EXPECTED_VERSION "\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, UsageErrorsNameTheFlag) {
  const std::string file = WriteTempFile("tax.csv", "a\n");
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{}, "a command is required"},
      {{"frobnicate"}, "frobnicate"},
      {{"ingest", "--as-of", "2026-10-31", file}, "--department"},
      {{"ingest", "--department", "TAX", file}, "--as-of"},
      {{"ingest", "--department", "TAX", "--as-of", "2026-10-31"}, "FILE"},
      {{"ingest", "--department", "POLICE", "--as-of", "2026-10-31", file},
       "--department: unknown department \"POLICE\""},
      {{"ingest", "--department", "TAX", "--as-of", "2026-02-30", file},
       "--as-of \"2026-02-30\": not a calendar date"},
      {{"ingest", "--department", "TAX", "--as-of", "31/10/2026", file},
       "--as-of \"31/10/2026\""},
      {{"ingest", "--department", "TAX", "--as-of", "2026-10-31",
        file + ".missing"},
       "FILE: cannot open"},
      {{"ingest", "--department", "TAX", "--as-of", "2026-10-31", "--encoding",
        "BIG5", file},
       "--encoding"},
      {{"--timeout", "0", "departments"}, "--timeout"},
      {{"--timeout", "soon", "departments"}, "--timeout"},
      {{"--output", "xml", "departments"}, "--output"},
      {{"-o", "xml", "departments"}, "expected table, json or yaml"},
      {{"data"}, "a command is required"},
      {{"data", "frobnicate"}, "frobnicate"},
      {{"report"}, "a command is required"},
      {{"departments"}, "--ca is required"},
      {{"--insecure", "--ca", file, "departments"},
       "--insecure cannot be combined"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Run(c.args), kExitUsage);
    EXPECT_THAT(err_.str(), HasSubstr(c.expected));
    EXPECT_THAT(err_.str(), StartsWith("hedui"));
    EXPECT_EQ(out_.str(), "");
  }
}

TEST_F(CliTest, MistypedCommandOrFlagSaysWhatWasMeant) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"verfy"},
       "hedui: unknown command 'verfy'; did you mean 'verify'?\n"
       "Run 'hedui --help' for usage.\n"},
      {{"report", "lsit"},
       "hedui report: unknown command 'lsit'; did you mean 'list'?\n"
       "Run 'hedui report --help' for usage.\n"},
      {{"admin", "backpu"},
       "hedui admin: unknown command 'backpu'; did you mean 'backup'?\n"
       "Run 'hedui admin --help' for usage.\n"},
      {{"verify", "--housheold", "h.json"},
       "hedui verify: unknown flag '--housheold'; did you mean "
       "'--household'?\nRun 'hedui verify --help' for usage.\n"},
      // A global flag is known after any command.
      {{"report", "get", "R000000000042", "--outptu=json"},
       "hedui report get: unknown flag '--outptu'; did you mean "
       "'--output'?\nRun 'hedui report get --help' for usage.\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Run(c.args), kExitUsage);
    EXPECT_EQ(err_.str(), c.expected);
    EXPECT_EQ(out_.str(), "");
  }
  // Nothing close: CLI11's own words.
  EXPECT_EQ(Run({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("not expected: frobnicate"));
  EXPECT_THAT(err_.str(), ::testing::Not(HasSubstr("did you mean")));
}

TEST_F(CliTest, DepartmentsAndItsAlias) {
  FakeAdminServer server;
  server.service().SetDepartments(Departments());
  EXPECT_EQ(Run({"--insecure", "--server", server.address(), "departments"}),
            kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("DEPARTMENT"));
  EXPECT_THAT(out_.str(), HasSubstr("TAX "));
  const std::string table = out_.str();
  EXPECT_EQ(Run({"--insecure", "--server", server.address(), "data", "status"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), table);
  EXPECT_EQ(server.service().list_calls(), 2);
}

TEST_F(CliTest, GlobalFlagsAfterTheCommandAndFromTheEnvironment) {
  FakeAdminServer server;
  server.service().SetDepartments(Departments());
  setenv("HEDUI_SERVER", server.address().c_str(), 1);
  setenv("HEDUI_INSECURE", "1", 1);
  EXPECT_EQ(Run({"departments", "--output", "json"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            "{\"departments\":[{\"department\":\"TAX\",\"present\":true,"
            "\"rows\":\"7\",\"batch_id\":\"\",\"generation\":\"0\","
            "\"ingested_unix_seconds\":\"0\",\"deltas_applied\":\"0\","
            "\"retained_generations\":[]}]}\n");
  // --server beats the environment.
  EXPECT_EQ(Run({"departments", "--server", "127.0.0.1:1"}), kExitUnavailable);
  EXPECT_THAT(err_.str(), HasSubstr("127.0.0.1:1"));
}

TEST_F(CliTest, ShortOutputFlagAndYaml) {
  FakeAdminServer server;
  server.service().SetDepartments(Departments());
  const std::vector<std::string> at = {"--insecure", "--server",
                                       server.address()};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), at.begin(), at.end());
    return args;
  };
  ASSERT_EQ(Run(with({"departments", "--output", "json"})), kExitOk);
  const std::string json = out_.str();
  ASSERT_EQ(Run(with({"-o", "json", "departments"})), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), json);
  ASSERT_EQ(Run(with({"departments", "-o", "json"})), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), json);

  // The same data as the JSON, field for field.
  ASSERT_EQ(Run(with({"departments", "-o", "yaml"})), kExitOk) << err_.str();
  const std::string yaml = out_.str();
  EXPECT_THAT(yaml, StartsWith("departments:\n"
                               "  - department: \"TAX\"\n"
                               "    present: true\n"
                               "    rows: \"7\"\n"));
  EXPECT_THAT(yaml, HasSubstr("    generation: \"0\"\n"));
  EXPECT_THAT(yaml, HasSubstr("    retained_generations: []\n"));
  ASSERT_EQ(Run(with({"--output", "YAML", "data", "status"})), kExitOk);
  EXPECT_EQ(out_.str(), yaml);
}

TEST_F(CliTest, IngestEndToEnd) {
  FakeAdminServer server;
  const std::string content = "person_id,period\nA,2026-10\n";
  const std::string file = WriteTempFile("tax.csv", content);
  EXPECT_EQ(Run({"--insecure", "--server", server.address(), "ingest",
                 "--department", "TAX", "--as-of", "2026-10-31", "--delta",
                 "--batch-id", "b1", "--encoding", "GB18030", "--force", file}),
            kExitOk)
      << err_.str();
  const auto got = server.service().received();
  EXPECT_EQ(got.bytes, content);
  EXPECT_EQ(got.header.batch_id(), "b1");
  EXPECT_TRUE(got.header.delta());
  EXPECT_TRUE(got.header.force());
  EXPECT_EQ(got.header.encoding(), hedui::v1::GB18030);
  EXPECT_EQ(got.header.as_of().day(), 31);
}

}  // namespace
}  // namespace hedui::cli
