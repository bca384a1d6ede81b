#include "storage/page_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/service_log_keys.h"
#include "storage/testing/service_log_fixture.h"

namespace hedui::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kKey(32, 'k');

PageTokenCodec Codec(const std::string& key = kKey) {
  absl::StatusOr<PageTokenCodec> codec = PageTokenCodec::Create(key);
  EXPECT_TRUE(codec.ok()) << codec.status();
  return *std::move(codec);
}

std::string Filters(std::initializer_list<absl::string_view> values) {
  std::string filters;
  for (absl::string_view value : values) AppendTokenFilter(&filters, value);
  return filters;
}

std::string BigEndian64(uint64_t value) {
  std::string out;
  AppendBigEndian64(value, &out);
  return out;
}

// HMAC-SHA256 straight from OpenSSL, to compute tokens from the format
// written in storage/FORMAT.md without the codec.
std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string TokenByTheBook(const std::string& key, char kind,
                           const std::string& position,
                           const std::string& filters) {
  const std::string tag = Hmac(key, absl::StrCat("hedui/page-token/filters\n",
                                                 std::string(1, kind), filters))
                              .substr(0, 8);
  const std::string check =
      Hmac(key, absl::StrCat("hedui/page-token/check\n", std::string(1, kind),
                             tag, position))
          .substr(0, 12);
  std::string pad = Hmac(key, absl::StrCat("hedui/page-token/pad\n", check));
  for (uint32_t block = 1; pad.size() < position.size(); ++block) {
    const char counter[4] = {0, 0, 0, static_cast<char>(block)};
    pad += Hmac(key, absl::StrCat("hedui/page-token/pad\n", check,
                                  absl::string_view(counter, 4)));
  }
  std::string sealed = position;
  for (size_t i = 0; i < sealed.size(); ++i) sealed[i] ^= pad[i];
  return absl::WebSafeBase64Escape(
      absl::StrCat(std::string(1, kind), sealed, tag, check));
}

void ExpectNotAToken(const absl::StatusOr<std::string>& opened,
                     absl::string_view what) {
  ASSERT_FALSE(opened.ok()) << what << " opened as " << *opened;
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument) << what;
  EXPECT_EQ(opened.status().message(),
            "page_token: not a next_page_token of this listing; start again "
            "without a token")
      << what;
}

TEST(PageTokenCodecTest, RoundTripsPositionsOfEveryLength) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"3", "320581"});
  for (size_t length : {size_t{1}, size_t{8}, size_t{19}, size_t{21},
                        size_t{31}, size_t{32}, size_t{33}, size_t{64}}) {
    std::string position;
    for (size_t i = 0; i < length; ++i) {
      position.push_back(static_cast<char>(i * 37 + 200));
    }
    const std::string token =
        codec.Seal(PageTokenKind::kRoll, position, filters);
    absl::StatusOr<std::string> opened =
        codec.Open(PageTokenKind::kRoll, token, filters);
    ASSERT_TRUE(opened.ok()) << length << ": " << opened.status();
    EXPECT_EQ(*opened, position) << length;
    EXPECT_LE(token.size(), PageTokenCodec::kMaxTokenChars);
  }
}

// The format of storage/FORMAT.md, computed here with OpenSSL alone:
// positions past 32 bytes use the counted pad blocks.
TEST(PageTokenCodecTest, TokensAreTheDocumentedBytes) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"", "1", "0"});
  for (const std::string& position :
       {BigEndian64(42), std::string("320581E000000000007"),
        std::string(64, '\x5a'), std::string(40, '\0')}) {
    EXPECT_EQ(codec.Seal(PageTokenKind::kEvents, position, filters),
              TokenByTheBook(kKey, 'e', position, filters))
        << position.size();
  }
}

// The tokens ListReports and ListAudit make today (storage/service_log.cc)
// are this codec's for 8-byte positions: switching them to it keeps the
// tokens callers hold valid.
class ServiceLogTokensTest : public testing::ServiceLogFixture {};

TEST_F(ServiceLogTokensTest, ServiceLogTokensOpenWithTheAuditKey) {
  ASSERT_TRUE(Open().ok());
  const std::vector<Appended> appended = Append(3);
  ASSERT_EQ(appended.size(), 3u);
  const PageTokenCodec codec = Codec(options_.audit_key);

  hedui::v1::ListAuditRequest audit;
  audit.set_page_size(1);
  absl::StatusOr<hedui::v1::ListAuditResponse> page = log_->ListAudit(audit);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries_size(), 1);
  ASSERT_FALSE(page->next_page_token().empty());
  // from_unix_micros, to_unix_micros, caller, program, person_id.
  const std::string audit_filters = Filters({"0", "0", "", "0", ""});
  const std::string last_sequence = BigEndian64(page->entries(0).sequence());
  absl::StatusOr<std::string> opened =
      codec.Open(PageTokenKind::kAudit, page->next_page_token(), audit_filters);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, last_sequence);
  EXPECT_EQ(codec.Seal(PageTokenKind::kAudit, last_sequence, audit_filters),
            page->next_page_token());

  hedui::v1::ListReportsRequest reports;
  reports.set_page_size(1);
  const std::vector<std::string> counties = {"320581"};
  absl::StatusOr<hedui::v1::ListReportsResponse> listed =
      log_->ListReports(reports, counties);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->reports_size(), 1);
  ASSERT_FALSE(listed->next_page_token().empty());
  // person_id, program, verdict, from, to, the counties; the newest report
  // was the last one examined.
  const std::string report_filters =
      Filters({"", "0", "0", "0", "0", "320581"});
  const std::optional<uint64_t> newest = ParseReportId(appended[2].report_id);
  ASSERT_TRUE(newest.has_value());
  opened = codec.Open(PageTokenKind::kReports, listed->next_page_token(),
                      report_filters);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, BigEndian64(*newest));
  EXPECT_EQ(
      codec.Seal(PageTokenKind::kReports, BigEndian64(*newest), report_filters),
      listed->next_page_token());
}

TEST(PageTokenCodecTest, IsDeterministicAndOpaque) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"110101199003077777", "1"});
  const std::string position = "20261101E000000000003";
  const std::string token =
      codec.Seal(PageTokenKind::kReviewsDue, position, filters);
  EXPECT_EQ(codec.Seal(PageTokenKind::kReviewsDue, position, filters), token);
  // Neither the position nor a filter shows, in the token or its bytes.
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  for (const std::string& secret :
       {position, std::string("E000000000003"), std::string("20261101"),
        std::string("110101199003077777"), std::string("0000000003")}) {
    EXPECT_FALSE(absl::StrContains(token, secret)) << secret;
    EXPECT_FALSE(absl::StrContains(bytes, secret)) << secret;
  }
  // Neighbouring positions share no sealed byte pattern an observer could
  // count on: their tokens differ well beyond the last character.
  const std::string next =
      codec.Seal(PageTokenKind::kReviewsDue, "20261101E000000000004", filters);
  int differing = 0;
  for (size_t i = 0; i < std::min(token.size(), next.size()); ++i) {
    differing += token[i] != next[i];
  }
  EXPECT_GT(differing, static_cast<int>(token.size()) / 2);
}

TEST(PageTokenCodecTest, EveryChangedByteIsRefused) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"2", "0", "320582"});
  for (const std::string& position :
       {BigEndian64(7), std::string("320582E000000000011")}) {
    const std::string token =
        codec.Seal(PageTokenKind::kRoll, position, filters);
    std::string bytes;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string changed = bytes;
        changed[i] ^= static_cast<char>(1 << bit);
        ExpectNotAToken(codec.Open(PageTokenKind::kRoll,
                                   absl::WebSafeBase64Escape(changed), filters),
                        absl::StrCat("byte ", i, " bit ", bit));
      }
    }
    // Every character of the text changed to every other letter of the
    // alphabet, too.
    const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < token.size(); ++i) {
      for (char c : alphabet) {
        if (c == token[i]) continue;
        std::string changed = token;
        changed[i] = c;
        const absl::StatusOr<std::string> opened =
            codec.Open(PageTokenKind::kRoll, changed, filters);
        EXPECT_FALSE(opened.ok()) << "char " << i << " as " << c;
      }
    }
  }
}

TEST(PageTokenCodecTest, OtherFiltersAreRefusedAsSuch) {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Seal(PageTokenKind::kEvents, BigEndian64(9),
                                       Filters({"1", "", "0", "320581"}));
  for (const std::string& other :
       {Filters({"2", "", "0", "320581"}), Filters({"1", "", "1", "320581"}),
        Filters({"1", "", "0", "320582"}), Filters({"1", "", "0"}),
        Filters({"1", "", "0", "320581", "320582"}),
        // The same characters split otherwise: length prefixes tell them
        // apart.
        Filters({"1", "", "0320581"}), std::string()}) {
    const absl::StatusOr<std::string> opened =
        codec.Open(PageTokenKind::kEvents, token, other, "program or counties");
    ASSERT_FALSE(opened.ok()) << other;
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(opened.status().message(),
              "page_token: made by a listing with other filters (program or "
              "counties); start again without a token");
  }
  // Without names the message still says what happened.
  const absl::StatusOr<std::string> unnamed =
      codec.Open(PageTokenKind::kEvents, token, "");
  EXPECT_EQ(unnamed.status().message(),
            "page_token: made by a listing with other filters; start again "
            "without a token");
}

TEST(PageTokenCodecTest, AnotherListingsTokenIsNotAToken) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"1"});
  const std::vector<PageTokenKind> kinds = {
      PageTokenKind::kReports, PageTokenKind::kAudit, PageTokenKind::kRoll,
      PageTokenKind::kEvents, PageTokenKind::kReviewsDue};
  std::set<char> letters;
  for (PageTokenKind kind : kinds) letters.insert(static_cast<char>(kind));
  EXPECT_EQ(letters.size(), kinds.size()) << "a kind letter used twice";
  for (PageTokenKind made : kinds) {
    const std::string token = codec.Seal(made, BigEndian64(5), filters);
    for (PageTokenKind brought : kinds) {
      if (brought == made) {
        EXPECT_TRUE(codec.Open(brought, token, filters).ok());
      } else {
        ExpectNotAToken(codec.Open(brought, token, filters),
                        std::string{static_cast<char>(made), ' ',
                                    static_cast<char>(brought)});
      }
    }
    // The kind byte relabelled: the check covers the kind too.
    std::string bytes;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
    for (PageTokenKind other : kinds) {
      if (other == made) continue;
      bytes[0] = static_cast<char>(other);
      ExpectNotAToken(
          codec.Open(other, absl::WebSafeBase64Escape(bytes), filters),
          "relabelled");
    }
  }
}

TEST(PageTokenCodecTest, AnotherKeysTokenIsNotAToken) {
  const std::string filters = Filters({"1", "320581"});
  const std::string token =
      Codec().Seal(PageTokenKind::kRoll, "320581E000000000001", filters);
  ExpectNotAToken(
      Codec(std::string(32, 'j')).Open(PageTokenKind::kRoll, token, filters),
      "another key");
  absl::StatusOr<PageTokenCodec> random = PageTokenCodec::WithRandomKey();
  ASSERT_TRUE(random.ok()) << random.status();
  ExpectNotAToken(random->Open(PageTokenKind::kRoll, token, filters),
                  "a random key");
  absl::StatusOr<PageTokenCodec> other_random = PageTokenCodec::WithRandomKey();
  ASSERT_TRUE(other_random.ok());
  const std::string own =
      random->Seal(PageTokenKind::kRoll, "320581E000000000001", filters);
  EXPECT_TRUE(random->Open(PageTokenKind::kRoll, own, filters).ok());
  ExpectNotAToken(other_random->Open(PageTokenKind::kRoll, own, filters),
                  "two random keys");
}

TEST(PageTokenCodecTest, AnEmptyKeyIsRefused) {
  EXPECT_EQ(PageTokenCodec::Create("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenCodecTest, EmptyShortOversizeAndOtherSpellingsAreNotTokens) {
  const PageTokenCodec codec = Codec();
  const std::string filters = Filters({"0"});
  const std::string token =
      codec.Seal(PageTokenKind::kAudit, BigEndian64(12), filters);
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  std::string padded = absl::Base64Escape(bytes);  // '=' padding, '+' '/'
  const std::vector<std::string> made_up = {
      "",
      "x",
      "YQ",  // the kind alone
      // A whole token's length with no position: kind, tag and check only.
      absl::WebSafeBase64Escape(bytes.substr(0, 1) + bytes.substr(9)),
      token.substr(0, token.size() - 1),
      token + "A",
      token + "=",
      token + "==",
      " " + token,
      token + "\n",
      padded,
      std::string(PageTokenCodec::kMaxTokenChars + 1, 'Y'),
      std::string(10'000, 'A'),
      token + std::string(PageTokenCodec::kMaxTokenChars, 'A'),
      std::string("1.0011223344556677"),
      std::string("320581E000000000001.0011223344556677"),
      std::string("\xff\xfe", 2),
  };
  for (const std::string& bad : made_up) {
    ExpectNotAToken(codec.Open(PageTokenKind::kAudit, bad, filters), bad);
  }
  // A token whose position is longer than any the codec seals: refused
  // before it is unsealed, though its MAC would be right.
  const std::string long_position(PageTokenCodec::kMaxPositionBytes + 1, 'p');
  ExpectNotAToken(
      codec.Open(PageTokenKind::kAudit,
                 TokenByTheBook(kKey, 'a', long_position, filters), filters),
      "an oversize position");
  // The same by the book with an allowed length opens: the refusal above is
  // the length's.
  const std::string longest(PageTokenCodec::kMaxPositionBytes, 'p');
  EXPECT_TRUE(codec
                  .Open(PageTokenKind::kAudit,
                        TokenByTheBook(kKey, 'a', longest, filters), filters)
                  .ok());
}

TEST(PageTokenCodecTest, ATokenNeverStartsWithADash) {
  const PageTokenCodec codec = Codec();
  const std::vector<PageTokenKind> kinds = {
      PageTokenKind::kReports, PageTokenKind::kAudit, PageTokenKind::kRoll,
      PageTokenKind::kEvents, PageTokenKind::kReviewsDue};
  for (PageTokenKind kind : kinds) {
    for (uint64_t n = 0; n < 2000; ++n) {
      const std::string token =
          codec.Seal(kind, BigEndian64(n), Filters({absl::StrCat(n % 7)}));
      ASSERT_FALSE(token.empty());
      ASSERT_NE(token[0], '-') << token;
      // Base64url without padding: nothing a shell or a URL must quote.
      ASSERT_EQ(token.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-_"),
                std::string::npos)
          << token;
    }
  }
  // The two listings made before this codec keep their first letters.
  EXPECT_THAT(codec.Seal(PageTokenKind::kReports, BigEndian64(1), ""),
              StartsWith("c"));
  EXPECT_THAT(codec.Seal(PageTokenKind::kAudit, BigEndian64(1), ""),
              StartsWith("Y"));
}

TEST(PageTokenCodecTest, AMovedCodecStillOpensItsTokens) {
  PageTokenCodec codec = Codec();
  const std::string token = codec.Seal(PageTokenKind::kRoll, "p", "f");
  PageTokenCodec moved = std::move(codec);
  absl::StatusOr<std::string> opened =
      moved.Open(PageTokenKind::kRoll, token, "f");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "p");
}

TEST(PageTokenCodecDeathTest, APositionOutOfBoundsIsAProgrammingError) {
  const PageTokenCodec codec = Codec();
  EXPECT_DEATH(codec.Seal(PageTokenKind::kRoll, "", "f"), "position of 0");
  EXPECT_DEATH(
      codec.Seal(PageTokenKind::kRoll,
                 std::string(PageTokenCodec::kMaxPositionBytes + 1, 'p'), "f"),
      "position of 65");
}

TEST(AppendTokenFilterTest, LengthPrefixed) {
  std::string filters;
  AppendTokenFilter(&filters, "320581");
  AppendTokenFilter(&filters, "");
  AppendTokenFilter(&filters, "a;b");
  EXPECT_EQ(filters, "6:320581;0:;3:a;b;");
}

}  // namespace
}  // namespace hedui::storage
