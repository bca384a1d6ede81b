#ifndef HEDUI_SERVER_INGEST_FEED_INGESTOR_H_
#define HEDUI_SERVER_INGEST_FEED_INGESTOR_H_

// One feed file on its way into the store: bytes in (any chunking), parsed
// and validated as they arrive, applied whole or not at all at the end.
// Transport-free, so the gRPC handler stays an adapter and tests need no
// server.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "hedui/v1/admin.pb.h"
#include "server/ingest/parallel_feed_parser.h"
#include "storage/feed/feed_parser.h"
#include "storage/store.h"

namespace hedui::server {

struct IngestLimits {
  int64_t max_feed_bytes = 4ll << 30;  // a feed larger than this is refused
  size_t max_reported_errors = 20;
  int parse_threads = 2;  // feeds are parsed on this many threads
  // The server's today, China's civil date (TodayInChina when empty): no
  // file's as-of may be after it. Tests fix it.
  std::function<absl::CivilDay()> today;
};

class FeedIngestor {
 public:
  // Validates the header (INVALID_ARGUMENT naming the field) and checks
  // whether the batch was applied before, in which case the bytes that
  // follow are only drained. An empty batch id must come later
  // (SetBatchId), after the bytes.
  //
  // The as-of date (domain.md §3, deploy/feeds/README.md): never after
  // today; a delta's never before the department's current as-of; a full
  // snapshot's before it only with force. Checked here when the batch id is
  // known (a batch applied before is a no-op, whatever its date), otherwise
  // in Finish once the id has come.
  static absl::StatusOr<std::unique_ptr<FeedIngestor>> Start(
      storage::Store* store, const hedui::v1::IngestHeader& header,
      const IngestLimits& limits);

  // The next bytes of the file; parser threads work on them while the
  // transport receives the next ones. Blocks while the parsers are behind
  // (bounded memory whatever the sender does). A line longer than the
  // limit is refused here, as soon as it is (INVALID_ARGUMENT naming the
  // line and the limit), and every later call returns the same refusal.
  absl::Status Consume(std::string chunk);

  // The batch id sent after the file (the header left it empty).
  absl::Status SetBatchId(const std::string& batch_id);

  // Applies the file if it is valid; otherwise INVALID_ARGUMENT with the
  // first errors (ErrorDetails payload). Nothing is written on any error.
  // Validate() then Apply().
  absl::StatusOr<hedui::v1::IngestResponse> Finish();

  // The file parsed and checked whole (errors as Finish's), nothing
  // written: a preview and the hold look at it before Apply().
  absl::Status Validate();
  // After Validate(): what the store would refuse, checked before a
  // preview or a hold (FAILED_PRECONDITION, the store's words): a full
  // snapshot with under half the current rows unless forced, a delta of a
  // department with no data yet. The store checks them again when applying.
  absl::Status CheckShrink();
  // After Validate(): writes the file (or finds it applied before).
  absl::StatusOr<hedui::v1::IngestResponse> Apply();

  // After Validate().
  bool already_applied() const { return already_applied_; }
  const storage::BatchHeader& batch() const { return batch_; }
  bool delta() const { return delta_; }
  const storage::RecordBatch& records() const { return records_; }
  int64_t rows() const { return rows_; }
  // Moves the parsed rows out (a held file keeps them).
  storage::RecordBatch TakeRecords() { return std::move(records_); }

  // Applies already parsed rows (a held file being confirmed) and answers
  // like an ingest.
  static absl::StatusOr<hedui::v1::IngestResponse> ApplyRecords(
      storage::Store* store, const storage::BatchHeader& batch, bool delta,
      const storage::RecordBatch& records, int64_t rows);
  // The answer of an ingest that `applied` a file of `rows` rows.
  static hedui::v1::IngestResponse ResponseFor(
      const storage::BatchHeader& batch, int64_t rows,
      const storage::ApplyResult& applied);

 private:
  FeedIngestor(storage::Store* store, storage::BatchHeader batch, bool delta,
               feed::FeedParserOptions parser_options,
               const IngestLimits& limits);

  // Sorts rows by key and reports rows whose key repeats an earlier one.
  std::vector<feed::FeedError> SortAndFindDuplicates();
  // The as-of date against the department's current one.
  absl::Status CheckAgainstCurrent();
  absl::Status RejectFile(const std::vector<feed::FeedError>& errors,
                          int64_t total);

  storage::Store* store_;
  storage::BatchHeader batch_;
  bool delta_;
  IngestLimits limits_;
  ParallelFeedParser parser_;
  storage::RecordBatch records_;
  int64_t bytes_ = 0;
  bool already_applied_ = false;
  bool checked_against_current_ = false;
  bool validated_ = false;
  int64_t rows_ = 0;
  // Set once a line was refused while arriving.
  std::optional<absl::Status> refused_;
  absl::Time started_ = absl::Now();
  absl::Time parsed_;
  absl::Time sorted_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_INGEST_FEED_INGESTOR_H_
