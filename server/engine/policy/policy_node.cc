#include "server/engine/policy/policy_node.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hedui::engine {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

PolicyNode::PolicyNode(const Descriptor* type, const ParseInfoTree* locations)
    // The root message starts where the file does: a field missing at the top
    // level is reported at 1:1.
    : PolicyNode(type, locations, "", locations != nullptr ? 1 : 0,
                 locations != nullptr ? 1 : 0) {}

PolicyNode::PolicyNode(const Descriptor* type, const ParseInfoTree* locations,
                       std::string path, int line, int column)
    : type_(type),
      locations_(locations),
      path_(std::move(path)),
      line_(line),
      column_(column) {}

std::string PolicyNode::Path(absl::string_view field, int index) const {
  std::string path =
      path_.empty() ? std::string(field) : absl::StrCat(path_, ".", field);
  if (index >= 0) absl::StrAppend(&path, "[", index, "]");
  return path;
}

std::pair<int, int> PolicyNode::Position(const FieldDescriptor* field,
                                         int index) const {
  if (locations_ == nullptr || field == nullptr) return {line_, column_};
  if (!field->is_repeated()) {
    const google::protobuf::TextFormat::ParseLocation location =
        locations_->GetLocation(field, -1);
    if (location.line >= 0) return {location.line + 1, location.column + 1};
    return {line_, column_};
  }
  // A repeated field as a whole is where its first value is. The parser
  // records one location for a list written as "[A, B, C]": a later value of
  // the list is where the list is.
  for (int i = index < 0 ? 0 : index; i >= 0; --i) {
    const google::protobuf::TextFormat::ParseLocation location =
        locations_->GetLocation(field, i);
    if (location.line >= 0) return {location.line + 1, location.column + 1};
  }
  return {line_, column_};
}

PolicyNode PolicyNode::Child(absl::string_view field_name, int index) const {
  const FieldDescriptor* field =
      type_->FindFieldByName(std::string(field_name));
  const Descriptor* type = field != nullptr ? field->message_type() : nullptr;
  const ParseInfoTree* nested =
      locations_ != nullptr && type != nullptr
          ? locations_->GetTreeForNested(field,
                                         field->is_repeated() ? index : -1)
          : nullptr;
  const std::pair<int, int> position = Position(field, index);
  // Without a nested tree (a message not written in the text) there is no
  // better place than this one; keep `locations_` null there so that its
  // fields fall back to the message's position.
  return PolicyNode(type != nullptr ? type : type_, nested,
                    Path(field_name, index), position.first, position.second);
}

PolicyError PolicyNode::Error(absl::string_view field_name, int index,
                              std::string problem) const {
  const FieldDescriptor* field =
      type_->FindFieldByName(std::string(field_name));
  const std::pair<int, int> position = Position(field, index);
  return PolicyError{position.first, position.second, Path(field_name, index),
                     std::move(problem)};
}

PolicyError PolicyNode::Error(std::string problem) const {
  return PolicyError{line_, column_, path_.empty() ? "policy" : path_,
                     std::move(problem)};
}

}  // namespace hedui::engine
