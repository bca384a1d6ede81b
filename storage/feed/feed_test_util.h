#ifndef HEDUI_STORAGE_FEED_FEED_TEST_UTIL_H_
#define HEDUI_STORAGE_FEED_FEED_TEST_UTIL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/schema.h"

namespace hedui::feed::testing {

struct ParseResult {
  bool ok = false;
  int64_t rows_seen = 0;
  int64_t error_count = 0;
  std::vector<FeedRow> rows;
  std::vector<FeedError> errors;
};

// Parses `bytes` in chunks of the given sizes, used in turn and repeated
// (empty: the whole input in one chunk).
ParseResult Parse(const FeedParserOptions& options, absl::string_view bytes,
                  absl::Span<const size_t> chunk_sizes = {});

// Everything a parse produced, one line per row and error, so that two parses
// compare as strings with a readable diff.
std::string Describe(const ParseResult& result);

// A resident ID: the 17 given digits and their check character.
std::string Id(absl::string_view first17);

// An empty record message of the schema's department.
std::unique_ptr<google::protobuf::Message> NewRecord(const Schema& schema);

// UTF-8 text re-encoded as GB18030 (with glibc's iconv).
std::string ToGb18030(absl::string_view utf8);

// The field quoted for CSV when it needs it.
std::string CsvField(absl::string_view value);

// The contents of a file; fails the test when it cannot be read.
std::string ReadFileOrDie(const std::string& path);

}  // namespace hedui::feed::testing

#endif  // HEDUI_STORAGE_FEED_FEED_TEST_UTIL_H_
