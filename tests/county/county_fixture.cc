#include "tests/county/county_fixture.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hedui/v1/codes.pb.h"
#include "nlohmann/json.hpp"
#include "storage/feed/feed_parser.h"
#include "storage/record_batch.h"
#include "storage/types/civil_date.h"
#include "tests/datagen/generator.h"

namespace hedui::county {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

absl::StatusOr<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON"));
  }
  return json;
}

// Reads one JSON object field by field and remembers which keys it was
// asked for, so that Finish() can name a key nobody mapped: a field the
// generator adds later must not be silently ignored. Keeps the first error.
class Fields {
 public:
  Fields(const Json& object, std::string where)
      : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) Fail("", "not an object");
  }

  const Json* Get(const std::string& key) {
    known_.push_back(key);
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  void String(const std::string& key, std::string* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_string()) return Fail(key, "not a string");
      *out = v->get<std::string>();
    }
  }
  // True when the key is there and an integer.
  bool Int(const std::string& key, int64_t* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_number_integer()) {
        Fail(key, "not an integer");
        return false;
      }
      *out = v->get<int64_t>();
      return true;
    }
    return false;
  }
  void Bool(const std::string& key, bool* out) {
    if (const Json* v = Get(key)) {
      if (!v->is_boolean()) return Fail(key, "not a boolean");
      *out = v->get<bool>();
    }
  }
  void Date(const std::string& key, hedui::v1::Date* out) {
    std::string text;
    String(key, &text);
    if (text.empty()) return;
    auto day = ParseCivilDay(text);
    if (!day.ok()) return Fail(key, "not a YYYY-MM-DD date");
    *out = ToProto(*day);
  }
  // `parse` is a generated <Enum>_Parse.
  template <typename E>
  void Enum(const std::string& key, bool (*parse)(const std::string&, E*),
            E* out) {
    std::string text;
    String(key, &text);
    if (!text.empty()) EnumValue(key, text, parse, out);
  }
  template <typename E>
  void EnumValue(const std::string& key, const std::string& text,
                 bool (*parse)(const std::string&, E*), E* out) {
    if (!parse(text, out)) Fail(key, absl::StrCat("unknown value ", text));
  }

  void Fail(const std::string& key, const std::string& problem) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat(where_, key.empty() ? "" : ".", key, ": ", problem));
    }
  }

  const std::string& where() const { return where_; }

  absl::Status Finish() {
    if (status_.ok() && object_.is_object()) {
      for (const auto& item : object_.items()) {
        if (std::find(known_.begin(), known_.end(), item.key()) ==
            known_.end()) {
          Fail(item.key(), "key not mapped by the county fixture");
          break;
        }
      }
    }
    return status_;
  }

 private:
  const Json& object_;
  std::string where_;
  std::vector<std::string> known_;
  absl::Status status_;
};

// Runs `fn` on each element of an array field, each element read by its
// own Fields (whose errors are passed up).
void ForEachObject(Fields& parent, const std::string& key,
                   const std::function<void(Fields&)>& fn) {
  const Json* array = parent.Get(key);
  if (array == nullptr) return;
  if (!array->is_array()) return parent.Fail(key, "not an array");
  for (size_t i = 0; i < array->size(); ++i) {
    Fields element((*array)[i],
                   absl::StrCat(parent.where(), ".", key, "[", i, "]"));
    fn(element);
    if (absl::Status s = element.Finish(); !s.ok()) {
      return parent.Fail("", std::string(s.message()));
    }
  }
}

void ForEachString(Fields& parent, const std::string& key,
                   const std::function<void(const std::string&)>& fn) {
  const Json* array = parent.Get(key);
  if (array == nullptr) return;
  if (!array->is_array()) return parent.Fail(key, "not an array");
  for (const Json& v : *array) {
    if (!v.is_string()) return parent.Fail(key, "holds a non-string");
    fn(v.get<std::string>());
  }
}

void SubObject(Fields& parent, const std::string& key,
               const std::function<void(Fields&)>& fn) {
  const Json* object = parent.Get(key);
  if (object == nullptr) return;
  Fields fields(*object, absl::StrCat(parent.where(), ".", key));
  fn(fields);
  if (absl::Status s = fields.Finish(); !s.ok()) {
    parent.Fail("", std::string(s.message()));
  }
}

// The JSON income keys are the categories' names (tests/datagen/README.md).
// A key present is a declared figure, 0 included; a key absent is "declared
// nothing", left unset (domain.md §4: not the same as 0).
void ReadDeclaredIncome(Fields& f, hedui::v1::DeclaredIncome* income) {
  int64_t v = 0;
  if (f.Int("WAGES", &v)) income->set_wages_fen(v);
  if (f.Int("BUSINESS", &v)) income->set_business_fen(v);
  if (f.Int("PROPERTY", &v)) income->set_property_fen(v);
  if (f.Int("TRANSFER", &v)) income->set_transfer_fen(v);
  if (f.Int("OTHER", &v)) income->set_other_fen(v);
}

void ReadApplication(Fields& f, hedui::v1::VerificationRequest* r) {
  f.String("application_id", r->mutable_application_id());
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  f.Enum("program", &hedui::v1::Program_Parse, &program);
  r->set_program(program);
  f.String("region_code", r->mutable_region_code());
  f.Date("verification_date", r->mutable_verification_date());
  f.String("purpose", r->mutable_purpose());
  bool flag = false;
  f.Bool("emergency", &flag);
  r->set_emergency(flag);
  ForEachObject(f, "members", [r](Fields& m) {
    auto* member = r->add_members();
    m.String("person_id", member->mutable_person_id());
    m.String("name", member->mutable_name());
    hedui::v1::Relation relation = hedui::v1::RELATION_UNSPECIFIED;
    m.Enum("relation", &hedui::v1::Relation_Parse, &relation);
    member->set_relation(relation);
    SubObject(m, "declared_monthly_income_fen", [member](Fields& income) {
      ReadDeclaredIncome(income, member->mutable_declared_monthly_income());
    });
    bool informal = false;
    m.Bool("informal_work", &informal);
    member->set_informal_work(informal);
  });
  // The household's declaration as a whole: the request-level
  // declared_assets (the applications declare no member's own). Presence as
  // for income.
  SubObject(f, "declared_assets", [r](Fields& a) {
    auto* assets = r->mutable_declared_assets();
    int64_t v = 0;
    if (a.Int("financial_assets_fen", &v)) assets->set_financial_assets_fen(v);
    if (a.Int("residential_properties", &v))
      assets->set_residential_properties(static_cast<int32_t>(v));
    if (a.Int("non_residential_properties", &v))
      assets->set_non_residential_properties(static_cast<int32_t>(v));
    if (a.Int("vehicles", &v)) assets->set_vehicles(static_cast<int32_t>(v));
  });
  ForEachObject(f, "obligors", [r](Fields& o) {
    auto* obligor = r->add_obligors();
    o.String("person_id", obligor->mutable_person_id());
    o.String("name", obligor->mutable_name());
    hedui::v1::Relation relation = hedui::v1::RELATION_UNSPECIFIED;
    o.Enum("relation", &hedui::v1::Relation_Parse, &relation);
    obligor->set_relation(relation);
    hedui::v1::Obligor::DeclaredStatus status =
        hedui::v1::Obligor::DECLARED_STATUS_UNSPECIFIED;
    o.Enum("declared_status", &hedui::v1::Obligor::DeclaredStatus_Parse,
           &status);
    obligor->set_declared_status(status);
    // Not generated today (tests/datagen/README.md), mapped for when it is.
    SubObject(o, "spouse", [obligor](Fields& s) {
      s.String("person_id", obligor->mutable_spouse()->mutable_person_id());
      s.String("name", obligor->mutable_spouse()->mutable_name());
    });
  });
  f.String("single_person_member_id", r->mutable_single_person_member_id());
  flag = false;
  f.Bool("serious_illness", &flag);
  r->set_serious_illness(flag);
  // Every application carries the key, zeros outside UNION_HARDSHIP; a
  // client sends the message only where the program takes it.
  SubObject(f, "rigid_spending_fen", [r](Fields& s) {
    int64_t medical = 0;
    int64_t education = 0;
    s.Int("medical", &medical);
    s.Int("education", &education);
    if (r->program() == hedui::v1::UNION_HARDSHIP || medical != 0 ||
        education != 0) {
      r->mutable_rigid_spending()->set_medical_fen(medical);
      r->mutable_rigid_spending()->set_education_fen(education);
    }
  });
  SubObject(f, "consent", [r](Fields& c) {
    auto* consent = r->mutable_consent();
    c.String("consent_id", consent->mutable_consent_id());
    c.Date("signed_on", consent->mutable_signed_on());
    ForEachString(c, "signer_ids", [consent](const std::string& id) {
      consent->add_signer_ids(id);
    });
    ForEachString(c, "programs", [consent, &c](const std::string& name) {
      hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
      c.EnumValue("programs", name, &hedui::v1::Program_Parse, &program);
      consent->add_programs(program);
    });
  });
}

void ReadLabel(Fields& f, Label* label) {
  f.String("application_id", &label->application_id);
  f.Enum("verdict", &hedui::v1::Verdict_Parse, &label->verdict);
  // Criteria keys are criterion names, each checked against the enum.
  if (const Json* criteria = f.Get("criteria")) {
    if (!criteria->is_object()) return f.Fail("criteria", "not an object");
    for (const auto& item : criteria->items()) {
      hedui::v1::Finding::Criterion criterion;
      hedui::v1::Finding::Result result;
      if (!hedui::v1::Finding::Criterion_Parse(item.key(), &criterion)) {
        return f.Fail("criteria",
                      absl::StrCat("unknown criterion ", item.key()));
      }
      if (!item.value().is_string() ||
          !hedui::v1::Finding::Result_Parse(item.value().get<std::string>(),
                                            &result)) {
        return f.Fail("criteria", absl::StrCat("bad result for ", item.key()));
      }
      label->criteria[criterion] = result;
    }
  }
  ForEachString(f, "planted", [label](const std::string& plant) {
    label->planted.push_back(plant);
  });
  f.String("boundary", &label->boundary);
  f.Enum("union_tier", &hedui::v1::UnionTier_Parse, &label->union_tier);
  f.String("why", &label->why);
}

// Calls `fn` with each line's JSON object and where it is.
absl::Status ForEachJsonLine(
    const std::string& path,
    const std::function<absl::Status(const Json&, const std::string&)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::string where = absl::StrCat(path, ":", number);
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": not JSON"));
    }
    if (absl::Status s = fn(json, where); !s.ok()) return s;
  }
  return absl::OkStatus();
}

struct DepartmentFile {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  std::string path;
  absl::CivilDay as_of;
  int64_t rows = 0;
};

// Parses one feed whole into a sorted batch.
absl::StatusOr<storage::RecordBatch> ParseFeed(const DepartmentFile& file) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file.path));
  feed::FeedParserOptions options;
  options.department = file.department;
  feed::FeedParser parser(options);
  storage::RecordBatch batch;
  batch.Reserve(static_cast<size_t>(std::max<int64_t>(file.rows, 0)));
  const feed::RowSink sink = [&batch](feed::FeedRow&& row) {
    batch.Add(row.person_id, row.natural_key, row.record, row.line);
  };
  std::string chunk(4 << 20, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    parser.Consume(absl::string_view(chunk.data(), static_cast<size_t>(got)),
                   sink);
  }
  parser.Finish(sink);
  if (!parser.ok()) {
    const feed::FeedError& e = parser.errors().front();
    return absl::InvalidArgumentError(
        absl::StrCat(file.path, ": ", parser.error_count(), " errors; first ",
                     "at line ", e.line, " ", e.field, ": ", e.message));
  }
  batch.Sort();
  if (!batch.IsSortedAndUnique()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.path, ": a record key appears twice"));
  }
  return batch;
}

}  // namespace

absl::Status GenerateCounty(const std::string& dir, int64_t residents,
                            uint64_t seed) {
  datagen::GeneratorOptions options;
  options.out_dir = dir;
  options.residents = residents;
  options.seed = seed;
  auto summary = datagen::GenerateCounty(options);
  return summary.status();
}

bool HasCounty(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir + "/manifest.json", ec) &&
         std::filesystem::exists(dir + "/labels.jsonl", ec);
}

absl::StatusOr<LoadStats> LoadCounty(const std::string& dir,
                                     storage::Store* store, int threads) {
  const auto start = Clock::now();
  auto manifest = ReadJsonFile(dir + "/manifest.json");
  if (!manifest.ok()) return manifest.status();
  const Json* departments = nullptr;
  if (manifest->is_object() && manifest->contains("departments")) {
    departments = &(*manifest)["departments"];
  }
  if (departments == nullptr || !departments->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, "/manifest.json: no departments array"));
  }
  std::vector<DepartmentFile> files;
  for (size_t i = 0; i < departments->size(); ++i) {
    const Json& d = (*departments)[i];
    DepartmentFile file;
    std::string name, file_name, as_of;
    Fields f(d, absl::StrCat("manifest.departments[", i, "]"));
    f.String("department", &name);
    f.String("file", &file_name);
    f.String("as_of", &as_of);
    f.Int("rows", &file.rows);
    if (absl::Status s = f.Finish(); !s.ok()) return s;
    auto department = feed::ParseDepartmentName(name);
    if (!department.ok()) return department.status();
    auto day = ParseCivilDay(as_of);
    if (!day.ok()) return day.status();
    file.department = *department;
    file.path = absl::StrCat(dir, "/", file_name);
    file.as_of = *day;
    files.push_back(std::move(file));
  }

  // Large feeds first, so the two parser threads finish together.
  std::vector<size_t> order(files.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return files[a].rows > files[b].rows;
  });
  std::atomic<size_t> next{0};
  std::mutex mu;
  absl::Status first_error;
  LoadStats stats;
  auto work = [&] {
    for (size_t k = next++; k < order.size(); k = next++) {
      const DepartmentFile& file = files[order[k]];
      const auto parse_start = Clock::now();
      auto batch = ParseFeed(file);
      const double parse_seconds = SecondsSince(parse_start);
      absl::Status status = batch.status();
      if (status.ok()) {
        storage::BatchHeader header;
        header.department = file.department;
        header.as_of = file.as_of;
        header.batch_id =
            absl::StrCat("county-", hedui::v1::Department_Name(file.department),
                         "-", FormatCivilDay(file.as_of));
        // The store serializes appliers; parsing the next feed overlaps.
        status = store->ApplyFullSnapshot(header, *batch).status();
      }
      std::lock_guard<std::mutex> lock(mu);
      stats.parse_seconds += parse_seconds;
      if (!status.ok()) {
        if (first_error.ok()) {
          first_error = absl::Status(
              status.code(),
              absl::StrCat(hedui::v1::Department_Name(file.department), ": ",
                           status.message()));
        }
        return;
      }
      ++stats.departments;
      stats.records += static_cast<int64_t>(batch->size());
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < std::max(threads, 1); ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  if (!first_error.ok()) return first_error;
  stats.seconds = SecondsSince(start);
  return stats;
}

absl::StatusOr<std::vector<hedui::v1::VerificationRequest>> ReadApplications(
    const std::string& dir) {
  std::vector<hedui::v1::VerificationRequest> requests;
  absl::Status s =
      ForEachJsonLine(dir + "/applications.jsonl",
                      [&requests](const Json& json, const std::string& where) {
                        Fields f(json, where);
                        ReadApplication(f, &requests.emplace_back());
                        return f.Finish();
                      });
  if (!s.ok()) return s;
  return requests;
}

absl::StatusOr<std::vector<Label>> ReadLabels(const std::string& dir) {
  std::vector<Label> labels;
  absl::Status s =
      ForEachJsonLine(dir + "/labels.jsonl",
                      [&labels](const Json& json, const std::string& where) {
                        Fields f(json, where);
                        ReadLabel(f, &labels.emplace_back());
                        return f.Finish();
                      });
  if (!s.ok()) return s;
  return labels;
}

}  // namespace hedui::county
