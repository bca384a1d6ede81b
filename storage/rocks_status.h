#ifndef HEDUI_STORAGE_ROCKS_STATUS_H_
#define HEDUI_STORAGE_ROCKS_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace hedui::storage {

// The one mapping from RocksDB's status to absl::Status; `context` says what
// the store was doing. A full disk is RESOURCE_EXHAUSTED, damage DATA_LOSS,
// other I/O trouble UNAVAILABLE. RocksDB names files by their absolute path;
// the message keeps only their names ("000123.log"), so that callers never
// learn where the server keeps its data.
absl::Status FromRocks(const rocksdb::Status& status,
                       absl::string_view context);

// `text` with every absolute path replaced by its last component.
std::string WithoutDirectories(absl::string_view text);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_ROCKS_STATUS_H_
