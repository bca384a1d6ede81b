#ifndef HEDUI_STORAGE_ROLLS_ROLL_KEYS_H_
#define HEDUI_STORAGE_ROLLS_ROLL_KEYS_H_

// Key layouts of the roll families (format 3, drawn in storage/FORMAT.md).
// The first byte of a `rolls` key names its key space; integers are
// big-endian so that byte order is scan order.
//
// `rolls`:
//   'e' | entry_id (13)                           -> hedui.v1.RollEntry
//   'a' | program (1) | applicant_id (18)         -> entry_id   (active only)
//   'h' | program (1) | household_number (var.)   -> entry_id   (active only)
//   'c' | program (1) | region (6) | entry_id     -> state (1 byte: 1 active,
//                                                    2 ended)  (the roll list)
//   'r' | report_id (13) | entry_id (13)          -> ""  the report an
//                                                    active entry rests on
//                                                    (the purge keeps it)
//   'x' | YYYYMMDD (BE32) | entry_id              -> ""  ended entries by
//                                                    their end day (purge)
//   'n'                                           -> BE64: the highest entry
//                                                    number a purge deleted
//   'p' | entry_id (13) | entry_id (13)           -> ""  a duplicate pair of
//                                                    active entries already
//                                                    reported (both orders)
// `roll_requests`:
//   SHA-256(caller identity) (32) | request_id    -> hedui.store.v1.
//                                                    RollRequestResult
// `roll_persons`:
//   person_id (18) | entry_id (13)                -> ""  (active entries)

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::storage {

inline constexpr char kRollEntryTag = 'e';
inline constexpr char kRollActiveTag = 'a';
inline constexpr char kRollHouseholdTag = 'h';
inline constexpr char kRollListTag = 'c';
inline constexpr char kRollEndedTag = 'x';
inline constexpr char kRollReportTag = 'r';
inline constexpr char kRollNumberFloorTag = 'n';
inline constexpr char kRollPairTag = 'p';
inline constexpr size_t kEntryIdBytes = 13;
inline constexpr size_t kRegionBytes = 6;
inline constexpr size_t kCallerHashBytes = 32;
inline constexpr char kListActive = 1;
inline constexpr char kListEnded = 2;

// "E000000000042".
std::string FormatEntryId(uint64_t number);
// nullopt unless `id` is "E" + 12 digits and not E000000000000.
std::optional<uint64_t> ParseEntryId(absl::string_view id);

std::string RollEntryKey(absl::string_view entry_id);
std::string RollActiveKey(hedui::v1::Program program,
                          absl::string_view applicant_id);
std::string RollHouseholdKey(hedui::v1::Program program,
                             absl::string_view household_number);
// The roll of a program ('c' | program), optionally of one county.
std::string RollListPrefix(hedui::v1::Program program);
std::string RollListKey(hedui::v1::Program program, absl::string_view region,
                        absl::string_view entry_id);
// The report an active entry rests on.
std::string RollReportPrefix(absl::string_view report_id);
std::string RollReportKey(absl::string_view report_id,
                          absl::string_view entry_id);
std::string RollEndedPrefix(uint32_t yyyymmdd);
std::string RollEndedKey(uint32_t yyyymmdd, absl::string_view entry_id);
std::string RollNumberFloorKey();
// Duplicate pairs already reported (server/service/duplicate_scan.h): every
// pair of one entry, and one pair in one order.
std::string RollPairPrefix(absl::string_view entry_id);
std::string RollPairKey(absl::string_view entry_id,
                        absl::string_view other_entry_id);

// SHA-256 of the caller's identity: identities are the callers' choice (a
// certificate name may be anything), so only their hash is a key.
std::string CallerHash(absl::string_view caller);
std::string RollRequestKey(absl::string_view caller,
                           absl::string_view request_id);
std::string RollPersonKey(absl::string_view person_id,
                          absl::string_view entry_id);

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(absl::string_view bytes);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_ROLLS_ROLL_KEYS_H_
