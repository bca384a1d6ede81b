// The fastest plain way to bulk-load a feed's rows into RocksDB: the rows
// pre-parsed, pre-encoded and sorted (untimed), then timed: SstFileWriter +
// IngestExternalFile into a fresh database with the store's own options.
// ingest_bench.py runs this next to the end-to-end CLI -> server ingest of
// the same file.
//
//   hedui_ingest_raw_bench DEPARTMENT FILE DIR
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/column_families.h"
#include "storage/feed/feed_parser.h"
#include "storage/keys.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DEPARTMENT FILE DIR\n", argv[0]);
    return 2;
  }
  auto department = hedui::feed::ParseDepartmentName(argv[1]);
  if (!department.ok()) return 2;
  std::ifstream in(argv[2], std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  hedui::feed::FeedParserOptions options;
  options.department = *department;
  hedui::feed::FeedParser parser(options);
  std::vector<std::pair<std::string, std::string>> entries;
  auto sink = [&](hedui::feed::FeedRow&& row) {
    entries.emplace_back(hedui::storage::EncodeRecordKey(
                             row.person_id, *department, 1, row.natural_key),
                         std::move(row.record));
  };
  parser.Consume(content, sink);
  parser.Finish(sink);
  if (!parser.ok()) {
    std::fprintf(stderr, "feed does not parse\n");
    return 1;
  }
  std::sort(entries.begin(), entries.end());

  const std::string dir = argv[3];
  std::filesystem::remove_all(dir);
  hedui::storage::ColumnFamilyConfig config;
  hedui::storage::ColumnFamilies cfs;
  auto db = hedui::storage::OpenDatabase(dir, config, &cfs);
  if (!db.ok()) return 1;
  rocksdb::Options sst_options((*db)->GetDBOptions(), cfs.records_options);

  const auto start = std::chrono::steady_clock::now();
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), sst_options,
                                cfs.records);
  const std::string file = absl::StrCat(dir, "/raw.sst");
  if (!writer.Open(file).ok()) return 1;
  for (const auto& [key, value] : entries) {
    if (!writer.Put(key, value).ok()) return 1;
  }
  if (!writer.Finish().ok()) return 1;
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  if (!(*db)->IngestExternalFile(cfs.records, {file}, ingest).ok()) return 1;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("raw_rows=%zu raw_seconds=%.3f raw_rows_per_second=%.0f\n",
              entries.size(), seconds,
              static_cast<double>(entries.size()) / seconds);
  cfs.Close(db->get());
  db->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
