// The second month (second_month.cc): the enrolment plan and the planted
// changes, re-derived from the month-1 files with this test's own reading
// (county_reader.cc), the labels and example_policy.h.

#include "tests/datagen/second_month.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/types/resident_id.h"
#include "tests/datagen/county_reader.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/generator.h"

namespace hedui::datagen::testing {
namespace {

using Json = nlohmann::json;

struct Month2 {
  County county;
  std::string dir;
  Json manifest, expectations;
  std::vector<Json> enrolment;
  // department code -> delta lines (without the header)
  std::map<std::string, std::vector<std::string>> planted;
};

std::string MakeCounty(const std::string& name) {
  const std::string dir = NewTempDir(name);
  GeneratorOptions options;
  options.out_dir = dir;
  options.seed = 7;
  options.residents = 20000;
  options.applications = 600;
  EXPECT_TRUE(GenerateCounty(options).ok());
  return dir;
}

const Month2& Second() {
  static const Month2* m = [] {
    auto* m = new Month2;
    const std::string dir = MakeCounty("month2_county");
    m->county = *ReadCounty(dir);
    m->dir = dir + "_month2";
    const auto summary = WriteSecondMonth(dir, m->dir);
    EXPECT_TRUE(summary.ok()) << summary.status();
    m->manifest = Json::parse(*ReadFile(m->dir + "/month2.json"));
    m->expectations = Json::parse(*ReadFile(m->dir + "/expectations.json"));
    for (absl::string_view line : absl::StrSplit(
             *ReadFile(m->dir + "/enrolment.jsonl"), '\n', absl::SkipEmpty())) {
      m->enrolment.push_back(Json::parse(line));
    }
    for (const Json& f : m->manifest["planted"]) {
      const std::string text =
          *ReadFile(m->dir + "/" + f["file"].get<std::string>());
      std::vector<std::string> lines =
          absl::StrSplit(text, '\n', absl::SkipEmpty());
      lines.erase(lines.begin());
      m->planted[f["department"]] = lines;
    }
    return m;
  }();
  return *m;
}

const Json& Planted(const std::string& change) {
  for (const Json& p : Second().expectations["planted"]) {
    if (p["change"] == change) return p;
  }
  static const Json kNone;
  ADD_FAILURE() << "no planted " << change;
  return kNone;
}

const Json& ApplicationOf(const std::string& id) {
  for (const Json& a : Second().county.applications) {
    if (a["application_id"] == id) return a;
  }
  static const Json kNone;
  ADD_FAILURE() << "no application " << id;
  return kNone;
}

// The month-1 rows of a department, as lines.
std::set<std::string> Rows(const std::string& department,
                           const std::string& person) {
  const Table& t = Second().county.table(department);
  std::set<std::string> out;
  for (size_t r : t.OfPerson(person)) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < t.columns; ++c) cells.emplace_back(t.at(r, c));
    out.insert(absl::StrJoin(cells, ","));
  }
  return out;
}

std::vector<std::string> Cells(const std::string& line) {
  return absl::StrSplit(line, ',');
}

int64_t Standard(const Json& app) {
  const std::string applicant = app["members"][0]["person_id"];
  const Table& hr = Second().county.table("HOUSEHOLD_REGISTRATION");
  const size_t row = hr.OfPerson(applicant).at(0);
  return DibaoStandardFen(std::string(hr.at(row, 4)), hr.at(row, 5) == "URBAN",
                          kSecondMonthReverifyDay);
}

TEST(SecondMonthTest, EnrolsEveryMeetingHouseholdOfARollOnce) {
  const Month2& m = Second();
  std::map<std::string, std::string> verdict, program;
  for (size_t i = 0; i < m.county.applications.size(); ++i) {
    verdict[m.county.applications[i]["application_id"]] =
        m.county.labels[i]["verdict"];
    program[m.county.applications[i]["application_id"]] =
        m.county.applications[i]["program"];
  }
  ASSERT_GT(m.enrolment.size(), 100u);
  std::set<std::string> persons;
  for (const Json& e : m.enrolment) {
    const std::string id = e["application_id"];
    EXPECT_EQ(verdict[id], "MEETS_CRITERIA") << id;
    EXPECT_TRUE(program[id] == "DIBAO" || program[id] == "TEKUN" ||
                program[id] == "HOUSING" || program[id] == "UNION_HARDSHIP")
        << id << " " << program[id];
    EXPECT_EQ(e["approval_date"], e["verification_date"]);
    const Json& app = ApplicationOf(id);
    for (const Json& p : app["members"])
      EXPECT_TRUE(persons.insert(p["person_id"]).second) << "shared: " << id;
    for (const Json& p : app["obligors"])
      EXPECT_TRUE(persons.insert(p["person_id"]).second) << "shared: " << id;
  }
  // Every enrolled household is either planted or expected unchanged, once.
  std::set<std::string> seen;
  for (const char* list : {"planted", "unchanged"}) {
    for (const Json& p : m.expectations[list])
      EXPECT_TRUE(seen.insert(p["application_id"]).second);
  }
  EXPECT_EQ(seen.size(), m.enrolment.size());
}

TEST(SecondMonthTest, EveryKindIsPlantedWithItsEvent) {
  std::set<std::string> kinds;
  for (const Json& p : Second().expectations["planted"])
    kinds.insert(p["change"]);
  EXPECT_EQ(kinds,
            (std::set<std::string>{"DEATH", "DEATH_INCOME", "MOVE", "MARRIAGE",
                                   "LOST_WAGES", "NEW_WAGES", "CAR", "COMPANY",
                                   "PROPERTY", "DUPLICATE"}));
  std::map<std::string, int> unchanged;
  for (const Json& p : Second().expectations["unchanged"]) {
    ++unchanged[p["change"]];
    EXPECT_FALSE(p["event"].get<bool>());
  }
  EXPECT_EQ(unchanged["NOOP_REGISTRATION"], 1);
  EXPECT_EQ(unchanged["NOOP_TAX"], 1);
  EXPECT_GT(unchanged["UNTOUCHED"], 100);
  for (const Json& p : Second().expectations["planted"]) {
    // Planted only on clean 低保 households.
    const Json& app = ApplicationOf(p["application_id"]);
    EXPECT_EQ(app["program"], "DIBAO");
    EXPECT_TRUE(app["obligors"].empty());
    if (!p["event"].get<bool>()) continue;
    EXPECT_EQ(p["verdict_before"], "MEETS_CRITERIA");
    EXPECT_EQ(p["criteria"].size(), p["change"] == "DEATH_INCOME" ? 2u : 1u)
        << p["change"];
    // Gradual exit only where INCOME alone fails (domain.md §10.1): found
    // 2026-12-10 → the last day of 2027-06.
    EXPECT_EQ(p["gradual_exit_date"],
              p["change"] == "NEW_WAGES" || p["change"] == "DEATH_INCOME"
                  ? "2027-06-30"
                  : "")
        << p["change"];
  }
  EXPECT_EQ(Planted("CAR")["criteria"][0]["criterion"], "VEHICLES");
  EXPECT_EQ(Planted("COMPANY")["criteria"][0]["criterion"], "BUSINESS");
  EXPECT_EQ(Planted("PROPERTY")["criteria"][0]["criterion"],
            "NON_RESIDENTIAL_PROPERTY");
  EXPECT_EQ(Planted("DUPLICATE")["criteria"][0]["after"], "REVIEW");
  EXPECT_EQ(Planted("DEATH")["verdict_after"], "NEEDS_REVIEW");
  EXPECT_EQ(Planted("NEW_WAGES")["verdict_after"], "DOES_NOT_MEET");
}

TEST(SecondMonthTest, FreshFilesAreHeadersAsOfTheNewDate) {
  const Month2& m = Second();
  ASSERT_EQ(m.manifest["fresh"].size(), 13u);
  EXPECT_EQ(m.manifest["reverify_date"], "2026-12-10");
  for (const Json& f : m.manifest["fresh"]) {
    EXPECT_EQ(f["as_of"], "2026-12-01");
    const std::string dept = f["department"];
    const Table& t = m.county.table(dept);
    EXPECT_EQ(*ReadFile(m.dir + "/" + f["file"].get<std::string>()),
              absl::StrCat("op,", absl::StrJoin(t.header, ","), "\n"));
  }
  for (const auto& [dept, lines] : m.planted) {
    const size_t columns = m.county.table(dept).columns + 1;
    for (const std::string& line : lines) {
      EXPECT_EQ(Cells(line).size(), columns) << dept << ": " << line;
      EXPECT_TRUE(absl::StartsWith(line, "upsert,") ||
                  absl::StartsWith(line, "delete,"));
    }
  }
}

TEST(SecondMonthTest, NewWageAloneCrossesTheLine) {
  const Json& p = Planted("NEW_WAGES");
  const Json& app = ApplicationOf(p["application_id"]);
  const std::string applicant = p["applicant_id"];
  bool found = false;
  for (const std::string& line : Second().planted.at("TAX")) {
    const auto c = Cells(line);
    if (c[1] != applicant || c[0] != "upsert") continue;
    found = true;
    int64_t yuan = 0;
    ASSERT_TRUE(absl::SimpleAtoi(c[4], &yuan));
    EXPECT_EQ(c[3], "WAGE");
    EXPECT_EQ(c[2], "2026-10");  // in the window of November and December
    // 90% of one month's wage alone reaches a year of the line (§4).
    EXPECT_GE(
        yuan * 100 * 90,
        Standard(app) * 12 * static_cast<int64_t>(app["members"].size()) * 100);
  }
  EXPECT_TRUE(found);
}

TEST(SecondMonthTest, LostWagesAreMonthOneRows) {
  const Json& p = Planted("LOST_WAGES");
  EXPECT_FALSE(p["event"].get<bool>());
  const std::string earner = p["person_id"];
  // Every tax wage row and social-insurance base of the earner goes, so no
  // other wage evidence stands in for it (domain.md §4).
  for (const char* dept : {"TAX", "SOCIAL_INSURANCE"}) {
    std::set<std::string> want;
    for (const std::string& row : Rows(dept, earner)) {
      if (std::string(dept) == "SOCIAL_INSURANCE" || Cells(row)[2] == "WAGE")
        want.insert("delete," + row);
    }
    std::set<std::string> sent;
    const auto it = Second().planted.find(dept);
    if (it != Second().planted.end()) {
      for (const std::string& line : it->second) {
        if (Cells(line)[1] == earner) sent.insert(line);
      }
    }
    EXPECT_EQ(sent, want) << dept;
    if (std::string(dept) == "TAX") {
      EXPECT_FALSE(want.empty());
    }
  }
}

TEST(SecondMonthTest, TheDeadAndTheMovedHoldNothingAndLeaveTheRestBelow) {
  for (const char* change : {"DEATH", "MOVE"}) {
    const Json& p = Planted(change);
    const Json& app = ApplicationOf(p["application_id"]);
    const std::string person = p["person_id"];
    EXPECT_NE(person, p["applicant_id"]);
    for (const char* dept :
         {"SOCIAL_INSURANCE", "BENEFITS", "TAX", "HOUSING_FUND", "REAL_ESTATE",
          "VEHICLES", "BUSINESS", "FINANCIAL_ASSETS",
          "ASSISTANCE_ENROLLMENT"}) {
      EXPECT_TRUE(Rows(dept, person).empty()) << change << " " << dept;
    }
    // The others' income (declared = records in a clean household) stays
    // strictly below the line for one member fewer (§4, integers).
    int64_t income100 = 0;
    for (const Json& m : app["members"]) {
      if (m["person_id"] == person) continue;
      for (const auto& [k, v] : m["declared_monthly_income_fen"].items()) {
        income100 += 12 * v.get<int64_t>() * (k == "WAGES" ? 90 : 100);
      }
    }
    const int64_t rest = static_cast<int64_t>(app["members"].size()) - 1;
    EXPECT_LT(income100, Standard(app) * 12 * rest * 100) << change;
    // The registration row is the stored one with the new status.
    const std::set<std::string> hr = Rows("HOUSEHOLD_REGISTRATION", person);
    ASSERT_EQ(hr.size(), 1u);
    std::vector<std::string> want = Cells(*hr.begin());
    want[6] = std::string(change) == "DEATH" ? "DECEASED" : "MOVED";
    bool found = false;
    for (const std::string& line :
         Second().planted.at("HOUSEHOLD_REGISTRATION")) {
      if (line == "upsert," + absl::StrJoin(want, ",")) found = true;
    }
    EXPECT_TRUE(found) << change;
  }
  EXPECT_EQ(ApplicationOf(Planted("DEATH")["application_id"])["members"].size(),
            2u);
  bool death_row = false;
  for (const std::string& line : Second().planted.at("DEATH")) {
    death_row |=
        line == absl::StrCat("upsert,",
                             Planted("DEATH")["person_id"].get<std::string>(),
                             ",2026-11-15");
  }
  EXPECT_TRUE(death_row);
}

TEST(SecondMonthTest, ADeathLiftsTheOthersToTheLine) {
  const Json& p = Planted("DEATH_INCOME");
  const Json& app = ApplicationOf(p["application_id"]);
  const std::string dead = p["person_id"];
  EXPECT_NE(dead, p["applicant_id"]);
  for (const char* dept :
       {"SOCIAL_INSURANCE", "BENEFITS", "TAX", "HOUSING_FUND", "REAL_ESTATE",
        "VEHICLES", "BUSINESS", "FINANCIAL_ASSETS", "ASSISTANCE_ENROLLMENT"}) {
    EXPECT_TRUE(Rows(dept, dead).empty()) << dept;
  }
  // Below the line with the member (the label), at or over it without
  // (November's window; second_month.cc checks December's from the rows).
  int64_t income100 = 0;
  for (const Json& m : app["members"]) {
    for (const auto& [k, v] : m["declared_monthly_income_fen"].items()) {
      income100 += 12 * v.get<int64_t>() * (k == "WAGES" ? 90 : 100);
    }
  }
  const int64_t n = static_cast<int64_t>(app["members"].size());
  EXPECT_LT(income100, Standard(app) * 12 * n * 100);
  EXPECT_GE(income100, Standard(app) * 12 * (n - 1) * 100);
  EXPECT_EQ(p["verdict_after"], "DOES_NOT_MEET");
}

TEST(SecondMonthTest, MarriageBringsAnUndeclaredSpouseIntoTheHousehold) {
  const Json& p = Planted("MARRIAGE");
  const std::string applicant = p["applicant_id"];
  const std::string spouse = p["spouse_id"];
  EXPECT_TRUE(ValidateResidentId(spouse).ok());
  EXPECT_TRUE(Rows("HOUSEHOLD_REGISTRATION", spouse).empty());
  EXPECT_TRUE(Rows("MARRIAGE", applicant).empty());
  EXPECT_EQ(ApplicationOf(p["application_id"])["members"].size(), 1u);
  const auto& marriage = Second().planted.at("MARRIAGE");
  EXPECT_EQ(marriage, (std::vector<std::string>{
                          absl::StrCat("upsert,", applicant, ",", spouse,
                                       ",MARRIED,2026-11-18"),
                          absl::StrCat("upsert,", spouse, ",", applicant,
                                       ",MARRIED,2026-11-18")}));
  const auto hr = Cells(*Rows("HOUSEHOLD_REGISTRATION", applicant).begin());
  bool registered = false;
  for (const std::string& line :
       Second().planted.at("HOUSEHOLD_REGISTRATION")) {
    const auto c = Cells(line);
    if (c[1] != spouse) continue;
    registered = c[3] == hr[2] && c[4] == "SPOUSE" && c[7] == "NORMAL";
  }
  EXPECT_TRUE(registered);
}

TEST(SecondMonthTest, AssetAndDuplicatePlantsAreNewToTheHousehold) {
  auto line_of = [](const char* dept, const std::string& person) {
    for (const std::string& line : Second().planted.at(dept)) {
      if (Cells(line)[1] == person) return Cells(line);
    }
    return std::vector<std::string>{};
  };
  const std::string car = Planted("CAR")["applicant_id"];
  EXPECT_EQ(line_of("VEHICLES", car).at(3), "CAR");
  for (const std::string& row : Rows("VEHICLES", car))
    EXPECT_EQ(row.find(",CAR,"), std::string::npos);
  const std::string owner = Planted("COMPANY")["applicant_id"];
  const auto company = line_of("BUSINESS", owner);
  EXPECT_EQ(company.at(4), "COMPANY");
  EXPECT_EQ(company.at(5), "LEGAL_REPRESENTATIVE");
  EXPECT_EQ(company.at(7), "ACTIVE");
  const std::string shop = Planted("PROPERTY")["applicant_id"];
  EXPECT_EQ(line_of("REAL_ESTATE", shop).at(3), "NON_RESIDENTIAL");
  for (const std::string& row : Rows("REAL_ESTATE", shop))
    EXPECT_EQ(row.find("NON_RESIDENTIAL"), std::string::npos);
  const std::string dup = Planted("DUPLICATE")["applicant_id"];
  const auto enrolled = line_of("ASSISTANCE_ENROLLMENT", dup);
  EXPECT_EQ(enrolled.at(2), "DIBAO");
  EXPECT_EQ(enrolled.at(5), "ENROLLED");
  EXPECT_TRUE(Rows("ASSISTANCE_ENROLLMENT", dup).empty());
  const auto hr = Cells(*Rows("HOUSEHOLD_REGISTRATION", dup).begin());
  EXPECT_NE(enrolled.at(3), hr[2]);  // another 户号
}

TEST(SecondMonthTest, NoChangeRowsEqualTheStoredOnes) {
  for (const Json& u : Second().expectations["unchanged"]) {
    if (u["change"] == "UNTOUCHED" || u["change"] == "TURNS_18") continue;
    const char* dept =
        u["change"] == "NOOP_TAX" ? "TAX" : "HOUSEHOLD_REGISTRATION";
    const std::set<std::string> rows = Rows(dept, u["person_id"]);
    int sent = 0;
    for (const std::string& line : Second().planted.at(dept)) {
      if (Cells(line)[1] != u["person_id"]) continue;
      EXPECT_EQ(rows.count(line.substr(7)), 1u) << line;
      ++sent;
    }
    EXPECT_EQ(sent, 1) << u["change"];
  }
  // Untouched households have no row in any month-2 file.
  std::set<std::string> touched;
  for (const auto& [dept, lines] : Second().planted) {
    for (const std::string& line : lines) touched.insert(Cells(line)[1]);
  }
  for (const Json& u : Second().expectations["unchanged"]) {
    if (u["change"] != "UNTOUCHED" && u["change"] != "TURNS_18") continue;
    for (const Json& m : ApplicationOf(u["application_id"])["members"])
      EXPECT_EQ(touched.count(m["person_id"]), 0u);
  }
}

TEST(SecondMonthTest, SameCountySameBytes) {
  const std::string again = Second().dir + "_again";
  ASSERT_TRUE(WriteSecondMonth(Second().county.dir, again).ok());
  for (const char* f :
       {"month2.json", "expectations.json", "enrolment.jsonl",
        "planted/household_registration.delta.csv", "planted/tax.delta.csv"}) {
    EXPECT_EQ(*ReadFile(Second().dir + "/" + f), *ReadFile(again + "/" + f))
        << f;
  }
}

}  // namespace
}  // namespace hedui::datagen::testing
