#ifndef HEDUI_SERVER_ENGINE_POLICY_POLICY_NODE_H_
#define HEDUI_SERVER_ENGINE_POLICY_POLICY_NODE_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "server/engine/policy/policy_error.h"

namespace hedui::engine {

// A message inside a policy, with its field path and, when the policy was read
// from text, the parser's record of where each of its fields was written: the
// semantic checks use it so that every error names the line to edit.
class PolicyNode {
 public:
  // The whole policy. `locations` may be null (a policy built in code): every
  // position is then unknown (0).
  PolicyNode(const google::protobuf::Descriptor* type,
             const google::protobuf::TextFormat::ParseInfoTree* locations);

  // The message held in `field` (`index` for a repeated field, else -1).
  PolicyNode Child(absl::string_view field, int index = -1) const;

  // "regions[0].standards[1]" + "." + field ("[index]" when repeated).
  std::string Path(absl::string_view field, int index = -1) const;

  // An error about `field` of this message. It points at the field's value;
  // at this message's own start when the field was not written (that is where
  // it must be added).
  PolicyError Error(absl::string_view field, int index,
                    std::string problem) const;
  // An error about this message as a whole.
  PolicyError Error(std::string problem) const;

  int line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  PolicyNode(const google::protobuf::Descriptor* type,
             const google::protobuf::TextFormat::ParseInfoTree* locations,
             std::string path, int line, int column);

  // 1-based line and column of the field's `index`-th value, or of this
  // message when the text does not have it.
  std::pair<int, int> Position(const google::protobuf::FieldDescriptor* field,
                               int index) const;

  const google::protobuf::Descriptor* type_;
  const google::protobuf::TextFormat::ParseInfoTree* locations_;
  std::string path_;
  int line_;
  int column_;
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_POLICY_NODE_H_
