#ifndef HEDUI_SERVER_INGEST_PARALLEL_FEED_PARSER_H_
#define HEDUI_SERVER_INGEST_PARALLEL_FEED_PARSER_H_

// One feed file parsed on several threads while it is still arriving: the
// byte stream is cut at line ends into blocks, each parsed by its own
// FeedParser told its first line number. Lines can be cut anywhere a "\n"
// is: a quoted field may not span lines, and neither UTF-8 nor GB18030 uses
// the byte 0x0A inside a character.
//
// A line still arriving is held until its "\n" comes, so its length is
// checked as it grows: once it is longer than feed::kMaxFeedLineBytes, a
// FeedParser reads it (as the sequential parser would, from the line's
// start) and the file is refused as soon as that parser refuses the line.
// What one upload holds is then bounded by the parse queue plus about two
// lines' limit and one chunk, whatever the sender does.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "storage/feed/feed_parser.h"
#include "storage/record_batch.h"

namespace hedui::server {

struct ParsedFeed {
  storage::RecordBatch records;         // in no particular order
  std::vector<feed::FeedError> errors;  // the first max_errors, by line
  int64_t error_count = 0;
  int64_t rows = 0;
  // The block's parser stopped (encoding error, wrong header, over-long
  // line): like the sequential parser, the file's later blocks are not read.
  bool stopped = false;
};

class ParallelFeedParser {
 public:
  // `options.first_line`, `starts_file` and `ends_file` are set per block.
  ParallelFeedParser(feed::FeedParserOptions options, int threads,
                     size_t block_bytes = 4 << 20);
  ~ParallelFeedParser();

  // The next bytes of the file. Blocks while the parsers are behind, so
  // memory stays bounded whatever the sender does. Returns false once the
  // file is refused (a line too long, or bad bytes in such a line); Finish
  // then gives the errors, and later bytes are ignored.
  bool Consume(std::string chunk);

  // After the last chunk: waits for the parsers and merges their results.
  ParsedFeed Finish();

 private:
  struct Block {
    // The block's bytes: received chunks, moved, not copied; only the last
    // is cut short at the block's final line end.
    std::vector<std::string> pieces;
    int64_t first_line = 1;
    size_t index = 0;
    bool last = false;
  };

  void CutBlock();  // moves the whole lines of pending_ into a block
  // pending_ holds only the line being received, longer than the limit:
  // starts reading it with its own parser.
  void StartProbe();
  // The probe refused the line: its errors become the file's last block.
  void Refuse();
  void Enqueue(Block block);
  void Work();
  void Stop();

  const feed::FeedParserOptions options_;
  const size_t block_bytes_;
  const size_t max_queued_;
  // Receive side (the caller's thread only): chunks not yet in a block.
  std::vector<std::string> pending_;
  size_t pending_bytes_ = 0;
  int64_t next_line_ = 1;
  size_t next_index_ = 0;
  bool finished_ = false;
  // Bytes of the line being received (after the stream's last "\n").
  size_t tail_bytes_ = 0;
  // Reads that line while it is over the limit; reset when it ends.
  std::unique_ptr<feed::FeedParser> probe_;
  bool refused_ = false;

  absl::Mutex mu_;
  std::deque<Block> queue_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<size_t, ParsedFeed> results_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_INGEST_PARALLEL_FEED_PARSER_H_
