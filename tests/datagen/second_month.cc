#include "tests/datagen/second_month.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/feed_writer.h"

namespace hedui::datagen {
namespace {

using Json = nlohmann::ordered_json;
using Row = std::vector<std::string>;
using hedui::v1::Department;

constexpr char kEnrolmentFile[] = "enrolment.jsonl";
constexpr char kExpectationsFile[] = "expectations.json";

// Programs with rolls (domain.md §10.1); temporary and medical aid are
// one-off. The generator makes no margin applications.
bool HasRoll(const std::string& program) {
  return program == "DIBAO" || program == "TEKUN" ||
         program == "LOW_INCOME_MARGIN" || program == "HOUSING" ||
         program == "UNION_HARDSHIP";
}

// The departments whose rows say what a person earns or owns: a member with
// none of them can leave the household without moving any figure but the
// member count.
constexpr Department kHoldings[] = {hedui::v1::SOCIAL_INSURANCE,
                                    hedui::v1::BENEFITS,
                                    hedui::v1::TAX,
                                    hedui::v1::HOUSING_FUND,
                                    hedui::v1::REAL_ESTATE,
                                    hedui::v1::VEHICLES,
                                    hedui::v1::BUSINESS,
                                    hedui::v1::FINANCIAL_ASSETS,
                                    hedui::v1::ASSISTANCE_ENROLLMENT};

std::string Dept(Department d) { return hedui::v1::Department_Name(d); }

// "2186.08" → 218608 fen (the feeds write at most two decimals).
int64_t YuanToFen(const std::string& yuan) {
  const std::vector<std::string> parts = absl::StrSplit(yuan, '.');
  int64_t whole = 0, cents = 0;
  (void)absl::SimpleAtoi(parts[0], &whole);
  if (parts.size() > 1) {
    std::string frac = parts[1];
    frac.resize(2, '0');
    (void)absl::SimpleAtoi(frac, &cents);
  }
  return whole * 100 + cents;
}

absl::CivilDay LastDayOfSixthMonthAfter(absl::CivilDay day) {
  return absl::CivilDay(absl::CivilMonth(day) + 7) - 1;
}

absl::CivilDay BirthDay(const std::string& id) {
  int y = 0, m = 0, d = 0;
  (void)absl::SimpleAtoi(id.substr(6, 4), &y);
  (void)absl::SimpleAtoi(id.substr(10, 2), &m);
  (void)absl::SimpleAtoi(id.substr(12, 2), &d);
  return absl::CivilDay(y, m, d);
}

int AgeOn(const std::string& id, absl::CivilDay day) {
  const absl::CivilDay birth = BirthDay(id);
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() ||
      (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

std::string CityName(const std::string& region) {
  return region == "320581" ? "常熟市" : "张家港市";
}

class SecondMonth {
 public:
  SecondMonth(std::string county_dir, std::string out_dir)
      : in_(std::move(county_dir)), out_(std::move(out_dir)) {}

  absl::StatusOr<SecondMonthSummary> Run();

 private:
  struct Household {
    const Json* app;
    const Json* label;
    std::vector<std::string> members;  // person ids, applicant first
  };

  absl::Status ReadApplications();
  absl::Status ReadFeeds();
  void PlanEnrolment();
  absl::Status Plant();
  absl::Status Write();

  const std::vector<Row>& RowsOf(Department d, const std::string& person) {
    static const std::vector<Row> kNone;
    auto it = rows_[d].find(person);
    return it == rows_[d].end() ? kNone : it->second;
  }
  bool HoldsNothing(const std::string& person) {
    for (Department d : kHoldings) {
      if (!RowsOf(d, person).empty()) return false;
    }
    return true;
  }
  int64_t StandardOf(const Household& h) {
    const Row& hr = hr_.at(h.members[0]);
    return DibaoStandardFen(hr[4], hr[5] == "URBAN", kSecondMonthReverifyDay);
  }
  // 12 × the declared window averages of everyone but `left_out`, in the
  // engine's integer form (wages × 90 + other × 100), domain.md §4. The
  // households chosen are clean: declared figures equal the records.
  int64_t Income100Without(const Household& h, const std::string& left_out);
  int64_t FinancialFenWithout(const Household& h, const std::string& left_out);
  // The same from the records, over the 12 months from `first`: per month a
  // person's tax wages where any, else the social-insurance bases; tax
  // property and business income, employee pensions and unemployment
  // benefit by the month they are for (domain.md §4).
  int64_t RecordedIncome100Without(const Household& h,
                                   const std::string& left_out,
                                   absl::CivilMonth first);
  // A member other than the applicant holding and declaring nothing whose
  // death lifts the others' income to the line for one member fewer in
  // either window (November's and December's), savings within the cap.
  std::string DeathOverTheLine(const Household& h);
  // A member other than the applicant who holds nothing, declares nothing,
  // and without whom the household still passes income and savings.
  std::string LeavableMember(const Household& h);
  bool Plain(const Household& h);

  Json Expect(const Household& h, const std::string& change,
              const std::string& person);
  void Upsert(Department d, const Row& row) {
    deltas_[d].push_back(absl::StrCat("upsert,", absl::StrJoin(row, ",")));
  }
  void Delete(Department d, const Row& row) {
    deltas_[d].push_back(absl::StrCat("delete,", absl::StrJoin(row, ",")));
  }
  std::string NewSpouseId(const std::string& applicant);

  std::string in_, out_;
  std::vector<Json> apps_, labels_;
  std::vector<Household> enrolled_;
  std::set<std::string> interesting_;  // persons of enrolled households
  std::set<std::string> all_ids_;
  std::string other_household_;  // a 户号 of no enrolled household
  std::map<std::string, Row> hr_;
  std::map<Department, std::map<std::string, std::vector<Row>>> rows_;
  std::map<Department, std::string> headers_;
  std::map<Department, std::vector<std::string>> deltas_;
  std::set<size_t> used_;  // indexes into enrolled_
  Json planted_ = Json::array();
  Json unchanged_ = Json::array();
};

absl::Status SecondMonth::ReadApplications() {
  std::ifstream apps(absl::StrCat(in_, "/applications.jsonl"));
  std::ifstream labels(absl::StrCat(in_, "/labels.jsonl"));
  if (!apps || !labels) {
    return absl::NotFoundError(
        absl::StrCat("--second-month: no applications in ", in_));
  }
  std::string a, l;
  while (std::getline(apps, a) && std::getline(labels, l)) {
    apps_.push_back(Json::parse(a));
    labels_.push_back(Json::parse(l));
  }
  return absl::OkStatus();
}

// The last day a consent signed on `signed` is valid: 12 months on, less a
// day, the month end clamping (domain.md §1: 2025-11-01 → 2026-10-31).
absl::CivilDay ConsentLastDay(absl::CivilDay signed_on) {
  const absl::CivilMonth month =
      absl::CivilMonth(signed_on) + kConsentValidityMonths;
  const int last = static_cast<int>((absl::CivilDay(month + 1) - 1).day());
  const int day = std::min(static_cast<int>(signed_on.day()), last);
  return absl::CivilDay(month.year(), month.month(), day) - 1;
}

// Every MEETS_CRITERIA household of a program with a roll whose consent
// still covers the second month's re-verification (an expired one would
// make its own event, §10.1); one sharing a person (member or obligor) with
// one already taken is left out, so the rolls hold no duplicate pair.
void SecondMonth::PlanEnrolment() {
  std::set<std::string> taken;
  for (size_t i = 0; i < apps_.size(); ++i) {
    const Json& app = apps_[i];
    if (labels_[i]["verdict"] != "MEETS_CRITERIA" ||
        !HasRoll(app["program"].get<std::string>())) {
      continue;
    }
    const auto signed_on =
        ParseCivilDay(app["consent"]["signed_on"].get<std::string>());
    if (!signed_on.ok() ||
        ConsentLastDay(*signed_on) < kSecondMonthReverifyDay) {
      continue;
    }
    std::vector<std::string> persons, members;
    for (const Json& m : app["members"]) {
      members.push_back(m["person_id"]);
      persons.push_back(m["person_id"]);
    }
    for (const Json& o : app["obligors"]) persons.push_back(o["person_id"]);
    bool shared = false;
    for (const std::string& p : persons) shared |= taken.count(p) > 0;
    if (shared) continue;
    taken.insert(persons.begin(), persons.end());
    interesting_.insert(persons.begin(), persons.end());
    enrolled_.push_back({&app, &labels_[i], members});
  }
}

absl::Status SecondMonth::ReadFeeds() {
  for (const DepartmentSnapshot& s : kSnapshots) {
    const std::string path =
        absl::StrCat(in_, "/", FeedWriter::FileName(s.department));
    std::ifstream f(path);
    if (!f) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::string line;
    std::getline(f, line);
    headers_[s.department] = line;
    const bool hr = s.department == hedui::v1::HOUSEHOLD_REGISTRATION;
    while (std::getline(f, line)) {
      Row row = absl::StrSplit(line, ',');
      if (hr) {
        all_ids_.insert(row[0]);
        if (other_household_.empty() && interesting_.count(row[0]) == 0) {
          other_household_ = row[2];
        }
      }
      if (interesting_.count(row[0]) == 0) continue;
      if (hr) hr_[row[0]] = row;
      rows_[s.department][row[0]].push_back(std::move(row));
    }
  }
  // A general-population 户号 might hold an enrolled person too (a 特困
  // obligor's): the one chosen must hold none.
  std::set<std::string> enrolled_households;
  for (const auto& [person, row] : hr_) enrolled_households.insert(row[2]);
  if (enrolled_households.count(other_household_) != 0) {
    other_household_.clear();
    std::ifstream f(absl::StrCat(
        in_, "/", FeedWriter::FileName(hedui::v1::HOUSEHOLD_REGISTRATION)));
    std::string line;
    std::getline(f, line);
    while (std::getline(f, line) && other_household_.empty()) {
      const Row row = absl::StrSplit(line, ',');
      if (enrolled_households.count(row[2]) == 0) other_household_ = row[2];
    }
  }
  return absl::OkStatus();
}

int64_t SecondMonth::Income100Without(const Household& h,
                                      const std::string& left_out) {
  int64_t total = 0;
  for (const Json& m : (*h.app)["members"]) {
    if (m["person_id"] == left_out) continue;
    const Json& d = m["declared_monthly_income_fen"];
    auto get = [&](const char* k) -> int64_t {
      return d.contains(k) ? d[k].get<int64_t>() : 0;
    };
    total +=
        12 *
        (get("WAGES") * (100 - kEmploymentCostPercent) +
         (get("BUSINESS") + get("PROPERTY") + get("TRANSFER") + get("OTHER")) *
             100);
  }
  return total;
}

int64_t SecondMonth::FinancialFenWithout(const Household& h,
                                         const std::string& left_out) {
  int64_t total = 0;
  for (const std::string& p : h.members) {
    if (p == left_out) continue;
    for (const Row& r : RowsOf(hedui::v1::FINANCIAL_ASSETS, p))
      total += YuanToFen(r[4]);
  }
  return total;
}

bool SecondMonth::Plain(const Household& h) {
  const Json& app = *h.app;
  const Json& label = *h.label;
  return app["program"] == "DIBAO" && label["planted"].empty() &&
         !label.contains("boundary") && app["obligors"].empty() &&
         hr_.count(h.members[0]) != 0 &&
         AgeOn(h.members[0], kSecondMonthReverifyDay) >= 18;
}

std::string SecondMonth::LeavableMember(const Household& h) {
  const int64_t standard = StandardOf(h);
  const int64_t rest = static_cast<int64_t>(h.members.size()) - 1;
  for (size_t i = 1; i < h.members.size(); ++i) {
    const std::string& p = h.members[i];
    const Json& m = (*h.app)["members"][i];
    bool declares = m["informal_work"].get<bool>();
    for (const auto& [k, v] : m["declared_monthly_income_fen"].items())
      declares |= v.get<int64_t>() != 0;
    if (declares || !HoldsNothing(p) || hr_.count(p) == 0) continue;
    // Strictly below the line and within the savings cap for the members
    // left, so the result holds whether or not the engine still counts
    // the member (domain.md §2: the dead are not counted, the moved are).
    if (Income100Without(h, p) >= standard * kLookBackMonths * rest * 100)
      continue;
    if (FinancialFenWithout(h, p) > kFinancialAssetsMultiple * standard * rest)
      continue;
    return p;
  }
  return "";
}

int64_t SecondMonth::RecordedIncome100Without(const Household& h,
                                              const std::string& left_out,
                                              absl::CivilMonth first) {
  auto month_of = [](const std::string& period) {
    int y = 0, m = 0;
    (void)absl::SimpleAtoi(period.substr(0, 4), &y);
    (void)absl::SimpleAtoi(period.substr(5, 2), &m);
    return absl::CivilMonth(y, m);
  };
  const absl::CivilMonth last = first + (kLookBackMonths - 1);
  int64_t total = 0;
  for (const std::string& p : h.members) {
    if (p == left_out) continue;
    std::map<absl::CivilMonth, int64_t> tax_wages, bases;
    for (const Row& r : RowsOf(hedui::v1::TAX, p)) {
      const absl::CivilMonth m = month_of(r[1]);
      if (m < first || m > last) continue;
      if (r[2] == "WAGE") {
        tax_wages[m] += YuanToFen(r[3]);
      } else if (r[2] == "PROPERTY_INCOME" || r[2] == "BUSINESS_INCOME") {
        total += YuanToFen(r[3]) * 100;
      }
    }
    for (const Row& r : RowsOf(hedui::v1::SOCIAL_INSURANCE, p)) {
      const absl::CivilMonth m = month_of(r[1]);
      if (m >= first && m <= last) bases[m] += YuanToFen(r[2]);
    }
    for (const auto& [m, base] : bases) {
      if (tax_wages.count(m) == 0) tax_wages[m] = base;
    }
    for (const auto& [m, wage] : tax_wages)
      total += wage * (100 - kEmploymentCostPercent);
    for (const Row& r : RowsOf(hedui::v1::BENEFITS, p)) {
      const absl::CivilMonth m = month_of(r[1]);
      if (m < first || m > last) continue;
      if (r[2] == "EMPLOYEE_PENSION" || r[2] == "UNEMPLOYMENT_BENEFIT")
        total += YuanToFen(r[3]) * 100;
    }
  }
  return total;
}

std::string SecondMonth::DeathOverTheLine(const Household& h) {
  const int64_t standard = StandardOf(h);
  const int64_t rest = static_cast<int64_t>(h.members.size()) - 1;
  const int64_t line100 = standard * kLookBackMonths * rest * 100;
  for (size_t i = 1; i < h.members.size(); ++i) {
    const std::string& p = h.members[i];
    const Json& m = (*h.app)["members"][i];
    bool declares = m["informal_work"].get<bool>();
    for (const auto& [k, v] : m["declared_monthly_income_fen"].items())
      declares |= v.get<int64_t>() != 0;
    if (declares || !HoldsNothing(p) || hr_.count(p) == 0) continue;
    if (FinancialFenWithout(h, p) > kFinancialAssetsMultiple * standard * rest)
      continue;
    // Informal wages are declared, not recorded: none in the household
    // keeps the two sums comparable.
    bool informal = false;
    for (const Json& x : (*h.app)["members"])
      informal |= x["informal_work"].get<bool>();
    if (informal) continue;
    // The declaration (= the records) agrees with the November window; the
    // December window drops 2025-11 and has nothing for 2026-11 yet.
    if (RecordedIncome100Without(h, p, absl::CivilMonth(2025, 11)) !=
        Income100Without(h, p)) {
      continue;
    }
    if (RecordedIncome100Without(h, p, absl::CivilMonth(2025, 12)) < line100)
      continue;
    return p;
  }
  return "";
}

std::string SecondMonth::NewSpouseId(const std::string& applicant) {
  const bool male = (applicant[16] - '0') % 2 == 1;
  for (int seq = male ? 998 : 999; seq > 0; seq -= 2) {
    const std::string first17 =
        absl::StrCat(applicant.substr(0, 14), absl::StrFormat("%03d", seq));
    const std::string id = first17 + ResidentIdCheckCharacter(first17);
    if (all_ids_.count(id) == 0) return id;
  }
  return "";
}

Json SecondMonth::Expect(const Household& h, const std::string& change,
                         const std::string& person) {
  Json e;
  e["change"] = change;
  e["application_id"] = (*h.app)["application_id"];
  e["program"] = (*h.app)["program"];
  e["region_code"] = (*h.app)["region_code"];
  e["applicant_id"] = h.members[0];
  e["person_id"] = person;
  e["event"] = true;
  e["kind"] = "REVERIFICATION";
  e["trigger"] = "FEED";
  e["verdict_before"] = "MEETS_CRITERIA";
  e["criteria"] = Json::array();
  e["departments"] = Json::array();
  e["gradual_exit_date"] = "";
  e["persons"] = Json::array();
  e["evidence"] = Json::array();
  return e;
}

absl::Status SecondMonth::Plant() {
  const std::string day = FormatCivilDay(kSecondMonthReverifyDay);
  auto criterion = [](const char* c, const char* before, const char* after) {
    Json j;
    j["criterion"] = c;
    j["before"] = before;
    j["after"] = after;
    return j;
  };
  auto added = [](const char* c, Department d, const std::string& person) {
    Json j;
    j["criterion"] = c;
    j["kind"] = "ADDED";
    j["department"] = Dept(d);
    j["person_id"] = person;
    return j;
  };
  // Each plant takes the first plain DIBAO household that suits it; the
  // pickiest go first.
  auto pick = [&](auto&& suits) -> const Household* {
    for (size_t i = 0; i < enrolled_.size(); ++i) {
      if (used_.count(i) || !Plain(enrolled_[i]) || !suits(enrolled_[i]))
        continue;
      used_.insert(i);
      return &enrolled_[i];
    }
    return nullptr;
  };
  auto missing = [](const char* plant) {
    return absl::FailedPreconditionError(
        absl::StrCat("--second-month: no enrolled household suits ", plant,
                     "; generate more --applications"));
  };

  // DEATH: a member (not the applicant) of a two-person household dies; the
  // survivor alone still passes income and savings. Composition needs review
  // (domain.md §2), the death is always named (§10).
  const Household* h = pick([&](const Household& x) {
    return x.members.size() == 2 && !LeavableMember(x).empty();
  });
  if (h == nullptr) return missing("DEATH");
  {
    const std::string dead = LeavableMember(*h);
    Json e = Expect(*h, "DEATH", dead);
    e["verdict_after"] = "NEEDS_REVIEW";
    e["criteria"].push_back(criterion("COMPOSITION", "PASS", "REVIEW"));
    e["departments"] = {"DEATH", "HOUSEHOLD_REGISTRATION"};
    Json p;
    p["person_id"] = dead;
    p["kind"] = "DIED";
    p["sources"] = {"DEATH", "HOUSEHOLD_REGISTRATION"};
    p["on"] = "2026-11-15";
    e["persons"].push_back(p);
    Upsert(hedui::v1::DEATH, {dead, "2026-11-15"});
    Row hr = hr_.at(dead);
    hr[6] = "DECEASED";
    Upsert(hedui::v1::HOUSEHOLD_REGISTRATION, hr);
    planted_.push_back(e);
  }

  // DEATH_INCOME: the death of a member without income lifts the others'
  // per-capita income to the line: INCOME fails beside COMPOSITION REVIEW,
  // which does not block the gradual exit (§10.1 "Gradual exit": a death
  // that raises the per-capita figure included).
  h = pick([&](const Household& x) {
    return x.members.size() >= 2 && !DeathOverTheLine(x).empty();
  });
  if (h == nullptr) return missing("DEATH_INCOME");
  {
    const std::string dead = DeathOverTheLine(*h);
    Json e = Expect(*h, "DEATH_INCOME", dead);
    e["verdict_after"] = "DOES_NOT_MEET";
    e["criteria"].push_back(criterion("COMPOSITION", "PASS", "REVIEW"));
    e["criteria"].push_back(criterion("INCOME", "PASS", "FAIL"));
    e["departments"] = {"DEATH", "HOUSEHOLD_REGISTRATION"};
    e["gradual_exit_date"] =
        FormatCivilDay(LastDayOfSixthMonthAfter(kSecondMonthReverifyDay));
    Json p;
    p["person_id"] = dead;
    p["kind"] = "DIED";
    p["sources"] = {"DEATH", "HOUSEHOLD_REGISTRATION"};
    p["on"] = "2026-11-14";
    e["persons"].push_back(p);
    Upsert(hedui::v1::DEATH, {dead, "2026-11-14"});
    Row hr = hr_.at(dead);
    hr[6] = "DECEASED";
    Upsert(hedui::v1::HOUSEHOLD_REGISTRATION, hr);
    planted_.push_back(e);
  }

  // MOVE: a member other than the applicant is registered as moved away.
  h = pick([&](const Household& x) { return !LeavableMember(x).empty(); });
  if (h == nullptr) return missing("MOVE");
  {
    const std::string moved = LeavableMember(*h);
    Json e = Expect(*h, "MOVE", moved);
    e["verdict_after"] = "NEEDS_REVIEW";
    e["criteria"].push_back(criterion("COMPOSITION", "PASS", "REVIEW"));
    e["departments"] = {"HOUSEHOLD_REGISTRATION"};
    Json p;
    p["person_id"] = moved;
    p["kind"] = "MOVED_AWAY";
    p["sources"] = {"HOUSEHOLD_REGISTRATION"};
    p["on"] = "";
    e["persons"].push_back(p);
    Row hr = hr_.at(moved);
    hr[6] = "MOVED";
    Upsert(hedui::v1::HOUSEHOLD_REGISTRATION, hr);
    planted_.push_back(e);
  }

  // MARRIAGE: a single applicant marries someone who registers in the
  // applicant's 户号 and is not declared: an undeclared spouse (domain.md §2).
  h = pick([&](const Household& x) {
    return x.members.size() == 1 &&
           RowsOf(hedui::v1::MARRIAGE, x.members[0]).empty() &&
           AgeOn(x.members[0], kSecondMonthReverifyDay) >= 22 &&
           !NewSpouseId(x.members[0]).empty();
  });
  if (h == nullptr) return missing("MARRIAGE");
  {
    const std::string& applicant = h->members[0];
    const std::string spouse = NewSpouseId(applicant);
    all_ids_.insert(spouse);
    Json e = Expect(*h, "MARRIAGE", applicant);
    e["spouse_id"] = spouse;
    e["verdict_after"] = "NEEDS_REVIEW";
    e["criteria"].push_back(criterion("COMPOSITION", "PASS", "REVIEW"));
    e["departments"] = {"MARRIAGE", "HOUSEHOLD_REGISTRATION"};
    Upsert(hedui::v1::MARRIAGE, {applicant, spouse, "MARRIED", "2026-11-18"});
    Upsert(hedui::v1::MARRIAGE, {spouse, applicant, "MARRIED", "2026-11-18"});
    const Row& hr = hr_.at(applicant);
    const bool male = (spouse[16] - '0') % 2 == 1;
    Upsert(hedui::v1::HOUSEHOLD_REGISTRATION,
           {spouse, male ? "许建国" : "许秀英", hr[2], "SPOUSE", hr[4], hr[5],
            "NORMAL"});
    planted_.push_back(e);
  }

  // LOST_WAGES: a wage earner's tax wages and social-insurance bases go;
  // income only falls, INCOME stays PASS, and a value that moved while the
  // result stayed makes no event (§10.1 "Events").
  std::string earner;
  h = pick([&](const Household& x) {
    for (const std::string& p : x.members) {
      for (const Row& r : RowsOf(hedui::v1::TAX, p)) {
        if (r[2] == "WAGE") {
          earner = p;
          return true;
        }
      }
    }
    return false;
  });
  if (h == nullptr) return missing("LOST_WAGES");
  {
    Json e = Expect(*h, "LOST_WAGES", earner);
    e["event"] = false;
    e["why"] =
        "income falls and stays below the line: a value moved, no result "
        "did (domain.md §10.1 Events)";
    for (const Row& r : RowsOf(hedui::v1::TAX, earner)) {
      if (r[2] == "WAGE") Delete(hedui::v1::TAX, r);
    }
    for (const Row& r : RowsOf(hedui::v1::SOCIAL_INSURANCE, earner))
      Delete(hedui::v1::SOCIAL_INSURANCE, r);
    planted_.push_back(e);
  }

  // NEW_WAGES: the applicant's October wage of 100,000 yuan alone puts the
  // household over its 低保 line: INCOME fails and nothing else does, so
  // the gradual exit runs to the end of the sixth month after December.
  constexpr int64_t kNewWageFen = 10'000'000;
  h = pick([&](const Household& x) {
    return kNewWageFen * (100 - kEmploymentCostPercent) >=
           StandardOf(x) * kLookBackMonths *
               static_cast<int64_t>(x.members.size()) * 100;
  });
  if (h == nullptr) return missing("NEW_WAGES");
  {
    const std::string& applicant = h->members[0];
    Json e = Expect(*h, "NEW_WAGES", applicant);
    e["verdict_after"] = "DOES_NOT_MEET";
    e["criteria"].push_back(criterion("INCOME", "PASS", "FAIL"));
    e["departments"] = {"TAX"};
    e["gradual_exit_date"] =
        FormatCivilDay(LastDayOfSixthMonthAfter(kSecondMonthReverifyDay));
    e["evidence"].push_back(added("INCOME", hedui::v1::TAX, applicant));
    const std::string region = (*h->app)["region_code"];
    Upsert(hedui::v1::TAX,
           {applicant, "2026-10", "WAGE", "100000",
            absl::StrCat("91", region, "M20000001"), "2026-11-05"});
    planted_.push_back(e);
  }

  // CAR: a car registered to the applicant (clean households own none).
  h = pick([](const Household&) { return true; });
  if (h == nullptr) return missing("CAR");
  {
    const std::string& applicant = h->members[0];
    Json e = Expect(*h, "CAR", applicant);
    e["verdict_after"] = "DOES_NOT_MEET";
    e["criteria"].push_back(criterion("VEHICLES", "PASS", "FAIL"));
    e["departments"] = {"VEHICLES"};
    e["evidence"].push_back(added("VEHICLES", hedui::v1::VEHICLES, applicant));
    Upsert(hedui::v1::VEHICLES, {applicant, "苏EM2001", "CAR", "2026-11-20"});
    planted_.push_back(e);
  }

  // COMPANY: the applicant becomes legal representative of an active company.
  h = pick([](const Household&) { return true; });
  if (h == nullptr) return missing("COMPANY");
  {
    const std::string& applicant = h->members[0];
    const std::string region = (*h->app)["region_code"];
    Json e = Expect(*h, "COMPANY", applicant);
    e["verdict_after"] = "DOES_NOT_MEET";
    e["criteria"].push_back(criterion("BUSINESS", "PASS", "FAIL"));
    e["departments"] = {"BUSINESS"};
    e["evidence"].push_back(added("BUSINESS", hedui::v1::BUSINESS, applicant));
    Upsert(hedui::v1::BUSINESS,
           {applicant, absl::StrCat("91", region, "M20000002"),
            absl::StrCat(CityName(region), "新月商贸有限公司"), "COMPANY",
            "LEGAL_REPRESENTATIVE", "500000", "ACTIVE"});
    planted_.push_back(e);
  }

  // PROPERTY: the applicant buys a shop (no non-residential property passes).
  h = pick([](const Household&) { return true; });
  if (h == nullptr) return missing("PROPERTY");
  {
    const std::string& applicant = h->members[0];
    const std::string region = (*h->app)["region_code"];
    Json e = Expect(*h, "PROPERTY", applicant);
    e["verdict_after"] = "DOES_NOT_MEET";
    e["criteria"].push_back(
        criterion("NON_RESIDENTIAL_PROPERTY", "PASS", "FAIL"));
    e["departments"] = {"REAL_ESTATE"};
    e["evidence"].push_back(
        added("NON_RESIDENTIAL_PROPERTY", hedui::v1::REAL_ESTATE, applicant));
    Upsert(hedui::v1::REAL_ESTATE,
           {applicant,
            absl::StrCat("苏(2026)", CityName(region), "不动产权第M200001号"),
            "NON_RESIDENTIAL", "45.5", "1", "2026-11-16"});
    planted_.push_back(e);
  }

  // DUPLICATE: the applicant shows up ENROLLED in 低保 under another 户号
  // (domain.md §10: a transfer or a double enrolment, a person decides).
  h = pick([](const Household&) { return true; });
  if (h == nullptr) return missing("DUPLICATE");
  if (other_household_.empty()) return missing("DUPLICATE (another 户号)");
  {
    const std::string& applicant = h->members[0];
    Json e = Expect(*h, "DUPLICATE", applicant);
    e["verdict_after"] = "NEEDS_REVIEW";
    e["criteria"].push_back(
        criterion("DUPLICATE_ENROLLMENT", "PASS", "REVIEW"));
    e["departments"] = {"ASSISTANCE_ENROLLMENT"};
    e["evidence"].push_back(added("DUPLICATE_ENROLLMENT",
                                  hedui::v1::ASSISTANCE_ENROLLMENT, applicant));
    Upsert(hedui::v1::ASSISTANCE_ENROLLMENT,
           {applicant, "DIBAO", other_household_, "2026-11-16", "ENROLLED"});
    planted_.push_back(e);
  }

  // No change at all: a registration row and a tax row sent again exactly
  // as stored (§10.1: a delta row equal to the stored one is no change).
  h = pick([](const Household&) { return true; });
  if (h == nullptr) return missing("NOOP_REGISTRATION");
  {
    Json e = Expect(*h, "NOOP_REGISTRATION", h->members[0]);
    e["event"] = false;
    e["why"] = "a registration row sent again unchanged";
    Upsert(hedui::v1::HOUSEHOLD_REGISTRATION, hr_.at(h->members[0]));
    unchanged_.push_back(e);
  }
  const Row* taxed = nullptr;
  h = pick([&](const Household& x) {
    for (const std::string& p : x.members) {
      const std::vector<Row>& rows = RowsOf(hedui::v1::TAX, p);
      if (!rows.empty()) {
        taxed = &rows.back();
        return true;
      }
    }
    return false;
  });
  if (h == nullptr) return missing("NOOP_TAX");
  {
    Json e = Expect(*h, "NOOP_TAX", (*taxed)[0]);
    e["event"] = false;
    e["why"] = "a tax row sent again unchanged";
    Upsert(hedui::v1::TAX, *taxed);
    unchanged_.push_back(e);
  }

  // Every other enrolled household: no file touches it. One where a declared
  // minor turns 18 between the two months is set apart: the stored consent
  // still covers them until it expires (§10.1 "Consent"), so no event.
  for (size_t i = 0; i < enrolled_.size(); ++i) {
    if (used_.count(i)) continue;
    const Household& x = enrolled_[i];
    const auto verified =
        ParseCivilDay((*x.app)["verification_date"].get<std::string>());
    std::string adult;
    for (const std::string& p : x.members) {
      if (verified.ok() && AgeOn(p, *verified) < 18 &&
          AgeOn(p, kSecondMonthReverifyDay) >= 18) {
        adult = p;
      }
    }
    Json e = Expect(x, adult.empty() ? "UNTOUCHED" : "TURNS_18",
                    adult.empty() ? x.members[0] : adult);
    e["event"] = false;
    e["why"] = adult.empty()
                   ? "no file touches it"
                   : "no file touches it; a declared minor turned 18, whom "
                     "the stored consent covers until it expires";
    unchanged_.push_back(e);
  }
  (void)day;
  return absl::OkStatus();
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status SecondMonth::Write() {
  std::error_code error;
  for (const char* sub : {"", "/fresh", "/planted"}) {
    std::filesystem::create_directories(absl::StrCat(out_, sub), error);
    if (error) {
      return absl::UnavailableError(absl::StrCat(
          "--second-month: cannot create ", out_, sub, ": ", error.message()));
    }
  }
  const std::string as_of = FormatCivilDay(kSecondMonthAsOf);
  Json fresh = Json::array(), planted = Json::array();
  for (const DepartmentSnapshot& s : kSnapshots) {
    const std::string name =
        absl::StrCat(absl::AsciiStrToLower(Dept(s.department)), ".delta.csv");
    const std::string header =
        absl::StrCat("op,", headers_[s.department], "\n");
    if (absl::Status st =
            WriteText(absl::StrCat(out_, "/fresh/", name), header);
        !st.ok()) {
      return st;
    }
    Json f;
    f["department"] = Dept(s.department);
    f["file"] = absl::StrCat("fresh/", name);
    f["as_of"] = as_of;
    f["rows"] = 0;
    fresh.push_back(f);
    const std::vector<std::string>& lines = deltas_[s.department];
    if (lines.empty()) continue;
    std::string text = header;
    for (const std::string& line : lines) absl::StrAppend(&text, line, "\n");
    if (absl::Status st =
            WriteText(absl::StrCat(out_, "/planted/", name), text);
        !st.ok()) {
      return st;
    }
    f["file"] = absl::StrCat("planted/", name);
    f["rows"] = lines.size();
    planted.push_back(f);
  }

  std::string enrolment;
  for (const Household& h : enrolled_) {
    Json e;
    e["application_id"] = (*h.app)["application_id"];
    e["program"] = (*h.app)["program"];
    e["region_code"] = (*h.app)["region_code"];
    e["applicant_id"] = h.members[0];
    e["verification_date"] = (*h.app)["verification_date"];
    e["approval_date"] = (*h.app)["verification_date"];
    absl::StrAppend(&enrolment, e.dump(), "\n");
  }
  if (absl::Status s =
          WriteText(absl::StrCat(out_, "/", kEnrolmentFile), enrolment);
      !s.ok()) {
    return s;
  }

  Json expectations;
  expectations["reverify_date"] = FormatCivilDay(kSecondMonthReverifyDay);
  expectations["planted"] = planted_;
  expectations["unchanged"] = unchanged_;
  if (absl::Status s = WriteText(absl::StrCat(out_, "/", kExpectationsFile),
                                 expectations.dump(1) + "\n");
      !s.ok()) {
    return s;
  }

  Json manifest;
  manifest["reverify_date"] = FormatCivilDay(kSecondMonthReverifyDay);
  manifest["as_of"] = as_of;
  manifest["enrolment_file"] = kEnrolmentFile;
  manifest["expectations_file"] = kExpectationsFile;
  manifest["enrolled"] = enrolled_.size();
  // Ingest every fresh file first (each department current as of the new
  // date, nobody touched), then the planted ones: however the server
  // groups the switches into passes, every re-verification sees fresh data.
  manifest["fresh"] = fresh;
  manifest["planted"] = planted;
  return WriteText(absl::StrCat(out_, "/month2.json"), manifest.dump(2) + "\n");
}

absl::StatusOr<SecondMonthSummary> SecondMonth::Run() {
  if (absl::Status s = ReadApplications(); !s.ok()) return s;
  PlanEnrolment();
  if (absl::Status s = ReadFeeds(); !s.ok()) return s;
  if (absl::Status s = Plant(); !s.ok()) return s;
  if (absl::Status s = Write(); !s.ok()) return s;
  SecondMonthSummary summary;
  summary.enrolled = static_cast<int>(enrolled_.size());
  summary.planted = static_cast<int>(planted_.size());
  summary.unchanged = static_cast<int>(unchanged_.size());
  return summary;
}

}  // namespace

absl::StatusOr<SecondMonthSummary> WriteSecondMonth(
    const std::string& county_dir, const std::string& out_dir) {
  if (out_dir.empty())
    return absl::InvalidArgumentError(
        "--second-month: a directory is required");
  return SecondMonth(county_dir, out_dir).Run();
}

}  // namespace hedui::datagen
