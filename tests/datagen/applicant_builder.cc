#include "tests/datagen/applicant_builder.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "storage/types/civil_date.h"
#include "storage/types/money.h"
#include "tests/datagen/applicant_assets.h"
#include "tests/datagen/applicant_enrollment.h"
#include "tests/datagen/applicant_household.h"
#include "tests/datagen/applicant_income.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/example_policy.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;
using Json = nlohmann::ordered_json;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Criteria in the order of domain.md §8, each with its constructed result.
class Criteria {
 public:
  void Set(const std::string& name, const std::string& result) {
    items_.emplace_back(name, result);
  }
  std::string Get(const std::string& name) const {
    for (const auto& [n, r] : items_) {
      if (n == name) return r;
    }
    return "";
  }
  const std::vector<std::pair<std::string, std::string>>& items() const {
    return items_;
  }

  // domain.md §7: any FAIL → DOES_NOT_MEET; else any REVIEW or UNKNOWN →
  // NEEDS_REVIEW; else MEETS_CRITERIA.
  std::string Verdict() const {
    bool review = false;
    for (const auto& [n, r] : items_) {
      if (r == "FAIL") return "DOES_NOT_MEET";
      if (r != "PASS") review = true;
    }
    return review ? "NEEDS_REVIEW" : "MEETS_CRITERIA";
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// The criteria each plant is meant to move, and to what.
struct PlantEffect {
  Plant plant;
  const char* criterion;
  const char* result;
  const char* also;  // a second criterion it may move (or "")
};
constexpr PlantEffect kEffects[] = {
    {Plant::kUndeclaredWages, "INCOME", "FAIL", ""},
    {Plant::kHiddenCar, "VEHICLES", "FAIL", ""},
    {Plant::kUndeclaredSpouse, "COMPOSITION", "REVIEW", ""},
    {Plant::kDeceasedMember, "COMPOSITION", "REVIEW", ""},
    {Plant::kExtraHouse, "RESIDENTIAL_PROPERTY", "FAIL", "HOUSING_NEED"},
    {Plant::kBusinessOwner, "BUSINESS", "FAIL", ""},
    {Plant::kBusinessOwnerIndividual, "BUSINESS", "REVIEW", ""},
    {Plant::kDepositsOverLimit, "FINANCIAL_ASSETS", "FAIL", ""},
    // Verified from 2026-11-21 on, the enrollment feed is stale too.
    {Plant::kStaleDepartment, "VEHICLES", "UNKNOWN", "DUPLICATE_ENROLLMENT"},
    {Plant::kDeclaredDiffersNoEffect, "INCOME", "PASS", ""},
    {Plant::kDeclaredNothing, "INCOME", "PASS", ""},
    {Plant::kDuplicateSameProgram, "DUPLICATE_ENROLLMENT", "REVIEW", ""},
    {Plant::kDuplicateExcludingProgram, "DUPLICATE_ENROLLMENT", "REVIEW", ""},
    {Plant::kEnrollmentOwnHousehold, "DUPLICATE_ENROLLMENT", "PASS", ""},
    {Plant::kEnrollmentNotActive, "DUPLICATE_ENROLLMENT", "PASS", ""},
    {Plant::kEnrollmentOfObligor, "DUPLICATE_ENROLLMENT", "PASS", ""},
    {Plant::kEnrollmentOfUncounted, "DUPLICATE_ENROLLMENT", "PASS", ""},
};

std::string Yuan(int64_t fen) { return FormatFenAsYuan(fen); }

class Builder {
 public:
  Builder(County& county, Rng& rng, const CasePlan& plan)
      : county_(county), rng_(rng), plan_(plan) {}

  absl::StatusOr<BuiltApplication> Build();

 private:
  absl::Status Check(const Criteria& criteria, const std::string& verdict);
  absl::Status CheckEnrollments() const;
  Json Application();
  Json Consent();
  std::string Why(const Criteria& criteria);
  std::string EnrollmentWhy(Plant plant) const;

  County& county_;
  Rng& rng_;
  const CasePlan& plan_;
  ApplicantHousehold h_;
  AssetFacts assets_;
  int64_t medical_fen_ = 0;
  int64_t education_fen_ = 0;
  bool enrolled_ = false;
  int64_t income100_ = 0;  // found, net of rigid spending
  int64_t line100_ = 0;
};

absl::StatusOr<BuiltApplication> Builder::Build() {
  h_.plan = &plan_;
  h_.standard_fen =
      DibaoStandardFen(plan_.region, plan_.urban, plan_.verification_date);
  if (h_.standard_fen == 0)
    return absl::InternalError("no standard for the region");
  if (plan_.program == hedui::v1::UNION_HARDSHIP) {
    // Declared rigid spending for a year (domain.md §5).
    medical_fen_ = 100 * rng_.Uniform(5000, 40000);
    education_fen_ = rng_.PerMille(500) ? 100 * rng_.Uniform(2000, 15000) : 0;
  }
  MakeHouseholdPeople(county_, rng_, h_);
  BuildEnrollments(county_, rng_, h_);
  if (absl::Status s =
          BuildIncome(county_, rng_, h_, medical_fen_ + education_fen_);
      !s.ok()) {
    return s;
  }
  assets_ = BuildAssets(county_, rng_, h_);

  enrolled_ = plan_.program == hedui::v1::MEDICAL && plan_.medical_enrolled;
  const bool asset_tested =
      !enrolled_ &&
      (plan_.program == hedui::v1::DIBAO || plan_.program == hedui::v1::TEKUN ||
       plan_.program == hedui::v1::HOUSING ||
       plan_.program == hedui::v1::MEDICAL);
  income100_ = FoundIncome100(h_) - (medical_fen_ + education_fen_) * 100;
  line100_ = IncomeLine100(h_);
  bool deceased = false;
  for (const ApplicantMember& m : h_.members) deceased = deceased || m.deceased;

  Criteria criteria;
  criteria.Set("CONSENT", "PASS");
  criteria.Set("COMPOSITION",
               h_.undeclared_spouse || deceased ? "REVIEW" : "PASS");
  if (!enrolled_)
    criteria.Set("INCOME", income100_ < line100_ ? "PASS" : "FAIL");
  if (asset_tested) {
    criteria.Set(
        "FINANCIAL_ASSETS",
        assets_.financial_fen <= assets_.financial_limit_fen ? "PASS" : "FAIL");
    criteria.Set("RESIDENTIAL_PROPERTY",
                 assets_.residential <= 1 ? "PASS" : "FAIL");
    criteria.Set("NON_RESIDENTIAL_PROPERTY",
                 assets_.non_residential == 0 ? "PASS" : "FAIL");
    criteria.Set("VEHICLES", plan_.Has(Plant::kStaleDepartment) ? "UNKNOWN"
                             : assets_.car_or_truck             ? "FAIL"
                                                                : "PASS");
    switch (assets_.business) {
      case AssetFacts::Business::kCompanyActive:
      case AssetFacts::Business::kIndividualOverLimit:
        criteria.Set("BUSINESS", "FAIL");
        break;
      case AssetFacts::Business::kIndividualInLimit:
        criteria.Set("BUSINESS", "REVIEW");
        break;
      default:
        criteria.Set("BUSINESS", "PASS");
    }
  }
  if (plan_.program == hedui::v1::TEKUN) {
    criteria.Set("CANNOT_WORK", "PASS");
    criteria.Set("OBLIGORS", "PASS");
  }
  if (plan_.program == hedui::v1::HOUSING && asset_tested) {
    const bool need =
        assets_.residential == 0 ||
        assets_.residential_area_by_share <
            kHousingAreaLimitCentiM2PerMember * h_.counted() * 10000;
    criteria.Set("HOUSING_NEED", need ? "PASS" : "FAIL");
  }
  if (enrolled_) {
    criteria.Set("ENROLLMENT", "PASS");
  } else if (plan_.program == hedui::v1::MEDICAL &&
             plan_.verification_date - AsOf(hedui::v1::ASSISTANCE_ENROLLMENT) >
                 MaxDataAgeDays(hedui::v1::ASSISTANCE_ENROLLMENT)) {
    // Not shown enrolled by a stale feed is not known to be not enrolled
    // (domain.md §1 "missing is not zero"): UNKNOWN, income and assets
    // judged as for any household not enrolled.
    criteria.Set("ENROLLMENT", "UNKNOWN");
  }
  if (const std::string duplicate = DuplicateEnrollmentResult(h_);
      !duplicate.empty()) {
    criteria.Set("DUPLICATE_ENROLLMENT", duplicate);
  }

  const std::string verdict = criteria.Verdict();
  if (absl::Status s = Check(criteria, verdict); !s.ok()) return s;

  BuiltApplication built;
  built.application = Application();
  Json& label = built.label;
  label["application_id"] = absl::StrFormat("APP-%06d", plan_.index + 1);
  label["verdict"] = verdict;
  Json planted = Json::array();
  for (Plant p : plan_.plants) planted.push_back(std::string(PlantName(p)));
  label["planted"] = planted;
  Json results = Json::object();
  for (const auto& [name, result] : criteria.items()) results[name] = result;
  label["criteria"] = results;
  label["why"] = Why(criteria);
  if (plan_.boundary != Boundary::kNone)
    label["boundary"] = std::string(BoundaryName(plan_.boundary));
  if (plan_.program == hedui::v1::UNION_HARDSHIP) {
    label["union_tier"] = income100_ < DibaoLine100(h_) ? "DEEP"
                          : income100_ < line100_       ? "RELATIVE"
                                                        : "NONE";
  }
  return built;
}

absl::Status Builder::Check(const Criteria& criteria,
                            const std::string& verdict) {
  auto fail = [&](const std::string& what) {
    return absl::InternalError(absl::StrCat(
        "APP-", plan_.index + 1, " does not match its plan: ", what));
  };
  std::set<std::string> may_move;
  std::string expected = "MEETS_CRITERIA";
  // A duplicate decides DUPLICATE_ENROLLMENT whatever controls sit beside it
  // (a 特困 plan's obligor enrolment comes with its kind, not the draw).
  const bool duplicate = plan_.Has(Plant::kDuplicateSameProgram) ||
                         plan_.Has(Plant::kDuplicateExcludingProgram);
  for (Plant p : plan_.plants) {
    for (const PlantEffect& e : kEffects) {
      if (e.plant != p) continue;
      if (duplicate && PlantHasNoEffect(p) &&
          std::string(e.criterion) == "DUPLICATE_ENROLLMENT") {
        continue;
      }
      if (criteria.Get(e.criterion) != e.result) {
        return fail(absl::StrCat(PlantName(p), " left ", e.criterion, " at ",
                                 criteria.Get(e.criterion)));
      }
      may_move.insert(e.criterion);
      if (*e.also != '\0') may_move.insert(e.also);
      // A late stale case meets the enrollment feed stale too (MEDICAL).
      if (p == Plant::kStaleDepartment) may_move.insert("ENROLLMENT");
    }
    if (PlantFails(p)) {
      expected = "DOES_NOT_MEET";
    } else if (!PlantHasNoEffect(p) && expected != "DOES_NOT_MEET") {
      expected = "NEEDS_REVIEW";
    }
  }
  for (const auto& [name, result] : criteria.items()) {
    if (result != "PASS" && may_move.count(name) == 0) {
      return fail(absl::StrCat(name, " is ", result, " without a plant"));
    }
  }
  if (verdict != expected)
    return fail(absl::StrCat("verdict ", verdict, ", planned ", expected));
  if (absl::Status s = CheckEnrollments(); !s.ok())
    return fail(std::string(s.message()));
  if (plan_.Has(Plant::kDeclaredDiffersNoEffect)) {
    const int64_t declared100 =
        DeclaredIncome100(h_) - (medical_fen_ + education_fen_) * 100;
    if (declared100 == income100_ || declared100 >= line100_) {
      return fail(
          "the declaration does not differ on the same side of the line");
    }
  } else if (plan_.Has(Plant::kDeclaredNothing)) {
    // What was declared is the records' less the blank category.
    if (DeclaredIncome100(h_) >= FoundIncome100(h_))
      return fail("DECLARED_NOTHING left no income with records blank");
  } else if (!plan_.Has(Plant::kUndeclaredWages) &&
             DeclaredIncome100(h_) != FoundIncome100(h_)) {
    return fail("declared income differs from the records");
  }
  return absl::OkStatus();
}

// Each enrollment plant left the records it stands for, and no declared
// person has a record no plant (or the MEDICAL enrolment) accounts for.
absl::Status Builder::CheckEnrollments() const {
  const hedui::v1::Program applied = plan_.program;
  bool own = false, not_active = false, obligor = false, uncounted = false,
       same = false, excluding = false;
  for (const EnrollmentFact& f : h_.enrollments) {
    const bool active = f.status == store::ENROLLED;
    const bool would_duplicate =
        (f.program == applied && f.household != h_.household_number) ||
        ProgramsExclude(applied, f.program);
    bool member = false;
    for (const ApplicantMember& m : h_.members)
      member = member || m.person.id == f.person_id;
    if (!member) {
      obligor = obligor || active;
    } else if (!f.counted) {
      uncounted = uncounted || (active && would_duplicate);
    } else if (!active) {
      not_active = not_active || would_duplicate;
    } else if (f.program == applied && !would_duplicate) {
      own = true;
    } else {
      same = same || f.program == applied;
      excluding = excluding || ProgramsExclude(applied, f.program);
    }
  }
  if (enrolled_) return absl::OkStatus();  // MEDICAL: its own DIBAO roll
  const std::pair<Plant, bool> kShown[] = {
      {Plant::kDuplicateSameProgram, same},
      {Plant::kDuplicateExcludingProgram, excluding},
      {Plant::kEnrollmentOwnHousehold, own},
      {Plant::kEnrollmentNotActive, not_active},
      {Plant::kEnrollmentOfObligor, obligor},
      {Plant::kEnrollmentOfUncounted, uncounted}};
  for (const auto& [plant, shown] : kShown) {
    if (plan_.Has(plant) != shown) {
      return absl::InternalError(absl::StrCat(
          PlantName(plant), shown ? " shown by the records but not planned"
                                  : " planned but not in the records"));
    }
  }
  return absl::OkStatus();
}

Json Builder::Consent() {
  const absl::CivilDay day = plan_.verification_date;
  Json signers = Json::array();
  // Every adult declared person signs (domain.md §1); an obligor declared
  // missing or in custody does not.
  for (const ApplicantMember& m : h_.members) {
    if (m.adult()) signers.push_back(m.person.id);
  }
  for (const Obligor& o : h_.obligors) {
    if (o.status == store::NORMAL && o.person.AgeOn(day) >= kAdultAge) {
      signers.push_back(o.person.id);
    }
  }
  absl::CivilDay signed_on;
  if (plan_.boundary == Boundary::kConsentLastValidDay) {
    // Signed on D, valid through D + 12 months − 1 day: today.
    signed_on = absl::CivilDay(day.year() - 1, day.month(), day.day()) + 1;
  } else if (plan_.Has(Plant::kDeceasedMember)) {
    signed_on = h_.death_day - rng_.Uniform(5, 60);  // signed before the death
  } else {
    signed_on = day - rng_.Uniform(3, 120);
  }
  Json programs = Json::array();
  programs.push_back(hedui::v1::Program_Name(plan_.program));
  if (rng_.PerMille(100)) {
    programs.push_back(plan_.program == hedui::v1::MEDICAL ? "DIBAO"
                                                           : "MEDICAL");
  }
  Json consent;
  consent["consent_id"] = absl::StrFormat("C-%06d", plan_.index + 1);
  consent["signed_on"] = FormatCivilDay(signed_on);
  consent["signer_ids"] = signers;
  consent["programs"] = programs;
  return consent;
}

Json Builder::Application() {
  Json app;
  app["application_id"] = absl::StrFormat("APP-%06d", plan_.index + 1);
  app["program"] = hedui::v1::Program_Name(plan_.program);
  app["region_code"] = plan_.region;
  app["verification_date"] = FormatCivilDay(plan_.verification_date);
  std::string purpose;
  switch (plan_.program) {
    case hedui::v1::DIBAO:
      purpose = plan_.Has(Plant::kEnrollmentOwnHousehold)
                    ? "DIBAO renewal of an enrolled household"
                    : "DIBAO initial application";
      break;
    case hedui::v1::TEKUN:
      purpose = plan_.Has(Plant::kEnrollmentOwnHousehold)
                    ? "TEKUN renewal of an enrolled person"
                    : "TEKUN initial application";
      break;
    case hedui::v1::HOUSING:
      purpose = "HOUSING assistance application";
      break;
    case hedui::v1::TEMPORARY:
      purpose = plan_.emergency
                    ? "TEMPORARY assistance, emergency, verified after the fact"
                    : "TEMPORARY assistance, expenditure-driven";
      break;
    case hedui::v1::MEDICAL:
      purpose = "MEDICAL assistance application";
      break;
    default:
      purpose = "UNION_HARDSHIP hardship aid application";
  }
  app["purpose"] = purpose;
  app["emergency"] = plan_.emergency;
  Json members = Json::array();
  for (const ApplicantMember& m : h_.members) {
    Json member;
    member["person_id"] = m.person.id;
    member["name"] = m.person.name;
    member["relation"] = store::RelationToHead_Name(m.relation);
    // A category left blank is absent (declared nothing), not 0.
    Json income = Json::object();
    auto put = [&income, &m](const char* category, int64_t fen) {
      if (std::find(m.blank.begin(), m.blank.end(), category) == m.blank.end())
        income[category] = fen;
    };
    put("WAGES", m.declared_wages_fen);
    put("BUSINESS", 0);
    put("PROPERTY", m.declared_property_fen);
    put("TRANSFER", m.declared_transfer_fen);
    put("OTHER", 0);
    member["declared_monthly_income_fen"] = income;
    member["informal_work"] = m.informal_wage_fen > 0;
    members.push_back(member);
  }
  app["members"] = members;
  Json assets;
  assets["financial_assets_fen"] = assets_.declared_financial_fen;
  assets["residential_properties"] = assets_.declared_residential;
  assets["non_residential_properties"] = assets_.declared_non_residential;
  assets["vehicles"] = assets_.declared_vehicles;
  app["declared_assets"] = assets;
  Json obligors = Json::array();
  for (const Obligor& o : h_.obligors) {
    Json obligor;
    obligor["person_id"] = o.person.id;
    obligor["name"] = o.person.name;
    obligor["relation"] = store::RelationToHead_Name(o.relation);
    obligor["declared_status"] = store::RegistrationStatus_Name(o.status);
    obligors.push_back(obligor);
  }
  app["obligors"] = obligors;
  app["single_person_member_id"] = "";
  app["serious_illness"] = false;
  Json rigid;
  rigid["medical"] = medical_fen_;
  rigid["education"] = education_fen_;
  app["rigid_spending_fen"] = rigid;
  app["consent"] = Consent();
  return app;
}

// The enrollment record the plant stands for, in words.
std::string Builder::EnrollmentWhy(Plant plant) const {
  const hedui::v1::Program applied = plan_.program;
  const std::string own = h_.household_number;
  auto where = [&](const EnrollmentFact& f) {
    return f.household == own
               ? absl::StrCat("under the applicant's own 户号 ", own)
               : absl::StrCat("under another 户号 ", f.household);
  };
  for (const EnrollmentFact& f : h_.enrollments) {
    const std::string program(hedui::v1::Program_Name(f.program));
    const bool active = f.status == store::ENROLLED;
    switch (plant) {
      case Plant::kDuplicateSameProgram:
        if (f.counted && active && f.program == applied && f.household != own) {
          return absl::StrCat(
              "DUPLICATE_SAME_PROGRAM: a counted member is ENROLLED in ",
              program, " ", where(f), " (transfer or double enrolment)");
        }
        break;
      case Plant::kDuplicateExcludingProgram:
        if (f.counted && active && ProgramsExclude(applied, f.program)) {
          return absl::StrCat(
              "DUPLICATE_EXCLUDING_PROGRAM: a counted member is ENROLLED in ",
              program, " ", where(f), ", which excludes ",
              hedui::v1::Program_Name(applied));
        }
        break;
      case Plant::kEnrollmentOwnHousehold:
        if (f.counted && active && f.program == applied && f.household == own) {
          return absl::StrCat(
              "ENROLLMENT_OWN_HOUSEHOLD: the household is "
              "ENROLLED in ",
              program, " ", where(f),
              " (its own enrolment, a renewal: no duplicate)");
        }
        break;
      case Plant::kEnrollmentNotActive:
        if (f.counted && !active) {
          return absl::StrCat("ENROLLMENT_NOT_ACTIVE: a counted member's ",
                              program, " record ", where(f), " is ",
                              store::EnrollmentStatus_Name(f.status),
                              " (only ENROLLED counts)");
        }
        break;
      case Plant::kEnrollmentOfObligor:
        if (!f.counted && active && f.household != own) {
          return absl::StrCat(
              "ENROLLMENT_OF_OBLIGOR: an obligor is ENROLLED "
              "in ",
              program,
              " (unable to support; obligors are never "
              "checked for duplicates)");
        }
        break;
      case Plant::kEnrollmentOfUncounted:
        if (!f.counted && active) {
          return absl::StrCat(
              "ENROLLMENT_OF_UNCOUNTED_MEMBER: the deceased member is "
              "ENROLLED in ",
              program, " ", where(f), " (not counted, so not checked)");
        }
        break;
      default:
        break;
    }
  }
  return std::string(PlantName(plant));
}

std::string Builder::Why(const Criteria& criteria) {
  std::vector<std::string> parts;
  const int n = h_.counted();
  const std::string per_capita = Yuan(FloorDiv(income100_, 1200 * n));
  const std::string line = Yuan(FloorDiv(line100_, 1200 * n));
  for (Plant p : plan_.plants) {
    switch (p) {
      case Plant::kUndeclaredWages: {
        int64_t hidden = 0;
        for (const ApplicantMember& m : h_.members) {
          for (const Job& j : m.hidden_jobs) hidden += j.monthly_fen;
        }
        parts.push_back(absl::StrCat(
            "UNDECLARED_WAGES: ", Yuan(hidden),
            " yuan/month of wages not declared; per-capita income ", per_capita,
            " is not below the line ", line));
        break;
      }
      case Plant::kHiddenCar:
        parts.push_back(
            "HIDDEN_CAR: a car is registered to a member, no vehicle declared");
        break;
      case Plant::kUndeclaredSpouse:
        parts.push_back(
            "UNDECLARED_SPOUSE: the applicant is married to an undeclared "
            "person registered "
            "in the same household");
        break;
      case Plant::kDeceasedMember:
        parts.push_back(
            absl::StrCat("DECEASED_MEMBER: a declared member died on ",
                         FormatCivilDay(h_.death_day),
                         " (left out of the per-capita figures)"));
        break;
      case Plant::kExtraHouse:
        parts.push_back(absl::StrCat("EXTRA_HOUSE: ", assets_.residential,
                                     " residential properties held, ",
                                     assets_.declared_residential,
                                     " declared"));
        break;
      case Plant::kBusinessOwner:
        parts.push_back(
            assets_.business == AssetFacts::Business::kIndividualOverLimit
                ? "BUSINESS_OWNER: operator of an active individual business "
                  "with capital one fen over the exemption limit"
                : "BUSINESS_OWNER: legal representative of an active company");
        break;
      case Plant::kBusinessOwnerIndividual:
        parts.push_back(
            "BUSINESS_OWNER_INDIVIDUAL: operator of an active individual "
            "business within "
            "the capital limit (exemption needs review)");
        break;
      case Plant::kDepositsOverLimit:
        parts.push_back(absl::StrCat("DEPOSITS_OVER_LIMIT: financial assets ",
                                     Yuan(assets_.financial_fen),
                                     " exceed the limit ",
                                     Yuan(assets_.financial_limit_fen)));
        break;
      case Plant::kStaleDepartment:
        parts.push_back(absl::StrCat(
            "STALE_DEPARTMENT: VEHICLES data as of ",
            FormatCivilDay(AsOf(kStaleDepartment)), " is ",
            plan_.verification_date - AsOf(kStaleDepartment), " days old (max ",
            MaxDataAgeDays(kStaleDepartment), ")"));
        break;
      case Plant::kDeclaredDiffersNoEffect:
        parts.push_back(absl::StrCat(
            "DECLARED_DIFFERS_NO_EFFECT: declared per-capita income ",
            Yuan(FloorDiv(
                DeclaredIncome100(h_) - (medical_fen_ + education_fen_) * 100,
                1200 * n)),
            " and found ", per_capita, " are both below the line ", line));
        break;
      case Plant::kDeclaredNothing:
        for (const ApplicantMember& m : h_.members) {
          if (m.blank_shown.empty()) continue;
          parts.push_back(absl::StrCat(
              "DECLARED_NOTHING: the ", store::RelationToHead_Name(m.relation),
              " left ", m.blank_shown,
              " blank though the records show it (declaring nothing is not "
              "declaring 0: no discrepancy); income from the records, "
              "per capita ",
              per_capita, ", below the line ", line));
          break;
        }
        break;
      case Plant::kDuplicateSameProgram:
      case Plant::kDuplicateExcludingProgram:
      case Plant::kEnrollmentOwnHousehold:
      case Plant::kEnrollmentNotActive:
      case Plant::kEnrollmentOfObligor:
      case Plant::kEnrollmentOfUncounted:
        parts.push_back(EnrollmentWhy(p));
        break;
    }
  }
  // Enrollment controls leave the household otherwise clean.
  bool clean = true;
  for (Plant p : plan_.plants) {
    clean = clean && PlantHasNoEffect(p) &&
            p != Plant::kDeclaredDiffersNoEffect &&
            p != Plant::kDeclaredNothing;
  }
  if (clean) {
    if (enrolled_) {
      parts.push_back(
          "clean: a member is enrolled in DIBAO, income and assets are not "
          "judged");
    } else {
      parts.push_back(absl::StrCat(
          "clean: per-capita income ", per_capita, " is below the line ", line,
          criteria.Get("FINANCIAL_ASSETS").empty() ? ""
                                                   : "; assets within limits"));
    }
    std::rotate(parts.begin(), parts.end() - 1, parts.end());  // first
  }
  if (plan_.boundary != Boundary::kNone) {
    parts.push_back(absl::StrCat("boundary ", BoundaryName(plan_.boundary)));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

absl::StatusOr<BuiltApplication> BuildApplication(County& county, Rng& rng,
                                                  const CasePlan& plan) {
  return Builder(county, rng, plan).Build();
}

}  // namespace hedui::datagen
