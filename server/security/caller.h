#ifndef HEDUI_SERVER_SECURITY_CALLER_H_
#define HEDUI_SERVER_SECURITY_CALLER_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "hedui/config/v1/callers.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::security {

using Role = hedui::config::v1::Role;

// The programs or counties a caller acts for: every one, or those listed.
// Whether an empty list in the callers file means "all" or "none" depends on
// the role; it is decided once, at load, so that no check elsewhere can read
// an empty list the wrong way. A default Scope holds nothing.
template <typename T>
class Scope {
 public:
  Scope() = default;
  static Scope All() { return Scope(true, {}); }
  static Scope Only(std::vector<T> values) {
    return Scope(false, std::move(values));
  }

  bool all() const { return all_; }
  // The listed values, in file order; empty when all().
  const std::vector<T>& values() const { return values_; }

  template <typename U>
  bool Contains(const U& value) const {
    return all_ || std::any_of(values_.begin(), values_.end(),
                               [&](const T& v) { return v == value; });
  }

 private:
  Scope(bool all, std::vector<T> values)
      : all_(all), values_(std::move(values)) {}

  bool all_ = false;
  std::vector<T> values_;
};

using ProgramScope = Scope<hedui::v1::Program>;
using RegionScope = Scope<std::string>;

// An authenticated caller: who it is and what it may do.
struct Caller {
  std::string identity;  // as in the callers file (a certificate's CN or SAN)
  Role role = hedui::config::v1::ROLE_UNSPECIFIED;
  ProgramScope programs;
  RegionScope regions;  // 6-digit county codes
};

// "PROGRAM_SYSTEM", "STAFF", "ADMIN"; the number for a value without a name.
std::string RoleName(Role role);
// "DIBAO", ...; the number for a value without a name.
std::string ProgramName(hedui::v1::Program program);
// "DIBAO, MEDICAL" or "every program"; "320581, 320582" or "every county".
std::string DescribePrograms(const ProgramScope& programs);
std::string DescribeRegions(const RegionScope& regions);

// Six ASCII digits, e.g. "320581".
bool IsRegionCode(absl::string_view code);

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_CALLER_H_
