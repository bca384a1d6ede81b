#include "server/service/stream_reactor.h"

#include <utility>

#include "absl/time/clock.h"

namespace hedui::server {

EventBell::EventBell(storage::ServiceLog* log, absl::Duration tick)
    : log_(log), tick_(tick), thread_([this] { Run(); }) {}

EventBell::~EventBell() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool EventBell::Wait(const void* key, uint64_t after, Wake wake) {
  absl::MutexLock lock(&mu_);
  // Checked under the lock the thread rings under: an event published
  // after this is seen by the thread's next look at the log.
  if (log_->HighestDurableEvent() > after) return false;
  waiters_[key] = Waiter{after, std::move(wake)};
  return true;
}

void EventBell::Forget(const void* key) {
  absl::MutexLock lock(&mu_);
  waiters_.erase(key);
}

void EventBell::RingAll() {
  absl::MutexLock lock(&mu_);
  for (auto& [key, waiter] : waiters_) waiter.wake();
  waiters_.clear();
}

size_t EventBell::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiters_.size();
}

bool EventBell::HasWaitersOrStopping() const {
  return !waiters_.empty() || stopping_;
}

void EventBell::Run() {
  uint64_t seen = log_->HighestDurableEvent();
  absl::Time next_tick = absl::Now() + tick_;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      // Without waiters there is no one to wake: no ticking either.
      mu_.Await(absl::Condition(this, &EventBell::HasWaitersOrStopping));
      if (stopping_) return;
    }
    const uint64_t highest = log_->AwaitEventAbove(seen, next_tick);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    const absl::Time now = absl::Now();
    const bool tick = now >= next_tick;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (tick || it->second.after < highest) {
        it->second.wake();
        waiters_.erase(it++);
      } else {
        ++it;
      }
    }
    if (tick) {
      next_tick = now + tick_;
    } else if (highest <= seen) {
      // Back early with nothing new: the log is shutting down, and would
      // answer at once again. Wait for the tick instead.
      mu_.AwaitWithDeadline(absl::Condition(&stopping_), next_tick);
      if (stopping_) return;
    }
    seen = highest;
  }
}

}  // namespace hedui::server
