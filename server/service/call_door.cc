#include "server/service/call_door.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/security/authorize.h"

namespace hedui::server {
namespace {

int64_t NowMillis() { return absl::ToUnixMillis(absl::Now()); }

}  // namespace

// Cancels streams that neither read nor wrote for the timeout, so idle
// streams cannot hold their slots for ever.
class CallDoor::IdleWatch {
 public:
  explicit IdleWatch(absl::Duration timeout)
      : timeout_ms_(absl::ToInt64Milliseconds(timeout)),
        thread_([this] { Run(); }) {}
  ~IdleWatch() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    thread_.join();
  }
  void Add(Call* call) {
    absl::MutexLock lock(&mu_);
    calls_.insert(call);
  }
  void Remove(Call* call) {
    absl::MutexLock lock(&mu_);
    calls_.erase(call);
  }
  int64_t timeout_ms() const { return timeout_ms_; }

 private:
  void Run() {
    const absl::Duration tick =
        std::min(absl::Milliseconds(500), absl::Milliseconds(timeout_ms_) / 4);
    absl::MutexLock lock(&mu_);
    while (!mu_.AwaitWithTimeout(absl::Condition(&stop_), tick)) {
      const int64_t now = NowMillis();
      for (Call* call : calls_) {
        if (call->waiting_.load() > 0 &&
            now - call->last_activity_ms_.load() > timeout_ms_ &&
            !call->idle_expired_.exchange(true)) {
          call->context_->TryCancel();
        }
      }
    }
  }

  const int64_t timeout_ms_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<Call*> calls_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

Call::Call(CallDoor* door, grpc::ServerContextBase* context,
           const MethodSpec& method)
    : door_(door),
      context_(context),
      method_(method),
      caller_(absl::UnknownError("not identified")) {
  info_.method = method.name;
  last_activity_ms_ = NowMillis();
  Identify();
}

Call::~Call() {
  if (watched_) door_->idle_watch_->Remove(this);
}

void Call::Identify() {
  caller_ = door_->callers_(*context_);
  info_.caller = caller_.ok() ? caller_->identity : kUnauthenticatedCaller;
  info_.regions.clear();
  if (caller_.ok()) {
    const security::RegionScope& regions = security::VisibleRegions(*caller_);
    if (!regions.all()) info_.regions = regions.values();
  }
}

absl::Status Call::Reidentify() {
  absl::StatusOr<security::Caller> current = door_->callers_(*context_);
  if (!current.ok()) return current.status();
  caller_ = std::move(current);
  info_.caller = caller_->identity;
  info_.regions.clear();
  const security::RegionScope& regions = security::VisibleRegions(*caller_);
  if (!regions.all()) info_.regions = regions.values();
  return absl::OkStatus();
}

absl::Status Call::DeadlineCheck() const {
  if (context_->IsCancelled()) {
    return absl::CancelledError("the call was cancelled");
  }
  if (context_->deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the call's deadline passed before its work could run");
  }
  return absl::OkStatus();
}

storage::ServiceRecord Call::ItemRecord(
    const absl::Status& outcome, const AuditSubject& subject,
    std::optional<hedui::v1::Report> report) const {
  return BuildAuditRecord(info_.caller, method_.name, outcome, subject,
                          *door_->log_, std::move(report));
}

absl::StatusOr<std::vector<storage::Appended>> Call::AppendItems(
    std::vector<storage::ServiceRecord> records) {
  return door_->log_->Append(std::move(records));
}

absl::StatusOr<storage::Appended> Call::AuditNow(
    const absl::Status& outcome, std::optional<hedui::v1::Report> report,
    std::vector<storage::StoreWrite> writes) {
  std::vector<storage::ServiceRecord> records;
  records.push_back(ItemRecord(outcome, subject_, std::move(report)));
  records.back().writes = std::move(writes);
  absl::StatusOr<std::vector<storage::Appended>> appended =
      door_->log_->Append(std::move(records));
  if (!appended.ok()) return appended.status();
  audited_ = true;
  return appended->front();
}

void Call::BeginWait() {
  last_activity_ms_.store(NowMillis());
  waiting_.fetch_add(1);
}

void Call::EndWait() {
  waiting_.fetch_sub(1);
  last_activity_ms_.store(NowMillis());
}

grpc::Status Call::Finish(absl::Status outcome) {
  // A stream the server closed for idleness, or one the client cancelled,
  // ends its reads as if the input were done: the work then saw no error.
  if (idle_expired_.load()) {
    outcome = absl::DeadlineExceededError(absl::StrCat(
        "the stream was idle for more than ",
        door_->idle_watch_->timeout_ms() / 1000, " s and was closed"));
  } else if (outcome.ok() && context_->IsCancelled()) {
    outcome = absl::CancelledError("the client cancelled the call");
  }
  if (!audited_) {
    std::vector<storage::ServiceRecord> records;
    records.push_back(ItemRecord(outcome, subject_));
    // An answer whose audit entry is not durable is not given.
    absl::Status audited = door_->log_->Append(std::move(records)).status();
    if (!audited.ok()) return ToGrpcStatus(audited, context_, method_.name);
    audited_ = true;
  }
  return ToGrpcStatus(outcome, context_, method_.name);
}

CallDoor::CallDoor(CallerSource callers, storage::ServiceLog* log,
                   Options options)
    : callers_(std::move(callers)),
      log_(log),
      admission_(options.limits),
      idle_watch_(options.stream_idle_timeout > absl::ZeroDuration()
                      ? std::make_unique<IdleWatch>(options.stream_idle_timeout)
                      : nullptr),
      workers_(std::make_unique<CallWorkers>(
          options.workers > 0 ? options.workers
                              : std::clamp(options.limits.max_in_flight, 8, 64),
          options.worker_queue > 0
              ? options.worker_queue
              : std::max<size_t>(4 * static_cast<size_t>(std::max(
                                         options.limits.max_in_flight, 0)),
                                 1024))) {}

CallDoor::~CallDoor() = default;

absl::Status CallDoor::SubmitFirstStep(CallWorkers::Task step) {
  absl::Status queued = workers_->Submit(std::move(step));
  if (queued.code() == absl::StatusCode::kResourceExhausted) {
    admission_.CountRefusal();
  }
  return queued;
}

absl::Status CallDoor::SubmitNextStep(CallWorkers::Task step) {
  return workers_->Resume(std::move(step));
}

absl::Status CallDoor::AuthorizeMethodOf(const Call& call) const {
  return security::AuthorizeMethod(*call.caller_, call.method_.name);
}

absl::Status CallDoor::Admit(Call& call) {
  if (!call.caller_.ok()) return call.caller_.status();
  if (absl::Status s = AuthorizeMethodOf(call); !s.ok()) return s;
  return AdmitAndCheckDeadline(call);
}

absl::Status CallDoor::AdmitAndCheckDeadline(Call& call) {
  absl::Status refusal;
  call.ticket_ = admission_.Enter(call.method_.call_class,
                                  call.caller_->identity, &refusal);
  if (!call.ticket_.admitted()) return refusal;
  if (absl::Status s = call.DeadlineCheck(); !s.ok()) return s;
  if (call.method_.call_class == CallClass::kStream && idle_watch_) {
    idle_watch_->Add(&call);
    call.watched_ = true;
  }
  return absl::OkStatus();
}

}  // namespace hedui::server
