#ifndef HEDUI_SERVER_SERVICE_ADMISSION_H_
#define HEDUI_SERVER_SERVICE_ADMISSION_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/service/call_class.h"

namespace hedui::server {

// The caps on calls in flight (heduid's configuration). Past a cap a call is
// refused at once with RESOURCE_EXHAUSTED (and audited) instead of queueing
// behind the others until every deadline has passed.
struct AdmissionLimits {
  int max_in_flight = 256;            // every class but kWatch, all callers
  int max_in_flight_per_caller = 64;  // every class but kWatch, one caller
  int max_streams = 64;               // kStream, all callers
  int max_streams_per_caller = 8;     // kStream, one caller
  int max_admin = 4;                  // kAdmin, all callers
  int max_watches = 256;              // kWatch, all callers
  int max_watches_per_caller = 16;    // kWatch, one caller
};

class Admission {
 public:
  explicit Admission(AdmissionLimits limits) : limits_(limits) {}

  // Holds a slot until destroyed; empty (admitted() false) when refused.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept { *this = std::move(other); }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { Release(); }
    bool admitted() const { return admission_ != nullptr; }

   private:
    friend class Admission;
    void Release();
    Admission* admission_ = nullptr;
    CallClass call_class_ = CallClass::kRead;
    std::string caller_;
  };

  // A slot for one call of `caller`, or `refusal` set to RESOURCE_EXHAUSTED
  // naming the cap that is reached.
  Ticket Enter(CallClass call_class, const std::string& caller,
               absl::Status* refusal);

  // A call refused for overload past the door's admission (no worker free
  // to run it), counted with the caps' refusals.
  void CountRefusal() { refused_.fetch_add(1, std::memory_order_relaxed); }

  // Calls holding a slot now (every class).
  int in_flight() const;
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  const AdmissionLimits& limits() const { return limits_; }

 private:
  struct Counts {
    int calls = 0;    // every class but kWatch
    int streams = 0;  // kStream
    int admin = 0;    // kAdmin
    int watches = 0;  // kWatch
  };
  void Leave(CallClass call_class, const std::string& caller);
  static void Add(Counts& counts, CallClass call_class, int delta);

  const AdmissionLimits limits_;
  mutable absl::Mutex mu_;
  Counts total_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Counts> by_caller_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> refused_{0};
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ADMISSION_H_
