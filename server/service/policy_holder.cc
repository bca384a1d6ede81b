#include "server/service/policy_holder.h"

#include <utility>

#include "server/engine/policy/policy_loader.h"

namespace hedui::server {

absl::Status PolicyHolder::Reload() {
  absl::StatusOr<engine::Policy> loaded = engine::LoadPolicyFile(path_);
  if (!loaded.ok()) return loaded.status();
  auto policy = std::make_shared<const engine::Policy>(*std::move(loaded));
  absl::MutexLock lock(&mu_);
  current_ = std::move(policy);
  return absl::OkStatus();
}

std::shared_ptr<const engine::Policy> PolicyHolder::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace hedui::server
