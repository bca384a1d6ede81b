// The callers file (server/security/callers_file): any text is refused with
// INVALID_ARGUMENT naming the file on every line, or accepted; an accepted
// file gives exactly the callers it lists, under the rules its header states
// (checked here against protobuf's own reading of the text): identities
// unique and non-empty, a role, listed programs and 6-digit counties kept in
// file order, an empty list meaning every program for STAFF and ADMIN and
// every county for ADMIN only.
//
// Input: the callers file's text (seeds: the example of deploy/dev-ca.sh).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "hedui/config/v1/callers.pb.h"
#include "server/security/callers_file.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace security = hedui::security;
namespace config = hedui::config::v1;
constexpr char kFile[] = "fuzz-callers.textproto";

bool SixDigits(absl::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void CheckCaller(const config::Caller& listed, const security::Caller& got) {
  const std::string who = listed.DebugString();
  HEDUI_FUZZ_CHECK(got.identity == listed.identity(), who);
  HEDUI_FUZZ_CHECK(got.role == listed.role(), who);
  HEDUI_FUZZ_CHECK(got.role != config::ROLE_UNSPECIFIED, who);

  if (listed.programs_size() > 0) {
    HEDUI_FUZZ_CHECK(!got.programs.all(), who);
    HEDUI_FUZZ_CHECK(got.programs.values().size() ==
                         static_cast<size_t>(listed.programs_size()),
                     who);
    for (int i = 0; i < listed.programs_size(); ++i) {
      HEDUI_FUZZ_CHECK(got.programs.values()[i] == listed.programs(i), who);
      HEDUI_FUZZ_CHECK(listed.programs(i) != hedui::v1::PROGRAM_UNSPECIFIED,
                       who);
      for (int j = 0; j < i; ++j) {
        HEDUI_FUZZ_CHECK(listed.programs(j) != listed.programs(i), who);
      }
    }
  } else {
    HEDUI_FUZZ_CHECK(got.role != config::PROGRAM_SYSTEM, who);
    HEDUI_FUZZ_CHECK(got.programs.all(), who);
  }

  if (listed.region_codes_size() > 0) {
    HEDUI_FUZZ_CHECK(!got.regions.all(), who);
    HEDUI_FUZZ_CHECK(got.regions.values().size() ==
                         static_cast<size_t>(listed.region_codes_size()),
                     who);
    for (int i = 0; i < listed.region_codes_size(); ++i) {
      HEDUI_FUZZ_CHECK(got.regions.values()[i] == listed.region_codes(i), who);
      HEDUI_FUZZ_CHECK(SixDigits(listed.region_codes(i)), who);
      for (int j = 0; j < i; ++j) {
        HEDUI_FUZZ_CHECK(listed.region_codes(j) != listed.region_codes(i), who);
      }
    }
  } else {
    HEDUI_FUZZ_CHECK(got.role == config::ADMIN, who);
    HEDUI_FUZZ_CHECK(got.regions.all(), who);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const auto registry = security::LoadCallersText(text, kFile);
  if (!registry.ok()) {
    hedui::fuzz::CheckFileRefusal(registry.status(), kFile);
    return 0;
  }

  config::Callers listed;
  HEDUI_FUZZ_CHECK(
      google::protobuf::TextFormat::ParseFromString(std::string(text), &listed),
      "accepted, but protobuf's text parser refuses it");
  HEDUI_FUZZ_CHECK(listed.callers_size() > 0, "accepted with no callers");
  HEDUI_FUZZ_CHECK(
      (*registry)->size() == static_cast<size_t>(listed.callers_size()),
      listed.DebugString());
  std::set<std::string> identities;
  for (const config::Caller& c : listed.callers()) {
    HEDUI_FUZZ_CHECK(!c.identity().empty(), listed.DebugString());
    HEDUI_FUZZ_CHECK(identities.insert(c.identity()).second,
                     listed.DebugString());
    const security::Caller* got = (*registry)->Find(c.identity());
    HEDUI_FUZZ_CHECK(got != nullptr, c.DebugString());
    CheckCaller(c, *got);
    // Identities are matched exactly: no prefix, no case folding.
    const std::string longer = c.identity() + "x";
    if (identities.count(longer) == 0 &&
        std::none_of(
            listed.callers().begin(), listed.callers().end(),
            [&](const config::Caller& o) { return o.identity() == longer; })) {
      HEDUI_FUZZ_CHECK((*registry)->Find(longer) == nullptr, longer);
    }
  }
  return 0;
}
