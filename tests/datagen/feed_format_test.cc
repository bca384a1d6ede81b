// The generated feeds follow deploy/feeds/README.md: read from the README
// itself (headers, key columns, enum codes), not from the generator.

#include <iconv.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"
#include "tests/datagen/county_reader.h"

namespace hedui::datagen::testing {
namespace {

struct Schema {
  std::vector<std::string> columns;
  std::vector<bool> key;
};

// "| `TAX` | **person_id**, **period**, income_type, ... |"
std::map<std::string, Schema> ReadmeSchemas(const std::string& readme) {
  std::map<std::string, Schema> schemas;
  static const std::regex row(R"(^\| `([A-Z_]+)` \| (.+) \|\s*$)");
  for (absl::string_view line : absl::StrSplit(readme, '\n')) {
    std::smatch m;
    const std::string text(line);
    if (!std::regex_match(text, m, row)) continue;
    Schema schema;
    for (absl::string_view column : absl::StrSplit(m[2].str(), ',')) {
      column = absl::StripAsciiWhitespace(column);
      const bool key = absl::ConsumePrefix(&column, "**") &&
                       absl::ConsumeSuffix(&column, "**");
      schema.columns.emplace_back(column);
      schema.key.push_back(key);
    }
    schemas[m[1].str()] = schema;
  }
  return schemas;
}

// "- `benefit_type`: `EMPLOYEE_PENSION`, ..." and "registration `status`: ..."
// → codes by "qualifier column" ("registration status", "benefit_type").
std::map<std::string, std::set<std::string>> ReadmeEnums(
    const std::string& readme) {
  const size_t start = readme.find("Enum codes:");
  const size_t end = readme.find("`examples/`", start);
  std::string section = readme.substr(start, end - start);
  section = absl::StrReplaceAll(section, {{"\n", " "}});
  std::map<std::string, std::set<std::string>> enums;
  static const std::regex list(
      R"((?:([a-z]+) )?`([a-z_]+)`: ((?:`[A-Z0-9_]+`(?:,\s*)?)+))");
  static const std::regex code(R"(`([A-Z0-9_]+)`)");
  for (std::sregex_iterator it(section.begin(), section.end(), list), done;
       it != done; ++it) {
    const std::string qualifier = (*it)[1].str();
    const std::string name = qualifier.empty() || (*it)[2].str() != "status"
                                 ? (*it)[2].str()
                                 : qualifier + " " + (*it)[2].str();
    const std::string codes = (*it)[3].str();
    for (std::sregex_iterator c(codes.begin(), codes.end(), code); c != done;
         ++c) {
      enums[name].insert((*c)[1].str());
    }
  }
  return enums;
}

std::string Readme() {
  auto text =
      ReadFile(absl::StrCat(HEDUI_SOURCE_DIR, "/deploy/feeds/README.md"));
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

std::string EnumKey(const std::string& department, const std::string& column) {
  if (column != "status") return column;
  if (department == "HOUSEHOLD_REGISTRATION") return "registration status";
  if (department == "MARRIAGE") return "marriage status";
  if (department == "BUSINESS") return "business status";
  return "enrollment status";
}

// A non-negative decimal with at most `decimals` fraction digits.
bool IsMoney(absl::string_view s, size_t decimals) {
  const size_t dot = s.find('.');
  const absl::string_view whole = s.substr(0, dot);
  const absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : s.substr(dot + 1);
  auto digits = [](absl::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
  };
  return digits(whole) && (dot == absl::string_view::npos ||
                           (digits(fraction) && fraction.size() <= decimals));
}

TEST(FeedFormatTest, ReadmeParses) {
  const auto schemas = ReadmeSchemas(Readme());
  EXPECT_EQ(schemas.size(), 13u);
  const auto enums = ReadmeEnums(Readme());
  EXPECT_EQ(enums.at("relation_to_head").size(), 9u);
  EXPECT_EQ(enums.at("registration status").size(), 5u);
  EXPECT_EQ(enums.at("benefit_type").size(), 7u);
  EXPECT_EQ(enums.at("business status").size(), 3u);
  EXPECT_EQ(enums.at("program").size(), 7u);
}

TEST(FeedFormatTest, HeadersColumnsAndTypesFollowTheReadme) {
  const County& county = DefaultCounty();
  const auto schemas = ReadmeSchemas(Readme());
  const auto enums = ReadmeEnums(Readme());
  ASSERT_EQ(county.tables.size(), 13u);
  for (const auto& [department, table] : county.tables) {
    SCOPED_TRACE(department);
    ASSERT_TRUE(schemas.count(department));
    const Schema& schema = schemas.at(department);
    EXPECT_EQ(table.header, schema.columns);
    EXPECT_TRUE(table.bad_rows.empty())
        << "first bad line " << table.bad_rows[0];
    EXPECT_GT(table.rows(), 0u);
    EXPECT_TRUE(absl::EndsWith(table.text, "\n"));
    EXPECT_EQ(table.text.find('"'), std::string::npos) << "no field is quoted";
    EXPECT_EQ(table.text.find("\n\n"), std::string::npos) << "no empty line";
    EXPECT_EQ(table.text.find('\r'), std::string::npos);

    absl::CivilDay as_of;
    for (const auto& d : county.manifest["departments"]) {
      if (d["department"] == department)
        as_of = *ParseCivilDay(d["as_of"].get<std::string>());
    }
    absl::flat_hash_set<std::string> keys;
    int errors = 0;
    for (size_t r = 0; r < table.rows() && errors < 5; ++r) {
      std::string key;
      for (size_t c = 0; c < table.columns; ++c) {
        const std::string& column = schema.columns[c];
        const absl::string_view v = table.at(r, c);
        if (schema.key[c]) absl::StrAppend(&key, v, "|");
        bool ok =
            !v.empty() && v.size() <= 128 && v == absl::StripAsciiWhitespace(v);
        if (column == "person_id" || column == "spouse_id") {
          ok = ok && ValidateResidentId(v, column).ok();
        } else if (absl::EndsWith(column, "_yuan") || column == "area_m2") {
          ok = ok && IsMoney(v, 2);
        } else if (column == "share") {
          ok = ok && IsMoney(v, 4) && v != "0" &&
               (v == "1" || absl::StartsWith(v, "0."));
        } else if (column == "period") {
          ok = ok && ParseCivilMonth(v).ok() &&
               *ParseCivilMonth(v) <= absl::CivilMonth(as_of);
        } else if (column == "date" || column == "date_of_death" ||
                   column == "pay_date" || column == "acquired" ||
                   column == "registered" || column == "balance_date" ||
                   column == "since") {
          // Nothing in a snapshot is dated after its as-of.
          ok = ok && ParseCivilDay(v).ok() && *ParseCivilDay(v) <= as_of;
        } else if (column == "grade") {
          ok = ok && v.size() == 1 && v[0] >= '1' && v[0] <= '4';
        } else if (column == "region_code") {
          ok = ok && (v == "320581" || v == "320582");
        } else if (enums.count(EnumKey(department, column))) {
          ok =
              ok && enums.at(EnumKey(department, column)).count(std::string(v));
        }
        if (!ok) {
          ADD_FAILURE() << "row " << r + 2 << " column " << column << ": '" << v
                        << "'";
          ++errors;
        }
      }
      EXPECT_TRUE(keys.insert(key).second)
          << "duplicate key at row " << r + 2 << ": " << key;
    }
  }
}

TEST(FeedFormatTest, EveryPersonIsRegisteredOnceWithAUniqueValidId) {
  const County& county = DefaultCounty();
  const Table& hr = county.table("HOUSEHOLD_REGISTRATION");
  EXPECT_EQ(static_cast<int64_t>(hr.rows()),
            county.manifest["residents"].get<int64_t>());
  EXPECT_EQ(hr.by_person.size(), hr.rows()) << "person IDs are unique";
  const int region = hr.column("region_code");
  for (size_t r = 0; r < hr.rows(); ++r) {
    // The ID's region prefix is the region of registration.
    ASSERT_EQ(hr.at(r, 0).substr(0, 6), hr.at(r, region)) << hr.at(r, 0);
  }
  for (const auto& [department, table] : county.tables) {
    for (const auto& [person, rows] : table.by_person) {
      ASSERT_TRUE(hr.by_person.contains(person)) << department << " " << person;
    }
  }
  const Table& marriage = county.table("MARRIAGE");
  for (size_t r = 0; r < marriage.rows(); ++r) {
    ASSERT_TRUE(hr.by_person.contains(marriage.at(r, 1)));
  }
}

TEST(FeedFormatTest, MarriagesAreMirroredAndDeathsMatchRegistration) {
  const County& county = DefaultCounty();
  const Table& marriage = county.table("MARRIAGE");
  absl::flat_hash_set<std::string> events;
  for (size_t r = 0; r < marriage.rows(); ++r) {
    events.insert(absl::StrCat(marriage.at(r, 0), marriage.at(r, 1),
                               marriage.at(r, 2), marriage.at(r, 3)));
  }
  for (size_t r = 0; r < marriage.rows(); ++r) {
    ASSERT_TRUE(
        events.contains(absl::StrCat(marriage.at(r, 1), marriage.at(r, 0),
                                     marriage.at(r, 2), marriage.at(r, 3))))
        << "row " << r + 2;
  }
  const Table& hr = county.table("HOUSEHOLD_REGISTRATION");
  const Table& death = county.table("DEATH");
  const int status = hr.column("status");
  size_t deceased = 0;
  for (size_t r = 0; r < hr.rows(); ++r) {
    if (hr.at(r, status) != "DECEASED") continue;
    ++deceased;
    EXPECT_EQ(death.OfPerson(hr.at(r, 0)).size(), 1u) << hr.at(r, 0);
  }
  EXPECT_EQ(deceased, death.rows());
  // Some of every registration status.
  std::set<std::string> statuses;
  for (size_t r = 0; r < hr.rows(); ++r)
    statuses.insert(std::string(hr.at(r, status)));
  EXPECT_EQ(statuses.size(), 5u);
}

TEST(FeedFormatTest, Gb18030CopyDecodesToTheUtf8File) {
  const County& county = DefaultCounty();
  const auto& extra = county.manifest["extra_files"];
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_EQ(extra[0]["encoding"], "GB18030");
  auto gb = ReadFile(
      absl::StrCat(county.dir, "/", extra[0]["file"].get<std::string>()));
  ASSERT_TRUE(gb.ok());
  const std::string& utf8 = county.table("HOUSEHOLD_REGISTRATION").text;
  EXPECT_NE(*gb, utf8) << "names are re-encoded";
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string decoded(gb->size() * 2, '\0');
  char* in = gb->data();
  size_t in_left = gb->size();
  char* out = decoded.data();
  size_t out_left = decoded.size();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  decoded.resize(decoded.size() - out_left);
  EXPECT_TRUE(decoded == utf8);
}

TEST(FeedFormatTest, ManifestListsEveryFileInIngestOrder) {
  const County& county = DefaultCounty();
  const auto& m = county.manifest;
  const std::vector<std::string> order = {"HOUSEHOLD_REGISTRATION",
                                          "MARRIAGE",
                                          "DEATH",
                                          "SOCIAL_INSURANCE",
                                          "BENEFITS",
                                          "TAX",
                                          "HOUSING_FUND",
                                          "REAL_ESTATE",
                                          "VEHICLES",
                                          "BUSINESS",
                                          "FINANCIAL_ASSETS",
                                          "DISABILITY",
                                          "ASSISTANCE_ENROLLMENT"};
  ASSERT_EQ(m["departments"].size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& d = m["departments"][i];
    EXPECT_EQ(d["department"], order[i]);
    std::string lower = order[i];
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    EXPECT_EQ(d["file"], lower + ".csv");
    EXPECT_EQ(d["rows"].get<size_t>(), county.table(order[i]).rows());
    EXPECT_TRUE(ParseCivilDay(d["as_of"].get<std::string>()).ok());
  }
  EXPECT_EQ(m["seed"].get<uint64_t>(), 20261103u);
  EXPECT_EQ(m["applications"], 6586);
}

}  // namespace
}  // namespace hedui::datagen::testing
