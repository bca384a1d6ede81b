#ifndef HEDUI_TESTS_DATAGEN_LABEL_CHECKER_H_
#define HEDUI_TESTS_DATAGEN_LABEL_CHECKER_H_

// Test-only: re-derives every label of a generated county from its files
// with plain arithmetic of its own. It shares nothing with the generator but
// the example policy's constants, so a label that its data does not support
// is caught here.

#include <string>
#include <vector>

#include "tests/datagen/county_reader.h"

namespace hedui::datagen::testing {

struct LabelCheckStats {
  int applications = 0;
  int income_checked = 0;
  int assets_checked = 0;
  int boundaries_checked = 0;
  int duplicates_checked = 0;  // labels with DUPLICATE_ENROLLMENT
  int duplicates_review = 0;   // of which REVIEW
};

// One message per disagreement between a label and the data (none: all
// consistent).
std::vector<std::string> CheckLabels(const County& county,
                                     LabelCheckStats* stats = nullptr);

}  // namespace hedui::datagen::testing

#endif  // HEDUI_TESTS_DATAGEN_LABEL_CHECKER_H_
