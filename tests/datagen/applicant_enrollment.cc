#include "tests/datagen/applicant_enrollment.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/income.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;
using hedui::v1::Program;

// The two programs that exclude `program` (domain.md §10).
std::vector<Program> Excluding(Program program) {
  std::vector<Program> out;
  for (Program p :
       {hedui::v1::DIBAO, hedui::v1::TEKUN, hedui::v1::LOW_INCOME_MARGIN}) {
    if (ProgramsExclude(program, p)) out.push_back(p);
  }
  return out;
}

class EnrollmentMaker {
 public:
  EnrollmentMaker(County& county, Rng& rng, ApplicantHousehold& household)
      : county_(county), rng_(rng), h_(household), plan_(*household.plan) {}

  void Make() {
    for (Plant p : plan_.plants) {
      switch (p) {
        case Plant::kDuplicateSameProgram:
          SameProgramElsewhere();
          break;
        case Plant::kDuplicateExcludingProgram:
          ExcludingProgram();
          break;
        case Plant::kEnrollmentOwnHousehold:
          OwnHousehold();
          break;
        case Plant::kEnrollmentNotActive:
          NotActive();
          break;
        case Plant::kEnrollmentOfUncounted:
          Uncounted();
          break;
        default:
          break;
      }
    }
  }

 private:
  FeedWriter& feeds() { return county_.feeds(); }

  // The last day a record can start: before the enrollment snapshot.
  static absl::CivilDay LastSince() {
    return AsOf(hedui::v1::ASSISTANCE_ENROLLMENT) - 1;
  }

  // Enrolled before the snapshot, a month after the person was born at the
  // earliest (CanEnroll).
  absl::CivilDay Since(const Person& person) {
    const absl::CivilDay first =
        std::max(absl::CivilDay(2019, 1, 1), person.birth + 30);
    return first + rng_.Uniform(0, std::max<int64_t>(0, LastSince() - first));
  }

  static bool CanEnroll(const Person& person) {
    return person.birth + 30 <= LastSince();
  }

  // A counted member old enough to have a record in the snapshot (the head
  // always is).
  ApplicantMember& RandomCounted() {
    std::vector<size_t> counted;
    for (size_t i = 0; i < h_.members.size(); ++i) {
      if (!h_.members[i].deceased && CanEnroll(h_.members[i].person))
        counted.push_back(i);
    }
    return h_.members[counted[static_cast<size_t>(
        rng_.Uniform(0, static_cast<int64_t>(counted.size()) - 1))]];
  }

  Program RandomExcluding() {
    const std::vector<Program> programs = Excluding(plan_.program);
    return programs[static_cast<size_t>(
        rng_.Uniform(0, static_cast<int64_t>(programs.size()) - 1))];
  }

  void Enroll(const ApplicantMember& m, Program program,
              const std::string& household, store::EnrollmentStatus status,
              absl::CivilDay since) {
    EnrollDeclared(feeds(), h_,
                   {m.person.id, !m.deceased, program, household, status},
                   since);
  }

  // The household `m` lived in before, with a relative still registered
  // there (on the same roll when it is a household program), under which
  // `m` is still enrolled: a transfer not yet done, or a double enrolment.
  std::string FormerHousehold(const ApplicantMember& m, Program program,
                              absl::CivilDay since) {
    const std::string number = county_.NewHouseholdNumber(plan_.region);
    const int age = static_cast<int>(rng_.Uniform(30, 80));
    const Person relative = county_.NewPerson(
        rng_, plan_.region, BirthForAgeOn(rng_, h_.day(), age),
        rng_.PerMille(500), m.person.surname);
    county_.Register(relative, number, store::HEAD, plan_.region, plan_.urban);
    // 特困 is a person's status; 低保 and margin enrol households.
    if (program != hedui::v1::TEKUN) {
      feeds().Enrollment(relative.id, program, number, since, store::ENROLLED);
      BenefitStream payment;
      payment.type = store::ASSISTANCE_PAYMENT;
      payment.payer = absl::StrCat(CityName(plan_.region), "民政局");
      payment.monthly_fen = 100 * rng_.Uniform(300, 1500);
      payment.first = std::max(FirstRecordMonth(), absl::CivilMonth(since) + 1);
      EmitBenefit(feeds(), relative.id, payment);
    }
    return number;
  }

  // DUPLICATE_SAME_PROGRAM: a counted member enrolled in the program applied
  // for under another 户号.
  void SameProgramElsewhere() {
    const ApplicantMember& m = RandomCounted();
    const absl::CivilDay since = Since(m.person);
    const std::string other = FormerHousehold(m, plan_.program, since);
    Enroll(m, plan_.program, other, store::ENROLLED, since);
  }

  // DUPLICATE_EXCLUDING_PROGRAM: a counted member enrolled in a program that
  // excludes this one, in this household (a margin household applying for
  // 低保, a 低保 recipient applying for 特困: transfers) or another.
  void ExcludingProgram() {
    const Program program = RandomExcluding();
    if (program != hedui::v1::TEKUN && rng_.PerMille(600)) {
      // The whole household on the other roll under its own 户号.
      EnrollHousehold(program);
      return;
    }
    const ApplicantMember& m = RandomCounted();
    const absl::CivilDay since = Since(m.person);
    const std::string household = rng_.PerMille(500)
                                      ? h_.household_number
                                      : FormerHousehold(m, program, since);
    Enroll(m, program, household, store::ENROLLED, since);
  }

  // ENROLLMENT_OWN_HOUSEHOLD: the household is on the roll of the program it
  // applies for, under its own 户号 (a renewal): its own, no duplicate.
  void OwnHousehold() { EnrollHousehold(plan_.program); }

  // Every counted member on `program`'s roll under the household's own 户号,
  // a child born since from a month after birth (one born after the
  // snapshot is not on it yet).
  void EnrollHousehold(Program program) {
    const absl::CivilDay since = Since(h_.members[0].person);
    for (const ApplicantMember& m : h_.members) {
      if (!m.deceased && CanEnroll(m.person)) {
        Enroll(m, program, h_.household_number, store::ENROLLED,
               std::max(since, m.person.birth + 30));
      }
    }
    AddOwnPayment(since);
  }

  // ENROLLMENT_NOT_ACTIVE: a SUSPENDED or ENDED record that would be a
  // duplicate if it were ENROLLED (only ENROLLED counts, domain.md §3).
  void NotActive() {
    const ApplicantMember& m = RandomCounted();
    const store::EnrollmentStatus status =
        rng_.PerMille(500) ? store::SUSPENDED : store::ENDED;
    const absl::CivilDay since = Since(m.person);
    if (rng_.PerMille(500)) {
      Enroll(m, plan_.program, FormerHousehold(m, plan_.program, since), status,
             since);
    } else {
      const Program program = RandomExcluding();
      Enroll(m, program,
             rng_.PerMille(500) ? h_.household_number
                                : FormerHousehold(m, program, since),
             status, since);
    }
  }

  // ENROLLMENT_OF_UNCOUNTED_MEMBER: the deceased member's ENROLLED record,
  // which would be a duplicate were the member counted (domain.md §10.1:
  // never members not counted).
  void Uncounted() {
    for (const ApplicantMember& m : h_.members) {
      if (!m.deceased) continue;
      // A month after birth at the earliest, a month before the death at
      // the latest (the record was never ended).
      const absl::CivilDay first =
          std::max(absl::CivilDay(2019, 1, 1), m.person.birth + 30);
      const absl::CivilDay last = std::max(first, h_.death_day - 30);
      const absl::CivilDay since = first + rng_.Uniform(0, last - first);
      if (rng_.PerMille(500)) {
        Enroll(m, RandomExcluding(), h_.household_number, store::ENROLLED,
               since);
      } else {
        Enroll(m, plan_.program, FormerHousehold(m, plan_.program, since),
               store::ENROLLED, since);
      }
    }
  }

  // The roll's monthly assistance, paid to the head: not income (domain.md
  // §4), so no figure of the label moves.
  void AddOwnPayment(absl::CivilDay since) {
    BenefitStream payment;
    payment.type = store::ASSISTANCE_PAYMENT;
    payment.payer = absl::StrCat(CityName(plan_.region), "民政局");
    payment.monthly_fen = 100 * rng_.Uniform(300, 1500);
    payment.first = std::max(FirstRecordMonth(), absl::CivilMonth(since) + 1);
    h_.members[0].benefits.push_back(payment);
  }

  County& county_;
  Rng& rng_;
  ApplicantHousehold& h_;
  const CasePlan& plan_;
};

}  // namespace

void BuildEnrollments(County& county, Rng& rng, ApplicantHousehold& household) {
  EnrollmentMaker(county, rng, household).Make();
}

bool HasDuplicateEnrollment(const ApplicantHousehold& household) {
  const Program applied = household.plan->program;
  for (const EnrollmentFact& f : household.enrollments) {
    if (!f.counted || f.status != store::ENROLLED) continue;
    if (f.program == applied && f.household != household.household_number)
      return true;
    if (ProgramsExclude(applied, f.program)) return true;
  }
  return false;
}

std::string DuplicateEnrollmentResult(const ApplicantHousehold& household) {
  if (!ChecksDuplicateEnrollment(household.plan->program)) return "";
  if (HasDuplicateEnrollment(household)) return "REVIEW";
  const int age = static_cast<int>(household.day() -
                                   AsOf(hedui::v1::ASSISTANCE_ENROLLMENT));
  // Data dated after a backdated verification date is not stale (§6).
  return age > MaxDataAgeDays(hedui::v1::ASSISTANCE_ENROLLMENT) ? "UNKNOWN"
                                                                : "PASS";
}

}  // namespace hedui::datagen
