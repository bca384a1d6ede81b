#include "storage/keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hedui::storage {
namespace {

// Generations are big-endian so that byte order is numeric order.
void AppendBigEndian32(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>((v >> 24) & 0xFF));
  out->push_back(static_cast<char>((v >> 16) & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
  out->push_back(static_cast<char>(v & 0xFF));
}

// REQUIRES: four bytes at `at`.
uint32_t DecodeBigEndian32(absl::string_view bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
  }
  return v;
}

}  // namespace

void AppendRecordKey(absl::string_view person_id,
                     hedui::v1::Department department, uint32_t generation,
                     absl::string_view natural_key, std::string* out) {
  out->append(person_id.data(), person_id.size());
  out->push_back(static_cast<char>(static_cast<uint8_t>(department)));
  AppendBigEndian32(generation, out);
  out->append(natural_key.data(), natural_key.size());
}

std::string EncodeRecordKey(absl::string_view person_id,
                            hedui::v1::Department department,
                            uint32_t generation,
                            absl::string_view natural_key) {
  std::string key;
  key.reserve(kRecordKeyFixedBytes + natural_key.size());
  AppendRecordKey(person_id, department, generation, natural_key, &key);
  return key;
}

std::optional<RecordKey> DecodeRecordKey(absl::string_view key) {
  if (key.size() < kRecordKeyFixedBytes) return std::nullopt;
  RecordKey decoded;
  decoded.person_id = key.substr(0, kPersonIdBytes);
  decoded.department = static_cast<hedui::v1::Department>(
      static_cast<uint8_t>(key[kPersonIdBytes]));
  decoded.generation = DecodeBigEndian32(key, kPersonIdBytes + 1);
  decoded.natural_key = key.substr(kRecordKeyFixedBytes);
  return decoded;
}

void AppendHouseholdKey(absl::string_view household_number, uint32_t generation,
                        absl::string_view person_id, std::string* out) {
  out->append(household_number.data(), household_number.size());
  out->push_back('\0');
  AppendBigEndian32(generation, out);
  out->append(person_id.data(), person_id.size());
}

std::string EncodeHouseholdKey(absl::string_view household_number,
                               uint32_t generation,
                               absl::string_view person_id) {
  std::string key;
  AppendHouseholdKey(household_number, generation, person_id, &key);
  return key;
}

std::string HouseholdPrefix(absl::string_view household_number) {
  std::string prefix(household_number);
  prefix.push_back('\0');
  return prefix;
}

std::optional<HouseholdKey> DecodeHouseholdKey(absl::string_view key) {
  // Decoded from the end: the household number is the variable part.
  constexpr size_t kTail = 1 + 4 + kPersonIdBytes;
  if (key.size() < kTail || key[key.size() - kTail] != '\0') {
    return std::nullopt;
  }
  HouseholdKey decoded;
  decoded.household_number = key.substr(0, key.size() - kTail);
  decoded.generation = DecodeBigEndian32(key, key.size() - kTail + 1);
  decoded.person_id = key.substr(key.size() - kPersonIdBytes);
  return decoded;
}

std::string FormatKey() { return "format"; }
std::string CurrentViewKey() { return "current"; }

std::string DepartmentStateKey(hedui::v1::Department department) {
  return absl::StrFormat("dept/%02d", static_cast<int>(department));
}

std::string PendingGenerationKey(hedui::v1::Department department) {
  return absl::StrFormat("pending/%02d", static_cast<int>(department));
}

std::string BatchKey(hedui::v1::Department department,
                     absl::string_view batch_id) {
  return absl::StrCat(
      absl::StrFormat("batch/%02d/", static_cast<int>(department)), batch_id);
}

}  // namespace hedui::storage
