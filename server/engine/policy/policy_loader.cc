#include "server/engine/policy/policy_loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "hedui/policy/v1/policy.pb.h"
#include "server/engine/policy/policy_error.h"
#include "storage/types/small_file.h"

namespace hedui::engine {
namespace {

// A policy is a few kilobytes; anything this large is the wrong file.
constexpr size_t kMaxPolicyBytes = 16 << 20;

// Keeps the parser's errors (0-based positions) as PolicyErrors (1-based).
class ParseErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(
        PolicyError{line + 1, column + 1, "text format", message});
  }
  std::vector<PolicyError> Take() { return std::move(errors_); }

 private:
  std::vector<PolicyError> errors_;
};

}  // namespace

absl::StatusOr<Policy> LoadPolicyText(absl::string_view text,
                                      absl::string_view file_name) {
  hedui::policy::v1::Policy proto;
  google::protobuf::TextFormat::ParseInfoTree locations;
  ParseErrors parse_errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&parse_errors);
  parser.WriteLocationsTo(&locations);
  // The defaults already refuse unknown fields and enum names, and a singular
  // field written twice: each would silently drop a value the editor meant.
  if (!parser.ParseFromString(std::string(text), &proto)) {
    std::vector<PolicyError> errors = parse_errors.Take();
    if (errors.empty()) {
      errors.push_back(PolicyError{0, 0, "text format", "cannot be parsed"});
    }
    return PolicyErrorsToStatus(file_name, std::move(errors));
  }
  return Policy::FromProto(std::move(proto), file_name, &locations);
}

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path) {
  absl::StatusOr<std::string> text =
      ReadSmallFile(path, "policy file", kMaxPolicyBytes);
  if (!text.ok()) return text.status();
  return LoadPolicyText(*text, path);
}

}  // namespace hedui::engine
