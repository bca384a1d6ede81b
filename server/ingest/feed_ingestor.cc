#include "server/ingest/feed_ingestor.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/service/error_details.h"
#include "spdlog/spdlog.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

bool PrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c > ' ' && c < 0x7F; });
}

absl::Status ValidateBatchId(const std::string& id, absl::string_view field) {
  if (id.empty() || id.size() > 128 || !PrintableAscii(id)) {
    return FieldViolation(field,
                          "1 to 128 printable ASCII characters without spaces "
                          "(the CLI defaults it to the SHA-256 of the file)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<FeedIngestor>> FeedIngestor::Start(
    storage::Store* store, const hedui::v1::IngestHeader& header,
    const IngestLimits& limits) {
  const hedui::v1::Department department = header.department();
  if (department == hedui::v1::DEPARTMENT_UNSPECIFIED ||
      !hedui::v1::Department_IsValid(department)) {
    return FieldViolation("header.department",
                          "required: one of the 13 department codes");
  }
  auto as_of = FromProto(header.as_of(), "header.as_of");
  if (!as_of.ok()) {
    return FieldViolation("header.as_of",
                          "required: the as-of date of the data, a real "
                          "calendar date");
  }
  if (!header.batch_id().empty()) {
    if (absl::Status s = ValidateBatchId(header.batch_id(), "header.batch_id");
        !s.ok()) {
      return s;
    }
  }
  feed::FeedParserOptions parser_options;
  parser_options.department = department;
  parser_options.delta = header.delta();
  parser_options.max_errors = limits.max_reported_errors;
  switch (header.encoding()) {
    case hedui::v1::FEED_ENCODING_UNSPECIFIED:
    case hedui::v1::UTF8:
      parser_options.encoding = feed::TextEncoding::kUtf8;
      break;
    case hedui::v1::GB18030:
      parser_options.encoding = feed::TextEncoding::kGb18030;
      break;
    default:
      return FieldViolation("header.encoding", "must be UTF8 or GB18030");
  }
  storage::BatchHeader batch;
  batch.department = department;
  batch.as_of = *as_of;
  batch.batch_id = header.batch_id();
  batch.force = header.force();
  std::unique_ptr<FeedIngestor> ingestor(
      new FeedIngestor(store, batch, header.delta(), parser_options, limits));
  if (!header.batch_id().empty()) {
    auto existing = store->FindBatch(department, header.batch_id());
    if (!existing.ok()) return existing.status();
    ingestor->already_applied_ = existing->has_value();
  }
  return ingestor;
}

absl::Status FeedIngestor::SetBatchId(const std::string& batch_id) {
  if (!batch_.batch_id.empty()) {
    return FieldViolation("batch_id",
                          "already given in the header; send it once");
  }
  if (absl::Status s = ValidateBatchId(batch_id, "batch_id"); !s.ok()) {
    return s;
  }
  batch_.batch_id = batch_id;
  return absl::OkStatus();
}

FeedIngestor::FeedIngestor(storage::Store* store, storage::BatchHeader batch,
                           bool delta, feed::FeedParserOptions parser_options,
                           const IngestLimits& limits)
    : store_(store),
      batch_(std::move(batch)),
      delta_(delta),
      limits_(limits),
      parser_(parser_options, limits.parse_threads) {}

absl::Status FeedIngestor::Consume(std::string chunk) {
  bytes_ += static_cast<int64_t>(chunk.size());
  if (bytes_ > limits_.max_feed_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "feed larger than the server's limit of ", limits_.max_feed_bytes,
        " bytes; split it or raise max_feed_bytes"));
  }
  if (already_applied_) return absl::OkStatus();  // drained, not parsed
  parser_.Consume(std::move(chunk));
  return absl::OkStatus();
}

std::vector<feed::FeedError> FeedIngestor::SortAndFindDuplicates() {
  records_.Sort();
  std::vector<feed::FeedError> duplicates;
  for (size_t i = 1; i < records_.size(); ++i) {
    if (records_.SameKeyAsPrevious(i)) {
      duplicates.push_back({records_[i].line, 0, "",
                            absl::StrCat("duplicate record: same key as line ",
                                         records_[i - 1].line)});
    }
  }
  std::sort(duplicates.begin(), duplicates.end(),
            [](const auto& x, const auto& y) { return x.line < y.line; });
  return duplicates;
}

absl::Status FeedIngestor::RejectFile(
    const std::vector<feed::FeedError>& errors, int64_t total) {
  hedui::v1::ErrorDetails details;
  details.set_total_violations(total);
  for (size_t i = 0; i < errors.size() && i < limits_.max_reported_errors;
       ++i) {
    auto* v = details.add_field_violations();
    v->set_field(errors[i].field);
    v->set_description(errors[i].message);
    v->set_line(errors[i].line);
    v->set_column(errors[i].column);
  }
  const feed::FeedError& first = errors.front();
  std::string where = absl::StrCat("line ", first.line);
  if (first.column > 0) absl::StrAppend(&where, ", column ", first.column);
  if (!first.field.empty()) absl::StrAppend(&where, " (", first.field, ")");
  return InvalidArgumentWithDetails(
      absl::StrCat(hedui::v1::Department_Name(batch_.department),
                   " feed rejected, nothing was written: ", total,
                   total == 1 ? " error" : " errors", "; first at ", where,
                   ": ", first.message),
      details);
}

absl::StatusOr<hedui::v1::IngestResponse> FeedIngestor::Finish() {
  if (batch_.batch_id.empty()) {
    return FieldViolation("batch_id",
                          "required: in the header or as the stream's last "
                          "message");
  }
  hedui::v1::IngestResponse response;
  response.set_batch_id(batch_.batch_id);
  response.set_department(batch_.department);
  int64_t rows = 0;
  if (!already_applied_) {
    ParsedFeed parsed = parser_.Finish();
    rows = parsed.rows;
    if (parsed.error_count > 0) {
      return RejectFile(parsed.errors, parsed.error_count);
    }
    records_ = std::move(parsed.records);
    parsed_ = absl::Now();
    std::vector<feed::FeedError> duplicates = SortAndFindDuplicates();
    sorted_ = absl::Now();
    if (!duplicates.empty()) {
      return RejectFile(duplicates, static_cast<int64_t>(duplicates.size()));
    }
  }
  response.set_rows(rows);
  absl::StatusOr<storage::ApplyResult> applied =
      delta_ ? store_->ApplyDelta(batch_, records_)
             : store_->ApplyFullSnapshot(batch_, records_);
  if (!applied.ok()) return applied.status();
  response.set_already_applied(applied->already_applied);
  if (applied->already_applied) response.set_rows(applied->batch.rows());
  response.set_upserts(applied->upserts);
  response.set_deletions(applied->deletions);
  response.set_generation(applied->current.generation());
  response.set_rows_now_current(applied->current.rows());
  *response.mutable_as_of() = applied->current.as_of();
  const absl::Time stored = absl::Now();
  response.set_server_seconds(absl::ToDoubleSeconds(stored - started_));
  if (!already_applied_) {
    // Where an ingest's time goes, for operators sizing their loads.
    spdlog::info(
        "ingest {}: {} rows; receive+parse+sort {:.3f} s, duplicate check "
        "{:.3f} s, store {:.3f} s",
        hedui::v1::Department_Name(batch_.department), rows,
        absl::ToDoubleSeconds(parsed_ - started_),
        absl::ToDoubleSeconds(sorted_ - parsed_),
        absl::ToDoubleSeconds(stored - sorted_));
  }
  return response;
}

}  // namespace hedui::server
