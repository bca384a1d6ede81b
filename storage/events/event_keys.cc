#include "storage/events/event_keys.h"

#include <utility>

#include "storage/service_log_keys.h"

namespace hedui::storage {

std::string EventKey(uint64_t number) {
  std::string key(1, kEventTag);
  AppendBigEndian64(number, &key);
  return key;
}

std::optional<uint64_t> DecodeEventKey(absl::string_view key) {
  if (key.size() != 9 || key[0] != kEventTag) return std::nullopt;
  return ReadBigEndian64(key.substr(1));
}

std::string EventByCountyPrefix(hedui::v1::Program program,
                                absl::string_view region) {
  std::string key(1, kEventByCountyTag);
  key.push_back(static_cast<char>(program));
  key.append(region.data(), region.size());
  return key;
}

std::string EventByEntryPrefix(absl::string_view entry_id) {
  std::string key(1, kEventByEntryTag);
  key.append(entry_id.data(), entry_id.size());
  return key;
}

std::string EventByDayPrefix(uint32_t yyyymmdd) {
  std::string key(1, kEventByDayTag);
  AppendBigEndian32(yyyymmdd, &key);
  return key;
}

std::string RefusedReverificationPrefix(uint32_t yyyymmdd) {
  std::string key(1, kRefusedReverificationTag);
  AppendBigEndian32(yyyymmdd, &key);
  return key;
}

std::string RefusedReverificationKey(uint32_t yyyymmdd, uint64_t sequence) {
  std::string key = RefusedReverificationPrefix(yyyymmdd);
  AppendBigEndian64(sequence, &key);
  return key;
}

std::string EventNumberFloorKey() {
  return std::string(1, kEventNumberFloorTag);
}

std::optional<uint64_t> IndexedNumber(absl::string_view key,
                                      size_t prefix_bytes) {
  if (key.size() != prefix_bytes + 8) return std::nullopt;
  return ReadBigEndian64(key.substr(prefix_bytes));
}

std::vector<std::pair<std::string, std::string>> EventIndexEntries(
    const hedui::v1::ChangeEvent& event) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (event.region_code().size() == kEventRegionBytes) {
    std::string key = EventByCountyPrefix(event.program(), event.region_code());
    AppendBigEndian64(event.number(), &key);
    entries.emplace_back(std::move(key), std::string());
  }
  if (event.entry_id().size() == kEventEntryIdBytes) {
    std::string key = EventByEntryPrefix(event.entry_id());
    AppendBigEndian64(event.number(), &key);
    entries.emplace_back(std::move(key), std::string());
  }
  std::string key = EventByDayPrefix(DateNumber(event.occurred_on()));
  AppendBigEndian64(event.number(), &key);
  entries.emplace_back(std::move(key),
                       EventStatsView(event).SerializeAsString());
  return entries;
}

hedui::v1::ChangeEvent EventStatsView(const hedui::v1::ChangeEvent& event) {
  hedui::v1::ChangeEvent view;
  view.set_number(event.number());
  view.set_kind(event.kind());
  view.set_trigger(event.trigger());
  view.set_program(event.program());
  view.set_region_code(event.region_code());
  view.set_entry_id(event.entry_id());
  *view.mutable_occurred_on() = event.occurred_on();
  for (const hedui::v1::CriterionChange& change : event.criteria()) {
    hedui::v1::CriterionChange* kept = view.add_criteria();
    kept->set_criterion(change.criterion());
    kept->set_before(change.before());
    kept->set_after(change.after());
  }
  if (event.has_resolution()) {
    view.mutable_resolution()->set_outcome(event.resolution().outcome());
  }
  return view;
}

}  // namespace hedui::storage
