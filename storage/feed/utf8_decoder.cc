#include <algorithm>
#include <cstdint>
#include <cstring>

#include "storage/feed/text_decoder.h"

namespace hedui::feed {
namespace {

enum class Sequence { kValid, kIncomplete, kInvalid };

// Checks the UTF-8 sequence at p[0..avail); on kValid sets *length.
// Table 3-7 of the Unicode standard: the allowed range of the second byte
// depends on the lead byte, which is what excludes overlong forms (C0, C1,
// E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code points above U+10FFFF
// (F4 90-BF, F5-FF).
Sequence CheckSequence(const unsigned char* p, size_t avail, size_t* length) {
  const unsigned char lead = p[0];
  size_t need;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead < 0x80) {
    *length = 1;
    return Sequence::kValid;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return Sequence::kInvalid;
  }
  for (size_t i = 1; i <= need; ++i) {
    if (i >= avail) return Sequence::kIncomplete;
    if (p[i] < low || p[i] > high) return Sequence::kInvalid;
    low = 0x80;
    high = 0xBF;
  }
  *length = need + 1;
  return Sequence::kValid;
}

absl::Status InvalidUtf8() {
  return absl::InvalidArgumentError(
      "invalid UTF-8 byte sequence; if the file is GBK or GB18030, declare "
      "that encoding when ingesting it");
}

class Utf8Decoder final : public TextDecoder {
 public:
  absl::Status Decode(absl::string_view bytes, Output out) override {
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t size = bytes.size();
    size_t i = 0;
    if (pending_size_ > 0) {
      // Finish the character the previous chunk ended inside.
      unsigned char joined[4];
      std::memcpy(joined, pending_, pending_size_);
      const size_t take = std::min(sizeof joined - pending_size_, size);
      std::memcpy(joined + pending_size_, data, take);
      size_t length = 0;
      switch (CheckSequence(joined, pending_size_ + take, &length)) {
        case Sequence::kInvalid:
          return InvalidUtf8();
        case Sequence::kIncomplete:
          // Only when this chunk was too short to finish it.
          std::memcpy(pending_, joined, pending_size_ + take);
          pending_size_ += take;
          return absl::OkStatus();
        case Sequence::kValid:
          out(absl::string_view(reinterpret_cast<const char*>(joined), length));
          i = length - pending_size_;
          pending_size_ = 0;
          break;
      }
    }
    const size_t start = i;
    while (i < size) {
      // Feeds are mostly ASCII: skip eight such bytes at a time.
      while (i + 8 <= size) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        if ((word & 0x8080808080808080ULL) != 0) break;
        i += 8;
      }
      if (i >= size) break;
      if (data[i] < 0x80) {
        ++i;
        continue;
      }
      size_t length = 0;
      switch (CheckSequence(data + i, size - i, &length)) {
        case Sequence::kInvalid:
          if (i > start) out(bytes.substr(start, i - start));
          return InvalidUtf8();
        case Sequence::kIncomplete:
          if (i > start) out(bytes.substr(start, i - start));
          pending_size_ = size - i;
          std::memcpy(pending_, data + i, pending_size_);
          return absl::OkStatus();
        case Sequence::kValid:
          i += length;
          break;
      }
    }
    if (i > start) out(bytes.substr(start, i - start));
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    if (pending_size_ > 0) {
      return absl::InvalidArgumentError(
          "the file ends inside a UTF-8 character; was it cut short?");
    }
    return absl::OkStatus();
  }

 private:
  unsigned char pending_[4];
  size_t pending_size_ = 0;
};

}  // namespace

std::unique_ptr<TextDecoder> NewUtf8Decoder() {
  return std::make_unique<Utf8Decoder>();
}

}  // namespace hedui::feed
