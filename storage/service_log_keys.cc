#include "storage/service_log_keys.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hedui::storage {

std::string FormatReportId(uint64_t number) {
  return absl::StrFormat("R%012d", number);
}

std::optional<uint64_t> ParseReportId(absl::string_view id) {
  if (id.size() != kReportIdBytes || id[0] != 'R') return std::nullopt;
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

void AppendBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void AppendBigEndian32(uint32_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

std::string AuditEntryKey(uint64_t sequence) {
  std::string key(1, kAuditEntryTag);
  AppendBigEndian64(sequence, &key);
  return key;
}

std::optional<uint64_t> DecodeAuditEntryKey(absl::string_view key) {
  if (key.size() != 9 || key[0] != kAuditEntryTag) return std::nullopt;
  return ReadBigEndian64(key.substr(1));
}

std::string AuditPersonPrefix(absl::string_view person_token) {
  std::string key(1, kAuditPersonTag);
  key.append(person_token.data(), person_token.size());
  return key;
}

std::string AuditPersonKey(absl::string_view person_token, uint64_t sequence) {
  std::string key = AuditPersonPrefix(person_token);
  AppendBigEndian64(sequence, &key);
  return key;
}

std::string ReportKey(absl::string_view report_id) {
  std::string key(1, kReportTag);
  key.append(report_id.data(), report_id.size());
  return key;
}

std::string ReportSummaryPrefix() { return std::string(1, kReportSummaryTag); }

std::string ReportByPersonPrefix(absl::string_view person_id) {
  std::string key(1, kReportByPersonTag);
  key.append(person_id.data(), person_id.size());
  return key;
}

std::string ReportByProgramPrefix(hedui::v1::Program program) {
  std::string key(1, kReportByProgramTag);
  key.push_back(static_cast<char>(static_cast<uint8_t>(program)));
  return key;
}

std::string ReportByDatePrefix(uint32_t yyyymmdd) {
  std::string key(1, kReportByDateTag);
  AppendBigEndian32(yyyymmdd, &key);
  return key;
}

uint32_t DateNumber(const hedui::v1::Date& date) {
  if (date.year() < 0 || date.month() < 0 || date.day() < 0) return 0;
  return static_cast<uint32_t>(date.year()) * 10000 +
         static_cast<uint32_t>(date.month()) * 100 +
         static_cast<uint32_t>(date.day());
}

std::vector<std::string> ReportIndexKeys(
    absl::string_view report_id, hedui::v1::Program program,
    uint32_t date_number, absl::Span<const std::string> members) {
  std::vector<std::string> keys;
  keys.reserve(3 + members.size());
  keys.push_back(absl::StrCat(ReportSummaryPrefix(), report_id));
  keys.push_back(absl::StrCat(ReportByProgramPrefix(program), report_id));
  keys.push_back(absl::StrCat(ReportByDatePrefix(date_number), report_id));
  for (const std::string& id : members) {
    keys.push_back(absl::StrCat(ReportByPersonPrefix(id), report_id));
  }
  return keys;
}

std::string ReportNumberFloorKey() {
  return std::string(1, kReportNumberFloorTag);
}

}  // namespace hedui::storage
