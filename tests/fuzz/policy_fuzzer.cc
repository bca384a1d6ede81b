// The policy loader (server/engine/policy): any text is either refused with
// INVALID_ARGUMENT, every line of the message naming the file, or accepted;
// an accepted policy answers lookups on and around every date it names with
// values of the asked region, class and day, and printed back to text format
// it loads again and answers the same.
//
// Input: the policy file's text (seeds: deploy/policy/*.textproto).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "hedui/policy/v1/policy.pb.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace engine = hedui::engine;
namespace store = hedui::store::v1;
constexpr char kFile[] = "fuzz.textproto";

// A day for the proto's date, clamped into what a policy can mean: the
// loader refuses impossible dates, so this only picks probe days.
absl::CivilDay Day(const hedui::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

std::vector<absl::CivilDay> ProbeDays(const hedui::policy::v1::Policy& p) {
  std::vector<absl::CivilDay> days;
  const auto add = [&](const hedui::v1::Date& d) {
    const absl::CivilDay day = Day(d);
    days.push_back(day - 1);
    days.push_back(day);
    days.push_back(day + 1);
  };
  for (const auto& region : p.regions()) {
    for (const auto& s : region.standards()) {
      add(s.effective_from());
      if (s.has_effective_until()) add(s.effective_until());
    }
  }
  for (const auto& r : p.rules()) {
    add(r.effective_from());
    if (r.has_effective_until()) add(r.effective_until());
  }
  if (days.size() > 64) days.resize(64);
  return days;
}

std::string Describe(const absl::StatusOr<engine::PolicyValues>& v) {
  if (!v.ok()) return std::string(v.status().ToString());
  return absl::StrCat(v->region_code, " ", v->residence_class, " ",
                      absl::FormatCivilTime(v->effective_from), " ",
                      v->dibao_standard_fen, " ", v->tekun_support_fen, " ",
                      v->consent_validity_months, " ", v->look_back_months);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<engine::Policy> policy = engine::LoadPolicyText(text, kFile);
  if (!policy.ok()) {
    hedui::fuzz::CheckFileRefusal(policy.status(), kFile);
    return 0;
  }

  std::string printed;
  HEDUI_FUZZ_CHECK(
      google::protobuf::TextFormat::PrintToString(policy->proto(), &printed),
      "an accepted policy cannot be printed");
  absl::StatusOr<engine::Policy> again =
      engine::LoadPolicyText(printed, "printed.textproto");
  HEDUI_FUZZ_CHECK(again.ok(), absl::StrCat(again.status().ToString(),
                                            "\nprinted:\n", printed));
  HEDUI_FUZZ_CHECK(again->version() == policy->version(), printed);

  const hedui::policy::v1::Policy& proto = policy->proto();
  const std::vector<absl::CivilDay> days = ProbeDays(proto);
  int probes = 0;
  for (const auto& region : proto.regions()) {
    for (int c = 0; c < store::ResidenceClass_ARRAYSIZE; ++c) {
      const auto residence = static_cast<store::ResidenceClass>(c);
      for (const absl::CivilDay day : days) {
        if (++probes > 256) return 0;
        const absl::StatusOr<engine::PolicyValues> v =
            policy->ValuesOn(region.region_code(), residence, day);
        const absl::StatusOr<engine::PolicyValues> w =
            again->ValuesOn(region.region_code(), residence, day);
        HEDUI_FUZZ_CHECK(Describe(v) == Describe(w),
                         absl::StrCat(Describe(v), "\nvs\n", Describe(w)));
        if (!v.ok()) continue;
        HEDUI_FUZZ_CHECK(v->region_code == region.region_code(), Describe(v));
        HEDUI_FUZZ_CHECK(v->residence_class == residence, Describe(v));
        HEDUI_FUZZ_CHECK(v->effective_from <= day, Describe(v));
        HEDUI_FUZZ_CHECK(
            !v->effective_until.has_value() || day <= *v->effective_until,
            Describe(v));
        HEDUI_FUZZ_CHECK(v->policy_version == proto.version(), Describe(v));
      }
    }
  }
  return 0;
}
