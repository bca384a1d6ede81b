#ifndef HEDUI_STORAGE_TESTING_SERVICE_LOG_FIXTURE_H_
#define HEDUI_STORAGE_TESTING_SERVICE_LOG_FIXTURE_H_

// Test only. A store and its service log in a fresh directory, with the file
// handling the damage and crash tests need: the store's files by kind,
// flipped bytes, and a copy taken while the store is open (what a crash or
// a power cut after the last sync leaves behind).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::storage::testing {

class ServiceLogFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens the store at `data` (under the test's directory) and the log.
  absl::Status Open(const std::string& data = "db",
                    rocksdb::Env* env = nullptr);
  void Close();

  // Appends `count` records with a report each, `records_per_call` to a
  // call (one group commit); returns what was acknowledged.
  std::vector<Appended> Append(int count, int records_per_call = 1);
  absl::StatusOr<std::vector<Appended>> AppendOne(int i);

  std::filesystem::path Data(const std::string& data = "db") const {
    return dir_ / data;
  }
  // The store's files whose name ends with `suffix` (or starts with it, for
  // "MANIFEST"), sorted.
  std::vector<std::filesystem::path> FilesOf(const std::string& suffix,
                                             const std::string& data = "db");
  // The table files of one column family (the store must be open).
  std::vector<std::string> TablesOf(const std::string& family);
  static void FlipByte(const std::filesystem::path& file, uint64_t offset);
  // Copies every file of the open store but its lock.
  void CopyWhileOpen(const std::string& from, const std::string& to);

  std::filesystem::path dir_;
  ServiceLogOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceLog> log_;
  int next_record_ = 0;
};

}  // namespace hedui::storage::testing

#endif  // HEDUI_STORAGE_TESTING_SERVICE_LOG_FIXTURE_H_
