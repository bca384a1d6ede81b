#include "storage/masking_logger.h"

#include <cstdarg>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/options.h"
#include "storage/rocks_status.h"
#include "storage/types/resident_id.h"

namespace hedui::storage {
namespace {

std::string Format(const char* format, va_list ap) {
  char buffer[1024];
  va_list copy;
  va_copy(copy, ap);
  const int n = vsnprintf(buffer, sizeof buffer, format, copy);
  va_end(copy);
  if (n < 0) return std::string();
  if (static_cast<size_t>(n) < sizeof buffer) return std::string(buffer, n);
  std::string big(static_cast<size_t>(n) + 1, '\0');
  vsnprintf(big.data(), big.size(), format, ap);
  big.resize(static_cast<size_t>(n));
  return big;
}

}  // namespace

MaskingLogger::MaskingLogger(const std::string& db_path, rocksdb::Env* env) {
  const std::shared_ptr<rocksdb::FileSystem> fs =
      env != nullptr ? env->GetFileSystem() : rocksdb::FileSystem::Default();
  const rocksdb::IOOptions io;
  fs->CreateDirIfMissing(db_path, io, nullptr).PermitUncheckedError();
  // As RocksDB keeps them: the previous LOG renamed to LOG.old.<micros>,
  // which the store prunes to keep_log_file_num.
  const std::string name = db_path + "/LOG";
  if (fs->FileExists(name, io, nullptr).ok()) {
    fs->RenameFile(name,
                   absl::StrCat(name, ".old.", absl::ToUnixMicros(absl::Now())),
                   io, nullptr)
        .PermitUncheckedError();
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  if (fs->NewWritableFile(name, rocksdb::FileOptions(), &file, nullptr).ok()) {
    absl::MutexLock lock(&file_mu_);
    file_ = std::move(file);
  }
}

void MaskingLogger::Write(absl::string_view text) {
  absl::MutexLock lock(&file_mu_);
  if (!file_) return;
  const std::string stamp = absl::FormatTime(
      "%Y/%m/%d-%H:%M:%E6S ", absl::Now(), absl::LocalTimeZone());
  std::string line;
  if (lost_ > 0) {
    absl::StrAppend(&line, stamp, "[WARN] ", lost_,
                    " lines of this LOG were lost: they could not be "
                    "written (a full disk?)\n");
  }
  absl::StrAppend(&line, stamp, text);
  if (line.back() != '\n') line.push_back('\n');
  const rocksdb::IOOptions io;
  if (file_->Append(line, io, nullptr).ok()) {
    size_ += line.size();
    lost_ = 0;
  } else {
    ++lost_;
  }
}

void MaskingLogger::Logv(const rocksdb::InfoLogLevel level, const char* format,
                         va_list ap) {
  if (level < rocksdb::InfoLogLevel::WARN_LEVEL && level < GetInfoLogLevel()) {
    return;
  }
  const std::string masked = MaskResidentIdsInText(Format(format, ap));
  // db_impl_open.cc's report of a damaged log: "<path>: dropping N bytes; ..."
  if (level >= rocksdb::InfoLogLevel::WARN_LEVEL &&
      absl::StrContains(masked, ": dropping ")) {
    absl::string_view text = masked;
    // Without RocksDB's "[db/db_impl/db_impl_open.cc:982] " source location.
    if (absl::StartsWith(text, "[") && text.find("] ") != text.npos) {
      text.remove_prefix(text.find("] ") + 2);
    }
    absl::MutexLock lock(&mu_);
    if (dropped_.size() < 8) dropped_.push_back(WithoutDirectories(text));
  }
  if (level < GetInfoLogLevel()) return;
  Write(masked);
}

std::vector<std::string> MaskingLogger::DroppedLogRecords() const {
  absl::MutexLock lock(&mu_);
  return dropped_;
}

void MaskingLogger::LogHeader(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::HEADER_LEVEL, format, ap);
}

void MaskingLogger::Flush() {
  absl::MutexLock lock(&file_mu_);
  if (file_) file_->Flush(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
}

size_t MaskingLogger::GetLogFileSize() const {
  absl::MutexLock lock(&file_mu_);
  return file_ ? static_cast<size_t>(size_) : kDoNotSupportGetLogFileSize;
}

rocksdb::Status MaskingLogger::CloseImpl() {
  absl::MutexLock lock(&file_mu_);
  if (!file_) return rocksdb::Status::OK();
  rocksdb::IOStatus s = file_->Close(rocksdb::IOOptions(), nullptr);
  file_.reset();
  return s;
}

}  // namespace hedui::storage
