#include "tests/datagen/case_plan.h"

#include <algorithm>

#include "tests/datagen/county_calendar.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/program_mix.h"

namespace hedui::datagen {
namespace {

using hedui::v1::Program;

bool AssetTested(Program program) {
  return program == hedui::v1::DIBAO || program == hedui::v1::TEKUN ||
         program == hedui::v1::HOUSING || program == hedui::v1::MEDICAL;
}

// Whether `plant` can be built into a household of this program and size
// with an unambiguous label.
bool Applicable(Plant plant, Program program, int size) {
  switch (plant) {
    case Plant::kUndeclaredWages:
    case Plant::kDeclaredDiffersNoEffect:
      return true;
    case Plant::kDeclaredNothing:
      // Enrolled MEDICAL households have no INCOME; the plan decides that
      // later, so MEDICAL is left out.
      return program != hedui::v1::MEDICAL;
    case Plant::kHiddenCar:
    case Plant::kExtraHouse:
    case Plant::kBusinessOwner:
    case Plant::kBusinessOwnerIndividual:
    case Plant::kDepositsOverLimit:
    case Plant::kStaleDepartment:
      // Assets are judged only for these programs (domain.md §5).
      return AssetTested(program);
    case Plant::kUndeclaredSpouse:
      // For 特困 an undeclared spouse is also an undeclared obligor: the
      // OBLIGORS finding would be a judgement call, so it is not planted.
      return program != hedui::v1::TEKUN;
    case Plant::kDeceasedMember:
      return program != hedui::v1::TEKUN && size >= 2;
    case Plant::kDuplicateSameProgram:
    case Plant::kDuplicateExcludingProgram:
    case Plant::kEnrollmentOwnHousehold:
    case Plant::kEnrollmentNotActive:
      return ChecksDuplicateEnrollment(program);
    case Plant::kEnrollmentOfUncounted:
      // The deceased member is the one not counted.
      return ChecksDuplicateEnrollment(program) &&
             Applicable(Plant::kDeceasedMember, program, size);
    case Plant::kEnrollmentOfObligor:
      // Follows from the 特困 kind (Finish), never drawn.
      return false;
  }
  return false;
}

bool IsEnrollmentPlant(Plant plant) {
  return plant == Plant::kDuplicateSameProgram ||
         plant == Plant::kDuplicateExcludingProgram ||
         plant == Plant::kEnrollmentOwnHousehold ||
         plant == Plant::kEnrollmentNotActive ||
         plant == Plant::kEnrollmentOfObligor ||
         plant == Plant::kEnrollmentOfUncounted;
}

struct Option {
  int weight;  // per mille of the applications where everything applies
  std::vector<Plant> plants;
};

// The clean option's weight; the enrollment cases take theirs from it where
// they apply, so programs without DUPLICATE_ENROLLMENT keep their mix.
constexpr int kCleanWeight = 510;

const std::vector<Option>& Options() {
  static const auto* options = new std::vector<Option>{
      {kCleanWeight, {}},
      {50, {Plant::kDeclaredDiffersNoEffect}},
      {40, {Plant::kDeclaredNothing}},
      {70, {Plant::kUndeclaredWages}},
      {40, {Plant::kHiddenCar}},
      {30, {Plant::kExtraHouse}},
      {20, {Plant::kBusinessOwner}},
      {30, {Plant::kDepositsOverLimit}},
      {50, {Plant::kUndeclaredSpouse}},
      {50, {Plant::kDeceasedMember}},
      {30, {Plant::kBusinessOwnerIndividual}},
      {60, {Plant::kStaleDepartment}},
      // Two plants: the verdict follows domain.md §7 (any FAIL wins).
      {4, {Plant::kUndeclaredWages, Plant::kUndeclaredSpouse}},
      {4, {Plant::kHiddenCar, Plant::kDeceasedMember}},
      {4, {Plant::kExtraHouse, Plant::kDepositsOverLimit}},
      {3, {Plant::kHiddenCar, Plant::kBusinessOwnerIndividual}},
      {3, {Plant::kBusinessOwnerIndividual, Plant::kStaleDepartment}},
      {2, {Plant::kUndeclaredSpouse, Plant::kDeceasedMember}},
      // 一人一保: about 4% of the 低保 and 特困 households show a duplicate
      // (transfers and double enrolments), about 5% carry an enrolment that
      // must not count (renewals, ended or suspended records, the deceased).
      {20, {Plant::kDuplicateSameProgram}},
      {20, {Plant::kDuplicateExcludingProgram}},
      {25, {Plant::kEnrollmentOwnHousehold}},
      {20, {Plant::kEnrollmentNotActive}},
      {3, {Plant::kUndeclaredWages, Plant::kDuplicateSameProgram}},
      {3, {Plant::kDuplicateExcludingProgram, Plant::kStaleDepartment}},
      {5, {Plant::kDeceasedMember, Plant::kEnrollmentOfUncounted}},
  };
  return *options;
}

struct Mandatory {
  Program program;
  Boundary boundary;
  std::vector<Plant> plants;
  int exact_size;  // 0: any
  int min_size;
  int copies;
};

const std::vector<Mandatory>& MandatoryCases() {
  using P = Plant;
  using B = Boundary;
  static const auto* cases = new std::vector<Mandatory>{
      {hedui::v1::DIBAO, B::kIncomeJustBelow, {}, 0, 1, 3},
      {hedui::v1::DIBAO, B::kIncomeAtLine, {P::kUndeclaredWages}, 3, 1, 2},
      {hedui::v1::DIBAO, B::kDepositsAtLimit, {}, 0, 1, 2},
      {hedui::v1::DIBAO,
       B::kDepositsOneFenOver,
       {P::kDepositsOverLimit},
       0,
       1,
       2},
      {hedui::v1::DIBAO, B::kVehiclesAgeAtMax, {}, 0, 1, 2},
      {hedui::v1::DIBAO,
       B::kVehiclesAgeOneOver,
       {P::kStaleDepartment},
       0,
       1,
       2},
      {hedui::v1::DIBAO, B::kConsentLastValidDay, {}, 0, 1, 3},
      {hedui::v1::DIBAO, B::kTurns18Today, {}, 0, 2, 2},
      {hedui::v1::DIBAO, B::kBetweenOldAndNewStandard, {}, 0, 1, 4},
      {hedui::v1::DIBAO,
       B::kIndividualCapitalAtLimit,
       {P::kBusinessOwnerIndividual},
       0,
       1,
       1},
      {hedui::v1::DIBAO,
       B::kIndividualCapitalOneFenOver,
       {P::kBusinessOwner},
       0,
       1,
       1},
      {hedui::v1::TEKUN, B::kTurns60Today, {}, 1, 1, 2},
      {hedui::v1::TEKUN, B::kTurns16Tomorrow, {}, 1, 1, 1},
      {hedui::v1::HOUSING, B::kHousingAreaJustBelow, {}, 0, 1, 2},
      {hedui::v1::TEMPORARY, B::kIncomeJustBelow, {}, 0, 1, 1},
  };
  return *cases;
}

absl::CivilDay DayBetween(Rng& rng, absl::CivilDay first, absl::CivilDay last) {
  return first + rng.Uniform(0, last - first);
}

void Finish(Rng& rng, CasePlan& plan, int& between_count) {
  plan.region =
      std::string(rng.PerMille(550) ? kRegionChangshu : kRegionZhangjiagang);
  plan.urban = rng.PerMille(500);
  if (plan.boundary == Boundary::kIncomeAtLine) {
    // Urban standards (93000, 87000) are multiples of 3, which makes an
    // income exactly at the line reachable in whole fen for 3 members.
    plan.urban = true;
  }
  if (plan.boundary == Boundary::kBetweenOldAndNewStandard) {
    const bool zhangjiagang = between_count++ % 2 == 0;
    plan.region =
        std::string(zhangjiagang ? kRegionZhangjiagang : kRegionChangshu);
    plan.urban = zhangjiagang;
  }
  if (plan.program == hedui::v1::MEDICAL) {
    bool composition_only = true;
    for (Plant p : plan.plants) {
      if (p != Plant::kUndeclaredSpouse && p != Plant::kDeceasedMember) {
        composition_only = false;
      }
    }
    plan.medical_enrolled = composition_only && rng.PerMille(500);
  }
  if (plan.program == hedui::v1::TEMPORARY) plan.emergency = rng.PerMille(300);
  if (plan.program == hedui::v1::TEKUN) {
    if (plan.size == 2) {
      plan.tekun = TekunKind::kElderCouple;
    } else if (plan.boundary == Boundary::kTurns60Today) {
      plan.tekun = TekunKind::kElderAlone;
    } else if (plan.boundary == Boundary::kTurns16Tomorrow) {
      plan.tekun = TekunKind::kMinor;
    } else if (plan.Has(Plant::kUndeclaredWages) || NeedsCoveredIncome(plan)) {
      plan.tekun = TekunKind::kElderAlone;
    } else {
      // A planted asset belongs to an adult: no minors among planted cases.
      const int minor_weight = plan.plants.empty() ? 70 : 0;
      const int kWeights[] = {550, 200, 180, minor_weight};
      constexpr TekunKind kKinds[] = {
          TekunKind::kElderAlone, TekunKind::kElderWithChild,
          TekunKind::kSeverelyDisabled, TekunKind::kMinor};
      plan.tekun = kKinds[rng.Weighted(kWeights)];
    }
    // An obligor unable to support because of their own enrolment (domain.md
    // §5) is the control that an obligor's enrolment is no duplicate.
    // Not with STALE_DEPARTMENT: the enrollment feed may be stale then, and
    // OBLIGORS would rest on it.
    plan.obligor_enrolled =
        plan.tekun == TekunKind::kMinor ||
        (plan.tekun == TekunKind::kElderWithChild &&
         !plan.Has(Plant::kStaleDepartment) && rng.PerMille(500));
    if (plan.obligor_enrolled)
      plan.plants.push_back(Plant::kEnrollmentOfObligor);
    // An urban elder has an employee pension: income a declaration can
    // differ on.
    if (NeedsCoveredIncome(plan)) plan.urban = true;
  }
  if (plan.Has(Plant::kStaleDepartment)) {
    plan.verification_date = plan.boundary == Boundary::kVehiclesAgeOneOver
                                 ? FirstStaleVerificationDay()
                                 : DayBetween(rng, FirstStaleVerificationDay(),
                                              LastStaleVerificationDay());
  } else {
    plan.verification_date = plan.boundary == Boundary::kVehiclesAgeAtMax
                                 ? LastFreshVerificationDay()
                                 : DayBetween(rng, FirstFreshVerificationDay(),
                                              LastFreshVerificationDay());
  }
}

}  // namespace

absl::string_view PlantName(Plant plant) {
  switch (plant) {
    case Plant::kUndeclaredWages:
      return "UNDECLARED_WAGES";
    case Plant::kHiddenCar:
      return "HIDDEN_CAR";
    case Plant::kUndeclaredSpouse:
      return "UNDECLARED_SPOUSE";
    case Plant::kDeceasedMember:
      return "DECEASED_MEMBER";
    case Plant::kExtraHouse:
      return "EXTRA_HOUSE";
    case Plant::kBusinessOwner:
      return "BUSINESS_OWNER";
    case Plant::kBusinessOwnerIndividual:
      return "BUSINESS_OWNER_INDIVIDUAL";
    case Plant::kDepositsOverLimit:
      return "DEPOSITS_OVER_LIMIT";
    case Plant::kStaleDepartment:
      return "STALE_DEPARTMENT";
    case Plant::kDeclaredDiffersNoEffect:
      return "DECLARED_DIFFERS_NO_EFFECT";
    case Plant::kDeclaredNothing:
      return "DECLARED_NOTHING";
    case Plant::kDuplicateSameProgram:
      return "DUPLICATE_SAME_PROGRAM";
    case Plant::kDuplicateExcludingProgram:
      return "DUPLICATE_EXCLUDING_PROGRAM";
    case Plant::kEnrollmentOwnHousehold:
      return "ENROLLMENT_OWN_HOUSEHOLD";
    case Plant::kEnrollmentNotActive:
      return "ENROLLMENT_NOT_ACTIVE";
    case Plant::kEnrollmentOfObligor:
      return "ENROLLMENT_OF_OBLIGOR";
    case Plant::kEnrollmentOfUncounted:
      return "ENROLLMENT_OF_UNCOUNTED_MEMBER";
  }
  return "";
}

bool PlantFails(Plant plant) {
  return plant == Plant::kUndeclaredWages || plant == Plant::kHiddenCar ||
         plant == Plant::kExtraHouse || plant == Plant::kBusinessOwner ||
         plant == Plant::kDepositsOverLimit;
}

bool NeedsCoveredIncome(const CasePlan& plan) {
  return plan.Has(Plant::kDeclaredDiffersNoEffect) ||
         plan.Has(Plant::kDeclaredNothing);
}

bool PlantHasNoEffect(Plant plant) {
  return plant == Plant::kDeclaredDiffersNoEffect ||
         plant == Plant::kDeclaredNothing ||
         plant == Plant::kEnrollmentOwnHousehold ||
         plant == Plant::kEnrollmentNotActive ||
         plant == Plant::kEnrollmentOfObligor ||
         plant == Plant::kEnrollmentOfUncounted;
}

bool ChecksDuplicateEnrollment(hedui::v1::Program program) {
  return program == hedui::v1::DIBAO || program == hedui::v1::TEKUN ||
         program == hedui::v1::LOW_INCOME_MARGIN;
}

bool ProgramsExclude(hedui::v1::Program applied, hedui::v1::Program enrolled) {
  return applied != enrolled && ChecksDuplicateEnrollment(applied) &&
         ChecksDuplicateEnrollment(enrolled);
}

absl::string_view BoundaryName(Boundary boundary) {
  switch (boundary) {
    case Boundary::kNone:
      return "";
    case Boundary::kIncomeJustBelow:
      return "INCOME_JUST_BELOW_LINE";
    case Boundary::kIncomeAtLine:
      return "INCOME_EXACTLY_AT_LINE";
    case Boundary::kDepositsAtLimit:
      return "FINANCIAL_ASSETS_EXACTLY_AT_LIMIT";
    case Boundary::kDepositsOneFenOver:
      return "FINANCIAL_ASSETS_ONE_FEN_OVER_LIMIT";
    case Boundary::kVehiclesAgeAtMax:
      return "VEHICLES_AGE_EQUALS_MAX";
    case Boundary::kVehiclesAgeOneOver:
      return "VEHICLES_AGE_ONE_DAY_OVER_MAX";
    case Boundary::kConsentLastValidDay:
      return "CONSENT_LAST_VALID_DAY";
    case Boundary::kTurns18Today:
      return "MEMBER_TURNS_18_TODAY";
    case Boundary::kTurns60Today:
      return "APPLICANT_TURNS_60_TODAY";
    case Boundary::kTurns16Tomorrow:
      return "APPLICANT_TURNS_16_TOMORROW";
    case Boundary::kHousingAreaJustBelow:
      return "FLOOR_AREA_14_99_PER_MEMBER";
    case Boundary::kBetweenOldAndNewStandard:
      return "INCOME_BETWEEN_OLD_AND_NEW_STANDARD";
    case Boundary::kIndividualCapitalAtLimit:
      return "INDIVIDUAL_BUSINESS_CAPITAL_AT_LIMIT";
    case Boundary::kIndividualCapitalOneFenOver:
      return "INDIVIDUAL_BUSINESS_CAPITAL_ONE_FEN_OVER_LIMIT";
  }
  return "";
}

bool CasePlan::Has(Plant plant) const {
  return std::find(plants.begin(), plants.end(), plant) != plants.end();
}

std::vector<CasePlan> PlanApplications(Rng& rng, int applications) {
  std::vector<CasePlan> plans;
  for (const ProgramCount& count : ScaleProgramMix(applications)) {
    for (int size : DrawHouseholdSizes(rng, count)) {
      CasePlan plan;
      plan.program = count.program;
      plan.size = size;
      plans.push_back(std::move(plan));
    }
  }
  // Interleave the programs (Fisher–Yates with our own generator).
  for (size_t i = plans.size(); i > 1; --i) {
    std::swap(plans[i - 1], plans[static_cast<size_t>(
                                rng.Uniform(0, static_cast<int64_t>(i) - 1))]);
  }

  std::vector<bool> decided(plans.size(), false);
  for (const Mandatory& m : MandatoryCases()) {
    int copies = m.copies;
    // Start the search anywhere, so boundary cases are spread out.
    const size_t start = plans.empty()
                             ? 0
                             : static_cast<size_t>(rng.Uniform(
                                   0, static_cast<int64_t>(plans.size()) - 1));
    for (size_t k = 0; k < plans.size() && copies > 0; ++k) {
      const size_t i = (start + k) % plans.size();
      if (decided[i] || plans[i].program != m.program) continue;
      if (m.exact_size != 0 ? plans[i].size != m.exact_size
                            : plans[i].size < m.min_size) {
        continue;
      }
      plans[i].boundary = m.boundary;
      plans[i].plants = m.plants;
      decided[i] = true;
      --copies;
    }
  }

  int between_count = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    CasePlan& plan = plans[i];
    plan.index = static_cast<int>(i);
    if (!decided[i]) {
      std::vector<int> weights;
      int clean = kCleanWeight;
      for (const Option& option : Options()) {
        bool ok = true;
        bool enrollment = false;
        for (Plant p : option.plants) {
          ok = ok && Applicable(p, plan.program, plan.size);
          enrollment = enrollment || IsEnrollmentPlant(p);
        }
        weights.push_back(ok ? option.weight : 0);
        if (ok && enrollment) clean -= option.weight;
      }
      weights[0] = clean;  // Options()[0] is the clean case
      plan.plants = Options()[rng.Weighted(weights)].plants;
    }
    Finish(rng, plan, between_count);
  }
  return plans;
}

}  // namespace hedui::datagen
