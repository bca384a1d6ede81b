#include "server/ingest/feed_ingestor.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/errors/error_details.h"
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
  if (header.hold() && header.preview()) {
    // A preview switches and keeps nothing; a hold keeps the file: asking
    // for both leaves the file's fate unclear.
    return FieldViolation("header.hold",
                          "not together with preview: preview the file first, "
                          "then send it with hold");
  }
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
  // A file describes what a department held on a day that has passed; a
  // later date would make its data look fresh for longer than it is.
  const absl::CivilDay today = limits.today ? limits.today() : TodayInChina();
  if (*as_of > today) {
    return FieldViolation(
        "header.as_of",
        absl::StrCat(FormatCivilDay(*as_of), " is after today (",
                     FormatCivilDay(today),
                     " in China): a file's as-of date cannot be in the "
                     "future"));
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
  // force accepts a shrinking or older full snapshot; a delta before the
  // current as-of is refused whatever the sender says (domain.md §3), and
  // the store's own check then agrees.
  batch.force = header.force() && !header.delta();
  std::unique_ptr<FeedIngestor> ingestor(
      new FeedIngestor(store, batch, header.delta(), parser_options, limits));
  if (!header.batch_id().empty()) {
    auto existing = store->FindBatch(department, header.batch_id());
    if (!existing.ok()) return existing.status();
    ingestor->already_applied_ = existing->has_value();
    // Refused before the bytes come, rather than after the whole upload.
    if (!ingestor->already_applied_) {
      if (absl::Status s = ingestor->CheckAgainstCurrent(); !s.ok()) return s;
    }
  }
  return ingestor;
}

absl::Status FeedIngestor::CheckAgainstCurrent() {
  checked_against_current_ = true;
  auto departments = store_->ListDepartments();
  if (!departments.ok()) return departments.status();
  for (const hedui::store::v1::DepartmentState& state : *departments) {
    if (state.department() != batch_.department || !state.has_current()) {
      continue;
    }
    auto current = FromProto(state.current().as_of(), "current as_of");
    if (!current.ok() || batch_.as_of >= *current) return absl::OkStatus();
    const std::string name = hedui::v1::Department_Name(batch_.department);
    if (delta_) {
      return FieldViolation(
          "header.as_of",
          absl::StrCat(
              FormatCivilDay(batch_.as_of), " is before ", name,
              "'s current as-of date ", FormatCivilDay(*current),
              ": a delta applies to the current data, so it cannot be older "
              "than it (send a full snapshot to go back)"));
    }
    if (!batch_.force) {
      return FieldViolation(
          "header.as_of",
          absl::StrCat(FormatCivilDay(batch_.as_of), " is before ", name,
                       "'s current as-of date ", FormatCivilDay(*current),
                       ": an older full snapshot would replace newer data; "
                       "send it with force if that is intended"));
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();
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
  if (refused_.has_value()) return *refused_;
  bytes_ += static_cast<int64_t>(chunk.size());
  if (bytes_ > limits_.max_feed_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "feed larger than the server's limit of ", limits_.max_feed_bytes,
        " bytes; split it or raise max_feed_bytes"));
  }
  if (already_applied_) return absl::OkStatus();  // drained, not parsed
  if (!parser_.Consume(std::move(chunk))) {
    ParsedFeed parsed = parser_.Finish();
    refused_ = RejectFile(parsed.errors, parsed.error_count);
    return *refused_;
  }
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

absl::Status FeedIngestor::Validate() {
  if (validated_) return absl::OkStatus();
  if (refused_.has_value()) return *refused_;
  if (batch_.batch_id.empty()) {
    return FieldViolation("batch_id",
                          "required: in the header or as the stream's last "
                          "message");
  }
  bool found_applied = false;
  if (!already_applied_ && !checked_against_current_) {
    // The id came after the file: a batch applied before stays a no-op
    // (the store says so), whatever its date.
    auto existing = store_->FindBatch(batch_.department, batch_.batch_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      found_applied = true;
    } else if (absl::Status s = CheckAgainstCurrent(); !s.ok()) {
      return s;
    }
  }
  if (!already_applied_) {
    ParsedFeed parsed = parser_.Finish();
    rows_ = parsed.rows;
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
  // Parsed all the same: the parser's threads end with the file.
  if (found_applied) already_applied_ = true;
  validated_ = true;
  return absl::OkStatus();
}

absl::Status FeedIngestor::CheckShrink() {
  if (already_applied_) return absl::OkStatus();
  auto departments = store_->ListDepartments();
  if (!departments.ok()) return departments.status();
  bool present = false;
  for (const hedui::store::v1::DepartmentState& state : *departments) {
    if (state.department() == batch_.department && state.has_current()) {
      present = true;
    }
  }
  if (delta_ && !present) {
    // The store's refusal, so that a delta previewed cleanly ingests too.
    return absl::FailedPreconditionError(absl::StrCat(
        "no full snapshot of ", hedui::v1::Department_Name(batch_.department),
        " is loaded yet; load a full snapshot before a delta"));
  }
  if (delta_ || batch_.force) return absl::OkStatus();
  for (const hedui::store::v1::DepartmentState& state : *departments) {
    if (state.department() != batch_.department || !state.has_current()) {
      continue;
    }
    const int64_t rows = static_cast<int64_t>(records_.size());
    if (rows * 2 < state.current().rows()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing the full snapshot of ",
          hedui::v1::Department_Name(batch_.department), ": ", rows,
          " rows is under half of the current ", state.current().rows(),
          " (a truncated export would make people look poorer); re-send with "
          "force if the shrink is real"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<hedui::v1::IngestResponse> FeedIngestor::ApplyRecords(
    storage::Store* store, const storage::BatchHeader& batch, bool delta,
    const storage::RecordBatch& records, int64_t rows) {
  absl::StatusOr<storage::ApplyResult> applied =
      delta ? store->ApplyDelta(batch, records)
            : store->ApplyFullSnapshot(batch, records);
  if (!applied.ok()) return applied.status();
  return ResponseFor(batch, rows, *applied);
}

hedui::v1::IngestResponse FeedIngestor::ResponseFor(
    const storage::BatchHeader& batch, int64_t rows,
    const storage::ApplyResult& applied) {
  hedui::v1::IngestResponse response;
  response.set_batch_id(batch.batch_id);
  response.set_department(batch.department);
  response.set_rows(rows);
  response.set_already_applied(applied.already_applied);
  if (applied.already_applied) response.set_rows(applied.batch.rows());
  response.set_upserts(applied.upserts);
  response.set_deletions(applied.deletions);
  response.set_generation(applied.current.generation());
  response.set_rows_now_current(applied.current.rows());
  *response.mutable_as_of() = applied.current.as_of();
  return response;
}

absl::StatusOr<hedui::v1::IngestResponse> FeedIngestor::Apply() {
  if (absl::Status s = Validate(); !s.ok()) return s;
  auto response = ApplyRecords(store_, batch_, delta_, records_,
                               already_applied_ ? 0 : rows_);
  if (!response.ok()) return response.status();
  const absl::Time stored = absl::Now();
  response->set_server_seconds(absl::ToDoubleSeconds(stored - started_));
  if (!already_applied_) {
    // Where an ingest's time goes, for operators sizing their loads.
    spdlog::info(
        "ingest {}: {} rows; receive+parse+sort {:.3f} s, duplicate check "
        "{:.3f} s, store {:.3f} s",
        hedui::v1::Department_Name(batch_.department), rows_,
        absl::ToDoubleSeconds(parsed_ - started_),
        absl::ToDoubleSeconds(sorted_ - parsed_),
        absl::ToDoubleSeconds(stored - sorted_));
  }
  return response;
}

absl::StatusOr<hedui::v1::IngestResponse> FeedIngestor::Finish() {
  if (absl::Status s = Validate(); !s.ok()) return s;
  return Apply();
}

}  // namespace hedui::server
