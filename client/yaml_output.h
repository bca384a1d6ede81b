#ifndef HEDUI_CLIENT_YAML_OUTPUT_H_
#define HEDUI_CLIENT_YAML_OUTPUT_H_

#include <ostream>
#include <streambuf>
#include <string>

#include "absl/strings/string_view.h"

namespace hedui::cli {

// `--output yaml` is the JSON output rendered as YAML, so the two can never
// show different data: every command prints JSON lines as for
// `--output json`, and this turns each line into one YAML document.

// One JSON value as a block-style YAML document (no "---", ends in a
// newline). Key order is kept; every string is double-quoted, so "0", "no"
// or "2026-11-03" stay strings; numbers, booleans and null are written as
// in the JSON. Text that is not JSON is returned unchanged.
std::string JsonToYaml(absl::string_view json);

// A stream that passes each line written to it through JsonToYaml() to
// `target`, with "---" between documents; a line that is not JSON is passed
// on unchanged. Lines are forwarded as they are
// completed, so `verify --batch` results still appear as they arrive.
class YamlLineBuffer : public std::streambuf {
 public:
  explicit YamlLineBuffer(std::ostream* target) : target_(target) {}
  // Writes a last line that did not end in a newline.
  void Finish();

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void EmitLine();

  std::ostream* target_;
  std::string line_;
  bool first_document_ = true;
};

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_YAML_OUTPUT_H_
