#ifndef HEDUI_STORAGE_PAGE_TOKEN_H_
#define HEDUI_STORAGE_PAGE_TOKEN_H_

// Page tokens (AIP-158) of every listing, in one format (storage/FORMAT.md,
// "Page tokens"). A token is opaque (it shows neither where the listing
// stands nor which filters made it: a person_id may be among them),
// tamper-evident (a changed byte is refused, never read as another place),
// bound to its listing and to a digest of its filters, and deterministic (the
// same place under the same filters is the same token). Before base64url
// without padding its bytes are
//   kind (1) | sealed position (n) | tag (8) | check (12)
// tag = HMAC(key, "hedui/page-token/filters\n" | kind | filters)[0, 8)
// check = HMAC(key, "hedui/page-token/check\n" | kind | tag | position)[0, 12)
// and the position is XORed with a keystream made from the check: a
// deterministic SIV. Block 0 of the keystream is
// HMAC(key, "hedui/page-token/pad\n" | check), block i > 0
// HMAC(key, "hedui/page-token/pad\n" | check | i as BE32). For 8-byte
// positions this is byte for byte the format ListReports and ListAudit
// have made since their tokens became opaque, so their tokens stay valid.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hedui::storage {

class HmacSha256;

// Every listing's kind, one byte that leads the token: a token of one listing
// is not one of another's, even under equal filters. ASCII, so the token's
// first character (from the kind's top 6 bits) is a letter, never the '-' a
// command line would take for an option. Never reuse a letter.
enum class PageTokenKind : char {
  kReports = 'r',     // ListReports (storage/service_log.cc)
  kAudit = 'a',       // ListAudit (storage/service_log.cc)
  kRoll = 'o',        // ListRoll (storage/rolls/roll_store.cc)
  kEvents = 'e',      // ListChanges (storage/events/event_store.cc)
  kReviewsDue = 'v',  // ListReviewsDue (server/service/reviews_due.cc)
};

// Appends one filter value as "<length>:<value>;", so that no two lists of
// values make the same filter bytes (a caller identity may hold any byte).
void AppendTokenFilter(std::string* filters, absl::string_view value);

// Thread-safe (const methods only); movable.
class PageTokenCodec {
 public:
  // Positions are 1 to kMaxPositionBytes bytes; a token is then at most
  // kMaxTokenChars characters (base64url of 1 + 64 + 8 + 12 bytes).
  static constexpr size_t kMaxPositionBytes = 64;
  static constexpr size_t kMaxTokenChars =
      ((1 + kMaxPositionBytes + 8 + 12) * 4 + 2) / 3;

  // Tokens made under `key` (raw bytes; heduid passes the audit key, so a
  // token outlives a restart and one made before the key changed is refused).
  // INVALID_ARGUMENT for an empty key.
  static absl::StatusOr<PageTokenCodec> Create(absl::string_view key);
  // Under 32 random bytes: its tokens are good only as long as it lives (for
  // tests and tools that never page across a restart).
  static absl::StatusOr<PageTokenCodec> WithRandomKey();

  PageTokenCodec(PageTokenCodec&&) noexcept;
  PageTokenCodec& operator=(PageTokenCodec&&) noexcept;
  ~PageTokenCodec();

  // The token of `position` in the listing of `kind` under `filters` (the
  // listing's filter values, each appended with AppendTokenFilter). REQUIRES:
  // 1 <= position.size() <= kMaxPositionBytes (aborts otherwise: the
  // positions are the listings' own fixed layouts, never a caller's bytes).
  std::string Seal(PageTokenKind kind, absl::string_view position,
                   absl::string_view filters) const;

  // The position a token names, if this codec sealed it for `kind` under
  // `filters`. Else INVALID_ARGUMENT "page_token: ...": "not a
  // next_page_token of this listing" for one garbled, made up, of another
  // listing, made under another key or too long; "made by a listing with
  // other filters (<filter_names>)" for one made under other filters. Both
  // tell the caller to start again without a token.
  absl::StatusOr<std::string> Open(PageTokenKind kind, absl::string_view token,
                                   absl::string_view filters,
                                   absl::string_view filter_names = "") const;

  // The refusal Open gives a token that is not one of this listing's, for a
  // listing that opens a token whose position then turns out impossible.
  static absl::Status NotAToken();

 private:
  explicit PageTokenCodec(std::unique_ptr<HmacSha256> hmac);
  std::string Tag(char kind, absl::string_view filters) const;
  std::string Check(char kind, absl::string_view tag,
                    absl::string_view position) const;
  std::string Xor(absl::string_view check, absl::string_view bytes) const;

  std::unique_ptr<HmacSha256> hmac_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_PAGE_TOKEN_H_
