#ifndef HEDUI_TESTS_DATAGEN_COUNTY_H_
#define HEDUI_TESTS_DATAGEN_COUNTY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"
#include "tests/datagen/feed_writer.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

struct Person {
  std::string id;
  std::string name;
  std::string surname;
  absl::CivilDay birth;
  bool male = false;

  int AgeOn(absl::CivilDay day) const;
};

// What the applicant households and the general population share: unique
// identifiers of every kind, and the register of residents. Each resident
// gets exactly one household-registration row.
class County {
 public:
  explicit County(FeedWriter* feeds) : feeds_(feeds) {}

  FeedWriter& feeds() { return *feeds_; }

  // A person with a unique resident ID of `region`, born on `birth` (or, if
  // that day's 500 sequence numbers are used up, a later day). An empty
  // `surname` draws one.
  Person NewPerson(Rng& rng, absl::string_view region, absl::CivilDay birth,
                   bool male, absl::string_view surname = "");

  // Writes the person's household-registration row.
  void Register(
      const Person& person, absl::string_view household_number,
      hedui::store::v1::RelationToHead relation, absl::string_view region,
      bool urban,
      hedui::store::v1::RegistrationStatus status = hedui::store::v1::NORMAL);
  int64_t residents() const { return residents_; }

  std::string NewHouseholdNumber(absl::string_view region);
  // "苏(2019)常熟市不动产权第0001234号"
  std::string NewPropertyId(absl::string_view region, int year);
  std::string NewPlate(hedui::store::v1::VehicleType type);
  // A unified social credit code: 91 company, 92 individual business, 93
  // farmers' cooperative.
  std::string NewEnterpriseId(absl::string_view region,
                              hedui::store::v1::EnterpriseType type);
  std::string NewAccount(hedui::store::v1::FinancialAssetType type);
  // An employer's unified social credit code, from a fixed pool per region
  // (several residents work for the same employer).
  const std::string& RandomEmployer(Rng& rng, absl::string_view region);

 private:
  FeedWriter* feeds_;
  int64_t residents_ = 0;
  // Sequence numbers used, per (region, birth day, sex).
  absl::flat_hash_map<uint64_t, int> sequences_;
  int64_t households_ = 0;
  int64_t properties_ = 0;
  int64_t plates_ = 0;
  int64_t e_bike_plates_ = 0;
  int64_t enterprises_ = 0;
  int64_t accounts_ = 0;
  std::vector<std::string> employers_[2];
};

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_COUNTY_H_
