#include "server/ops/periodic_task.h"

namespace hedui::server {

PeriodicTask::PeriodicTask(absl::Duration first_delay, absl::Duration interval,
                           std::function<void()> task)
    : task_(std::move(task)) {
  thread_ = std::thread(
      [this, first_delay, interval] { Loop(first_delay, interval); });
}

PeriodicTask::~PeriodicTask() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void PeriodicTask::Loop(absl::Duration first_delay, absl::Duration interval) {
  absl::Duration wait = first_delay;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // Wakes early only to stop.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
      if (stopping_) return;
    }
    task_();
    wait = interval;
  }
}

}  // namespace hedui::server
