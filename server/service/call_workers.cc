#include "server/service/call_workers.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hedui::server {

CallWorkers::CallWorkers(int threads, size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)) {
  const int n = std::max(threads, 1);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
}

CallWorkers::~CallWorkers() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

absl::Status CallWorkers::Submit(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    return absl::UnavailableError("the server is stopping");
  }
  if (queue_.size() >= capacity_) {
    // Phrased as the admission caps are, so that the mapping names the cap.
    return absl::ResourceExhaustedError(
        absl::StrCat("the server is at its limit of ", capacity_,
                     " calls waiting in flight; retry with backoff"));
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

absl::Status CallWorkers::Resume(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    return absl::UnavailableError("the server is stopping");
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

size_t CallWorkers::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

bool CallWorkers::HasTaskOrStopping() const {
  return !queue_.empty() || stopping_;
}

void CallWorkers::Run() {
  for (;;) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CallWorkers::HasTaskOrStopping));
      // Stopping drains: the queue empties before the threads leave.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace hedui::server
