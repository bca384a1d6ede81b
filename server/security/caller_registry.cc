#include "server/security/caller_registry.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hedui::security {

absl::StatusOr<std::shared_ptr<const CallerRegistry>> CallerRegistry::Create(
    std::vector<Caller> callers) {
  // Not make_shared: the constructor is private so that every registry has
  // been through these checks.
  std::shared_ptr<CallerRegistry> registry(new CallerRegistry());
  for (Caller& caller : callers) {
    if (caller.identity.empty()) {
      return absl::InvalidArgumentError("a caller without an identity");
    }
    std::string identity = caller.identity;
    if (!registry->by_identity_.emplace(identity, std::move(caller)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate caller identity \"", identity, "\""));
    }
  }
  return std::shared_ptr<const CallerRegistry>(std::move(registry));
}

const Caller* CallerRegistry::Find(absl::string_view identity) const {
  auto it = by_identity_.find(identity);
  return it == by_identity_.end() ? nullptr : &it->second;
}

}  // namespace hedui::security
