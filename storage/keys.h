#ifndef HEDUI_STORAGE_KEYS_H_
#define HEDUI_STORAGE_KEYS_H_

// Every key layout of the store, in one place (drawn in storage/FORMAT.md).
//
// `records` column family:
//   person_id (18 bytes) | department (1 byte) | generation (4 bytes,
//   big-endian) | natural key (rest)
// All of a person's records, across departments and generations, share the
// 18-byte prefix: one prefix seek reaches them (fixed prefix extractor, bloom).
//
// `households` column family: the register of each household number (户号),
// so an undeclared spouse or child living in the applicant's registered
// household can be found without reading anyone's other records:
//   household_number | 0x00 | generation (4 bytes, big-endian) | person_id
// (household numbers never contain NUL: the feed parser rejects it).
//
// `meta` column family (its own family: keys shorter than the prefix would
// abort a prefix scan in the records family):
//   "format"            StoreFormat
//   "current"           CurrentView
//   "dept/NN"           DepartmentState (NN = department number, 2 digits)
//   "pending/NN"        PendingGeneration
//   "batch/NN/<id>"     BatchRecord

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::storage {

inline constexpr size_t kPersonIdBytes = 18;
inline constexpr size_t kRecordKeyFixedBytes = kPersonIdBytes + 1 + 4;

struct RecordKey {
  absl::string_view person_id;
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  uint32_t generation = 0;
  absl::string_view natural_key;
};

// REQUIRES: person_id has 18 bytes; department fits in a byte.
std::string EncodeRecordKey(absl::string_view person_id,
                            hedui::v1::Department department,
                            uint32_t generation, absl::string_view natural_key);
// Appends to `out` (reused buffers on the bulk-load path).
void AppendRecordKey(absl::string_view person_id,
                     hedui::v1::Department department, uint32_t generation,
                     absl::string_view natural_key, std::string* out);
// nullopt when `key` is too short to be a record key. The views point into
// `key`.
std::optional<RecordKey> DecodeRecordKey(absl::string_view key);

struct HouseholdKey {
  absl::string_view household_number;
  uint32_t generation = 0;
  absl::string_view person_id;
};

void AppendHouseholdKey(absl::string_view household_number, uint32_t generation,
                        absl::string_view person_id, std::string* out);
std::string EncodeHouseholdKey(absl::string_view household_number,
                               uint32_t generation,
                               absl::string_view person_id);
// The prefix every key of one household number starts with.
std::string HouseholdPrefix(absl::string_view household_number);
std::optional<HouseholdKey> DecodeHouseholdKey(absl::string_view key);

std::string FormatKey();
std::string CurrentViewKey();
std::string DepartmentStateKey(hedui::v1::Department department);
std::string PendingGenerationKey(hedui::v1::Department department);
std::string BatchKey(hedui::v1::Department department,
                     absl::string_view batch_id);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_KEYS_H_
