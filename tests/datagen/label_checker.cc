#include "tests/datagen/label_checker.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "storage/types/civil_date.h"
#include "storage/types/money.h"
#include "storage/types/resident_id.h"
#include "tests/datagen/example_policy.h"

namespace hedui::datagen::testing {
namespace {

using nlohmann::json;

int64_t Fen(absl::string_view yuan) {
  return ParseYuanToFen(yuan).value_or(-1);
}

int Age(const std::string& id, absl::CivilDay day) {
  return AgeOn(ResidentIdBirthDate(id), day);
}

// Plants that leave every criterion PASS.
const std::set<std::string>& NoEffectPlants() {
  static const auto* plants = new std::set<std::string>{
      "DECLARED_DIFFERS_NO_EFFECT", "DECLARED_NOTHING",
      "ENROLLMENT_OWN_HOUSEHOLD",   "ENROLLMENT_NOT_ACTIVE",
      "ENROLLMENT_OF_OBLIGOR",      "ENROLLMENT_OF_UNCOUNTED_MEMBER"};
  return *plants;
}

// domain.md §10: 低保, 特困 and margin check duplicates and exclude each
// other.
bool AssistanceProgram(absl::string_view program) {
  return program == "DIBAO" || program == "TEKUN" ||
         program == "LOW_INCOME_MARGIN";
}

bool Planted(const json& label, const std::string& kind) {
  for (const auto& p : label["planted"]) {
    if (p == kind) return true;
  }
  return false;
}

std::string Criterion(const json& label, const std::string& name) {
  return label["criteria"].contains(name)
             ? label["criteria"][name].get<std::string>()
             : "";
}

class Checker {
 public:
  explicit Checker(const County& county)
      : county_(county),
        hr_(county.table("HOUSEHOLD_REGISTRATION")),
        marriage_(county.table("MARRIAGE")),
        death_(county.table("DEATH")),
        si_(county.table("SOCIAL_INSURANCE")),
        benefits_(county.table("BENEFITS")),
        tax_(county.table("TAX")),
        real_estate_(county.table("REAL_ESTATE")),
        vehicles_(county.table("VEHICLES")),
        business_(county.table("BUSINESS")),
        financial_(county.table("FINANCIAL_ASSETS")),
        disability_(county.table("DISABILITY")),
        enrollment_(county.table("ASSISTANCE_ENROLLMENT")) {
    const int household = hr_.column("household_number");
    for (size_t r = 0; r < hr_.rows(); ++r)
      households_[hr_.at(r, household)].push_back(r);
  }

  void Check(const json& app, const json& label);

  std::vector<std::string> errors;
  LabelCheckStats stats;

 private:
  void Error(const std::string& what) {
    if (errors.size() < 50) errors.push_back(absl::StrCat(id_, ": ", what));
  }
  absl::string_view Hr(const std::string& person, const char* column) {
    const auto& rows = hr_.OfPerson(person);
    return rows.size() == 1 ? hr_.at(rows[0], hr_.column(column))
                            : absl::string_view();
  }
  void CheckConsent(const json& app);
  bool UndeclaredSpouse(const std::set<std::string>& declared,
                        absl::string_view household);
  void CheckIncome(const json& app, const json& label);
  void CheckAssets(const json& app, const json& label);
  void CheckStaleness(const json& label);
  void CheckTekun(const json& app, const json& label);
  void CheckDuplicateEnrollment(const json& app, const json& label);
  bool EnrollmentFeedStale() const;

  const County& county_;
  const Table& hr_;
  const Table& marriage_;
  const Table& death_;
  const Table& si_;
  const Table& benefits_;
  const Table& tax_;
  const Table& real_estate_;
  const Table& vehicles_;
  const Table& business_;
  const Table& financial_;
  const Table& disability_;
  const Table& enrollment_;
  absl::flat_hash_map<absl::string_view, std::vector<size_t>> households_;

  // The application being checked.
  std::string id_;
  std::string program_;
  std::string household_;  // the applicant's 户号
  absl::CivilDay day_;
  int64_t standard_ = 0;
  bool urban_ = false;
  std::vector<std::string> counted_;  // declared members not deceased
};

void Checker::CheckConsent(const json& app) {
  const json& consent = app["consent"];
  std::set<std::string> signers;
  for (const auto& s : consent["signer_ids"])
    signers.insert(s.get<std::string>());
  std::set<std::string> adults;
  for (const auto& m : app["members"]) {
    const std::string pid = m["person_id"];
    if (Age(pid, day_) >= kAdultAge) adults.insert(pid);
  }
  for (const auto& o : app["obligors"]) {
    const std::string pid = o["person_id"];
    if (o["declared_status"] == "NORMAL" && Age(pid, day_) >= kAdultAge)
      adults.insert(pid);
  }
  if (signers != adults) Error("signers are not exactly the declared adults");
  const absl::CivilDay signed_on =
      *ParseCivilDay(consent["signed_on"].get<std::string>());
  const absl::CivilDay expires(signed_on.year() + 1, signed_on.month(),
                               signed_on.day());
  if (signed_on > day_ || expires <= day_)
    Error("consent not valid on the verification date");
  bool covers = false;
  for (const auto& p : consent["programs"]) covers = covers || p == program_;
  if (!covers) Error("consent does not name the program");
}

bool Checker::UndeclaredSpouse(const std::set<std::string>& declared,
                               absl::string_view household) {
  bool found = false;
  for (const std::string& pid : declared) {
    // Per spouse, the latest event decides: married or divorced.
    std::map<std::string, std::pair<std::string, std::string>>
        latest;  // spouse → (date, status)
    for (size_t r : marriage_.OfPerson(pid)) {
      auto& l = latest[std::string(marriage_.at(r, 1))];
      const std::string date(marriage_.at(r, 3));
      if (date >= l.first) l = {date, std::string(marriage_.at(r, 2))};
    }
    for (const auto& [spouse, event] : latest) {
      if (event.second != "MARRIED" || declared.count(spouse)) continue;
      if (Hr(spouse, "household_number") == household) found = true;
    }
  }
  return found;
}

void Checker::CheckIncome(const json& app, const json& label) {
  // The window ends before the verification month, and no later than the
  // last full month every fresh income department covers (domain.md §10.1:
  // data as of a month's last day covers that month; a later month is not
  // known yet, not zero).
  absl::CivilMonth last = absl::CivilMonth(day_) - 1;
  for (const auto& d : county_.manifest["departments"]) {
    const std::string department = d["department"];
    if (department != "SOCIAL_INSURANCE" && department != "BENEFITS" &&
        department != "TAX") {
      continue;
    }
    hedui::v1::Department code = hedui::v1::DEPARTMENT_UNSPECIFIED;
    hedui::v1::Department_Parse(department, &code);
    const absl::CivilDay as_of = *ParseCivilDay(d["as_of"].get<std::string>());
    if (day_ - as_of > MaxDataAgeDays(code)) continue;  // stale: UNKNOWN
    const absl::CivilMonth covered = absl::CivilMonth(as_of + 1) - 1;
    last = std::min(last, covered);
  }
  const absl::CivilMonth first = last - (kLookBackMonths - 1);
  auto in_window = [&](absl::string_view period) {
    const auto m = ParseCivilMonth(period);
    return m.ok() && *m >= first && *m <= last;
  };
  int64_t wages = 0, other = 0, declared100 = 0;
  bool blank_shown = false;
  for (const auto& m : app["members"]) {
    const std::string pid = m["person_id"];
    if (std::find(counted_.begin(), counted_.end(), pid) == counted_.end())
      continue;
    std::map<absl::CivilMonth, int64_t> tax_wage, si_base;
    for (size_t r : tax_.OfPerson(pid)) {
      if (!in_window(tax_.at(r, 1))) continue;
      const absl::string_view type = tax_.at(r, 2);
      if (type == "WAGE") {
        tax_wage[*ParseCivilMonth(tax_.at(r, 1))] += Fen(tax_.at(r, 3));
      } else if (type == "PROPERTY_INCOME" || type == "BUSINESS_INCOME") {
        other += Fen(tax_.at(r, 3));
      } else {
        Error(
            "an applicant has LABOUR income (category left open by domain.md)");
      }
    }
    for (size_t r : si_.OfPerson(pid)) {
      if (in_window(si_.at(r, 1)))
        si_base[*ParseCivilMonth(si_.at(r, 1))] += Fen(si_.at(r, 2));
    }
    int months = 0;
    for (absl::CivilMonth mo = first; mo <= last; ++mo) {
      const auto t = tax_wage.find(mo);
      if (t != tax_wage.end()) {
        wages += t->second;  // the tax department's wage prevails
        ++months;
      } else if (si_base.count(mo)) {
        wages += si_base[mo];
        ++months;
      }
    }
    if (months != 0 && months != kLookBackMonths)
      Error("wage records do not cover the window");
    int64_t member_transfer = 0;
    for (size_t r : benefits_.OfPerson(pid)) {
      if (!in_window(benefits_.at(r, 1))) continue;
      const absl::string_view type = benefits_.at(r, 2);
      if (type == "EMPLOYEE_PENSION" || type == "UNEMPLOYMENT_BENEFIT" ||
          (type == "RESIDENTS_BASIC_PENSION" &&
           !kResidentsBasicPensionExcluded)) {
        member_transfer += Fen(benefits_.at(r, 3));
      }
    }
    other += member_transfer;
    // A category absent is declared nothing (domain.md §4), not 0.
    const json& d = m["declared_monthly_income_fen"];
    auto declared = [&d](const char* category) {
      return d.value(category, int64_t{0});
    };
    if (m["informal_work"].get<bool>()) {
      if (months != 0) Error("informal worker with wage records");
      if (!d.contains("WAGES")) Error("informal wages not declared");
      wages += 12 * declared("WAGES");  // no department covers it
    }
    // A blank category the member's records show (wages, or transfers).
    blank_shown = blank_shown || (!d.contains("WAGES") && months != 0) ||
                  (!d.contains("TRANSFER") && member_transfer > 0);
    declared100 += 12 * (declared("WAGES") * (100 - kEmploymentCostPercent) +
                         (declared("BUSINESS") + declared("PROPERTY") +
                          declared("TRANSFER") + declared("OTHER")) *
                             100);
  }
  const int64_t n = static_cast<int64_t>(counted_.size());
  const int64_t rigid100 =
      100 * (app["rigid_spending_fen"]["medical"].get<int64_t>() +
             app["rigid_spending_fen"]["education"].get<int64_t>());
  const int64_t found100 = wages * (100 - kEmploymentCostPercent) + other * 100;
  const int64_t income100 = found100 - rigid100;
  const int64_t dibao100 = standard_ * 12 * n * 100;
  int64_t line100 = dibao100;
  if (program_ == "HOUSING" || program_ == "MEDICAL")
    line100 = standard_ * 12 * n * 150;
  if (program_ == "TEMPORARY") line100 = kTemporaryAnnualIncomeFen * n * 100;
  if (program_ == "UNION_HARDSHIP") line100 = 2 * dibao100;
  ++stats.income_checked;

  const bool pass = income100 < line100;
  if (Criterion(label, "INCOME") != (pass ? "PASS" : "FAIL")) {
    Error(absl::StrCat("INCOME is ", Criterion(label, "INCOME"),
                       " but income100 ", income100, " vs line100 ", line100));
  }
  const bool undeclared = Planted(label, "UNDECLARED_WAGES");
  const bool differs = Planted(label, "DECLARED_DIFFERS_NO_EFFECT");
  const bool blank = Planted(label, "DECLARED_NOTHING");
  if (blank != blank_shown)
    Error("DECLARED_NOTHING planted iff a category the records show is blank");
  if (undeclared != !pass) Error("UNDECLARED_WAGES planted iff income fails");
  if (undeclared &&
      !(declared100 - rigid100 < line100 && declared100 < found100)) {
    Error(
        "UNDECLARED_WAGES: the declaration does not hide wages below the line");
  }
  if (differs &&
      (declared100 == found100 || declared100 - rigid100 >= line100)) {
    Error("DECLARED_DIFFERS_NO_EFFECT: declaration equal or on the other side");
  }
  if (blank && declared100 >= found100)
    Error("DECLARED_NOTHING: the declaration leaves nothing out");
  if (!undeclared && !differs && !blank && declared100 != found100) {
    Error(absl::StrCat("declared income differs from the records: ",
                       declared100, " vs ", found100));
  }
  const std::string boundary = label.value("boundary", "");
  if (boundary == "INCOME_JUST_BELOW_LINE") {
    ++stats.boundaries_checked;
    if (!(line100 - income100 > 0 && line100 - income100 <= 12 * 90)) {
      Error("income is not within one fen a month below the line");
    }
  } else if (boundary == "INCOME_EXACTLY_AT_LINE") {
    ++stats.boundaries_checked;
    if (income100 != line100) Error("income is not exactly at the line");
  } else if (boundary == "INCOME_BETWEEN_OLD_AND_NEW_STANDARD") {
    ++stats.boundaries_checked;
    const int64_t old = DibaoStandardFen(app["region_code"].get<std::string>(),
                                         urban_, absl::CivilDay(2026, 1, 1));
    if (!(old < standard_ && income100 > old * 12 * n * 100 &&
          income100 < line100)) {
      Error("income is not between the old and the new standard");
    }
  } else if (pass && !differs && income100 * 100 > line100 * 95) {
    Error("a clean income is not clearly below the line");
  } else if (!pass && income100 * 100 < line100 * 120) {
    Error("a failing income is not clearly above the line");
  }
  if (program_ == "UNION_HARDSHIP") {
    const std::string tier = income100 < dibao100 ? "DEEP"
                             : pass               ? "RELATIVE"
                                                  : "NONE";
    if (label.value("union_tier", "") != tier) Error("union tier");
  }
}

void Checker::CheckAssets(const json& app, const json& label) {
  ++stats.assets_checked;
  const int64_t n = static_cast<int64_t>(counted_.size());
  int64_t financial = 0;
  std::set<std::string> residential, non_residential;
  int64_t area_by_share = 0;  // 0.01 m² × 1/10000
  int vehicles = 0;
  bool car = false;
  std::string business = "PASS";
  int64_t capital = -1;
  for (const std::string& pid : counted_) {
    for (size_t r : financial_.OfPerson(pid))
      financial += Fen(financial_.at(r, 4));
    for (size_t r : real_estate_.OfPerson(pid)) {
      if (real_estate_.at(r, 2) == "RESIDENTIAL") {
        residential.insert(std::string(real_estate_.at(r, 1)));
        area_by_share += *ParseScaledDecimal(real_estate_.at(r, 3), 2) *
                         *ParseScaledDecimal(real_estate_.at(r, 4), 4);
      } else {
        non_residential.insert(std::string(real_estate_.at(r, 1)));
      }
    }
    for (size_t r : vehicles_.OfPerson(pid)) {
      ++vehicles;
      const absl::string_view type = vehicles_.at(r, 2);
      if (type == "CAR" || type == "TRUCK") car = true;
    }
    for (size_t r : business_.OfPerson(pid)) {
      if (business_.at(r, 6) != "ACTIVE") continue;
      if (business_.at(r, 3) == "INDIVIDUAL_BUSINESS") {
        capital = Fen(business_.at(r, 5));
        if (capital > kIndividualBusinessCapitalLimitFen) {
          business = "FAIL";
        } else if (business != "FAIL") {
          business = "REVIEW";
        }
      } else {
        business = "FAIL";
      }
    }
  }
  const int64_t limit = kFinancialAssetsMultiple * standard_ * n;
  const json& declared = app["declared_assets"];
  auto expect = [&](const std::string& name, const std::string& result) {
    if (Criterion(label, name) != result) {
      Error(absl::StrCat(name, " is ", Criterion(label, name), ", data say ",
                         result));
    }
  };
  expect("FINANCIAL_ASSETS", financial <= limit ? "PASS" : "FAIL");
  expect("RESIDENTIAL_PROPERTY", residential.size() <= 1 ? "PASS" : "FAIL");
  expect("NON_RESIDENTIAL_PROPERTY", non_residential.empty() ? "PASS" : "FAIL");
  expect("VEHICLES", Planted(label, "STALE_DEPARTMENT") ? "UNKNOWN"
                     : car                              ? "FAIL"
                                                        : "PASS");
  expect("BUSINESS", business);
  if (program_ == "HOUSING") {
    expect("HOUSING_NEED",
           residential.empty() ||
                   area_by_share < kHousingAreaLimitCentiM2PerMember * n * 10000
               ? "PASS"
               : "FAIL");
  }
  if (Planted(label, "DEPOSITS_OVER_LIMIT") != (financial > limit))
    Error("DEPOSITS_OVER_LIMIT");
  if (Planted(label, "EXTRA_HOUSE") != (residential.size() >= 2))
    Error("EXTRA_HOUSE");
  if (Planted(label, "HIDDEN_CAR") != (car && declared["vehicles"] == 0))
    Error("HIDDEN_CAR");
  if (Planted(label, "BUSINESS_OWNER") != (business == "FAIL"))
    Error("BUSINESS_OWNER");
  if (Planted(label, "BUSINESS_OWNER_INDIVIDUAL") != (business == "REVIEW")) {
    Error("BUSINESS_OWNER_INDIVIDUAL");
  }
  bool asset_plant = false;
  for (const auto& p : label["planted"]) {
    asset_plant = asset_plant || p == "DECLARED_DIFFERS_NO_EFFECT" ||
                  NoEffectPlants().count(p.get<std::string>()) == 0;
  }
  if (!asset_plant &&
      (declared["financial_assets_fen"] != financial ||
       declared["residential_properties"] != residential.size() ||
       declared["non_residential_properties"] != non_residential.size() ||
       declared["vehicles"] != vehicles)) {
    Error("a clean household's declared assets differ from the records");
  }
  const std::string boundary = label.value("boundary", "");
  if (boundary.find("FINANCIAL_ASSETS") != std::string::npos)
    ++stats.boundaries_checked;
  if (boundary == "FINANCIAL_ASSETS_EXACTLY_AT_LIMIT" && financial != limit)
    Error(boundary);
  if (boundary == "FINANCIAL_ASSETS_ONE_FEN_OVER_LIMIT" &&
      financial != limit + 1)
    Error(boundary);
  if (boundary == "INDIVIDUAL_BUSINESS_CAPITAL_AT_LIMIT" &&
      capital != kIndividualBusinessCapitalLimitFen) {
    Error(boundary);
  }
  if (boundary == "INDIVIDUAL_BUSINESS_CAPITAL_ONE_FEN_OVER_LIMIT" &&
      capital != kIndividualBusinessCapitalLimitFen + 1) {
    Error(boundary);
  }
  if (boundary == "FLOOR_AREA_14_99_PER_MEMBER" &&
      !(residential.size() == 1 && area_by_share == 1499 * n * 10000)) {
    Error(boundary);
  }
}

void Checker::CheckStaleness(const json& label) {
  const bool stale_planted = Planted(label, "STALE_DEPARTMENT");
  for (const auto& d : county_.manifest["departments"]) {
    const std::string department = d["department"];
    const absl::CivilDay as_of = *ParseCivilDay(d["as_of"].get<std::string>());
    if (as_of > day_)
      Error(absl::StrCat(department, " data is from after the verification"));
    hedui::v1::Department code = hedui::v1::DEPARTMENT_UNSPECIFIED;
    hedui::v1::Department_Parse(department, &code);
    const int64_t age = day_ - as_of;
    const bool stale = age > MaxDataAgeDays(code);
    const bool expected = stale_planted && department == "VEHICLES";
    // A late STALE_DEPARTMENT case may see the enrollment feed stale too; the
    // DUPLICATE_ENROLLMENT check follows the feed's age either way.
    const bool either = stale_planted && department == "ASSISTANCE_ENROLLMENT";
    if (stale != expected && !either)
      Error(absl::StrCat(department, " age ", age, " stale=", stale));
    if (department == "VEHICLES") {
      const std::string boundary = label.value("boundary", "");
      if (boundary == "VEHICLES_AGE_EQUALS_MAX" && age != MaxDataAgeDays(code))
        Error(boundary);
      if (boundary == "VEHICLES_AGE_ONE_DAY_OVER_MAX" &&
          age != MaxDataAgeDays(code) + 1) {
        Error(boundary);
      }
    }
  }
}

void Checker::CheckTekun(const json& app, const json& label) {
  for (const std::string& pid : counted_) {
    const int age = Age(pid, day_);
    bool severe = false;
    for (size_t r : disability_.OfPerson(pid)) {
      const absl::string_view category = disability_.at(r, 1);
      const int grade = disability_.at(r, 2)[0] - '0';
      severe = severe ||
               ((category == "INTELLECTUAL" || category == "MENTAL") &&
                grade <= 3) ||
               (category == "PHYSICAL" && grade <= 2) ||
               (category == "VISUAL" && grade == 1);
    }
    if (!(age >= kCannotWorkOldAge || age < kCannotWorkYoungAge || severe)) {
      Error("a 特困 member can work");
    }
  }
  for (const auto& o : app["obligors"]) {
    const std::string pid = o["person_id"];
    const std::string declared = o["declared_status"];
    const absl::string_view status = Hr(pid, "status");
    if (declared != "NORMAL") {
      if (status != declared)
        Error("obligor's declared status not confirmed by registration");
      continue;
    }
    bool unable = false;
    for (size_t r : enrollment_.OfPerson(pid)) {
      if (enrollment_.at(r, 4) != "ENROLLED") continue;
      const absl::string_view program = enrollment_.at(r, 1);
      unable = unable || program == "TEKUN" ||
               (program == "DIBAO" && Age(pid, day_) >= 60);
    }
    if (status != "NORMAL" || !unable) Error("an obligor able to support");
  }
  if (Criterion(label, "CANNOT_WORK") != "PASS" ||
      Criterion(label, "OBLIGORS") != "PASS") {
    Error("CANNOT_WORK and OBLIGORS pass by construction");
  }
  const std::string boundary = label.value("boundary", "");
  const std::string head = app["members"][0]["person_id"];
  if (boundary == "APPLICANT_TURNS_60_TODAY") {
    ++stats.boundaries_checked;
    if (!(Age(head, day_) == 60 && Age(head, day_ - 1) == 59)) Error(boundary);
  }
  if (boundary == "APPLICANT_TURNS_16_TOMORROW") {
    ++stats.boundaries_checked;
    if (!(Age(head, day_) == 15 && Age(head, day_ + 1) == 16)) Error(boundary);
  }
}

// DUPLICATE_ENROLLMENT (domain.md §10, §10.1 "Duplicate enrolment"): only
// ENROLLED records of counted declared members count; a record's household
// is the 户号 it names, the applicant's own in the same program is no
// duplicate, programs that exclude each other count in any household; a
// duplicate is REVIEW whatever the feed's age, else a stale feed is UNKNOWN.
bool Checker::EnrollmentFeedStale() const {
  bool stale = true;  // no file: missing, as stale
  for (const auto& d : county_.manifest["departments"]) {
    if (d["department"] != "ASSISTANCE_ENROLLMENT") continue;
    const absl::CivilDay as_of = *ParseCivilDay(d["as_of"].get<std::string>());
    // Data dated after a backdated verification date is not stale (§6).
    stale = day_ - as_of > MaxDataAgeDays(hedui::v1::ASSISTANCE_ENROLLMENT);
  }
  return stale;
}

void Checker::CheckDuplicateEnrollment(const json& app, const json& label) {
  bool same = false, excluding = false, own = false, not_active = false,
       obligor = false, uncounted = false;
  for (const auto& m : app["members"]) {
    const std::string pid = m["person_id"];
    const bool counted =
        std::find(counted_.begin(), counted_.end(), pid) != counted_.end();
    for (size_t r : enrollment_.OfPerson(pid)) {
      const absl::string_view program = enrollment_.at(r, 1);
      const bool at_home = enrollment_.at(r, 2) == household_;
      const bool active = enrollment_.at(r, 4) == "ENROLLED";
      const bool excludes = program != program_ && AssistanceProgram(program) &&
                            AssistanceProgram(program_);
      const bool duplicate = (program == program_ && !at_home) || excludes;
      if (!counted) {
        uncounted = uncounted || (active && duplicate);
      } else if (!active) {
        not_active = not_active || duplicate;
      } else if (program == program_) {
        (at_home ? own : same) = true;
      } else {
        excluding = excluding || excludes;
      }
    }
  }
  for (const auto& o : app["obligors"]) {
    for (size_t r : enrollment_.OfPerson(o["person_id"].get<std::string>()))
      obligor = obligor || enrollment_.at(r, 4) == "ENROLLED";
  }
  const bool applies = AssistanceProgram(program_);
  const std::map<std::string, bool> shown = {
      {"DUPLICATE_SAME_PROGRAM", same},
      {"DUPLICATE_EXCLUDING_PROGRAM", excluding},
      {"ENROLLMENT_OWN_HOUSEHOLD", own},
      {"ENROLLMENT_NOT_ACTIVE", not_active},
      {"ENROLLMENT_OF_OBLIGOR", obligor},
      {"ENROLLMENT_OF_UNCOUNTED_MEMBER", uncounted}};
  for (const auto& [plant, is_shown] : shown) {
    if (Planted(label, plant) != (applies && is_shown)) {
      Error(absl::StrCat(
          plant, (applies && is_shown) ? " in the records" : " planted",
          " but ",
          Planted(label, plant) ? "not in the records" : "not planted"));
    }
  }
  if (!applies) {
    if (label["criteria"].contains("DUPLICATE_ENROLLMENT"))
      Error("DUPLICATE_ENROLLMENT for a program without it");
    return;
  }
  const bool stale = EnrollmentFeedStale();
  const std::string expected = same || excluding ? "REVIEW"
                               : stale           ? "UNKNOWN"
                                                 : "PASS";
  ++stats.duplicates_checked;
  if (expected == "REVIEW") ++stats.duplicates_review;
  if (Criterion(label, "DUPLICATE_ENROLLMENT") != expected) {
    Error(absl::StrCat("DUPLICATE_ENROLLMENT is ",
                       Criterion(label, "DUPLICATE_ENROLLMENT"),
                       ", the enrollment feed says ", expected));
  }
}

void Checker::Check(const json& app, const json& label) {
  ++stats.applications;
  id_ = app["application_id"];
  if (label["application_id"] != id_) Error("label out of order");
  program_ = app["program"];
  day_ = *ParseCivilDay(app["verification_date"].get<std::string>());
  counted_.clear();

  // Registration: every member in the applicant's household, of its region.
  const std::string head = app["members"][0]["person_id"];
  const absl::string_view household = Hr(head, "household_number");
  household_ = std::string(household);
  urban_ = Hr(head, "residence_class") == "URBAN";
  if (Hr(head, "region_code") != app["region_code"].get<std::string>())
    Error("region");
  if (Hr(head, "relation_to_head") != "HEAD")
    Error("the applicant is not the head");
  standard_ =
      DibaoStandardFen(app["region_code"].get<std::string>(), urban_, day_);
  std::set<std::string> declared;
  int deceased = 0;
  for (const auto& m : app["members"]) {
    const std::string pid = m["person_id"];
    declared.insert(pid);
    if (Hr(pid, "household_number") != household)
      Error("a member lives elsewhere");
    const absl::string_view status = Hr(pid, "status");
    if (status == "DECEASED") {
      ++deceased;
      if (death_.OfPerson(pid).size() != 1)
        Error("deceased without a death record");
    } else {
      if (status != "NORMAL") Error("a member is not NORMAL");
      if (!death_.OfPerson(pid).empty())
        Error("a death record for a living member");
      counted_.push_back(pid);
    }
    if (Hr(pid, "name") != m["name"].get<std::string>())
      Error("name differs from registration");
  }

  CheckConsent(app);

  // Composition (domain.md §2).
  const bool spouse = UndeclaredSpouse(declared, household);
  for (size_t r : households_[household]) {
    const std::string pid(hr_.at(r, 0));
    if (declared.count(pid)) continue;
    if (Age(pid, day_) < 18)
      Error("an undeclared minor lives in the household");
  }
  if (spouse != Planted(label, "UNDECLARED_SPOUSE")) Error("UNDECLARED_SPOUSE");
  if ((deceased > 0) != Planted(label, "DECEASED_MEMBER"))
    Error("DECEASED_MEMBER");
  if (Criterion(label, "COMPOSITION") !=
      (spouse || deceased > 0 ? "REVIEW" : "PASS")) {
    Error("COMPOSITION");
  }
  if (Criterion(label, "CONSENT") != "PASS") Error("CONSENT");

  // Which criteria the program has (domain.md §5).
  const bool enrolled = Criterion(label, "ENROLLMENT") == "PASS";
  // A MEDICAL household not shown enrolled, the enrollment feed stale: not
  // knowing is not "not enrolled" (domain.md §1), so ENROLLMENT is UNKNOWN
  // beside the income and asset tests.
  const bool enrollment_unknown =
      program_ == "MEDICAL" && !enrolled && EnrollmentFeedStale();
  if (enrollment_unknown != (Criterion(label, "ENROLLMENT") == "UNKNOWN"))
    Error("ENROLLMENT UNKNOWN iff a MEDICAL household meets a stale feed");
  const bool asset_tested =
      !enrolled && (program_ == "DIBAO" || program_ == "TEKUN" ||
                    program_ == "HOUSING" || program_ == "MEDICAL");
  std::set<std::string> expected = {"CONSENT", "COMPOSITION"};
  expected.insert(enrolled ? "ENROLLMENT" : "INCOME");
  if (enrollment_unknown) expected.insert("ENROLLMENT");
  if (asset_tested) {
    expected.insert({"FINANCIAL_ASSETS", "RESIDENTIAL_PROPERTY",
                     "NON_RESIDENTIAL_PROPERTY", "VEHICLES", "BUSINESS"});
  }
  if (program_ == "TEKUN") expected.insert({"CANNOT_WORK", "OBLIGORS"});
  if (program_ == "HOUSING") expected.insert("HOUSING_NEED");
  if (AssistanceProgram(program_)) expected.insert("DUPLICATE_ENROLLMENT");
  std::set<std::string> present;
  for (const auto& [name, result] : label["criteria"].items())
    present.insert(name);
  if (present != expected) Error("the criteria are not the program's");

  bool member_enrolled = false;
  for (const std::string& pid : counted_) {
    for (size_t r : enrollment_.OfPerson(pid)) {
      member_enrolled = member_enrolled || enrollment_.at(r, 4) == "ENROLLED";
    }
  }
  if (enrolled != (program_ == "MEDICAL" && member_enrolled))
    Error("ENROLLMENT");
  if (!enrolled) CheckIncome(app, label);
  if (asset_tested) CheckAssets(app, label);
  CheckStaleness(label);
  if (program_ == "TEKUN") CheckTekun(app, label);
  CheckDuplicateEnrollment(app, label);

  const std::string boundary = label.value("boundary", "");
  if (boundary == "CONSENT_LAST_VALID_DAY") {
    ++stats.boundaries_checked;
    const absl::CivilDay s =
        *ParseCivilDay(app["consent"]["signed_on"].get<std::string>());
    if (absl::CivilDay(s.year() + 1, s.month(), s.day()) - 1 != day_)
      Error(boundary);
  }
  if (boundary == "MEMBER_TURNS_18_TODAY") {
    ++stats.boundaries_checked;
    bool found = false;
    for (const std::string& pid : declared) {
      found = found || (Age(pid, day_) == 18 && Age(pid, day_ - 1) == 17);
    }
    if (!found) Error(boundary);
  }

  // The verdict follows from the criteria (domain.md §7) and from the plants.
  std::string from_criteria = "MEETS_CRITERIA";
  for (const auto& [name, result] : label["criteria"].items()) {
    if (result == "FAIL") {
      from_criteria = "DOES_NOT_MEET";
    } else if (result != "PASS" && from_criteria != "DOES_NOT_MEET") {
      from_criteria = "NEEDS_REVIEW";
    }
  }
  std::string from_plants = "MEETS_CRITERIA";
  for (const auto& p : label["planted"]) {
    static const std::set<std::string> kFail = {
        "UNDECLARED_WAGES", "HIDDEN_CAR", "EXTRA_HOUSE", "BUSINESS_OWNER",
        "DEPOSITS_OVER_LIMIT"};
    if (kFail.count(p.get<std::string>())) {
      from_plants = "DOES_NOT_MEET";
    } else if (NoEffectPlants().count(p.get<std::string>()) == 0 &&
               from_plants != "DOES_NOT_MEET") {
      from_plants = "NEEDS_REVIEW";
    }
  }
  if (label["verdict"] != from_criteria || label["verdict"] != from_plants) {
    Error(absl::StrCat("verdict ", label["verdict"].get<std::string>(),
                       " but criteria say ", from_criteria, " and plants say ",
                       from_plants));
  }
}

}  // namespace

std::vector<std::string> CheckLabels(const County& county,
                                     LabelCheckStats* stats) {
  Checker checker(county);
  if (county.applications.size() != county.labels.size()) {
    return {"applications and labels differ in number"};
  }
  for (size_t i = 0; i < county.applications.size(); ++i) {
    checker.Check(county.applications[i], county.labels[i]);
  }
  if (stats != nullptr) *stats = checker.stats;
  return checker.errors;
}

}  // namespace hedui::datagen::testing
