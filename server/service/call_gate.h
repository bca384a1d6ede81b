#ifndef HEDUI_SERVER_SERVICE_CALL_GATE_H_
#define HEDUI_SERVER_SERVICE_CALL_GATE_H_

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"

namespace hedui::server {

// A cap on calls in flight: past it a call is refused at once with
// RESOURCE_EXHAUSTED (and audited) instead of queueing behind the others
// until every deadline has passed.
class CallGate {
 public:
  explicit CallGate(int max_in_flight) : max_(max_in_flight) {}

  class Ticket {
   public:
    explicit Ticket(CallGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) {
      other.gate_ = nullptr;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (gate_ != nullptr) gate_->in_flight_.fetch_sub(1);
    }
    bool admitted() const { return gate_ != nullptr; }

   private:
    CallGate* gate_;
  };

  // admitted() is false when the cap is reached.
  Ticket Enter() {
    if (in_flight_.fetch_add(1) >= max_) {
      in_flight_.fetch_sub(1);
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Ticket(nullptr);
    }
    return Ticket(this);
  }
  int in_flight() const { return in_flight_.load(); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

  static absl::Status Overloaded() {
    return absl::ResourceExhaustedError(
        "the server is at its limit of calls in flight; retry with backoff");
  }

 private:
  const int max_;
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_GATE_H_
