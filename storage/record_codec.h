#ifndef HEDUI_STORAGE_RECORD_CODEC_H_
#define HEDUI_STORAGE_RECORD_CODEC_H_

#include "absl/strings/string_view.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::storage {

// Parses a stored record value of `department` into the matching repeated
// field of `person`. False when the bytes do not parse or the department is
// unknown.
bool AppendRecord(hedui::v1::Department department, absl::string_view value,
                  hedui::store::v1::PersonRecords* person);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_RECORD_CODEC_H_
