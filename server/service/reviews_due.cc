#include "server/service/reviews_due.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/engine/reviews/review_schedule.h"
#include "server/errors/error_details.h"
#include "storage/page_token.h"
#include "storage/rolls/roll_keys.h"
#include "storage/types/civil_date.h"

namespace hedui::server {
namespace {

using hedui::v1::ListReviewsDueRequest;
using hedui::v1::ListReviewsDueResponse;
using hedui::v1::ReviewDue;
using hedui::v1::RollEntry;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
// What RollStore::List serves at most in one page.
constexpr int kStorePageSize = 500;
constexpr size_t kDayDigits = 8;

std::optional<absl::CivilDay> DayOf(bool present, const hedui::v1::Date& date) {
  if (!present) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = FromProto(date, "");
  if (!day.ok()) return std::nullopt;
  return *day;
}

// A line's place in the list: by due date, then entry id (ids are of one
// width, so their bytes sort as their numbers).
struct Line {
  absl::CivilDay due;
  std::string entry_id;
  std::string region_code;
  ReviewDue::Reason reason;
};

bool Before(const absl::CivilDay& a_day, const std::string& a_id,
            const absl::CivilDay& b_day, const std::string& b_id) {
  return std::tie(a_day, a_id) < std::tie(b_day, b_id);
}

std::string DayDigits(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

// The filters a token is sealed under (AIP-158, storage/page_token.h):
// program, counties listed (as a set) and the window. Today is left out on
// purpose (see the header).
std::string TokenFilters(hedui::v1::Program program,
                         std::vector<std::string> regions, int within_days) {
  std::string filters;
  storage::AppendTokenFilter(&filters, absl::StrCat(static_cast<int>(program)));
  storage::AppendTokenFilter(&filters, absl::StrCat(within_days));
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  for (const std::string& region : regions) {
    storage::AppendTokenFilter(&filters, region);
  }
  return filters;
}

struct Position {
  absl::CivilDay due;
  std::string entry_id;
};

// The last line listed, "<YYYYMMDD><entry id>", sealed in the token.
absl::StatusOr<Position> OpenToken(const storage::PageTokenCodec& codec,
                                   absl::string_view token,
                                   absl::string_view filters) {
  absl::StatusOr<std::string> opened =
      codec.Open(storage::PageTokenKind::kReviewsDue, token, filters,
                 "program, counties or within_days");
  if (!opened.ok()) return NamePageTokenField(opened.status());
  // Sealed by this listing, so only a fault of its own makes it malformed.
  const absl::Status made_up =
      NamePageTokenField(storage::PageTokenCodec::NotAToken());
  const absl::string_view position = *opened;
  if (position.size() != kDayDigits + storage::kEntryIdBytes) return made_up;
  const absl::string_view digits = position.substr(0, kDayDigits);
  int value = 0;
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(digits, &value)) {
    return made_up;
  }
  const int year = value / 10000;
  const int month = value / 100 % 100;
  const int day = value % 100;
  const absl::CivilDay due(year, month, day);
  const absl::string_view entry_id = position.substr(kDayDigits);
  if (due.year() != year || due.month() != month || due.day() != day ||
      !storage::ParseEntryId(entry_id).has_value()) {
    return made_up;
  }
  return Position{due, std::string(entry_id)};
}

}  // namespace

std::optional<ReviewDueOn> EarliestReview(const RollEntry& entry) {
  if (entry.state() != RollEntry::ACTIVE) return std::nullopt;
  std::optional<absl::CivilDay> periodic =
      DayOf(entry.has_next_review_date(), entry.next_review_date());
  if (!periodic.has_value()) {
    const std::optional<absl::CivilDay> approval =
        DayOf(entry.has_approval_date(), entry.approval_date());
    if (approval.has_value()) {
      const int period = entry.review_period_months() > 0
                             ? entry.review_period_months()
                             : engine::kShortReviewMonths;
      const absl::CivilDay enrolled =
          DayOf(entry.has_enrolled_on(), entry.enrolled_on())
              .value_or(*approval);
      periodic = engine::NextReviewDate(*approval, period,
                                        std::max(enrolled, *approval));
    }
  }
  const std::optional<absl::CivilDay> recheck =
      DayOf(entry.has_death_recheck_date(), entry.death_recheck_date());
  if (recheck.has_value() && (!periodic.has_value() || *recheck <= *periodic)) {
    return ReviewDueOn{*recheck, ReviewDue::DEATH_RECHECK};
  }
  if (periodic.has_value()) return ReviewDueOn{*periodic, ReviewDue::PERIODIC};
  return std::nullopt;
}

absl::StatusOr<ListReviewsDueResponse> ListReviewsDue(
    storage::RollStore* rolls, const ListReviewsDueRequest& request,
    absl::Span<const std::string> regions, absl::CivilDay today) {
  storage::RollListQuery query;
  query.program = request.program();
  query.state = hedui::v1::ListRollRequest::ACTIVE_ONLY;
  query.page_size = kStorePageSize;
  if (!request.region_code().empty()) {
    if (!regions.empty() && std::find(regions.begin(), regions.end(),
                                      request.region_code()) == regions.end()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "the caller may not see county ", request.region_code()));
    }
    query.regions = {request.region_code()};
  } else {
    query.regions.assign(regions.begin(), regions.end());
  }
  const storage::PageTokenCodec& codec = rolls->page_tokens();
  const std::string filters =
      TokenFilters(request.program(), query.regions, request.within_days());
  std::optional<Position> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<Position> parsed =
        OpenToken(codec, request.page_token(), filters);
    if (!parsed.ok()) return parsed.status();
    after = *std::move(parsed);
  }
  const absl::CivilDay horizon = today + request.within_days();

  std::vector<Line> lines;
  do {
    absl::StatusOr<hedui::v1::ListRollResponse> page = rolls->List(query);
    if (!page.ok()) return page.status();
    for (const RollEntry& entry : page->entries()) {
      const std::optional<ReviewDueOn> due = EarliestReview(entry);
      if (!due.has_value() || due->day > horizon) continue;
      if (after.has_value() &&
          !Before(after->due, after->entry_id, due->day, entry.entry_id())) {
        continue;
      }
      lines.push_back(
          Line{due->day, entry.entry_id(), entry.region_code(), due->reason});
    }
    query.page_token = page->next_page_token();
  } while (!query.page_token.empty());

  const int page_size = request.page_size() <= 0
                            ? kDefaultPageSize
                            : std::min(request.page_size(), kMaxPageSize);
  const auto order = [](const Line& a, const Line& b) {
    return Before(a.due, a.entry_id, b.due, b.entry_id);
  };
  const size_t shown = std::min(lines.size(), static_cast<size_t>(page_size));
  std::partial_sort(lines.begin(), lines.begin() + shown, lines.end(), order);

  ListReviewsDueResponse response;
  for (size_t i = 0; i < shown; ++i) {
    const Line& line = lines[i];
    ReviewDue* out = response.add_reviews();
    out->set_entry_id(line.entry_id);
    out->set_program(request.program());
    out->set_region_code(line.region_code);
    *out->mutable_due_on() = ToProto(line.due);
    out->set_reason(line.reason);
    out->set_overdue(line.due < today);
  }
  if (lines.size() > shown) {
    const Line& last = lines[shown - 1];
    response.set_next_page_token(
        codec.Seal(storage::PageTokenKind::kReviewsDue,
                   absl::StrCat(DayDigits(last.due), last.entry_id), filters));
  }
  return response;
}

void InitReviewState(const hedui::v1::Report& report, RollEntry* entry,
                     absl::CivilDay today) {
  const int period = engine::ReviewPeriodMonths(report);
  const absl::CivilDay approval =
      DayOf(entry->has_approval_date(), entry->approval_date()).value_or(today);
  entry->set_review_period_months(period);
  *entry->mutable_next_review_date() = ToProto(
      engine::NextReviewDate(approval, period, std::max(today, approval)));
  entry->set_latest_report_id(report.report_id().empty() ? entry->report_id()
                                                         : report.report_id());
  entry->set_latest_verdict(report.verdict());
  *entry->mutable_latest_verification_date() = report.verification_date();
}

}  // namespace hedui::server
