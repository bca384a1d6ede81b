#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <cstring>

#include "storage/feed/text_decoder.h"

namespace hedui::feed {
namespace {

// GB18030 characters are 1, 2 or 4 bytes long.
constexpr size_t kMaxCharBytes = 4;

absl::Status InvalidGb18030() {
  return absl::InvalidArgumentError(
      "invalid GB18030 byte sequence; check that the file really is in the "
      "declared encoding");
}

class Gb18030Decoder final : public TextDecoder {
 public:
  explicit Gb18030Decoder(iconv_t converter) : converter_(converter) {}
  ~Gb18030Decoder() override { iconv_close(converter_); }
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  absl::Status Decode(absl::string_view bytes, Output out) override {
    if (pending_size_ > 0) {
      // Finish the character the previous chunk ended inside: one character
      // is at most four bytes, so four joined bytes settle it.
      char joined[kMaxCharBytes];
      std::memcpy(joined, pending_, pending_size_);
      const size_t take = std::min(kMaxCharBytes - pending_size_, bytes.size());
      std::memcpy(joined + pending_size_, bytes.data(), take);
      size_t consumed = 0;
      absl::Status status = Convert(
          absl::string_view(joined, pending_size_ + take), &consumed, out);
      if (!status.ok()) return status;
      if (consumed <= pending_size_) {
        // Still incomplete: this chunk was shorter than the rest of it.
        std::memcpy(pending_, joined, pending_size_ + take);
        pending_size_ += take;
        return absl::OkStatus();
      }
      bytes.remove_prefix(consumed - pending_size_);
      pending_size_ = 0;
    }
    size_t consumed = 0;
    absl::Status status = Convert(bytes, &consumed, out);
    if (!status.ok()) return status;
    const size_t rest = bytes.size() - consumed;
    if (rest >= kMaxCharBytes) return InvalidGb18030();
    std::memcpy(pending_, bytes.data() + consumed, rest);
    pending_size_ = rest;
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    if (pending_size_ > 0) {
      return absl::InvalidArgumentError(
          "the file ends inside a GB18030 character; was it cut short?");
    }
    return absl::OkStatus();
  }

 private:
  // Converts whole characters from the front of `in`, stopping before an
  // incomplete one at its end (*consumed says how far it got).
  absl::Status Convert(absl::string_view in, size_t* consumed, Output out) {
    // iconv's prototype wants non-const input; it does not write through it.
    char* in_ptr = const_cast<char*>(in.data());
    size_t in_left = in.size();
    absl::Status status;
    while (in_left > 0) {
      char* out_ptr = buffer_;
      size_t out_left = sizeof buffer_;
      const size_t result =
          iconv(converter_, &in_ptr, &in_left, &out_ptr, &out_left);
      const int error = errno;
      // iconv writes whole characters only, so each flush ends on one.
      if (out_ptr != buffer_) {
        out(absl::string_view(buffer_, static_cast<size_t>(out_ptr - buffer_)));
      }
      if (result != static_cast<size_t>(-1)) break;
      if (error == E2BIG) continue;
      if (error != EINVAL) status = InvalidGb18030();  // EILSEQ
      break;
    }
    *consumed = in.size() - in_left;
    return status;
  }

  iconv_t converter_;
  char pending_[kMaxCharBytes];
  size_t pending_size_ = 0;
  char buffer_[64 * 1024];
};

}  // namespace

absl::StatusOr<std::unique_ptr<TextDecoder>> NewGb18030Decoder() {
  iconv_t converter = iconv_open("UTF-8", "GB18030");
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    return absl::FailedPreconditionError(
        "the C library has no GB18030 converter (glibc gconv modules missing)");
  }
  return std::make_unique<Gb18030Decoder>(converter);
}

}  // namespace hedui::feed
