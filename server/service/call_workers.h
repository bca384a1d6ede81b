#ifndef HEDUI_SERVER_SERVICE_CALL_WORKERS_H_
#define HEDUI_SERVER_SERVICE_CALL_WORKERS_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace hedui::server {

// The threads that run the blocking part of callback-API calls (the store's
// reads, the engine, the synced write of the report and the audit entry),
// so that gRPC's callback threads never wait on the disk. A fixed set of
// threads started once and a bounded queue: no thread is created per call,
// and a flood cannot queue more work than the bound.
class CallWorkers {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // `threads` at least 1; `capacity`: tasks waiting for a thread, at least 1.
  CallWorkers(int threads, size_t capacity);
  // Runs every task already queued, then stops its threads: a call taken in
  // is always answered.
  ~CallWorkers();
  CallWorkers(const CallWorkers&) = delete;
  CallWorkers& operator=(const CallWorkers&) = delete;

  // OK once queued. RESOURCE_EXHAUSTED when `capacity` tasks wait already,
  // UNAVAILABLE once stopping; the task is then dropped without running.
  absl::Status Submit(Task task);
  // The next step of a call already taken in (a stream's, after it waited
  // on its client): queued past `capacity`, since a stream has at most one
  // step queued and the admission caps bound the streams, and a stream
  // refused half-way would lose its answer. UNAVAILABLE once stopping.
  absl::Status Resume(Task task);

  int threads() const { return static_cast<int>(threads_.size()); }
  size_t capacity() const { return capacity_; }
  size_t queued() const;

 private:
  void Run();
  bool HasTaskOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_WORKERS_H_
