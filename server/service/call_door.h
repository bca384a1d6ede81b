#ifndef HEDUI_SERVER_SERVICE_CALL_DOOR_H_
#define HEDUI_SERVER_SERVICE_CALL_DOOR_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/arena.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/sync_stream.h"
#include "hedui/v1/report.pb.h"
#include "server/security/authorize.h"
#include "server/security/caller.h"
#include "server/service/admission.h"
#include "server/service/audit_entry.h"
#include "server/service/call_class.h"
#include "server/service/call_workers.h"
#include "server/service/message_codec.h"
#include "server/service/status_mapping.h"
#include "server/service/verifier.h"
#include "storage/service_log.h"

namespace hedui::server {

// Who is calling: the verified client certificate's identity looked up in
// the callers file (UNAUTHENTICATED / PERMISSION_DENIED otherwise).
using CallerSource = std::function<absl::StatusOr<security::Caller>(
    const grpc::ServerContextBase&)>;

// The audit entry's caller for a call refused before it had an identity.
inline constexpr char kUnauthenticatedCaller[] = "(unauthenticated)";

struct MethodSpec {
  const char* name;  // "/hedui.v1.VerificationService/Verify"
  CallClass call_class;
};

// What the door checks of one method's request, besides decoding it.
template <typename Request>
struct RequestRules {
  // Every field within its bound and valid, before any work and whoever the
  // caller is: OK or INVALID_ARGUMENT naming the fields. Null: decoding is
  // all there is to check (a request without fields).
  std::function<absl::Status(const Request&)> bound;
  // Beyond the method's roles: may this caller make this request (program,
  // county)? Null: the roles decide.
  std::function<absl::Status(const security::Caller&, const Request&)>
      authorize;
  // What the audit entry records of the request. Null: nothing.
  std::function<AuditSubject(const Request&)> subject;
};

class CallDoor;
template <typename Base>
class StreamReactor;

// A unary answer's arena starts on the worker's stack with this much; a
// report of a large household continues on the heap.
inline constexpr size_t kAnswerFirstBlockBytes = 64 * 1024;

// One call going through the door, as its handler's work sees it.
class Call {
 public:
  // ServerContextBase: the synchronous handlers' and the callback API's.
  Call(CallDoor* door, grpc::ServerContextBase* context,
       const MethodSpec& method);
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // Valid once the call is admitted (inside the work).
  const security::Caller& caller() const { return *caller_; }
  const CallInfo& info() const { return info_; }
  grpc::ServerContextBase& context() { return *context_; }
  AuditSubject& subject() { return subject_; }

  // CANCELLED or DEADLINE_EXCEEDED once the call cannot be answered in time.
  absl::Status DeadlineCheck() const;

  // Audits the call now, with `report` stored in the same synced write, for
  // work that must not answer before its entry is durable (a report, an
  // export). The door does not audit the call again.
  // `writes` (a roll change) go into the same synced batch as the entry.
  absl::StatusOr<storage::Appended> AuditNow(
      const absl::Status& outcome,
      std::optional<hedui::v1::Report> report = std::nullopt,
      std::vector<storage::StoreWrite> writes = {});
  // The work's own durable write holds the call's entry (a purge audits
  // itself with its counts).
  void MarkAudited() { audited_ = true; }

  // Batch items: each item goes through the same checks as a unary call of
  // the method (bound, authorise, deadline) and gets its own entry; a group
  // of items shares one synced write.
  // The caller is identified again for each item: a callers file reloaded
  // or a certificate revoked while the stream is open takes effect at the
  // next item, as at the next unary call.
  template <typename Request>
  absl::Status CheckItem(const RequestRules<Request>& rules,
                         const Request& item);
  storage::ServiceRecord ItemRecord(
      const absl::Status& outcome, const AuditSubject& subject,
      std::optional<hedui::v1::Report> report = std::nullopt) const;
  absl::StatusOr<std::vector<storage::Appended>> AppendItems(
      std::vector<storage::ServiceRecord> records);

  // Streams: the server waits on the client (a read, or a write the client
  // does not take). A stream that waits longer than the door's idle timeout
  // is cancelled; the server's own work on it never counts.
  void BeginWait();
  void EndWait();

 private:
  friend class CallDoor;
  template <typename Base>
  friend class StreamReactor;
  void Identify();
  // Identifies an admitted caller again; on a refusal the call keeps the
  // identity it was admitted with, for its audit entries.
  absl::Status Reidentify();
  grpc::Status Finish(absl::Status outcome);

  CallDoor* door_;
  grpc::ServerContextBase* context_;
  MethodSpec method_;
  absl::StatusOr<security::Caller> caller_;
  CallInfo info_;
  AuditSubject subject_;
  Admission::Ticket ticket_;
  bool audited_ = false;
  std::atomic<int64_t> last_activity_ms_{0};
  std::atomic<int> waiting_{0};
  std::atomic<bool> idle_expired_{false};
  bool watched_ = false;
};

// The one door every call of every service goes through: decode and bound
// the request, authenticate, authorise (role, then program and county),
// admit (caps per class and per caller), check the deadline, run the
// handler's work, audit the outcome once with the one entry builder, map the
// status. Handlers hold only their work. Requests arrive as bytes
// (raw_service.h), so a message that does not decode is refused here too.
class CallDoor {
 public:
  struct Options {
    AdmissionLimits limits;
    // A stream (kStream) with no message read or written for this long is
    // cancelled; 0: never.
    absl::Duration stream_idle_timeout = absl::Seconds(60);
    // Threads that run the work of callback-API calls; 0: max_in_flight
    // within [8, 64] (a synced write shares its sync with the calls waiting
    // beside it, so more threads make bigger groups; past 64 they only wait).
    int workers = 0;
    // Calls that may wait for one of them; 0: 4 x max_in_flight, at least
    // 1,024. Admitted calls never exceed max_in_flight; the rest are
    // refusals waiting for their audit entry.
    size_t worker_queue = 0;
  };
  CallDoor(CallerSource callers, storage::ServiceLog* log, Options options);
  ~CallDoor();

  storage::ServiceLog* log() const { return log_; }
  const Admission& admission() const { return admission_; }
  const CallWorkers& workers() const { return *workers_; }

  template <typename Request, typename Response>
  using UnaryWork =
      std::function<absl::Status(Call&, const Request&, Response*)>;

  // A unary call on the callback API. What needs no disk (decoding,
  // bounds, authentication, roles, program and county, admission) runs here
  // on gRPC's callback thread, so that admission and its refusals are the
  // streams'; the work and the synced audit entry run on one of
  // the door's workers, which finishes the reactor once the answer is
  // durable. When every worker is busy and the queue is full the call is
  // refused with RESOURCE_EXHAUSTED at once, without an audit entry (there
  // is no thread to write one without blocking gRPC's).
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  const MethodSpec& method,
                                  const grpc::ByteBuffer* in,
                                  grpc::ByteBuffer* out,
                                  const RequestRules<Request>& rules,
                                  UnaryWork<Request, Response> work) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    auto state = std::make_unique<Queued<Request>>(this, context, method);
    absl::Status outcome =
        DecodeAndBound(state->call, rules, *in, &state->request);
    if (outcome.ok()) outcome = AdmitWith(state->call, rules, state->request);
    absl::Status queued = workers_->Submit(
        [state = std::move(state), outcome = std::move(outcome),
         work = std::move(work), out, reactor]() mutable {
          // An answer (a report: hundreds of small messages) built and
          // dropped once per call: on an arena whose first block is on this
          // worker's stack, allocating it is a pointer bump and dropping it
          // is free.
          alignas(16) char first_block[kAnswerFirstBlockBytes];
          google::protobuf::ArenaOptions arena_options;
          arena_options.initial_block = first_block;
          arena_options.initial_block_size = sizeof(first_block);
          google::protobuf::Arena arena(arena_options);
          Response& response =
              *google::protobuf::Arena::CreateMessage<Response>(&arena);
          // The wait for a worker may have outlived the deadline.
          if (outcome.ok()) outcome = state->call.DeadlineCheck();
          if (outcome.ok())
            outcome = work(state->call, state->request, &response);
          grpc::Status answer = state->call.Finish(outcome);
          if (answer.ok()) EncodeMessage(response, out);
          // The slot is free before the answer leaves: a client that
          // calls again once answered finds it free.
          state.reset();
          reactor->Finish(std::move(answer));
        });
    if (!queued.ok()) {
      if (queued.code() == absl::StatusCode::kResourceExhausted) {
        admission_.CountRefusal();
      }
      reactor->Finish(ToGrpcStatus(queued, context, method.name));
    }
    return reactor;
  }

  // Streams on the callback API (stream_reactor.h). Their opening, on
  // gRPC's callback thread: a server stream's request is checked as a unary
  // call's is (decoded, bounded, caller identified, authorised, admitted),
  // none of it on the disk.
  template <typename Request>
  absl::Status OpenStream(Call& call, const RequestRules<Request>& rules,
                          const grpc::ByteBuffer& in, Request* request) {
    absl::Status outcome = DecodeAndBound(call, rules, in, request);
    if (outcome.ok()) outcome = AdmitWith(call, rules, *request);
    return outcome;
  }
  // A stream whose messages are checked as they arrive.
  absl::Status OpenStream(Call& call) { return Admit(call); }
  // A stream's first step: refused as a unary call's work is when the
  // workers' queue is full (RESOURCE_EXHAUSTED, counted).
  absl::Status SubmitFirstStep(CallWorkers::Task step);
  // Its later steps are always queued (CallWorkers::Resume).
  absl::Status SubmitNextStep(CallWorkers::Task step);

  // Reads the stream's messages one at a time, decoded.
  template <typename Request>
  class MessageReader {
   public:
    enum class Next { kMessage, kUndecodable, kEnd };
    MessageReader(Call* call,
                  grpc::ServerReaderInterface<grpc::ByteBuffer>* reader)
        : call_(call), reader_(reader) {}
    // kUndecodable: `error` says why; the stream goes on.
    Next Read(Request* message, absl::Status* error) {
      grpc::ByteBuffer bytes;
      call_->BeginWait();
      const bool read = reader_->Read(&bytes);
      call_->EndWait();
      if (!read) return Next::kEnd;
      *error = DecodeMessage(bytes, message);
      return error->ok() ? Next::kMessage : Next::kUndecodable;
    }

   private:
    Call* call_;
    grpc::ServerReaderInterface<grpc::ByteBuffer>* reader_;
  };

  template <typename Request, typename Response>
  using ClientStreamWork =
      std::function<absl::Status(Call&, MessageReader<Request>&, Response*)>;

  // Messages in, one answer; each message is decoded by the work's reads
  // and bounded by the work (the first is a header).
  template <typename Request, typename Response>
  grpc::Status ClientStream(grpc::ServerContext* context,
                            const MethodSpec& method,
                            grpc::ServerReader<grpc::ByteBuffer>* reader,
                            grpc::ByteBuffer* out,
                            const ClientStreamWork<Request, Response>& work) {
    Call call(this, context, method);
    absl::Status outcome = Admit(call);
    Response response;
    if (outcome.ok()) {
      MessageReader<Request> messages(&call, reader);
      outcome = work(call, messages, &response);
    }
    grpc::Status answer = call.Finish(outcome);
    if (answer.ok()) EncodeMessage(response, out);
    return answer;
  }

 private:
  friend class Call;
  class IdleWatch;

  // A callback call between its admission and its worker.
  template <typename Request>
  struct Queued {
    Queued(CallDoor* door, grpc::ServerContextBase* context,
           const MethodSpec& method)
        : call(door, context, method) {}
    Call call;
    Request request;
  };

  // A request that does not decode is refused whoever sends it. One that
  // decodes is bounded before any work, but a caller learns only that it is
  // unknown, or that its role may not call the method, before its fields
  // are judged.
  template <typename Request>
  absl::Status DecodeAndBound(Call& call, const RequestRules<Request>& rules,
                              const grpc::ByteBuffer& in, Request* request) {
    absl::Status decoded = DecodeMessage(in, request);
    if (!decoded.ok()) return decoded;
    if (rules.subject) call.subject_ = rules.subject(*request);
    absl::Status bounded = rules.bound ? rules.bound(*request) : decoded;
    // Persons are indexed only from a request within its bounds.
    if (!bounded.ok()) call.subject_.person_ids.clear();
    if (!call.caller_.ok()) return call.caller_.status();
    if (absl::Status s = AuthorizeMethodOf(call); !s.ok()) return s;
    return bounded;
  }

  template <typename Request>
  absl::Status AdmitWith(Call& call, const RequestRules<Request>& rules,
                         const Request& request) {
    if (rules.authorize) {
      if (absl::Status s = rules.authorize(*call.caller_, request); !s.ok()) {
        return s;
      }
    }
    return AdmitAndCheckDeadline(call);
  }
  // For streams, whose messages are checked as they arrive.
  absl::Status Admit(Call& call);
  absl::Status AuthorizeMethodOf(const Call& call) const;
  absl::Status AdmitAndCheckDeadline(Call& call);

  CallerSource callers_;
  storage::ServiceLog* log_;
  Admission admission_;
  std::unique_ptr<IdleWatch> idle_watch_;
  // Last: destroyed first, its queued calls answered while the rest of the
  // door is still there.
  std::unique_ptr<CallWorkers> workers_;
};

template <typename Request>
absl::Status Call::CheckItem(const RequestRules<Request>& rules,
                             const Request& item) {
  if (absl::Status s = Reidentify(); !s.ok()) return s;
  if (absl::Status s = security::AuthorizeMethod(*caller_, method_.name);
      !s.ok()) {
    return s;
  }
  if (rules.bound) {
    if (absl::Status s = rules.bound(item); !s.ok()) return s;
  }
  if (rules.authorize) {
    if (absl::Status s = rules.authorize(*caller_, item); !s.ok()) return s;
  }
  return DeadlineCheck();
}

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_DOOR_H_
