#include "server/service/verification_service.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/errors/error_details.h"
#include "server/errors/utf8_text.h"
#include "server/security/authorize.h"
#include "server/service/request_bounds.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

using hedui::v1::VerifyRequest;

constexpr MethodSpec kVerify{"/hedui.v1.VerificationService/Verify",
                             CallClass::kVerify};
constexpr MethodSpec kVerifyBatch{"/hedui.v1.VerificationService/VerifyBatch",
                                  CallClass::kStream};
constexpr MethodSpec kGetReport{"/hedui.v1.VerificationService/GetReport",
                                CallClass::kRead};
constexpr MethodSpec kListReports{"/hedui.v1.VerificationService/ListReports",
                                  CallClass::kRead};
constexpr MethodSpec kGetStats{"/hedui.v1.VerificationService/GetStats",
                               CallClass::kRead};

// Verify and every VerifyBatch item are held to the same rules.
const RequestRules<VerifyRequest>& VerifyRules() {
  static const auto* const rules = new RequestRules<VerifyRequest>{
      &BoundVerify,
      [](const security::Caller& caller, const VerifyRequest& request) {
        return security::AuthorizeVerify(caller, request.request().program(),
                                         request.request().region_code());
      },
      &VerifySubject};
  return *rules;
}

// Requests read ahead of the verifications: bounded, so a client streaming
// faster than the server verifies is held back by HTTP/2 flow control
// instead of filling the server's memory.
constexpr size_t kBatchReadAhead = 64;
// Verified together, in one durable write.
constexpr size_t kBatchGroup = 32;

hedui::v1::VerifyBatchResult ErrorResult(int64_t index,
                                         const absl::Status& status) {
  hedui::v1::VerifyBatchResult result;
  result.set_index(index);
  result.set_code(static_cast<int>(status.code()));
  grpc::Status mapped = ToGrpcStatus(status, nullptr);
  result.set_message(mapped.error_message());
  if (auto details = GetErrorDetails(status)) {
    for (auto& v : *details->mutable_field_violations()) {
      v.set_description(MaskResidentIdsInText(v.description()));
    }
    *result.mutable_details() = *details;
  }
  return result;
}

// Calls holding request ids at once: more than the door admits (unary
// calls, and a group of items per stream), so reached only by a flood.
constexpr size_t kMaxRequestIdsInFlight = 4096;
// How often a retry waiting for its first call looks at its own deadline
// and cancellation (neither wakes it).
constexpr absl::Duration kWaitTick = absl::Milliseconds(50);
// Where the first call's audit entry is searched for, around the time its
// result records (entry times may stray from sequence order a little).
constexpr absl::Duration kAuditSlackBefore = absl::Seconds(2);
constexpr absl::Duration kAuditSlackAfter = absl::Seconds(3);

// What the audit entry of the first call says: found again by it when its
// result was not linked to the report before a power cut.
std::string FirstDetail(const std::string& request_id) {
  return absl::StrCat("request ", request_id);
}

// The county a report belongs to: its policy's, or the asking county's for
// a report made without a policy (as the report index has it).
const std::string& RegionOf(const hedui::v1::Report& report) {
  return report.policy().region_code().empty() ? report.request().region_code()
                                               : report.policy().region_code();
}

}  // namespace

class VerificationServiceImpl::InFlight {
 public:
  enum class Try { kHeld, kBusy, kFull };

  Try TryHold(const std::string& key) {
    absl::MutexLock lock(&mu_);
    return HoldLocked(key);
  }

  // Waits while another call holds the key; DEADLINE_EXCEEDED or CANCELLED
  // when the call cannot wait longer.
  absl::Status Hold(const std::string& key, Call& call) {
    const absl::Time deadline = absl::FromChrono(call.context().deadline());
    absl::MutexLock lock(&mu_);
    for (;;) {
      switch (HoldLocked(key)) {
        case Try::kHeld:
          return absl::OkStatus();
        case Try::kFull:
          return Full();
        case Try::kBusy:
          break;
      }
      if (call.context().IsCancelled()) {
        return absl::CancelledError("the call was cancelled");
      }
      const absl::Time now = absl::Now();
      if (now >= deadline) {
        return absl::DeadlineExceededError(
            "the deadline passed while an earlier call with this request_id "
            "was still running; retry with the same id");
      }
      Free free{this, &key};
      mu_.AwaitWithDeadline(absl::Condition(&IsFree, &free),
                            std::min(deadline, now + kWaitTick));
    }
  }

  void Release(const std::string& key) {
    absl::MutexLock lock(&mu_);
    held_.erase(key);
  }

  static absl::Status Full() {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", kMaxRequestIdsInFlight,
                     " calls with request ids are running; retry later"));
  }

 private:
  struct Free {
    InFlight* self;
    const std::string* key;
  };
  static bool IsFree(Free* free) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !free->self->held_.contains(*free->key);
  }

  Try HoldLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (held_.contains(key)) return Try::kBusy;
    if (held_.size() >= kMaxRequestIdsInFlight) return Try::kFull;
    held_.insert(key);
    return Try::kHeld;
  }

  absl::Mutex mu_;
  absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

VerificationServiceImpl::VerificationServiceImpl(
    CallDoor* door, Verifier* verifier, storage::ServiceLog* log,
    storage::Store::ServiceTables requests)
    : door_(door),
      verifier_(verifier),
      log_(log),
      requests_(requests),
      in_flight_(std::make_unique<InFlight>()) {
  AddUnary(kVerify.name, [this](grpc::CallbackServerContext* context,
                                const Bytes* in, Bytes* out) {
    return door_->Unary<VerifyRequest, hedui::v1::VerifyResponse>(
        context, kVerify, in, out, VerifyRules(),
        [this](Call& call, const VerifyRequest& request,
               hedui::v1::VerifyResponse* response) {
          return Verify(call, request, response);
        });
  });
  AddBidiStream(kVerifyBatch.name,
                [this](grpc::CallbackServerContext* context) {
                  return StartBatch(context);
                });
  AddUnary(kGetReport.name, [this](grpc::CallbackServerContext* context,
                                   const Bytes* in, Bytes* out) {
    return door_->Unary<hedui::v1::GetReportRequest, hedui::v1::Report>(
        context, kGetReport, in, out, {&BoundGetReport, nullptr, nullptr},
        [this](Call& call, const hedui::v1::GetReportRequest& request,
               hedui::v1::Report* response) {
          return GetReport(call, request, response);
        });
  });
  AddUnary(kListReports.name, [this](grpc::CallbackServerContext* context,
                                     const Bytes* in, Bytes* out) {
    return door_
        ->Unary<hedui::v1::ListReportsRequest, hedui::v1::ListReportsResponse>(
            context, kListReports, in, out,
            {&BoundListReports, nullptr, nullptr},
            [this](Call& call, const hedui::v1::ListReportsRequest& request,
                   hedui::v1::ListReportsResponse* response) {
              return ListReports(call, request, response);
            });
  });
  AddUnary(kGetStats.name, [this](grpc::CallbackServerContext* context,
                                  const Bytes* in, Bytes* out) {
    return door_
        ->Unary<hedui::v1::GetStatsRequest, hedui::v1::GetStatsResponse>(
            context, kGetStats, in, out, {&BoundGetStats, nullptr, nullptr},
            [this](Call& call, const hedui::v1::GetStatsRequest& request,
                   hedui::v1::GetStatsResponse* response) {
              return GetStats(call, request, response);
            });
  });
}

VerificationServiceImpl::~VerificationServiceImpl() = default;

void VerificationServiceImpl::CountVerdict(const hedui::v1::Report& report) {
  if (metrics_ == nullptr) return;
  metrics_->verdicts
      .WithLabels({hedui::v1::Program_Name(report.program()),
                   hedui::v1::Verdict_Name(report.verdict())})
      .Add();
}

std::string VerificationServiceImpl::InFlightKey(
    const Call& call, const std::string& request_id) {
  return absl::StrCat(call.caller().identity, std::string(1, '\0'), request_id);
}

absl::StatusOr<std::optional<hedui::v1::Report>>
VerificationServiceImpl::FirstReport(const Call& call,
                                     const std::string& request_id,
                                     const std::string& fingerprint) {
  const std::string& caller = call.caller().identity;
  absl::StatusOr<std::optional<storage::RequestResult>> found =
      storage::FindRequestResult(requests_, caller, request_id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return std::optional<hedui::v1::Report>();
  const storage::RequestResult& first = **found;
  if (first.method() != kVerify.name || first.fingerprint() != fingerprint) {
    return FieldError(
        absl::StatusCode::kAlreadyExists, "request_id",
        absl::StrCat("already used by this caller for another request (",
                     first.method(),
                     "); a retry must repeat the request exactly as sent, a "
                     "new request needs a new id"));
  }
  std::string report_id = first.report_id();
  if (report_id.empty()) {
    // Durable with its report, but the link to the report's id was lost (a
    // power cut right after the call): the first call's audit entry names
    // both.
    AuditSubject named;
    named.detail = FirstDetail(request_id);
    // Built by the one builder, so caller and outcome read as stored.
    const storage::ServiceRecord expected =
        BuildAuditRecord(caller, kVerify.name, absl::OkStatus(), named, *log_);
    const absl::Time at = absl::FromUnixSeconds(first.first_unix_seconds());
    absl::StatusOr<std::optional<std::string>> audited =
        storage::FindAuditedReport(
            requests_, at - kAuditSlackBefore, at + kAuditSlackAfter,
            [&](const hedui::v1::AuditEntry& entry) {
              return entry.code() == 0 &&
                     (entry.method() == kVerify.name ||
                      entry.method() == kVerifyBatch.name) &&
                     entry.caller() == expected.audit.caller() &&
                     entry.outcome() == expected.audit.outcome();
            });
    if (!audited.ok()) return audited.status();
    if (!audited->has_value()) {
      // The id is not echoed: it is the client's text.
      return absl::DataLossError(
          "the first call under this request_id stored a report that cannot "
          "be found; run VerifyAudit");
    }
    report_id = **audited;
    LinkReport(call, request_id, first, report_id);
  }
  absl::StatusOr<std::optional<std::string>> bytes = log_->GetReport(report_id);
  if (!bytes.ok()) return bytes.status();
  // Purged after the retention period: the id is forgotten with it.
  if (!bytes->has_value()) return std::optional<hedui::v1::Report>();
  hedui::v1::Report report;
  if (!report.ParseFromString(**bytes)) {
    return absl::DataLossError("the stored report cannot be read");
  }
  // The caller's grants may have changed since the first call: a retry
  // answers only what a new call could.
  if (!security::MaySee(call.caller(), report.program(), RegionOf(report))) {
    return absl::PermissionDeniedError(absl::StrCat(
        "caller ", caller, " may not verify households registered in region ",
        RegionOf(report)));
  }
  return std::optional<hedui::v1::Report>(std::move(report));
}

storage::ServiceRecord VerificationServiceImpl::ReplayRecord(
    const Call& call, AuditSubject subject, const std::string& request_id,
    const std::string& report_id) const {
  subject.detail = absl::StrCat("retry of request ", request_id, ": report ",
                                report_id, " returned");
  storage::ServiceRecord record =
      call.ItemRecord(absl::OkStatus(), subject, std::nullopt);
  // Named without being stored again: the report this call answered.
  record.audit.set_report_id(report_id);
  return record;
}

storage::ServiceRecord VerificationServiceImpl::FirstRecord(
    const Call& call, AuditSubject subject, const std::string& request_id,
    const std::string& fingerprint,
    std::optional<hedui::v1::Report> report) const {
  subject.detail = FirstDetail(request_id);
  storage::ServiceRecord record =
      call.ItemRecord(absl::OkStatus(), subject, std::move(report));
  storage::RequestResult result;
  result.set_method(kVerify.name);
  result.set_fingerprint(fingerprint);
  result.set_first_unix_seconds(record.audit.time_unix_micros() / 1000000);
  // Named by the log as it writes the report, in the same synced batch.
  record.writes.push_back(storage::RequestResultNamingReport(
      requests_, call.caller().identity, request_id, std::move(result)));
  return record;
}

void VerificationServiceImpl::LinkReport(const Call& call,
                                         const std::string& request_id,
                                         const storage::RequestResult& result,
                                         const std::string& report_id) const {
  // Not fatal: the report is found from the audit again at the next retry.
  absl::Status linked = storage::LinkRequestReport(
      requests_, call.caller().identity, request_id, result, report_id);
  (void)linked;
}

absl::Status VerificationServiceImpl::Verify(
    Call& call, const VerifyRequest& request,
    hedui::v1::VerifyResponse* response) {
  const std::string& request_id = request.request_id();
  if (!request_id.empty() && requests_.roll_requests == nullptr) {
    return FieldError(absl::StatusCode::kUnimplemented, "request_id",
                      "this server keeps no request ids");
  }
  std::string key;
  if (!request_id.empty()) {
    key = InFlightKey(call, request_id);
    if (absl::Status s = in_flight_->Hold(key, call); !s.ok()) return s;
  }
  struct Release {
    InFlight* in_flight;
    const std::string& key;
    ~Release() {
      if (!key.empty()) in_flight->Release(key);
    }
  } release{in_flight_.get(), key};

  // As sent: before the verifier fills in the date.
  const std::string fingerprint =
      request_id.empty() ? "" : storage::RequestFingerprint(request);
  if (!request_id.empty()) {
    absl::StatusOr<std::optional<hedui::v1::Report>> first =
        FirstReport(call, request_id, fingerprint);
    if (!first.ok()) return first.status();
    if (first->has_value()) {
      std::vector<storage::ServiceRecord> records;
      records.push_back(ReplayRecord(call, call.subject(), request_id,
                                     (*first)->report_id()));
      absl::StatusOr<std::vector<storage::Appended>> appended =
          call.AppendItems(std::move(records));
      if (!appended.ok()) return appended.status();
      call.MarkAudited();
      *response->mutable_report() = std::move(**first);
      return absl::OkStatus();
    }
  }

  hedui::v1::VerificationRequest verification = request.request();
  // Evaluated into the answer itself, which the log reads as it stores it:
  // the report is built once and never copied.
  hedui::v1::Report* report = response->mutable_report();
  if (absl::Status s = verifier_->Evaluate(call.info(), verification, report);
      !s.ok()) {
    response->Clear();
    return s;
  }
  std::vector<storage::ServiceRecord> records;
  if (request_id.empty()) {
    records.push_back(call.ItemRecord(absl::OkStatus(), call.subject()));
  } else {
    records.push_back(FirstRecord(call, call.subject(), request_id, fingerprint,
                                  std::nullopt));
  }
  records.back().borrowed_report = report;
  absl::StatusOr<std::vector<storage::Appended>> appended =
      call.AppendItems(std::move(records));
  if (!appended.ok()) {
    response->Clear();
    return appended.status();
  }
  call.MarkAudited();
  const std::string& report_id = appended->front().report_id;
  response->mutable_report()->set_report_id(report_id);
  CountVerdict(response->report());
  return absl::OkStatus();
}

namespace {

// A batch item on its way to the group's durable write.
struct PendingItem {
  int64_t index = 0;
  absl::Status status;
  // Evaluated (stored by the write, which names it), or a retry's first
  // report as stored.
  hedui::v1::Report report;
  bool fresh = false;
  // A fresh item's request id, held in flight until its result is written.
  std::string key;
};

}  // namespace

// A VerifyBatch stream: each step takes up to a group of the requests read
// ahead, checks and verifies each as a unary Verify (on the worker: store
// reads, the engine), writes the group's reports and entries in one synced
// write, then sends the results one at a time; the next group is taken once
// the client took them all. Reads go on meanwhile, up to kBatchReadAhead.
class VerificationServiceImpl::BatchReactor final : public BidiStreamReactor {
 public:
  BatchReactor(VerificationServiceImpl* service,
               grpc::CallbackServerContext* context)
      : BidiStreamReactor(service->door_, context, kVerifyBatch),
        service_(service) {
    absl::MutexLock lock(&service_->batches_mu_);
    service_->batches_.insert(this);
  }
  ~BatchReactor() override {
    absl::MutexLock lock(&service_->batches_mu_);
    service_->batches_.erase(this);
  }

  // From StopBatches (never blocks).
  void Wake() { Poke(); }

  // On gRPC's thread.
  void Open() { Start(service_->door_->OpenStream(call())); }

 private:
  void Step() override {
    if (!opened().ok()) return End(opened());
    if (!started_reading_) {
      started_reading_ = true;
      ReadAhead(kBatchReadAhead);
    }
    if (Sending()) return;
    if (Broken()) {
      return End(absl::CancelledError("the client stopped reading results"));
    }
    // The door audits the stream as cancelled.
    if (Cancelled()) return End(absl::OkStatus());
    // Every result so far was taken; a retry with the items' request ids
    // finds those not answered yet.
    if (service_->stopping_.load()) {
      return End(absl::UnavailableError(
          "the server is stopping; send the items not answered again"));
    }
    std::vector<grpc::ByteBuffer> group = Take(kBatchGroup);
    if (group.empty()) {
      // Else the next message read calls the next step.
      if (InputEnded()) End(absl::OkStatus());
      return;
    }
    VerifyGroup(group);
  }

  void VerifyGroup(std::vector<grpc::ByteBuffer>& group);
  // The pending items' entries and reports in one synced write, then their
  // results queued in order.
  void Flush();

  VerificationServiceImpl* const service_;
  bool started_reading_ = false;
  int64_t next_index_ = 0;
  std::vector<PendingItem> pending_;
  std::vector<storage::ServiceRecord> records_;
};

void VerificationServiceImpl::BatchReactor::Flush() {
  Call& call = this->call();
  absl::StatusOr<std::vector<storage::Appended>> appended =
      records_.empty() ? std::vector<storage::Appended>()
                       : call.AppendItems(std::move(records_));
  records_.clear();
  for (size_t i = 0; i < pending_.size(); ++i) {
    PendingItem& item = pending_[i];
    if (appended.ok() && item.fresh && item.status.ok()) {
      item.report.set_report_id((*appended)[i].report_id);
    }
    if (!item.key.empty()) service_->in_flight_->Release(item.key);
  }
  for (PendingItem& item : pending_) {
    hedui::v1::VerifyBatchResult result;
    if (!appended.ok()) {
      // Not durable, so not answered: every item fails alike.
      result = ErrorResult(item.index, appended.status());
    } else if (!item.status.ok()) {
      result = ErrorResult(item.index, item.status);
    } else {
      result.set_index(item.index);
      if (item.fresh) service_->CountVerdict(item.report);
      *result.mutable_report() = std::move(item.report);
    }
    Send(result);
  }
  pending_.clear();
}

void VerificationServiceImpl::BatchReactor::VerifyGroup(
    std::vector<grpc::ByteBuffer>& group) {
  Call& call = this->call();
  InFlight& in_flight = *service_->in_flight_;
  // Each item as a unary Verify: checked, evaluated, audited; the group's
  // entries and reports in one synced write.
  for (grpc::ByteBuffer& bytes : group) {
    PendingItem item;
    item.index = next_index_++;
    VerifyRequest request;
    AuditSubject subject;
    absl::Status s = DecodeMessage(bytes, &request);
    if (s.ok()) {
      subject = VerifySubject(request);
      s = call.CheckItem(VerifyRules(), request);
      if (!s.ok() && s.code() == absl::StatusCode::kInvalidArgument) {
        subject.person_ids.clear();
      }
    }
    subject.batch_index = item.index;
    const std::string& request_id = request.request_id();
    std::string fingerprint;
    std::optional<hedui::v1::Report> first;
    if (s.ok() && !request_id.empty()) {
      if (service_->requests_.roll_requests == nullptr) {
        s = FieldError(absl::StatusCode::kUnimplemented, "request_id",
                       "this server keeps no request ids");
      } else {
        const std::string key = InFlightKey(call, request_id);
        switch (in_flight.TryHold(key)) {
          case InFlight::Try::kHeld:
            break;
          case InFlight::Try::kFull:
            s = InFlight::Full();
            break;
          case InFlight::Try::kBusy:
            // Held by an item of this group or by another call: the group
            // so far is written first, so that no call waits holding ids.
            Flush();
            s = in_flight.Hold(key, call);
            break;
        }
        if (s.ok()) {
          fingerprint = storage::RequestFingerprint(request);
          absl::StatusOr<std::optional<hedui::v1::Report>> found =
              service_->FirstReport(call, request_id, fingerprint);
          if (!found.ok()) {
            s = found.status();
          } else {
            first = std::move(*found);
          }
          if (s.ok() && !first.has_value()) {
            item.key = key;  // held until the group's write
          } else {
            in_flight.Release(key);
          }
        }
      }
    }
    if (s.ok() && first.has_value()) {
      records_.push_back(service_->ReplayRecord(call, subject, request_id,
                                                first->report_id()));
      item.report = std::move(*first);
    } else if (s.ok()) {
      hedui::v1::VerificationRequest verification = request.request();
      s = service_->verifier_->Evaluate(call.info(), verification,
                                        &item.report);
      if (s.ok()) {
        item.fresh = true;
        if (request_id.empty()) {
          records_.push_back(call.ItemRecord(
              s, subject, std::optional<hedui::v1::Report>(item.report)));
        } else {
          records_.push_back(service_->FirstRecord(call, subject, request_id,
                                                   fingerprint, item.report));
        }
      }
    }
    if (!s.ok()) {
      item.report.Clear();
      records_.push_back(call.ItemRecord(s, subject));
    }
    item.status = s;
    pending_.push_back(std::move(item));
  }
  Flush();
}

void VerificationServiceImpl::StopBatches() {
  stopping_.store(true);
  absl::MutexLock lock(&batches_mu_);
  // A reactor being deleted has ended: its Poke does nothing.
  for (BatchReactor* batch : batches_) batch->Wake();
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
VerificationServiceImpl::StartBatch(grpc::CallbackServerContext* context) {
  auto* reactor = new BatchReactor(this, context);
  reactor->Open();
  return reactor;
}

absl::Status VerificationServiceImpl::GetReport(
    Call& call, const hedui::v1::GetReportRequest& request,
    hedui::v1::Report* response) {
  absl::StatusOr<std::optional<std::string>> bytes =
      log_->GetReport(request.report_id());
  if (!bytes.ok()) return bytes.status();
  absl::Status unknown = absl::NotFoundError(
      absl::StrCat("no report with id '", request.report_id(), "'"));
  if (!bytes->has_value()) return unknown;
  if (!response->ParseFromString(**bytes)) {
    return absl::DataLossError("the stored report cannot be read");
  }
  if (!security::MaySee(call.caller(), response->program(),
                        response->policy().region_code())) {
    // Not revealed to a caller who may not see it: same as unknown.
    response->Clear();
    return unknown;
  }
  return absl::OkStatus();
}

absl::Status VerificationServiceImpl::ListReports(
    Call& call, const hedui::v1::ListReportsRequest& request,
    hedui::v1::ListReportsResponse* response) {
  absl::StatusOr<hedui::v1::ListReportsResponse> listed =
      log_->ListReports(request, call.info().regions);
  if (!listed.ok()) return NamePageTokenField(listed.status());
  for (const auto& summary : listed->reports()) {
    if (security::MaySee(call.caller(), summary.program(),
                         summary.region_code())) {
      *response->add_reports() = summary;
    }
  }
  response->set_next_page_token(listed->next_page_token());
  return absl::OkStatus();
}

absl::Status VerificationServiceImpl::GetStats(
    Call& call, const hedui::v1::GetStatsRequest& request,
    hedui::v1::GetStatsResponse* response) {
  absl::StatusOr<hedui::v1::GetStatsResponse> stats =
      log_->Stats(request, call.info().regions);
  if (!stats.ok()) return stats.status();
  *response = *std::move(stats);
  return absl::OkStatus();
}

}  // namespace hedui::server
