#ifndef HEDUI_SERVER_ENGINE_CONTEXT_PROTO_DATES_H_
#define HEDUI_SERVER_ENGINE_CONTEXT_PROTO_DATES_H_

#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::engine {

// Dates of stored records and of validated requests are valid by
// construction, so the engine converts them without re-validating (absl
// normalises anything else instead of failing).
inline absl::CivilDay ToCivilDay(const hedui::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}
inline absl::CivilMonth ToCivilMonth(const hedui::v1::YearMonth& month) {
  return absl::CivilMonth(month.year(), month.month());
}

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_CONTEXT_PROTO_DATES_H_
