#include "storage/audit_chain.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hedui::storage {
namespace {

// Field 15 (`mac`), wire type 2 (length-delimited), 32 bytes.
constexpr char kMacFieldHeader[] = {0x7A, 0x20};

absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  const int err = errno;
  return absl::UnavailableError(
      absl::StrCat(what, " head file ", path, ": ", std::strerror(err)));
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsMacHex(absl::string_view text) {
  return text.size() == 2 * kAuditMacBytes && IsLowerHex(text);
}

constexpr char kRestoreWord[] = "restored";

}  // namespace

absl::StatusOr<std::unique_ptr<HmacSha256>> HmacSha256::Create(
    absl::string_view key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) {
    return absl::InternalError("OpenSSL has no HMAC implementation");
  }
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  if (ctx == nullptr ||
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                   key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return absl::InternalError("OpenSSL could not set up HMAC-SHA256");
  }
  return std::unique_ptr<HmacSha256>(new HmacSha256(mac, ctx));
}

HmacSha256::~HmacSha256() {
  EVP_MAC_CTX_free(keyed_);
  EVP_MAC_free(mac_);
}

std::string HmacSha256::Mac(
    std::initializer_list<absl::string_view> parts) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
  bool ok = ctx != nullptr;
  for (absl::string_view part : parts) {
    ok = ok && EVP_MAC_update(
                   ctx, reinterpret_cast<const unsigned char*>(part.data()),
                   part.size()) == 1;
  }
  std::string out(kAuditMacBytes, '\0');
  size_t length = 0;
  ok = ok && EVP_MAC_final(ctx, reinterpret_cast<unsigned char*>(out.data()),
                           &length, out.size()) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok || length != kAuditMacBytes) {
    // Nothing sensible can be written to the audit trail without a MAC, and
    // after Create succeeded only an exhausted heap gets here.
    std::fputs("hedui: HMAC-SHA256 failed in OpenSSL\n", stderr);
    std::abort();
  }
  return out;
}

std::string EncodeAuditValue(std::string unmaced_entry, absl::string_view mac) {
  unmaced_entry.append(kMacFieldHeader, sizeof(kMacFieldHeader));
  unmaced_entry.append(mac.data(), mac.size());
  return unmaced_entry;
}

bool SplitAuditValue(absl::string_view value, absl::string_view* unmaced_entry,
                     absl::string_view* mac) {
  constexpr size_t kTrailer = sizeof(kMacFieldHeader) + kAuditMacBytes;
  if (value.size() < kTrailer) return false;
  const absl::string_view trailer = value.substr(value.size() - kTrailer);
  if (trailer.substr(0, sizeof(kMacFieldHeader)) !=
      absl::string_view(kMacFieldHeader, sizeof(kMacFieldHeader))) {
    return false;
  }
  *unmaced_entry = value.substr(0, value.size() - kTrailer);
  *mac = trailer.substr(sizeof(kMacFieldHeader));
  return true;
}

std::string FormatHeadLine(uint64_t sequence, absl::string_view mac) {
  return absl::StrCat(sequence, " ", absl::BytesToHexString(mac), "\n");
}

std::string FormatRestoreLine(uint64_t sequence, absl::string_view mac,
                              uint64_t backup_id, int64_t unix_seconds) {
  return absl::StrCat(kRestoreWord, " ", sequence, " ",
                      absl::BytesToHexString(mac), " ", backup_id, " ",
                      unix_seconds, "\n");
}

std::vector<HeadCheckpoint> CurrentHistory(
    const std::vector<HeadCheckpoint>& lines) {
  std::vector<HeadCheckpoint> current;
  for (const HeadCheckpoint& line : lines) {
    if (line.restore) {
      current.erase(std::remove_if(current.begin(), current.end(),
                                   [&](const HeadCheckpoint& head) {
                                     return head.sequence > line.sequence;
                                   }),
                    current.end());
      // Nothing to compare an empty chain with.
      if (line.sequence == 0) continue;
    }
    current.push_back(line);
  }
  return current;
}

absl::StatusOr<std::vector<HeadCheckpoint>> ReadHeadFile(
    const std::string& path) {
  std::vector<HeadCheckpoint> heads;
  // Opened once, so that a file created meanwhile (the first head line)
  // is either absent or read, never "exists but cannot be read".
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return heads;
    return absl::UnavailableError(
        absl::StrCat("cannot read the audit head file ", path));
  }
  std::string text;
  char chunk[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("cannot read the audit head file ", path));
    }
    if (n == 0) break;
    text.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  // The piece after the last '\n' is empty, or an interrupted write.
  lines.pop_back();
  int number = 0;
  for (absl::string_view line : lines) {
    ++number;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    HeadCheckpoint head;
    head.line = number;
    if (!fields.empty() && fields[0] == kRestoreWord) {
      if (fields.size() != 5 || !absl::SimpleAtoi(fields[1], &head.sequence) ||
          !IsMacHex(fields[2]) ||
          !absl::SimpleAtoi(fields[3], &head.backup_id) ||
          !absl::SimpleAtoi(fields[4], &head.restored_unix_seconds)) {
        return absl::DataLossError(absl::StrCat(
            "line ", number, " of ", path,
            " is not \"restored sequence mac-hex backup-id unix-seconds\""));
      }
      head.restore = true;
      head.mac = absl::HexStringToBytes(fields[2]);
      if (head.sequence == 0 && head.mac != std::string(kAuditMacBytes, '\0')) {
        return absl::DataLossError(
            absl::StrCat("line ", number, " of ", path,
                         " restores an empty chain with a non-zero mac"));
      }
      heads.push_back(std::move(head));
      continue;
    }
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &head.sequence) ||
        head.sequence == 0 || !IsMacHex(fields[1])) {
      return absl::DataLossError(absl::StrCat("line ", number, " of ", path,
                                              " is not \"sequence mac-hex\""));
    }
    head.mac = absl::HexStringToBytes(fields[1]);
    heads.push_back(std::move(head));
  }
  return heads;
}

namespace {

// A power cut between a head line's write and its fsync can leave a torn
// last line. Readers ignore it, but a line appended after it would run on
// from it and no longer parse: the torn piece is cut off first.
absl::Status DropTornTail(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("cannot stat", path);
  if (st.st_size == 0) return absl::OkStatus();
  char last = '\n';
  if (::pread(fd, &last, 1, st.st_size - 1) != 1) {
    return ErrnoStatus("cannot read", path);
  }
  if (last == '\n') return absl::OkStatus();
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pread(fd, text.data() + done, text.size() - done,
                              static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus("cannot read", path);
    done += static_cast<size_t>(n);
  }
  const size_t keep =
      text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (::ftruncate(fd, static_cast<off_t>(keep)) != 0 || ::fsync(fd) != 0) {
    return ErrnoStatus("cannot cut the torn last line of", path);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AppendHeadLine(const std::string& path, absl::string_view line) {
  const bool existed = std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  absl::Status status = DropTornTail(fd, path);
  if (status.ok() && ::lseek(fd, 0, SEEK_END) < 0) {
    status = ErrnoStatus("cannot seek in", path);
  }
  size_t written = 0;
  while (status.ok() && written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = ErrnoStatus("cannot write", path);
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0)
    status = ErrnoStatus("cannot sync", path);
  ::close(fd);
  if (status.ok() && !existed) {
    std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return ErrnoStatus("cannot open the directory of", path);
    if (::fsync(dir_fd) != 0) {
      status = ErrnoStatus("cannot sync the directory of", path);
    }
    ::close(dir_fd);
  }
  return status;
}

}  // namespace hedui::storage
