// The synthetic county's ground truth (issue 7): every application of the
// default county (100,000 residents, seed 20261103, 6,586 applications),
// its department feeds loaded through the project's feed parser into a real
// Store, verified in process (PersonsToRead -> ReadPersonsWithHouseholds ->
// Evaluate) and compared with labels.jsonl, which the generator built by
// construction, never by running a verifier.
//
// Tables of what agreed go to stdout whatever the outcome; on a mismatch
// each test also prints the first applications that differ with their
// findings, for whoever fixes the engine. HEDUI_COUNTY_DIR=D reuses (or
// writes) the county in D instead of a temporary directory.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/engine/evaluate.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/request/validate_request.h"
#include "storage/store.h"
#include "tests/county/county_fixture.h"

namespace hedui::county {
namespace {

using hedui::v1::Finding;
using hedui::v1::Report;
using hedui::v1::VerificationRequest;

constexpr int64_t kResidents = 100000;
constexpr size_t kExpectedApplications = 6586;
constexpr int kExpectedDepartments = 13;
constexpr size_t kDumpLimit = 10;

enum class Kind {
  kStatus,
  kVerdict,
  kCriterion,
  kPlant,
  kUnionTier,
  kDeterminism
};

struct Problem {
  Kind kind;
  std::string what;
};

struct Outcome {
  absl::Status status;  // of validation, the store read or Evaluate
  Report report;
  std::vector<Problem> problems;
};

// Everything is verified once per binary; the tests below each judge one
// aspect of the same reports.
struct CountyRun {
  absl::Status status;  // of generating, loading or reading the county
  std::string dir;
  bool remove_dir = false;
  LoadStats load;
  double generate_seconds = 0;
  double evaluate_seconds = 0;
  std::vector<VerificationRequest> requests;
  std::vector<Label> labels;
  std::vector<Outcome> outcomes;
};

CountyRun* run = nullptr;

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string VerdictName(const Outcome& o) {
  return o.status.ok() ? hedui::v1::Verdict_Name(o.report.verdict())
                       : std::string("ERROR");
}

const Finding* FindingOf(const Report& report, Finding::Criterion c) {
  for (const Finding& f : report.findings()) {
    if (f.criterion() == c) return &f;
  }
  return nullptr;
}

bool HasResult(const Report& report, Finding::Criterion c, Finding::Result r) {
  const Finding* f = FindingOf(report, c);
  return f != nullptr && f->result() == r;
}

bool IsMember(const VerificationRequest& request, const std::string& id) {
  for (const auto& m : request.members()) {
    if (m.person_id() == id) return true;
  }
  return false;
}

// The plant kinds of tests/datagen/README.md and what a report that found
// them shows. Empty: found; else what is missing.
std::string PlantMissing(const std::string& plant,
                         const std::vector<std::string>& planted,
                         const VerificationRequest& request,
                         const Report& report) {
  if (plant == "UNDECLARED_WAGES") {
    if (!HasResult(report, Finding::INCOME, Finding::FAIL)) {
      return "no INCOME FAIL";
    }
    for (const auto& d : report.discrepancies()) {
      if (d.item() == "WAGES" && IsMember(request, d.person_id())) return "";
    }
    return "no WAGES discrepancy for a member";
  }
  if (plant == "HIDDEN_CAR") {
    return HasResult(report, Finding::VEHICLES, Finding::FAIL)
               ? ""
               : "no VEHICLES FAIL";
  }
  if (plant == "EXTRA_HOUSE") {
    return HasResult(report, Finding::RESIDENTIAL_PROPERTY, Finding::FAIL)
               ? ""
               : "no RESIDENTIAL_PROPERTY FAIL";
  }
  if (plant == "BUSINESS_OWNER") {
    return HasResult(report, Finding::BUSINESS, Finding::FAIL)
               ? ""
               : "no BUSINESS FAIL";
  }
  if (plant == "BUSINESS_OWNER_INDIVIDUAL") {
    return HasResult(report, Finding::BUSINESS, Finding::REVIEW)
               ? ""
               : "no BUSINESS REVIEW";
  }
  if (plant == "DEPOSITS_OVER_LIMIT") {
    return HasResult(report, Finding::FINANCIAL_ASSETS, Finding::FAIL)
               ? ""
               : "no FINANCIAL_ASSETS FAIL";
  }
  if (plant == "UNDECLARED_SPOUSE") {
    if (!HasResult(report, Finding::COMPOSITION, Finding::REVIEW)) {
      return "no COMPOSITION REVIEW";
    }
    for (const auto& u : report.household().undeclared()) {
      if (u.needs_review()) return "";
    }
    return "no household.undeclared entry with needs_review";
  }
  if (plant == "DECEASED_MEMBER") {
    if (!HasResult(report, Finding::COMPOSITION, Finding::REVIEW)) {
      return "no COMPOSITION REVIEW";
    }
    for (const auto& m : report.household().members()) {
      if (!m.counted() && IsMember(request, m.person_id())) return "";
    }
    return "no declared member with counted=false";
  }
  if (plant == "STALE_DEPARTMENT") {
    const Finding* f = FindingOf(report, Finding::VEHICLES);
    if (f == nullptr || f->result() != Finding::UNKNOWN) {
      return "no VEHICLES UNKNOWN";
    }
    for (int d : f->missing_departments()) {
      if (d == hedui::v1::VEHICLES) return "";
    }
    return "VEHICLES UNKNOWN without VEHICLES in missing_departments";
  }
  if (plant == "DECLARED_DIFFERS_NO_EFFECT") {
    if (report.verdict() != hedui::v1::MEETS_CRITERIA) {
      return "verdict not MEETS_CRITERIA";
    }
    for (const auto& d : report.discrepancies()) {
      if (!d.changes_outcome()) return "";
    }
    return "no discrepancy with changes_outcome=false";
  }
  if (plant == "DECLARED_NOTHING") {
    // domain.md §4: declaring nothing is not declaring 0; only a declared
    // figure can disagree with the records.
    if (report.verdict() != hedui::v1::MEETS_CRITERIA) {
      return "verdict not MEETS_CRITERIA";
    }
    for (const auto& d : report.discrepancies()) {
      for (const auto& m : request.members()) {
        if (m.person_id() != d.person_id()) continue;
        const auto& di = m.declared_monthly_income();
        const bool declared = d.item() == "WAGES"      ? di.has_wages_fen()
                              : d.item() == "BUSINESS" ? di.has_business_fen()
                              : d.item() == "PROPERTY" ? di.has_property_fen()
                              : d.item() == "TRANSFER" ? di.has_transfer_fen()
                              : d.item() == "OTHER"    ? di.has_other_fen()
                                                       : true;
        if (!declared) {
          return absl::StrCat("a ", d.item(),
                              " discrepancy for a figure never declared");
        }
      }
    }
    return "";
  }
  if (plant == "DUPLICATE_SAME_PROGRAM" ||
      plant == "DUPLICATE_EXCLUDING_PROGRAM") {
    const Finding* f = FindingOf(report, Finding::DUPLICATE_ENROLLMENT);
    if (f == nullptr || f->result() != Finding::REVIEW) {
      return "no DUPLICATE_ENROLLMENT REVIEW";
    }
    // domain.md §7: the finding shows the records it rests on.
    for (const auto& e : f->evidence()) {
      if (e.department() == hedui::v1::ASSISTANCE_ENROLLMENT &&
          IsMember(request, e.person_id())) {
        return "";
      }
    }
    return "DUPLICATE_ENROLLMENT REVIEW without a member's enrollment record "
           "as evidence";
  }
  // Controls: an enrolment that is no duplicate (the household's own under
  // its 户号, not ENROLLED, an obligor's, the deceased member's).
  if (plant == "ENROLLMENT_OWN_HOUSEHOLD" || plant == "ENROLLMENT_NOT_ACTIVE" ||
      plant == "ENROLLMENT_OF_OBLIGOR" ||
      plant == "ENROLLMENT_OF_UNCOUNTED_MEMBER") {
    // A duplicate planted beside it makes REVIEW (checked by that plant).
    bool duplicate = false;
    for (const std::string& p : planted) {
      duplicate = duplicate || p.rfind("DUPLICATE_", 0) == 0;
    }
    if (!HasResult(report, Finding::DUPLICATE_ENROLLMENT,
                   duplicate ? Finding::REVIEW : Finding::PASS)) {
      return duplicate ? "no DUPLICATE_ENROLLMENT REVIEW"
                       : "no DUPLICATE_ENROLLMENT PASS";
    }
    if (plant == "ENROLLMENT_OF_OBLIGOR" &&
        !HasResult(report, Finding::OBLIGORS, Finding::PASS)) {
      return "no OBLIGORS PASS";
    }
    return "";
  }
  return "plant kind unknown to this test (update PlantMissing)";
}

void Judge(const VerificationRequest& request, const Label& label, Outcome* o) {
  auto add = [o](Kind kind, std::string what) {
    o->problems.push_back({kind, std::move(what)});
  };
  if (!o->status.ok()) {
    add(Kind::kStatus, o->status.ToString());
    add(Kind::kVerdict, "no report");
    return;
  }
  const Report& report = o->report;
  if (report.verdict() != label.verdict) {
    add(Kind::kVerdict,
        absl::StrCat("verdict: label ", hedui::v1::Verdict_Name(label.verdict),
                     ", engine ", hedui::v1::Verdict_Name(report.verdict())));
  }
  std::set<int> seen;
  for (const Finding& f : report.findings()) {
    const std::string name = Finding::Criterion_Name(f.criterion());
    if (!seen.insert(f.criterion()).second) {
      add(Kind::kCriterion, absl::StrCat(name, ": two findings"));
    }
    if (label.criteria.count(f.criterion()) == 0) {
      add(Kind::kCriterion,
          absl::StrCat(name, ": finding ", Finding::Result_Name(f.result()),
                       " for a criterion the label does not have"));
    }
  }
  for (const auto& [criterion, result] : label.criteria) {
    const Finding* f = FindingOf(report, criterion);
    const std::string name = Finding::Criterion_Name(criterion);
    if (f == nullptr) {
      add(Kind::kCriterion,
          absl::StrCat(name, ": label ", Finding::Result_Name(result),
                       ", no finding"));
    } else if (f->result() != result) {
      add(Kind::kCriterion,
          absl::StrCat(name, ": label ", Finding::Result_Name(result),
                       ", engine ", Finding::Result_Name(f->result())));
    }
  }
  for (const std::string& plant : label.planted) {
    const std::string missing =
        PlantMissing(plant, label.planted, request, report);
    if (!missing.empty()) {
      add(Kind::kPlant, absl::StrCat(plant, " not found: ", missing));
    }
  }
  if (label.union_tier != hedui::v1::UNION_TIER_UNSPECIFIED &&
      report.union_tier() != label.union_tier) {
    add(Kind::kUnionTier,
        absl::StrCat("union tier: label ",
                     hedui::v1::UnionTier_Name(label.union_tier), ", engine ",
                     hedui::v1::UnionTier_Name(report.union_tier())));
  }
}

Outcome Verify(const VerificationRequest& request, storage::Store& store,
               const engine::Policy& policy) {
  Outcome o;
  const auto violations = engine::ValidateRequest(request);
  if (!violations.empty()) {
    std::vector<std::string> parts;
    parts.reserve(violations.size());
    for (const auto& v : violations) {
      parts.push_back(absl::StrCat(v.field(), ": ", v.description()));
    }
    o.status = absl::InvalidArgumentError(
        absl::StrCat("ValidateRequest: ", absl::StrJoin(parts, "; ")));
    return o;
  }
  hedui::store::v1::RecordSet records;
  o.status =
      store.ReadPersonsWithHouseholds(engine::PersonsToRead(request), &records);
  if (!o.status.ok()) return o;
  o.status = engine::Evaluate(request, records, policy, &o.report);
  if (!o.status.ok()) return o;
  // Reports are stored and shown again as the same bytes (domain.md §1).
  Report again;
  const absl::Status second =
      engine::Evaluate(request, records, policy, &again);
  if (!second.ok() ||
      again.SerializeAsString() != o.report.SerializeAsString()) {
    o.problems.push_back(
        {Kind::kDeterminism, "a second Evaluate gave different bytes"});
  }
  return o;
}

absl::Status Prepare(CountyRun& r) {
  const char* env_dir = std::getenv("HEDUI_COUNTY_DIR");
  if (env_dir != nullptr && *env_dir != '\0') {
    r.dir = env_dir;
  } else {
    std::string tmp = ::testing::TempDir();
    while (tmp.size() > 1 && tmp.back() == '/') tmp.pop_back();
    r.dir = absl::StrCat(tmp, "/hedui_county_", static_cast<long>(getpid()));
    r.remove_dir = true;
  }
  const std::string county_dir = r.dir + "/county";
  const std::string store_dir = r.dir + "/store";
  std::filesystem::remove_all(store_dir);
  auto start = Clock::now();
  if (!HasCounty(county_dir)) {
    if (absl::Status s = GenerateCounty(county_dir, kResidents); !s.ok()) {
      return s;
    }
  }
  r.generate_seconds = SecondsSince(start);

  storage::StoreOptions options;
  options.path = store_dir;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return store.status();
  auto load = LoadCounty(county_dir, store->get());
  if (!load.ok()) return load.status();
  r.load = *load;
  auto requests = ReadApplications(county_dir);
  if (!requests.ok()) return requests.status();
  r.requests = std::move(*requests);
  auto labels = ReadLabels(county_dir);
  if (!labels.ok()) return labels.status();
  r.labels = std::move(*labels);
  if (r.labels.size() != r.requests.size()) {
    return absl::InvalidArgumentError(
        "labels and applications differ in count");
  }
  auto policy = engine::LoadPolicyFile(
      absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/policy/example.textproto"));
  if (!policy.ok()) return policy.status();

  start = Clock::now();
  r.outcomes.reserve(r.requests.size());
  for (size_t i = 0; i < r.requests.size(); ++i) {
    r.outcomes.push_back(Verify(r.requests[i], **store, *policy));
    Judge(r.requests[i], r.labels[i], &r.outcomes.back());
  }
  r.evaluate_seconds = SecondsSince(start);
  return absl::OkStatus();
}

class CountyEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    run = new CountyRun;
    run->status = Prepare(*run);
    std::printf(
        "county: %s; generated in %.1f s; %d departments, %lld records loaded "
        "in %.1f s; %zu applications verified in %.1f s\n",
        run->dir.c_str(), run->generate_seconds, run->load.departments,
        static_cast<long long>(run->load.records), run->load.seconds,
        run->outcomes.size(), run->evaluate_seconds);
  }
  void TearDown() override {
    if (run->remove_dir) std::filesystem::remove_all(run->dir);
    delete run;
    run = nullptr;
  }
};

const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new CountyEnvironment);

// A compact account of one application: the label, the engine's findings
// (`*` where the label says otherwise) and discrepancies.
std::string Dump(size_t i) {
  const VerificationRequest& request = run->requests[i];
  const Label& label = run->labels[i];
  const Outcome& o = run->outcomes[i];
  std::string out = absl::StrCat(
      "--- ", label.application_id, " ",
      hedui::v1::Program_Name(request.program()), " ", request.members_size(),
      " members, verified ", request.verification_date().year(), "-",
      request.verification_date().month(), "-",
      request.verification_date().day(), "\n  label ",
      hedui::v1::Verdict_Name(label.verdict), " planted [",
      absl::StrJoin(label.planted, ","), "]",
      label.boundary.empty() ? "" : " boundary " + label.boundary,
      "\n  why: ", label.why, "\n  engine ", VerdictName(o), "\n");
  for (const Problem& p : o.problems)
    absl::StrAppend(&out, "  ! ", p.what, "\n");
  if (!o.status.ok()) return out;
  for (const Finding& f : o.report.findings()) {
    const auto it = label.criteria.find(f.criterion());
    const bool differs = it == label.criteria.end() || it->second != f.result();
    absl::StrAppend(
        &out, differs ? "  * " : "    ", Finding::Criterion_Name(f.criterion()),
        " ", Finding::Result_Name(f.result()), ": ", f.explanation(), "\n");
  }
  for (const auto& d : o.report.discrepancies()) {
    absl::StrAppend(&out, "    discrepancy ", d.item(), " declared ",
                    d.declared().shown(), " found ", d.found().shown(),
                    d.changes_outcome() ? " (changes outcome)" : "", "\n");
  }
  return out;
}

// Prints the first applications with a problem of `kind` and returns how
// many applications have one.
size_t ReportProblems(Kind kind, bool full_dump) {
  size_t count = 0;
  for (size_t i = 0; i < run->outcomes.size(); ++i) {
    bool has = false;
    for (const Problem& p : run->outcomes[i].problems) {
      if (p.kind != kind) continue;
      if (!has && count < kDumpLimit && !full_dump) {
        std::printf("  %s: %s\n", run->labels[i].application_id.c_str(),
                    p.what.c_str());
      }
      has = true;
    }
    if (has && count < kDumpLimit && full_dump) {
      std::printf("%s", Dump(i).c_str());
    }
    count += has ? 1 : 0;
  }
  if (count == 0) std::printf("  none\n");
  if (count > kDumpLimit) {
    std::printf("  ... and %zu more applications\n", count - kDumpLimit);
  }
  return count;
}

class CountyVerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(run, nullptr);
    ASSERT_TRUE(run->status.ok()) << run->status;
  }
};

TEST_F(CountyVerificationTest, LoadsTheWholeCounty) {
  EXPECT_EQ(run->load.departments, kExpectedDepartments);
  EXPECT_EQ(run->requests.size(), kExpectedApplications);
  ASSERT_EQ(run->labels.size(), run->requests.size());
  for (size_t i = 0; i < run->labels.size(); ++i) {
    ASSERT_EQ(run->labels[i].application_id, run->requests[i].application_id())
        << "labels.jsonl and applications.jsonl out of step at line " << i + 1;
  }
}

TEST_F(CountyVerificationTest, EveryRequestIsEvaluated) {
  std::printf("applications not evaluated (validation, read or Evaluate):\n");
  EXPECT_EQ(ReportProblems(Kind::kStatus, /*full_dump=*/false), 0u);
}

void PrintConfusion(
    const std::string& title,
    const std::map<std::string, std::map<std::string, int>>& t) {
  static const char* const kColumns[] = {"MEETS_CRITERIA", "DOES_NOT_MEET",
                                         "NEEDS_REVIEW", "ERROR"};
  std::printf("%s (rows: label, columns: engine)\n", title.c_str());
  std::printf("  %-15s %15s %15s %15s %8s\n", "", kColumns[0], kColumns[1],
              kColumns[2], kColumns[3]);
  for (const char* row : {"MEETS_CRITERIA", "DOES_NOT_MEET", "NEEDS_REVIEW"}) {
    const auto it = t.find(row);
    auto cell = [&](const char* column) {
      if (it == t.end()) return 0;
      const auto c = it->second.find(column);
      return c == it->second.end() ? 0 : c->second;
    };
    std::printf("  %-15s %15d %15d %15d %8d\n", row, cell(kColumns[0]),
                cell(kColumns[1]), cell(kColumns[2]), cell(kColumns[3]));
  }
}

TEST_F(CountyVerificationTest, VerdictEqualsTheLabelForEveryApplication) {
  std::map<std::string, std::map<std::string, int>> overall;
  std::map<int, std::map<std::string, std::map<std::string, int>>> by_program;
  std::map<std::string, std::pair<int, int>> boundaries;  // agreed, total
  size_t agreed = 0;
  size_t false_denials = 0;
  for (size_t i = 0; i < run->outcomes.size(); ++i) {
    const std::string label = hedui::v1::Verdict_Name(run->labels[i].verdict);
    const std::string engine = VerdictName(run->outcomes[i]);
    ++overall[label][engine];
    ++by_program[run->requests[i].program()][label][engine];
    agreed += label == engine ? 1 : 0;
    if (engine == "DOES_NOT_MEET" && label != engine) ++false_denials;
    if (!run->labels[i].boundary.empty()) {
      auto& b = boundaries[run->labels[i].boundary];
      b.first += run->outcomes[i].problems.empty() ? 1 : 0;
      ++b.second;
    }
  }
  std::printf(
      "\nverdicts: %zu of %zu agree with the label (%.2f%%), %zu "
      "false DOES_NOT_MEET\n",
      agreed, run->outcomes.size(),
      100.0 * static_cast<double>(agreed) /
          static_cast<double>(run->outcomes.size()),
      false_denials);
  PrintConfusion("all programs", overall);
  for (const auto& [program, table] : by_program) {
    PrintConfusion(
        hedui::v1::Program_Name(static_cast<hedui::v1::Program>(program)),
        table);
  }
  std::printf("boundary cases (every check agrees / cases):\n");
  for (const auto& [name, b] : boundaries) {
    std::printf("  %-48s %d/%d\n", name.c_str(), b.first, b.second);
  }
  std::printf("first applications whose verdict differs:\n");
  EXPECT_EQ(ReportProblems(Kind::kVerdict, /*full_dump=*/true), 0u);
  EXPECT_EQ(false_denials, 0u);
}

TEST_F(CountyVerificationTest, EveryCriterionMatchesTheLabel) {
  // criterion -> "label result -> engine result" -> applications
  std::map<std::string, std::map<std::string, int>> table;
  for (size_t i = 0; i < run->outcomes.size(); ++i) {
    const Outcome& o = run->outcomes[i];
    if (!o.status.ok()) continue;
    const Label& label = run->labels[i];
    for (const auto& [criterion, result] : label.criteria) {
      const Finding* f = FindingOf(o.report, criterion);
      ++table[Finding::Criterion_Name(criterion)][absl::StrCat(
          Finding::Result_Name(result), "->",
          f == nullptr ? "ABSENT" : Finding::Result_Name(f->result()))];
    }
    for (const Finding& f : o.report.findings()) {
      if (label.criteria.count(f.criterion()) == 0) {
        ++table[Finding::Criterion_Name(f.criterion())]
               [absl::StrCat("ABSENT->", Finding::Result_Name(f.result()))];
      }
    }
  }
  std::printf("\ncriteria (label -> engine: applications):\n");
  for (const auto& [criterion, cells] : table) {
    std::vector<std::string> parts;
    for (const auto& [pair, n] : cells) {
      const size_t arrow = pair.find("->");
      const bool same = pair.substr(0, arrow) == pair.substr(arrow + 2);
      parts.push_back(absl::StrCat(same ? "" : "*", pair, " ", n));
    }
    std::printf("  %-25s %s\n", criterion.c_str(),
                absl::StrJoin(parts, ", ").c_str());
  }
  std::printf("first applications whose findings differ:\n");
  EXPECT_EQ(ReportProblems(Kind::kCriterion, /*full_dump=*/false), 0u);
}

TEST_F(CountyVerificationTest, EveryPlantedDiscrepancyIsFound) {
  std::map<std::string, std::pair<int, int>> plants;  // found, planted
  for (size_t i = 0; i < run->outcomes.size(); ++i) {
    for (const std::string& plant : run->labels[i].planted) {
      auto& p = plants[plant];
      ++p.second;
      if (run->outcomes[i].status.ok() &&
          PlantMissing(plant, run->labels[i].planted, run->requests[i],
                       run->outcomes[i].report)
              .empty()) {
        ++p.first;
      }
    }
  }
  std::printf("\nplanted discrepancies (found/planted):\n");
  for (const auto& [plant, p] : plants) {
    std::printf("  %-28s %5d/%-5d%s\n", plant.c_str(), p.first, p.second,
                p.first == p.second ? "" : "  MISSED SOME");
  }
  std::printf("first applications with a plant not found:\n");
  EXPECT_EQ(ReportProblems(Kind::kPlant, /*full_dump=*/false), 0u);
}

TEST_F(CountyVerificationTest, UnionHardshipTierMatchesTheLabel) {
  std::printf("\nUNION_HARDSHIP tiers that differ:\n");
  EXPECT_EQ(ReportProblems(Kind::kUnionTier, /*full_dump=*/false), 0u);
}

TEST_F(CountyVerificationTest, EvaluateIsDeterministic) {
  std::printf("\nreports that differ when evaluated twice:\n");
  EXPECT_EQ(ReportProblems(Kind::kDeterminism, /*full_dump=*/false), 0u);
}

// The comparison itself must not be vacuous: labels altered in memory are
// told apart from the engine's report.
TEST_F(CountyVerificationTest, TheComparisonCatchesATamperedLabel) {
  size_t clean = run->labels.size();
  for (size_t i = 0; i < run->labels.size(); ++i) {
    if (run->labels[i].planted.empty() && run->outcomes[i].status.ok() &&
        run->outcomes[i].problems.empty()) {
      clean = i;
      break;
    }
  }
  ASSERT_LT(clean, run->labels.size()) << "no clean application agreed";
  auto kinds = [&](const Label& label) {
    Outcome o;
    o.report = run->outcomes[clean].report;
    Judge(run->requests[clean], label, &o);
    std::set<Kind> out;
    for (const Problem& p : o.problems) out.insert(p.kind);
    return out;
  };
  Label label = run->labels[clean];
  label.verdict = label.verdict == hedui::v1::MEETS_CRITERIA
                      ? hedui::v1::NEEDS_REVIEW
                      : hedui::v1::MEETS_CRITERIA;
  EXPECT_EQ(kinds(label), std::set<Kind>{Kind::kVerdict});

  label = run->labels[clean];
  label.criteria[Finding::CONSENT] = Finding::REVIEW;
  EXPECT_EQ(kinds(label), std::set<Kind>{Kind::kCriterion});
  label = run->labels[clean];
  label.criteria.erase(Finding::CONSENT);
  EXPECT_EQ(kinds(label), std::set<Kind>{Kind::kCriterion});
  label = run->labels[clean];
  for (Finding::Criterion c : {Finding::HOUSING_NEED, Finding::OBLIGORS}) {
    if (label.criteria.count(c) == 0) {
      label.criteria[c] = Finding::PASS;  // one the report does not have
      break;
    }
  }
  EXPECT_EQ(kinds(label), std::set<Kind>{Kind::kCriterion});

  for (const char* plant :
       {"UNDECLARED_WAGES", "HIDDEN_CAR", "EXTRA_HOUSE", "BUSINESS_OWNER",
        "BUSINESS_OWNER_INDIVIDUAL", "DEPOSITS_OVER_LIMIT", "UNDECLARED_SPOUSE",
        "DECEASED_MEMBER", "STALE_DEPARTMENT", "DUPLICATE_SAME_PROGRAM",
        "DUPLICATE_EXCLUDING_PROGRAM"}) {
    label = run->labels[clean];
    label.planted = {plant};
    EXPECT_EQ(kinds(label), std::set<Kind>{Kind::kPlant}) << plant;
  }
}

}  // namespace
}  // namespace hedui::county
