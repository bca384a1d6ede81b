#include "storage/feed/feed_test_util.h"

#include <iconv.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "storage/types/resident_id.h"

namespace hedui::feed::testing {

ParseResult Parse(const FeedParserOptions& options, absl::string_view bytes,
                  absl::Span<const size_t> chunk_sizes) {
  FeedParser parser(options);
  ParseResult result;
  const RowSink sink = [&](FeedRow&& row) {
    result.rows.push_back(std::move(row));
  };
  size_t turn = 0;
  while (!bytes.empty()) {
    const size_t size = chunk_sizes.empty()
                            ? bytes.size()
                            : chunk_sizes[turn++ % chunk_sizes.size()];
    parser.Consume(bytes.substr(0, size), sink);
    bytes.remove_prefix(std::min(size, bytes.size()));
  }
  parser.Finish(sink);
  result.ok = parser.ok();
  result.rows_seen = parser.rows();
  result.error_count = parser.error_count();
  result.errors = parser.errors();
  return result;
}

std::string Describe(const ParseResult& result) {
  std::string out =
      absl::StrCat("ok=", result.ok, " rows_seen=", result.rows_seen,
                   " error_count=", result.error_count, "\n");
  for (const FeedRow& row : result.rows) {
    absl::StrAppend(&out, "row line=", row.line,
                    " op=", row.op == RowOp::kDelete ? "delete" : "upsert",
                    " person=", row.person_id, " key=",
                    absl::StrReplaceAll(row.natural_key, {{"\x1f", "|"}}),
                    " record=", absl::CEscape(row.record), "\n");
  }
  for (const FeedError& error : result.errors) {
    absl::StrAppend(&out, "error line=", error.line, " column=", error.column,
                    " field=", error.field, " message=", error.message, "\n");
  }
  return out;
}

std::string Id(absl::string_view first17) {
  return absl::StrCat(first17,
                      std::string(1, ResidentIdCheckCharacter(first17)));
}

std::unique_ptr<google::protobuf::Message> NewRecord(const Schema& schema) {
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(schema.record)
          ->New());
}

std::string ToGb18030(absl::string_view utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t result = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  EXPECT_NE(result, static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(value);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace hedui::feed::testing
