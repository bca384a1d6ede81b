#ifndef HEDUI_SERVER_OPS_STORE_CHECK_H_
#define HEDUI_SERVER_OPS_STORE_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace hedui::server {

// Offline consistency check: every block of every table matches its
// checksum, every department's current snapshot holds exactly the rows its
// metadata says (a snapshot is whole), and retained snapshots are present.
// Returns a printable report; DATA_LOSS, naming the file or the departments,
// when the store is damaged or a snapshot is not whole.
absl::StatusOr<std::string> CheckStore(storage::Store& store);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_STORE_CHECK_H_
