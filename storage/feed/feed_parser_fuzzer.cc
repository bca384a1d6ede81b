// libFuzzer target (optional; clang only): cmake -DCMAKE_CXX_COMPILER=clang++
// -DHEDUI_FEED_FUZZER=ON, then run build/storage/feed/hedui_feed_fuzzer.
// Byte 0 picks the department, byte 1 the encoding, the mode and the chunk
// size; the rest is the file. Aborts when a row escapes validation.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "google/protobuf/message.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/schema.h"
#include "storage/types/resident_id.h"

namespace feed = hedui::feed;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::vector<feed::Schema>& schemas = feed::AllSchemas();
  const feed::Schema& schema = schemas[data[0] % schemas.size()];
  feed::FeedParserOptions options;
  options.department = schema.department;
  options.encoding = (data[1] & 1) != 0 ? feed::TextEncoding::kGb18030
                                        : feed::TextEncoding::kUtf8;
  options.delta = (data[1] & 2) != 0;
  const size_t chunk = 1 + (data[1] >> 2);
  std::unique_ptr<google::protobuf::Message> record(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(schema.record)
          ->New());
  const feed::RowSink sink = [&](feed::FeedRow&& row) {
    if (!hedui::ValidateResidentId(row.person_id).ok()) std::abort();
    if (!record->ParseFromString(row.record)) std::abort();
  };
  feed::FeedParser parser(options);
  absl::string_view file(reinterpret_cast<const char*>(data) + 2, size - 2);
  while (!file.empty()) {
    parser.Consume(file.substr(0, chunk), sink);
    file.remove_prefix(std::min(chunk, file.size()));
  }
  parser.Finish(sink);
  if (parser.ok() != (parser.error_count() == 0)) std::abort();
  return 0;
}
