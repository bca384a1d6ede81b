#ifndef HEDUI_TESTS_DATAGEN_NAMES_H_
#define HEDUI_TESTS_DATAGEN_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// Chinese personal and organisation names (UTF-8), drawn from lists of
// common surnames and given-name characters. Names need not be unique:
// people are told apart by their resident ID.
std::string RandomSurname(Rng& rng);
std::string RandomGivenName(Rng& rng, bool male);

// "常熟市" or "张家港市" for the two example regions.
absl::string_view CityName(absl::string_view region);

// A trade name such as "恒达"; enterprise names are built around it.
std::string RandomTradeName(Rng& rng);

// A bank branch, securities firm or insurer of the region.
std::string RandomBank(Rng& rng, absl::string_view region);
std::string RandomBroker(Rng& rng);
std::string RandomInsurer(Rng& rng);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_NAMES_H_
