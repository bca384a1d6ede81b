#include "server/service/verification_service.h"

#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/security/authorize.h"
#include "server/service/error_details.h"
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

// A batch item as read: a request, or why its bytes did not decode.
struct BatchItem {
  VerifyRequest request;
  absl::Status undecodable;
};

class ReadAhead {
 public:
  bool Push(BatchItem item) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ReadAhead::HasRoomOrStopped));
    if (stopped_) return false;
    queue_.push_back(std::move(item));
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
  // Blocks until an item is there or the input ended; empty at the end.
  std::vector<BatchItem> PopUpTo(size_t n) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &ReadAhead::HasItemOrDone));
    std::vector<BatchItem> out;
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
  std::deque<BatchItem> queue_ ABSL_GUARDED_BY(mu_);
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

VerificationServiceImpl::VerificationServiceImpl(CallDoor* door,
                                                 Verifier* verifier,
                                                 storage::ServiceLog* log)
    : door_(door), verifier_(verifier), log_(log) {
  AddUnary(kVerify.name,
           [this](grpc::ServerContext* context, const Bytes* in, Bytes* out) {
             return door_->Unary<VerifyRequest, hedui::v1::VerifyResponse>(
                 context, kVerify, in, out, VerifyRules(),
                 [this](Call& call, const VerifyRequest& request,
                        hedui::v1::VerifyResponse* response) {
                   return Verify(call, request, response);
                 });
           });
  AddBidiStream(
      kVerifyBatch.name,
      [this](grpc::ServerContext* context,
             grpc::ServerReaderWriter<Bytes, Bytes>* stream) {
        return door_->Bidi<VerifyRequest, hedui::v1::VerifyBatchResult>(
            context, kVerifyBatch, stream,
            [this](Call& call, BatchReader& requests,
                   const BatchWriter& write) {
              return VerifyBatch(call, requests, write);
            });
      });
  AddUnary(kGetReport.name, [this](grpc::ServerContext* context,
                                   const Bytes* in, Bytes* out) {
    return door_->Unary<hedui::v1::GetReportRequest, hedui::v1::Report>(
        context, kGetReport, in, out, {&BoundGetReport, nullptr, nullptr},
        [this](Call& call, const hedui::v1::GetReportRequest& request,
               hedui::v1::Report* response) {
          return GetReport(call, request, response);
        });
  });
  AddUnary(kListReports.name, [this](grpc::ServerContext* context,
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
  AddUnary(kGetStats.name, [this](grpc::ServerContext* context, const Bytes* in,
                                  Bytes* out) {
    return door_
        ->Unary<hedui::v1::GetStatsRequest, hedui::v1::GetStatsResponse>(
            context, kGetStats, in, out, {&BoundGetStats, nullptr, nullptr},
            [this](Call& call, const hedui::v1::GetStatsRequest& request,
                   hedui::v1::GetStatsResponse* response) {
              return GetStats(call, request, response);
            });
  });
}

void VerificationServiceImpl::CountVerdict(const hedui::v1::Report& report) {
  if (metrics_ == nullptr) return;
  metrics_->verdicts
      .WithLabels({hedui::v1::Program_Name(report.program()),
                   hedui::v1::Verdict_Name(report.verdict())})
      .Add();
}

absl::Status VerificationServiceImpl::Verify(
    Call& call, const VerifyRequest& request,
    hedui::v1::VerifyResponse* response) {
  hedui::v1::VerificationRequest verification = request.request();
  hedui::v1::Report report;
  if (absl::Status s = verifier_->Evaluate(call.info(), verification, &report);
      !s.ok()) {
    return s;
  }
  // Handed back as stored, with its id: a copy before the log takes it.
  *response->mutable_report() = report;
  absl::StatusOr<storage::Appended> appended =
      call.AuditNow(absl::OkStatus(), std::move(report));
  if (!appended.ok()) {
    response->Clear();
    return appended.status();
  }
  response->mutable_report()->set_report_id(appended->report_id);
  CountVerdict(response->report());
  return absl::OkStatus();
}

absl::Status VerificationServiceImpl::VerifyBatch(Call& call,
                                                  BatchReader& requests,
                                                  const BatchWriter& write) {
  ReadAhead ahead;
  std::thread reader([&] {
    BatchItem item;
    absl::Status undecodable;
    while (true) {
      const BatchReader::Next next = requests.Read(&item.request, &undecodable);
      if (next == BatchReader::Next::kEnd) break;
      item.undecodable = undecodable;
      if (!ahead.Push(std::move(item))) break;
      item = BatchItem();
    }
    ahead.CloseInput();
  });

  int64_t next_index = 0;
  absl::Status outcome = absl::OkStatus();
  while (true) {
    std::vector<BatchItem> group = ahead.PopUpTo(kBatchGroup);
    if (group.empty()) break;
    // Each item as a unary Verify: checked, evaluated, audited; the group's
    // entries and reports in one synced write.
    std::vector<absl::Status> statuses(group.size());
    std::vector<storage::ServiceRecord> records;
    std::vector<hedui::v1::Report> reports(group.size());
    std::vector<int64_t> indices(group.size());
    records.reserve(group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      indices[i] = next_index++;
      const VerifyRequest& item = group[i].request;
      AuditSubject subject;
      absl::Status s = group[i].undecodable;
      if (s.ok()) {
        subject = VerifySubject(item);
        s = call.CheckItem(VerifyRules(), item);
        if (!s.ok() && s.code() == absl::StatusCode::kInvalidArgument) {
          subject.person_ids.clear();
        }
      }
      subject.batch_index = indices[i];
      if (s.ok()) {
        hedui::v1::VerificationRequest verification = item.request();
        s = verifier_->Evaluate(call.info(), verification, &reports[i]);
      }
      statuses[i] = s;
      records.push_back(
          call.ItemRecord(s, subject,
                          s.ok() ? std::optional<hedui::v1::Report>(reports[i])
                                 : std::nullopt));
    }
    absl::StatusOr<std::vector<storage::Appended>> appended =
        call.AppendItems(std::move(records));
    bool written = true;
    for (size_t i = 0; i < group.size() && written; ++i) {
      hedui::v1::VerifyBatchResult result;
      if (!appended.ok()) {
        // Not durable, so not answered: every item fails alike.
        result = ErrorResult(indices[i], appended.status());
      } else if (!statuses[i].ok()) {
        result = ErrorResult(indices[i], statuses[i]);
      } else {
        result.set_index(indices[i]);
        reports[i].set_report_id((*appended)[i].report_id);
        CountVerdict(reports[i]);
        *result.mutable_report() = std::move(reports[i]);
      }
      written = write(result);
    }
    if (!written) {
      outcome = absl::CancelledError("the client stopped reading results");
      break;
    }
  }
  ahead.Stop();
  if (!outcome.ok()) call.context().TryCancel();
  reader.join();
  return outcome;
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
  if (!listed.ok()) return listed.status();
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
