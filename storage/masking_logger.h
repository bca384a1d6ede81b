#ifndef HEDUI_STORAGE_MASKING_LOGGER_H_
#define HEDUI_STORAGE_MASKING_LOGGER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"

namespace hedui::storage {

// RocksDB's LOG, with every resident ID masked: RocksDB may print keys (our
// keys start with the person's ID) in its diagnostics, and personal data must
// not reach any file Hedui writes unmasked.
class MaskingLogger : public rocksdb::Logger {
 public:
  // Writes to the usual LOG file of the database at `db_path`.
  explicit MaskingLogger(const std::string& db_path);

  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format,
            va_list ap) override;
  void LogHeader(const char* format, va_list ap) override;
  void Flush() override;
  size_t GetLogFileSize() const override;

  // What RocksDB dropped while replaying write-ahead logs, as it reported it
  // ("000004.log: dropping 11508 bytes; Corruption: checksum mismatch",
  // directories removed): the only place RocksDB names the damaged log, so
  // that a refused open can say which file it is. The first few only.
  std::vector<std::string> DroppedLogRecords() const;

 protected:
  rocksdb::Status CloseImpl() override;

 private:
  std::shared_ptr<rocksdb::Logger> target_;  // null: LOG could not be opened
  mutable absl::Mutex mu_;
  std::vector<std::string> dropped_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_MASKING_LOGGER_H_
