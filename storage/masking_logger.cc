#include "storage/masking_logger.h"

#include <cstdarg>
#include <cstdio>

#include "absl/strings/match.h"
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

void LogTo(rocksdb::Logger* target, rocksdb::InfoLogLevel level,
           const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  target->Logv(level, fmt, ap);
  va_end(ap);
}

}  // namespace

MaskingLogger::MaskingLogger(const std::string& db_path) {
  rocksdb::DBOptions options;
  if (!rocksdb::CreateLoggerFromOptions(db_path, options, &target_).ok()) {
    target_.reset();
  }
}

void MaskingLogger::Logv(const rocksdb::InfoLogLevel level, const char* format,
                         va_list ap) {
  if (level < rocksdb::InfoLogLevel::WARN_LEVEL &&
      (!target_ || level < GetInfoLogLevel())) {
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
  if (!target_ || level < GetInfoLogLevel()) return;
  LogTo(target_.get(), level, "%s", masked.c_str());
}

std::vector<std::string> MaskingLogger::DroppedLogRecords() const {
  absl::MutexLock lock(&mu_);
  return dropped_;
}

void MaskingLogger::LogHeader(const char* format, va_list ap) {
  Logv(rocksdb::InfoLogLevel::HEADER_LEVEL, format, ap);
}

void MaskingLogger::Flush() {
  if (target_) target_->Flush();
}

size_t MaskingLogger::GetLogFileSize() const {
  return target_ ? target_->GetLogFileSize() : kDoNotSupportGetLogFileSize;
}

rocksdb::Status MaskingLogger::CloseImpl() {
  return target_ ? target_->Close() : rocksdb::Status::OK();
}

}  // namespace hedui::storage
