#include "client/amount_text.h"

#include <limits>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "client/text_table.h"
#include "client/zh_names.h"

namespace hedui::cli {
namespace {

using Unit = hedui::v1::Quantity::Unit;

// Toward minus infinity, in 128 bits so numerator × scale cannot overflow;
// false when the result does not fit 64 bits.
bool FloorDivide(int64_t numerator, int64_t scale, int64_t denominator,
                 int64_t* out) {
  const absl::int128 n = absl::int128(numerator) * scale;
  absl::int128 q = n / denominator;
  if (n % denominator != 0 && n < 0) q -= 1;
  if (q > std::numeric_limits<int64_t>::max() ||
      q < std::numeric_limits<int64_t>::min()) {
    return false;
  }
  *out = static_cast<int64_t>(q);
  return true;
}

std::string WholeOrHundredths(int64_t hundredths) {
  if (hundredths % 100 == 0) return absl::StrCat(hundredths / 100);
  return HundredthsText(hundredths, /*separators=*/false);
}

}  // namespace

std::string HundredthsText(int64_t hundredths, bool separators) {
  const bool negative = hundredths < 0;
  uint64_t magnitude = negative ? ~static_cast<uint64_t>(hundredths) + 1
                                : static_cast<uint64_t>(hundredths);
  const unsigned cents = static_cast<unsigned>(magnitude % 100);
  std::string whole = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (separators && i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return absl::StrCat(negative ? "-" : "", grouped, ".", cents / 10,
                      cents % 10);
}

std::string YuanText(int64_t fen) {
  return HundredthsText(fen, /*separators=*/true);
}

bool QuantityIsSet(const hedui::v1::Quantity& q) {
  return !q.shown().empty() || q.numerator() != 0 || q.denominator() != 0;
}

std::string QuantityZhText(const hedui::v1::Quantity& q,
                           absl::string_view count_word) {
  if (q.denominator() <= 0) {
    return q.shown().empty() ? "-" : SafeText(q.shown());
  }
  const Unit unit = q.unit();
  const bool hundredths_unit =
      unit == hedui::v1::Quantity::FEN ||
      unit == hedui::v1::Quantity::FEN_PER_PERSON_MONTH ||
      unit == hedui::v1::Quantity::FEN_PER_PERSON ||
      unit == hedui::v1::Quantity::CENTI_M2_PER_PERSON;
  int64_t hundredths = 0;
  if (!FloorDivide(q.numerator(), hundredths_unit ? 1 : 100, q.denominator(),
                   &hundredths)) {
    return absl::StrCat(q.numerator(), "/", q.denominator());
  }
  std::string number = hundredths_unit
                           ? HundredthsText(hundredths, /*separators=*/true)
                           : WholeOrHundredths(hundredths);
  std::string suffix = ZhName(unit);
  if (unit == hedui::v1::Quantity::COUNT && !count_word.empty()) {
    suffix = std::string(count_word);
  }
  if (suffix.empty()) return number;
  return absl::StrCat(number, " ", suffix);
}

}  // namespace hedui::cli
