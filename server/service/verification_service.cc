#include "server/service/verification_service.h"

#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/security/authorize.h"
#include "server/service/error_details.h"
#include "server/service/status_mapping.h"
#include "storage/service_log_keys.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

constexpr char kVerify[] = "/hedui.v1.VerificationService/Verify";
constexpr char kVerifyBatch[] = "/hedui.v1.VerificationService/VerifyBatch";
constexpr char kGetReport[] = "/hedui.v1.VerificationService/GetReport";
constexpr char kListReports[] = "/hedui.v1.VerificationService/ListReports";
constexpr char kGetStats[] = "/hedui.v1.VerificationService/GetStats";

// Requests read ahead of the verifications: bounded, so a client streaming
// faster than the server verifies is held back by HTTP/2 flow control
// instead of filling the server's memory.
constexpr size_t kBatchReadAhead = 64;
// Verified together, in one durable write.
constexpr size_t kBatchGroup = 32;

absl::Status DeadlineCheck(const grpc::ServerContext& context) {
  if (context.IsCancelled())
    return absl::CancelledError("the call was cancelled");
  if (context.deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(
        "the call's deadline passed before the verification could run");
  }
  return absl::OkStatus();
}

class ReadAhead {
 public:
  bool Push(hedui::v1::VerifyRequest request) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ReadAhead::HasRoomOrStopped));
    if (stopped_) return false;
    queue_.push_back(std::move(request));
    return true;
  }
  void CloseInput() {
    absl::MutexLock lock(&mu_);
    input_done_ = true;
  }
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  // Blocks until a request is there or the input ended; empty at the end.
  std::vector<hedui::v1::VerifyRequest> PopUpTo(size_t n) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ReadAhead::HasItemOrDone));
    std::vector<hedui::v1::VerifyRequest> out;
    while (!queue_.empty() && out.size() < n) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return out;
  }

 private:
  bool HasRoomOrStopped() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_ || queue_.size() < kBatchReadAhead;
  }
  bool HasItemOrDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || input_done_;
  }

  absl::Mutex mu_;
  std::deque<hedui::v1::VerifyRequest> queue_ ABSL_GUARDED_BY(mu_);
  bool input_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

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

}  // namespace

grpc::Status VerificationServiceImpl::Verify(
    grpc::ServerContext* context, const hedui::v1::VerifyRequest* request,
    hedui::v1::VerifyResponse* response) {
  absl::StatusOr<security::Caller> caller =
      Admit(context, kVerify, &request->request());
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kVerify);
  CallGate::Ticket ticket = gate_->Enter();
  absl::Status refused =
      ticket.admitted() ? DeadlineCheck(*context) : CallGate::Overloaded();
  if (!refused.ok()) {
    verifier_->AuditCall(call, refused, &request->request()).IgnoreError();
    return ToGrpcStatus(refused, context);
  }
  absl::StatusOr<hedui::v1::Report> report =
      verifier_->Verify(call, request->request());
  if (!report.ok()) return ToGrpcStatus(report.status(), context);
  *response->mutable_report() = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status VerificationServiceImpl::VerifyBatch(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<hedui::v1::VerifyBatchResult,
                             hedui::v1::VerifyRequest>* stream) {
  absl::StatusOr<security::Caller> caller = Admit(context, kVerifyBatch);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kVerifyBatch);
  CallGate::Ticket ticket = gate_->Enter();
  if (!ticket.admitted()) return Finish(context, call, CallGate::Overloaded());

  ReadAhead ahead;
  std::thread reader([&] {
    hedui::v1::VerifyRequest request;
    while (stream->Read(&request)) {
      if (!ahead.Push(std::move(request))) break;
      request.Clear();
    }
    ahead.CloseInput();
  });

  int64_t next_index = 0;
  absl::Status outcome = absl::OkStatus();
  while (true) {
    std::vector<hedui::v1::VerifyRequest> group = ahead.PopUpTo(kBatchGroup);
    if (group.empty()) break;
    std::vector<hedui::v1::VerifyBatchResult> results(group.size());
    std::vector<hedui::v1::VerificationRequest> admitted;
    std::vector<int64_t> indices;
    std::vector<size_t> positions;
    const absl::Status deadline = DeadlineCheck(*context);
    for (size_t i = 0; i < group.size(); ++i) {
      const int64_t index = next_index++;
      const hedui::v1::VerificationRequest& item = group[i].request();
      absl::Status allowed =
          deadline.ok() ? security::AuthorizeVerify(*caller, item.program(),
                                                    item.region_code())
                        : deadline;
      if (!allowed.ok()) {
        // Each item is audited, refused ones too.
        absl::Status audited =
            verifier_->AuditCall(call, allowed, &item, index);
        results[i] = ErrorResult(index, audited.ok() ? allowed : audited);
        continue;
      }
      admitted.push_back(std::move(*group[i].mutable_request()));
      indices.push_back(index);
      positions.push_back(i);
    }
    std::vector<absl::StatusOr<hedui::v1::Report>> reports =
        verifier_->VerifyAll(call, absl::MakeSpan(admitted), indices);
    for (size_t k = 0; k < reports.size(); ++k) {
      hedui::v1::VerifyBatchResult& result = results[positions[k]];
      if (reports[k].ok()) {
        result.set_index(indices[k]);
        *result.mutable_report() = *std::move(reports[k]);
      } else {
        result = ErrorResult(indices[k], reports[k].status());
      }
    }
    bool written = true;
    for (auto& result : results) {
      if (!stream->Write(result)) {
        written = false;
        break;
      }
    }
    if (!written) {
      outcome = absl::CancelledError("the client stopped reading results");
      break;
    }
  }
  ahead.Stop();
  if (!outcome.ok()) context->TryCancel();
  reader.join();
  return Finish(context, call, outcome);
}

grpc::Status VerificationServiceImpl::GetReport(
    grpc::ServerContext* context, const hedui::v1::GetReportRequest* request,
    hedui::v1::Report* response) {
  absl::StatusOr<security::Caller> caller = Admit(context, kGetReport);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kGetReport);
  if (!storage::ParseReportId(request->report_id()).has_value()) {
    return Finish(context, call,
                  FieldViolation("report_id",
                                 "must be R followed by 12 digits, as "
                                 "Verify returned it"));
  }
  absl::StatusOr<std::optional<std::string>> bytes =
      log_->GetReport(request->report_id());
  absl::Status outcome = bytes.status();
  if (outcome.ok() && !bytes->has_value()) {
    outcome = absl::NotFoundError(absl::StrCat(
        "no report with id '", request->report_id().substr(0, 64), "'"));
  } else if (outcome.ok() && !response->ParseFromString(**bytes)) {
    outcome = absl::DataLossError("the stored report cannot be read");
  } else if (outcome.ok() &&
             !security::MaySee(*caller, response->program(),
                               response->policy().region_code())) {
    // Not revealed to a caller who may not see it: same as unknown.
    response->Clear();
    outcome = absl::NotFoundError(absl::StrCat(
        "no report with id '", request->report_id().substr(0, 64), "'"));
  }
  return Finish(context, call, outcome);
}

grpc::Status VerificationServiceImpl::ListReports(
    grpc::ServerContext* context, const hedui::v1::ListReportsRequest* request,
    hedui::v1::ListReportsResponse* response) {
  absl::StatusOr<security::Caller> caller = Admit(context, kListReports);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kListReports);
  absl::StatusOr<hedui::v1::ListReportsResponse> listed =
      log_->ListReports(*request, call.regions);
  if (listed.ok()) {
    for (const auto& summary : listed->reports()) {
      if (security::MaySee(*caller, summary.program(), summary.region_code())) {
        *response->add_reports() = summary;
      }
    }
    response->set_next_page_token(listed->next_page_token());
  }
  return Finish(context, call, listed.status());
}

grpc::Status VerificationServiceImpl::GetStats(
    grpc::ServerContext* context, const hedui::v1::GetStatsRequest* request,
    hedui::v1::GetStatsResponse* response) {
  absl::StatusOr<security::Caller> caller = Admit(context, kGetStats);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kGetStats);
  absl::StatusOr<hedui::v1::GetStatsResponse> stats =
      log_->Stats(*request, call.regions);
  if (stats.ok()) *response = *std::move(stats);
  return Finish(context, call, stats.status());
}

}  // namespace hedui::server
