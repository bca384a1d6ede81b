// Fuzz-like: ~200k random and mutated inputs, every department, encoding and
// mode, random chunking. The parser must not crash, must keep its error
// bookkeeping consistent, and must never emit a row with an invalid person_id
// or a record that does not parse.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"
#include "storage/feed/schema.h"
#include "storage/feed/text_decoder.h"
#include "storage/types/resident_id.h"

namespace hedui::feed {
namespace {

// Valid values of a column, and a few invalid ones.
struct Samples {
  std::vector<std::string> good;
  std::vector<std::string> bad;
};

Samples SamplesFor(const Column& column) {
  switch (column.type) {
    case ColumnType::kResidentId:
      return {
          {"320581198001010013", "320581198203150022", "32058119850603108X"},
          {"320581198001010012", "3205811980010100", ""}};
    case ColumnType::kName:
    case ColumnType::kText:
      return {{"张三", "\"a,b\"", " x ", "常熟市", "\"q\"\"q\""}, {"", "  "}};
    case ColumnType::kRegionCode:
      return {{"320581", "320582"}, {"32058"}};
    case ColumnType::kEnum: {
      Samples samples{{}, {"wage", ""}};
      for (const EnumCode& code : column.codes)
        samples.good.push_back(code.name);
      return samples;
    }
    case ColumnType::kDate:
      return {{"2026-11-05", "2024-02-29"}, {"2026-02-29"}};
    case ColumnType::kMonth:
      return {{"2026-10"}, {"2026-13"}};
    case ColumnType::kMoney:
    case ColumnType::kArea:
      return {{"0", "3500.5"}, {"-1", "99999999999999999999"}};
    case ColumnType::kShare:
      return {{"1", "0.5"}, {"0"}};
    case ColumnType::kGrade:
      return {{"1", "4"}, {"5"}};
  }
  return {{""}, {""}};
}

// Error messages go into proto string fields, which must be valid UTF-8.
bool IsUtf8(absl::string_view text) {
  std::unique_ptr<TextDecoder> decoder = NewUtf8Decoder();
  return decoder->Decode(text, [](absl::string_view) {}).ok() &&
         decoder->Finish().ok();
}

std::string Pick(std::mt19937& random, const std::vector<std::string>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(random)];
}

std::string RandomFile(std::mt19937& random, const Schema& schema, bool delta) {
  std::vector<std::string> names;
  if (delta) names.push_back("op");
  for (const Column& column : schema.columns) names.push_back(column.name);
  std::string file = absl::StrJoin(names, ",") + "\n";
  const int rows = std::uniform_int_distribution<int>(0, 6)(random);
  for (int r = 0; r < rows; ++r) {
    std::vector<std::string> fields;
    if (delta) fields.push_back(Pick(random, {"upsert", "delete", "x"}));
    for (const Column& column : schema.columns) {
      const Samples samples = SamplesFor(column);
      fields.push_back(
          Pick(random, random() % 20 == 0 ? samples.bad : samples.good));
    }
    absl::StrAppend(&file, absl::StrJoin(fields, ","),
                    random() % 4 == 0 ? "\r\n" : "\n");
  }
  return file;
}

void Mutate(std::mt19937& random, std::string* file) {
  static const char kSpecial[] = {'"',    ',', '\n',   '\r',   '\0',
                                  '\x1f', ' ', '\xFF', '\xE4', '\x81',
                                  '\x30', 'X', '-'};
  const int edits =
      random() % 3 == 0 ? 0 : std::uniform_int_distribution<int>(1, 4)(random);
  for (int e = 0; e < edits && !file->empty(); ++e) {
    const size_t at =
        std::uniform_int_distribution<size_t>(0, file->size() - 1)(random);
    switch (random() % 5) {
      case 0:
        (*file)[at] = static_cast<char>(random());
        break;
      case 1:
        (*file)[at] = kSpecial[random() % sizeof kSpecial];
        break;
      case 2:
        file->insert(at, 1, kSpecial[random() % sizeof kSpecial]);
        break;
      case 3:
        file->erase(at, 1 + random() % 8);
        break;
      default:
        file->resize(at);  // truncated transfer
        break;
    }
  }
}

TEST(RobustnessTest, RandomAndMutatedInputs) {
  std::mt19937 random(42);
  const std::vector<Schema>& schemas = AllSchemas();
  constexpr int kInputs = 200000;
  int64_t rows_emitted = 0;
  int64_t files_ok = 0;
  for (int n = 0; n < kInputs; ++n) {
    const Schema& schema = schemas[random() % schemas.size()];
    FeedParserOptions options;
    options.department = schema.department;
    options.delta = random() % 4 == 0;
    options.encoding =
        random() % 8 == 0 ? TextEncoding::kGb18030 : TextEncoding::kUtf8;
    options.max_errors = random() % 5;
    std::string file;
    if (random() % 10 == 0) {
      file.resize(random() % 200);
      for (char& c : file) c = static_cast<char>(random());
    } else {
      file = RandomFile(random, schema, options.delta);
      Mutate(random, &file);
    }
    std::vector<size_t> chunks;
    if (random() % 2 == 0) {
      for (int i = 0; i < 4; ++i) chunks.push_back(1 + random() % 17);
    }
    const testing::ParseResult result = testing::Parse(options, file, chunks);
    ASSERT_EQ(result.ok, result.error_count == 0) << n;
    ASSERT_LE(result.errors.size(), options.max_errors) << n;
    ASSERT_EQ(result.errors.size(),
              std::min<size_t>(options.max_errors, result.error_count))
        << n;
    if (result.ok) ++files_ok;
    for (const FeedError& error : result.errors) {
      ASSERT_GE(error.line, 1) << n;
      ASSERT_GE(error.column, 0) << n;
      ASSERT_FALSE(error.message.empty()) << n;
      ASSERT_TRUE(IsUtf8(error.message)) << n << " " << error.message;
    }
    for (const FeedRow& row : result.rows) {
      ++rows_emitted;
      ASSERT_TRUE(ValidateResidentId(row.person_id).ok())
          << n << " " << absl::CEscape(file);
      ASSERT_GE(row.line, 2) << n;
      std::unique_ptr<google::protobuf::Message> record =
          testing::NewRecord(schema);
      // Proto3 parsing also checks that string fields are valid UTF-8.
      ASSERT_TRUE(record->ParseFromString(row.record)) << n;
    }
  }
  // The generator reaches both outcomes often.
  EXPECT_GT(rows_emitted, kInputs / 10);
  EXPECT_GT(files_ok, kInputs / 20);
}

}  // namespace
}  // namespace hedui::feed
