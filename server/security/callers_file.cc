#include "server/security/callers_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "storage/types/small_file.h"

namespace hedui::security {
namespace {

namespace pb = hedui::config::v1;
using google::protobuf::FieldDescriptor;
using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

// A callers file lists tens of callers; anything this large is the wrong file.
constexpr size_t kMaxCallersBytes = 4 << 20;
constexpr size_t kMaxIdentityLength = 128;

// One problem, where the editor must look (the style of the policy loader's
// PolicyError, server/engine/policy/policy_error.h).
struct FileError {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
  std::string field;
  std::string problem;
};

class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(FileError{line + 1, column + 1, "text format", message});
  }
  std::vector<FileError> Take() { return std::move(errors_); }

 private:
  std::vector<FileError> errors_;
};

// Every error, in file order: a file edited by hand should not need one
// reload per mistake.
absl::Status ErrorsToStatus(absl::string_view file,
                            std::vector<FileError> errors) {
  std::stable_sort(
      errors.begin(), errors.end(), [](const FileError& a, const FileError& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      });
  std::vector<std::string> lines;
  for (const FileError& e : errors) {
    lines.push_back(e.line > 0
                        ? absl::StrCat(file, ":", e.line, ":", e.column, ": ",
                                       e.field, ": ", e.problem)
                        : absl::StrCat(file, ": ", e.field, ": ", e.problem));
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

// Where one `callers { }` entry and its fields were written.
class CallerPositions {
 public:
  CallerPositions(const ParseInfoTree* root, int index) {
    const FieldDescriptor* callers =
        pb::Callers::descriptor()->FindFieldByName("callers");
    if (root == nullptr) return;
    const auto start = root->GetLocation(callers, index);
    if (start.line >= 0) {
      line_ = start.line + 1;
      column_ = start.column + 1;
    }
    tree_ = root->GetTreeForNested(callers, index);
  }

  // The field's `index`-th value (-1: a singular field), or the entry itself
  // when the field is not written (that is where it must be added).
  std::pair<int, int> Of(absl::string_view field_name, int index) const {
    const FieldDescriptor* field =
        pb::Caller::descriptor()->FindFieldByName(std::string(field_name));
    if (tree_ == nullptr || field == nullptr) return {line_, column_};
    // The parser records one location for a list written "[A, B]": a later
    // value of the list is where the list is.
    if (!field->is_repeated()) {
      const auto location = tree_->GetLocation(field, -1);
      if (location.line >= 0) return {location.line + 1, location.column + 1};
      return {line_, column_};
    }
    for (int i = index < 0 ? 0 : index; i >= 0; --i) {
      const auto location = tree_->GetLocation(field, i);
      if (location.line >= 0) return {location.line + 1, location.column + 1};
    }
    return {line_, column_};
  }

  int line() const { return line_; }

 private:
  const ParseInfoTree* tree_ = nullptr;
  int line_ = 0;
  int column_ = 0;
};

// Certificate names are printable ASCII in practice; anything else in this
// file is a typo or an encoding accident that would never match.
absl::string_view IdentityProblem(absl::string_view identity) {
  if (identity.empty()) {
    return "required: the client certificate's Common Name";
  }
  if (identity.size() > kMaxIdentityLength) return "longer than 128 characters";
  for (char c : identity) {
    if (c < 0x20 || c > 0x7e) return "not printable ASCII";
  }
  if (absl::ascii_isspace(static_cast<unsigned char>(identity.front())) ||
      absl::ascii_isspace(static_cast<unsigned char>(identity.back()))) {
    return "begins or ends with a space";
  }
  return "";
}

class Validator {
 public:
  explicit Validator(const ParseInfoTree* locations) : locations_(locations) {}

  std::vector<Caller> Check(const pb::Callers& file) {
    if (file.callers_size() == 0) {
      errors_.push_back(FileError{locations_ != nullptr ? 1 : 0,
                                  locations_ != nullptr ? 1 : 0, "callers",
                                  "no callers: nobody could call the server"});
    }
    std::vector<Caller> callers;
    for (int i = 0; i < file.callers_size(); ++i) {
      callers.push_back(CheckCaller(file.callers(i), i));
    }
    return callers;
  }

  std::vector<FileError> TakeErrors() { return std::move(errors_); }

 private:
  void Error(const CallerPositions& at, int caller_index,
             absl::string_view field, int index, std::string problem) {
    const auto [line, column] = at.Of(field, index);
    std::string path = absl::StrCat("callers[", caller_index, "].", field);
    if (index >= 0) absl::StrAppend(&path, "[", index, "]");
    errors_.push_back(FileError{line, column, path, std::move(problem)});
  }

  Caller CheckCaller(const pb::Caller& entry, int i) {
    const CallerPositions at(locations_, i);
    Caller caller;
    caller.identity = entry.identity();
    caller.role = entry.role();

    const absl::string_view identity_problem =
        IdentityProblem(entry.identity());
    if (!identity_problem.empty()) {
      Error(at, i, "identity", -1, std::string(identity_problem));
    } else if (auto [it, added] = first_seen_.emplace(entry.identity(), i);
               !added) {
      const CallerPositions first(locations_, it->second);
      Error(
          at, i, "identity", -1,
          absl::StrCat(
              "duplicate identity \"", entry.identity(), "\": already callers[",
              it->second, "]",
              first.line() > 0 ? absl::StrCat(" at line ", first.line()) : ""));
    }

    const bool known_role = entry.role() == pb::PROGRAM_SYSTEM ||
                            entry.role() == pb::STAFF ||
                            entry.role() == pb::ADMIN;
    if (!known_role) {
      Error(at, i, "role", -1,
            entry.role() == pb::ROLE_UNSPECIFIED
                ? "required: PROGRAM_SYSTEM, STAFF or ADMIN"
                : absl::StrCat("unknown role ", static_cast<int>(entry.role()),
                               ": PROGRAM_SYSTEM, STAFF or ADMIN"));
    }

    std::vector<hedui::v1::Program> programs;
    for (int p = 0; p < entry.programs_size(); ++p) {
      const auto program = static_cast<hedui::v1::Program>(entry.programs(p));
      if (program == hedui::v1::PROGRAM_UNSPECIFIED ||
          !hedui::v1::Program_IsValid(program)) {
        Error(at, i, "programs", p,
              absl::StrCat("unknown program ", ProgramName(program)));
      } else if (std::find(programs.begin(), programs.end(), program) !=
                 programs.end()) {
        Error(at, i, "programs", p,
              absl::StrCat(ProgramName(program), " listed twice"));
      } else {
        programs.push_back(program);
      }
    }

    std::vector<std::string> regions;
    for (int r = 0; r < entry.region_codes_size(); ++r) {
      const std::string& code = entry.region_codes(r);
      if (!IsRegionCode(code)) {
        Error(at, i, "region_codes", r,
              absl::StrCat("\"", code, "\" is not a 6-digit county code"));
      } else if (std::find(regions.begin(), regions.end(), code) !=
                 regions.end()) {
        Error(at, i, "region_codes", r, absl::StrCat(code, " listed twice"));
      } else {
        regions.push_back(code);
      }
    }

    switch (entry.role()) {
      case pb::PROGRAM_SYSTEM:
        // A program system acts for named programs and counties only; "all"
        // would let one county's system query every county's residents.
        if (entry.programs_size() == 0) {
          Error(at, i, "programs", -1,
                "required for PROGRAM_SYSTEM: the programs it verifies for");
        }
        if (entry.region_codes_size() == 0) {
          Error(at, i, "region_codes", -1,
                "required for PROGRAM_SYSTEM: the counties it verifies for");
        }
        caller.programs = ProgramScope::Only(std::move(programs));
        caller.regions = RegionScope::Only(std::move(regions));
        break;
      case pb::STAFF:
        if (entry.region_codes_size() == 0) {
          Error(at, i, "region_codes", -1,
                "required for STAFF: the counties they serve (only ADMIN may "
                "leave it empty for every county)");
        }
        caller.programs = programs.empty()
                              ? ProgramScope::All()
                              : ProgramScope::Only(std::move(programs));
        caller.regions = RegionScope::Only(std::move(regions));
        break;
      case pb::ADMIN:
        caller.programs = programs.empty()
                              ? ProgramScope::All()
                              : ProgramScope::Only(std::move(programs));
        caller.regions = regions.empty()
                             ? RegionScope::All()
                             : RegionScope::Only(std::move(regions));
        break;
      default:
        break;  // reported above; the registry is not built
    }
    return caller;
  }

  const ParseInfoTree* locations_;
  std::vector<FileError> errors_;
  absl::flat_hash_map<std::string, int> first_seen_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const CallerRegistry>> LoadCallersText(
    absl::string_view text, absl::string_view file_name) {
  pb::Callers file;
  ParseInfoTree locations;
  ParseErrors parse_errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&parse_errors);
  parser.WriteLocationsTo(&locations);
  // The defaults refuse unknown fields and enum names, and a singular field
  // written twice: each would silently change who may do what.
  if (!parser.ParseFromString(std::string(text), &file)) {
    std::vector<FileError> errors = parse_errors.Take();
    if (errors.empty()) {
      errors.push_back(FileError{0, 0, "text format", "cannot be parsed"});
    }
    return ErrorsToStatus(file_name, std::move(errors));
  }
  Validator validator(&locations);
  std::vector<Caller> callers = validator.Check(file);
  std::vector<FileError> errors = validator.TakeErrors();
  if (!errors.empty()) return ErrorsToStatus(file_name, std::move(errors));
  return CallerRegistry::Create(std::move(callers));
}

absl::StatusOr<std::shared_ptr<const CallerRegistry>> LoadCallersFile(
    const std::string& path) {
  absl::StatusOr<std::string> text =
      ReadSmallFile(path, "callers file", kMaxCallersBytes);
  if (!text.ok()) return text.status();
  return LoadCallersText(*text, path);
}

}  // namespace hedui::security
