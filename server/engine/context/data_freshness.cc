#include "server/engine/context/data_freshness.h"

#include <algorithm>
#include <optional>

#include "server/engine/context/proto_dates.h"

namespace hedui::engine {

using hedui::v1::DepartmentData;

DataFreshness::DataFreshness(const hedui::store::v1::RecordSet& records,
                             absl::CivilDay day, const PolicyValues* max_age) {
  for (int d = 0; d < hedui::v1::Department_ARRAYSIZE; ++d) {
    data_[d].set_department(static_cast<hedui::v1::Department>(d));
    data_[d].set_state(DepartmentData::MISSING);
  }
  for (const auto& department : records.departments()) {
    const int d = department.department();
    if (d <= 0 || d >= hedui::v1::Department_ARRAYSIZE) continue;
    DepartmentData& data = data_[d];
    *data.mutable_as_of() = department.as_of();
    // Data dated after the verification day (a backdated verification, the
    // records read being those held today) is not older than that day: its
    // age is 0 and it is fresh (domain.md §6). The as-of date is shown as it
    // is, and records for months after the look-back window are outside it.
    const int age =
        std::max(0, static_cast<int>(day - ToCivilDay(department.as_of())));
    data.set_age_days(age);
    std::optional<int> max_days;
    if (max_age != nullptr)
      max_days = max_age->MaxDataAgeDays(department.department());
    if (max_days) data.set_max_age_days(*max_days);
    const bool stale = max_days && age > *max_days;
    data.set_state(stale ? DepartmentData::STALE : DepartmentData::FRESH);
  }
}

bool DataFreshness::Usable(hedui::v1::Department department) const {
  return data_[department].state() == DepartmentData::FRESH;
}

std::vector<hedui::v1::Department> DataFreshness::Unusable(
    std::initializer_list<hedui::v1::Department> departments) const {
  std::vector<hedui::v1::Department> out;
  for (hedui::v1::Department d : departments) {
    if (!Usable(d)) out.push_back(d);
  }
  return out;
}

absl::CivilDay DataFreshness::AsOf(hedui::v1::Department department) const {
  return ToCivilDay(data_[department].as_of());
}

}  // namespace hedui::engine
