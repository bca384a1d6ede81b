#ifndef HEDUI_STORAGE_STORE_DAMAGE_H_
#define HEDUI_STORAGE_STORE_DAMAGE_H_

// Damage found in the store while serving: a read or write that RocksDB
// refused as corrupt (a block whose checksum does not match, a table cut
// short). A damaged store is never served half: the call that met it gets
// DATA_LOSS (rocks_status.h), and the server turns its health to
// NOT_SERVING. heduid has one store per process, so this record is
// process-wide: FromRocks, the one door for RocksDB's statuses, fills it in
// without every reader carrying a handle to it.

#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace hedui::storage {

// What an operator does about damage, appended to every message about it.
inline constexpr char kRestoreAdvice[] =
    "the store is damaged and is not served: stop heduid, move the data "
    "directory aside and restore the newest good backup (heduid restore; "
    "README, \"Back up and restore\")";

// Records damage (the first is kept) and tells the listener, once.
void ReportStoreDamage(absl::string_view message);

// The first damage seen; nullopt while none was. Cheap: one atomic load
// when there is none.
std::optional<std::string> StoreDamage();

// Called (once, on the thread that met the damage) with the message of the
// first damage; set it before serving. Replaces any earlier listener.
void SetStoreDamageListener(std::function<void(const std::string&)> listener);

// Tests only: forget the damage seen, so that one test's damage does not
// leak into the next one of the same process.
void ClearStoreDamageForTesting();

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_STORE_DAMAGE_H_
