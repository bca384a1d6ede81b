#include "server/engine/changes/report_changes.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "hedui/store/v1/records.pb.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/report/zh_names.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::ChangeEvent;
using hedui::v1::CriterionChange;
using hedui::v1::Department;
using hedui::v1::DepartmentData;
using hedui::v1::Evidence;
using hedui::v1::EvidenceChange;
using hedui::v1::Finding;
using hedui::v1::PersonChange;
using hedui::v1::Report;

// The policy parameter holding the 低保 standard (PolicyUsed.parameters).
constexpr absl::string_view kDibaoStandardName = "dibao_standard_fen";

const Finding* FindingIn(const Report& report, Finding::Criterion criterion) {
  for (const Finding& f : report.findings()) {
    if (f.criterion() == criterion) return &f;
  }
  return nullptr;
}

Finding::Result ResultIn(const Report& report, Finding::Criterion criterion) {
  const Finding* f = FindingIn(report, criterion);
  return f == nullptr ? Finding::RESULT_UNSPECIFIED : f->result();
}

const DepartmentData* DataOf(const Report& report, Department department) {
  for (const DepartmentData& d : report.departments()) {
    if (d.department() == department) return &d;
  }
  return nullptr;
}

// The criterion is absent from `previous` only because the engine that made
// it did not know it yet (domain.md §10.1 "Events"). A report whose
// COMPOSITION failed leaves every other criterion absent for that reason,
// whatever the engine.
bool PredatesCriterion(const Report& previous, const Report& current,
                       Finding::Criterion criterion) {
  return FindingIn(previous, criterion) == nullptr &&
         FindingIn(current, criterion) != nullptr &&
         previous.engine_version() != current.engine_version() &&
         ResultIn(previous, Finding::COMPOSITION) != Finding::FAIL;
}

// Only results make a difference; absent and PASS are the same result.
bool ResultChanged(Finding::Result before, Finding::Result after) {
  if (before == after) return false;
  auto passes = [](Finding::Result r) {
    return r == Finding::PASS || r == Finding::RESULT_UNSPECIFIED;
  };
  return !(passes(before) && passes(after));
}

// ---- Evidence difference ----

int PeriodKey(const Evidence& e) {
  return e.has_period() ? e.period().year() * 100 + e.period().month() : 0;
}

// The record without its figures and dates: two records of one kind (one
// payer's wage of one month, one account, one vehicle) whose amounts or
// dates differ have the same shape.
std::string Shape(absl::string_view record) {
  std::string out;
  out.reserve(record.size());
  for (char c : record) {
    if ((c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-') continue;
    out.push_back(c);
  }
  return out;
}

std::string Key(const Evidence& e, absl::string_view record) {
  return absl::StrCat(static_cast<int>(e.department()), "|", e.person_id(), "|",
                      PeriodKey(e), "|", record);
}

// Departments holding at most one record a person shows (their registration,
// latest marriage, death): a different record of that person is the same
// record changed.
bool OneRecordPerPerson(Department d) {
  return d == hedui::v1::HOUSEHOLD_REGISTRATION || d == hedui::v1::MARRIAGE ||
         d == hedui::v1::DEATH;
}

std::vector<EvidenceChange> DiffEvidence(const std::vector<Evidence>& before,
                                         const std::vector<Evidence>& after) {
  std::vector<bool> before_used(before.size(), false);
  std::vector<bool> after_used(after.size(), false);
  std::vector<int> changed_to(before.size(), -1);

  // Pairs each unused `after` row with an unused `before` row of the same
  // key, in order; an empty key pairs nothing.
  auto pair_by = [&](auto key_of, bool changed) {
    absl::flat_hash_map<std::string, std::vector<size_t>> open;
    for (size_t i = before.size(); i-- > 0;) {
      if (before_used[i]) continue;
      std::string key = key_of(before[i]);
      if (!key.empty()) open[std::move(key)].push_back(i);
    }
    for (size_t j = 0; j < after.size(); ++j) {
      if (after_used[j]) continue;
      const std::string key = key_of(after[j]);
      if (key.empty()) continue;
      auto it = open.find(key);
      if (it == open.end() || it->second.empty()) continue;
      const size_t i = it->second.back();
      it->second.pop_back();
      before_used[i] = after_used[j] = true;
      if (changed) changed_to[i] = static_cast<int>(j);
    }
  };
  // A new as-of date alone is no change.
  pair_by([](const Evidence& e) { return Key(e, e.record()); }, false);
  pair_by([](const Evidence& e) { return Key(e, Shape(e.record())); }, true);
  // One record left on each side for a person of a one-record department.
  absl::flat_hash_map<std::string, std::pair<int, int>> counts;
  auto person_key = [](const Evidence& e) {
    return absl::StrCat(static_cast<int>(e.department()), "|", e.person_id());
  };
  for (size_t i = 0; i < before.size(); ++i) {
    if (!before_used[i] && OneRecordPerPerson(before[i].department()))
      ++counts[person_key(before[i])].first;
  }
  for (size_t j = 0; j < after.size(); ++j) {
    if (!after_used[j] && OneRecordPerPerson(after[j].department()))
      ++counts[person_key(after[j])].second;
  }
  pair_by(
      [&](const Evidence& e) {
        if (!OneRecordPerPerson(e.department())) return std::string();
        std::string k = person_key(e);
        const auto it = counts.find(k);
        const bool one_each = it != counts.end() && it->second.first == 1 &&
                              it->second.second == 1;
        return one_each ? k : std::string();
      },
      true);

  std::vector<EvidenceChange> out;
  for (size_t i = 0; i < before.size(); ++i) {
    if (changed_to[i] >= 0) {
      EvidenceChange c;
      c.set_kind(EvidenceChange::CHANGED);
      *c.mutable_before() = before[i];
      *c.mutable_after() = after[changed_to[i]];
      out.push_back(std::move(c));
    } else if (!before_used[i]) {
      EvidenceChange c;
      c.set_kind(EvidenceChange::REMOVED);
      *c.mutable_before() = before[i];
      out.push_back(std::move(c));
    }
  }
  for (size_t j = 0; j < after.size(); ++j) {
    if (after_used[j]) continue;
    EvidenceChange c;
    c.set_kind(EvidenceChange::ADDED);
    *c.mutable_after() = after[j];
    out.push_back(std::move(c));
  }
  return out;
}

// The rows a criterion rests on. INCOME's finding shows one total per
// member, category and department; the records that make the difference
// (and those that left the window) are in the income section, completed
// here with their person and their department's as-of date.
std::vector<Evidence> EvidenceOf(const Report& report, const Finding* finding) {
  std::vector<Evidence> rows;
  if (finding == nullptr) return rows;
  if (finding->criterion() != Finding::INCOME) {
    rows.assign(finding->evidence().begin(), finding->evidence().end());
    return rows;
  }
  for (const Evidence& e : finding->evidence()) {
    // Declared figures: no department, no record behind them.
    if (e.department() == hedui::v1::DEPARTMENT_UNSPECIFIED) rows.push_back(e);
  }
  for (const auto& member : report.income().members()) {
    for (const auto& category : member.categories()) {
      for (const Evidence& r : category.records()) {
        Evidence e = r;
        e.set_person_id(member.person_id());
        if (const DepartmentData* d = DataOf(report, r.department()))
          *e.mutable_as_of() = d->as_of();
        rows.push_back(std::move(e));
      }
    }
  }
  return rows;
}

// ---- Text ----

std::string DayText(const hedui::v1::Date& d) {
  return FormatCivilDay(ToCivilDay(d));
}

std::string ResultText(Finding::Result r) {
  return r == Finding::RESULT_UNSPECIFIED ? "无此项" : ZhName(r);
}

std::string VerdictText(hedui::v1::Verdict v) {
  const std::string& name = ZhName(v);
  return name.empty() ? "无" : name;
}

std::string QuantityText(const Finding* f, bool threshold) {
  if (f == nullptr) return "无";
  if (threshold ? !f->has_threshold() : !f->has_value()) return "无";
  return threshold ? f->threshold().shown() : f->value().shown();
}

// "625.00 元/人·月 → 950.00 元/人·月" or one figure when it stayed; empty
// when neither side has one.
std::string FromTo(const Finding* before, const Finding* after,
                   bool threshold) {
  const std::string b = QuantityText(before, threshold);
  std::string a = QuantityText(after, threshold);
  if (a == "无" && b == "无") return "";
  if (a == b) return a;
  return absl::StrCat(b, " → ", a);
}

std::string DataText(const DepartmentData& d) {
  const std::string name = DepartmentName(d.department());
  switch (d.state()) {
    case DepartmentData::MISSING:
      return absl::StrCat(name, "数据缺失");
    case DepartmentData::STALE:
      return absl::StrCat(name, "数据截至 ", DayText(d.as_of()), "，已 ",
                          d.age_days(), " 天，超过上限 ", d.max_age_days(),
                          " 天");
    default:
      return absl::StrCat(name, "数据截至 ", DayText(d.as_of()));
  }
}

std::vector<DepartmentData> MissingData(const Report& report,
                                        const Finding* finding) {
  std::vector<DepartmentData> out;
  if (finding == nullptr) return out;
  for (int d : finding->missing_departments()) {
    const DepartmentData* data = DataOf(report, static_cast<Department>(d));
    if (data != nullptr) {
      out.push_back(*data);
    } else {
      DepartmentData missing;
      missing.set_department(static_cast<Department>(d));
      missing.set_state(DepartmentData::MISSING);
      out.push_back(std::move(missing));
    }
  }
  return out;
}

// One line; the evidence is counted, not quoted (the records are in the
// change itself).
std::string Explanation(const CriterionChange& c, const Finding* before,
                        const Finding* after) {
  std::string text =
      absl::StrCat(ZhName(c.criterion()), "：", ResultText(c.before()), " → ",
                   ResultText(c.after()));
  const std::string value = FromTo(before, after, /*threshold=*/false);
  if (!value.empty()) absl::StrAppend(&text, "；数值 ", value);
  const std::string line = FromTo(before, after, /*threshold=*/true);
  if (!line.empty()) absl::StrAppend(&text, "；标准 ", line);
  int counts[4] = {0, 0, 0, 0};
  for (const EvidenceChange& e : c.evidence()) ++counts[e.kind()];
  std::vector<std::string> parts;
  for (EvidenceChange::Kind k : {EvidenceChange::ADDED, EvidenceChange::REMOVED,
                                 EvidenceChange::CHANGED}) {
    if (counts[k] > 0)
      parts.push_back(absl::StrCat(ZhName(k), " ", counts[k], " 条"));
  }
  if (!parts.empty())
    absl::StrAppend(&text, "；记录", absl::StrJoin(parts, "、"));
  std::vector<std::string> data;
  for (const DepartmentData& d : c.data_after()) data.push_back(DataText(d));
  if (!data.empty()) absl::StrAppend(&text, "；", absl::StrJoin(data, "；"));
  data.clear();
  for (const DepartmentData& d : c.data_before()) data.push_back(DataText(d));
  if (!data.empty())
    absl::StrAppend(&text, "；此前", absl::StrJoin(data, "；此前"));
  return text;
}

// ---- Persons ----

struct Gone {
  PersonChange::Kind kind = PersonChange::KIND_UNSPECIFIED;
  Department source = hedui::v1::DEPARTMENT_UNSPECIFIED;
  std::optional<absl::CivilDay> on;
};

// The text after `label` up to the next separator ("地区 320581 城市" →
// "320581"), empty when absent.
absl::string_view FieldAfter(absl::string_view record, absl::string_view label,
                             absl::string_view separator) {
  const size_t at = record.rfind(label);
  if (at == absl::string_view::npos) return {};
  const absl::string_view rest = record.substr(at + label.size());
  return rest.substr(0, rest.find(separator));
}

std::optional<absl::CivilDay> DeathDate(absl::string_view text) {
  static const absl::string_view kLabel = "死亡日期 ";
  const size_t at = text.find(kLabel);
  if (at == absl::string_view::npos) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day =
      ParseCivilDay(text.substr(at + kLabel.size(), 10));
  if (!day.ok()) return std::nullopt;
  return *day;
}

class GoneFinder {
 public:
  GoneFinder(const Report& report, absl::string_view county,
             const absl::flat_hash_set<std::string>& declared)
      : county_(county), declared_(declared) {
    for (const Finding& f : report.findings()) {
      for (const Evidence& e : f.evidence()) Read(e);
    }
    for (const hedui::v1::CountedMember& m : report.household().members()) {
      // A death the registration alone shows leaves no evidence row: the
      // member's counting says it (composition.cc).
      if (m.counted() || !absl::StartsWith(m.reason(), "已死亡")) continue;
      if (!declared_.contains(m.person_id())) continue;
      const std::optional<absl::CivilDay> on = DeathDate(m.reason());
      Died(
          m.person_id(),
          on.has_value() ? hedui::v1::DEATH : hedui::v1::HOUSEHOLD_REGISTRATION,
          on);
    }
  }

  const absl::flat_hash_map<std::string, Gone>& gone() const { return gone_; }

 private:
  void Read(const Evidence& e) {
    if (!declared_.contains(e.person_id())) return;
    if (e.department() == hedui::v1::DEATH) {
      Died(e.person_id(), hedui::v1::DEATH, DeathDate(e.record()));
      return;
    }
    if (e.department() != hedui::v1::HOUSEHOLD_REGISTRATION) return;
    // record_text.cc: "户号 H1，与户主关系 户主，地区 320581 城市，状态 正常".
    const absl::string_view status = FieldAfter(e.record(), "状态 ", "，");
    if (status == StatusName(store::DECEASED)) {
      Died(e.person_id(), hedui::v1::HOUSEHOLD_REGISTRATION, std::nullopt);
      return;
    }
    const absl::string_view region = FieldAfter(e.record(), "地区 ", " ");
    if (status == StatusName(store::MOVED) ||
        (!region.empty() && region != county_)) {
      Gone& g = gone_[e.person_id()];
      if (g.kind == PersonChange::KIND_UNSPECIFIED) {
        g.kind = PersonChange::MOVED_AWAY;
        g.source = hedui::v1::HOUSEHOLD_REGISTRATION;
      }
    }
  }

  // A death record has its date and wins over the registration's status.
  void Died(const std::string& id, Department source,
            std::optional<absl::CivilDay> on) {
    Gone& g = gone_[id];
    if (g.kind == PersonChange::DIED && g.source == hedui::v1::DEATH) return;
    if (g.kind == PersonChange::DIED && source != hedui::v1::DEATH) return;
    g.kind = PersonChange::DIED;
    g.source = source;
    g.on = on;
  }

  absl::string_view county_;
  const absl::flat_hash_set<std::string>& declared_;
  absl::flat_hash_map<std::string, Gone> gone_;
};

// A declared person as the summary names them: by their place in the
// declaration, never by ID or name (the summary may be logged).
struct Declared {
  std::string id;
  std::string name;
  std::string who;
  bool member = false;
};

std::vector<Declared> DeclaredPersons(
    const hedui::v1::VerificationRequest& request) {
  std::vector<Declared> out;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](const std::string& id, const std::string& name,
                 std::string who, bool member) {
    if (id.empty() || !seen.insert(id).second) return;
    out.push_back({id, name, std::move(who), member});
  };
  for (const auto& m : request.members()) {
    add(m.person_id(), m.name(),
        m.relation() == hedui::v1::HEAD
            ? std::string(ZhName(hedui::v1::HEAD))
            : absl::StrCat("家庭成员（", RelationName(m.relation()), "）"),
        true);
  }
  for (const auto& o : request.obligors()) {
    add(o.person_id(), o.name(),
        absl::StrCat("义务人（", RelationName(o.relation()), "）"), false);
  }
  for (const auto& o : request.obligors()) {
    add(o.spouse().person_id(), o.spouse().name(),
        absl::StrCat("义务人（", RelationName(o.relation()), "）的配偶"),
        false);
  }
  return out;
}

// ---- Gradual exit and the 低保 line ----

// 低保 only: INCOME fails and nothing else does (REVIEW or UNKNOWN elsewhere
// do not block it). With no living member COMPOSITION fails: none.
bool GradualExitApplies(const Report& report, hedui::v1::Program program) {
  if (program != hedui::v1::DIBAO) return false;
  if (ResultIn(report, Finding::INCOME) != Finding::FAIL) return false;
  for (const Finding& f : report.findings()) {
    if (f.criterion() != Finding::INCOME && f.result() == Finding::FAIL)
      return false;
  }
  return true;
}

// A margin household's INCOME fails on the lower bound: per-capita income
// below the 低保 standard of the report's own policy. Only when the
// standard is the household's (the policy names a residence class: with no
// registration record the report compares several and names none).
bool BelowDibaoLine(const Report& report) {
  if (ResultIn(report, Finding::INCOME) != Finding::FAIL) return false;
  if (report.policy().residence_class() ==
      hedui::v1::RESIDENCE_CLASS_UNSPECIFIED)
    return false;
  if (!report.income().has_per_capita_monthly()) return false;
  int64_t standard = 0;
  bool found = false;
  for (const auto& p : report.policy().parameters()) {
    if (p.name() == kDibaoStandardName)
      found = absl::SimpleAtoi(p.value(), &standard);
  }
  if (!found) return false;
  const hedui::v1::Quantity& q = report.income().per_capita_monthly();
  if (q.denominator() <= 0) return false;
  // Exact: numerator / denominator < standard, cross-multiplied.
  return static_cast<__int128>(q.numerator()) <
         static_cast<__int128>(standard) * q.denominator();
}

std::string Summary(const ChangeEvent& event,
                    const std::vector<std::string>& person_texts,
                    bool gradual_exit_new, const Report& current) {
  std::string text;
  if (event.verdict_before() == event.verdict_after()) {
    text =
        absl::StrCat("复核结论仍为", VerdictText(event.verdict_after()), "。");
  } else {
    text = absl::StrCat("复核结论：", VerdictText(event.verdict_before()),
                        " → ", VerdictText(event.verdict_after()), "。");
  }
  if (!event.criteria().empty()) {
    std::vector<std::string> parts;
    for (const CriterionChange& c : event.criteria()) {
      std::string part =
          absl::StrCat(ZhShortName(c.criterion()), " ", ResultText(c.before()),
                       " → ", ResultText(c.after()));
      const std::string b =
          c.has_value_before() ? c.value_before().shown() : std::string("无");
      const std::string a =
          c.has_value_after() ? c.value_after().shown() : std::string("无");
      if (a != b && (c.has_value_before() || c.has_value_after()))
        absl::StrAppend(&part, "（", b, " → ", a, "）");
      parts.push_back(std::move(part));
    }
    absl::StrAppend(&text, "条件变化：", absl::StrJoin(parts, "；"), "。");
  }
  if (!person_texts.empty()) {
    absl::StrAppend(&text, "人员变化：", absl::StrJoin(person_texts, "；"),
                    "。");
  }
  if (event.has_gradual_exit_date()) {
    absl::StrAppend(
        &text,
        gradual_exit_new ? "收入不符合低保标准，进入渐退，" : "仍在渐退期，",
        "渐退期至 ", DayText(event.gradual_exit_date()), "。");
  }
  if (event.gradual_exit_cleared()) {
    absl::StrAppend(&text, "渐退不再适用，已取消渐退期。");
  }
  if (event.may_qualify_for_dibao()) {
    absl::StrAppend(&text, "家庭人均月收入 ",
                    current.income().per_capita_monthly().shown(),
                    " 低于低保标准，可能符合低保条件，请按应保尽保告知其申请",
                    ZhShortName(hedui::v1::DIBAO), "。");
  }
  return text;
}

}  // namespace

absl::CivilDay GradualExitDate(absl::CivilDay found) {
  // The day before the first day of the seventh month after.
  return absl::CivilDay(absl::CivilMonth(found) + 7) - 1;
}

ReportChanges CompareReports(const Report& previous, const Report& current,
                             const EntryChangeState& entry) {
  ReportChanges out;
  ChangeEvent& event = out.event;
  event.set_kind(ChangeEvent::REVERIFICATION);
  event.set_program(entry.program);
  event.set_region_code(entry.region_code);
  *event.mutable_occurred_on() = current.verification_date();
  event.set_verdict_before(previous.verdict());
  event.set_verdict_after(current.verdict());

  // Criteria, in criterion order.
  std::vector<Finding::Criterion> criteria;
  for (const Report* r : {&previous, &current}) {
    for (const Finding& f : r->findings()) criteria.push_back(f.criterion());
  }
  std::sort(criteria.begin(), criteria.end());
  criteria.erase(std::unique(criteria.begin(), criteria.end()), criteria.end());
  absl::flat_hash_set<int> predating;
  for (Finding::Criterion criterion : criteria) {
    if (PredatesCriterion(previous, current, criterion)) {
      predating.insert(criterion);
      continue;
    }
    const Finding* before = FindingIn(previous, criterion);
    const Finding* after = FindingIn(current, criterion);
    const Finding::Result rb =
        before == nullptr ? Finding::RESULT_UNSPECIFIED : before->result();
    const Finding::Result ra =
        after == nullptr ? Finding::RESULT_UNSPECIFIED : after->result();
    if (!ResultChanged(rb, ra)) continue;
    CriterionChange* c = event.add_criteria();
    c->set_criterion(criterion);
    c->set_before(rb);
    c->set_after(ra);
    if (before != nullptr && before->has_value())
      *c->mutable_value_before() = before->value();
    if (after != nullptr && after->has_value())
      *c->mutable_value_after() = after->value();
    if (before != nullptr && before->has_threshold())
      *c->mutable_threshold_before() = before->threshold();
    if (after != nullptr && after->has_threshold())
      *c->mutable_threshold_after() = after->threshold();
    for (EvidenceChange& e : DiffEvidence(EvidenceOf(previous, before),
                                          EvidenceOf(current, after))) {
      *c->add_evidence() = std::move(e);
    }
    for (DepartmentData& d : MissingData(previous, before))
      *c->add_data_before() = std::move(d);
    for (DepartmentData& d : MissingData(current, after))
      *c->add_data_after() = std::move(d);
    c->set_explanation(Explanation(*c, before, after));
  }

  // A verdict that differs only because a criterion the previous engine did
  // not know decides it now is no change either.
  bool verdict_changed = previous.verdict() != current.verdict();
  if (verdict_changed && !current.deciding_criteria().empty()) {
    bool only_predating = true;
    for (int c : current.deciding_criteria())
      only_predating &= predating.contains(c);
    if (only_predating) verdict_changed = false;
  }

  // Deaths and moves.
  const std::vector<Declared> declared =
      DeclaredPersons(current.request().members().empty() ? previous.request()
                                                          : current.request());
  absl::flat_hash_set<std::string> declared_ids;
  for (const Declared& d : declared) declared_ids.insert(d.id);
  const GoneFinder now(current, entry.region_code, declared_ids);
  const GoneFinder before(previous, entry.region_code, declared_ids);
  absl::flat_hash_set<std::string> known(entry.persons_gone.begin(),
                                         entry.persons_gone.end());
  out.persons_gone = entry.persons_gone;
  std::vector<std::string> person_texts;
  for (const Declared& d : declared) {
    if (known.contains(d.id)) continue;
    if (before.gone().contains(d.id)) {
      // Gone already when the entry was approved: no event, now or later.
      out.persons_gone.push_back(d.id);
      continue;
    }
    const auto it = now.gone().find(d.id);
    if (it == now.gone().end()) continue;
    const Gone& g = it->second;
    PersonChange* p = event.add_persons();
    p->set_person_id(d.id);
    p->set_name(d.name);
    p->set_kind(g.kind);
    p->set_source(g.source);
    if (g.on.has_value()) *p->mutable_on() = ToProto(*g.on);
    out.persons_gone.push_back(d.id);
    if (g.kind == PersonChange::DIED && d.member) out.found_death = true;
    std::string text = absl::StrCat(d.who, ZhName(g.kind));
    if (g.on.has_value())
      absl::StrAppend(&text, "（", ZhShortName(g.source), "：",
                      FormatCivilDay(*g.on), "）");
    else
      absl::StrAppend(&text, "（", ZhShortName(g.source), "）");
    person_texts.push_back(std::move(text));
  }

  // Gradual exit.
  bool gradual_exit_new = false;
  if (GradualExitApplies(current, entry.program)) {
    if (entry.gradual_exit_date.has_value()) {
      out.gradual_exit_date = entry.gradual_exit_date;
    } else {
      out.gradual_exit_date =
          GradualExitDate(ToCivilDay(current.verification_date()));
      gradual_exit_new = true;
    }
    *event.mutable_gradual_exit_date() = ToProto(*out.gradual_exit_date);
  } else if (entry.gradual_exit_date.has_value()) {
    event.set_gradual_exit_cleared(true);
  }

  // 应保尽保: the margin household fell below the 低保 line.
  bool fell_below = false;
  if (entry.program == hedui::v1::LOW_INCOME_MARGIN &&
      BelowDibaoLine(current)) {
    event.set_may_qualify_for_dibao(true);
    fell_below = !BelowDibaoLine(previous);
  }

  out.makes_event = !event.criteria().empty() || verdict_changed ||
                    !event.persons().empty() || gradual_exit_new ||
                    event.gradual_exit_cleared() || fell_below;
  event.set_summary(Summary(event, person_texts, gradual_exit_new, current));
  return out;
}

}  // namespace hedui::engine
