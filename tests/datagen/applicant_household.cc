#include "tests/datagen/applicant_household.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

// Marriages, divorces and enrollments all happened before the snapshots.
const absl::CivilDay kLastEvent(2026, 9, 30);

int Age(Rng& rng, int lo, int hi) {
  return static_cast<int>(rng.Uniform(lo, hi));
}

bool NeedsEarner(const CasePlan& plan) {
  return plan.Has(Plant::kUndeclaredWages) || NeedsCoveredIncome(plan) ||
         plan.boundary == Boundary::kIncomeJustBelow ||
         plan.boundary == Boundary::kIncomeAtLine ||
         plan.boundary == Boundary::kBetweenOldAndNewStandard;
}

class PeopleMaker {
 public:
  PeopleMaker(County& county, Rng& rng, ApplicantHousehold& household)
      : county_(county), rng_(rng), h_(household), plan_(*household.plan) {}

  void Make() {
    h_.household_number = county_.NewHouseholdNumber(plan_.region);
    if (plan_.program == hedui::v1::TEKUN) {
      MakeTekun();
    } else {
      MakeFamily();
    }
    for (const ApplicantMember& m : h_.members) {
      county_.Register(m.person, h_.household_number, m.relation, plan_.region,
                       plan_.urban,
                       m.deceased ? store::DECEASED : store::NORMAL);
      if (m.deceased) county_.feeds().Death(m.person.id, h_.death_day);
    }
    if (h_.undeclared_spouse) {
      county_.Register(*h_.undeclared_spouse, h_.household_number,
                       store::SPOUSE, plan_.region, plan_.urban);
    }
    Marriages();
    Disabilities();
    if (plan_.medical_enrolled) Enroll();
  }

 private:
  FeedWriter& feeds() { return county_.feeds(); }

  ApplicantMember& Add(int age, bool male, store::RelationToHead relation,
                       absl::string_view surname = "",
                       std::optional<absl::CivilDay> birth = std::nullopt) {
    ApplicantMember m;
    m.relation = relation;
    m.person = county_.NewPerson(
        rng_, plan_.region, birth ? *birth : BirthForAgeOn(rng_, h_.day(), age),
        male, surname);
    m.age = m.person.AgeOn(h_.day());
    h_.members.push_back(std::move(m));
    return h_.members.back();
  }

  // A person registered alone in a household of their own (its 户号 in
  // `household`, when asked).
  Person Loner(int age, bool male, store::RegistrationStatus status,
               absl::string_view surname = "",
               std::string* household = nullptr) {
    Person p = county_.NewPerson(
        rng_, plan_.region, BirthForAgeOn(rng_, h_.day(), age), male, surname);
    const std::string number = county_.NewHouseholdNumber(plan_.region);
    county_.Register(p, number, store::HEAD, plan_.region, plan_.urban, status);
    if (household != nullptr) *household = number;
    return p;
  }

  absl::CivilDay WeddingDay(const Person& a, const Person& b) {
    const absl::CivilDay earliest =
        std::min(std::max(a.birth, b.birth) + 365 * 21, kLastEvent - 400);
    return earliest +
           rng_.Uniform(0, std::min<int64_t>(365 * 7, kLastEvent - earliest));
  }

  void Marry(const Person& a, const Person& b, absl::CivilDay date) {
    feeds().Marriage(a.id, b.id, store::MARRIED, date);
    feeds().Marriage(b.id, a.id, store::MARRIED, date);
  }

  // `person` married `ex` and divorced before `before`: ex lives elsewhere.
  void DivorcedFrom(const Person& person, absl::CivilDay before) {
    const int age = std::max(20, person.AgeOn(h_.day()) + Age(rng_, -4, 4));
    const Person ex = Loner(age, !person.male, store::NORMAL);
    const absl::CivilDay last = std::min(before, kLastEvent);
    // Married and divorced, both before `before`.
    const absl::CivilDay married = std::min(WeddingDay(person, ex), last - 800);
    const absl::CivilDay divorced =
        married + 365 + rng_.Uniform(0, last - married - 365);
    Marry(person, ex, married);
    feeds().Marriage(person.id, ex.id, store::DIVORCED, divorced);
    feeds().Marriage(ex.id, person.id, store::DIVORCED, divorced);
  }

  void MakeFamily();
  void MakeTekun();
  void Marriages();
  void Disabilities();
  void Enroll();

  County& county_;
  Rng& rng_;
  ApplicantHousehold& h_;
  const CasePlan& plan_;
  bool couple_ = false;
  int parents_ = 0;
  int children_ = 0;
};

void PeopleMaker::MakeFamily() {
  const int n = plan_.size;
  const bool earner = NeedsEarner(plan_);
  const bool turns18 = plan_.boundary == Boundary::kTurns18Today;
  const bool deceased = plan_.Has(Plant::kDeceasedMember);
  couple_ = !plan_.Has(Plant::kUndeclaredSpouse) && n >= 2 &&
            rng_.PerMille(n == 2 ? 600 : 780);
  if (turns18 && n == 2) couple_ = false;
  int rest = n - 1 - (couple_ ? 1 : 0);
  const bool grand = !plan_.urban && couple_ && rest >= 1 && !turns18 &&
                     !earner && rng_.PerMille(120);
  if (!grand && rest >= 1 && rng_.PerMille(180)) {
    parents_ = rest >= 2 && rng_.PerMille(400) ? 2 : 1;
  }
  // The member who died is an elderly parent when there is no spouse.
  if (deceased && !couple_ && parents_ == 0) parents_ = 1;
  if (turns18) parents_ = std::min(parents_, rest - 1);
  children_ = rest - parents_;

  int head_age;
  if (grand) {
    head_age = Age(rng_, 55, 68);
  } else if (children_ > 0) {
    head_age = turns18 ? Age(rng_, 40, 52) : Age(rng_, 30, 50);
  } else if (parents_ > 0) {
    head_age = Age(rng_, 28, 55);
  } else if (earner) {
    head_age = Age(rng_, 25, 55);
  } else {
    head_age = rng_.PerMille(550) ? Age(rng_, 25, 59) : Age(rng_, 60, 85);
  }
  const bool head_male = couple_ ? rng_.PerMille(700) : rng_.PerMille(450);
  Add(head_age, head_male, store::HEAD);
  const std::string surname = h_.members[0].person.surname;
  if (couple_) {
    Add(std::clamp(head_age + Age(rng_, -5, 5), 20, 95), !head_male,
        store::SPOUSE);
  }
  if (grand) {
    for (int i = 0; i < rest; ++i) {
      Add(Age(rng_, 3, 15), rng_.PerMille(520), store::GRANDCHILD, surname);
    }
    children_ = 0;
  } else {
    for (int i = 0; i < children_; ++i) {
      if (turns18 && i == 0) {
        const absl::CivilDay day = h_.day();
        ApplicantMember& child =
            Add(18, rng_.PerMille(500), store::CHILD, surname,
                absl::CivilDay(day.year() - 18, day.month(), day.day()));
        child.student = true;
        continue;
      }
      int age = head_age - Age(rng_, 20, 36);
      if (age < 0) age = Age(rng_, 0, 5);
      ApplicantMember& child =
          Add(age, rng_.PerMille(520), store::CHILD, surname);
      child.student = child.age >= 18 && child.age <= 22 && rng_.PerMille(800);
    }
    for (int i = 0; i < parents_; ++i) {
      Add(std::min(95, head_age + Age(rng_, 22, 30)), i == 0, store::PARENT,
          i == 0 && head_male ? absl::string_view(surname)
                              : absl::string_view());
    }
  }

  if (deceased) {
    // The member who died: a parent if there is one, else the spouse, else
    // the first child (members are ordered head, spouse, children, parents).
    size_t who = 1;
    for (size_t i = 1; i < h_.members.size(); ++i) {
      if (h_.members[i].relation == store::PARENT) who = i;
    }
    h_.members[who].deceased = true;
    h_.death_day =
        absl::CivilDay(2026, 5, 1) + rng_.Uniform(0, 172);  // to 10-20
  }
  if (plan_.Has(Plant::kUndeclaredSpouse)) {
    const Person& head = h_.members[0].person;
    h_.undeclared_spouse = county_.NewPerson(
        rng_, plan_.region,
        BirthForAgeOn(rng_, h_.day(),
                      std::max(20, head_age + Age(rng_, -5, 5))),
        !head.male);
  }
}

void PeopleMaker::MakeTekun() {
  const absl::CivilDay day = h_.day();
  switch (plan_.tekun) {
    case TekunKind::kNone:
    case TekunKind::kElderAlone: {
      if (plan_.boundary == Boundary::kTurns60Today) {
        Add(60, rng_.PerMille(450), store::HEAD, "",
            absl::CivilDay(day.year() - 60, day.month(), day.day()));
      } else {
        Add(plan_.Has(Plant::kUndeclaredWages) ? Age(rng_, 61, 68)
                                               : Age(rng_, 62, 90),
            rng_.PerMille(450), store::HEAD);
      }
      break;
    }
    case TekunKind::kElderCouple: {
      Add(Age(rng_, 62, 85), true, store::HEAD);
      Add(Age(rng_, 60, 85), false, store::SPOUSE);
      couple_ = true;
      break;
    }
    case TekunKind::kElderWithChild: {
      // 0: a 低保 recipient aged 60+; 1: missing; 2: in custody.
      const int variant =
          plan_.obligor_enrolled ? 0 : (rng_.PerMille(500) ? 1 : 2);
      const int child_age =
          variant == 0 ? Age(rng_, 60, 66) : Age(rng_, 30, 50);
      const int head_age = variant == 0
                               ? std::min(95, child_age + Age(rng_, 20, 28))
                               : std::max(62, child_age + Age(rng_, 22, 30));
      const bool head_male = rng_.PerMille(400);
      Add(head_age, head_male, store::HEAD);
      const store::RegistrationStatus status = variant == 0 ? store::NORMAL
                                               : variant == 1
                                                   ? store::MISSING
                                                   : store::IN_CUSTODY;
      std::string child_household;
      const Person child =
          Loner(child_age, rng_.PerMille(500), status,
                head_male ? absl::string_view(h_.members[0].person.surname)
                          : absl::string_view(),
                &child_household);
      if (variant == 0) {
        // A 低保 recipient aged 60+: unable to support (domain.md §5), on
        // the roll under the 户号 the child lives in.
        const absl::CivilDay since =
            absl::CivilDay(2022, 1, 1) + rng_.Uniform(0, 1400);
        EnrollDeclared(feeds(), h_,
                       {child.id, false, hedui::v1::DIBAO, child_household,
                        store::ENROLLED},
                       since);
        BenefitStream payment;
        payment.type = store::ASSISTANCE_PAYMENT;
        payment.payer = absl::StrCat(CityName(plan_.region), "民政局");
        payment.monthly_fen = h_.standard_fen / 100 * 60;
        EmitBenefit(feeds(), child.id, payment);
        BenefitStream pension;
        pension.type = store::RESIDENTS_BASIC_PENSION;
        pension.payer =
            absl::StrCat(CityName(plan_.region), "社会保险基金管理中心");
        pension.monthly_fen = 25000;
        EmitBenefit(feeds(), child.id, pension);
      }
      h_.obligors.push_back({child, store::CHILD, status});
      break;
    }
    case TekunKind::kSeverelyDisabled: {
      const int age = Age(rng_, 20, 55);
      ApplicantMember& m = Add(age, rng_.PerMille(550), store::HEAD);
      // Each is "cannot work" by domain.md §5.
      struct Severe {
        store::DisabilityCategory category;
        int max_grade;
      };
      constexpr Severe kSevere[] = {{store::INTELLECTUAL, 3},
                                    {store::MENTAL, 3},
                                    {store::PHYSICAL, 2},
                                    {store::VISUAL, 1}};
      const Severe s = kSevere[rng_.Uniform(0, 3)];
      feeds().Disability(m.person.id, s.category,
                         static_cast<int>(rng_.Uniform(1, s.max_grade)));
      m.physical_disability = s.category == store::PHYSICAL;
      BenefitStream subsidy;
      subsidy.type = store::DISABILITY_SUBSIDY;
      subsidy.payer = absl::StrCat(CityName(plan_.region), "残疾人联合会");
      subsidy.monthly_fen = 20000 + 100 * rng_.Uniform(0, 100);
      m.benefits.push_back(subsidy);
      if (rng_.PerMille(300) && age + 28 <= 80) {
        const store::RegistrationStatus status =
            rng_.PerMille(500) ? store::MISSING : store::IN_CUSTODY;
        const Person parent =
            Loner(age + Age(rng_, 20, 28), rng_.PerMille(500), status);
        h_.obligors.push_back({parent, store::PARENT, status});
      }
      break;
    }
    case TekunKind::kMinor: {
      std::optional<absl::CivilDay> birth;
      if (plan_.boundary == Boundary::kTurns16Tomorrow) {
        birth = absl::CivilDay(day.year() - 16, day.month(), day.day()) + 1;
      }
      ApplicantMember& child =
          Add(Age(rng_, 6, 15), rng_.PerMille(520), store::HEAD, "", birth);
      const int age = child.age;
      const std::string surname = child.person.surname;
      const store::RegistrationStatus status =
          rng_.PerMille(500) ? store::MISSING : store::IN_CUSTODY;
      const Person father =
          Loner(age + Age(rng_, 25, 35), true, status, surname);
      std::string mother_household;
      const Person mother = Loner(age + Age(rng_, 23, 33), false, store::NORMAL,
                                  "", &mother_household);
      Marry(father, mother, WeddingDay(father, mother));
      // The mother is 特困 herself (severely disabled): unable to support.
      feeds().Disability(mother.id, store::PHYSICAL, 1);
      EnrollDeclared(feeds(), h_,
                     {mother.id, false, hedui::v1::TEKUN, mother_household,
                      store::ENROLLED},
                     absl::CivilDay(2019, 1, 1) + rng_.Uniform(0, 2500));
      BenefitStream support;
      support.type = store::ASSISTANCE_PAYMENT;
      support.payer = absl::StrCat(CityName(plan_.region), "民政局");
      support.monthly_fen = h_.standard_fen / 100 * 130;
      EmitBenefit(feeds(), mother.id, support);
      h_.obligors.push_back({father, store::PARENT, status});
      h_.obligors.push_back({mother, store::PARENT, store::NORMAL});
      break;
    }
  }
}

void PeopleMaker::Marriages() {
  if (h_.members.empty()) return;
  const Person& head = h_.members[0].person;
  if (h_.undeclared_spouse) {
    Marry(head, *h_.undeclared_spouse, WeddingDay(head, *h_.undeclared_spouse));
    return;
  }
  if (couple_) {
    const Person& spouse = h_.members[1].person;
    const absl::CivilDay wedding = WeddingDay(head, spouse);
    // Now and then an earlier, dissolved marriage: the current spouse is the
    // one whose latest record is MARRIED.
    if (wedding - head.birth > 365 * 25 && rng_.PerMille(60))
      DivorcedFrom(head, wedding - 200);
    Marry(head, spouse, wedding);
  } else if (plan_.program != hedui::v1::TEKUN &&
             (children_ > 0 || rng_.PerMille(250)) && h_.members[0].age >= 22) {
    DivorcedFrom(head, kLastEvent);
  }
  if (parents_ == 2) {
    const Person& a = h_.members[h_.members.size() - 2].person;
    const Person& b = h_.members.back().person;
    Marry(a, b, WeddingDay(a, b));
  }
}

void PeopleMaker::Disabilities() {
  if (plan_.program == hedui::v1::TEKUN) return;
  for (ApplicantMember& m : h_.members) {
    if (m.deceased || !rng_.PerMille(40)) continue;
    // Grades 3–4 only: a disability that is no exemption and no 单人保 case.
    const auto category =
        static_cast<store::DisabilityCategory>(rng_.Uniform(1, 7));
    feeds().Disability(m.person.id, category,
                       static_cast<int>(rng_.Uniform(3, 4)));
    m.physical_disability = category == store::PHYSICAL;
    if (rng_.PerMille(400)) {
      BenefitStream subsidy;
      subsidy.type = store::DISABILITY_SUBSIDY;
      subsidy.payer = absl::StrCat(CityName(plan_.region), "残疾人联合会");
      subsidy.monthly_fen = 10000 + 100 * rng_.Uniform(0, 100);
      m.benefits.push_back(subsidy);
    }
  }
}

void PeopleMaker::Enroll() {
  // On the roll under the household's own 户号 (domain.md §3).
  const std::string& household_id = h_.household_number;
  const absl::CivilDay since =
      absl::CivilDay(2023, 1, 1) + rng_.Uniform(0, 1276);  // to 2026-06-30
  for (const ApplicantMember& m : h_.members) {
    if (m.deceased) continue;
    EnrollDeclared(
        feeds(), h_,
        {m.person.id, true, hedui::v1::DIBAO, household_id, store::ENROLLED},
        since);
  }
  BenefitStream payment;
  payment.type = store::ASSISTANCE_PAYMENT;
  payment.payer = absl::StrCat(CityName(plan_.region), "民政局");
  payment.monthly_fen = 100 * rng_.Uniform(300, 1500);
  payment.first = std::max(FirstRecordMonth(), absl::CivilMonth(since) + 1);
  h_.members[0].benefits.push_back(payment);
}

}  // namespace

int ApplicantHousehold::counted() const {
  int n = 0;
  for (const ApplicantMember& m : members) n += m.deceased ? 0 : 1;
  return n;
}

void EnrollDeclared(FeedWriter& feeds, ApplicantHousehold& household,
                    const EnrollmentFact& fact, absl::CivilDay since) {
  feeds.Enrollment(fact.person_id, fact.program, fact.household, since,
                   fact.status);
  household.enrollments.push_back(fact);
}

absl::CivilDay BirthForAgeOn(Rng& rng, absl::CivilDay day, int age) {
  return absl::CivilDay(day.year() - age, day.month(), day.day()) -
         rng.Uniform(15, 350);
}

void MakeHouseholdPeople(County& county, Rng& rng,
                         ApplicantHousehold& household) {
  PeopleMaker(county, rng, household).Make();
}

}  // namespace hedui::datagen
