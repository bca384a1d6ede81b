#include "server/ops/store_check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/types/civil_date.h"

namespace hedui::server {

absl::StatusOr<std::string> CheckStore(storage::Store& store) {
  if (absl::Status s = store.VerifyChecksums(); !s.ok()) return s;
  auto states = store.ListDepartments();
  if (!states.ok()) return states.status();
  auto counts = store.CountAllRecords();
  if (!counts.ok()) return counts.status();
  std::string report = "every table's checksums: ok\n";
  std::string problems;
  for (const auto& state : *states) {
    const auto& current = state.current();
    const auto key =
        std::make_pair(static_cast<int>(state.department()),
                       static_cast<uint32_t>(current.generation()));
    const int64_t found = counts->count(key) ? counts->at(key) : 0;
    auto as_of = FromProto(current.as_of(), "as_of");
    absl::StrAppend(
        &report, absl::StrFormat(
                     "%-24s generation %-4d as-of %s rows %d found %d %s\n",
                     hedui::v1::Department_Name(state.department()),
                     current.generation(),
                     as_of.ok() ? FormatCivilDay(*as_of) : "?", current.rows(),
                     found, found == current.rows() ? "ok" : "MISMATCH"));
    if (found != current.rows()) {
      absl::StrAppend(&problems, " ",
                      hedui::v1::Department_Name(state.department()));
    }
  }
  if (!problems.empty()) {
    return absl::DataLossError(
        absl::StrCat(report, "snapshots not whole:", problems));
  }
  return report;
}

}  // namespace hedui::server
