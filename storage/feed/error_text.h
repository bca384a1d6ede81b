#ifndef HEDUI_STORAGE_FEED_ERROR_TEXT_H_
#define HEDUI_STORAGE_FEED_ERROR_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hedui::feed {

// A value from a feed, quoted for an error message: at most 32 bytes, cut on
// a UTF-8 character boundary. A value holding 15 or more digits in a row is
// withheld instead, since it may be a resident ID sent in the wrong column.
// REQUIRES: `value` is valid UTF-8. Never pass values of personal columns.
std::string QuoteForError(absl::string_view value);

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_ERROR_TEXT_H_
