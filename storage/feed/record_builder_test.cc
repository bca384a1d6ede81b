// The hand-written wire encoding must give exactly the bytes protobuf's own
// serializer gives for the same record, for every department.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/schema.h"

namespace hedui::feed {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void ExpectCanonical(hedui::v1::Department department, bool delta,
                     const std::string& file) {
  const Schema* schema = FindSchema(department);
  ASSERT_NE(schema, nullptr);
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(schema->record)
          ->New());
  FeedParserOptions options;
  options.department = department;
  options.delta = delta;
  FeedParser parser(options);
  int rows = 0;
  auto check = [&](FeedRow&& row) {
    ++rows;
    ASSERT_TRUE(message->ParseFromString(row.record)) << "line " << row.line;
    EXPECT_EQ(message->SerializeAsString(), row.record)
        << hedui::v1::Department_Name(department) << " line " << row.line;
  };
  parser.Consume(file, check);
  parser.Finish(check);
  ASSERT_TRUE(parser.ok());
  EXPECT_GT(rows, 0);
}

TEST(RecordBuilderTest, EveryDepartmentMatchesProtobufSerialization) {
  const fs::path examples =
      fs::path(HEDUI_SOURCE_DIR) / "deploy/feeds/examples";
  for (int d = 1; d <= 13; ++d) {
    const auto department = static_cast<hedui::v1::Department>(d);
    const std::string name =
        absl::AsciiStrToLower(hedui::v1::Department_Name(department));
    ExpectCanonical(department, false, ReadFile(examples / (name + ".csv")));
  }
  ExpectCanonical(hedui::v1::TAX, true, ReadFile(examples / "tax.delta.csv"));
}

}  // namespace
}  // namespace hedui::feed
