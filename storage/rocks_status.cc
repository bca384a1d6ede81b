#include "storage/rocks_status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/store_damage.h"

namespace hedui::storage {
namespace {

// Characters that end a path in RocksDB's messages ("... file: /a/b.log:
// No space", "in /a/b.sst offset 12").
bool EndsPath(char c) {
  return c == ' ' || c == ':' || c == ',' || c == ';' || c == '\'' ||
         c == '"' || c == ')' || c == '\n' || c == '\t';
}

bool AfterSeparator(absl::string_view text, size_t i) {
  if (i == 0) return true;
  const char c = text[i - 1];
  return c == ' ' || c == '\'' || c == '"' || c == '(' || c == '=' ||
         c == '\t' || c == '\n';
}

}  // namespace

std::string WithoutDirectories(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '/') {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = i;
    while (end < text.size() && !EndsPath(text[end])) ++end;
    const absl::string_view path = text.substr(i, end - i);
    const bool separated = AfterSeparator(text, i);
    // RocksDB glues some paths to the word before them ("an sstable/a/b.sst");
    // a relative name ("ingest-tmp/1.sst") has a single slash.
    if (!separated && std::count(path.begin(), path.end(), '/') < 2) {
      out.push_back(text[i++]);
      continue;
    }
    if (!separated) out.push_back(' ');
    const absl::string_view name = path.substr(path.rfind('/') + 1);
    // "/a/b/" or "/": a directory; say so without naming it.
    absl::StrAppend(&out, name.empty() ? "(a directory)" : name);
    i = end;
  }
  return out;
}

absl::Status FromRocks(const rocksdb::Status& status,
                       absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message =
      absl::StrCat(context, ": ", WithoutDirectories(status.ToString()));
  // A full disk is an IOError with the kNoSpace subcode: it is tested before
  // IsIOError, which would otherwise take it.
  if (status.IsNoSpace() || status.subcode() == rocksdb::Status::kSpaceLimit) {
    return absl::ResourceExhaustedError(message);
  }
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) {
    ReportStoreDamage(message);
    return absl::DataLossError(absl::StrCat(message, "; ", kRestoreAdvice));
  }
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() ||
      status.IsTryAgain() || status.IsShutdownInProgress()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

}  // namespace hedui::storage
