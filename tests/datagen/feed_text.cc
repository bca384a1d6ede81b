#include "tests/datagen/feed_text.h"

#include <algorithm>

namespace hedui::datagen {
namespace {

size_t PutUnsigned(char* out, uint64_t value) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  std::reverse_copy(tmp, tmp + n, out);
  return n;
}

void PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

FieldText FieldText::Yuan(int64_t fen) {
  // Feeds carry non-negative amounts only; clamp rather than emit a sign.
  const uint64_t v = fen < 0 ? 0 : static_cast<uint64_t>(fen);
  FieldText t;
  t.len_ = PutUnsigned(t.buf_, v / 100);
  if (v % 100 != 0) {
    t.buf_[t.len_++] = '.';
    PutDigits(t.buf_ + t.len_, static_cast<int64_t>(v % 100), 2);
    t.len_ += 2;
  }
  return t;
}

FieldText FieldText::Share(int per_10000) {
  FieldText t;
  if (per_10000 >= 10000) {
    t.buf_[0] = '1';
    t.len_ = 1;
    return t;
  }
  t.buf_[0] = '0';
  t.buf_[1] = '.';
  PutDigits(t.buf_ + 2, per_10000, 4);
  t.len_ = 6;
  while (t.buf_[t.len_ - 1] == '0') --t.len_;  // "0.5000" -> "0.5"
  return t;
}

FieldText FieldText::Day(absl::CivilDay day) {
  FieldText t;
  PutDigits(t.buf_, day.year(), 4);
  t.buf_[4] = '-';
  PutDigits(t.buf_ + 5, day.month(), 2);
  t.buf_[7] = '-';
  PutDigits(t.buf_ + 8, day.day(), 2);
  t.len_ = 10;
  return t;
}

FieldText FieldText::Month(absl::CivilMonth month) {
  FieldText t;
  PutDigits(t.buf_, month.year(), 4);
  t.buf_[4] = '-';
  PutDigits(t.buf_ + 5, month.month(), 2);
  t.len_ = 7;
  return t;
}

FieldText FieldText::Int(int64_t value) {
  FieldText t;
  if (value < 0) {
    t.buf_[t.len_++] = '-';
    value = -value;
  }
  t.len_ += PutUnsigned(t.buf_ + t.len_, static_cast<uint64_t>(value));
  return t;
}

}  // namespace hedui::datagen
