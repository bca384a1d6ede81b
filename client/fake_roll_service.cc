#include "client/fake_roll_service.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/rpc_error.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace hedui::cli::testing {
namespace {

grpc::Status Answer(const FakeError& error, grpc::ServerContext* context) {
  if (error.details.has_value()) {
    context->AddTrailingMetadata(kErrorDetailsTrailer,
                                 error.details->SerializeAsString());
  }
  return error.status;
}

// [offset, offset + page_size) of `items`, and the next page's token.
template <typename T>
std::pair<std::vector<T>, std::string> Page(const std::vector<T>& items,
                                            const std::string& token,
                                            int page_size) {
  size_t offset = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &offset)) offset = 0;
  const size_t size = page_size > 0 ? page_size : 50;
  const size_t end = std::min(items.size(), offset + size);
  std::vector<T> page;
  for (size_t i = std::min(offset, items.size()); i < end; ++i) {
    page.push_back(items[i]);
  }
  return {std::move(page), end < items.size() ? absl::StrCat(end) : ""};
}

grpc::Status NotFound(absl::string_view what) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND, std::string(what));
}

}  // namespace

absl::optional<FakeError> FakeRollService::Begin(const std::string& method) {
  ++calls_;
  const auto it = failures_.find(method);
  if (it == failures_.end()) return absl::nullopt;
  return it->second;
}

void FakeRollService::Fail(const std::string& method, FakeError error) {
  absl::MutexLock lock(&mu_);
  failures_[method] = std::move(error);
}

void FakeRollService::SetEnrollResponse(hedui::v1::EnrollResponse response) {
  absl::MutexLock lock(&mu_);
  enroll_ = std::move(response);
}

void FakeRollService::SetWithdrawResponse(
    hedui::v1::WithdrawResponse response) {
  absl::MutexLock lock(&mu_);
  withdraw_ = std::move(response);
}

void FakeRollService::SetAttachConsentResponse(
    hedui::v1::AttachConsentResponse response) {
  absl::MutexLock lock(&mu_);
  attach_ = std::move(response);
}

void FakeRollService::SetReverifyResponse(
    hedui::v1::ReverifyResponse response) {
  absl::MutexLock lock(&mu_);
  reverify_ = std::move(response);
}

void FakeRollService::SetEntries(std::vector<hedui::v1::RollEntry> entries) {
  absl::MutexLock lock(&mu_);
  entries_ = std::move(entries);
}

void FakeRollService::SetReviews(std::vector<hedui::v1::ReviewDue> reviews) {
  absl::MutexLock lock(&mu_);
  reviews_ = std::move(reviews);
}

std::vector<hedui::v1::EnrollRequest> FakeRollService::enrolled() const {
  absl::MutexLock lock(&mu_);
  return enrolled_;
}
std::vector<hedui::v1::WithdrawRequest> FakeRollService::withdrawn() const {
  absl::MutexLock lock(&mu_);
  return withdrawn_;
}
std::vector<hedui::v1::AttachConsentRequest> FakeRollService::consents() const {
  absl::MutexLock lock(&mu_);
  return consents_;
}
std::vector<hedui::v1::GetRollEntryRequest> FakeRollService::gets() const {
  absl::MutexLock lock(&mu_);
  return gets_;
}
std::vector<hedui::v1::ListRollRequest> FakeRollService::lists() const {
  absl::MutexLock lock(&mu_);
  return lists_;
}
std::vector<hedui::v1::ReverifyRequest> FakeRollService::reverified() const {
  absl::MutexLock lock(&mu_);
  return reverified_;
}
std::vector<hedui::v1::ListReviewsDueRequest>
FakeRollService::reviews_requests() const {
  absl::MutexLock lock(&mu_);
  return reviews_requests_;
}
int FakeRollService::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

grpc::Status FakeRollService::Enroll(grpc::ServerContext* context,
                                     const hedui::v1::EnrollRequest* request,
                                     hedui::v1::EnrollResponse* response) {
  absl::MutexLock lock(&mu_);
  enrolled_.push_back(*request);
  if (auto error = Begin("Enroll")) return Answer(*error, context);
  *response = enroll_;
  return grpc::Status::OK;
}

grpc::Status FakeRollService::Withdraw(
    grpc::ServerContext* context, const hedui::v1::WithdrawRequest* request,
    hedui::v1::WithdrawResponse* response) {
  absl::MutexLock lock(&mu_);
  withdrawn_.push_back(*request);
  if (auto error = Begin("Withdraw")) return Answer(*error, context);
  *response = withdraw_;
  return grpc::Status::OK;
}

grpc::Status FakeRollService::AttachConsent(
    grpc::ServerContext* context,
    const hedui::v1::AttachConsentRequest* request,
    hedui::v1::AttachConsentResponse* response) {
  absl::MutexLock lock(&mu_);
  consents_.push_back(*request);
  if (auto error = Begin("AttachConsent")) return Answer(*error, context);
  *response = attach_;
  return grpc::Status::OK;
}

grpc::Status FakeRollService::GetRollEntry(
    grpc::ServerContext* context, const hedui::v1::GetRollEntryRequest* request,
    hedui::v1::RollEntry* response) {
  absl::MutexLock lock(&mu_);
  gets_.push_back(*request);
  if (auto error = Begin("GetRollEntry")) return Answer(*error, context);
  for (const auto& e : entries_) {
    const bool match = request->entry_id().empty()
                           ? e.program() == request->program() &&
                                 e.applicant_id() == request->applicant_id() &&
                                 e.state() == hedui::v1::RollEntry::ACTIVE
                           : e.entry_id() == request->entry_id();
    if (match) {
      *response = e;
      return grpc::Status::OK;
    }
  }
  return NotFound("no such roll entry");
}

grpc::Status FakeRollService::ListRoll(
    grpc::ServerContext* context, const hedui::v1::ListRollRequest* request,
    hedui::v1::ListRollResponse* response) {
  absl::MutexLock lock(&mu_);
  lists_.push_back(*request);
  if (auto error = Begin("ListRoll")) return Answer(*error, context);
  auto [page, token] =
      Page(entries_, request->page_token(), request->page_size());
  for (auto& e : page) {
    e.clear_request();
    *response->add_entries() = std::move(e);
  }
  response->set_next_page_token(token);
  return grpc::Status::OK;
}

grpc::Status FakeRollService::Reverify(
    grpc::ServerContext* context, const hedui::v1::ReverifyRequest* request,
    hedui::v1::ReverifyResponse* response) {
  absl::MutexLock lock(&mu_);
  reverified_.push_back(*request);
  if (auto error = Begin("Reverify")) return Answer(*error, context);
  *response = reverify_;
  return grpc::Status::OK;
}

grpc::Status FakeRollService::ListReviewsDue(
    grpc::ServerContext* context,
    const hedui::v1::ListReviewsDueRequest* request,
    hedui::v1::ListReviewsDueResponse* response) {
  absl::MutexLock lock(&mu_);
  reviews_requests_.push_back(*request);
  if (auto error = Begin("ListReviewsDue")) return Answer(*error, context);
  auto [page, token] =
      Page(reviews_, request->page_token(), request->page_size());
  for (auto& r : page) *response->add_reviews() = std::move(r);
  response->set_next_page_token(token);
  return grpc::Status::OK;
}

absl::optional<FakeError> FakeChangeService::Begin(const std::string& method) {
  ++calls_;
  const auto it = failures_.find(method);
  if (it == failures_.end()) return absl::nullopt;
  return it->second;
}

void FakeChangeService::Fail(const std::string& method, FakeError error) {
  absl::MutexLock lock(&mu_);
  failures_[method] = std::move(error);
}

void FakeChangeService::SetEvents(std::vector<hedui::v1::ChangeEvent> events) {
  absl::MutexLock lock(&mu_);
  events_ = std::move(events);
}

void FakeChangeService::SetWatchEnd(absl::optional<grpc::Status> status) {
  absl::MutexLock lock(&mu_);
  watch_end_ = std::move(status);
}

void FakeChangeService::SetStats(hedui::v1::GetChangeStatsResponse stats) {
  absl::MutexLock lock(&mu_);
  stats_ = std::move(stats);
}

std::vector<hedui::v1::ListChangesRequest> FakeChangeService::lists() const {
  absl::MutexLock lock(&mu_);
  return lists_;
}
std::vector<hedui::v1::WatchChangesRequest> FakeChangeService::watches() const {
  absl::MutexLock lock(&mu_);
  return watches_;
}
std::vector<hedui::v1::ResolveChangeRequest> FakeChangeService::resolved()
    const {
  absl::MutexLock lock(&mu_);
  return resolved_;
}
std::vector<hedui::v1::GetChangeStatsRequest>
FakeChangeService::stats_requests() const {
  absl::MutexLock lock(&mu_);
  return stats_requests_;
}
int FakeChangeService::watch_sent() const {
  absl::MutexLock lock(&mu_);
  return watch_sent_;
}
bool FakeChangeService::AwaitWatchSent(int n) const {
  absl::MutexLock lock(&mu_);
  const auto sent = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return watch_sent_ >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&sent), absl::Seconds(10));
}
int FakeChangeService::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

grpc::Status FakeChangeService::ListChanges(
    grpc::ServerContext* context, const hedui::v1::ListChangesRequest* request,
    hedui::v1::ListChangesResponse* response) {
  absl::MutexLock lock(&mu_);
  lists_.push_back(*request);
  if (auto error = Begin("ListChanges")) return Answer(*error, context);
  std::vector<hedui::v1::ChangeEvent> selected;
  for (const auto& e : events_) {
    if (e.number() <= request->after()) continue;
    if (request->unresolved_only() && e.has_resolution()) continue;
    selected.push_back(e);
  }
  auto [page, token] =
      Page(selected, request->page_token(), request->page_size());
  for (auto& e : page) *response->add_events() = std::move(e);
  response->set_next_page_token(token);
  return grpc::Status::OK;
}

grpc::Status FakeChangeService::WatchChanges(
    grpc::ServerContext* context, const hedui::v1::WatchChangesRequest* request,
    grpc::ServerWriter<hedui::v1::ChangeEvent>* writer) {
  std::vector<hedui::v1::ChangeEvent> events;
  absl::optional<grpc::Status> end;
  {
    absl::MutexLock lock(&mu_);
    watches_.push_back(*request);
    if (auto error = Begin("WatchChanges")) return Answer(*error, context);
    for (const auto& e : events_) {
      if (e.number() > request->after()) events.push_back(e);
    }
    end = watch_end_;
  }
  for (const auto& e : events) {
    if (!writer->Write(e)) return grpc::Status::CANCELLED;
    absl::MutexLock lock(&mu_);
    ++watch_sent_;
  }
  if (end.has_value()) return *end;
  // A live stream: nothing more until the client goes away.
  while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(10));
  return grpc::Status::CANCELLED;
}

grpc::Status FakeChangeService::GetChange(
    grpc::ServerContext* context, const hedui::v1::GetChangeRequest* request,
    hedui::v1::ChangeEvent* response) {
  absl::MutexLock lock(&mu_);
  if (auto error = Begin("GetChange")) return Answer(*error, context);
  for (const auto& e : events_) {
    if (e.number() == request->number()) {
      *response = e;
      return grpc::Status::OK;
    }
  }
  return NotFound("no such change event");
}

grpc::Status FakeChangeService::ResolveChange(
    grpc::ServerContext* context,
    const hedui::v1::ResolveChangeRequest* request,
    hedui::v1::ResolveChangeResponse* response) {
  absl::MutexLock lock(&mu_);
  resolved_.push_back(*request);
  if (auto error = Begin("ResolveChange")) return Answer(*error, context);
  for (auto& e : events_) {
    if (e.number() != request->number()) continue;
    hedui::v1::Resolution& r = *e.mutable_resolution();
    r.set_outcome(request->outcome());
    r.set_caseworker(request->caseworker());
    r.set_note(request->note());
    r.mutable_resolved_on()->set_year(2026);
    r.mutable_resolved_on()->set_month(12);
    r.mutable_resolved_on()->set_day(1);
    r.set_resolved_by("staff-1");
    *response->mutable_event() = e;
    return grpc::Status::OK;
  }
  return NotFound("no such change event");
}

grpc::Status FakeChangeService::GetChangeStats(
    grpc::ServerContext* context,
    const hedui::v1::GetChangeStatsRequest* request,
    hedui::v1::GetChangeStatsResponse* response) {
  absl::MutexLock lock(&mu_);
  stats_requests_.push_back(*request);
  if (auto error = Begin("GetChangeStats")) return Answer(*error, context);
  *response = stats_;
  return grpc::Status::OK;
}

FakeRollServer::FakeRollServer() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&roll_);
  builder.RegisterService(&changes_);
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeRollServer::~FakeRollServer() {
  // A watch still open is cancelled at the deadline.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace hedui::cli::testing
