// A durability defect in storage/ found by the power-loss tests (issue 14),
// fixed in AppendHeadLine, which now cuts a torn last line before appending.
//
// The audit head file is appended with a plain write() and then fsynced
// (storage/audit_chain.cc, AppendHeadLine). A power loss between the two can
// leave the last line cut short (or, on file systems that update the size
// before the data, ending in NUL bytes). ReadHeadFile ignores such a line,
// as its comment says it should, but the next AppendHeadLine (the catch-up
// line ServiceLog::Open writes at once) is glued onto the torn piece: the
// file then holds a malformed line, VerifyAudit reports the chain broken and
// the next ServiceLog::Open refuses to start (DATA_LOSS), although no entry
// was lost.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/faults/power_loss_harness.h"

namespace hedui::faults {
namespace {

TEST(TornHeadLine, AStoreWhoseLastHeadLineWasTornStillOpensAndVerifies) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      absl::StrCat("torn_head_line_", getpid());
  const std::string heads = (dir / "audit.heads").string();
  Ledger ledger;
  {
    PowerLossStore store(dir);
    ASSERT_TRUE(store.Open().ok());
    // head_every is 3: a head line after entry 3 and one after entry 6.
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(store.Append(absl::StrCat("call-", i), true, &ledger).ok());
    }
    store.Close();
    ASSERT_TRUE(store.fs().Reboot().ok());  // everything was synced

    // The power went while the line for entry 6 was being written: only
    // its first bytes reached the disk.
    std::error_code ec;
    const auto size = std::filesystem::file_size(heads, ec);
    ASSERT_FALSE(ec);
    std::filesystem::resize_file(heads, size - 20, ec);
    ASSERT_FALSE(ec);

    absl::Status opened = store.Open();
    ASSERT_TRUE(opened.ok()) << opened;
    store.CheckAcknowledged(ledger);
    store.Close();
    opened = store.Open();
    ASSERT_TRUE(opened.ok())
        << "a second start after the torn line: " << opened;
    auto verified = store.log().VerifyAudit();
    ASSERT_TRUE(verified.ok()) << verified.status();
    std::ifstream in(heads);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(verified->intact()) << verified->problem() << "\nhead file:\n"
                                    << text.str();
  }
}

}  // namespace
}  // namespace hedui::faults
