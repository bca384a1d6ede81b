#include "server/service/admin_service.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/errors/error_details.h"
#include "server/service/request_bounds.h"
#include "server/service/status_mapping.h"
#include "spdlog/spdlog.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

// `department` is set from the header once read, for the metrics of a
// refused file.
using IngestReader = CallDoor::MessageReader<hedui::v1::IngestRequest>;

// The next message, or false at the end; `error` set for one that does not
// decode, which refuses the whole upload.
bool NextMessage(IngestReader& reader, hedui::v1::IngestRequest* request,
                 absl::Status* error) {
  request->Clear();
  switch (reader.Read(request, error)) {
    case IngestReader::Next::kMessage:
    case IngestReader::Next::kUndecodable:
      return true;
    case IngestReader::Next::kEnd:
      return false;
  }
  return false;
}

// Reads the whole upload into an ingestor (parsed as it arrives); the
// decision on it is the caller's.
absl::StatusOr<std::unique_ptr<FeedIngestor>> ReadUpload(
    storage::Store* store, const IngestLimits& limits,
    grpc::ServerContextBase* context, IngestReader& reader,
    hedui::v1::Department* department, bool* preview, bool* hold) {
  hedui::v1::IngestRequest request;
  absl::Status undecodable;
  if (!NextMessage(reader, &request, &undecodable)) {
    return FieldViolation("header", "the stream ended before any message");
  }
  if (!undecodable.ok()) return undecodable;
  if (!request.has_header()) {
    return FieldViolation("header", "the first message must carry the header");
  }
  *department = request.header().department();
  *preview = request.header().preview();
  *hold = request.header().hold() && !*preview;
  auto ingestor = FeedIngestor::Start(store, request.header(), limits);
  if (!ingestor.ok()) return ingestor.status();
  bool batch_id_received = false;
  while (NextMessage(reader, &request, &undecodable)) {
    if (!undecodable.ok()) return undecodable;
    if (request.has_header()) {
      return FieldViolation("header", "only the first message may carry it");
    }
    if (batch_id_received) {
      return FieldViolation("batch_id", "must be the stream's last message");
    }
    if (request.part_case() == hedui::v1::IngestRequest::kBatchId) {
      batch_id_received = true;
      if (absl::Status s = (*ingestor)->SetBatchId(request.batch_id());
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (absl::Status s =
            (*ingestor)->Consume(std::move(*request.mutable_chunk()));
        !s.ok()) {
      return s;
    }
  }
  // The stream also ends when the client cancels (a file changed under
  // it): a cancelled upload is never committed.
  if (context->IsCancelled()) {
    return absl::CancelledError("the client cancelled the upload");
  }
  return ingestor;
}

bool PrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c > ' ' && c < 0x7F; });
}

// ConfirmHeldFeed and DiscardHeldFeed name the held file by department and
// batch id, bounded like an ingest's header.
absl::Status BoundHeldFeed(hedui::v1::Department department,
                           const std::string& batch_id) {
  std::vector<hedui::v1::ErrorDetails::FieldViolation> violations;
  if (department == hedui::v1::DEPARTMENT_UNSPECIFIED ||
      !hedui::v1::Department_IsValid(department)) {
    auto& v = violations.emplace_back();
    v.set_field("department");
    v.set_description("required: one of the 13 department codes");
  }
  if (batch_id.empty() || batch_id.size() > 128 || !PrintableAscii(batch_id)) {
    auto& v = violations.emplace_back();
    v.set_field("batch_id");
    v.set_description(
        "required: the held file's batch id, 1 to 128 printable ASCII "
        "characters without spaces (hedui feeds held lists them)");
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations("invalid held feed request", violations);
}

std::string HeldDetail(hedui::v1::Department department,
                       const std::string& batch_id) {
  return absl::StrCat(hedui::v1::Department_IsValid(department)
                          ? hedui::v1::Department_Name(department)
                          : std::string("UNKNOWN"),
                      " batch ", batch_id.substr(0, 64));
}

constexpr MethodSpec kIngest{"/hedui.v1.AdminService/Ingest",
                             CallClass::kStream};
constexpr MethodSpec kListDepartments{"/hedui.v1.AdminService/ListDepartments",
                                      CallClass::kRead};
constexpr MethodSpec kCreateBackup{"/hedui.v1.AdminService/CreateBackup",
                                   CallClass::kAdmin};
constexpr MethodSpec kListBackups{"/hedui.v1.AdminService/ListBackups",
                                  CallClass::kRead};
constexpr MethodSpec kVerifyBackup{"/hedui.v1.AdminService/VerifyBackup",
                                   CallClass::kAdmin};
constexpr MethodSpec kPruneBackups{"/hedui.v1.AdminService/PruneBackups",
                                   CallClass::kAdmin};
constexpr MethodSpec kGetServerStatus{"/hedui.v1.AdminService/GetServerStatus",
                                      CallClass::kRead};
constexpr MethodSpec kListHeldFeeds{"/hedui.v1.AdminService/ListHeldFeeds",
                                    CallClass::kRead};
constexpr MethodSpec kConfirmHeldFeed{"/hedui.v1.AdminService/ConfirmHeldFeed",
                                      CallClass::kAdmin};
constexpr MethodSpec kConfirmHeldFeeds{
    "/hedui.v1.AdminService/ConfirmHeldFeeds", CallClass::kAdmin};
constexpr MethodSpec kDiscardHeldFeed{"/hedui.v1.AdminService/DiscardHeldFeed",
                                      CallClass::kAdmin};

void ToProto(const storage::BackupSummary& backup, hedui::v1::BackupInfo* out) {
  out->set_backup_id(backup.backup_id);
  out->set_created_unix_seconds(backup.metadata.created_unix_seconds);
  out->set_size_bytes(backup.size_bytes);
  out->set_files(backup.files);
  out->set_format_version(backup.metadata.format_version);
  out->set_audit_sequence(backup.metadata.audit_sequence);
  out->set_audit_mac(backup.metadata.audit_mac);
  out->set_requested_by(backup.metadata.requested_by);
  out->set_metadata_problem(backup.metadata_problem);
}

double SecondsSince(absl::Time start) {
  return absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(CallDoor* door, storage::Store* store,
                                   IngestLimits limits,
                                   const BackupSettings& backup)
    : door_(door),
      store_(store),
      limits_(std::move(limits)),
      backups_(backup.backup_dir.empty()
                   ? nullptr
                   : std::make_unique<storage::BackupManager>(
                         store->service_tables(), backup.backup_dir)),
      holds_(store->service_tables()) {
  // A joint switch the server died in the middle of is finished before any
  // call is served: its switched files wait for the rest (feed_hold.h).
  if (absl::Status s = FinishInterruptedJoint(); !s.ok()) {
    spdlog::error("cannot finish an interrupted joint switch: {}",
                  MaskResidentIdsInText(s.ToString()));
  }
  using hedui::v1::CreateBackupRequest;
  using hedui::v1::CreateBackupResponse;
  using hedui::v1::GetServerStatusRequest;
  using hedui::v1::ListBackupsRequest;
  using hedui::v1::ListBackupsResponse;
  using hedui::v1::ListDepartmentsRequest;
  using hedui::v1::ListDepartmentsResponse;
  using hedui::v1::PruneBackupsRequest;
  using hedui::v1::PruneBackupsResponse;
  using hedui::v1::VerifyBackupRequest;
  using hedui::v1::VerifyBackupResponse;
  AddClientStream(
      kIngest.name, [this](grpc::ServerContext* context,
                           grpc::ServerReader<Bytes>* reader, Bytes* out) {
        return door_
            ->ClientStream<hedui::v1::IngestRequest, hedui::v1::IngestResponse>(
                context, kIngest, reader, out,
                [this](Call& call, IngestReader& messages,
                       hedui::v1::IngestResponse* response) {
                  return Ingest(call, messages, response);
                });
      });
  AddUnary(kListDepartments.name, [this](grpc::CallbackServerContext* context,
                                         const Bytes* in, Bytes* out) {
    return door_->Unary<ListDepartmentsRequest, ListDepartmentsResponse>(
        context, kListDepartments, in, out, {},
        [this](Call&, const ListDepartmentsRequest&,
               ListDepartmentsResponse* response) {
          return ListDepartments(response);
        });
  });
  AddUnary(kCreateBackup.name, [this](grpc::CallbackServerContext* context,
                                      const Bytes* in, Bytes* out) {
    return door_->Unary<CreateBackupRequest, CreateBackupResponse>(
        context, kCreateBackup, in, out, {},
        [this](Call& call, const CreateBackupRequest&,
               CreateBackupResponse* response) {
          return CreateBackup(call, response);
        });
  });
  AddUnary(kListBackups.name, [this](grpc::CallbackServerContext* context,
                                     const Bytes* in, Bytes* out) {
    return door_->Unary<ListBackupsRequest, ListBackupsResponse>(
        context, kListBackups, in, out, {},
        [this](Call&, const ListBackupsRequest&,
               ListBackupsResponse* response) {
          return ListBackups(response);
        });
  });
  AddUnary(kVerifyBackup.name, [this](grpc::CallbackServerContext* context,
                                      const Bytes* in, Bytes* out) {
    return door_->Unary<VerifyBackupRequest, VerifyBackupResponse>(
        context, kVerifyBackup, in, out, {&BoundVerifyBackup, nullptr, nullptr},
        [this](Call&, const VerifyBackupRequest& request,
               VerifyBackupResponse* response) {
          return VerifyBackup(request, response);
        });
  });
  AddUnary(kPruneBackups.name, [this](grpc::CallbackServerContext* context,
                                      const Bytes* in, Bytes* out) {
    return door_->Unary<PruneBackupsRequest, PruneBackupsResponse>(
        context, kPruneBackups, in, out, {&BoundPruneBackups, nullptr, nullptr},
        [this](Call& call, const PruneBackupsRequest& request,
               PruneBackupsResponse* response) {
          return PruneBackups(call, request, response);
        });
  });
  AddUnary(kGetServerStatus.name, [this](grpc::CallbackServerContext* context,
                                         const Bytes* in, Bytes* out) {
    return door_->Unary<GetServerStatusRequest, hedui::v1::ServerStatus>(
        context, kGetServerStatus, in, out, {},
        [this](Call&, const GetServerStatusRequest&,
               hedui::v1::ServerStatus* response) {
          return GetServerStatus(response);
        });
  });
  using hedui::v1::ConfirmHeldFeedRequest;
  using hedui::v1::DiscardHeldFeedRequest;
  using hedui::v1::DiscardHeldFeedResponse;
  using hedui::v1::IngestResponse;
  using hedui::v1::ListHeldFeedsRequest;
  using hedui::v1::ListHeldFeedsResponse;
  AddUnary(kListHeldFeeds.name, [this](grpc::CallbackServerContext* context,
                                       const Bytes* in, Bytes* out) {
    return door_->Unary<ListHeldFeedsRequest, ListHeldFeedsResponse>(
        context, kListHeldFeeds, in, out, {},
        [this](Call&, const ListHeldFeedsRequest&,
               ListHeldFeedsResponse* response) {
          return ListHeldFeeds(response);
        });
  });
  RequestRules<ConfirmHeldFeedRequest> confirm_rules;
  confirm_rules.bound = [](const ConfirmHeldFeedRequest& request) {
    return BoundHeldFeed(request.department(), request.batch_id());
  };
  confirm_rules.subject = [](const ConfirmHeldFeedRequest& request) {
    AuditSubject subject;
    subject.detail = HeldDetail(request.department(), request.batch_id());
    return subject;
  };
  AddUnary(kConfirmHeldFeed.name,
           [this, confirm_rules](grpc::CallbackServerContext* context,
                                 const Bytes* in, Bytes* out) {
             return door_->Unary<ConfirmHeldFeedRequest, IngestResponse>(
                 context, kConfirmHeldFeed, in, out, confirm_rules,
                 [this](Call& call, const ConfirmHeldFeedRequest& request,
                        IngestResponse* response) {
                   return ConfirmHeldFeed(call, request, response);
                 });
           });
  using hedui::v1::ConfirmHeldFeedsRequest;
  using hedui::v1::ConfirmHeldFeedsResponse;
  RequestRules<ConfirmHeldFeedsRequest> joint_rules;
  joint_rules.bound = &BoundConfirmHeldFeeds;
  joint_rules.subject = [](const ConfirmHeldFeedsRequest& request) {
    AuditSubject subject;
    std::vector<std::string> files;
    for (int i = 0; i < request.feeds_size() && i < kMaxJointFeeds; ++i) {
      files.push_back(HeldDetail(request.feeds(i).department(),
                                 request.feeds(i).batch_id()));
    }
    subject.detail = absl::StrCat("joint: ", absl::StrJoin(files, "; "));
    return subject;
  };
  AddUnary(kConfirmHeldFeeds.name, [this, joint_rules](
                                       grpc::CallbackServerContext* context,
                                       const Bytes* in, Bytes* out) {
    return door_->Unary<ConfirmHeldFeedsRequest, ConfirmHeldFeedsResponse>(
        context, kConfirmHeldFeeds, in, out, joint_rules,
        [this](Call& call, const ConfirmHeldFeedsRequest& request,
               ConfirmHeldFeedsResponse* response) {
          return ConfirmHeldFeeds(call, request, response);
        });
  });
  RequestRules<DiscardHeldFeedRequest> discard_rules;
  discard_rules.bound = [](const DiscardHeldFeedRequest& request) {
    return BoundHeldFeed(request.department(), request.batch_id());
  };
  discard_rules.subject = [](const DiscardHeldFeedRequest& request) {
    AuditSubject subject;
    subject.detail = HeldDetail(request.department(), request.batch_id());
    return subject;
  };
  AddUnary(kDiscardHeldFeed.name, [this, discard_rules](
                                      grpc::CallbackServerContext* context,
                                      const Bytes* in, Bytes* out) {
    return door_->Unary<DiscardHeldFeedRequest, DiscardHeldFeedResponse>(
        context, kDiscardHeldFeed, in, out, discard_rules,
        [this](Call& call, const DiscardHeldFeedRequest& request,
               DiscardHeldFeedResponse* response) {
          return DiscardHeldFeed(call, request, response);
        });
  });
}

absl::StatusOr<storage::BackupManager*> AdminServiceImpl::Backups() const {
  if (backups_ == nullptr) {
    return absl::FailedPreconditionError(
        "backups are off: the server has no backup_dir configured");
  }
  return backups_.get();
}

absl::Status AdminServiceImpl::Ingest(Call& call, IngestReader& messages,
                                      hedui::v1::IngestResponse* response) {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  bool preview = false;
  bool hold = false;
  absl::StatusOr<hedui::v1::IngestResponse> result;
  {
    auto ingestor = ReadUpload(store_, limits_, &call.context(), messages,
                               &department, &preview, &hold);
    if (!ingestor.ok()) {
      result = ingestor.status();
    } else {
      result = Decide(call, **ingestor, preview, hold);
    }
  }
  if (preview) {
    call.subject().detail = "preview";
  } else if (result.ok() && result->held()) {
    call.subject().detail = "held";
  }
  if (metrics_ != nullptr) {
    const std::string label = hedui::v1::Department_IsValid(department)
                                  ? hedui::v1::Department_Name(department)
                                  : "UNKNOWN";
    if (result.ok()) {
      metrics_->ingest_rows.WithLabels({label}).Add(
          result->already_applied() || result->preview() || result->held()
              ? 0
              : result->rows());
    } else if (result.status().code() == absl::StatusCode::kInvalidArgument ||
               result.status().code() ==
                   absl::StatusCode::kFailedPrecondition) {
      metrics_->ingest_rejected.WithLabels({label}).Add();
    }
  }
  if (!result.ok()) {
    // Masked again here: the log is the one place a stray ID would stay.
    spdlog::warn("ingest refused: {}",
                 MaskResidentIdsInText(result.status().ToString()));
    return result.status();
  }
  *response = *std::move(result);
  if (response->preview() || response->held()) {
    spdlog::info("ingest {} batch {}: {} rows {}; {} rolls touched{}",
                 hedui::v1::Department_Name(response->department()),
                 response->batch_id().substr(0, 16), response->rows(),
                 response->preview()
                     ? "previewed, nothing switched"
                     : "HELD until an administrator confirms it",
                 response->impact().rolls_size(),
                 response->impact().would_hold() ? ", would hold" : "");
    return absl::OkStatus();
  }
  spdlog::info(
      "ingest {} batch {}: {} rows, generation {}, {} current rows{} ({:.2f} "
      "s)",
      hedui::v1::Department_Name(response->department()),
      response->batch_id().substr(0, 16), response->rows(),
      response->generation(), response->rows_now_current(),
      response->already_applied() ? ", already applied" : "",
      response->server_seconds());
  return absl::OkStatus();
}

absl::StatusOr<hedui::v1::IngestResponse> AdminServiceImpl::Decide(
    Call& call, FeedIngestor& ingestor, bool preview, bool hold) {
  const absl::Time start = absl::Now();
  if (absl::Status s = ingestor.Validate(); !s.ok()) return s;
  absl::MutexLock lock(&decide_mu_);
  const storage::BatchHeader& batch = ingestor.batch();
  hedui::v1::IngestResponse response;
  response.set_batch_id(batch.batch_id);
  response.set_department(batch.department);
  response.set_preview(preview);
  if (ingestor.already_applied()) {
    if (preview) {
      // Nothing to preview: the file is the current data or was before.
      response.set_already_applied(true);
      return response;
    }
    return ingestor.Apply();
  }
  auto held = CurrentHold(batch.department);
  if (!held.ok()) return held.status();
  if (held->has_value()) {
    const hedui::v1::HeldFeed& feed = (*held)->feed;
    if (feed.batch_id() == batch.batch_id) {
      // The held file sent again (a retry): the answer it had.
      response.set_rows(feed.rows());
      *response.mutable_as_of() = feed.as_of();
      response.set_held(true);
      *response.mutable_impact() = feed.impact();
      return response;
    }
    return absl::FailedPreconditionError(absl::StrCat(
        hedui::v1::Department_Name(batch.department),
        " has a held file, batch ", feed.batch_id(), " (as of ",
        FormatCivilDay(absl::CivilDay(feed.as_of().year(), feed.as_of().month(),
                                      feed.as_of().day())),
        "): no later file of the department is taken until an administrator "
        "confirms or discards it (hedui feeds confirm|discard)"));
  }
  if (absl::Status s = ingestor.CheckShrink(); !s.ok()) return s;
  response.set_rows(ingestor.rows());
  *response.mutable_as_of() = hedui::ToProto(batch.as_of);
  if (previewer_ == nullptr) {
    if (preview) {
      return absl::FailedPreconditionError(
          "this server does not preview feeds (no rolls are kept)");
    }
    if (hold) return HoldFile(call, ingestor, hedui::v1::FeedImpact(), start);
  } else if (preview || hold || previewer_->settings().share < 1) {
    // (A share of 1 holds nothing: an ingest then skips the evaluation.)
    StagedFeed staged;
    staged.department = batch.department;
    staged.as_of = batch.as_of;
    staged.delta = ingestor.delta();
    staged.batch_id = batch.batch_id;
    staged.records = &ingestor.records();
    auto impact = previewer_->Evaluate(staged);
    if (!impact.ok()) return impact.status();
    if (preview) {
      *response.mutable_impact() = *std::move(impact);
      response.set_server_seconds(SecondsSince(start));
      return response;
    }
    // Held on request (header.hold) whatever the impact, which is kept
    // with it all the same for the operator who confirms it.
    if (hold || impact->would_hold()) {
      return HoldFile(call, ingestor, *std::move(impact), start);
    }
  }
  auto applied = ingestor.Apply();
  if (applied.ok() && !applied->already_applied() && on_switch_) on_switch_();
  return applied;
}

absl::StatusOr<hedui::v1::IngestResponse> AdminServiceImpl::HoldFile(
    Call& call, FeedIngestor& ingestor, hedui::v1::FeedImpact impact,
    absl::Time start) {
  const storage::BatchHeader& batch = ingestor.batch();
  storage::HeldFile held_file;
  hedui::v1::HeldFeed& feed = held_file.feed;
  feed.set_department(batch.department);
  feed.set_batch_id(batch.batch_id);
  *feed.mutable_as_of() = hedui::ToProto(batch.as_of);
  feed.set_delta(ingestor.delta());
  feed.set_rows(ingestor.rows());
  feed.set_held_unix_seconds(absl::ToUnixSeconds(absl::Now()));
  feed.set_held_by(call.caller().identity);
  *feed.mutable_impact() = impact;
  held_file.force = batch.force;
  if (absl::Status s = holds_.Hold(held_file, ingestor.records()); !s.ok()) {
    return s;
  }
  hedui::v1::IngestResponse response;
  response.set_batch_id(batch.batch_id);
  response.set_department(batch.department);
  response.set_rows(ingestor.rows());
  *response.mutable_as_of() = hedui::ToProto(batch.as_of);
  response.set_held(true);
  *response.mutable_impact() = std::move(impact);
  response.set_server_seconds(SecondsSince(start));
  return response;
}

absl::StatusOr<std::optional<storage::HeldFile>> AdminServiceImpl::CurrentHold(
    hedui::v1::Department department) {
  auto held = holds_.Find(department);
  if (!held.ok() || !held->has_value()) return held;
  // A confirmation the server died in the middle of: switched in, the hold
  // not yet dropped. It is not held any more.
  auto applied = store_->FindBatch(department, (*held)->feed.batch_id());
  if (!applied.ok()) return applied.status();
  if (!applied->has_value()) return held;
  if (absl::Status s = holds_.Drop(department); !s.ok()) return s;
  return std::optional<storage::HeldFile>();
}

absl::StatusOr<storage::HeldFile> AdminServiceImpl::HeldNamed(
    hedui::v1::Department department, const std::string& batch_id) {
  auto held = CurrentHold(department);
  if (!held.ok()) return held.status();
  if (!held->has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no file of ", hedui::v1::Department_Name(department), " is held"));
  }
  if ((*held)->feed.batch_id() != batch_id) {
    return absl::NotFoundError(absl::StrCat(
        "no file of ", hedui::v1::Department_Name(department),
        " with batch id ", batch_id.substr(0, 128),
        " is held (the held one is ", (*held)->feed.batch_id(), ")"));
  }
  return **std::move(held);
}

absl::Status AdminServiceImpl::ListHeldFeeds(
    hedui::v1::ListHeldFeedsResponse* response) {
  absl::MutexLock lock(&decide_mu_);
  auto held = holds_.List();
  if (!held.ok()) return held.status();
  for (const storage::HeldFile& file : *held) {
    auto current = CurrentHold(file.feed.department());
    if (!current.ok()) return current.status();
    if (current->has_value()) *response->add_feeds() = (*current)->feed;
  }
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::ConfirmHeldFeed(
    Call& call, const hedui::v1::ConfirmHeldFeedRequest& request,
    hedui::v1::IngestResponse* response) {
  const absl::Time start = absl::Now();
  absl::MutexLock lock(&decide_mu_);
  if (absl::Status s = FinishInterruptedJoint(); !s.ok()) return s;
  // Read as stored, not through CurrentHold: a confirmation retried after
  // an older heduid died between the switch and dropping the hold answers
  // as applied before (and drops the hold then).
  absl::StatusOr<storage::HeldFile> held = absl::NotFoundError("no held file");
  if (auto stored = holds_.Find(request.department()); !stored.ok()) {
    return stored.status();
  } else if (stored->has_value() &&
             (*stored)->feed.batch_id() == request.batch_id()) {
    held = **std::move(stored);
  } else {
    held = HeldNamed(request.department(), request.batch_id());
  }
  if (!held.ok()) return held.status();
  auto file = JointFileOf(*held);
  if (!file.ok()) return file.status();
  auto applied_before =
      store_->FindBatch(file->header.department, file->header.batch_id);
  if (!applied_before.ok()) return applied_before.status();
  if (applied_before->has_value()) {
    auto applied = FeedIngestor::ApplyRecords(
        store_, file->header, file->delta, storage::RecordBatch(), file->rows);
    if (!applied.ok()) return applied.status();
    if (absl::Status s = holds_.Drop(file->header.department); !s.ok()) {
      return s;
    }
    *response = *std::move(applied);
  } else {
    // The switch and the hold's drop in one write, the rows streamed from
    // the hold.
    const std::vector<hedui::v1::Department> department = {
        file->header.department};
    auto applied = store_->ApplyJoint({*file}, [&](rocksdb::WriteBatch* batch) {
      holds_.AddDrop(department, batch);
    });
    if (!applied.ok()) return applied.status();
    *response =
        FeedIngestor::ResponseFor(file->header, file->rows, applied->front());
    if (on_switch_) on_switch_();
  }
  *response->mutable_impact() = held->feed.impact();
  response->set_server_seconds(SecondsSince(start));
  spdlog::info("held {} batch {} confirmed by {}: switched in, generation {}",
               hedui::v1::Department_Name(file->header.department),
               file->header.batch_id.substr(0, 16), call.caller().identity,
               response->generation());
  return absl::OkStatus();
}

absl::StatusOr<storage::JointFile> AdminServiceImpl::JointFileOf(
    const storage::HeldFile& held) const {
  storage::JointFile file;
  storage::BatchHeader& batch = file.header;
  batch.department = held.feed.department();
  auto as_of = FromProto(held.feed.as_of(), "as_of");
  if (!as_of.ok()) return absl::DataLossError("a held feed's as-of is damaged");
  batch.as_of = *as_of;
  batch.batch_id = held.feed.batch_id();
  batch.force = held.force;
  file.delta = held.feed.delta();
  file.rows = held.feed.rows();
  file.source = holds_.Rows(batch.department);
  return file;
}

absl::Status AdminServiceImpl::ConfirmHeldFeeds(
    Call& call, const hedui::v1::ConfirmHeldFeedsRequest& request,
    hedui::v1::ConfirmHeldFeedsResponse* response) {
  const absl::Time start = absl::Now();
  absl::MutexLock lock(&decide_mu_);
  if (absl::Status s = FinishInterruptedJoint(); !s.ok()) return s;
  // Every file found before anything is switched: a file not held (or held
  // under another batch id) refuses the whole request. Files already
  // switched are no longer held: NOT_FOUND too. Only the headers are read
  // here; the rows stream from the hold into the store.
  std::vector<storage::HeldFile> held;
  std::vector<storage::JointFile> files;
  for (const hedui::v1::ConfirmHeldFeedRequest& feed : request.feeds()) {
    auto named = HeldNamed(feed.department(), feed.batch_id());
    if (!named.ok()) {
      return absl::Status(
          named.status().code(),
          absl::StrCat(named.status().message(),
                       "; nothing was switched (a joint confirmation switches "
                       "all its files or none)"));
    }
    auto file = JointFileOf(*named);
    if (!file.ok()) return file.status();
    held.push_back(*std::move(named));
    files.push_back(*std::move(file));
  }
  std::vector<hedui::v1::Department> departments;
  for (const storage::HeldFile& file : held) {
    departments.push_back(file.feed.department());
  }
  // One synced write switches every file and drops every hold: all files
  // are current, or none is and all stay held.
  auto applied = store_->ApplyJoint(files, [&](rocksdb::WriteBatch* batch) {
    holds_.AddDrop(departments, batch);
  });
  if (!applied.ok()) {
    spdlog::error("joint switch of {} files refused or failed: {}",
                  files.size(),
                  MaskResidentIdsInText(applied.status().ToString()));
    return absl::Status(
        applied.status().code(),
        absl::StrCat(applied.status().message(), "; none of the ", files.size(),
                     " files was switched (a joint confirmation switches all "
                     "its files or none): they stay held"));
  }
  for (size_t i = 0; i < files.size(); ++i) {
    hedui::v1::IngestResponse* result = response->add_results();
    *result = FeedIngestor::ResponseFor(files[i].header, files[i].rows,
                                        (*applied)[i]);
    *result->mutable_impact() = held[i].feed.impact();
  }
  if (on_switch_) on_switch_();
  const double seconds = SecondsSince(start);
  for (hedui::v1::IngestResponse& result : *response->mutable_results()) {
    result.set_server_seconds(seconds);
  }
  std::vector<std::string> names;
  for (hedui::v1::Department department : departments) {
    names.push_back(hedui::v1::Department_Name(department));
  }
  spdlog::info("held {} confirmed together by {}: switched in as one",
               absl::StrJoin(names, ", "), call.caller().identity);
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::FinishInterruptedJoint() {
  // Only an older heduid left a marker: it switched a joint confirmation's
  // files one at a time. The files it switched lose their holds; the rest
  // are switched now, in one write with the marker's deletion.
  auto joint = holds_.FindJoint();
  if (!joint.ok()) return joint.status();
  if (!joint->has_value()) return absl::OkStatus();
  absl::MutexLock lock(&storage::JointSwitchMutex());
  std::vector<hedui::v1::Department> switched;
  std::vector<hedui::v1::Department> remaining;
  std::vector<storage::JointFile> files;
  for (const hedui::v1::ConfirmHeldFeedRequest& feed : (*joint)->feeds()) {
    auto applied = store_->FindBatch(feed.department(), feed.batch_id());
    if (!applied.ok()) return applied.status();
    if (applied->has_value()) {
      switched.push_back(feed.department());
      continue;
    }
    auto stored = holds_.Find(feed.department());
    if (!stored.ok()) return stored.status();
    if (!stored->has_value() || (*stored)->feed.batch_id() != feed.batch_id()) {
      continue;
    }
    auto file = JointFileOf(**stored);
    if (!file.ok()) return file.status();
    remaining.push_back(feed.department());
    files.push_back(*std::move(file));
  }
  if (!files.empty()) {
    std::vector<hedui::v1::Department> all = switched;
    all.insert(all.end(), remaining.begin(), remaining.end());
    auto applied = store_->ApplyJoint(
        files, [&](rocksdb::WriteBatch* batch) { holds_.AddDrop(all, batch); });
    if (applied.ok()) {
      spdlog::warn("an interrupted joint switch: {} files switched now",
                   files.size());
      files.clear();
    } else if (!absl::IsFailedPrecondition(applied.status()) &&
               !absl::IsInvalidArgument(applied.status())) {
      return applied.status();  // retried at the next confirmation
    } else {
      // Refused by the store, now and at every retry: they stay held for an
      // operator, and the files switched are re-verified without them.
      spdlog::error("joint switch: {} files refused, left held: {}",
                    files.size(),
                    MaskResidentIdsInText(applied.status().ToString()));
    }
  }
  if (!files.empty() || remaining.empty()) {
    if (absl::Status s = holds_.FinishJoint(switched); !s.ok()) return s;
  }
  spdlog::warn("an interrupted joint switch of {} files is finished",
               switched.size() + remaining.size());
  if (on_switch_) on_switch_();
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DiscardHeldFeed(
    Call& call, const hedui::v1::DiscardHeldFeedRequest& request,
    hedui::v1::DiscardHeldFeedResponse* response) {
  absl::MutexLock lock(&decide_mu_);
  auto held = HeldNamed(request.department(), request.batch_id());
  if (!held.ok()) return held.status();
  if (absl::Status s = holds_.Drop(request.department()); !s.ok()) return s;
  *response->mutable_discarded() = std::move(held->feed);
  spdlog::info("held {} batch {} discarded by {}",
               hedui::v1::Department_Name(request.department()),
               request.batch_id().substr(0, 16), call.caller().identity);
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::ListDepartments(
    hedui::v1::ListDepartmentsResponse* response) {
  auto states = store_->ListDepartments();
  if (!states.ok()) return states.status();
  for (int d = 1; d <= 13; ++d) {
    auto* out = response->add_departments();
    out->set_department(static_cast<hedui::v1::Department>(d));
    for (const auto& state : *states) {
      if (state.department() != d) continue;
      const auto& current = state.current();
      out->set_present(true);
      *out->mutable_as_of() = current.as_of();
      out->set_rows(current.rows());
      out->set_batch_id(current.batch_id());
      out->set_generation(current.generation());
      out->set_ingested_unix_seconds(current.ingested_unix_seconds());
      out->set_deltas_applied(current.deltas_applied());
      for (const auto& kept : state.retained()) {
        out->add_retained_generations(kept.generation());
      }
    }
  }
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::CreateBackup(
    Call& call, hedui::v1::CreateBackupResponse* response) {
  absl::StatusOr<storage::BackupManager*> backups = Backups();
  if (!backups.ok()) return backups.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<storage::BackupSummary> made =
      (*backups)->Create(call.caller().identity);
  if (!made.ok()) {
    spdlog::error("backup refused or failed: {}", made.status().ToString());
    return made.status();
  }
  ToProto(*made, response->mutable_backup());
  response->set_server_seconds(SecondsSince(start));
  spdlog::info(
      "backup {} made in {} for {}: {} bytes, {} files, audit entry {} "
      "({:.1f} s)",
      made->backup_id, (*backups)->backup_dir(), call.caller().identity,
      made->size_bytes, made->files, made->metadata.audit_sequence,
      response->server_seconds());
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::ListBackups(
    hedui::v1::ListBackupsResponse* response) {
  absl::StatusOr<storage::BackupManager*> backups = Backups();
  if (!backups.ok()) return backups.status();
  absl::StatusOr<storage::BackupListing> listing = (*backups)->List();
  if (!listing.ok()) return listing.status();
  for (const storage::BackupSummary& b : listing->backups) {
    ToProto(b, response->add_backups());
  }
  for (uint32_t id : listing->corrupt_ids) {
    response->add_corrupt_backup_ids(id);
  }
  response->set_backup_dir((*backups)->backup_dir());
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::VerifyBackup(
    const hedui::v1::VerifyBackupRequest& request,
    hedui::v1::VerifyBackupResponse* response) {
  absl::StatusOr<storage::BackupManager*> backups = Backups();
  if (!backups.ok()) return backups.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<storage::BackupCheck> check =
      (*backups)->Verify(request.backup_id());
  if (!check.ok()) return check.status();
  ToProto(check->backup, response->mutable_backup());
  response->set_intact(check->intact);
  response->set_problem(check->problem);
  response->set_server_seconds(SecondsSince(start));
  if (!check->intact) {
    spdlog::error("backup {} is damaged: {}", request.backup_id(),
                  check->problem);
  }
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::PruneBackups(
    Call& call, const hedui::v1::PruneBackupsRequest& request,
    hedui::v1::PruneBackupsResponse* response) {
  absl::StatusOr<storage::BackupManager*> backups = Backups();
  if (!backups.ok()) return backups.status();
  absl::StatusOr<storage::PruneOutcome> pruned =
      (*backups)->Prune(request.keep_last());
  if (!pruned.ok()) return pruned.status();
  for (uint32_t id : pruned->deleted_ids) {
    response->add_deleted_backup_ids(id);
  }
  for (const storage::BackupSummary& b : pruned->kept) {
    ToProto(b, response->add_kept());
  }
  spdlog::info("backups pruned for {}: {} deleted, {} kept",
               call.caller().identity, pruned->deleted_ids.size(),
               pruned->kept.size());
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::GetServerStatus(
    hedui::v1::ServerStatus* response) {
  if (!status_source_) {
    return absl::UnavailableError("this server does not report its status");
  }
  *response = status_source_();
  return absl::OkStatus();
}

}  // namespace hedui::server
