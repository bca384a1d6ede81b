#include "storage/feed/line_reader.h"

#include <cstring>

namespace hedui::feed {

LineReader::Result LineReader::Emit(absl::string_view line, bool terminated,
                                    LineSink sink) {
  if (terminated && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_line_bytes_) return Result::kLineTooLong;
  const int64_t number = line_number_++;
  return sink(number, line, terminated) ? Result::kOk : Result::kStopped;
}

LineReader::Result LineReader::Feed(absl::string_view text, LineSink sink) {
  while (!text.empty()) {
    const void* found = std::memchr(text.data(), '\n', text.size());
    if (found == nullptr) {
      // +1: a "\r" at the end may still turn out to precede "\n".
      if (partial_.size() + text.size() > max_line_bytes_ + 1) {
        return Result::kLineTooLong;
      }
      partial_.append(text.data(), text.size());
      return Result::kOk;
    }
    const size_t end = static_cast<const char*>(found) - text.data();
    Result result;
    if (partial_.empty()) {
      result = Emit(text.substr(0, end), /*terminated=*/true, sink);
    } else {
      partial_.append(text.data(), end);
      result = Emit(partial_, /*terminated=*/true, sink);
      if (result != Result::kLineTooLong) partial_.clear();
    }
    if (result != Result::kOk) return result;
    text.remove_prefix(end + 1);
  }
  return Result::kOk;
}

LineReader::Result LineReader::Finish(LineSink sink) {
  if (partial_.empty()) return Result::kOk;
  const Result result = Emit(partial_, /*terminated=*/false, sink);
  partial_.clear();
  return result;
}

}  // namespace hedui::feed
