#include "client/completion.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/test_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAreArray;

// Every command of README "Commands", by where it is typed.
const std::vector<std::string> kTopLevel = {
    "ingest", "feeds",  "departments", "data",      "verify",
    "report", "stats",  "roll",        "reviews",   "changes",
    "audit",  "health", "admin",       "completion"};
const std::vector<std::string> kRoll = {"enroll", "withdraw", "attach-consent",
                                        "get",    "list",     "reverify"};
const std::vector<std::string> kChanges = {"list", "get", "watch", "resolve",
                                           "stats"};
const std::vector<std::string> kAdmin = {"backup", "backups", "verify-backup",
                                         "prune-backups", "purge"};

std::string Script() {
  CliRunner cli;
  EXPECT_EQ(cli.Run({"completion", "bash"}), kExitOk) << cli.err();
  return cli.out();
}

TEST(CompletionTest, ScriptListsEveryCommand) {
  const std::string script = Script();
  EXPECT_THAT(script, HasSubstr("complete -F _hedui hedui"));
  EXPECT_THAT(script,
              HasSubstr(absl::StrCat("    \"\") echo \"",
                                     absl::StrJoin(kTopLevel, " "), "\" ;;")));
  for (const char* line :
       {"\"data\") echo \"status\"", "\"report\") echo \"get list\"",
        "\"audit\") echo \"verify export list\"",
        "\"completion\") echo \"bash\"",
        "\"roll\") echo \"enroll withdraw attach-consent get list "
        "reverify\"",
        "\"reviews\") echo \"due\"", "\"feeds\") echo \"held confirm discard\"",
        "\"changes\") echo \"list get watch resolve stats\"",
        "\"admin\") echo \"backup backups verify-backup prune-backups "
        "purge\""}) {
    EXPECT_THAT(script, HasSubstr(line));
  }
}

// What bash completes after `words` (the last one being completed), with
// the script loaded as bash-completion loads it.
std::vector<std::string> Complete(const std::string& script_file,
                                  const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& word : words)
    absl::StrAppend(&array, " '", word, "'");
  const std::string command = absl::StrCat(
      "bash --norc --noprofile -c 'source \"$0\"; COMP_WORDS=(\"$@\"); "
      "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _hedui; "
      "printf \"%s\\n\" \"${COMPREPLY[@]}\"' '",
      script_file, "'", array);
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return absl::StrSplit(out, '\n', absl::SkipEmpty());
}

TEST(CompletionTest, BashCompletesCommandsFlagsAndValues) {
  if (std::system("bash -c true") != 0) GTEST_SKIP() << "no bash";
  const std::string file = WriteTempFile("hedui.bash", Script());
  EXPECT_THAT(Complete(file, {"hedui", ""}),
              UnorderedElementsAreArray(kTopLevel));
  EXPECT_THAT(Complete(file, {"hedui", "admin", ""}),
              UnorderedElementsAreArray(kAdmin));
  // Global flags and their values are skipped to find the command.
  EXPECT_THAT(Complete(file, {"hedui", "--server", "h:1", "-o", "json", "ad"}),
              UnorderedElementsAreArray({"admin"}));
  // A flag takes no value: the next word is a command.
  EXPECT_THAT(Complete(file, {"hedui", "--insecure", "dep"}),
              UnorderedElementsAreArray({"departments"}));
  EXPECT_THAT(Complete(file, {"hedui", "report", "l"}),
              UnorderedElementsAreArray({"list"}));
  EXPECT_THAT(Complete(file, {"hedui", "-o", ""}),
              UnorderedElementsAreArray({"table", "json", "yaml"}));
  EXPECT_THAT(Complete(file, {"hedui", "report", "list", "--program", "DI"}),
              UnorderedElementsAreArray({"DIBAO"}));
  EXPECT_THAT(Complete(file, {"hedui", "verify", "--"}),
              IsSupersetOf({"--household", "--batch", "--program", "--date",
                            "--server", "--output", "--help"}));
  EXPECT_THAT(Complete(file, {"hedui", "ingest", "--department", "TA"}),
              UnorderedElementsAreArray({"TAX"}));
}

TEST(CompletionTest, RollsChangesAndReviews) {
  if (std::system("bash -c true") != 0) GTEST_SKIP() << "no bash";
  const std::string file = WriteTempFile("hedui.bash", Script());
  EXPECT_THAT(Complete(file, {"hedui", "roll", ""}),
              UnorderedElementsAreArray(kRoll));
  EXPECT_THAT(Complete(file, {"hedui", "changes", ""}),
              UnorderedElementsAreArray(kChanges));
  EXPECT_THAT(Complete(file, {"hedui", "reviews", ""}),
              UnorderedElementsAreArray({"due"}));
  EXPECT_THAT(Complete(file, {"hedui", "roll", "enroll", "--"}),
              IsSupersetOf({"--program", "--region", "--report",
                            "--approval-date", "--request-id", "--moved-in",
                            "--caseworker", "--reason", "--output"}));
  // A roll's programs only; a consent may cover any program.
  EXPECT_THAT(Complete(file, {"hedui", "roll", "list", "--program", ""}),
              UnorderedElementsAreArray({"DIBAO", "TEKUN", "LOW_INCOME_MARGIN",
                                         "HOUSING", "UNION_HARDSHIP"}));
  EXPECT_THAT(
      Complete(file, {"hedui", "roll", "attach-consent", "--program", "ME"}),
      UnorderedElementsAreArray({"MEDICAL"}));
  EXPECT_THAT(Complete(file, {"hedui", "roll", "withdraw", "E000000000001",
                              "--reason", ""}),
              UnorderedElementsAreArray({"income", "assets", "death",
                                         "moved-away", "voluntary", "other"}));
  EXPECT_THAT(Complete(file, {"hedui", "roll", "list", "--state", ""}),
              UnorderedElementsAreArray({"active", "ended", "all"}));
  EXPECT_THAT(
      Complete(file, {"hedui", "changes", "resolve", "3", "--outcome", "s"}),
      UnorderedElementsAreArray({"source-wrong"}));
  EXPECT_THAT(Complete(file, {"hedui", "changes", "watch", "--"}),
              IsSupersetOf({"--after", "--program", "--region"}));
}

}  // namespace
}  // namespace hedui::cli
