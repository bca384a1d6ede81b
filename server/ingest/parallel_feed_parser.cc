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

bool ParallelFeedParser::Consume(std::string chunk) {
  if (refused_) return false;
  if (finished_ || chunk.empty()) return true;
  const void* last_end = memrchr(chunk.data(), '\n', chunk.size());
  if (last_end == nullptr) {
    tail_bytes_ += chunk.size();
  } else {
    // The probed line is complete: its block's parser reads it whole.
    probe_.reset();
    tail_bytes_ =
        chunk.data() + chunk.size() - (static_cast<const char*>(last_end) + 1);
  }
  pending_bytes_ += chunk.size();
  pending_.push_back(std::move(chunk));
  if (probe_ != nullptr) {
    probe_->Consume(pending_.back(), [](feed::FeedRow&&) {});
  } else if (tail_bytes_ > feed::kMaxFeedLineBytes + 1) {
    // +1: a "\r" at the end may still turn out to precede "\n".
    StartProbe();
  }
  if (probe_ != nullptr && !probe_->ok()) {
    Refuse();
    return false;
  }
  // Only when pending_ holds a line end before the line being received:
  // otherwise there is nothing to cut, and searching would cost time
  // quadratic in a long line's pieces.
  if (pending_bytes_ >= block_bytes_ && tail_bytes_ < pending_bytes_) {
    CutBlock();
  }
  return true;
}

void ParallelFeedParser::StartProbe() {
  // The lines before the long one go to their block, so that pending_
  // starts where the long line does. The raw length is only a hint (UTF-8
  // after decoding is what the limit counts): the probe decides, exactly as
  // the sequential parser would.
  CutBlock();
  feed::FeedParserOptions options = options_;
  options.first_line = next_line_;
  options.starts_file = next_index_ == 0;
  options.ends_file = false;
  probe_ = std::make_unique<feed::FeedParser>(options);
  for (const std::string& piece : pending_) {
    probe_->Consume(piece, [](feed::FeedRow&&) {});
  }
}

void ParallelFeedParser::Refuse() {
  refused_ = true;
  ParsedFeed result;
  result.errors = probe_->errors();
  result.error_count = probe_->error_count();
  result.rows = probe_->rows();
  result.stopped = probe_->stopped();
  probe_.reset();
  pending_.clear();
  pending_bytes_ = 0;
  absl::MutexLock lock(&mu_);
  results_.emplace(next_index_++, std::move(result));
}

void ParallelFeedParser::CutBlock() {
  // Cut after the last "\n" that has bytes after it: the block then never
  // holds the file's last line, so an empty line at its end is an error
  // (only the file's last line may be empty).
  for (size_t i = pending_.size(); i-- > 0;) {
    std::string& piece = pending_[i];
    const size_t searched =
        i + 1 == pending_.size() ? piece.size() - 1 : piece.size();
    const void* hit = memrchr(piece.data(), '\n', searched);
    if (hit == nullptr) continue;
    const size_t cut = static_cast<const char*>(hit) - piece.data() + 1;
    // Only the tail after the cut is copied (less than a line, usually).
    std::vector<std::string> rest;
    if (cut < piece.size()) rest.push_back(piece.substr(cut));
    piece.resize(cut);
    for (size_t k = i + 1; k < pending_.size(); ++k) {
      rest.push_back(std::move(pending_[k]));
    }
    pending_.resize(i + 1);
    Block block;
    block.pieces = std::move(pending_);
    block.first_line = next_line_;
    block.index = next_index_++;
    for (const std::string& p : block.pieces) {
      next_line_ += std::count(p.begin(), p.end(), '\n');
    }
    pending_ = std::move(rest);
    pending_bytes_ = 0;
    for (const std::string& p : pending_) pending_bytes_ += p.size();
    Enqueue(std::move(block));
    return;
  }
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
    size_t bytes = 0;
    for (const std::string& p : block.pieces) bytes += p.size();
    result.records.Reserve(bytes / 48);
    auto collect = [&result](feed::FeedRow&& row) {
      result.records.Add(row.person_id, row.natural_key, row.record, row.line,
                         row.op == feed::RowOp::kDelete);
    };
    for (const std::string& p : block.pieces) parser.Consume(p, collect);
    parser.Finish(collect);
    // Sorted here, on the parser threads, while the file still arrives:
    // Finish only merges.
    if (parser.ok()) result.records.Sort();
    result.errors = parser.errors();
    result.error_count = parser.error_count();
    result.rows = parser.rows();
    result.stopped = parser.stopped();
    absl::MutexLock lock(&mu_);
    results_.emplace(block.index, std::move(result));
  }
}

ParsedFeed ParallelFeedParser::Finish() {
  ParsedFeed merged;
  if (finished_) return merged;
  finished_ = true;
  if (!refused_) {
    Block last;
    last.pieces = std::move(pending_);
    last.first_line = next_line_;
    last.index = next_index_++;
    last.last = true;
    Enqueue(std::move(last));
  }
  Stop();

  absl::MutexLock lock(&mu_);
  // A wrong header makes every later row wrong too: report it alone, as
  // a single parser would.
  const auto first = results_.find(0);
  const bool header_failed =
      first != results_.end() &&
      std::any_of(first->second.errors.begin(), first->second.errors.end(),
                  [](const feed::FeedError& e) { return e.line <= 1; });
  std::vector<storage::RecordBatch> runs;
  for (auto& [index, result] : results_) {
    if (header_failed && index != 0) break;
    merged.rows += result.rows;
    merged.error_count += result.error_count;
    for (feed::FeedError& error : result.errors) {
      if (merged.errors.size() < options_.max_errors) {
        merged.errors.push_back(std::move(error));
      }
    }
    runs.push_back(std::move(result.records));
    if (result.stopped) break;
  }
  if (merged.error_count == 0) {
    merged.records = storage::RecordBatch::MergeSorted(std::move(runs));
  }
  return merged;
}

}  // namespace hedui::server
