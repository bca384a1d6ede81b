#include "storage/joint_switch.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hedui/store/v1/records.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"

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

namespace {

constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kDigestEntry = kPersonIdBytes + 8;

std::string GenerationPrefix(const char* kind, hedui::v1::Department department,
                             uint32_t generation) {
  std::string key =
      absl::StrFormat("%s/%02d/", kind, static_cast<int>(department));
  AppendBigEndian32(generation, &key);
  return key;
}

std::string ChunkKey(const std::string& prefix, uint32_t chunk) {
  std::string key = prefix;
  AppendBigEndian32(chunk, &key);
  return key;
}

uint32_t ReadBigEndian32(absl::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  return (static_cast<uint32_t>(p[0]) << 24) |
         (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

// FNV-1a, 64 bits: stable across builds and runs (absl::Hash is not).
constexpr uint64_t kFnvOffset = 14695981039346656037ull;
uint64_t Mix(uint64_t h, absl::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}
uint64_t MixLength(uint64_t h, size_t n) {
  std::string length;
  AppendBigEndian32(static_cast<uint32_t>(n), &length);
  return Mix(h, length);
}

}  // namespace

std::pair<std::string, std::string> DigestRange(
    hedui::v1::Department department, uint32_t generation) {
  return {GenerationPrefix("digests", department, generation),
          GenerationPrefix("digests", department, generation + 1)};
}

std::pair<std::string, std::string> ChangedRange(
    hedui::v1::Department department, uint32_t generation) {
  return {GenerationPrefix("changed", department, generation),
          GenerationPrefix("changed", department, generation + 1)};
}

ChangeRecorder::ChangeRecorder(rocksdb::DB* db,
                               rocksdb::ColumnFamilyHandle* meta,
                               hedui::v1::Department department,
                               uint32_t previous_generation,
                               uint32_t generation)
    : db_(db),
      meta_(meta),
      department_(department),
      previous_(previous_generation),
      generation_(generation) {}

ChangeRecorder::~ChangeRecorder() = default;

absl::Status ChangeRecorder::Begin() {
  if (previous_ == 0) {
    compare_ = true;  // the department's first file: every person is new
    return absl::OkStatus();
  }
  const std::string prefix =
      GenerationPrefix("digests", department_, previous_);
  std::string header;
  rocksdb::Status got =
      db_->Get(rocksdb::ReadOptions(), meta_, prefix, &header);
  if (got.IsNotFound()) return absl::OkStatus();  // loaded before digests
  if (!got.ok()) return FromRocks(got, "reading a generation's digests");
  compare_ = true;
  rocksdb::ReadOptions read;
  read.total_order_seek = true;
  read.fill_cache = false;
  old_.reset(db_->NewIterator(read, meta_));
  old_->Seek(ChunkKey(prefix, 0));
  old_done_ = false;
  old_pos_ = 0;
  old_chunk_.clear();
  return NextOld();
}

absl::Status ChangeRecorder::NextOld() {
  while (old_pos_ + kDigestEntry > old_chunk_.size()) {
    const std::string prefix =
        GenerationPrefix("digests", department_, previous_);
    if (!old_->Valid() || !old_->key().starts_with(prefix) ||
        old_->key().size() != prefix.size() + 4) {
      old_done_ = true;
      return FromRocks(old_->status(), "reading a generation's digests");
    }
    old_chunk_.assign(old_->value().data(), old_->value().size());
    old_pos_ = 0;
    old_->Next();
  }
  old_person_.assign(old_chunk_, old_pos_, kPersonIdBytes);
  old_digest_ = ReadBigEndian64(
      absl::string_view(old_chunk_).substr(old_pos_ + kPersonIdBytes, 8));
  old_pos_ += kDigestEntry;
  return absl::OkStatus();
}

absl::Status ChangeRecorder::Changed(absl::string_view person) {
  changed_.append(person.data(), person.size());
  ++changed_count_;
  return absl::OkStatus();
}

absl::Status ChangeRecorder::EndPerson() {
  digests_.append(person_);
  AppendBigEndian64(digest_, &digests_);
  ++persons_;
  if (compare_) {
    while (!old_done_ && old_person_ < person_) {  // removed
      if (absl::Status s = Changed(old_person_); !s.ok()) return s;
      if (absl::Status s = NextOld(); !s.ok()) return s;
    }
    if (!old_done_ && old_person_ == person_) {
      if (old_digest_ != digest_) {
        if (absl::Status s = Changed(person_); !s.ok()) return s;
      }
      if (absl::Status s = NextOld(); !s.ok()) return s;
    } else if (absl::Status s = Changed(person_); !s.ok()) {  // added
      return s;
    }
  }
  return FlushChunks(false);
}

absl::Status ChangeRecorder::FlushChunks(bool all) {
  rocksdb::WriteBatch batch;
  if (digests_.size() >= kChunkBytes || (all && !digests_.empty())) {
    batch.Put(meta_,
              ChunkKey(GenerationPrefix("digests", department_, generation_),
                       digest_chunks_++),
              digests_);
    digests_.clear();
  }
  if (changed_.size() >= kChunkBytes || (all && !changed_.empty())) {
    batch.Put(meta_,
              ChunkKey(GenerationPrefix("changed", department_, generation_),
                       changed_chunks_++),
              changed_);
    changed_.clear();
  }
  if (batch.Count() == 0) return absl::OkStatus();
  // Unsynced: the switch's synced write covers it (one log, in order).
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch),
                   "recording changed persons");
}

absl::Status ChangeRecorder::Add(const RecordBatch& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const RecordView row = rows[i];
    if (person_ != row.person_id) {
      if (!person_.empty()) {
        if (absl::Status s = EndPerson(); !s.ok()) return s;
      }
      person_.assign(row.person_id.data(), row.person_id.size());
      digest_ = kFnvOffset;
    }
    digest_ = MixLength(digest_, row.natural_key.size());
    digest_ = Mix(digest_, row.natural_key);
    digest_ = MixLength(digest_, row.value.size());
    digest_ = Mix(digest_, row.value);
  }
  return absl::OkStatus();
}

absl::Status ChangeRecorder::Finish(rocksdb::WriteBatch* switch_batch) {
  if (!person_.empty()) {
    if (absl::Status s = EndPerson(); !s.ok()) return s;
    person_.clear();
  }
  while (compare_ && !old_done_) {  // removed, after the last new person
    if (absl::Status s = Changed(old_person_); !s.ok()) return s;
    if (absl::Status s = NextOld(); !s.ok()) return s;
  }
  if (absl::Status s = FlushChunks(true); !s.ok()) return s;
  std::string count;
  AppendBigEndian64(static_cast<uint64_t>(persons_), &count);
  switch_batch->Put(
      meta_, GenerationPrefix("digests", department_, generation_), count);
  if (compare_) {
    std::string previous;
    AppendBigEndian32(previous_, &previous);
    switch_batch->Put(
        meta_, GenerationPrefix("changed", department_, generation_), previous);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::vector<std::string>>> RecordedChanges(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
    hedui::v1::Department department, uint32_t previous_generation,
    uint32_t generation) {
  using Result = std::optional<std::vector<std::string>>;
  const std::string prefix =
      GenerationPrefix("changed", department, generation);
  rocksdb::ReadOptions read;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, meta));
  it->Seek(prefix);
  // The header is the prefix itself: written with the switch.
  if (!it->Valid() || it->key() != rocksdb::Slice(prefix) ||
      it->value().size() != 4 ||
      ReadBigEndian32(absl::string_view(it->value().data(), 4)) !=
          previous_generation) {
    if (absl::Status s = FromRocks(it->status(), "reading changed persons");
        !s.ok()) {
      return s;
    }
    return Result();
  }
  std::vector<std::string> persons;
  for (it->Next(); it->Valid() && it->key().starts_with(prefix) &&
                   it->key().size() == prefix.size() + 4;
       it->Next()) {
    const rocksdb::Slice chunk = it->value();
    if (chunk.size() % kPersonIdBytes != 0) {
      return absl::DataLossError("a list of changed persons is damaged");
    }
    for (size_t at = 0; at < chunk.size(); at += kPersonIdBytes) {
      persons.emplace_back(chunk.data() + at, kPersonIdBytes);
    }
  }
  if (absl::Status s = FromRocks(it->status(), "reading changed persons");
      !s.ok()) {
    return s;
  }
  return Result(std::move(persons));
}

}  // namespace hedui::storage
