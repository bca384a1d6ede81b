#include "server/engine/rules/tekun.h"

#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/report/zh_names.h"
#include "server/engine/rules/income.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Department;
using hedui::v1::Finding;
using hedui::v1::Obligor;

constexpr int kAdultAge = 18;
constexpr int kObligorOldAge = 70;
constexpr int kDibaoObligorAge = 60;

// Names in explanations are masked: the report travels to caseworkers who
// identify the person by the evidence's resident ID anyway.
std::string Who(hedui::v1::Relation relation, absl::string_view name) {
  return absl::StrCat(RelationName(relation), " ", MaskName(name));
}

// An obligor's severe disability (domain.md §5): any category grade 1–2, or
// intellectual or mental grade 3.
bool SevereDisability(const store::DisabilityRecord& r) {
  if (r.grade() >= 1 && r.grade() <= 2) return true;
  return r.grade() == 3 &&
         (r.category() == store::INTELLECTUAL || r.category() == store::MENTAL);
}

// A condition judged on records: holds, does not, a person must judge, or
// the data to judge it is missing or stale.
enum class Tri { kNo, kYes, kReview, kUnknown };

Tri And(Tri a, Tri b) {
  if (a == Tri::kNo || b == Tri::kNo) return Tri::kNo;
  if (a == Tri::kYes && b == Tri::kYes) return Tri::kYes;
  if (a == Tri::kReview || b == Tri::kReview) return Tri::kReview;
  return Tri::kUnknown;
}

// The latest marriage or divorce event of a person (the later row wins a tie
// of dates: rows are kept in the order registered).
const store::MarriageRecord* LatestMarriage(const store::PersonRecords& p) {
  const store::MarriageRecord* latest = nullptr;
  for (const store::MarriageRecord& r : p.marriage()) {
    if (latest == nullptr ||
        std::make_tuple(r.date().year(), r.date().month(), r.date().day()) >=
            std::make_tuple(latest->date().year(), latest->date().month(),
                            latest->date().day())) {
      latest = &r;
    }
  }
  return latest;
}

// Whether one obligor can support the applicant.
struct ObligorOutcome {
  // Dead by the death or registration records: no obligor at all
  // (domain.md §10.1 "Special households"); `unable` is then not used.
  bool deceased = false;
  Tri unable = Tri::kNo;  // kNo: able to support, the criterion fails
  std::vector<Department> unusable;
  std::vector<std::string> notes;
  // Set when the income of the obligor (and spouse) was compared.
  bool compared = false;
  ExactAmount per_person = ExactAmount::Fen(0);
};

class ObligorJudge {
 public:
  ObligorJudge(const EvaluationContext& ctx, Finding* finding)
      : ctx_(ctx), finding_(finding) {}

  ObligorOutcome Judge(const Obligor& obligor) {
    ObligorOutcome out;
    if (DeclaredAbsent(obligor)) {
      JudgeAbsent(obligor, &out);
    } else {
      JudgePresent(obligor, &out);
    }
    return out;
  }

 private:
  static bool DeclaredAbsent(const Obligor& obligor) {
    return obligor.declared_status() == Obligor::MISSING ||
           obligor.declared_status() == Obligor::IN_CUSTODY;
  }

  // The registration record of a person when the registration data can be
  // used; null otherwise.
  const store::HouseholdRegistrationRecord* UsableRegistration(
      const store::PersonRecords& records) const {
    if (!Usable(hedui::v1::HOUSEHOLD_REGISTRATION)) return nullptr;
    return RegistrationOf(records);
  }

  // Dead by a death record or by the registration (domain.md §2: either
  // source). `id`'s record is shown as evidence when `evidence`.
  bool Deceased(const std::string& id, const store::PersonRecords& records,
                bool evidence, std::string* why) {
    if (!records.death().empty()) {
      if (evidence) {
        AddEvidence(finding_, ctx_, hedui::v1::DEATH, id,
                    DescribeRecord(records.death(0)));
      }
      *why = DescribeRecord(records.death(0));
      return true;
    }
    const store::HouseholdRegistrationRecord* reg = UsableRegistration(records);
    if (reg != nullptr && reg->status() == store::DECEASED) {
      if (evidence) {
        AddEvidence(finding_, ctx_, hedui::v1::HOUSEHOLD_REGISTRATION, id,
                    DescribeRecord(*reg));
      }
      *why = absl::StrCat("户籍登记状态为", StatusName(reg->status()));
      return true;
    }
    return false;
  }
  bool Usable(Department d) const { return ctx_.freshness.Usable(d); }

  void Unusable(Department d, ObligorOutcome* out) {
    out->unusable.push_back(d);
    out->notes.push_back(DescribeDepartmentState(ctx_, d));
  }

  // (c) Declared missing or in custody: the registration confirms it, and
  // nothing else of this person is read (they could not sign the consent,
  // domain.md §1).
  void JudgeAbsent(const Obligor& obligor, ObligorOutcome* out) {
    const bool missing = obligor.declared_status() == Obligor::MISSING;
    const store::RegistrationStatus declared =
        missing ? store::MISSING : store::IN_CUSTODY;
    const std::string declared_text =
        absl::StrCat("申报", ZhName(obligor.declared_status()));
    if (!Usable(hedui::v1::HOUSEHOLD_REGISTRATION)) {
      out->unable = Tri::kUnknown;
      Unusable(hedui::v1::HOUSEHOLD_REGISTRATION, out);
      out->notes.push_back(absl::StrCat(declared_text, "，无法核实"));
      return;
    }
    const store::HouseholdRegistrationRecord* reg =
        RegistrationOf(ctx_.Person(obligor.person_id()));
    if (reg == nullptr) {
      out->unable = Tri::kReview;
      out->notes.push_back(
          absl::StrCat(declared_text, "，但户籍无其登记记录，需复核"));
      return;
    }
    AddEvidence(finding_, ctx_, hedui::v1::HOUSEHOLD_REGISTRATION,
                obligor.person_id(), DescribeRecord(*reg));
    if (reg->status() == store::DECEASED) {
      out->deceased = true;
      out->notes.push_back(absl::StrCat(declared_text, "，户籍登记状态为",
                                        StatusName(reg->status()),
                                        "，已死亡，不计为义务人"));
      return;
    }
    if (reg->status() == declared) {
      out->unable = Tri::kYes;
      out->notes.push_back(absl::StrCat(declared_text, "，户籍登记状态为",
                                        StatusName(reg->status()),
                                        "，无履行义务能力"));
    } else {
      out->unable = Tri::kReview;
      out->notes.push_back(absl::StrCat(declared_text, "，但户籍登记状态为",
                                        StatusName(reg->status()), "，需复核"));
    }
  }

  void JudgePresent(const Obligor& obligor, ObligorOutcome* out) {
    const store::PersonRecords& records = ctx_.Person(obligor.person_id());
    std::string died;
    if (Deceased(obligor.person_id(), records, /*evidence=*/true, &died)) {
      out->deceased = true;
      out->notes.push_back(absl::StrCat("已死亡（", died, "），不计为义务人"));
      return;
    }
    // Missing or in custody by the registration though declared present:
    // the department data prevail (domain.md §5), whatever else holds.
    // Stale registration data leave the obligor judged on the rest: (a),
    // (b) and (d) do not depend on it.
    if (const store::HouseholdRegistrationRecord* reg =
            UsableRegistration(records);
        reg != nullptr && (reg->status() == store::MISSING ||
                           reg->status() == store::IN_CUSTODY)) {
      AddEvidence(finding_, ctx_, hedui::v1::HOUSEHOLD_REGISTRATION,
                  obligor.person_id(), DescribeRecord(*reg));
      out->unable = Tri::kYes;
      out->notes.push_back(absl::StrCat("申报状态为正常，但户籍登记状态为",
                                        StatusName(reg->status()),
                                        "，以户籍登记为准，无履行义务能力"));
      return;
    }
    const int age = AgeOn(ResidentIdBirthDate(obligor.person_id()), ctx_.day);
    out->notes.push_back(absl::StrCat(age, " 岁"));

    const Tri enrolled = Enrollment(obligor, records, age, out);
    if (enrolled == Tri::kYes) {
      out->unable = Tri::kYes;
      return;
    }
    const Tri old_or_poor = OldOrSevereAndPoor(obligor, records, age, out);
    if (old_or_poor == Tri::kYes) {
      out->unable = Tri::kYes;
      return;
    }
    for (Tri t : {enrolled, old_or_poor}) {
      if (t == Tri::kReview) out->unable = Tri::kReview;
    }
    if (out->unable == Tri::kReview) return;
    for (Tri t : {enrolled, old_or_poor}) {
      if (t == Tri::kUnknown) out->unable = Tri::kUnknown;
    }
    if (out->unable == Tri::kNo) out->notes.push_back("具备履行义务能力");
  }

  // (a) 特困 themselves, (b) a 低保 recipient aged 60+.
  Tri Enrollment(const Obligor& obligor, const store::PersonRecords& records,
                 int age, ObligorOutcome* out) {
    if (!Usable(hedui::v1::ASSISTANCE_ENROLLMENT)) {
      Unusable(hedui::v1::ASSISTANCE_ENROLLMENT, out);
      return Tri::kUnknown;
    }
    for (const store::AssistanceEnrollmentRecord& r :
         records.assistance_enrollment()) {
      if (r.status() != store::ENROLLED) continue;
      const bool tekun = r.program() == hedui::v1::TEKUN;
      const bool old_dibao =
          r.program() == hedui::v1::DIBAO && age >= kDibaoObligorAge;
      if (!tekun && !old_dibao) continue;
      AddEvidence(finding_, ctx_, hedui::v1::ASSISTANCE_ENROLLMENT,
                  obligor.person_id(), DescribeRecord(r));
      out->notes.push_back(tekun ? "本人为特困供养人员，无履行义务能力"
                                 : "年满 60 周岁的低保对象，无履行义务能力");
      return Tri::kYes;
    }
    return Tri::kNo;
  }

  // (d) Aged 70+ or severely disabled, and the income of the obligor and
  // their spouse per person below the 低保 standard.
  Tri OldOrSevereAndPoor(const Obligor& obligor,
                         const store::PersonRecords& records, int age,
                         ObligorOutcome* out) {
    Tri frail = Tri::kNo;
    if (age >= kObligorOldAge) {
      frail = Tri::kYes;
      out->notes.push_back("年满 70 周岁");
    } else if (!Usable(hedui::v1::DISABILITY)) {
      Unusable(hedui::v1::DISABILITY, out);
      frail = Tri::kUnknown;
    } else {
      for (const store::DisabilityRecord& r : records.disability()) {
        if (!SevereDisability(r)) continue;
        AddEvidence(finding_, ctx_, hedui::v1::DISABILITY, obligor.person_id(),
                    DescribeRecord(r));
        out->notes.push_back(
            absl::StrCat("重度残疾（", DescribeRecord(r), "）"));
        frail = Tri::kYes;
        break;
      }
    }
    if (frail == Tri::kNo) {
      out->notes.push_back("未满 70 周岁且无重度残疾登记");
      return Tri::kNo;
    }
    return And(frail, IncomeBelowStandard(obligor, records, out));
  }

  // Whether the spouse whose income counts with the obligor's is the one
  // declared: the records of an undeclared spouse are never read (domain.md
  // §1), so a married obligor without their spouse declared is for review.
  Tri SpouseAsDeclared(const Obligor& obligor,
                       const store::PersonRecords& records,
                       ObligorOutcome* out) {
    if (!Usable(hedui::v1::MARRIAGE)) {
      Unusable(hedui::v1::MARRIAGE, out);
      return Tri::kUnknown;
    }
    const std::string& declared = obligor.spouse().person_id();
    const store::MarriageRecord* latest = LatestMarriage(records);
    const bool married =
        latest != nullptr && latest->status() == store::MARRIED;
    if (latest != nullptr) {
      AddEvidence(finding_, ctx_, hedui::v1::MARRIAGE, obligor.person_id(),
                  DescribeRecord(*latest));
    }
    if (married && latest->spouse_id() != declared) {
      out->notes.push_back(
          "婚姻登记显示已婚，其配偶未申报，无法计算夫妻人均收入，需复核");
      return Tri::kReview;
    }
    // A declared spouse the records do not show would change the per-person
    // figure just as much.
    if (!married && !declared.empty()) {
      out->notes.push_back("申报的配偶与婚姻登记不符，需复核");
      return Tri::kReview;
    }
    return Tri::kYes;
  }

  Tri IncomeBelowStandard(const Obligor& obligor,
                          const store::PersonRecords& records,
                          ObligorOutcome* out) {
    const Tri spouse = SpouseAsDeclared(obligor, records, out);
    if (spouse == Tri::kReview) return Tri::kReview;
    std::vector<IncomePerson> persons = {{&records, nullptr}};
    const std::string& spouse_id = obligor.spouse().person_id();
    if (SpouseShares(spouse_id, out))
      persons.push_back({&ctx_.Person(spouse_id), nullptr});
    const IncomeResult income = ComputeIncome(ctx_, persons);
    if (!income.unusable.empty()) {
      for (Department d : income.unusable) Unusable(d, out);
      return Tri::kUnknown;
    }
    if (spouse == Tri::kUnknown) return Tri::kUnknown;
    if (!ctx_.standards_known) {
      out->notes.push_back(ctx_.standards_problem);
      return Tri::kUnknown;
    }
    // Two obligors married to each other share one income: its records are
    // shown once.
    for (const hedui::v1::MemberIncome& m : income.members) {
      if (!income_shown_.insert(m.person_id()).second) continue;
      for (const hedui::v1::CategoryIncome& c : m.categories()) {
        for (const hedui::v1::Evidence& e : c.records()) {
          *finding_->add_evidence() = e;
        }
      }
    }
    const int n = static_cast<int>(persons.size());
    const ExactAmount standard =
        ExactAmount::Fen(ctx_.policy.dibao_standard_fen);
    out->compared = true;
    out->per_person = income.found_total.DividedBy(ctx_.window.months * n);
    const bool below = out->per_person < standard;
    out->notes.push_back(absl::StrCat(
        n == 2 ? "本人及配偶" : "本人", "月人均收入 ", Yuan(out->per_person),
        below ? "，低于" : "，不低于", "低保标准 ", Yuan(standard)));
    if (n == 2 && IsObligor(spouse_id)) {
      out->notes.push_back("配偶同为义务人，二人共同收入对双方同样适用");
    }
    return below ? Tri::kYes : Tri::kNo;
  }

  // The obligor declared as `id`, or null.
  const Obligor* ObligorNamed(absl::string_view id) const {
    if (id.empty()) return nullptr;
    for (const Obligor& o : ctx_.request->obligors()) {
      if (o.person_id() == id) return &o;
    }
    return nullptr;
  }
  bool IsObligor(absl::string_view id) const {
    return ObligorNamed(id) != nullptr;
  }

  // Whether the declared spouse's income counts with the obligor's: not
  // when dead (their own judgement shows the record), nor when they are
  // the other obligor of a couple declared missing or in custody, whose
  // records other than the registration are never read (they cannot sign,
  // domain.md §1) and who does not live with the obligor (§2).
  bool SpouseShares(const std::string& spouse_id, ObligorOutcome* out) {
    if (spouse_id.empty()) return false;
    const Obligor* as_obligor = ObligorNamed(spouse_id);
    if (as_obligor != nullptr && DeclaredAbsent(*as_obligor)) {
      out->notes.push_back(absl::StrCat("配偶同为义务人，申报",
                                        ZhName(as_obligor->declared_status()),
                                        "，不计其收入"));
      return false;
    }
    std::string died;
    if (Deceased(spouse_id, ctx_.Person(spouse_id),
                 /*evidence=*/as_obligor == nullptr, &died)) {
      out->notes.push_back(
          absl::StrCat("配偶已死亡（", died, "），按本人计算"));
      return false;
    }
    return true;
  }

  const EvaluationContext& ctx_;
  Finding* finding_;
  // Persons whose income records are already evidence of the finding.
  absl::flat_hash_set<std::string> income_shown_;
};

}  // namespace

bool DisablesWork(const store::DisabilityRecord& r) {
  switch (r.category()) {
    case store::INTELLECTUAL:
    case store::MENTAL:
      return r.grade() >= 1 && r.grade() <= 3;
    case store::PHYSICAL:
    case store::MULTIPLE:
      return r.grade() >= 1 && r.grade() <= 2;
    case store::VISUAL:
      return r.grade() == 1;
    default:  // hearing or speech alone do not stop work
      return false;
  }
}

void EvaluateCannotWork(const EvaluationContext& ctx,
                        hedui::v1::Report* report) {
  Finding* finding = AddFinding(report, Finding::CANNOT_WORK);
  if (ctx.counted.empty()) {
    finding->set_result(Finding::REVIEW);
    finding->set_explanation("没有可计入的家庭成员，无法判断劳动能力");
    return;
  }
  const bool disability_usable = ctx.freshness.Usable(hedui::v1::DISABILITY);
  const MemberView* failed = nullptr;
  const MemberView* unknown = nullptr;
  const MemberView* review = nullptr;
  std::vector<std::string> lines;
  for (const MemberView* m : ctx.counted) {
    std::string line = absl::StrCat(
        Who(m->declared->relation(), m->declared->name()), " ", m->age, " 岁");
    // Aged 16–17 and declared in full-time school (domain.md §10.1 "Special
    // households"): a person judges, unless a disability already settles it.
    const bool school_minor =
        m->age < kAdultAge && m->declared->full_time_student();
    if (m->age >= kWorkingAgeUntil) {
      absl::StrAppend(&line, "，已满 60 周岁，视为无劳动能力");
    } else if (m->age < kWorkingAgeFrom) {
      absl::StrAppend(&line, "，未满 16 周岁，视为无劳动能力");
    } else if (!disability_usable) {
      absl::StrAppend(&line, "，",
                      DescribeDepartmentState(ctx, hedui::v1::DISABILITY));
      if (school_minor) {
        if (review == nullptr) review = m;
        absl::StrAppend(&line, "；申报为全日制在校学生，需人工认定劳动能力");
      } else {
        if (unknown == nullptr) unknown = m;
        absl::StrAppend(&line, "，无法判断是否丧失劳动能力");
      }
    } else {
      const store::DisabilityRecord* disabling = nullptr;
      for (const store::DisabilityRecord& r : m->records->disability()) {
        AddEvidence(finding, ctx, hedui::v1::DISABILITY,
                    m->declared->person_id(), DescribeRecord(r));
        if (disabling == nullptr && DisablesWork(r)) disabling = &r;
      }
      if (disabling != nullptr) {
        absl::StrAppend(&line, "，", DescribeRecord(*disabling),
                        "，视为无劳动能力");
      } else if (school_minor) {
        if (review == nullptr) review = m;
        absl::StrAppend(&line,
                        "，未满 18 周岁，申报为全日制在校学生，"
                        "需人工认定劳动能力");
      } else {
        if (failed == nullptr) failed = m;
        std::vector<std::string> held;
        for (const store::DisabilityRecord& r : m->records->disability()) {
          held.push_back(DescribeRecord(r));
        }
        absl::StrAppend(
            &line,
            held.empty()
                ? "，无残疾登记"
                : absl::StrCat("，残疾登记（", absl::StrJoin(held, "、"),
                               "）不属于丧失劳动能力的情形"),
            "，具有劳动能力");
      }
    }
    lines.push_back(std::move(line));
  }

  // The value shown is the age of the member the result rests on.
  const MemberView* deciding = ctx.counted.front();
  std::string lead = "计入成员均无劳动能力：";
  if (failed != nullptr) {
    finding->set_result(Finding::FAIL);
    deciding = failed;
    lead = "有计入成员具有劳动能力：";
  } else if (unknown != nullptr) {
    finding->set_result(Finding::UNKNOWN);
    finding->add_missing_departments(hedui::v1::DISABILITY);
    deciding = unknown;
    lead = "残联数据不可用，无法判断劳动能力（缺失不视为零）：";
  } else if (review != nullptr) {
    finding->set_result(Finding::REVIEW);
    deciding = review;
    lead = "有计入成员为 16 至 17 周岁的全日制在校学生，需人工认定：";
  }
  *finding->mutable_value() = YearsQuantity(deciding->age);
  finding->set_explanation(absl::StrCat(lead, absl::StrJoin(lines, "；")));
}

void EvaluateObligors(const EvaluationContext& ctx, hedui::v1::Report* report) {
  Finding* finding = AddFinding(report, Finding::OBLIGORS);
  const auto& obligors = ctx.request->obligors();
  if (obligors.empty()) {
    finding->set_explanation("未申报法定赡养、抚养、扶养义务人");
    return;
  }
  ObligorJudge judge(ctx, finding);
  bool any_able = false;
  bool any_review = false;
  bool any_unknown = false;
  std::set<int> missing;  // departments, in enum order
  std::vector<std::string> lines;
  std::vector<ObligorOutcome> compared;
  int living = 0;
  for (const Obligor& obligor : obligors) {
    ObligorOutcome out = judge.Judge(obligor);
    living += !out.deceased;
    switch (out.deceased ? Tri::kYes : out.unable) {
      case Tri::kNo:
        any_able = true;
        break;
      case Tri::kReview:
        any_review = true;
        break;
      case Tri::kUnknown:
        any_unknown = true;
        missing.insert(out.unusable.begin(), out.unusable.end());
        break;
      case Tri::kYes:
        break;
    }
    lines.push_back(absl::StrCat("义务人 ",
                                 Who(obligor.relation(), obligor.name()), "：",
                                 absl::StrJoin(out.notes, "，")));
    if (out.compared) compared.push_back(std::move(out));
  }
  // One income against the standard is a comparison the finding can show:
  // one obligor's, or the joint income of two obligors married to each
  // other (the same figure for both); with several, each is in the
  // explanation.
  bool one_figure = !compared.empty();
  for (const ObligorOutcome& c : compared) {
    one_figure = one_figure && c.per_person == compared.front().per_person;
  }
  if (one_figure) {
    SetComparison(finding, Finding::LESS_THAN,
                  ExactAmount::Fen(ctx.policy.dibao_standard_fen),
                  compared.front().per_person,
                  hedui::v1::Quantity::FEN_PER_PERSON_MONTH);
  }
  std::string lead = "全部义务人均无履行赡养、抚养、扶养义务的能力：";
  if (living == 0) {
    // A deceased obligor counts as no obligor (domain.md §10.1), as if
    // none had been declared.
    lead = "申报的义务人均已死亡，视为无法定赡养、抚养、扶养义务人：";
  } else if (any_able) {
    finding->set_result(Finding::FAIL);
    lead = "有义务人具备履行赡养、抚养、扶养义务的能力：";
  } else if (any_review) {
    finding->set_result(Finding::REVIEW);
    lead = "义务人情况需复核：";
  } else if (any_unknown) {
    finding->set_result(Finding::UNKNOWN);
    for (int d : missing) {
      finding->add_missing_departments(static_cast<Department>(d));
    }
    lead = "部分数据缺失或过期，无法判断义务人能力（缺失不视为零）：";
  }
  finding->set_explanation(absl::StrCat(lead, absl::StrJoin(lines, "；")));
}

}  // namespace hedui::engine
