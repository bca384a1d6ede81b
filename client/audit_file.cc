#include "client/audit_file.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "nlohmann/json.hpp"

namespace hedui::cli {
namespace {

using nlohmann::json;

// Field 15 (`mac`), wire type 2, 32 bytes: storage/FORMAT.md, "audit".
constexpr char kMacFieldHeader[] = {0x7A, 0x20};
constexpr size_t kMacBytes = 32;

std::string EntryJson(const hedui::v1::AuditEntry& entry) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  // Cannot fail for a message without Any fields.
  (void)google::protobuf::util::MessageToJsonString(entry, &text, options);
  return text;
}

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

// The JSON value at `field` as an unsigned number, or false.
bool GetNumber(const json& object, const char* field, uint64_t* out) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

bool GetString(const json& object, const char* field, std::string* out) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool GetHexMac(const json& object, const char* field, std::string* out) {
  std::string hex;
  if (!GetString(object, field, &hex) || hex.size() != 2 * kMacBytes) {
    return false;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  *out = absl::HexStringToBytes(hex);
  return true;
}

ExportCheck Broken(ExportCheck check, uint64_t sequence, std::string problem) {
  check.intact = false;
  check.first_broken_sequence = sequence;
  check.problem = std::move(problem);
  return check;
}

}  // namespace

std::string AuditMac(absl::string_view key, absl::string_view previous_mac,
                     absl::string_view body) {
  const std::string data = absl::StrCat(previous_mac, body);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           out, &length) == nullptr ||
      length != kMacBytes) {
    // Only an exhausted heap gets here; a check without MACs would mislead.
    std::fputs("hedui: HMAC-SHA256 failed in OpenSSL\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

bool SplitStoredEntry(absl::string_view stored, absl::string_view* body,
                      absl::string_view* mac) {
  constexpr size_t kTrailer = sizeof(kMacFieldHeader) + kMacBytes;
  if (stored.size() < kTrailer) return false;
  const absl::string_view trailer = stored.substr(stored.size() - kTrailer);
  if (trailer.substr(0, sizeof(kMacFieldHeader)) !=
      absl::string_view(kMacFieldHeader, sizeof(kMacFieldHeader))) {
    return false;
  }
  *body = stored.substr(0, stored.size() - kTrailer);
  *mac = trailer.substr(sizeof(kMacFieldHeader));
  return true;
}

std::string ExportHeaderLine(const hedui::v1::ExportAuditHeader& header,
                             absl::string_view server) {
  json line = {
      {"format", kAuditExportFormat},
      {"server", std::string(server)},
      {"first_sequence", header.first_sequence()},
      {"last_sequence", header.last_sequence()},
      {"anchor_mac", Hex(header.anchor_mac())},
      {"chain_length", header.chain_length()},
      {"from_unix_micros", header.from_unix_micros()},
      {"to_unix_micros", header.to_unix_micros()},
      {"exported_unix_micros", header.exported_unix_micros()},
  };
  return line.dump() + "\n";
}

absl::StatusOr<std::string> ExportEntryLine(absl::string_view stored) {
  hedui::v1::AuditEntry entry;
  absl::string_view body, mac;
  if (!SplitStoredEntry(stored, &body, &mac) ||
      !entry.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return absl::InvalidArgumentError(
        "the server sent an export entry that is not an audit entry");
  }
  json line = {{"sequence", entry.sequence()},
               {"stored", absl::Base64Escape(stored)},
               {"entry", json::parse(EntryJson(entry))}};
  return line.dump() + "\n";
}

std::string ExportTrailerLine(uint64_t entries, absl::string_view last_mac) {
  json line = {
      {"end", true}, {"entries", entries}, {"last_mac", Hex(last_mac)}};
  return line.dump() + "\n";
}

ExportCheck CheckAuditExport(std::istream& in, absl::string_view key) {
  ExportCheck check;
  check.macs_checked = !key.empty();
  std::string text;
  if (!std::getline(in, text)) {
    return Broken(check, 0, "the file is empty: not a Hedui audit export");
  }
  json header = json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::string format;
  std::string previous;
  if (!header.is_object() || !GetString(header, "format", &format) ||
      format != kAuditExportFormat) {
    return Broken(check, 0,
                  absl::StrCat("line 1 is not the header of a ",
                               kAuditExportFormat, " file"));
  }
  if (!GetNumber(header, "first_sequence", &check.first_sequence) ||
      !GetNumber(header, "last_sequence", &check.last_sequence) ||
      !GetHexMac(header, "anchor_mac", &previous) ||
      (check.first_sequence == 0) != (check.last_sequence == 0) ||
      check.last_sequence < check.first_sequence) {
    return Broken(check, 0,
                  "the header (line 1) lacks a valid first_sequence, "
                  "last_sequence or anchor_mac");
  }

  uint64_t expected = check.first_sequence;
  int line_number = 1;
  hedui::v1::AuditEntry stored_entry, readable_entry;
  google::protobuf::util::JsonParseOptions parse_options;
  while (std::getline(in, text)) {
    ++line_number;
    const std::string where = absl::StrCat(" (line ", line_number, ")");
    json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!line.is_object()) {
      return Broken(check, expected,
                    absl::StrCat("line ", line_number, " is not JSON"));
    }
    if (line.contains("end")) {
      uint64_t entries = 0;
      std::string last_mac;
      if (!GetNumber(line, "entries", &entries) ||
          !GetHexMac(line, "last_mac", &last_mac)) {
        return Broken(check, 0,
                      absl::StrCat("the trailer", where, " is malformed"));
      }
      if (check.first_sequence != 0 && expected != check.last_sequence + 1) {
        return Broken(
            check, expected,
            absl::StrCat("entry ", expected, " is missing: the file ends",
                         where, " before the header's last entry ",
                         check.last_sequence));
      }
      if (entries != check.entries || last_mac != previous) {
        return Broken(check, 0,
                      absl::StrCat("the trailer", where, " does not match the ",
                                   check.entries, " entries before it"));
      }
      if (std::getline(in, text)) {
        return Broken(
            check, 0,
            absl::StrCat("line ", line_number + 1, " follows the trailer"));
      }
      check.intact = true;
      return check;
    }
    uint64_t sequence = 0;
    std::string encoded, stored;
    if (!GetNumber(line, "sequence", &sequence) ||
        !GetString(line, "stored", &encoded) ||
        !absl::Base64Unescape(encoded, &stored) || !line.contains("entry")) {
      return Broken(check, expected,
                    absl::StrCat("line ", line_number,
                                 " is not an entry (sequence, stored, entry)"));
    }
    if (check.first_sequence == 0 || expected > check.last_sequence) {
      return Broken(check, sequence,
                    absl::StrCat("entry ", sequence, where,
                                 " is outside the header's range"));
    }
    absl::string_view body, mac;
    if (!SplitStoredEntry(stored, &body, &mac) ||
        !stored_entry.ParseFromString(stored)) {
      return Broken(check, expected,
                    absl::StrCat("entry ", expected, where,
                                 " has no MAC or does not parse"));
    }
    if (stored_entry.sequence() != sequence) {
      return Broken(
          check, expected,
          absl::StrCat("entry ", expected, where, ": its line says sequence ",
                       sequence, ", its stored bytes say ",
                       stored_entry.sequence()));
    }
    if (sequence != expected) {
      return Broken(
          check, expected,
          sequence > expected
              ? absl::StrCat("entry ", expected,
                             " is missing: the next in the "
                             "file is ",
                             sequence, where)
              : absl::StrCat("entry ", sequence, where,
                             " is out of order: expected ", expected));
    }
    readable_entry.Clear();
    if (!google::protobuf::util::JsonStringToMessage(
             line["entry"].dump(), &readable_entry, parse_options)
             .ok() ||
        !google::protobuf::util::MessageDifferencer::Equals(readable_entry,
                                                            stored_entry)) {
      return Broken(check, expected,
                    absl::StrCat("entry ", expected, where,
                                 ": the readable entry differs from its "
                                 "stored bytes"));
    }
    if (stored_entry.previous_mac() != previous) {
      return Broken(
          check, expected,
          expected == check.first_sequence
              ? absl::StrCat("entry ", expected, where,
                             " does not name the header's anchor_mac: the "
                             "anchor is wrong or the entry was replaced")
              : absl::StrCat("entry ", expected, where,
                             " does not follow entry ", expected - 1,
                             ": an entry was removed or replaced"));
    }
    if (check.macs_checked && AuditMac(key, previous, body) != mac) {
      return Broken(check, expected,
                    absl::StrCat("entry ", expected, where,
                                 " does not match its MAC: it was altered (or "
                                 "the key is not the chain's)"));
    }
    previous = std::string(mac);
    ++check.entries;
    ++expected;
  }
  return Broken(
      check, check.first_sequence == 0 ? 0 : expected,
      absl::StrCat("the file ends without its trailer (line ", line_number + 1,
                   "): it was cut off after ", check.entries, " entries"));
}

}  // namespace hedui::cli
