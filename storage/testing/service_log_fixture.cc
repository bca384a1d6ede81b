#include "storage/testing/service_log_fixture.h"

#include <unistd.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rocksdb/db.h"
#include "storage/store_damage.h"
#include "storage/types/resident_id.h"

namespace hedui::storage::testing {
namespace fs = std::filesystem;
namespace {

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058119800101%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

ServiceRecord Record(int i) {
  ServiceRecord record;
  record.audit.set_time_unix_micros(1'000'000 + i);
  record.audit.set_caller("dibao-system");
  record.audit.set_method("/hedui.v1.VerificationService/Verify");
  record.audit.set_program(hedui::v1::DIBAO);
  record.audit.set_purpose("test");
  record.audit.set_outcome("OK");
  hedui::v1::Report report;
  report.set_program(hedui::v1::DIBAO);
  report.mutable_verification_date()->set_year(2026);
  report.mutable_verification_date()->set_month(11);
  report.mutable_verification_date()->set_day(1);
  report.set_verdict(hedui::v1::MEETS_CRITERIA);
  // Text that compresses poorly, so that reports fill several blocks.
  std::string summary;
  for (int k = 0; k < 40; ++k) {
    absl::StrAppend(&summary, (i + 7) * 2654435761u * (k + 1), " ");
  }
  report.set_summary(summary);
  report.mutable_policy()->set_region_code("320581");
  report.mutable_request()->set_region_code("320581");
  report.mutable_request()->set_application_id(absl::StrCat("app-", i));
  report.mutable_request()->add_members()->set_person_id(PersonId(i));
  record.report = std::move(report);
  return record;
}

}  // namespace

void ServiceLogFixture::SetUp() {
  dir_ = fs::path(::testing::TempDir()) /
         absl::StrCat(
             "hedui_", getpid(), "_",
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  options_.audit_key = std::string(32, 'k');
  options_.head_file = (dir_ / "audit.heads").string();
  options_.head_every = 1000;
  ClearStoreDamageForTesting();
}

void ServiceLogFixture::TearDown() {
  Close();
  fs::remove_all(dir_);
  ClearStoreDamageForTesting();
}

absl::Status ServiceLogFixture::Open(const std::string& data,
                                     rocksdb::Env* env) {
  Close();
  StoreOptions store_options;
  store_options.path = Data(data).string();
  store_options.block_cache_bytes = 8 << 20;
  store_options.env = env;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(store_options);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  absl::StatusOr<std::unique_ptr<ServiceLog>> log =
      ServiceLog::Open(store_->service_tables(), options_);
  if (!log.ok()) {
    store_.reset();
    return log.status();
  }
  log_ = std::move(*log);
  return absl::OkStatus();
}

void ServiceLogFixture::Close() {
  log_.reset();
  store_.reset();
}

absl::StatusOr<std::vector<Appended>> ServiceLogFixture::AppendOne(int i) {
  std::vector<ServiceRecord> records;
  records.push_back(Record(i));
  return log_->Append(std::move(records));
}

std::vector<Appended> ServiceLogFixture::Append(int count,
                                                int records_per_call) {
  std::vector<Appended> acknowledged;
  for (int done = 0; done < count; done += records_per_call) {
    std::vector<ServiceRecord> records;
    for (int k = 0; k < records_per_call; ++k) {
      records.push_back(Record(next_record_++));
    }
    auto appended = log_->Append(std::move(records));
    EXPECT_TRUE(appended.ok()) << appended.status();
    if (!appended.ok()) break;
    acknowledged.insert(acknowledged.end(), appended->begin(), appended->end());
  }
  return acknowledged;
}

std::vector<fs::path> ServiceLogFixture::FilesOf(const std::string& suffix,
                                                 const std::string& data) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(Data(data))) {
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, suffix) ||
        (suffix == "MANIFEST" && absl::StartsWith(name, suffix))) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ServiceLogFixture::TablesOf(
    const std::string& family) {
  std::vector<rocksdb::LiveFileMetaData> live;
  store_->service_tables().db->GetLiveFilesMetaData(&live);
  std::vector<std::string> names;
  for (const auto& file : live) {
    if (file.column_family_name == family) {
      names.push_back(fs::path(file.name).filename().string());
    }
  }
  return names;
}

void ServiceLogFixture::FlipByte(const fs::path& file, uint64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f) << file;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
  ASSERT_TRUE(f) << file;
}

void ServiceLogFixture::CopyWhileOpen(const std::string& from,
                                      const std::string& to) {
  // A background flush or compaction would delete a table between the
  // listing and its copy: what a crash leaves never misses a file.
  rocksdb::DB* db = store_ != nullptr ? store_->service_tables().db : nullptr;
  if (db != nullptr) {
    ASSERT_TRUE(db->DisableFileDeletions().ok());
  }
  fs::create_directories(Data(to));
  for (const auto& entry : fs::directory_iterator(Data(from))) {
    if (entry.path().filename() == "LOCK" || !entry.is_regular_file()) {
      continue;
    }
    fs::copy_file(entry.path(), Data(to) / entry.path().filename(),
                  fs::copy_options::overwrite_existing);
  }
  if (db != nullptr) {
    ASSERT_TRUE(db->EnableFileDeletions(false).ok());
  }
}

}  // namespace hedui::storage::testing
