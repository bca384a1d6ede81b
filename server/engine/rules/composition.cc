#include "server/engine/rules/composition.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/context/proto_dates.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/rules/income.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Finding;
using hedui::v1::Report;

constexpr int kAdultAge = 18;

// Worst first: a finding keeps the most serious result any part gave it.
int Severity(Finding::Result result) {
  switch (result) {
    case Finding::FAIL:
      return 3;
    case Finding::UNKNOWN:
      return 2;
    case Finding::REVIEW:
      return 1;
    default:
      return 0;
  }
}

class CompositionRule {
 public:
  CompositionRule(EvaluationContext* ctx, Report* report)
      : ctx_(*ctx), report_(report), household_(report->mutable_household()) {}

  bool Run() {
    finding_ = AddFinding(report_, Finding::COMPOSITION);
    for (const auto& m : ctx_.request->members())
      declared_.insert(m.person_id());
    for (const auto& o : ctx_.request->obligors()) {
      declared_.insert(o.person_id());
      if (!o.spouse().person_id().empty())
        declared_.insert(o.spouse().person_id());
    }
    if (ctx_.applicant_registration != nullptr) {
      household_->set_household_number(
          ctx_.applicant_registration->household_number());
    }
    for (MemberView& member : ctx_.members) CountMember(member);
    for (MemberView& member : ctx_.members) {
      if (member.counted) ctx_.counted.push_back(&member);
    }
    if (deceased_ == static_cast<int>(ctx_.members.size())) {
      // No living declared member (domain.md §10.1 "Special households"):
      // there is no household left to verify.
      Raise(Finding::FAIL, "申报成员均已死亡，没有在世的家庭成员");
      household_->set_counted_members(0);
      Finish();
      return false;
    }
    for (const MemberView* member : ctx_.counted) CheckSpouse(*member);
    CheckRegister();
    if (!ctx_.request->single_person_member_id().empty()) SinglePerson();
    household_->set_counted_members(ctx_.CountedSize());
    Finish();
    return true;
  }

 private:
  void Raise(Finding::Result result, std::string problem) {
    if (Severity(result) > Severity(result_)) result_ = result;
    problems_.push_back(std::move(problem));
  }

  std::string Who(const MemberView& m) const {
    return absl::StrCat(RelationName(m.declared->relation()), "（",
                        MaskResidentId(m.declared->person_id()), "）");
  }

  void CountMember(MemberView& member) {
    const store::PersonRecords& records = *member.records;
    hedui::v1::CountedMember* out = household_->add_members();
    out->set_person_id(member.declared->person_id());
    out->set_name(member.declared->name());
    out->set_relation(member.declared->relation());
    out->set_age(member.age);
    const store::HouseholdRegistrationRecord* reg = RegistrationOf(records);
    const std::string& id = member.declared->person_id();

    if (!records.death().empty() ||
        (reg != nullptr && reg->status() == store::DECEASED)) {
      std::string when = "户籍状态为死亡";
      if (!records.death().empty()) {
        when = absl::StrCat(
            "死亡日期 ",
            FormatCivilDay(ToCivilDay(records.death(0).date_of_death())));
        AddEvidence(finding_, ctx_, hedui::v1::DEATH, id,
                    DescribeRecord(records.death(0)));
      }
      member.counted = false;
      ++deceased_;
      out->set_reason(
          absl::StrCat("已死亡（", when, "），不计入家庭人口及收入"));
      Raise(Finding::REVIEW, absl::StrCat("申报成员", Who(member), "已死亡"));
      return;
    }
    if (reg == nullptr) {
      member.counted = true;
      if (ctx_.freshness.Usable(hedui::v1::HOUSEHOLD_REGISTRATION)) {
        out->set_reason("户籍登记中无此人，按申报计入，需复核");
        Raise(Finding::REVIEW,
              absl::StrCat("申报成员", Who(member), "在户籍登记中无记录"));
      } else {
        out->set_reason("户籍数据不可用，按申报计入");
      }
      out->set_counted(true);
      return;
    }
    AddEvidence(finding_, ctx_, hedui::v1::HOUSEHOLD_REGISTRATION, id,
                DescribeRecord(*reg));
    switch (reg->status()) {
      case store::MISSING:
      case store::IN_CUSTODY:
        member.counted = false;
        out->set_reason(absl::StrCat("户籍状态为", StatusName(reg->status()),
                                     "，不计入家庭人口"));
        Raise(Finding::REVIEW,
              absl::StrCat("申报成员", Who(member), "户籍状态为",
                           StatusName(reg->status())));
        return;
      case store::MOVED:
        member.counted = true;
        out->set_counted(true);
        out->set_reason("户籍已迁出，按申报计入，需复核");
        Raise(Finding::REVIEW,
              absl::StrCat("申报成员", Who(member), "户籍已迁出"));
        return;
      default:
        member.counted = true;
        out->set_counted(true);
        out->set_reason(
            absl::StrCat("户籍正常，户号 ", reg->household_number()));
    }
  }

  // The latest marriage event of a counted member (domain.md §2): a spouse
  // married to them who is not declared is doubtful composition.
  void CheckSpouse(const MemberView& member) {
    const store::MarriageRecord* latest = nullptr;
    for (const store::MarriageRecord& r : member.records->marriage()) {
      if (latest == nullptr ||
          ToCivilDay(latest->date()) <= ToCivilDay(r.date())) {
        latest = &r;
      }
    }
    if (latest == nullptr) return;
    if (latest->status() != store::MARRIED ||
        declared_.contains(latest->spouse_id())) {
      // Consistent with the declaration: shown as what was checked.
      AddEvidence(finding_, ctx_, hedui::v1::MARRIAGE,
                  member.declared->person_id(), DescribeRecord(*latest));
      return;
    }
    const std::string& spouse = latest->spouse_id();
    if (reported_.contains(spouse)) return;
    const store::HouseholdRegistrationRecord* registered = Registered(spouse);
    if (registered != nullptr && registered->status() == store::DECEASED)
      return;
    reported_.insert(spouse);
    AddEvidence(finding_, ctx_, hedui::v1::MARRIAGE,
                member.declared->person_id(), DescribeRecord(*latest));
    hedui::v1::UndeclaredPerson* u = household_->add_undeclared();
    u->set_person_id(spouse);
    if (registered != nullptr) u->set_name(registered->name());
    u->set_relation("配偶");
    u->set_needs_review(true);
    u->set_reason(absl::StrCat("婚姻登记显示为申报成员", Who(member),
                               "的配偶（已婚），未申报"));
    Raise(Finding::REVIEW,
          absl::StrCat("未申报配偶（", MaskResidentId(spouse), "）"));
  }

  // The register of the applicant's 户号: an undeclared minor is doubtful
  // composition; other undeclared residents are reported only.
  void CheckRegister() {
    const store::HouseholdRegister* reg = ApplicantRegister();
    if (reg == nullptr) return;
    for (const store::HouseholdRegistrationRecord& r : reg->members()) {
      if (declared_.contains(r.person_id()) ||
          reported_.contains(r.person_id()))
        continue;
      if (r.status() != store::NORMAL) continue;
      reported_.insert(r.person_id());
      hedui::v1::UndeclaredPerson* u = household_->add_undeclared();
      u->set_person_id(r.person_id());
      u->set_name(r.name());
      u->set_relation(RegisteredRelationName(r.relation_to_head()));
      const bool minor =
          ValidateResidentId(r.person_id(), "person_id").ok() &&
          AgeOn(ResidentIdBirthDate(r.person_id()), ctx_.day) < kAdultAge;
      const bool spouse = r.relation_to_head() == store::SPOUSE;
      u->set_needs_review(minor || spouse);
      if (minor || spouse) {
        u->set_reason(absl::StrCat(
            "同户号登记的", minor ? "未成年人" : "户主配偶", "，未申报"));
        Raise(Finding::REVIEW,
              absl::StrCat("同户号未申报的", minor ? "未成年人" : "户主配偶",
                           "（", MaskResidentId(r.person_id()), "）"));
        AddEvidence(finding_, ctx_, hedui::v1::HOUSEHOLD_REGISTRATION,
                    r.person_id(), DescribeRecord(r));
      } else {
        u->set_reason("同户号登记的其他共同居住人员，未申报，仅作提示");
      }
    }
  }

  const store::HouseholdRegister* ApplicantRegister() const {
    if (ctx_.applicant_registration == nullptr) return nullptr;
    for (const store::HouseholdRegister& r :
         ctx_.records->household_registers()) {
      if (r.household_number() ==
          ctx_.applicant_registration->household_number())
        return &r;
    }
    return nullptr;
  }

  // Indexed on first use: one scan of the registers, not one per undeclared
  // spouse (cost linear in members). The first entry of a person wins, as
  // in the registers' order.
  const store::HouseholdRegistrationRecord* Registered(const std::string& id) {
    if (!registered_indexed_) {
      registered_indexed_ = true;
      for (const store::HouseholdRegister& r :
           ctx_.records->household_registers()) {
        for (const auto& m : r.members())
          registered_.emplace(m.person_id(), &m);
      }
    }
    const auto it = registered_.find(id);
    return it == registered_.end() ? nullptr : it->second;
  }

  // 单人保 (domain.md §2): a member with a severe disability or a serious
  // illness, in a household below the margin line, verified alone. When it
  // does not apply the household is verified as a whole, exactly as without
  // the request, and the report says why: that alone fails nothing.
  void SinglePerson() {
    const std::string& id = ctx_.request->single_person_member_id();
    const MemberView* member = nullptr;
    for (const MemberView* m : ctx_.counted) {
      if (m->declared->person_id() == id) member = m;
    }
    if (member == nullptr) {
      NotApplied({"该成员不计入家庭人口"});
      return;
    }
    std::vector<std::string> not_met;  // conditions that do not hold
    std::vector<std::string> unknown;  // conditions the data cannot decide
    bool review = false;
    std::vector<const store::DisabilityRecord*> qualifying;
    Disability(*member, &qualifying, &not_met, &unknown, &review);
    IncomeCondition(&not_met, &unknown);
    if (!not_met.empty()) {
      NotApplied(not_met);
      return;
    }
    for (const store::DisabilityRecord* d : qualifying) {
      AddEvidence(finding_, ctx_, hedui::v1::DISABILITY, id,
                  DescribeRecord(*d));
    }
    for (std::string& u : unknown) Raise(Finding::UNKNOWN, std::move(u));
    if (review) {
      Raise(Finding::REVIEW, "申报重病，无部门数据可核，需人工认定单人保");
    }
    // Verified alone, on their own income and assets.
    for (MemberView& m : ctx_.members) {
      if (&m != member) m.counted = false;
    }
    ctx_.counted = {member};
    for (auto& out : *household_->mutable_members()) {
      if (out.person_id() != id && out.counted()) {
        out.set_counted(false);
        out.set_reason(absl::StrCat(out.reason(), "；单人保核对，不计入"));
      }
    }
    household_->set_single_person_coverage(true);
    std::string note = "按单人保核对，仅计该成员本人的收入和财产";
    if (!unknown.empty() || review) {
      note = absl::StrCat("单人保条件尚待核实，暂", note);
    }
    household_->set_single_person_note(note);
    notes_.push_back(std::move(note));
  }

  // The request asked for single-person coverage and it does not apply: the
  // household as counted stays, and the note says why. Only the note: the
  // rest of the report is the one without the request (domain.md §2).
  void NotApplied(const std::vector<std::string>& why) {
    household_->set_single_person_note(
        absl::StrCat("申请单人保，但", absl::StrJoin(why, "，且"),
                     "，不适用单人保，按全家核对"));
  }

  // A level-1/2 disability, or level-3 intellectual or mental, on the
  // disability records; a declared serious illness cannot be checked.
  void Disability(const MemberView& member,
                  std::vector<const store::DisabilityRecord*>* qualifying,
                  std::vector<std::string>* not_met,
                  std::vector<std::string>* unknown, bool* review) {
    for (const store::DisabilityRecord& d : member.records->disability()) {
      const bool severe = d.grade() >= 1 && d.grade() <= 2;
      const bool mind = (d.category() == store::INTELLECTUAL ||
                         d.category() == store::MENTAL) &&
                        d.grade() == 3;
      if (severe || mind) qualifying->push_back(&d);
    }
    if (!qualifying->empty()) return;
    if (ctx_.request->serious_illness()) {
      *review = true;
    } else if (!ctx_.freshness.Usable(hedui::v1::DISABILITY)) {
      unknown->push_back(
          absl::StrCat(DescribeDepartmentState(ctx_, hedui::v1::DISABILITY),
                       "，无法核实单人保的残疾条件"));
    } else {
      not_met->push_back(
          "该成员无一、二级残疾或三级智力/精神残疾记录，也未申报重病");
    }
  }

  // The household's per-capita income, on the whole counted household,
  // below the margin line (1.5 × the 低保 standard). With the standard
  // unknown, decided when every standard of the region gives the same
  // answer (domain.md §2).
  void IncomeCondition(std::vector<std::string>* not_met,
                       std::vector<std::string>* unknown) {
    const IncomeResult income = CountedIncome(ctx_, ctx_.counted);
    if (!income.unusable.empty()) {
      unknown->push_back("家庭收入数据不可用，无法判断单人保的收入条件");
      return;
    }
    const ExactAmount per_capita =
        income.found_total.DividedBy(ctx_.window.months)
            .DividedBy(ctx_.CountedSize());
    auto line_of = [](const PolicyValues& p) {
      return ExactAmount::Fen(p.dibao_standard_fen)
          .TimesPercent(p.margin_multiple_percent);
    };
    std::vector<const PolicyValues*> standards;
    if (ctx_.standards_known) {
      standards.push_back(&ctx_.policy);
    } else {
      for (const PolicyValues& p : ctx_.candidate_policies)
        standards.push_back(&p);
    }
    int below = 0;
    for (const PolicyValues* p : standards) below += per_capita < line_of(*p);
    if (!standards.empty() && below == static_cast<int>(standards.size()))
      return;
    if (below == 0 && !standards.empty()) {
      std::vector<std::string> lines;
      for (const PolicyValues* p : standards)
        lines.push_back(Yuan(line_of(*p)));
      not_met->push_back(absl::StrCat("家庭人均月收入 ", Yuan(per_capita),
                                      ctx_.standards_known
                                          ? "，不低于边缘标准 "
                                          : "，不低于本地区各类标准的边缘标准 ",
                                      absl::StrJoin(lines, "、")));
      return;
    }
    unknown->push_back(absl::StrCat(ctx_.standards_problem.empty()
                                        ? "低保标准无法确定"
                                        : ctx_.standards_problem,
                                    "，无法判断单人保的收入条件"));
  }

  void Finish() {
    const std::vector<hedui::v1::Department> unusable =
        ctx_.freshness.Unusable({hedui::v1::HOUSEHOLD_REGISTRATION,
                                 hedui::v1::MARRIAGE, hedui::v1::DEATH});
    if (!unusable.empty()) {
      std::vector<std::string> states;
      for (auto d : unusable) {
        finding_->add_missing_departments(d);
        states.push_back(DescribeDepartmentState(ctx_, d));
      }
      Raise(Finding::UNKNOWN, absl::StrCat(absl::StrJoin(states, "；"),
                                           "，无法完整核实家庭成员"));
    }
    finding_->set_result(result_);
    std::vector<std::string> parts = problems_;
    for (const std::string& n : notes_) parts.push_back(n);
    const std::string counted = absl::StrCat(
        "申报 ", ctx_.members.size(), " 人，计入 ", ctx_.CountedSize(), " 人");
    if (parts.empty()) {
      finding_->set_explanation(
          absl::StrCat(counted, "，与户籍、婚姻、死亡登记一致"));
    } else {
      finding_->set_explanation(
          absl::StrCat(counted, "；", absl::StrJoin(parts, "；")));
    }
    *finding_->mutable_value() = CountQuantity(ctx_.CountedSize());
  }

  EvaluationContext& ctx_;
  Report* report_;
  hedui::v1::Household* household_;
  Finding* finding_ = nullptr;
  Finding::Result result_ = Finding::PASS;
  std::vector<std::string> problems_;
  std::vector<std::string> notes_;
  absl::flat_hash_set<std::string> declared_;
  absl::flat_hash_set<std::string> reported_;
  int deceased_ = 0;  // declared members dead by the records
  bool registered_indexed_ = false;
  absl::flat_hash_map<absl::string_view,
                      const store::HouseholdRegistrationRecord*>
      registered_;
};

}  // namespace

bool EvaluateComposition(EvaluationContext* ctx, Report* report) {
  return CompositionRule(ctx, report).Run();
}

}  // namespace hedui::engine
