#include "storage/joint_switch.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hedui/store/v1/records.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

namespace hedui::storage {

StreamedGeneration::StreamedGeneration(GenerationTarget target,
                                       hedui::v1::Department department,
                                       uint32_t generation)
    : target_(std::move(target)),
      department_(department),
      generation_(generation) {}

StreamedGeneration::~StreamedGeneration() = default;

absl::Status StreamedGeneration::Add(const RecordBatch& rows) {
  if (!rows.IsSortedAndUnique()) {
    return absl::InternalError(
        "rows handed to the store are not sorted and unique");
  }
  std::string key;
  for (size_t i = 0; i < rows.size(); ++i) {
    const RecordView row = rows[i];
    if (i == 0 && rows_ > 0) {
      // Pieces follow each other: the first row after the last one.
      std::string first(row.person_id);
      first.append(row.natural_key.data(), row.natural_key.size());
      if (first <= last_key_) {
        return absl::InternalError(
            "rows handed to the store are not sorted and unique");
      }
    }
    if (writer_ == nullptr) {
      writer_ = std::make_unique<rocksdb::SstFileWriter>(
          rocksdb::EnvOptions(), target_.records_sst, target_.records);
      const std::string file =
          absl::StrCat(target_.dir, "/", department_, "-", generation_, "-",
                       record_files_.size(), ".sst");
      if (absl::Status s = FromRocks(writer_->Open(file), "opening an SST");
          !s.ok()) {
        return s;
      }
      record_files_.push_back(file);
    }
    key.clear();
    AppendRecordKey(row.person_id, department_, generation_, row.natural_key,
                    &key);
    if (absl::Status s = FromRocks(
            writer_->Put(key,
                         rocksdb::Slice(row.value.data(), row.value.size())),
            "writing an SST");
        !s.ok()) {
      return s;
    }
    if (department_ == hedui::v1::HOUSEHOLD_REGISTRATION) {
      hedui::store::v1::HouseholdRegistrationRecord registration;
      if (!registration.ParseFromArray(row.value.data(),
                                       static_cast<int>(row.value.size()))) {
        return absl::InvalidArgumentError(
            "a household registration record does not parse");
      }
      run_.emplace_back(EncodeHouseholdKey(registration.household_number(),
                                           generation_, row.person_id),
                        std::string(row.value));
      run_bytes_ += run_.back().first.size() + run_.back().second.size();
      if (run_bytes_ >= target_.household_run_bytes) {
        if (absl::Status s = FlushHouseholdRun(); !s.ok()) return s;
      }
    }
    ++rows_;
    if (++in_file_ >= target_.max_records_per_sst) {
      if (absl::Status s = CloseRecordsFile(); !s.ok()) return s;
    }
  }
  if (!rows.empty()) {
    const RecordView last = rows[rows.size() - 1];
    last_key_.assign(last.person_id.data(), last.person_id.size());
    last_key_.append(last.natural_key.data(), last.natural_key.size());
  }
  return absl::OkStatus();
}

absl::Status StreamedGeneration::CloseRecordsFile() {
  if (writer_ == nullptr) return absl::OkStatus();
  absl::Status s = FromRocks(writer_->Finish(), "finishing an SST");
  writer_.reset();
  in_file_ = 0;
  return s;
}

absl::Status StreamedGeneration::FlushHouseholdRun() {
  if (run_.empty()) return absl::OkStatus();
  std::sort(run_.begin(), run_.end());
  const std::string file =
      absl::StrCat(target_.dir, "/households-", generation_, "-",
                   household_files_.size(), ".sst");
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), target_.households_sst,
                                target_.households);
  absl::Status s = FromRocks(writer.Open(file), "opening an SST");
  for (size_t i = 0; s.ok() && i < run_.size(); ++i) {
    s = FromRocks(writer.Put(run_[i].first, run_[i].second),
                  "writing the household index");
  }
  if (s.ok()) s = FromRocks(writer.Finish(), "finishing an SST");
  if (!s.ok()) return s;
  household_files_.push_back(file);
  run_.clear();
  run_.shrink_to_fit();
  run_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status StreamedGeneration::Ingest() {
  if (absl::Status s = CloseRecordsFile(); !s.ok()) return s;
  if (absl::Status s = FlushHouseholdRun(); !s.ok()) return s;
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  if (!record_files_.empty()) {
    if (absl::Status s = FromRocks(target_.db->IngestExternalFile(
                                       target_.records, record_files_, ingest),
                                   "ingesting SST files");
        !s.ok()) {
      return s;
    }
  }
  // Runs overlap one another: one ingestion each, each above the last.
  for (const std::string& file : household_files_) {
    if (absl::Status s = FromRocks(
            target_.db->IngestExternalFile(target_.households, {file}, ingest),
            "ingesting the household index");
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace hedui::storage
