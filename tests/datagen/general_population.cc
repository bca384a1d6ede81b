#include "tests/datagen/general_population.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/income.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

const absl::CivilDay kReference(2026, 11, 1);
// Nothing dated after the snapshot that would hold it.
const absl::CivilDay kLastEventDay(2026, 7, 31);

struct Member {
  Person person;
  store::RelationToHead relation = store::HEAD;
  store::RegistrationStatus status = store::NORMAL;
  bool student = false;
  int age = 0;
};

absl::CivilDay BirthForAge(Rng& rng, int age) {
  return absl::CivilDay(kReference.year() - age, kReference.month(),
                        kReference.day()) -
         rng.Uniform(0, 364);
}

absl::CivilDay RandomDay(Rng& rng, absl::CivilDay from, absl::CivilDay to) {
  if (to <= from) return from;
  return from + rng.Uniform(0, to - from);
}

int64_t RoundTo(int64_t fen, int64_t unit) { return fen / unit * unit; }

class HouseholdMaker {
 public:
  HouseholdMaker(County& county, Rng& rng) : county_(county), rng_(rng) {}

  // Makes one household of `size` registered persons; with `allow_extra`, a
  // divorced head's ex-spouse may be registered too (one more resident).
  void Make(int size, bool allow_extra);

 private:
  Member NewMember(int age, bool male, store::RelationToHead relation,
                   absl::string_view surname = "");
  void Marry(const Person& a, const Person& b, absl::CivilDay date);
  absl::CivilDay WeddingDay(const Person& a, const Person& b);
  void Income(const Member& m);
  void Assets(std::vector<Member>& members);
  void FinancialAssets(const Member& m);
  void Businesses(const Member& m);
  void Enrollments(const std::vector<Member>& members);

  County& county_;
  Rng& rng_;
  FeedWriter& feeds() { return county_.feeds(); }
  std::string region_;
  bool urban_ = true;
  std::string household_number_;
  // IDs of persons with a physical disability: disability-vehicle owners.
  std::vector<std::string> disabled_physical_;
};

Member HouseholdMaker::NewMember(int age, bool male,
                                 store::RelationToHead relation,
                                 absl::string_view surname) {
  Member m;
  m.age = std::max(0, std::min(age, 104));
  m.relation = relation;
  m.person =
      county_.NewPerson(rng_, region_, BirthForAge(rng_, m.age), male, surname);
  return m;
}

absl::CivilDay HouseholdMaker::WeddingDay(const Person& a, const Person& b) {
  const absl::CivilDay younger = std::max(a.birth, b.birth);
  // Couples of young adults married recently; nothing after the snapshot.
  const absl::CivilDay earliest =
      std::min(younger + 365 * 21, kLastEventDay - 100);
  return RandomDay(rng_, earliest, std::min(earliest + 365 * 8, kLastEventDay));
}

void HouseholdMaker::Marry(const Person& a, const Person& b,
                           absl::CivilDay date) {
  feeds().Marriage(a.id, b.id, store::MARRIED, date);
  feeds().Marriage(b.id, a.id, store::MARRIED, date);
}

void HouseholdMaker::Make(int size, bool allow_extra) {
  region_ = std::string(rng_.PerMille(550) ? "320581" : "320582");
  urban_ = rng_.PerMille(540);
  household_number_ = county_.NewHouseholdNumber(region_);
  disabled_physical_.clear();

  std::vector<Member> members;
  const bool couple = size >= 2 && rng_.PerMille(size == 2 ? 650 : 900);
  int rest = size - 1 - (couple ? 1 : 0);
  const bool three_generations =
      !urban_ && couple && rest >= 2 && rng_.PerMille(250);
  int parents = 0;
  if (!three_generations && rest >= 1 && rng_.PerMille(220)) {
    parents = rest >= 2 && rng_.PerMille(500) ? 2 : 1;
  }
  const int children = rest - parents;

  int head_age;
  if (three_generations) {
    head_age = static_cast<int>(rng_.Uniform(55, 72));
  } else if (children > 0) {
    head_age = static_cast<int>(rng_.Uniform(27, 56));
  } else if (parents > 0) {
    head_age = static_cast<int>(rng_.Uniform(28, 58));
  } else if (size == 1) {
    head_age = static_cast<int>(rng_.PerMille(400) ? rng_.Uniform(18, 40)
                                                   : rng_.Uniform(40, 96));
  } else {
    head_age = static_cast<int>(rng_.Uniform(22, 88));
  }
  const bool head_male = couple ? rng_.PerMille(720) : rng_.PerMille(500);
  members.push_back(NewMember(head_age, head_male, store::HEAD));
  const std::string family_surname = members[0].person.surname;
  if (couple) {
    members.push_back(NewMember(
        std::max(20, head_age + static_cast<int>(rng_.Uniform(-6, 6))),
        !head_male, store::SPOUSE));
  }
  if (three_generations) {
    // Grandparents with a married child and grandchildren (rural 三代同堂).
    const int child_age = head_age - static_cast<int>(rng_.Uniform(22, 30));
    members.push_back(NewMember(child_age, true, store::CHILD, family_surname));
    --rest;
    if (rest >= 2) {
      members.push_back(
          NewMember(child_age + static_cast<int>(rng_.Uniform(-3, 3)), false,
                    store::CHILD_IN_LAW));
      --rest;
    }
    for (int i = 0; i < rest; ++i) {
      members.push_back(NewMember(
          std::max(0, child_age - static_cast<int>(rng_.Uniform(22, 32))),
          rng_.PerMille(520), store::GRANDCHILD, family_surname));
    }
  } else {
    for (int i = 0; i < children; ++i) {
      const int age = head_age - static_cast<int>(rng_.Uniform(20, 38));
      Member child = NewMember(std::max(0, age), rng_.PerMille(520),
                               store::CHILD, family_surname);
      child.student = child.age >= 18 && child.age <= 22 && rng_.PerMille(700);
      members.push_back(std::move(child));
    }
    for (int i = 0; i < parents; ++i) {
      members.push_back(
          NewMember(head_age + static_cast<int>(rng_.Uniform(22, 32)),
                    i == 0 ? true : false, store::PARENT,
                    i == 0 && head_male ? family_surname : ""));
    }
  }

  // Statuses: a few deceased elders, moves, missing persons and prisoners.
  for (size_t i = 1; i < members.size(); ++i) {
    Member& m = members[i];
    if (m.age >= 65 && rng_.PerMille(40)) {
      m.status = store::DECEASED;
    } else if (m.age >= 18 && rng_.PerMille(12)) {
      m.status = store::MOVED;
    } else if (m.age >= 18 && rng_.PerMille(2)) {
      m.status = store::MISSING;
    } else if (m.age >= 18 && m.age < 60 && rng_.PerMille(3)) {
      m.status = store::IN_CUSTODY;
    }
  }
  for (const Member& m : members) {
    county_.Register(m.person, household_number_, m.relation, region_, urban_,
                     m.status);
    if (m.status == store::DECEASED) {
      feeds().Death(m.person.id, RandomDay(rng_, absl::CivilDay(2018, 1, 1),
                                           absl::CivilDay(2026, 10, 25)));
    }
  }

  // Marriages: the couple (sometimes after the head's divorce from someone
  // now living alone), the head's parents, the married child.
  if (couple) {
    const Person& head = members[0].person;
    const Person& spouse = members[1].person;
    absl::CivilDay wedding = WeddingDay(head, spouse);
    const absl::CivilDay first =
        std::max(head.birth, spouse.birth) + 365 * 20;  // an earlier marriage
    if (allow_extra && rng_.PerMille(50) && wedding - first > 1000) {
      Member ex = NewMember(head_age + static_cast<int>(rng_.Uniform(-4, 4)),
                            !head_male, store::HEAD);
      const std::string ex_household = county_.NewHouseholdNumber(region_);
      county_.Register(ex.person, ex_household, store::HEAD, region_, urban_);
      const absl::CivilDay divorce =
          RandomDay(rng_, first + 400, wedding - 200);
      Marry(head, ex.person, first);
      feeds().Marriage(head.id, ex.person.id, store::DIVORCED, divorce);
      feeds().Marriage(ex.person.id, head.id, store::DIVORCED, divorce);
      Income(ex);
      FinancialAssets(ex);
    }
    Marry(head, spouse, wedding);
  }
  if (parents == 2) {
    Marry(
        members[members.size() - 2].person, members.back().person,
        WeddingDay(members[members.size() - 2].person, members.back().person));
  }
  if (three_generations && members.size() >= 4 &&
      members[3].relation == store::CHILD_IN_LAW) {
    Marry(members[2].person, members[3].person,
          WeddingDay(members[2].person, members[3].person));
  }

  for (const Member& m : members) {
    if (m.status == store::DECEASED || m.status == store::MISSING ||
        m.status == store::IN_CUSTODY) {
      continue;
    }
    Income(m);
    FinancialAssets(m);
    Businesses(m);
  }
  Assets(members);
  Enrollments(members);
}

void HouseholdMaker::Income(const Member& m) {
  const std::string& id = m.person.id;
  // Disability first: the subsidy is a benefit stream like the others.
  if (rng_.PerMille(30)) {
    const auto category =
        static_cast<store::DisabilityCategory>(rng_.Uniform(1, 7));
    const int grade = static_cast<int>(rng_.Uniform(1, 4));
    feeds().Disability(id, category, grade);
    if (category == store::PHYSICAL) disabled_physical_.push_back(id);
    if (grade <= 2 || rng_.PerMille(400)) {
      BenefitStream subsidy;
      subsidy.type = store::DISABILITY_SUBSIDY;
      subsidy.payer = absl::StrCat(CityName(region_), "残疾人联合会");
      subsidy.monthly_fen = RoundTo(rng_.Uniform(8000, 30000), 100);
      EmitBenefit(feeds(), id, subsidy);
    }
  }
  if (m.age < 16) return;

  const bool working_age = m.age >= 18 && m.age < 60 && !m.student;
  const bool still_working = m.age >= 60 && m.age < 66 && rng_.PerMille(100);
  if ((working_age && rng_.PerMille(urban_ ? 780 : 600)) || still_working) {
    Job job;
    job.employer = county_.RandomEmployer(rng_, region_);
    int64_t wage =
        urban_ ? rng_.Uniform(250000, 1200000) : rng_.Uniform(200000, 700000);
    if (rng_.PerMille(80)) wage = rng_.Uniform(1200000, 4500000);
    job.monthly_fen = RoundTo(wage, 100);
    job.tax = rng_.PerMille(850);
    job.social_insurance = !job.tax || rng_.PerMille(800);
    if (job.social_insurance && rng_.PerMille(400)) {
      job.social_insurance_base_fen =
          RoundTo(job.monthly_fen * rng_.Uniform(60, 140) / 100, 100);
    }
    job.housing_fund =
        job.social_insurance && rng_.PerMille(urban_ ? 450 : 150);
    if (job.tax && rng_.PerMille(150))
      job.bonus_fen =
          RoundTo(job.monthly_fen * rng_.Uniform(50, 300) / 100, 100);
    if (job.tax && rng_.PerMille(100))
      job.shift_fen = RoundTo(job.monthly_fen / 5, 100);
    job.pay_day = static_cast<int>(rng_.Uniform(5, 28));
    if (rng_.PerMille(40))
      job.first = absl::CivilMonth(2026, rng_.Uniform(1, 9));
    EmitJob(feeds(), m.person.id, job);
    if (rng_.PerMille(30)) {
      Job labour;
      labour.employer = county_.RandomEmployer(rng_, region_);
      labour.income_type = store::LABOUR;
      labour.social_insurance = false;
      labour.monthly_fen = RoundTo(rng_.Uniform(50000, 400000), 100);
      labour.first = absl::CivilMonth(2026, rng_.Uniform(1, 6));
      labour.last = labour.first + rng_.Uniform(0, 3);
      EmitJob(feeds(), id, labour);
    }
  } else if (working_age && rng_.PerMille(40)) {
    BenefitStream unemployment;
    unemployment.type = store::UNEMPLOYMENT_BENEFIT;
    unemployment.payer =
        absl::StrCat(CityName(region_), "人力资源和社会保障局");
    unemployment.monthly_fen = RoundTo(rng_.Uniform(150000, 220000), 100);
    unemployment.first = absl::CivilMonth(2026, rng_.Uniform(1, 6));
    unemployment.last = unemployment.first + rng_.Uniform(2, 4);
    EmitBenefit(feeds(), id, unemployment);
  }

  if (m.age >= 60) {
    BenefitStream pension;
    pension.payer = absl::StrCat(CityName(region_), "社会保险基金管理中心");
    if (rng_.PerMille(urban_ ? 750 : 150)) {
      pension.type = store::EMPLOYEE_PENSION;
      pension.monthly_fen = RoundTo(rng_.Uniform(180000, 650000), 100);
      if (rng_.PerMille(600))
        pension.raise_fen = RoundTo(pension.monthly_fen * 3 / 100, 6);
    } else {
      pension.type = store::RESIDENTS_BASIC_PENSION;
      pension.monthly_fen = RoundTo(rng_.Uniform(21000, 36000), 100);
    }
    EmitBenefit(feeds(), id, pension);
  }
  if (m.age >= 50 && m.person.male && rng_.PerMille(8)) {
    BenefitStream care;
    care.type = store::SPECIAL_CARE_PENSION;
    care.payer = absl::StrCat(CityName(region_), "退役军人事务局");
    care.monthly_fen = RoundTo(rng_.Uniform(60000, 250000), 100);
    EmitBenefit(feeds(), id, care);
  } else if (m.age >= 40 && rng_.PerMille(3)) {
    BenefitStream survivor;
    survivor.type = store::SURVIVOR_PENSION;
    survivor.payer = absl::StrCat(CityName(region_), "退役军人事务局");
    survivor.monthly_fen = RoundTo(rng_.Uniform(50000, 150000), 100);
    EmitBenefit(feeds(), id, survivor);
  }
}

void HouseholdMaker::FinancialAssets(const Member& m) {
  if (m.age < 16) return;
  const std::string& id = m.person.id;
  if (rng_.PerMille(920)) {
    const int accounts = static_cast<int>(rng_.Uniform(1, 3));
    for (int i = 0; i < accounts; ++i) {
      int64_t balance;
      const int band = static_cast<int>(rng_.Weighted({50, 35, 15}));
      if (band == 0) {
        balance = rng_.Uniform(10000, 2000000);
      } else if (band == 1) {
        balance = rng_.Uniform(2000000, 20000000);
      } else {
        balance = rng_.Uniform(20000000, 200000000);
      }
      feeds().FinancialAsset(id, RandomBank(rng_, region_),
                             county_.NewAccount(store::DEPOSIT), store::DEPOSIT,
                             balance, BalanceDate());
    }
  }
  if (m.age >= 18 && rng_.PerMille(100)) {
    feeds().FinancialAsset(
        id, RandomBroker(rng_), county_.NewAccount(store::SECURITIES),
        store::SECURITIES, rng_.Uniform(100000, 50000000), BalanceDate());
  }
  if (m.age >= 18 && rng_.PerMille(80)) {
    feeds().FinancialAsset(id, RandomInsurer(rng_),
                           county_.NewAccount(store::INSURANCE_CASH_VALUE),
                           store::INSURANCE_CASH_VALUE,
                           rng_.Uniform(500000, 30000000), BalanceDate());
  }
}

void HouseholdMaker::Businesses(const Member& m) {
  if (m.age < 20 || m.age > 75) return;
  const std::string& id = m.person.id;
  const std::string city(CityName(region_));
  auto status = [&] {
    const size_t s = rng_.Weighted({75, 15, 10});
    return s == 0 ? store::ACTIVE : s == 1 ? store::DISSOLVED : store::REVOKED;
  };
  if (rng_.PerMille(40)) {
    const std::string eid =
        county_.NewEnterpriseId(region_, store::INDIVIDUAL_BUSINESS);
    const store::EnterpriseStatus st = status();
    feeds().Business(id, eid,
                     absl::StrCat(city, RandomTradeName(rng_), "便利店"),
                     store::INDIVIDUAL_BUSINESS, store::OPERATOR,
                     RoundTo(rng_.Uniform(1000000, 50000000), 100000), st);
    if (st == store::ACTIVE && rng_.PerMille(600)) {
      Job business;
      business.employer =
          county_.RandomEmployer(rng_, region_);  // tax office code
      business.income_type = store::BUSINESS_INCOME;
      business.social_insurance = false;
      business.monthly_fen = RoundTo(rng_.Uniform(200000, 1500000), 100);
      EmitJob(feeds(), id, business);
    }
  }
  if (rng_.PerMille(20)) {
    const std::string eid = county_.NewEnterpriseId(region_, store::COMPANY);
    const std::string name =
        absl::StrCat(city, RandomTradeName(rng_), "贸易有限公司");
    const int64_t capital =
        RoundTo(rng_.Uniform(10000000, 1000000000), 1000000);
    const store::EnterpriseStatus st = status();
    feeds().Business(id, eid, name, store::COMPANY, store::LEGAL_REPRESENTATIVE,
                     capital, st);
    if (rng_.PerMille(600)) {
      feeds().Business(id, eid, name, store::COMPANY, store::SHAREHOLDER,
                       capital, st);
    }
  } else if (rng_.PerMille(15)) {
    const std::string eid = county_.NewEnterpriseId(region_, store::COMPANY);
    feeds().Business(
        id, eid, absl::StrCat(city, RandomTradeName(rng_), "机械有限公司"),
        store::COMPANY, store::SHAREHOLDER,
        RoundTo(rng_.Uniform(50000000, 2000000000), 1000000), status());
  }
  if (!urban_ && rng_.PerMille(10)) {
    feeds().Business(
        id, county_.NewEnterpriseId(region_, store::FARMERS_COOPERATIVE),
        absl::StrCat(city, RandomTradeName(rng_), "农业专业合作社"),
        store::FARMERS_COOPERATIVE, store::LEGAL_REPRESENTATIVE,
        RoundTo(rng_.Uniform(5000000, 100000000), 100000), status());
  }
}

void HouseholdMaker::Assets(std::vector<Member>& members) {
  std::vector<const Member*> owners;
  for (const Member& m : members) {
    if (m.age >= 18 && m.status != store::DECEASED &&
        m.status != store::MISSING && m.status != store::IN_CUSTODY) {
      owners.push_back(&m);
    }
  }
  if (owners.empty()) return;
  const Member& head = *owners[0];
  const bool couple =
      owners.size() >= 2 && owners[1]->relation == store::SPOUSE;

  auto property = [&](store::PropertyUse use, int64_t area, bool shared) {
    const absl::CivilDay acquired = RandomDay(rng_, absl::CivilDay(1998, 1, 1),
                                              absl::CivilDay(2026, 9, 30));
    const std::string pid =
        county_.NewPropertyId(region_, static_cast<int>(acquired.year()));
    if (shared && owners.size() >= 3 && rng_.PerMille(150)) {
      // Three holders: shares 0.3333 + 0.3333 + 0.3334.
      for (int i = 0; i < 3; ++i) {
        feeds().RealEstate(owners[static_cast<size_t>(i)]->person.id, pid, use,
                           area, i == 2 ? 3334 : 3333, acquired);
      }
    } else if (shared) {
      feeds().RealEstate(owners[0]->person.id, pid, use, area, 5000, acquired);
      feeds().RealEstate(owners[1]->person.id, pid, use, area, 5000, acquired);
    } else {
      feeds().RealEstate(head.person.id, pid, use, area, 10000, acquired);
    }
  };
  if (rng_.PerMille(820)) {
    property(store::RESIDENTIAL, rng_.Uniform(4500, 16000),
             couple && rng_.PerMille(700));
    if (rng_.PerMille(110)) {
      property(store::RESIDENTIAL, rng_.Uniform(4000, 14000),
               couple && rng_.PerMille(500));
      if (rng_.PerMille(300)) {
        Job rent;
        rent.employer = county_.RandomEmployer(rng_, region_);
        rent.income_type = store::PROPERTY_INCOME;
        rent.social_insurance = false;
        rent.monthly_fen = RoundTo(rng_.Uniform(100000, 400000), 100);
        EmitJob(feeds(), head.person.id, rent);
      }
    }
  }
  if (rng_.PerMille(40))
    property(store::NON_RESIDENTIAL, rng_.Uniform(2000, 20000), false);

  // Vehicles, registered before the vehicle department's snapshot.
  auto vehicle = [&](store::VehicleType type, absl::string_view owner_id) {
    feeds().Vehicle(owner_id, county_.NewPlate(type), type,
                    RandomDay(rng_, absl::CivilDay(2008, 1, 1),
                              AsOf(hedui::v1::VEHICLES) - 5));
  };
  const Member& driver = couple && rng_.PerMille(300) ? *owners[1] : head;
  if (rng_.PerMille(urban_ ? 480 : 300)) {
    vehicle(store::CAR, driver.person.id);
    if (rng_.PerMille(80)) vehicle(store::CAR, owners.back()->person.id);
  }
  if (!urban_ && rng_.PerMille(60)) vehicle(store::TRUCK, head.person.id);
  if (rng_.PerMille(150)) vehicle(store::MOTORCYCLE, owners.back()->person.id);
  if (rng_.PerMille(400)) {
    vehicle(store::E_BIKE,
            owners[static_cast<size_t>(rng_.Uniform(
                       0, static_cast<int64_t>(owners.size()) - 1))]
                ->person.id);
  }
  for (const std::string& id : disabled_physical_) {
    if (rng_.PerMille(200)) vehicle(store::DISABILITY_VEHICLE, id);
  }
}

void HouseholdMaker::Enrollments(const std::vector<Member>& members) {
  const size_t kind = rng_.Weighted({970, 20, 4, 6});
  if (kind == 0) return;
  const hedui::v1::Program program = kind == 1   ? hedui::v1::DIBAO
                                     : kind == 2 ? hedui::v1::TEKUN
                                                 : hedui::v1::LOW_INCOME_MARGIN;
  // On the roll under the household's 户号 (domain.md §3).
  const std::string& household_id = household_number_;
  const absl::CivilDay since =
      RandomDay(rng_, absl::CivilDay(2018, 1, 1), absl::CivilDay(2026, 9, 1));
  const size_t s = rng_.Weighted({80, 5, 15});
  const store::EnrollmentStatus status = s == 0   ? store::ENROLLED
                                         : s == 1 ? store::SUSPENDED
                                                  : store::ENDED;
  for (const Member& m : members) {
    if (m.status != store::NORMAL) continue;
    feeds().Enrollment(m.person.id, program, household_id, since, status);
    if (program == hedui::v1::TEKUN) break;  // 特困 is a person's status
  }
  if (status == store::ENROLLED) {
    BenefitStream payment;
    payment.type = store::ASSISTANCE_PAYMENT;
    payment.payer = absl::StrCat(CityName(region_), "民政局");
    payment.monthly_fen = RoundTo(rng_.Uniform(30000, 150000), 100);
    EmitBenefit(feeds(), members[0].person.id, payment);
  }
}

}  // namespace

void GenerateGeneralPopulation(County& county, Rng& rng, int64_t target) {
  HouseholdMaker maker(county, rng);
  // Household sizes of the general population (1–6 persons).
  constexpr int kSizeWeights[] = {18, 28, 25, 16, 8, 5};
  while (county.residents() < target) {
    const int64_t remaining = target - county.residents();
    const int size = std::min<int64_t>(
        1 + static_cast<int>(rng.Weighted(kSizeWeights)), remaining);
    // An ex-spouse living alone is one more resident: only when there is room.
    maker.Make(static_cast<int>(size), remaining > size);
  }
}

}  // namespace hedui::datagen
