#include "storage/rolls/roll_keys.h"

#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {

std::string FormatEntryId(uint64_t number) {
  return absl::StrFormat("E%012d", number);
}

std::optional<uint64_t> ParseEntryId(absl::string_view id) {
  if (id.size() != kEntryIdBytes || id[0] != 'E') return std::nullopt;
  uint64_t number = 0;
  for (char c : id.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    number = number * 10 + static_cast<uint64_t>(c - '0');
  }
  if (number == 0) return std::nullopt;
  return number;
}

std::string RollEntryKey(absl::string_view entry_id) {
  std::string key(1, kRollEntryTag);
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string RollActiveKey(hedui::v1::Program program,
                          absl::string_view applicant_id) {
  std::string key(1, kRollActiveTag);
  key.push_back(static_cast<char>(program));
  key.append(applicant_id.data(), applicant_id.size());
  return key;
}

std::string RollHouseholdKey(hedui::v1::Program program,
                             absl::string_view household_number) {
  std::string key(1, kRollHouseholdTag);
  key.push_back(static_cast<char>(program));
  key.append(household_number.data(), household_number.size());
  return key;
}

std::string RollListPrefix(hedui::v1::Program program) {
  std::string key(1, kRollListTag);
  key.push_back(static_cast<char>(program));
  return key;
}

std::string RollListKey(hedui::v1::Program program, absl::string_view region,
                        absl::string_view entry_id) {
  std::string key = RollListPrefix(program);
  key.append(region.data(), region.size());
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string RollReportPrefix(absl::string_view report_id) {
  std::string key(1, kRollReportTag);
  key.append(report_id.data(), report_id.size());
  return key;
}

std::string RollReportKey(absl::string_view report_id,
                          absl::string_view entry_id) {
  std::string key = RollReportPrefix(report_id);
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string RollPairPrefix(absl::string_view entry_id) {
  std::string key(1, kRollPairTag);
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string RollPairKey(absl::string_view entry_id,
                        absl::string_view other_entry_id) {
  std::string key = RollPairPrefix(entry_id);
  key.append(other_entry_id.data(), other_entry_id.size());
  return key;
}

std::string RollEndedPrefix(uint32_t yyyymmdd) {
  std::string key(1, kRollEndedTag);
  AppendBigEndian32(yyyymmdd, &key);
  return key;
}

std::string RollEndedKey(uint32_t yyyymmdd, absl::string_view entry_id) {
  std::string key = RollEndedPrefix(yyyymmdd);
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string RollNumberFloorKey() { return std::string(1, kRollNumberFloorTag); }

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string CallerHash(absl::string_view caller) { return Sha256(caller); }

std::string RollRequestKey(absl::string_view caller,
                           absl::string_view request_id) {
  std::string key = CallerHash(caller);
  key.append(request_id.data(), request_id.size());
  return key;
}

std::string RollPersonKey(absl::string_view person_id,
                          absl::string_view entry_id) {
  std::string key(person_id.data(), person_id.size());
  key.append(entry_id.data(), entry_id.size());
  return key;
}

}  // namespace hedui::storage
