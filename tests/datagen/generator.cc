#include "tests/datagen/generator.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "storage/types/civil_date.h"
#include "tests/datagen/applicant_builder.h"
#include "tests/datagen/case_plan.h"
#include "tests/datagen/county.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/feed_writer.h"
#include "tests/datagen/gb18030.h"
#include "tests/datagen/general_population.h"
#include "tests/datagen/request_json.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {
namespace {

using Json = nlohmann::ordered_json;

// Independent random streams of one seed.
constexpr uint64_t kPlanStream = 1;
constexpr uint64_t kPopulationStream = 2;
constexpr uint64_t kApplicationStreamBase = 1'000'000;

constexpr char kApplicationsFile[] = "applications.jsonl";
constexpr char kLabelsFile[] = "labels.jsonl";
// The applications as hedui.v1.VerificationRequest proto JSON, the input of
// `hedui verify --batch`.
constexpr char kRequestsFile[] = "requests.jsonl";
constexpr char kGb18030File[] = "household_registration.gb18030.csv";

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

absl::Status WriteText(const std::string& path, const std::string& text) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size() ||
      std::fclose(f.release()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

Json Manifest(const GeneratorOptions& options, const FeedWriter& feeds,
              int64_t residents) {
  Json manifest;
  manifest["seed"] = options.seed;
  manifest["residents"] = residents;
  manifest["applications"] = options.applications;
  manifest["applications_file"] = kApplicationsFile;
  manifest["labels_file"] = kLabelsFile;
  manifest["requests_file"] = kRequestsFile;
  Json departments = Json::array();
  for (const DepartmentSnapshot& s : kSnapshots) {
    Json d;
    d["department"] = hedui::v1::Department_Name(s.department);
    d["file"] = FeedWriter::FileName(s.department);
    d["as_of"] = FormatCivilDay(s.as_of());
    d["rows"] = feeds.rows(s.department);
    departments.push_back(d);
  }
  manifest["departments"] = departments;
  Json extra;
  extra["department"] = "HOUSEHOLD_REGISTRATION";
  extra["file"] = kGb18030File;
  extra["encoding"] = "GB18030";
  extra["as_of"] = FormatCivilDay(AsOf(hedui::v1::HOUSEHOLD_REGISTRATION));
  extra["rows"] = feeds.rows(hedui::v1::HOUSEHOLD_REGISTRATION);
  extra["same_rows_as"] =
      FeedWriter::FileName(hedui::v1::HOUSEHOLD_REGISTRATION);
  manifest["extra_files"] = Json::array({extra});
  Json dates;
  dates["fresh"] = Json::array({FormatCivilDay(FirstFreshVerificationDay()),
                                FormatCivilDay(LastFreshVerificationDay())});
  dates["stale"] = Json::array({FormatCivilDay(FirstStaleVerificationDay()),
                                FormatCivilDay(LastStaleVerificationDay())});
  dates["stale_department"] = hedui::v1::Department_Name(kStaleDepartment);
  manifest["verification_dates"] = dates;
  return manifest;
}

}  // namespace

absl::StatusOr<GeneratorSummary> GenerateCounty(
    const GeneratorOptions& options) {
  if (options.out_dir.empty())
    return absl::InvalidArgumentError("--out: a directory is required");
  if (options.residents <= 0)
    return absl::InvalidArgumentError("--residents: must be positive");
  if (options.applications < 0) {
    return absl::InvalidArgumentError("--applications: must not be negative");
  }
  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        "--out: cannot create ", options.out_dir, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<FeedWriter>> feeds =
      FeedWriter::Open(options.out_dir);
  if (!feeds.ok()) return feeds.status();
  County county(feeds->get());

  // Labels first: every application's label is planned before its data.
  Rng plan_rng(Rng::Derive(options.seed, kPlanStream));
  const std::vector<CasePlan> plans =
      PlanApplications(plan_rng, options.applications);

  const std::string applications_path =
      absl::StrCat(options.out_dir, "/", kApplicationsFile);
  const std::string labels_path =
      absl::StrCat(options.out_dir, "/", kLabelsFile);
  const std::string requests_path =
      absl::StrCat(options.out_dir, "/", kRequestsFile);
  File applications(std::fopen(applications_path.c_str(), "wb"));
  File labels(std::fopen(labels_path.c_str(), "wb"));
  File requests(std::fopen(requests_path.c_str(), "wb"));
  if (!applications || !labels || !requests) {
    return absl::UnavailableError(
        absl::StrCat("cannot create files in ", options.out_dir));
  }
  for (const CasePlan& plan : plans) {
    Rng rng(Rng::Derive(options.seed, kApplicationStreamBase +
                                          static_cast<uint64_t>(plan.index)));
    absl::StatusOr<BuiltApplication> built =
        BuildApplication(county, rng, plan);
    if (!built.ok()) return built.status();
    const std::string app_line = built->application.dump() + "\n";
    const std::string label_line = built->label.dump() + "\n";
    absl::StatusOr<std::string> request =
        ApplicationToRequestJson(built->application);
    if (!request.ok()) return request.status();
    const std::string request_line = *request + "\n";
    std::fwrite(app_line.data(), 1, app_line.size(), applications.get());
    std::fwrite(label_line.data(), 1, label_line.size(), labels.get());
    std::fwrite(request_line.data(), 1, request_line.size(), requests.get());
  }
  if (std::fclose(applications.release()) != 0 ||
      std::fclose(labels.release()) != 0 ||
      std::fclose(requests.release()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write the applications in ", options.out_dir));
  }
  if (county.residents() > options.residents) {
    return absl::InvalidArgumentError(
        absl::StrCat("--residents: ", options.residents, " is too few; the ",
                     options.applications, " applications alone register ",
                     county.residents(), " residents"));
  }

  Rng population_rng(Rng::Derive(options.seed, kPopulationStream));
  GenerateGeneralPopulation(county, population_rng, options.residents);
  if (absl::Status s = (*feeds)->Close(); !s.ok()) return s;

  const std::string hr =
      absl::StrCat(options.out_dir, "/",
                   FeedWriter::FileName(hedui::v1::HOUSEHOLD_REGISTRATION));
  if (absl::Status s = ConvertUtf8FileToGb18030(
          hr, absl::StrCat(options.out_dir, "/", kGb18030File));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = WriteText(
          absl::StrCat(options.out_dir, "/manifest.json"),
          Manifest(options, **feeds, county.residents()).dump(2) + "\n");
      !s.ok()) {
    return s;
  }

  GeneratorSummary summary;
  summary.residents = county.residents();
  summary.applications = options.applications;
  for (const DepartmentSnapshot& s : kSnapshots)
    summary.feed_rows += (*feeds)->rows(s.department);
  return summary;
}

}  // namespace hedui::datagen
