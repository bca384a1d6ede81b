#ifndef HEDUI_SERVER_SERVICE_POLICY_HOLDER_H_
#define HEDUI_SERVER_SERVICE_POLICY_HOLDER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/policy/policy.h"

namespace hedui::server {

// The policy in force, replaced whole on reload (SIGHUP) while calls go on:
// a call keeps the policy it started with to its end.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::string path) : path_(std::move(path)) {}

  // Loads the file. On error the previous policy stays in force and the
  // error lists every problem with its line.
  absl::Status Reload();
  // Null until a load succeeded.
  std::shared_ptr<const engine::Policy> Current() const;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const engine::Policy> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_POLICY_HOLDER_H_
