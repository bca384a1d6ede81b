#ifndef HEDUI_SERVER_SECURITY_CALLER_REGISTRY_H_
#define HEDUI_SERVER_SECURITY_CALLER_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/security/caller.h"

namespace hedui::security {

// The callers the server knows, by identity. Immutable once built, and handed
// around as shared_ptr<const CallerRegistry>: a reload (SIGHUP) builds a new
// one and swaps the pointer (Authenticator::ReplaceRegistry) while calls in
// flight keep the one they started with. Thread-safe.
class CallerRegistry {
 public:
  // INVALID_ARGUMENT when an identity is empty or appears twice. Callers from
  // a file come through LoadCallersText/LoadCallersFile, which check far more.
  static absl::StatusOr<std::shared_ptr<const CallerRegistry>> Create(
      std::vector<Caller> callers);

  // The caller with exactly this identity (case-sensitive), or null.
  const Caller* Find(absl::string_view identity) const;

  size_t size() const { return by_identity_.size(); }

 private:
  CallerRegistry() = default;

  absl::flat_hash_map<std::string, Caller> by_identity_;
};

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_CALLER_REGISTRY_H_
