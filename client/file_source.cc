#include "client/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "openssl/evp.h"

namespace hedui::cli {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path,
                        int error) {
  const std::string message =
      absl::StrCat(what, " \"", path, "\": ", std::strerror(error));
  if (error == ENOENT || error == ENOTDIR) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChunkReader>> ChunkReader::Open(
    const std::string& path, size_t chunk_bytes) {
  if (chunk_bytes == 0) {
    return absl::InvalidArgumentError("chunk size must be positive");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoError("cannot stat", path, error);
  }
  // The default batch id needs a first pass over the bytes, so the input
  // must be re-readable: no pipes or devices. A directory would open fine and
  // only fail on read.
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("\"", path, "\" is not a regular file"));
  }
  return std::unique_ptr<ChunkReader>(
      new ChunkReader(fd, path, chunk_bytes, static_cast<int64_t>(st.st_size)));
}

ChunkReader::ChunkReader(int fd, std::string path, size_t chunk_bytes,
                         int64_t size)
    : fd_(fd), path_(std::move(path)), chunk_bytes_(chunk_bytes), size_(size) {}

ChunkReader::~ChunkReader() { ::close(fd_); }

absl::StatusOr<bool> ChunkReader::Next(std::string* chunk) {
  chunk->resize(chunk_bytes_);
  size_t filled = 0;
  // read() may return less than asked before the end of the file (signals,
  // network file systems): keep reading so chunks have the promised size.
  while (filled < chunk_bytes_) {
    const ssize_t n = ::read(fd_, &(*chunk)[filled], chunk_bytes_ - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      chunk->clear();
      return ErrnoError("cannot read", path_, error);
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  chunk->resize(filled);
  return filled > 0;
}

absl::Status ChunkReader::Rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    return ErrnoError("cannot rewind", path_, errno);
  }
  return absl::OkStatus();
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()), ok_(ctx_ != nullptr) {
  if (ok_) ok_ = EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(absl::string_view data) {
  if (ok_) ok_ = EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1;
}

absl::StatusOr<std::string> Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_, digest, &length) != 1) {
    ok_ = false;
    return absl::InternalError("SHA-256 computation failed in OpenSSL");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

absl::StatusOr<std::string> Sha256Hex(ChunkReader* reader) {
  Sha256 sha;
  std::string chunk;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    sha.Update(chunk);
  }
  return sha.HexDigest();
}

absl::StatusOr<std::string> Sha256FileHex(const std::string& path) {
  absl::StatusOr<std::unique_ptr<ChunkReader>> reader = ChunkReader::Open(path);
  if (!reader.ok()) return reader.status();
  return Sha256Hex(reader->get());
}

}  // namespace hedui::cli
