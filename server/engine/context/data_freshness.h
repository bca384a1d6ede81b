#ifndef HEDUI_SERVER_ENGINE_CONTEXT_DATA_FRESHNESS_H_
#define HEDUI_SERVER_ENGINE_CONTEXT_DATA_FRESHNESS_H_

#include <array>
#include <initializer_list>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "server/engine/policy/policy_values.h"

namespace hedui::engine {

// Each department's data as the evaluation sees it (domain.md §1 "missing is
// not zero", §6: stale when the age is greater than the maximum; data dated
// after the verification date is fresh, with age 0).
class DataFreshness {
 public:
  // `max_age` may be null (no policy for the household): every department
  // with data then counts as fresh for its age, and a rule needing the
  // policy is unknown on its own account.
  DataFreshness() = default;
  DataFreshness(const hedui::store::v1::RecordSet& records, absl::CivilDay day,
                const PolicyValues* max_age);

  // Present and not stale.
  bool Usable(hedui::v1::Department department) const;
  // Those of `departments` that are missing or stale, in the order given.
  std::vector<hedui::v1::Department> Unusable(
      std::initializer_list<hedui::v1::Department> departments) const;
  // The as-of date of a department with data (the epoch day when missing).
  absl::CivilDay AsOf(hedui::v1::Department department) const;
  const hedui::v1::DepartmentData& Data(
      hedui::v1::Department department) const {
    return data_[department];
  }

 private:
  std::array<hedui::v1::DepartmentData, hedui::v1::Department_ARRAYSIZE> data_;
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_CONTEXT_DATA_FRESHNESS_H_
