#include "client/suggest.h"

#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

TEST(EditDistanceTest, CountsEditsAndSwaps) {
  EXPECT_EQ(EditDistance("verify", "verify"), 0);
  EXPECT_EQ(EditDistance("verfy", "verify"), 1);  // a letter left out
  EXPECT_EQ(EditDistance("lsit", "list"), 1);     // two letters swapped
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("--outptu", "--output"), 1);
}

TEST(ClosestNameTest, OnlyCloseEnoughNames) {
  const std::vector<std::string> commands = {"ingest", "departments", "data",
                                             "verify", "report",      "stats"};
  EXPECT_EQ(ClosestName("verfy", commands), "verify");
  EXPECT_EQ(ClosestName("repot", commands), "report");
  EXPECT_EQ(ClosestName("depart", commands), "departments");
  EXPECT_EQ(ClosestName("frobnicate", commands), "");
  EXPECT_EQ(ClosestName("xyz", commands), "");
  // Two edits in a four-letter word is a different word.
  EXPECT_EQ(ClosestName("date", commands), "data");
  EXPECT_EQ(ClosestName("dtea", commands), "");
}

}  // namespace
}  // namespace hedui::cli
