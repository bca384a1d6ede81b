#ifndef HEDUI_CLIENT_FILE_SOURCE_H_
#define HEDUI_CLIENT_FILE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/types.h"

namespace hedui::cli {

// Size of the chunks `hedui ingest` sends: large enough that per-message
// overhead is negligible, well under gRPC's default 4 MiB receive limit.
inline constexpr size_t kIngestChunkBytes = size_t{1} << 20;

// Reads a regular file front to back in fixed-size chunks, so a feed of
// several GB is streamed without being held in memory.
class ChunkReader {
 public:
  // Opens `path` for reading. Errors (missing, unreadable, a directory or
  // other non-regular file) say which and why, and name the path.
  static absl::StatusOr<std::unique_ptr<ChunkReader>> Open(
      const std::string& path, size_t chunk_bytes = kIngestChunkBytes);

  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;
  ~ChunkReader();

  // Size of the file when it was opened.
  int64_t size() const { return size_; }

  // Replaces *chunk with the next chunk: exactly chunk_bytes bytes, fewer
  // only for the last one. Returns false, with *chunk empty, at end of file
  // (so a file of 2 MiB gives two chunks, not a third empty one).
  absl::StatusOr<bool> Next(std::string* chunk);

  // Back to the first byte, for a second pass (hash first, then send).
  absl::Status Rewind();

 private:
  ChunkReader(int fd, std::string path, size_t chunk_bytes, int64_t size);

  int fd_;
  std::string path_;
  size_t chunk_bytes_;
  int64_t size_;
};

// Incremental SHA-256 through OpenSSL's EVP interface (the SHA256_* calls
// are deprecated in OpenSSL 3).
class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  void Update(absl::string_view data);
  // Lower-case hex of the digest, as sha256sum prints it. Call once.
  absl::StatusOr<std::string> HexDigest();

 private:
  EVP_MD_CTX* ctx_;
  bool ok_;
};

// SHA-256 (lower-case hex) of the bytes from the reader's position to the
// end of the file: the default batch id of `hedui ingest`.
absl::StatusOr<std::string> Sha256Hex(ChunkReader* reader);

// Sha256Hex() of a whole file.
absl::StatusOr<std::string> Sha256FileHex(const std::string& path);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_FILE_SOURCE_H_
