#ifndef HEDUI_STORAGE_MASKING_LOGGER_H_
#define HEDUI_STORAGE_MASKING_LOGGER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace hedui::storage {

// RocksDB's LOG, with every resident ID masked: RocksDB may print keys (our
// keys start with the person's ID) in its diagnostics, and personal data must
// not reach any file Hedui writes unmasked.
class MaskingLogger : public rocksdb::Logger {
 public:
  // Writes to the usual LOG file of the database at `db_path`, through
  // `env`'s file system (null: the default one).
  explicit MaskingLogger(const std::string& db_path,
                         rocksdb::Env* env = nullptr);

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
  void Write(absl::string_view line);

  mutable absl::Mutex mu_;
  std::vector<std::string> dropped_ ABSL_GUARDED_BY(mu_);
  // The LOG file itself, not RocksDB's own logger: after one failed write
  // (a full disk) that one aborts on its next line (an assertion in
  // WritableFileWriter, which Debian builds with assertions on). Here a line
  // that cannot be written is lost and counted, and writing goes on.
  mutable absl::Mutex file_mu_;
  std::unique_ptr<rocksdb::FSWritableFile> file_ ABSL_GUARDED_BY(file_mu_);
  uint64_t size_ ABSL_GUARDED_BY(file_mu_) = 0;
  uint64_t lost_ ABSL_GUARDED_BY(file_mu_) = 0;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_MASKING_LOGGER_H_
