#ifndef HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_
#define HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "server/service/call_door.h"
#include "server/service/message_codec.h"
#include "server/service/status_mapping.h"
#include "storage/service_log.h"

namespace hedui::server {

// A stream on gRPC's callback API through the call door, holding no thread
// while it waits: on its client (a message not sent, a write not taken) or
// on news (an event not yet published).
//
// Opened on gRPC's callback thread as a unary call is (the door's checks
// need no disk, CallDoor::OpenStream), its work runs in steps on the door's
// workers, one step at a time: Step() runs again whenever something happened
// (a write taken, a message read, a cancellation, a Poke) and does what can
// be done now, then returns. Messages leave one at a time, the next once the
// client took the previous one; a step queues a bounded number and queues
// more only once they are all taken (Sending() false), so a client that
// does not read holds its stream where it is and the server buffers nothing
// more for it. End() ends the stream: once no read or write is in flight the
// outcome is audited (Call::Finish, a synced write, on the worker), the
// admission slot freed, and only then the status sent.
//
// `Base`: grpc::ServerWriteReactor<grpc::ByteBuffer> or
// grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>. The reactor
// deletes itself once gRPC is done with it and no step runs.
template <typename Base>
class StreamReactor : public Base {
 public:
  StreamReactor(CallDoor* door, grpc::CallbackServerContext* context,
                const MethodSpec& method)
      : door_(door),
        context_(context),
        method_name_(method.name),
        call_(std::make_unique<Call>(door, context, method)) {}
  StreamReactor(const StreamReactor&) = delete;
  StreamReactor& operator=(const StreamReactor&) = delete;

  void OnWriteDone(bool ok) override {
    call_->EndWait();
    bool more = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok) {
        if (written_.count++ == 0) written_.first_tag = current_.tag;
        written_.last_tag = current_.tag;
        more = !outbox_.empty();
      } else {
        broken_ = true;
        outbox_.clear();
      }
    }
    if (more) {
      WriteNext();
    } else {
      Poke();
    }
  }

  void OnCancel() override { Poke(); }

  void OnDone() override {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      // A step still running deletes the reactor when it returns.
      if (scheduled_) return;
    }
    delete this;
  }

 protected:
  ~StreamReactor() override = default;

  // The stream's work: what can be done now. Never two at once; never on
  // gRPC's threads, so it may block on the store (not on the client).
  virtual void Step() = 0;

  // The last thing the method's handler does, on gRPC's thread: `opened`,
  // what the door said of the opening, is for the first step (a refused
  // stream ends there, audited).
  void Start(absl::Status opened) {
    opened_ = std::move(opened);
    {
      absl::MutexLock lock(&mu_);
      scheduled_ = true;
    }
    absl::Status queued = door_->SubmitFirstStep([this] { Run(); });
    if (queued.ok()) return;
    // No worker could write the refusal's entry without blocking gRPC's
    // thread: refused at once, unaudited, as a unary call is.
    grpc::Status answer = ToGrpcStatus(queued, context_, method_name_);
    call_.reset();
    {
      absl::MutexLock lock(&mu_);
      scheduled_ = false;
      ending_ = true;
      ended_ = true;
    }
    this->Finish(std::move(answer));
  }

  Call& call() { return *call_; }
  const absl::Status& opened() const { return opened_; }
  bool Cancelled() const { return context_->IsCancelled(); }

  // Runs Step again soon, on a worker (from any thread; never blocks).
  void Poke() {
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      if (scheduled_) {
        again_ = true;
        return;
      }
      scheduled_ = true;
    }
    // Refused only once the workers stop, which is after every call ended
    // (the door outlives the server's calls).
    if (!door_->SubmitNextStep([this] { Run(); }).ok()) {
      absl::MutexLock lock(&mu_);
      scheduled_ = false;
    }
  }

  // Queues `message`; `tag` names it in written() once the client took it.
  void Send(const google::protobuf::Message& message, uint64_t tag = 0) {
    Outgoing out;
    EncodeMessage(message, &out.bytes);
    out.tag = tag;
    {
      absl::MutexLock lock(&mu_);
      if (ending_ || broken_) return;
      outbox_.push_back(std::move(out));
    }
    WriteNext();
  }
  // Messages queued or on their way.
  bool Sending() const {
    absl::MutexLock lock(&mu_);
    return writing_ || !outbox_.empty();
  }
  // A write failed: the client is gone.
  bool Broken() const {
    absl::MutexLock lock(&mu_);
    return broken_;
  }
  struct Written {
    int64_t count = 0;
    uint64_t first_tag = 0;
    uint64_t last_tag = 0;
  };
  // What the client took.
  Written written() const {
    absl::MutexLock lock(&mu_);
    return written_;
  }

  // Ends the stream with `outcome` once no write or read is in flight;
  // nothing queued is sent any more. A read in flight ends only with the
  // call, which is then cancelled.
  void End(absl::Status outcome) {
    bool cancel = false;
    {
      absl::MutexLock lock(&mu_);
      if (ending_) return;
      ending_ = true;
      outcome_ = std::move(outcome);
      outbox_.clear();
      cancel = reading_;
    }
    if (cancel) context_->TryCancel();
  }

  // Bidi streams: reads ahead while there are fewer than `limit` messages
  // read and not taken, and fewer than kReadAheadBytes of them (a client
  // sending faster than the steps take is held back by HTTP/2 flow control,
  // not by the server's memory: 64 messages of the size limit held for a
  // client that reads no result would be half a gigabyte a stream).
  static constexpr size_t kReadAheadBytes = size_t{4} << 20;
  void ReadAhead(size_t limit) {
    {
      absl::MutexLock lock(&mu_);
      read_ahead_ = limit;
    }
    ReadNext();
  }
  // For OnReadDone.
  void ReadDone(bool ok) {
    call_->EndWait();
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (ok) {
        received_bytes_ += incoming_.Length();
        received_.emplace_back();
        received_.back().Swap(&incoming_);
      } else {
        input_ended_ = true;
      }
    }
    if (ok) ReadNext();
    Poke();
  }
  // Up to `n` messages read, oldest first.
  std::vector<grpc::ByteBuffer> Take(size_t n) {
    std::vector<grpc::ByteBuffer> taken;
    {
      absl::MutexLock lock(&mu_);
      while (!received_.empty() && taken.size() < n) {
        taken.emplace_back();
        taken.back().Swap(&received_.front());
        received_.pop_front();
        received_bytes_ -= taken.back().Length();
      }
    }
    ReadNext();
    return taken;
  }
  // The client closed its side and every message it sent was taken.
  bool InputEnded() const {
    absl::MutexLock lock(&mu_);
    return input_ended_ && received_.empty();
  }

 private:
  struct Outgoing {
    grpc::ByteBuffer bytes;
    uint64_t tag = 0;
  };

  void Run() {
    for (;;) {
      bool ending = false;
      {
        absl::MutexLock lock(&mu_);
        again_ = false;
        ending = ending_;
      }
      if (!ending) Step();
      FinishIfQuiet();
      {
        absl::MutexLock lock(&mu_);
        if (again_ && !ended_) continue;
        scheduled_ = false;
        if (!done_) return;
      }
      delete this;
      return;
    }
  }

  void FinishIfQuiet() {
    absl::Status outcome;
    {
      absl::MutexLock lock(&mu_);
      if (!ending_ || ended_ || writing_ || reading_) return;
      ended_ = true;
      outcome = std::move(outcome_);
    }
    grpc::Status answer = call_->Finish(std::move(outcome));
    // The slot is free before the answer leaves, as for a unary call.
    call_.reset();
    this->Finish(std::move(answer));
  }

  void WriteNext() {
    const grpc::ByteBuffer* bytes = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || outbox_.empty()) return;
      writing_ = true;
      current_ = std::move(outbox_.front());
      outbox_.pop_front();
      bytes = &current_.bytes;
    }
    call_->BeginWait();
    this->StartWrite(bytes);
  }

  void ReadNext() {
    {
      absl::MutexLock lock(&mu_);
      if (reading_ || input_ended_ || ending_ ||
          received_.size() >= read_ahead_ ||
          received_bytes_ >= kReadAheadBytes) {
        return;
      }
      reading_ = true;
    }
    call_->BeginWait();
    this->StartRead(&incoming_);
  }

  CallDoor* const door_;
  grpc::CallbackServerContext* const context_;
  const char* const method_name_;
  // Reset once the stream's outcome is audited, which frees its slot.
  std::unique_ptr<Call> call_;
  absl::Status opened_;

  mutable absl::Mutex mu_;
  bool scheduled_ ABSL_GUARDED_BY(mu_) = false;  // a step queued or running
  bool again_ ABSL_GUARDED_BY(mu_) = false;      // poked while it ran
  bool done_ ABSL_GUARDED_BY(mu_) = false;       // OnDone came
  bool ending_ ABSL_GUARDED_BY(mu_) = false;     // End called
  bool ended_ ABSL_GUARDED_BY(mu_) = false;      // Finish called
  absl::Status outcome_ ABSL_GUARDED_BY(mu_);
  std::deque<Outgoing> outbox_ ABSL_GUARDED_BY(mu_);
  Outgoing current_;  // on its way: written only with writing_ false
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  Written written_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer incoming_;  // being read: touched only with reading_
  std::deque<grpc::ByteBuffer> received_ ABSL_GUARDED_BY(mu_);
  size_t read_ahead_ ABSL_GUARDED_BY(mu_) = 0;
  size_t received_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool input_ended_ ABSL_GUARDED_BY(mu_) = false;
};

using ServerStreamReactor =
    StreamReactor<grpc::ServerWriteReactor<grpc::ByteBuffer>>;

class BidiStreamReactor
    : public StreamReactor<
          grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>> {
 public:
  using StreamReactor::StreamReactor;
  void OnReadDone(bool ok) override { ReadDone(ok); }
};

// Wakes the watches that wait for a change event above the last one they
// saw: one thread for all of them, blocked in the log's AwaitEventAbove, so
// that a waiting watch holds no thread. Every `tick` it wakes every waiter
// too, for what no event announces (grants changed, a deadline).
class EventBell {
 public:
  using Wake = std::function<void()>;

  // `log` must outlive the bell.
  EventBell(storage::ServiceLog* log, absl::Duration tick);
  // No waiter may be left.
  ~EventBell();
  EventBell(const EventBell&) = delete;
  EventBell& operator=(const EventBell&) = delete;

  // Calls `wake` once, on the bell's thread (it must not block), when an
  // event above `after` is durable, at the next tick or at RingAll; `key`
  // names the waiter for Forget. False, registering nothing, when such an
  // event is durable already.
  bool Wait(const void* key, uint64_t after, Wake wake);
  // Once this returns, the waiter's `wake` is not called (it may have been).
  void Forget(const void* key);
  // Wakes every waiter now: the server stops.
  void RingAll();
  size_t waiting() const;

 private:
  struct Waiter {
    uint64_t after = 0;
    Wake wake;
  };
  void Run();
  bool HasWaitersOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::ServiceLog* const log_;
  const absl::Duration tick_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const void*, Waiter> waiters_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_STREAM_REACTOR_H_
