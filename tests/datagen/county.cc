#include "tests/datagen/county.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/types/resident_id.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

// Characters of unified social credit codes (GB 32100 leaves out I, O, S, V,
// Z) and of plates (no I or O).
constexpr absl::string_view kCreditCodeChars =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr absl::string_view kPlateChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// `value` in `width` characters of `alphabet`, after a multiplicative
// scramble that is a bijection modulo alphabet^width (the multiplier is
// coprime with the alphabet size), so consecutive counters do not look
// consecutive but never collide.
std::string Scrambled(int64_t value, absl::string_view alphabet, int width) {
  const int64_t base = static_cast<int64_t>(alphabet.size());
  int64_t modulus = 1;
  for (int i = 0; i < width; ++i) modulus *= base;
  __int128 scrambled = static_cast<__int128>(value % modulus) * 7919 % modulus;
  int64_t v = static_cast<int64_t>(scrambled);
  std::string out(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = alphabet[static_cast<size_t>(v % base)];
    v /= base;
  }
  return out;
}

int RegionIndex(absl::string_view region) { return region == "320582" ? 1 : 0; }

}  // namespace

int Person::AgeOn(absl::CivilDay day) const { return hedui::AgeOn(birth, day); }

Person County::NewPerson(Rng& rng, absl::string_view region,
                         absl::CivilDay birth, bool male,
                         absl::string_view surname) {
  int region_number = 0;
  (void)absl::SimpleAtoi(region, &region_number);
  // Sequence numbers are handed out in a scrambled order (a bijection of
  // 0..498 by 37) so that IDs do not all end in 001, 003, …
  while (true) {
    const uint64_t key =
        (static_cast<uint64_t>(region_number) << 32) |
        (static_cast<uint64_t>(birth - absl::CivilDay(1900, 1, 1)) << 1) |
        (male ? 1 : 0);
    int& used = sequences_[key];
    if (used < 499) {
      const int slot = (used * 37 + static_cast<int>(key % 499)) % 499;
      ++used;
      const int sequence = male ? 2 * slot + 1 : 2 * slot + 2;
      const std::string first17 =
          absl::StrFormat("%s%04d%02d%02d%03d", region, birth.year(),
                          birth.month(), birth.day(), sequence);
      Person person;
      person.id = absl::StrCat(
          first17, std::string(1, ResidentIdCheckCharacter(first17)));
      person.surname =
          surname.empty() ? RandomSurname(rng) : std::string(surname);
      person.name = absl::StrCat(person.surname, RandomGivenName(rng, male));
      person.birth = birth;
      person.male = male;
      return person;
    }
    birth += 1;
  }
}

void County::Register(const Person& person, absl::string_view household_number,
                      store::RelationToHead relation, absl::string_view region,
                      bool urban, store::RegistrationStatus status) {
  feeds_->Registration(person.id, person.name, household_number, relation,
                       region, urban, status);
  ++residents_;
}

std::string County::NewHouseholdNumber(absl::string_view region) {
  return absl::StrFormat("%s%07d", region, ++households_);
}

std::string County::NewPropertyId(absl::string_view region, int year) {
  return absl::StrFormat("苏(%d)%s不动产权第%07d号", year, CityName(region),
                         ++properties_);
}

std::string County::NewPlate(store::VehicleType type) {
  if (type == store::E_BIKE) {
    return absl::StrCat("苏E电", Scrambled(++e_bike_plates_, "0123456789", 6));
  }
  return absl::StrCat("苏E", Scrambled(++plates_, kPlateChars, 5));
}

std::string County::NewEnterpriseId(absl::string_view region,
                                    store::EnterpriseType type) {
  const char* prefix = type == store::INDIVIDUAL_BUSINESS   ? "92"
                       : type == store::FARMERS_COOPERATIVE ? "93"
                                                            : "91";
  return absl::StrCat(prefix, region,
                      Scrambled(++enterprises_, kCreditCodeChars, 10));
}

std::string County::NewAccount(store::FinancialAssetType type) {
  ++accounts_;
  switch (type) {
    case store::SECURITIES:
      return absl::StrFormat("A****%07d", accounts_);
    case store::INSURANCE_CASH_VALUE:
      return absl::StrFormat("P****%09d", accounts_);
    default:
      return absl::StrFormat("6217****%08d", accounts_);
  }
}

const std::string& County::RandomEmployer(Rng& rng, absl::string_view region) {
  std::vector<std::string>& pool = employers_[RegionIndex(region)];
  if (pool.empty()) {
    // 3,000 employers per region: enough that a county's employers are not
    // all household names, few enough that each has many employees.
    for (int i = 0; i < 3000; ++i) {
      pool.push_back(NewEnterpriseId(region, store::COMPANY));
    }
  }
  return pool[static_cast<size_t>(
      rng.Uniform(0, static_cast<int64_t>(pool.size()) - 1))];
}

}  // namespace hedui::datagen
