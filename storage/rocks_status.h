#ifndef HEDUI_STORAGE_ROCKS_STATUS_H_
#define HEDUI_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace hedui::storage {

// The one mapping from RocksDB's status to absl::Status; `context` says what
// the store was doing.
absl::Status FromRocks(const rocksdb::Status& status,
                       absl::string_view context);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_ROCKS_STATUS_H_
