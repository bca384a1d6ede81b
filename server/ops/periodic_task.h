#ifndef HEDUI_SERVER_OPS_PERIODIC_TASK_H_
#define HEDUI_SERVER_OPS_PERIODIC_TASK_H_

#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hedui::server {

// Runs `task` on its own thread after `first_delay`, then every `interval`,
// until destroyed; destruction waits for a run in progress, so whatever the
// task uses must outlive this object.
class PeriodicTask {
 public:
  PeriodicTask(absl::Duration first_delay, absl::Duration interval,
               std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Loop(absl::Duration first_delay, absl::Duration interval);

  std::function<void()> task_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_PERIODIC_TASK_H_
