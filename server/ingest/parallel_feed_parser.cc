#include "server/ingest/parallel_feed_parser.h"

#include <algorithm>
#include <cstring>

namespace hedui::server {

ParallelFeedParser::ParallelFeedParser(feed::FeedParserOptions options,
                                       int threads, size_t block_bytes)
    : options_(options),
      block_bytes_(std::max<size_t>(block_bytes, 1)),
      max_queued_(static_cast<size_t>(std::max(threads, 1)) * 2) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

ParallelFeedParser::~ParallelFeedParser() { Stop(); }

void ParallelFeedParser::Stop() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void ParallelFeedParser::Consume(std::string chunk) {
  if (finished_) return;
  if (pending_.empty()) {
    pending_ = std::move(chunk);
  } else {
    pending_.append(chunk);
  }
  if (pending_.size() >= block_bytes_) CutBlocks();
}

void ParallelFeedParser::CutBlocks() {
  // Cut after the last "\n" that has bytes after it: the block then never
  // holds the file's last line, so an empty line at its end is an error
  // (only the file's last line may be empty).
  if (pending_.size() < 2) return;
  const void* hit = memrchr(pending_.data(), '\n', pending_.size() - 1);
  if (hit == nullptr) return;  // no whole line yet
  const size_t cut = static_cast<const char*>(hit) - pending_.data() + 1;
  Block block;
  block.text = pending_.substr(0, cut);
  pending_.erase(0, cut);
  block.first_line = next_line_;
  block.index = next_index_++;
  next_line_ += std::count(block.text.begin(), block.text.end(), '\n');
  Enqueue(std::move(block));
}

void ParallelFeedParser::Enqueue(Block block) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](ParallelFeedParser* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
        return self->queue_.size() < self->max_queued_;
      },
      this));
  queue_.push_back(std::move(block));
}

void ParallelFeedParser::Work() {
  while (true) {
    Block block;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ParallelFeedParser* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
               self->mu_) { return !self->queue_.empty() || self->closed_; },
          this));
      if (queue_.empty()) return;  // closed and drained
      block = std::move(queue_.front());
      queue_.pop_front();
    }
    feed::FeedParserOptions options = options_;
    options.first_line = block.first_line;
    options.starts_file = block.index == 0;
    options.ends_file = block.last;
    feed::FeedParser parser(options);
    ParsedFeed result;
    result.records.Reserve(block.text.size() / 48);
    auto collect = [&result](feed::FeedRow&& row) {
      result.records.Add(row.person_id, row.natural_key, row.record, row.line,
                         row.op == feed::RowOp::kDelete);
    };
    parser.Consume(block.text, collect);
    parser.Finish(collect);
    result.errors = parser.errors();
    result.error_count = parser.error_count();
    result.rows = parser.rows();
    absl::MutexLock lock(&mu_);
    results_.emplace(block.index, std::move(result));
  }
}

ParsedFeed ParallelFeedParser::Finish() {
  ParsedFeed merged;
  if (finished_) return merged;
  finished_ = true;
  Block last;
  last.text = std::move(pending_);
  last.first_line = next_line_;
  last.index = next_index_++;
  last.last = true;
  Enqueue(std::move(last));
  Stop();

  absl::MutexLock lock(&mu_);
  // A wrong header makes every later row wrong too: report it alone, as
  // a single parser would.
  const auto first = results_.find(0);
  const bool header_failed =
      first != results_.end() &&
      std::any_of(first->second.errors.begin(), first->second.errors.end(),
                  [](const feed::FeedError& e) { return e.line <= 1; });
  for (auto& [index, result] : results_) {
    if (header_failed && index != 0) continue;
    merged.rows += result.rows;
    merged.error_count += result.error_count;
    for (feed::FeedError& error : result.errors) {
      if (merged.errors.size() < options_.max_errors) {
        merged.errors.push_back(std::move(error));
      }
    }
    merged.records.Append(std::move(result.records));
  }
  return merged;
}

}  // namespace hedui::server
