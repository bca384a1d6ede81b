#include "server/service/admission.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hedui::server {

const char* CallClassName(CallClass call_class) {
  switch (call_class) {
    case CallClass::kVerify:
      return "verify";
    case CallClass::kRead:
      return "read";
    case CallClass::kAdmin:
      return "admin";
    case CallClass::kStream:
      return "stream";
    case CallClass::kWatch:
      return "watch";
  }
  return "unknown";
}

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    admission_ = std::exchange(other.admission_, nullptr);
    call_class_ = other.call_class_;
    caller_ = std::move(other.caller_);
  }
  return *this;
}

void Admission::Ticket::Release() {
  if (admission_ != nullptr) {
    std::exchange(admission_, nullptr)->Leave(call_class_, caller_);
  }
}

void Admission::Add(Counts& counts, CallClass call_class, int delta) {
  if (call_class == CallClass::kWatch) {
    counts.watches += delta;
    return;
  }
  counts.calls += delta;
  if (call_class == CallClass::kStream) counts.streams += delta;
  if (call_class == CallClass::kAdmin) counts.admin += delta;
}

Admission::Ticket Admission::Enter(CallClass call_class,
                                   const std::string& caller,
                                   absl::Status* refusal) {
  const auto refuse = [&](absl::string_view what, int cap) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    *refusal = absl::ResourceExhaustedError(
        absl::StrCat("the server is at its limit of ", cap, " ", what,
                     " in flight; retry with backoff"));
    return Ticket();
  };
  absl::MutexLock lock(&mu_);
  static const Counts kNone;
  const auto found = by_caller_.find(caller);
  const Counts& mine = found == by_caller_.end() ? kNone : found->second;
  if (call_class == CallClass::kWatch) {
    if (total_.watches >= limits_.max_watches) {
      return refuse("watch streams", limits_.max_watches);
    }
    if (mine.watches >= limits_.max_watches_per_caller) {
      return refuse("watch streams for one caller",
                    limits_.max_watches_per_caller);
    }
  } else {
    if (total_.calls >= limits_.max_in_flight) {
      return refuse("calls", limits_.max_in_flight);
    }
    if (mine.calls >= limits_.max_in_flight_per_caller) {
      return refuse("calls for one caller", limits_.max_in_flight_per_caller);
    }
    if (call_class == CallClass::kStream) {
      if (total_.streams >= limits_.max_streams) {
        return refuse("streams (batches, ingests, exports)",
                      limits_.max_streams);
      }
      if (mine.streams >= limits_.max_streams_per_caller) {
        return refuse("streams for one caller", limits_.max_streams_per_caller);
      }
    }
    if (call_class == CallClass::kAdmin && total_.admin >= limits_.max_admin) {
      return refuse("administrative calls", limits_.max_admin);
    }
  }
  Add(total_, call_class, 1);
  Add(by_caller_[caller], call_class, 1);
  Ticket ticket;
  ticket.admission_ = this;
  ticket.call_class_ = call_class;
  ticket.caller_ = caller;
  return ticket;
}

void Admission::Leave(CallClass call_class, const std::string& caller) {
  absl::MutexLock lock(&mu_);
  Add(total_, call_class, -1);
  auto it = by_caller_.find(caller);
  if (it == by_caller_.end()) return;
  Add(it->second, call_class, -1);
  const Counts& left = it->second;
  // Callers come and go (certificates rotate): keep no entry at zero.
  if (left.calls == 0 && left.watches == 0) by_caller_.erase(it);
}

int Admission::in_flight() const {
  absl::MutexLock lock(&mu_);
  return total_.calls + total_.watches;
}

}  // namespace hedui::server
