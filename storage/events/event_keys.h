#ifndef HEDUI_STORAGE_EVENTS_EVENT_KEYS_H_
#define HEDUI_STORAGE_EVENTS_EVENT_KEYS_H_

// Key layouts of the `events` family (format 4, drawn in storage/FORMAT.md).
// The first byte of a key names its key space; integers are big-endian so
// that byte order is number (or day) order.
//
//   'v' | number (BE64)                          -> hedui.v1.ChangeEvent
//   'p' | program (1) | region (6) | number      -> ""  one program and
//                                                   county's events
//   'e' | entry_id (13) | number                 -> ""  one entry's events
//   'd' | YYYYMMDD (BE32) | number               -> the event's stats view
//                                                   (EventStatsView), by
//                                                   the day it occurred on
//   'f' | YYYYMMDD (BE32) | audit sequence (BE64) -> hedui.v1.ReportSummary
//                                                   of a refused
//                                                   re-verification
//   'n'                                          -> BE64: the highest event
//                                                   number a purge deleted

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::storage {

inline constexpr char kEventTag = 'v';
inline constexpr char kEventByCountyTag = 'p';
inline constexpr char kEventByEntryTag = 'e';
inline constexpr char kEventByDayTag = 'd';
inline constexpr char kRefusedReverificationTag = 'f';
inline constexpr char kEventNumberFloorTag = 'n';
inline constexpr size_t kEventRegionBytes = 6;
inline constexpr size_t kEventEntryIdBytes = 13;

std::string EventKey(uint64_t number);
// nullopt unless `key` is a 'v' key.
std::optional<uint64_t> DecodeEventKey(absl::string_view key);

std::string EventByCountyPrefix(hedui::v1::Program program,
                                absl::string_view region);
std::string EventByEntryPrefix(absl::string_view entry_id);
std::string EventByDayPrefix(uint32_t yyyymmdd);
std::string RefusedReverificationPrefix(uint32_t yyyymmdd);
std::string RefusedReverificationKey(uint32_t yyyymmdd, uint64_t sequence);
std::string EventNumberFloorKey();

// The trailing BE64 number of an index key of `prefix_bytes` + 8 bytes;
// nullopt when the key has another length.
std::optional<uint64_t> IndexedNumber(absl::string_view key,
                                      size_t prefix_bytes);

// Every key of a stored event but its 'v' key, with the value each holds:
// the writer puts them and the purge deletes them (an index added here is
// purged too). The county index needs a 6-byte region, the entry index a
// 13-byte entry id; an event without them is not in that index.
std::vector<std::pair<std::string, std::string>> EventIndexEntries(
    const hedui::v1::ChangeEvent& event);

// What statistics and the purge read of an event, small enough to sit in
// the day index: number, kind, trigger, program, region, entry, occurred_on,
// each changed criterion (criterion, before, after) and the resolution's
// outcome. Its index entries are the event's (the purge reads only these).
hedui::v1::ChangeEvent EventStatsView(const hedui::v1::ChangeEvent& event);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_EVENTS_EVENT_KEYS_H_
