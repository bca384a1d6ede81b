#include "client/changes.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/amount_text.h"
#include "client/command_util.h"
#include "client/connection.h"
#include "client/exit_codes.h"
#include "client/flags.h"
#include "client/report_text_parts.h"
#include "client/roll.h"
#include "client/rpc_error.h"
#include "client/text_table.h"
#include "client/zh_names.h"
#include "grpcpp/client_context.h"
#include "hedui/v1/change_service.grpc.pb.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

using hedui::v1::ChangeEvent;
using hedui::v1::Finding;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kListCommand[] = "changes list";
constexpr char kGetCommand[] = "changes get";
constexpr char kWatchCommand[] = "changes watch";
constexpr char kResolveCommand[] = "changes resolve";
constexpr char kStatsCommand[] = "changes stats";

constexpr size_t kMaxCaseworkerCharacters = 64;
constexpr size_t kMaxNoteCharacters = 200;
constexpr int kMaxPageSize = 500;

// Set by the SIGINT handler (async-signal-safe: a lock-free store), read by
// the watch's monitor thread, which cancels the call.
std::atomic<bool> g_watch_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnWatchInterrupt(int /*signal*/) {
  g_watch_interrupted.store(true);
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : SafeText(text);
}

bool DateIsSet(const hedui::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

absl::StatusOr<hedui::v1::Program> OptionalProgram(const std::string& text) {
  if (text.empty()) return hedui::v1::PROGRAM_UNSPECIFIED;
  return ParseRollProgramFlag("--program", text);
}

absl::Status OptionalRegion(const std::string& text) {
  if (text.empty()) return absl::OkStatus();
  return ValidateRegionFlag("--region", text);
}

absl::StatusOr<uint64_t> OptionalAfter(const std::string& text) {
  if (text.empty()) return 0;
  return ParseNumberFlag("--after", text, /*zero_allowed=*/true);
}

// "符合 → 不符合", "符合（未变）", "-" when neither side has a verdict.
std::string VerdictChange(hedui::v1::Verdict before, hedui::v1::Verdict after) {
  if (before == hedui::v1::VERDICT_UNSPECIFIED &&
      after == hedui::v1::VERDICT_UNSPECIFIED) {
    return "-";
  }
  const auto label = [](hedui::v1::Verdict v) {
    return v == hedui::v1::VERDICT_UNSPECIFIED ? std::string("无") : ZhLabel(v);
  };
  if (before == after) return absl::StrCat(label(after), "（未变）");
  return absl::StrCat(label(before), " → ", label(after));
}

std::string ResultText(Finding::Result result) {
  return result == Finding::RESULT_UNSPECIFIED ? "无此项" : ZhLabel(result);
}

// What changed, in a few words: the criteria, then the persons.
std::string WhatChanged(const ChangeEvent& e) {
  std::vector<std::string> parts;
  for (const auto& c : e.criteria()) parts.push_back(ZhLabel(c.criterion()));
  int died = 0;
  int moved = 0;
  for (const auto& p : e.persons()) {
    if (p.kind() == hedui::v1::PersonChange::DIED) ++died;
    if (p.kind() == hedui::v1::PersonChange::MOVED_AWAY) ++moved;
  }
  if (died > 0) parts.push_back(absl::StrCat("死亡 ", died, " 人"));
  if (moved > 0) parts.push_back(absl::StrCat("迁出 ", moved, " 人"));
  if (e.has_duplicate()) {
    parts.push_back(absl::StrCat(
        "另在", ZhShortName(e.duplicate().other_program()), "名册"));
  }
  if (!e.consent_id().empty() && e.kind() == ChangeEvent::CONSENT_EXPIRED) {
    parts.push_back("授权过期");
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "、");
}

std::string ResolutionShort(const ChangeEvent& e) {
  if (!e.has_resolution() ||
      e.resolution().outcome() == hedui::v1::Resolution::OUTCOME_UNSPECIFIED) {
    return "未处理";
  }
  return ZhLabel(e.resolution().outcome());
}

std::string DepartmentsText(
    const google::protobuf::RepeatedField<int>& departments) {
  std::vector<std::string> names;
  for (int d : departments) {
    names.push_back(ZhLabel(static_cast<hedui::v1::Department>(d)));
  }
  return absl::StrJoin(names, "、");
}

std::string DataText(
    const google::protobuf::RepeatedPtrField<hedui::v1::DepartmentData>& data) {
  std::vector<std::string> parts;
  for (const auto& d : data) {
    std::string text = ZhLabel(d.department());
    if (DateIsSet(d.as_of())) {
      absl::StrAppend(&text, " 截至 ", DateText(d.as_of()));
    }
    if (d.state() != hedui::v1::DepartmentData::STATE_UNSPECIFIED) {
      absl::StrAppend(&text, "（", ZhLabel(d.state()), "）");
    }
    parts.push_back(std::move(text));
  }
  return absl::StrJoin(parts, "；");
}

std::string QuantityChange(const hedui::v1::Quantity& before,
                           const hedui::v1::Quantity& after) {
  return absl::StrCat(QuantityZhText(before), " → ", QuantityZhText(after));
}

void WriteCriterionChange(int number, const hedui::v1::CriterionChange& c,
                          std::ostream& out) {
  const std::string heading = absl::StrCat("  ", number, ". ");
  out << heading << ZhWithCode(c.criterion()) << "：" << ResultText(c.before())
      << " → " << ResultText(c.after()) << '\n';
  const int indent = static_cast<int>(heading.size());
  const std::string pad(indent, ' ');
  Fields fields;
  if (QuantityIsSet(c.value_before()) || QuantityIsSet(c.value_after())) {
    fields.push_back(
        {"核对值", QuantityChange(c.value_before(), c.value_after())});
  }
  if (QuantityIsSet(c.threshold_before()) ||
      QuantityIsSet(c.threshold_after())) {
    fields.push_back(
        {"标准线", QuantityChange(c.threshold_before(), c.threshold_after())});
  }
  if (!c.explanation().empty()) {
    fields.push_back({"说明", SafeText(c.explanation())});
  }
  if (c.data_before_size() > 0) {
    fields.push_back({"原报告的数据", DataText(c.data_before())});
  }
  if (c.data_after_size() > 0) {
    fields.push_back({"新报告的数据", DataText(c.data_after())});
  }
  WriteFields(fields, out, indent);
  if (c.evidence_size() == 0) return;
  out << pad << "变化的依据记录：\n";
  for (const auto& ev : c.evidence()) {
    const std::string kind = ZhLabel(ev.kind());
    switch (ev.kind()) {
      case hedui::v1::EvidenceChange::ADDED:
        out << pad << "  " << kind << "  " << EvidenceLine(ev.after()) << '\n';
        break;
      case hedui::v1::EvidenceChange::REMOVED:
        out << pad << "  " << kind << "  " << EvidenceLine(ev.before()) << '\n';
        break;
      default: {
        const std::string lead = absl::StrCat(pad, "  ", kind, "  ");
        out << lead << "原：" << EvidenceLine(ev.before()) << '\n'
            << std::string(DisplayWidth(lead), ' ') << "新："
            << EvidenceLine(ev.after()) << '\n';
        break;
      }
    }
  }
}

int PrintEvent(const CommandContext& ctx, absl::string_view command,
               const google::protobuf::Message& message,
               const ChangeEvent& event, const std::string& heading) {
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, command, message);
  }
  if (!heading.empty()) *ctx.out << heading << "\n\n";
  WriteChangeEventText(event, *ctx.out);
  return kExitOk;
}

std::unique_ptr<hedui::v1::ChangeService::Stub> ChangeStub(
    const CommandContext& ctx, absl::string_view command) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrReport(ctx, command);
  if (channel == nullptr) return nullptr;
  return hedui::v1::ChangeService::NewStub(channel);
}

// Installs the watch's SIGINT handler for its lifetime, restoring the one
// before.
class InterruptScope {
 public:
  InterruptScope() {
    g_watch_interrupted.store(false);
    struct sigaction action = {};
    action.sa_handler = OnWatchInterrupt;
    sigemptyset(&action.sa_mask);
    installed_ = sigaction(SIGINT, &action, &previous_) == 0;
  }
  ~InterruptScope() {
    if (installed_) sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ = {};
  bool installed_ = false;
};

}  // namespace

std::vector<int> ResolutionOutcomes() {
  return {hedui::v1::Resolution::CONFIRMED, hedui::v1::Resolution::EXPLAINED,
          hedui::v1::Resolution::SOURCE_WRONG};
}

void InterruptChangesWatch() { g_watch_interrupted.store(true); }

absl::StatusOr<hedui::v1::ListChangesRequest> BuildListChangesRequest(
    const ListChangesOptions& options) {
  hedui::v1::ListChangesRequest request;
  absl::StatusOr<hedui::v1::Program> program = OptionalProgram(options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (absl::Status s = OptionalRegion(options.region); !s.ok()) return s;
  request.set_region_code(options.region);
  if (!options.entry.empty()) {
    if (absl::Status s = ValidateEntryId("--entry", options.entry); !s.ok()) {
      return s;
    }
    request.set_entry_id(options.entry);
  }
  absl::StatusOr<uint64_t> after = OptionalAfter(options.after);
  if (!after.ok()) return after.status();
  request.set_after(*after);
  request.set_unresolved_only(options.unresolved);
  if (options.page_size < 0 || options.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--page-size ", options.page_size, ": expected 1 to ", kMaxPageSize));
  }
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  return request;
}

absl::StatusOr<hedui::v1::WatchChangesRequest> BuildWatchChangesRequest(
    const WatchChangesOptions& options) {
  hedui::v1::WatchChangesRequest request;
  absl::StatusOr<uint64_t> after = OptionalAfter(options.after);
  if (!after.ok()) return after.status();
  request.set_after(*after);
  absl::StatusOr<hedui::v1::Program> program = OptionalProgram(options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (absl::Status s = OptionalRegion(options.region); !s.ok()) return s;
  request.set_region_code(options.region);
  return request;
}

absl::StatusOr<hedui::v1::GetChangeRequest> BuildGetChangeRequest(
    const std::string& number) {
  absl::StatusOr<uint64_t> n =
      ParseNumberFlag("N", number, /*zero_allowed=*/false);
  if (!n.ok()) return n.status();
  hedui::v1::GetChangeRequest request;
  request.set_number(*n);
  return request;
}

absl::StatusOr<hedui::v1::ResolveChangeRequest> BuildResolveChangeRequest(
    const ResolveChangeOptions& options) {
  hedui::v1::ResolveChangeRequest request;
  absl::StatusOr<uint64_t> n =
      ParseNumberFlag("N", options.number, /*zero_allowed=*/false);
  if (!n.ok()) return n.status();
  request.set_number(*n);
  if (options.outcome.empty()) {
    return absl::InvalidArgumentError(
        "--outcome is required (confirmed, explained or source-wrong)");
  }
  absl::StatusOr<int> outcome = ParseWordFlag(
      hedui::v1::Resolution::Outcome_descriptor(), ResolutionOutcomes(),
      "--outcome", "outcome", options.outcome);
  if (!outcome.ok()) return outcome.status();
  request.set_outcome(static_cast<hedui::v1::Resolution::Outcome>(*outcome));
  if (absl::Status s =
          ValidateFreeText("--caseworker", options.caseworker,
                           kMaxCaseworkerCharacters, /*required=*/true);
      !s.ok()) {
    return s;
  }
  request.set_caseworker(options.caseworker);
  if (absl::Status s =
          ValidateFreeText("--note", options.note, kMaxNoteCharacters,
                           /*required=*/false);
      !s.ok()) {
    return s;
  }
  request.set_note(options.note);
  if (!options.request_id.empty()) {
    if (absl::Status s = ValidateRequestId("--request-id", options.request_id);
        !s.ok()) {
      return s;
    }
    request.set_request_id(options.request_id);
  }
  return request;
}

absl::StatusOr<hedui::v1::GetChangeStatsRequest> BuildChangeStatsRequest(
    const ChangeStatsOptions& options) {
  hedui::v1::GetChangeStatsRequest request;
  absl::StatusOr<hedui::v1::Program> program = OptionalProgram(options.program);
  if (!program.ok()) return program.status();
  request.set_program(*program);
  if (absl::Status s = OptionalRegion(options.region); !s.ok()) return s;
  request.set_region_code(options.region);
  if (!options.first_day.empty()) {
    absl::StatusOr<hedui::v1::Date> day =
        ParseDateFlag("--first-day", options.first_day);
    if (!day.ok()) return day.status();
    *request.mutable_first_day() = *day;
  }
  if (!options.last_day.empty()) {
    absl::StatusOr<hedui::v1::Date> day =
        ParseDateFlag("--last-day", options.last_day);
    if (!day.ok()) return day.status();
    *request.mutable_last_day() = *day;
  }
  if (request.has_first_day() && request.has_last_day()) {
    if (absl::Status s = CheckDateRange("--first-day", request.first_day(),
                                        "--last-day", request.last_day());
        !s.ok()) {
      return s;
    }
  }
  return request;
}

void WriteChangeEventText(const ChangeEvent& e, std::ostream& out) {
  out << "变化事件  #" << e.number() << '\n';
  Fields fields = {{"类型", ZhWithCode(e.kind())}};
  std::string trigger = ZhWithCode(e.trigger());
  if (e.departments_size() > 0) {
    absl::StrAppend(&trigger, "：", DepartmentsText(e.departments()));
  }
  fields.push_back({"触发", trigger});
  fields.push_back({"救助项目", ZhWithCode(e.program())});
  fields.push_back({"地区代码", OrDash(e.region_code())});
  fields.push_back({"名册条目", OrDash(e.entry_id())});
  fields.push_back({"发生日期", DateText(e.occurred_on())});
  if (e.created_unix_seconds() > 0) {
    fields.push_back(
        {"记录时间",
         absl::StrCat(
             absl::FormatTime("%Y-%m-%d %H:%M:%S",
                              absl::FromUnixSeconds(e.created_unix_seconds()),
                              ChinaTimeZone()),
             "（北京时间）")});
  }
  fields.push_back({"原报告", OrDash(e.previous_report_id())});
  if (!e.new_report_id().empty()) {
    fields.push_back({"新报告", SafeText(e.new_report_id())});
  } else if (e.kind() == ChangeEvent::CONSENT_EXPIRED) {
    fields.push_back({"新报告", "无（授权已过期，未读取任何数据）"});
  }
  fields.push_back(
      {"核对结论", VerdictChange(e.verdict_before(), e.verdict_after())});
  if (DateIsSet(e.gradual_exit_date())) {
    fields.push_back({"渐退期至", DateText(e.gradual_exit_date())});
  }
  if (e.gradual_exit_cleared()) {
    fields.push_back({"渐退", "不再适用，已取消"});
  }
  if (e.may_qualify_for_dibao()) {
    fields.push_back({"应保尽保", "收入已低于低保标准，家庭可能符合低保条件"});
  }
  if (!e.consent_id().empty()) {
    fields.push_back({"授权编号", SafeText(e.consent_id())});
  }
  fields.push_back({"摘要", OrDash(e.summary())});
  WriteFields(fields, out, 2);

  if (e.criteria_size() > 0) {
    out << "\n变化的核对项目（共 " << e.criteria_size() << " 项）\n";
    int number = 0;
    for (const auto& c : e.criteria()) WriteCriterionChange(++number, c, out);
  }
  if (e.persons_size() > 0) {
    out << "\n死亡或迁出的人员（" << e.persons_size() << " 人）\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : e.persons()) {
      rows.push_back({MaskedId(p.person_id()), MaskedName(p.name()),
                      ZhLabel(p.kind()),
                      p.source() == hedui::v1::DEPARTMENT_UNSPECIFIED
                          ? "-"
                          : ZhLabel(p.source()),
                      DateText(p.on())});
    }
    WriteTable({{"身份证号"}, {"姓名"}, {"情况"}, {"数据来源"}, {"日期"}}, rows,
               out, 2);
  }
  if (e.has_duplicate()) {
    out << "\n重复享受救助\n";
    std::vector<std::string> shared;
    for (const auto& id : e.duplicate().shared_person_ids()) {
      shared.push_back(MaskedId(id));
    }
    WriteFields(
        {{"另一方救助项目", ZhWithCode(e.duplicate().other_program())},
         {"另一方地区", OrDash(e.duplicate().other_region_code())},
         {"共同人员", shared.empty() ? "-" : absl::StrJoin(shared, "、")}},
        out, 2);
  }
  if (e.has_resolution() &&
      e.resolution().outcome() != hedui::v1::Resolution::OUTCOME_UNSPECIFIED) {
    const hedui::v1::Resolution& r = e.resolution();
    out << "\n处理结果\n";
    std::string when = DateText(r.resolved_on());
    if (!r.resolved_by().empty()) {
      absl::StrAppend(&when, "（", SafeText(r.resolved_by()), "）");
    }
    Fields resolution = {{"处理", ZhWithCode(r.outcome())},
                         {"经办人", OrDash(r.caseworker())}};
    if (!r.note().empty()) resolution.push_back({"说明", SafeText(r.note())});
    resolution.push_back({"处理日期", when});
    WriteFields(resolution, out, 2);
  } else {
    out << "\n处理结果：未处理\n";
  }
  out << std::flush;
}

std::string ChangeEventLine(const ChangeEvent& e) {
  std::vector<std::string> parts = {
      absl::StrCat("#", e.number()),
      DateText(e.occurred_on()),
      absl::StrCat(ZhLabel(e.kind()), "（", ZhLabel(e.trigger()), "）"),
      absl::StrCat(ZhShortName(e.program()).empty() ? ProgramName(e.program())
                                                    : ZhShortName(e.program()),
                   " ", OrDash(e.region_code())),
      OrDash(e.entry_id()),
      VerdictChange(e.verdict_before(), e.verdict_after()),
      WhatChanged(e),
  };
  if (!e.summary().empty()) parts.push_back(SafeText(e.summary()));
  return absl::StrJoin(parts, "  ");
}

void WriteChangeListText(const hedui::v1::ListChangesResponse& response,
                         std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const ChangeEvent& e : response.events()) {
    rows.push_back({absl::StrCat(e.number()), DateText(e.occurred_on()),
                    ZhLabel(e.kind()), ZhLabel(e.trigger()),
                    ZhLabel(e.program()), OrDash(e.region_code()),
                    OrDash(e.entry_id()),
                    VerdictChange(e.verdict_before(), e.verdict_after()),
                    WhatChanged(e), ResolutionShort(e)});
  }
  WriteTable({{"编号", true},
              {"发生日期"},
              {"类型"},
              {"触发"},
              {"救助项目"},
              {"地区"},
              {"条目编号"},
              {"核对结论"},
              {"变化内容"},
              {"处理"}},
             rows, out);
}

void WriteChangeStatsText(const hedui::v1::GetChangeStatsResponse& response,
                          std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : response.rows()) {
    const int64_t resolved = r.confirmed() + r.explained() + r.source_wrong();
    std::string criterion = "-";
    if (r.criterion() != Finding::CRITERION_UNSPECIFIED) {
      criterion = ZhWithCode(r.criterion());
    } else if (r.kind() == ChangeEvent::REVERIFICATION) {
      criterion = "（仅人员死亡或迁出）";
    }
    rows.push_back({ZhLabel(r.kind()), criterion, absl::StrCat(r.events()),
                    absl::StrCat(r.unresolved()), absl::StrCat(r.confirmed()),
                    absl::StrCat(r.explained()), absl::StrCat(r.source_wrong()),
                    resolved > 0
                        ? absl::StrFormat("%.1f%%", 100 * r.precision())
                        : std::string("-")});
  }
  out << "变化事件统计（准确率 = 核实属实 ÷ 已处理；一件事件改变几个项目即计入"
         "几行）\n";
  WriteTable({{"类型"},
              {"核对项目"},
              {"事件", true},
              {"未处理", true},
              {"核实属实", true},
              {"家庭已说明", true},
              {"源数据有误", true},
              {"准确率", true}},
             rows, out);
  out << "事件合计  " << response.events() << " 件\n" << std::flush;
}

int RunChangesList(const CommandContext& ctx,
                   const ListChangesOptions& options) {
  absl::StatusOr<hedui::v1::ListChangesRequest> request =
      BuildListChangesRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kListCommand, request.status().message());
  }
  auto stub = ChangeStub(ctx, kListCommand);
  if (stub == nullptr) return kExitUsage;
  hedui::v1::ListChangesResponse listing;
  for (;;) {
    grpc::ClientContext call;
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
    hedui::v1::ListChangesResponse page;
    const grpc::Status status = stub->ListChanges(&call, *request, &page);
    if (!status.ok()) {
      return ReportCallFailure(ctx, kListCommand, "ChangeService.ListChanges",
                               status, call);
    }
    for (auto& e : *page.mutable_events()) *listing.add_events() = std::move(e);
    listing.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    // A server handing back the token it was given would loop forever.
    if (page.next_page_token() == request->page_token()) {
      return LocalError(ctx, kListCommand,
                        "the server returned the same page token twice; "
                        "stopping");
    }
    request->set_page_token(page.next_page_token());
  }
  int printed = kExitOk;
  if (ctx.output == OutputFormat::kTable) {
    WriteChangeListText(listing, *ctx.out);
  } else {
    printed = PrintMessageJson(ctx, kListCommand, listing);
  }
  if (printed == kExitOk && !listing.next_page_token().empty()) {
    *ctx.err << "hedui " << kListCommand
             << ": more events: add --all, or --page-token "
             << listing.next_page_token() << '\n'
             << std::flush;
  }
  return printed;
}

int RunChangesGet(const CommandContext& ctx, const std::string& number) {
  absl::StatusOr<hedui::v1::GetChangeRequest> request =
      BuildGetChangeRequest(number);
  if (!request.ok()) {
    return UsageError(ctx, kGetCommand, request.status().message());
  }
  auto stub = ChangeStub(ctx, kGetCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  ChangeEvent event;
  const grpc::Status status = stub->GetChange(&call, *request, &event);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kGetCommand, "ChangeService.GetChange",
                             status, call);
  }
  return PrintEvent(ctx, kGetCommand, event, event, "");
}

int RunChangesWatch(const CommandContext& ctx,
                    const WatchChangesOptions& options) {
  absl::StatusOr<hedui::v1::WatchChangesRequest> request =
      BuildWatchChangesRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kWatchCommand, request.status().message());
  }
  auto stub = ChangeStub(ctx, kWatchCommand);
  if (stub == nullptr) return kExitUsage;

  // The handler before the call: a Ctrl-C at any moment ends the watch
  // cleanly rather than killing the process mid-line.
  InterruptScope interrupt;
  grpc::ClientContext call;
  // A watch runs until stopped: no deadline unless --timeout asks for one.
  if (ctx.connection.timeout_seconds > 0) {
    SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  }
  std::atomic<bool> done{false};
  std::thread monitor([&call, &done] {
    while (!done.load()) {
      if (g_watch_interrupted.load()) {
        call.TryCancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  uint64_t last = request->after();
  int64_t received = 0;
  int printed = kExitOk;
  std::unique_ptr<grpc::ClientReader<ChangeEvent>> reader =
      stub->WatchChanges(&call, *request);
  ChangeEvent event;
  while (reader->Read(&event)) {
    ++received;
    last = event.number();
    if (ctx.output == OutputFormat::kTable) {
      *ctx.out << ChangeEventLine(event) << '\n' << std::flush;
    } else {
      printed = PrintMessageJson(ctx, kWatchCommand, event);
      if (printed != kExitOk) {
        call.TryCancel();
        break;
      }
    }
  }
  const grpc::Status status = reader->Finish();
  done.store(true);
  monitor.join();
  if (printed != kExitOk) return printed;

  const std::string resume = absl::StrCat("--after ", last);
  const std::string seen =
      received > 0
          ? absl::StrCat("after event #", last, " (", received, " received)")
          : absl::StrCat("with no event after #", last);
  if (g_watch_interrupted.load()) {
    *ctx.err << "hedui " << kWatchCommand << ": stopped " << seen
             << "; to go on from there, run it again with " << resume << '\n'
             << std::flush;
    return kExitOk;
  }
  if (status.ok()) {
    *ctx.err << "hedui " << kWatchCommand << ": the server ended the stream "
             << seen << " (is it stopping?); to resume, run it again with "
             << resume << '\n'
             << std::flush;
    return kExitUnavailable;
  }
  const int code = ReportCallFailure(
      ctx, kWatchCommand, "ChangeService.WatchChanges", status, call);
  // A refused request (a bad or purged --after, no permission) is not
  // resumed by repeating it; a broken stream is.
  if (received > 0 || code == kExitUnavailable ||
      (code == kExitError &&
       status.error_code() != grpc::StatusCode::UNIMPLEMENTED)) {
    *ctx.err << "hedui " << kWatchCommand << ": the stream ended " << seen
             << "; to resume, run it again with " << resume << '\n'
             << std::flush;
  }
  return code;
}

int RunChangesResolve(const CommandContext& ctx,
                      const ResolveChangeOptions& options) {
  absl::StatusOr<hedui::v1::ResolveChangeRequest> request =
      BuildResolveChangeRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kResolveCommand, request.status().message());
  }
  auto stub = ChangeStub(ctx, kResolveCommand);
  if (stub == nullptr) return kExitUsage;
  if (request->request_id().empty()) {
    request->set_request_id(AnnounceNewRequestId(ctx, kResolveCommand));
  }
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::ResolveChangeResponse response;
  const grpc::Status status = stub->ResolveChange(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kResolveCommand,
                             "ChangeService.ResolveChange", status, call);
  }
  return PrintEvent(
      ctx, kResolveCommand, response, response.event(),
      absl::StrCat("已处理变化事件 #", response.event().number()));
}

int RunChangesStats(const CommandContext& ctx,
                    const ChangeStatsOptions& options) {
  absl::StatusOr<hedui::v1::GetChangeStatsRequest> request =
      BuildChangeStatsRequest(options);
  if (!request.ok()) {
    return UsageError(ctx, kStatsCommand, request.status().message());
  }
  auto stub = ChangeStub(ctx, kStatsCommand);
  if (stub == nullptr) return kExitUsage;
  grpc::ClientContext call;
  SetDeadline(ctx.connection, kDefaultTimeoutSeconds, &call);
  hedui::v1::GetChangeStatsResponse response;
  const grpc::Status status = stub->GetChangeStats(&call, *request, &response);
  if (!status.ok()) {
    return ReportCallFailure(ctx, kStatsCommand, "ChangeService.GetChangeStats",
                             status, call);
  }
  if (ctx.output != OutputFormat::kTable) {
    return PrintMessageJson(ctx, kStatsCommand, response);
  }
  WriteChangeStatsText(response, *ctx.out);
  return kExitOk;
}

void AddChangesCommands(CLI::App& app, CommandAction* selected) {
  CLI::App* changes = app.add_subcommand(
      "changes",
      "Change events: what re-verifying enrolled households found different");

  auto list = std::make_shared<ListChangesOptions>();
  CLI::App* list_command =
      changes->add_subcommand("list", "Change events in number order");
  list_command->add_option("--program", list->program,
                           "Program (default: every program you may see)");
  list_command->add_option(
      "--region", list->region,
      "6-digit county code (default: every county you may see)");
  list_command->add_option("--entry", list->entry,
                           "One roll entry's events: E and 12 digits");
  list_command->add_option("--after", list->after,
                           "Only events numbered above N");
  list_command->add_flag("--unresolved", list->unresolved,
                         "Only events no caseworker has resolved");
  list_command->add_option("--page-size", list->page_size,
                           "Events per page, 1-500 (server default 50)");
  list_command->add_option("--page-token", list->page_token,
                           "Continue a listing where the last page ended");
  list_command->add_flag("--all", list->all, "Fetch every page");
  list_command->callback([list, selected] {
    *selected = [list](const CommandContext& ctx) {
      return RunChangesList(ctx, *list);
    };
  });

  auto number = std::make_shared<std::string>();
  CLI::App* get_command =
      changes->add_subcommand("get", "One change event in full");
  get_command->add_option("N", *number, "The event's number")->required();
  get_command->callback([number, selected] {
    *selected = [number](const CommandContext& ctx) {
      return RunChangesGet(ctx, *number);
    };
  });

  auto watch = std::make_shared<WatchChangesOptions>();
  CLI::App* watch_command = changes->add_subcommand(
      "watch",
      "Print each change event as it arrives, one per line, until Ctrl-C");
  watch_command->add_option(
      "--after", watch->after,
      "Resume after event N (default 0: from the first event kept)");
  watch_command->add_option("--program", watch->program,
                            "Program (default: every program you may see)");
  watch_command->add_option(
      "--region", watch->region,
      "6-digit county code (default: every county you may see)");
  watch_command->callback([watch, selected] {
    *selected = [watch](const CommandContext& ctx) {
      return RunChangesWatch(ctx, *watch);
    };
  });

  auto resolve = std::make_shared<ResolveChangeOptions>();
  CLI::App* resolve_command = changes->add_subcommand(
      "resolve", "Record a caseworker's resolution of an event");
  resolve_command->add_option("N", resolve->number, "The event's number")
      ->required();
  resolve_command->add_option("--outcome", resolve->outcome,
                              "confirmed, explained or source-wrong");
  resolve_command->add_option("--caseworker", resolve->caseworker,
                              "Who decided (staff name or id)");
  resolve_command->add_option(
      "--note", resolve->note,
      "At most 200 characters (no personal data, please)");
  resolve_command->add_option(
      "--request-id", resolve->request_id,
      "Repeat a call under this id (default: a new one, printed on stderr)");
  resolve_command->callback([resolve, selected] {
    *selected = [resolve](const CommandContext& ctx) {
      return RunChangesResolve(ctx, *resolve);
    };
  });

  auto stats = std::make_shared<ChangeStatsOptions>();
  CLI::App* stats_command = changes->add_subcommand(
      "stats", "Events by kind, criterion and resolution, with precision");
  stats_command->add_option("--program", stats->program,
                            "Program (default: every program you may see)");
  stats_command->add_option(
      "--region", stats->region,
      "6-digit county code (default: every county you may see)");
  stats_command->add_option("--first-day", stats->first_day,
                            "Events that occurred on or after, YYYY-MM-DD");
  stats_command->add_option("--last-day", stats->last_day,
                            "Events that occurred on or before, YYYY-MM-DD");
  stats_command->callback([stats, selected] {
    *selected = [stats](const CommandContext& ctx) {
      return RunChangesStats(ctx, *stats);
    };
  });
}

}  // namespace hedui::cli
