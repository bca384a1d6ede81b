#ifndef HEDUI_STORAGE_FEED_TEXT_DECODER_H_
#define HEDUI_STORAGE_FEED_TEXT_DECODER_H_

#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hedui::feed {

// Turns a feed's bytes, cut into chunks anywhere, into valid UTF-8.
class TextDecoder {
 public:
  using Output = absl::FunctionRef<void(absl::string_view utf8)>;

  virtual ~TextDecoder() = default;

  // Decodes the next bytes and passes the text to `out`, in order, in pieces
  // that never end inside a character (a character split across chunks is
  // held back until it is complete). On an invalid byte sequence returns
  // InvalidArgument: everything before the sequence has been passed to `out`.
  // The message holds no input bytes (they may belong to a name).
  // REQUIRES: no earlier call returned an error.
  virtual absl::Status Decode(absl::string_view bytes, Output out) = 0;

  // After the last chunk: a character left incomplete is an error.
  virtual absl::Status Finish() = 0;
};

// Validates UTF-8 (RFC 3629: no overlong forms, surrogates or code points
// above U+10FFFF) and passes it through without copying.
std::unique_ptr<TextDecoder> NewUtf8Decoder();

// GB18030 (a superset of GBK and GB2312) through glibc's iconv. Fails when
// the C library has no GB18030 converter.
absl::StatusOr<std::unique_ptr<TextDecoder>> NewGb18030Decoder();

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_TEXT_DECODER_H_
