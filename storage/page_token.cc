#include "storage/page_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/audit_chain.h"

namespace hedui::storage {
namespace {

constexpr size_t kTagBytes = 8;
constexpr size_t kCheckBytes = 12;
constexpr size_t kOverheadBytes = 1 + kTagBytes + kCheckBytes;
// Domain separation: these HMAC inputs never equal the audit chain's (an
// entry MACs its predecessor's 32-byte MAC first, a person index an 18-char
// ID), nor each other's.
constexpr absl::string_view kFiltersLabel = "hedui/page-token/filters\n";
constexpr absl::string_view kCheckLabel = "hedui/page-token/check\n";
constexpr absl::string_view kPadLabel = "hedui/page-token/pad\n";

// MACs compared without a timing leak of how many leading bytes matched.
bool SameBytes(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

void AppendTokenFilter(std::string* filters, absl::string_view value) {
  absl::StrAppend(filters, value.size(), ":", value, ";");
}

absl::StatusOr<PageTokenCodec> PageTokenCodec::Create(absl::string_view key) {
  if (key.empty()) {
    return absl::InvalidArgumentError("the page token key is empty");
  }
  absl::StatusOr<std::unique_ptr<HmacSha256>> hmac = HmacSha256::Create(key);
  if (!hmac.ok()) return hmac.status();
  return PageTokenCodec(*std::move(hmac));
}

absl::StatusOr<PageTokenCodec> PageTokenCodec::WithRandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 1) {
    return absl::InternalError("OpenSSL could not draw a page token key");
  }
  return Create(key);
}

PageTokenCodec::PageTokenCodec(std::unique_ptr<HmacSha256> hmac)
    : hmac_(std::move(hmac)) {}
PageTokenCodec::PageTokenCodec(PageTokenCodec&&) noexcept = default;
PageTokenCodec& PageTokenCodec::operator=(PageTokenCodec&&) noexcept = default;
PageTokenCodec::~PageTokenCodec() = default;

std::string PageTokenCodec::Tag(char kind, absl::string_view filters) const {
  return hmac_->Mac({kFiltersLabel, absl::string_view(&kind, 1), filters})
      .substr(0, kTagBytes);
}

std::string PageTokenCodec::Check(char kind, absl::string_view tag,
                                  absl::string_view position) const {
  // The tag has a fixed size, so kind | tag | position parses one way only.
  return hmac_->Mac({kCheckLabel, absl::string_view(&kind, 1), tag, position})
      .substr(0, kCheckBytes);
}

std::string PageTokenCodec::Xor(absl::string_view check,
                                absl::string_view bytes) const {
  std::string out(bytes);
  std::string block;
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t index = i / kAuditMacBytes;
    if (i % kAuditMacBytes == 0) {
      // Block 0 without a counter: the 8-byte positions of ListReports and
      // ListAudit were sealed with it before this codec existed.
      if (index == 0) {
        block = hmac_->Mac({kPadLabel, check});
      } else {
        const uint32_t n = static_cast<uint32_t>(index);
        const char counter[4] = {
            static_cast<char>(n >> 24), static_cast<char>(n >> 16),
            static_cast<char>(n >> 8), static_cast<char>(n)};
        block = hmac_->Mac({kPadLabel, check, absl::string_view(counter, 4)});
      }
    }
    out[i] ^= block[i % kAuditMacBytes];
  }
  return out;
}

std::string PageTokenCodec::Seal(PageTokenKind kind, absl::string_view position,
                                 absl::string_view filters) const {
  if (position.empty() || position.size() > kMaxPositionBytes) {
    // A listing's own layout is wrong: no request can cause this.
    std::fprintf(stderr, "hedui: a page token position of %zu bytes\n",
                 position.size());
    std::abort();
  }
  const char k = static_cast<char>(kind);
  const std::string tag = Tag(k, filters);
  const std::string check = Check(k, tag, position);
  std::string bytes(1, k);
  absl::StrAppend(&bytes, Xor(check, position), tag, check);
  return absl::WebSafeBase64Escape(bytes);
}

absl::Status PageTokenCodec::NotAToken() {
  return absl::InvalidArgumentError(
      "page_token: not a next_page_token of this listing; start again "
      "without a token");
}

absl::StatusOr<std::string> PageTokenCodec::Open(
    PageTokenKind kind, absl::string_view token, absl::string_view filters,
    absl::string_view filter_names) const {
  const char k = static_cast<char>(kind);
  // Too long is refused before any decoding or MAC work.
  if (token.size() > kMaxTokenChars) return NotAToken();
  std::string bytes;
  // One spelling only (no padding, no other alphabet, no whitespace): the
  // token is compared as the listing made it.
  if (!absl::WebSafeBase64Unescape(token, &bytes) ||
      bytes.size() <= kOverheadBytes ||
      bytes.size() > kOverheadBytes + kMaxPositionBytes || bytes[0] != k ||
      absl::WebSafeBase64Escape(bytes) != token) {
    return NotAToken();
  }
  const absl::string_view view(bytes);
  const size_t position_bytes = bytes.size() - kOverheadBytes;
  const absl::string_view sealed = view.substr(1, position_bytes);
  const absl::string_view tag = view.substr(1 + position_bytes, kTagBytes);
  const absl::string_view check = view.substr(1 + position_bytes + kTagBytes);
  std::string position = Xor(check, sealed);
  if (!SameBytes(Check(k, tag, position), check)) return NotAToken();
  // Authentic, so the tag is the one this codec made: only then may the
  // refusal say that the filters differ.
  if (!SameBytes(tag, Tag(k, filters))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_token: made by a listing with other filters",
        filter_names.empty() ? "" : absl::StrCat(" (", filter_names, ")"),
        "; start again without a token"));
  }
  return position;
}

}  // namespace hedui::storage
