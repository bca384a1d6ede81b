#include "tests/datagen/applicant_income.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

int64_t RoundDown(int64_t fen, int64_t unit) { return fen / unit * unit; }
int64_t RoundUp(int64_t fen, int64_t unit) {
  return (fen + unit - 1) / unit * unit;
}

// Which benefits are income (domain.md §4: pensions and unemployment benefit
// are transfers; care and survivor pensions, disability subsidies and
// assistance payments are not; the residents' basic pension by policy).
bool CountsAsIncome(store::BenefitType type) {
  switch (type) {
    case store::EMPLOYEE_PENSION:
    case store::UNEMPLOYMENT_BENEFIT:
      return true;
    case store::RESIDENTS_BASIC_PENSION:
      return !kResidentsBasicPensionExcluded;
    default:
      return false;
  }
}

const Job* FirstWageJob(const ApplicantMember& m) {
  for (const Job& job : m.jobs) {
    if (job.income_type == store::WAGE) return &job;
  }
  return nullptr;
}

std::vector<Job> AllJobs(const ApplicantMember& m) {
  std::vector<Job> all = m.jobs;
  all.insert(all.end(), m.hidden_jobs.begin(), m.hidden_jobs.end());
  return all;
}

class IncomeMaker {
 public:
  IncomeMaker(County& county, Rng& rng, ApplicantHousehold& household,
              int64_t rigid_fen)
      : county_(county), rng_(rng), h_(household), plan_(*household.plan) {
    line100_ = IncomeLine100(h_);
    deep100_ = DibaoLine100(h_);
    offset100_ =
        plan_.program == hedui::v1::UNION_HARDSHIP ? rigid_fen * 100 : 0;
  }

  absl::Status Make();

 private:
  // The household's monthly net income line (fen), rigid spending included.
  int64_t MonthlyLine() const { return (line100_ + offset100_) / 1200; }
  int64_t MonthlyDeepLine() const { return (deep100_ + offset100_) / 1200; }

  void Allocate(int64_t budget, bool allow_informal);
  void AddWage(ApplicantMember& m, int64_t wage, bool allow_informal,
               bool plain);
  void AddHidden(ApplicantMember& m, int64_t wage);
  ApplicantMember& OtherAdult();
  absl::Status Declare();
  absl::Status DifferDeclaration();
  absl::Status LeaveBlank();
  void Emit();

  County& county_;
  Rng& rng_;
  ApplicantHousehold& h_;
  const CasePlan& plan_;
  int64_t line100_ = 0;
  int64_t deep100_ = 0;
  int64_t offset100_ = 0;
};

void IncomeMaker::AddWage(ApplicantMember& m, int64_t wage, bool allow_informal,
                          bool plain) {
  if (allow_informal && rng_.PerMille(80)) {
    m.informal_wage_fen += wage;  // declared; no department covers it
    return;
  }
  Job job;
  job.employer = county_.RandomEmployer(rng_, plan_.region);
  job.monthly_fen = wage;
  job.pay_day = static_cast<int>(rng_.Uniform(5, 28));
  const size_t kind = plain ? 0 : rng_.Weighted({55, 25, 20});
  if (kind == 2) {
    // Only social insurance reports this wage: its base is the evidence.
    job.tax = false;
  } else {
    job.social_insurance = kind == 0;
    if (!plain && rng_.PerMille(100) && wage / 6 >= 100) {
      const int64_t bonus = RoundDown(wage / 6, 100);
      job.monthly_fen = wage - bonus;
      job.bonus_fen = 12 * bonus;  // the window total stays 12 × wage
    }
    if (!plain && rng_.PerMille(100))
      job.shift_fen = RoundDown(job.monthly_fen / 5, 100);
    if (job.social_insurance && rng_.PerMille(500)) {
      // Tax prevails: a base that differs from the wage must not be used.
      job.social_insurance_base_fen = std::max<int64_t>(
          100, RoundDown(wage * rng_.Uniform(700, 1600) / 1000, 100));
    }
  }
  if (job.social_insurance && rng_.PerMille(250)) {
    // Below the lowest monthly wage, so the fund base never "exceeds the
    // figure used by more than half".
    job.housing_fund = true;
    job.housing_fund_base_fen = std::max<int64_t>(
        100, RoundDown(wage * rng_.Uniform(500, 900) / 1000, 100));
  }
  m.jobs.push_back(std::move(job));
}

void IncomeMaker::AddHidden(ApplicantMember& m, int64_t wage) {
  Job job;
  // Another employer than the member's own: social-insurance and fund rows
  // are keyed by (person, period, employer).
  do {
    job.employer = county_.RandomEmployer(rng_, plan_.region);
  } while (std::any_of(m.jobs.begin(), m.jobs.end(), [&](const Job& j) {
    return j.employer == job.employer;
  }));
  job.monthly_fen = wage;
  job.pay_day = static_cast<int>(rng_.Uniform(5, 28));
  // Same reporting as the member's declared job, so the evidence rule (tax
  // where present, else social insurance) counts both.
  const Job* declared = FirstWageJob(m);
  const bool si_only = declared != nullptr && !declared->tax;
  job.tax = !si_only;
  job.social_insurance = si_only || rng_.PerMille(700);
  m.hidden_jobs.push_back(std::move(job));
}

ApplicantMember& IncomeMaker::OtherAdult() {
  for (size_t i = 1; i < h_.members.size(); ++i) {
    ApplicantMember& m = h_.members[i];
    if (!m.deceased && m.age >= 18 && m.age < 65 && !m.student &&
        FirstWageJob(m) == nullptr && m.informal_wage_fen == 0) {
      return m;
    }
  }
  return h_.members[0];
}

void IncomeMaker::Allocate(int64_t budget, bool allow_informal) {
  int64_t remaining = std::max<int64_t>(0, budget);
  const bool tekun = plan_.program == hedui::v1::TEKUN;
  const bool force_pension = tekun && NeedsCoveredIncome(plan_);
  for (ApplicantMember& m : h_.members) {
    if (m.deceased || m.age < 60) continue;
    const int64_t min_pension = force_pension ? 20000 : 80000;
    if (plan_.urban && (force_pension || rng_.PerMille(600)) &&
        remaining >= min_pension) {
      BenefitStream pension;
      pension.type = store::EMPLOYEE_PENSION;
      pension.payer =
          absl::StrCat(CityName(plan_.region), "社会保险基金管理中心");
      pension.monthly_fen = RoundDown(
          std::min(rng_.Uniform(min_pension, 300000), remaining), 100);
      if (rng_.PerMille(400)) {
        // A raise in multiples of 6 fen keeps the window average (12p + 10r) /
        // 12 whole.
        pension.raise_fen = 600 * rng_.Uniform(1, 5);
        while (pension.raise_fen > 0 &&
               pension.monthly_fen + pension.raise_fen * 10 / 12 > remaining) {
          pension.raise_fen -= 6;
        }
      }
      remaining -= pension.WindowTotal() / 12;
      m.benefits.push_back(std::move(pension));
    } else if (!plan_.urban) {
      BenefitStream pension;  // not income
      pension.type = store::RESIDENTS_BASIC_PENSION;
      pension.payer =
          absl::StrCat(CityName(plan_.region), "社会保险基金管理中心");
      pension.monthly_fen = 100 * rng_.Uniform(210, 360);
      m.benefits.push_back(std::move(pension));
    }
  }

  std::vector<ApplicantMember*> earners;
  for (ApplicantMember& m : h_.members) {
    if (!tekun && !m.deceased && m.age >= 18 && m.age < 60 && !m.student) {
      earners.push_back(&m);
    }
  }
  if (!tekun && rng_.PerMille(50) && remaining >= 20000) {
    // Rent from a flat: property income (tax PROPERTY_INCOME).
    ApplicantMember& owner = h_.members[0];
    Job rent;
    rent.employer = county_.RandomEmployer(rng_, plan_.region);
    rent.income_type = store::PROPERTY_INCOME;
    rent.social_insurance = false;
    rent.monthly_fen =
        RoundDown(std::min(rng_.Uniform(20000, 80000), remaining / 2), 100);
    remaining -= rent.monthly_fen;
    owner.jobs.push_back(std::move(rent));
  }
  if (earners.size() >= 2 && rng_.PerMille(60) && remaining >= 60000) {
    // Unemployment benefit for six months: 6u over the window, u even.
    ApplicantMember& m = *earners.back();
    earners.pop_back();
    BenefitStream benefit;
    benefit.type = store::UNEMPLOYMENT_BENEFIT;
    benefit.payer =
        absl::StrCat(CityName(plan_.region), "人力资源和社会保障局");
    benefit.monthly_fen =
        RoundDown(std::min(rng_.Uniform(100000, 180000), remaining), 200);
    benefit.first = absl::CivilMonth(2026, 3);
    benefit.last = absl::CivilMonth(2026, 8);
    remaining -= benefit.WindowTotal() / 12;
    m.benefits.push_back(std::move(benefit));
  }
  if (earners.empty() || remaining <= 0) return;
  const int64_t gross = remaining * 100 / (100 - kEmploymentCostPercent);
  int64_t first = gross;
  if (earners.size() >= 2 && rng_.PerMille(350)) {
    first = gross * rng_.Uniform(500, 800) / 1000;
    const int64_t second = RoundDown(gross - first, 100);
    if (second >= 10000) AddWage(*earners[1], second, allow_informal, false);
  }
  first = RoundDown(first, 100);
  if (first >= 10000) AddWage(*earners[0], first, allow_informal, false);
}

absl::Status IncomeMaker::Declare() {
  for (ApplicantMember& m : h_.members) {
    // A deceased member's income is left out whole; the declaration shows none.
    if (m.deceased) continue;
    const int64_t wages = WindowWageEvidence(m.jobs);
    const int64_t property = WindowTaxIncome(m.jobs, store::PROPERTY_INCOME);
    int64_t transfer = 0;
    for (const BenefitStream& b : m.benefits) {
      if (CountsAsIncome(b.type)) transfer += b.WindowTotal();
    }
    if (wages % 12 != 0 || property % 12 != 0 || transfer % 12 != 0) {
      return absl::InternalError(
          absl::StrCat("application ", plan_.index + 1,
                       ": a window total is not 12 whole months"));
    }
    m.declared_wages_fen = wages / 12 + m.informal_wage_fen;
    m.declared_property_fen = property / 12;
    m.declared_transfer_fen = transfer / 12;
  }
  return absl::OkStatus();
}

absl::Status IncomeMaker::DifferDeclaration() {
  for (ApplicantMember& m : h_.members) {
    if (m.deceased) continue;
    int64_t* declared = nullptr;
    if (FirstWageJob(m) != nullptr) {
      declared = &m.declared_wages_fen;
    } else if (m.declared_transfer_fen > 0) {
      declared = &m.declared_transfer_fen;
    }
    if (declared == nullptr || *declared < 1000) continue;
    const int64_t factor =
        rng_.PerMille(500) ? rng_.Uniform(850, 950) : rng_.Uniform(1050, 1150);
    const int64_t original = *declared;
    int64_t changed = RoundDown(original * factor / 1000, 100);
    if (changed == original) changed -= 100;
    *declared = changed;
    // A trade-union household's line is on income net of rigid spending, so
    // +15% of a gross wage can cross it (APP-44749 of 80,000): the
    // declaration must stay on the found side, so it goes as far down
    // instead, drawing nothing more (other households keep their bytes).
    if (DeclaredIncome100(h_) - offset100_ >= line100_) {
      changed = RoundDown(original * (2000 - factor) / 1000, 100);
      if (changed == original) changed -= 100;
      *declared = changed;
    }
    return absl::OkStatus();
  }
  return absl::InternalError(
      absl::StrCat("application ", plan_.index + 1,
                   ": no found income to declare differently"));
}

// DECLARED_NOTHING: one member leaves blank a category the records show
// (wages a department reports, else a pension); and as people do, every
// category the whole household has nothing in is left blank too.
absl::Status IncomeMaker::LeaveBlank() {
  bool done = false;
  for (ApplicantMember& m : h_.members) {
    if (m.deceased || done) continue;
    if (FirstWageJob(m) != nullptr && m.informal_wage_fen == 0 &&
        m.declared_wages_fen > 0) {
      m.declared_wages_fen = 0;
      m.blank.push_back("WAGES");
      m.blank_shown = "WAGES";
      done = true;
    } else if (m.declared_transfer_fen > 0) {
      m.declared_transfer_fen = 0;
      m.blank.push_back("TRANSFER");
      m.blank_shown = "TRANSFER";
      done = true;
    }
  }
  if (!done) {
    return absl::InternalError(absl::StrCat(
        "application ", plan_.index + 1, ": no found income to leave blank"));
  }
  bool wages = false, property = false, transfer = false;
  for (const ApplicantMember& m : h_.members) {
    wages = wages || m.declared_wages_fen > 0;
    property = property || m.declared_property_fen > 0;
    transfer = transfer || m.declared_transfer_fen > 0;
  }
  for (ApplicantMember& m : h_.members) {
    auto blank = [&m](const char* category) {
      if (std::find(m.blank.begin(), m.blank.end(), category) == m.blank.end())
        m.blank.push_back(category);
    };
    if (!wages) blank("WAGES");
    blank("BUSINESS");
    if (!property) blank("PROPERTY");
    if (!transfer) blank("TRANSFER");
    blank("OTHER");
  }
  return absl::OkStatus();
}

void IncomeMaker::Emit() {
  FeedWriter& feeds = county_.feeds();
  for (const ApplicantMember& m : h_.members) {
    for (const Job& job : m.jobs) EmitJob(feeds, m.person.id, job);
    for (const Job& job : m.hidden_jobs) EmitJob(feeds, m.person.id, job);
    for (const BenefitStream& b : m.benefits)
      EmitBenefit(feeds, m.person.id, b);
  }
}

absl::Status IncomeMaker::Make() {
  ApplicantMember& head = h_.members[0];
  const bool union_hardship = plan_.program == hedui::v1::UNION_HARDSHIP;
  switch (plan_.boundary) {
    case Boundary::kIncomeJustBelow: {
      // The largest whole-fen wage w with 12 × w × 90 < line.
      AddWage(head, (line100_ + offset100_ - 1) / 1080, false, true);
      break;
    }
    case Boundary::kIncomeAtLine: {
      const int64_t total =
          (line100_ + 1079) / 1080;  // 12 × total × 90 == line
      const int64_t declared =
          RoundDown(total * rng_.Uniform(300, 600) / 1000, 100);
      AddWage(head, declared, false, true);
      AddHidden(OtherAdult(), total - declared);
      if (FoundIncome100(h_) != line100_) {
        return absl::InternalError(
            "income at the line is not exactly at the line");
      }
      break;
    }
    case Boundary::kBetweenOldAndNewStandard: {
      const int64_t before = DibaoStandardFen(plan_.region, plan_.urban,
                                              absl::CivilDay(2026, 1, 1));
      const int n = h_.counted();
      const int64_t middle = (before + h_.standard_fen) / 2;
      const int64_t wage = RoundUp((middle * n * 100 + 89) / 90, 100);
      AddWage(head, wage, false, true);
      if (!(wage * 1080 < line100_ && wage * 1080 > before * 1200 * n)) {
        return absl::InternalError(
            "income is not between the old and the new standard");
      }
      break;
    }
    default: {
      if (plan_.Has(Plant::kUndeclaredWages)) {
        const int64_t declared_budget =
            union_hardship ? MonthlyDeepLine() * rng_.Uniform(200, 700) / 1000
                           : MonthlyLine() * rng_.Uniform(100, 450) / 1000;
        // No informal work here: the hidden wages may fall to any adult, and
        // declared informal wages next to formal records would be ambiguous.
        Allocate(declared_budget, false);
        const int64_t target = MonthlyLine() * rng_.Uniform(1300, 2200) / 1000;
        const int64_t current = FoundIncome100(h_) / 1200;
        const int64_t wage = std::max<int64_t>(
            100, RoundUp((target - current) * 100 / 90 + 1, 100));
        ApplicantMember& earner =
            plan_.program == hedui::v1::TEKUN ? head : OtherAdult();
        AddHidden(earner, wage);
      } else if (union_hardship) {
        // Clean trade-union cases reach the deep or only the relative tier.
        const int64_t deep = MonthlyDeepLine();
        const int64_t budget =
            rng_.PerMille(500)
                ? deep * rng_.Uniform(200, 800) / 1000
                : deep + (MonthlyLine() - deep) * rng_.Uniform(250, 800) / 1000;
        Allocate(budget, !NeedsCoveredIncome(plan_));
      } else if (NeedsCoveredIncome(plan_)) {
        Allocate(MonthlyLine() * rng_.Uniform(300, 650) / 1000, false);
      } else {
        Allocate(rng_.PerMille(120)
                     ? 0
                     : MonthlyLine() * rng_.Uniform(50, 750) / 1000,
                 true);
      }
    }
  }

  // A member who died this year had a pension until then; it is left out
  // whole with them.
  for (ApplicantMember& m : h_.members) {
    if (!m.deceased || m.age < 60 || !plan_.urban) continue;
    BenefitStream pension;
    pension.type = store::EMPLOYEE_PENSION;
    pension.payer =
        absl::StrCat(CityName(plan_.region), "社会保险基金管理中心");
    pension.monthly_fen = 100 * rng_.Uniform(1500, 3000);
    pension.last = absl::CivilMonth(h_.death_day) - 1;
    m.benefits.push_back(std::move(pension));
  }

  if (absl::Status s = Declare(); !s.ok()) return s;
  if (plan_.Has(Plant::kDeclaredDiffersNoEffect)) {
    if (absl::Status s = DifferDeclaration(); !s.ok()) return s;
  }
  if (plan_.Has(Plant::kDeclaredNothing)) {
    if (absl::Status s = LeaveBlank(); !s.ok()) return s;
  }
  Emit();
  return absl::OkStatus();
}

}  // namespace

int64_t FoundIncome100(const ApplicantHousehold& household) {
  int64_t total = 0;
  for (const ApplicantMember& m : household.members) {
    if (m.deceased) continue;
    const std::vector<Job> all = AllJobs(m);
    const int64_t wages = WindowWageEvidence(all) + 12 * m.informal_wage_fen;
    int64_t other = WindowTaxIncome(all, store::PROPERTY_INCOME) +
                    WindowTaxIncome(all, store::BUSINESS_INCOME);
    for (const BenefitStream& b : m.benefits) {
      if (CountsAsIncome(b.type)) other += b.WindowTotal();
    }
    total += wages * (100 - kEmploymentCostPercent) + other * 100;
  }
  return total;
}

int64_t DeclaredIncome100(const ApplicantHousehold& household) {
  int64_t total = 0;
  for (const ApplicantMember& m : household.members) {
    if (m.deceased) continue;
    total += 12 * (m.declared_wages_fen * (100 - kEmploymentCostPercent) +
                   (m.declared_property_fen + m.declared_transfer_fen) * 100);
  }
  return total;
}

int64_t DibaoLine100(const ApplicantHousehold& household) {
  return household.standard_fen * kLookBackMonths * household.counted() * 100;
}

int64_t IncomeLine100(const ApplicantHousehold& household) {
  const int64_t dibao = DibaoLine100(household);
  switch (household.plan->program) {
    case hedui::v1::HOUSING:
      return dibao / 100 * kMarginMultiplePercent;
    case hedui::v1::MEDICAL:
      // Enrolled households are not income-tested; they are built below the
      // 低保 line anyway.
      return household.plan->medical_enrolled
                 ? dibao
                 : dibao / 100 * kMarginMultiplePercent;
    case hedui::v1::TEMPORARY:
      return kTemporaryAnnualIncomeFen * household.counted() * 100;
    case hedui::v1::UNION_HARDSHIP:
      return dibao * kUnionRelativeMultiple;
    default:
      return dibao;
  }
}

absl::Status BuildIncome(County& county, Rng& rng,
                         ApplicantHousehold& household,
                         int64_t rigid_spending_fen) {
  return IncomeMaker(county, rng, household, rigid_spending_fen).Make();
}

}  // namespace hedui::datagen
