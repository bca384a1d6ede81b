#include "server/security/caller.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hedui::security {

std::string RoleName(Role role) {
  const std::string& name = hedui::config::v1::Role_Name(role);
  return name.empty() ? absl::StrCat(static_cast<int>(role)) : name;
}

std::string ProgramName(hedui::v1::Program program) {
  const std::string& name = hedui::v1::Program_Name(program);
  return name.empty() ? absl::StrCat(static_cast<int>(program)) : name;
}

std::string DescribePrograms(const ProgramScope& programs) {
  if (programs.all()) return "every program";
  if (programs.values().empty()) return "no program";
  return absl::StrJoin(programs.values(), ", ",
                       [](std::string* out, hedui::v1::Program program) {
                         out->append(ProgramName(program));
                       });
}

std::string DescribeRegions(const RegionScope& regions) {
  if (regions.all()) return "every county";
  if (regions.values().empty()) return "no county";
  return absl::StrJoin(regions.values(), ", ");
}

bool IsRegionCode(absl::string_view code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

}  // namespace hedui::security
