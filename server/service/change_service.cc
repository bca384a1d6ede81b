#include "server/service/change_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/errors/error_details.h"
#include "server/errors/utf8_text.h"
#include "server/security/authorize.h"
#include "server/service/request_bounds.h"
#include "storage/service_log_keys.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::GetChangeRequest;
using hedui::v1::GetChangeStatsRequest;
using hedui::v1::GetChangeStatsResponse;
using hedui::v1::ListChangesRequest;
using hedui::v1::ListChangesResponse;
using hedui::v1::ResolveChangeRequest;
using hedui::v1::ResolveChangeResponse;
using hedui::v1::WatchChangesRequest;

constexpr MethodSpec kListChanges{"/hedui.v1.ChangeService/ListChanges",
                                  CallClass::kRead};
constexpr MethodSpec kWatchChanges{"/hedui.v1.ChangeService/WatchChanges",
                                   CallClass::kWatch};
constexpr MethodSpec kGetChange{"/hedui.v1.ChangeService/GetChange",
                                CallClass::kRead};
constexpr MethodSpec kResolveChange{"/hedui.v1.ChangeService/ResolveChange",
                                    CallClass::kVerify};
constexpr MethodSpec kGetChangeStats{"/hedui.v1.ChangeService/GetChangeStats",
                                     CallClass::kRead};

// Events a watch reads from the store at a time: the stream writes them one
// by one, waiting on the client (flow control), so this bounds what one
// watcher holds.
constexpr int kWatchPage = 32;
// How often a watch waiting for a new event looks again whether its grants
// still hold (a client gone, or the server stopping, wake it at once).
constexpr absl::Duration kWatchPoll = absl::Milliseconds(500);

// A listing, a watch or statistics narrowed to a program or a county the
// caller may not see is refused (as ListRoll); left open, they cover every
// program and county it may see.
absl::Status MayAskFor(const security::Caller& caller,
                       hedui::v1::Program program, const std::string& region) {
  if (program != hedui::v1::PROGRAM_UNSPECIFIED &&
      !security::VisiblePrograms(caller).Contains(program)) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            "caller ", caller.identity, " may not see the events of program ",
            hedui::v1::Program_Name(program))),
        "PROGRAM_NOT_ALLOWED");
  }
  if (!region.empty() && !security::VisibleRegions(caller).Contains(region)) {
    return WithReason(
        absl::PermissionDeniedError(
            absl::StrCat("caller ", caller.identity,
                         " may not see the events of county \"", region, "\"")),
        "COUNTY_NOT_ALLOWED");
  }
  return absl::OkStatus();
}

const RequestRules<ListChangesRequest>& ListChangesRules() {
  static const auto* const rules = new RequestRules<ListChangesRequest>{
      &BoundListChanges,
      [](const security::Caller& caller, const ListChangesRequest& request) {
        return MayAskFor(caller, request.program(), request.region_code());
      },
      [](const ListChangesRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

const RequestRules<WatchChangesRequest>& WatchChangesRules() {
  static const auto* const rules = new RequestRules<WatchChangesRequest>{
      &BoundWatchChanges,
      [](const security::Caller& caller, const WatchChangesRequest& request) {
        return MayAskFor(caller, request.program(), request.region_code());
      },
      [](const WatchChangesRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

// The event's program and county are known once it is read: a caller who
// may not see it learns only that there is none (as GetRollEntry).
const RequestRules<GetChangeRequest>& GetChangeRules() {
  static const auto* const rules =
      new RequestRules<GetChangeRequest>{&BoundGetChange, nullptr, nullptr};
  return *rules;
}

const RequestRules<ResolveChangeRequest>& ResolveChangeRules() {
  static const auto* const rules = new RequestRules<ResolveChangeRequest>{
      &BoundResolveChange, nullptr, nullptr};
  return *rules;
}

const RequestRules<GetChangeStatsRequest>& GetChangeStatsRules() {
  static const auto* const rules = new RequestRules<GetChangeStatsRequest>{
      &BoundGetChangeStats,
      [](const security::Caller& caller, const GetChangeStatsRequest& request) {
        return MayAskFor(caller, request.program(), request.region_code());
      },
      [](const GetChangeStatsRequest& request) {
        return ProgramAndCounty(request.program(), request.region_code());
      }};
  return *rules;
}

// The counties a query covers: the one asked, else every one the caller
// may see (empty: all).
std::vector<std::string> Regions(const Call& call, const std::string& asked) {
  if (!asked.empty()) return {asked};
  return call.info().regions;
}

storage::EventVisibility VisibleTo(const Call& call) {
  return [&call](hedui::v1::Program program, absl::string_view region) {
    return security::MaySee(call.caller(), program, region);
  };
}

absl::Status NoEvent(uint64_t number) {
  return FieldError(
      absl::StatusCode::kNotFound, "number",
      absl::StrCat("no change event ", number, " that this caller may see"));
}

}  // namespace

ChangeServiceImpl::ChangeServiceImpl(CallDoor* door,
                                     storage::EventStore* events,
                                     storage::RollStore* rolls,
                                     storage::ServiceLog* log)
    : door_(door),
      events_(events),
      rolls_(rolls),
      log_(log),
      bell_(std::make_unique<EventBell>(log, kWatchPoll)) {
  AddUnary(kListChanges.name, [this](grpc::CallbackServerContext* context,
                                     const Bytes* in, Bytes* out) {
    return door_->Unary<ListChangesRequest, ListChangesResponse>(
        context, kListChanges, in, out, ListChangesRules(),
        [this](Call& call, const ListChangesRequest& request,
               ListChangesResponse* response) {
          return ListChanges(call, request, response);
        });
  });
  AddServerStream(kWatchChanges.name,
                  [this](grpc::CallbackServerContext* context,
                         const Bytes* in) { return StartWatch(context, *in); });
  AddUnary(kGetChange.name, [this](grpc::CallbackServerContext* context,
                                   const Bytes* in, Bytes* out) {
    return door_->Unary<GetChangeRequest, ChangeEvent>(
        context, kGetChange, in, out, GetChangeRules(),
        [this](Call& call, const GetChangeRequest& request,
               ChangeEvent* response) {
          return GetChange(call, request, response);
        });
  });
  AddUnary(kResolveChange.name, [this](grpc::CallbackServerContext* context,
                                       const Bytes* in, Bytes* out) {
    return door_->Unary<ResolveChangeRequest, ResolveChangeResponse>(
        context, kResolveChange, in, out, ResolveChangeRules(),
        [this](Call& call, const ResolveChangeRequest& request,
               ResolveChangeResponse* response) {
          return ResolveChange(call, request, response);
        });
  });
  AddUnary(kGetChangeStats.name, [this](grpc::CallbackServerContext* context,
                                        const Bytes* in, Bytes* out) {
    return door_->Unary<GetChangeStatsRequest, GetChangeStatsResponse>(
        context, kGetChangeStats, in, out, GetChangeStatsRules(),
        [this](Call& call, const GetChangeStatsRequest& request,
               GetChangeStatsResponse* response) {
          return GetChangeStats(call, request, response);
        });
  });
}

// The server's calls ended before: no watch is left with the bell.
ChangeServiceImpl::~ChangeServiceImpl() = default;

void ChangeServiceImpl::StopWatches() {
  stopping_ = true;
  bell_->RingAll();
}

absl::CivilDay ChangeServiceImpl::Today() const {
  return today_ ? today_() : TodayInChina();
}

absl::StatusOr<ChangeEvent> ChangeServiceImpl::VisibleEvent(Call& call,
                                                            uint64_t number) {
  absl::StatusOr<std::optional<ChangeEvent>> found =
      events_->Get(number, log_->HighestDurableEvent());
  if (!found.ok()) return found.status();
  // One answer for "none" and "not yours": a caller learns nothing of
  // another program's or county's events.
  if (!found->has_value() ||
      !security::MaySee(call.caller(), (*found)->program(),
                        (*found)->region_code())) {
    return NoEvent(number);
  }
  call.subject().program = (*found)->program();
  call.subject().region_code = (*found)->region_code();
  return std::move(**found);
}

absl::Status ChangeServiceImpl::ListChanges(Call& call,
                                            const ListChangesRequest& request,
                                            ListChangesResponse* response) {
  storage::EventQuery query;
  query.program = request.program();
  query.regions = Regions(call, request.region_code());
  query.entry_id = request.entry_id();
  query.after = request.after();
  query.unresolved_only = request.unresolved_only();
  query.page_size = request.page_size();
  query.page_token = request.page_token();
  query.through = log_->HighestDurableEvent();
  query.visible = VisibleTo(call);
  absl::StatusOr<storage::EventPage> page = events_->List(query);
  if (!page.ok()) {
    if (page.status().code() == absl::StatusCode::kInvalidArgument) {
      return FieldViolation(
          "page_token",
          absl::StripPrefix(page.status().message(), "page_token: "));
    }
    return page.status();
  }
  for (ChangeEvent& event : page->events) {
    *response->add_events() = std::move(event);
  }
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

absl::Status ChangeServiceImpl::BeginWatch(const WatchChangesRequest& request) {
  if (stopping_) return absl::UnavailableError("the server is stopping");
  const uint64_t highest = log_->HighestDurableEvent();
  if (request.after() > highest) {
    return FieldViolation(
        "after", absl::StrCat("no event ", request.after(),
                              " yet: the highest event is ", highest,
                              "; resume after a number this server gave"));
  }
  absl::StatusOr<uint64_t> purged = events_->PurgedThrough();
  if (!purged.ok()) return purged.status();
  // Events above `after` were purged (kept for the reports' retention
  // period): resuming would skip them unseen.
  if (request.after() != 0 && request.after() < *purged) {
    return FieldError(
        absl::StatusCode::kOutOfRange, "after",
        absl::StrCat("events up to ", *purged,
                     " were purged at the end of their retention period, "
                     "so some after ",
                     request.after(),
                     " can no longer be sent; watch from 0 (the first event "
                     "kept) and list what is kept"));
  }
  return absl::OkStatus();
}

// Each step reads at most a page of events and sends it; the next page is
// read once the client took them all. Waiting for new events, the watch is
// with the bell, holding no thread.
class ChangeServiceImpl::WatchReactor final : public ServerStreamReactor {
 public:
  WatchReactor(ChangeServiceImpl* service, grpc::CallbackServerContext* context)
      : ServerStreamReactor(service->door_, context, kWatchChanges),
        service_(service) {}

  // On gRPC's thread.
  void Open(const grpc::ByteBuffer& in) {
    Start(service_->door_->OpenStream(call(), WatchChangesRules(), in,
                                      &request_));
  }

 private:
  void Step() override {
    // Off the bell while a step runs: it is rung again only from a step.
    service_->bell_->Forget(this);
    if (Sending()) return;
    if (!opened().ok()) return End(opened());
    if (!begun_) {
      begun_ = true;
      if (absl::Status s = service_->BeginWatch(request_); !s.ok()) {
        return End(s);
      }
      query_.program = request_.program();
      query_.page_size = kWatchPage;
      query_.visible = VisibleTo(call());
      last_ = request_.after();
    }
    // A client gone, or one that stopped reading, ends the watch: the door
    // audits it as cancelled.
    if (service_->stopping_ || Cancelled() || Broken()) {
      return EndWatch(absl::OkStatus());
    }
    // Grants change (a callers file reloaded, a certificate revoked): they
    // take effect here as at the next unary call.
    if (absl::Status s = call().CheckItem(WatchChangesRules(), request_);
        !s.ok()) {
      return EndWatch(s);
    }
    query_.regions = Regions(call(), request_.region_code());
    query_.through = service_->log_->HighestDurableEvent();
    if (query_.through <= last_) {
      // Rung when an event above `last_` is durable, or at the bell's
      // tick, to look again at the grants and the server.
      if (!service_->bell_->Wait(this, last_, [this] { Poke(); })) Poke();
      return;
    }
    query_.after = last_;
    absl::StatusOr<storage::EventPage> page = service_->events_->List(query_);
    if (!page.ok()) return EndWatch(page.status());
    last_ = page->examined_through;
    // One at a time: a client that does not read holds these, and nothing
    // more is read for it (flow control, not a queue).
    for (const ChangeEvent& event : page->events) Send(event, event.number());
    // Nothing this caller may see: no write will call the next step.
    if (page->events.empty()) Poke();
  }

  void EndWatch(absl::Status outcome) {
    const Written sent = written();
    call().subject().detail =
        sent.count == 0
            ? absl::StrCat("after ", request_.after(), ": no event sent")
            : absl::StrCat("after ", request_.after(), ": sent ", sent.count,
                           " events, ", sent.first_tag, "..", sent.last_tag);
    End(std::move(outcome));
  }

  ChangeServiceImpl* const service_;
  WatchChangesRequest request_;
  bool begun_ = false;
  storage::EventQuery query_;
  uint64_t last_ = 0;
};

grpc::ServerWriteReactor<grpc::ByteBuffer>* ChangeServiceImpl::StartWatch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& in) {
  auto* reactor = new WatchReactor(this, context);
  reactor->Open(in);
  return reactor;
}

absl::Status ChangeServiceImpl::GetChange(Call& call,
                                          const GetChangeRequest& request,
                                          ChangeEvent* response) {
  absl::StatusOr<ChangeEvent> event = VisibleEvent(call, request.number());
  if (!event.ok()) return event.status();
  *response = *std::move(event);
  return absl::OkStatus();
}

absl::Status ChangeServiceImpl::ResolveChange(
    Call& call, const ResolveChangeRequest& request,
    ResolveChangeResponse* response) {
  const std::string fingerprint =
      storage::RequestFingerprint(kResolveChange.name, request);
  // The roll store's lock: its request ids are one space per caller, shared
  // with the roll calls, and a resolution is read, changed and written
  // whole under it.
  absl::MutexLock lock(&rolls_->mu());
  auto found =
      rolls_->FindRequest(call.caller().identity, request.request_id());
  if (!found.ok()) return found.status();
  if (found->has_value()) {
    const hedui::store::v1::RollRequestResult& first = **found;
    if (first.method() != call.info().method ||
        first.fingerprint() != fingerprint) {
      return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                        absl::StrCat("already used by this caller for another "
                                     "request (",
                                     first.method(),
                                     "); a retry must repeat the request "
                                     "exactly, a new request needs a new id"));
    }
    if (!response->ParseFromString(first.response())) {
      return absl::DataLossError(
          "the stored result of this request is damaged");
    }
    // A retry answers only a caller who may still see the event.
    if (!security::MaySee(call.caller(), response->event().program(),
                          response->event().region_code())) {
      response->Clear();
      return NoEvent(request.number());
    }
    call.subject().program = response->event().program();
    call.subject().region_code = response->event().region_code();
    call.subject().detail = absl::StrCat(
        "retry of request ", request.request_id(), ": first result returned");
    return absl::OkStatus();
  }

  absl::StatusOr<ChangeEvent> event = VisibleEvent(call, request.number());
  if (!event.ok()) return event.status();
  // Resolving again replaces the resolution: the last one counts.
  hedui::v1::Resolution* resolution = event->mutable_resolution();
  resolution->Clear();
  resolution->set_outcome(request.outcome());
  resolution->set_caseworker(request.caseworker());
  resolution->set_note(request.note());
  *resolution->mutable_resolved_on() = ToProto(Today());
  resolution->set_resolved_by(call.caller().identity);
  *response->mutable_event() = *event;

  std::vector<storage::StoreWrite> writes = events_->ResolveWrites(*event);
  storage::RollChange result;
  result.caller = call.caller().identity;
  result.request_id = request.request_id();
  result.result.set_method(call.info().method);
  result.result.set_fingerprint(fingerprint);
  result.result.set_first_unix_seconds(absl::ToUnixSeconds(absl::Now()));
  result.result.set_response(response->SerializeAsString());
  for (storage::StoreWrite& write : rolls_->Writes(result)) {
    writes.push_back(std::move(write));
  }
  call.subject().detail = absl::StrCat(
      "event ", event->number(),
      " resolved: ", hedui::v1::Resolution::Outcome_Name(request.outcome()));
  absl::Status committed =
      call.AuditNow(absl::OkStatus(), std::nullopt, std::move(writes)).status();
  if (!committed.ok()) response->Clear();
  return committed;
}

absl::Status ChangeServiceImpl::GetChangeStats(
    Call& call, const GetChangeStatsRequest& request,
    GetChangeStatsResponse* response) {
  storage::EventStatsQuery query;
  query.program = request.program();
  query.regions = Regions(call, request.region_code());
  if (request.has_first_day()) {
    query.first_day = storage::DateNumber(request.first_day());
  }
  if (request.has_last_day()) {
    query.last_day = storage::DateNumber(request.last_day());
  }
  query.through = log_->HighestDurableEvent();
  query.visible = VisibleTo(call);
  absl::StatusOr<GetChangeStatsResponse> stats = events_->Stats(query);
  if (!stats.ok()) return stats.status();
  *response = *std::move(stats);
  return absl::OkStatus();
}

}  // namespace hedui::server
