#include "tests/datagen/county_reader.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/datagen/generator.h"

namespace hedui::datagen::testing {

int Table::column(absl::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<size_t>& Table::OfPerson(absl::string_view person_id) const {
  static const auto* none = new std::vector<size_t>();
  const auto it = by_person.find(person_id);
  return it == by_person.end() ? *none : it->second;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"),
                                          &std::fclose);
  if (!f) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  return text;
}

absl::StatusOr<Table> ReadTable(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Table table;
  table.text = std::move(*text);
  absl::string_view rest = table.text;
  size_t line = 0;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const absl::string_view row = rest.substr(0, end);
    rest = end == absl::string_view::npos ? absl::string_view()
                                          : rest.substr(end + 1);
    ++line;
    std::vector<absl::string_view> fields = absl::StrSplit(row, ',');
    if (line == 1) {
      for (absl::string_view f : fields) table.header.emplace_back(f);
      table.columns = fields.size();
      continue;
    }
    if (fields.size() != table.columns) {
      table.bad_rows.push_back(line);
      continue;
    }
    table.by_person[fields[0]].push_back(table.rows());
    table.cells.insert(table.cells.end(), fields.begin(), fields.end());
  }
  return table;
}

absl::StatusOr<County> ReadCounty(const std::string& dir) {
  County county;
  county.dir = dir;
  absl::StatusOr<std::string> manifest =
      ReadFile(absl::StrCat(dir, "/manifest.json"));
  if (!manifest.ok()) return manifest.status();
  county.manifest = nlohmann::json::parse(*manifest);
  for (const auto& d : county.manifest["departments"]) {
    absl::StatusOr<Table> table =
        ReadTable(absl::StrCat(dir, "/", d["file"].get<std::string>()));
    if (!table.ok()) return table.status();
    county.tables.emplace(d["department"].get<std::string>(),
                          std::move(*table));
  }
  for (const char* name : {"applications.jsonl", "labels.jsonl"}) {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir, "/", name));
    if (!text.ok()) return text.status();
    auto& out = std::string(name) == "labels.jsonl" ? county.labels
                                                    : county.applications;
    for (absl::string_view line :
         absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
      out.push_back(nlohmann::json::parse(line));
    }
  }
  return county;
}

std::string NewTempDir(const std::string& name) {
  const std::string dir =
      absl::StrCat(::testing::TempDir(), "/hedui_datagen_", name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

const std::string& DefaultCountyDir() {
  static const auto* dir = [] {
    auto* d = new std::string(NewTempDir("default"));
    GeneratorOptions
        options;  // the defaults: seed, 100,000 residents, 6,586 applications
    options.out_dir = *d;
    const auto summary = GenerateCounty(options);
    if (!summary.ok()) {
      ADD_FAILURE() << summary.status();
    }
    return d;
  }();
  return *dir;
}

const County& DefaultCounty() {
  static const auto* county = [] {
    absl::StatusOr<County> c = ReadCounty(DefaultCountyDir());
    if (!c.ok()) {
      ADD_FAILURE() << c.status();
      return new County();
    }
    return new County(std::move(*c));
  }();
  return *county;
}

}  // namespace hedui::datagen::testing
