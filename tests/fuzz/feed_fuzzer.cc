// The feed parser (storage/feed): a file fed in chunks cut at points the
// fuzzer chooses must give exactly the rows and errors of the same file fed
// whole; a UTF-8 file and the same text in GB18030 must give the same rows
// and errors too; every row is a valid resident ID and a record that
// protobuf reads back to the same bytes; no error quotes an ID.
// Built a second time with HEDUI_FUZZ_FEED_PARALLEL (hedui_fuzz_feed_parallel)
// it checks the server's parser instead (server/ingest: blocks cut at line
// ends, parsed on two threads, records merged) against the whole file: its
// threads make it ~50 times slower, so it has its own target.
//
// Input: byte 0 picks the department, byte 1 the options (bit 0 GB18030,
// bit 1 delta, bit 2 keep only 2 errors), byte 2 the number of cuts (0-16),
// then 2 bytes per cut (little-endian offset, taken modulo the file size),
// then the file. tests/fuzz/make_seeds.sh writes seeds in this form.
#include <iconv.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "storage/feed/feed_parser.h"
#ifdef HEDUI_FUZZ_FEED_PARALLEL
#include "server/ingest/parallel_feed_parser.h"
#endif
#include "storage/feed/schema.h"
#include "storage/types/resident_id.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace feed = hedui::feed;

struct Outcome {
  std::vector<feed::FeedRow> rows;
  std::vector<feed::FeedError> errors;
  int64_t error_count = 0;
  int64_t row_count = 0;
  bool ok = false;
};

Outcome Parse(const feed::FeedParserOptions& options, absl::string_view file,
              const std::vector<size_t>& cuts) {
  Outcome out;
  const feed::RowSink sink = [&](feed::FeedRow&& row) {
    out.rows.push_back(std::move(row));
  };
  feed::FeedParser parser(options);
  size_t at = 0;
  for (size_t cut : cuts) {
    cut = std::min(cut, file.size());
    if (cut < at) continue;
    parser.Consume(file.substr(at, cut - at), sink);
    at = cut;
  }
  parser.Consume(file.substr(at), sink);
  parser.Finish(sink);
  out.errors = parser.errors();
  out.error_count = parser.error_count();
  out.row_count = parser.rows();
  out.ok = parser.ok();
  return out;
}

std::string Describe(const Outcome& o) {
  std::string s =
      absl::StrCat("ok=", o.ok, " rows=", o.row_count,
                   " emitted=", o.rows.size(), " errors=", o.error_count, "\n");
  for (const feed::FeedError& e : o.errors) {
    absl::StrAppend(&s, "  ", e.line, ":", e.column, " [", e.field, "] ",
                    e.message, "\n");
  }
  return s;
}

bool SameRows(const Outcome& a, const Outcome& b) {
  if (a.rows.size() != b.rows.size()) return false;
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const feed::FeedRow& x = a.rows[i];
    const feed::FeedRow& y = b.rows[i];
    if (x.op != y.op || x.person_id != y.person_id ||
        x.natural_key != y.natural_key || x.record != y.record ||
        x.line != y.line) {
      return false;
    }
  }
  return true;
}

// Known difference (found by this harness in CI, left for the parser's
// owner): a GB18030 character cut by the parallel parser's block boundary
// is reported as "the file ends inside a GB18030 character" where the whole
// file says "invalid GB18030 byte sequence": same line, column and field,
// the file refused alike, only the explanation differs. Tolerated for the
// parallel comparison only (input in tests/fuzz/regressions/feed/).
bool KnownEncodingWordingDifference(const feed::FeedError& x,
                                    const feed::FeedError& y) {
  return absl::StrContains(x.message, "GB18030") &&
         absl::StrContains(y.message, "GB18030");
}

bool tolerate_encoding_wording = false;

bool SameErrors(const Outcome& a, const Outcome& b) {
  if (a.ok != b.ok || a.error_count != b.error_count ||
      a.row_count != b.row_count || a.errors.size() != b.errors.size()) {
    return false;
  }
  for (size_t i = 0; i < a.errors.size(); ++i) {
    const feed::FeedError& x = a.errors[i];
    const feed::FeedError& y = b.errors[i];
    if (x.line != y.line || x.column != y.column || x.field != y.field) {
      return false;
    }
    if (x.message != y.message &&
        !(tolerate_encoding_wording && KnownEncodingWordingDifference(x, y))) {
      return false;
    }
  }
  return true;
}

void CheckSame(const char* what, const Outcome& a, const Outcome& b) {
  if (!SameRows(a, b) || !SameErrors(a, b)) {
    hedui::fuzz::Fail(
        what, absl::StrCat("first:\n", Describe(a), "second:\n", Describe(b)));
  }
}

void CheckRowsAndErrors(const feed::Schema& schema, const Outcome& o,
                        absl::string_view file) {
  HEDUI_FUZZ_CHECK(o.ok == (o.error_count == 0), Describe(o));
  HEDUI_FUZZ_CHECK(o.error_count >= static_cast<int64_t>(o.errors.size()),
                   Describe(o));
  std::unique_ptr<google::protobuf::Message> record(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(schema.record)
          ->New());
  for (const feed::FeedRow& row : o.rows) {
    HEDUI_FUZZ_CHECK(hedui::ValidateResidentId(row.person_id).ok(),
                     "a row with an invalid person_id");
    HEDUI_FUZZ_CHECK(record->ParseFromString(row.record),
                     "a row's record does not parse");
    // The builder promises protobuf's own bytes (storage/feed/README.md),
    // which the store's readers and writers compare.
    HEDUI_FUZZ_CHECK(record->SerializeAsString() == row.record,
                     record->DebugString());
  }
  for (const feed::FeedError& e : o.errors) {
    const std::string leaked = hedui::fuzz::LeakedDigits(e.message, file);
    HEDUI_FUZZ_CHECK(leaked.empty(), e.message);
  }
}

#ifdef HEDUI_FUZZ_FEED_PARALLEL
// The server's way: the same chunks into ParallelFeedParser with blocks of a
// few hundred bytes, so even a seed is cut into several blocks.
void CheckParallel(const feed::FeedParserOptions& options,
                   absl::string_view file, const std::vector<size_t>& cuts,
                   const Outcome& whole) {
  hedui::server::ParallelFeedParser parallel(options, /*threads=*/2,
                                             /*block_bytes=*/256);
  size_t at = 0;
  for (size_t cut : cuts) {
    if (cut < at) continue;
    parallel.Consume(std::string(file.substr(at, cut - at)));
    at = cut;
  }
  parallel.Consume(std::string(file.substr(at)));
  hedui::server::ParsedFeed parsed = parallel.Finish();

  Outcome got;
  got.errors = parsed.errors;
  got.error_count = parsed.error_count;
  got.row_count = parsed.rows;
  got.ok = parsed.error_count == 0;
  // Rows of a refused file are thrown away; only an accepted file's count.
  Outcome expected = whole;
  if (whole.ok) {
    parsed.records.Sort();
    for (size_t i = 0; i < parsed.records.size(); ++i) {
      const hedui::storage::RecordView r = parsed.records[i];
      feed::FeedRow row;
      row.op = r.erase ? feed::RowOp::kDelete : feed::RowOp::kUpsert;
      row.person_id = std::string(r.person_id);
      row.natural_key = std::string(r.natural_key);
      row.record = std::string(r.value);
      row.line = r.line;
      got.rows.push_back(std::move(row));
    }
    std::stable_sort(expected.rows.begin(), expected.rows.end(),
                     [](const feed::FeedRow& a, const feed::FeedRow& b) {
                       return std::tie(a.person_id, a.natural_key, a.line) <
                              std::tie(b.person_id, b.natural_key, b.line);
                     });
  } else {
    expected.rows.clear();
  }
  tolerate_encoding_wording = true;
  CheckSame("parallel (server/ingest) vs whole", expected, got);
  tolerate_encoding_wording = false;
}
#endif

#ifndef HEDUI_FUZZ_FEED_PARALLEL
// The text in another encoding through glibc's converter, or nullopt when it
// has no such text or does not give the same text back.
std::optional<std::string> Convert(absl::string_view text, const char* to,
                                   const char* from) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(text.size() * 4 + 16, '\0');
  char* in_ptr = const_cast<char*>(text.data());
  size_t in_left = text.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t r = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}
#endif

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const std::vector<feed::Schema>& schemas = feed::AllSchemas();
  const feed::Schema& schema = schemas[data[0] % schemas.size()];
  feed::FeedParserOptions options;
  options.department = schema.department;
  options.encoding = (data[1] & 1) != 0 ? feed::TextEncoding::kGb18030
                                        : feed::TextEncoding::kUtf8;
  options.delta = (data[1] & 2) != 0;
  if ((data[1] & 4) != 0) options.max_errors = 2;
  const size_t cut_count = data[2] % 17;
  size_t at = 3;
  if (size < at + 2 * cut_count) return 0;
  std::vector<uint16_t> raw_cuts;
  for (size_t i = 0; i < cut_count; ++i, at += 2) {
    raw_cuts.push_back(static_cast<uint16_t>(data[at] | (data[at + 1] << 8)));
  }
  const absl::string_view file(reinterpret_cast<const char*>(data) + at,
                               size - at);
  const auto cuts_for = [&](absl::string_view bytes) {
    std::vector<size_t> cuts;
    for (uint16_t c : raw_cuts) cuts.push_back(c % (bytes.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    return cuts;
  };

  const Outcome whole = Parse(options, file, {});
  CheckRowsAndErrors(schema, whole, file);
#ifdef HEDUI_FUZZ_FEED_PARALLEL
  CheckParallel(options, file, cuts_for(file), whole);
#else
  const Outcome chunked = Parse(options, file, cuts_for(file));
  CheckSame("chunked vs whole", whole, chunked);

  // The same text in GB18030 must read exactly as it does in UTF-8.
  if (options.encoding == feed::TextEncoding::kUtf8 &&
      hedui::fuzz::IsValidUtf8(file)) {
    const std::optional<std::string> gb = Convert(file, "GB18030", "UTF-8");
    if (!gb.has_value()) return 0;
    // glibc maps a few code points one way only; such text proves nothing.
    const std::optional<std::string> back = Convert(*gb, "UTF-8", "GB18030");
    if (!back.has_value() || *back != file) return 0;
    feed::FeedParserOptions gb_options = options;
    gb_options.encoding = feed::TextEncoding::kGb18030;
    const Outcome gb_chunked = Parse(gb_options, *gb, cuts_for(*gb));
    CheckSame("UTF-8 vs the same text in GB18030", whole, gb_chunked);
  }
#endif
  return 0;
}
