#include "storage/feed/text_decoder.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

// Decodes `bytes` fed `chunk` bytes at a time (0: all at once); returns the
// text, or "ERROR after <text>" on an error.
std::string Decode(TextDecoder& decoder, const std::string& bytes,
                   size_t chunk = 0) {
  std::string text;
  const auto out = [&](absl::string_view piece) {
    // A piece never ends inside a character.
    EXPECT_FALSE(piece.empty());
    text.append(piece.data(), piece.size());
  };
  const size_t step = chunk == 0 ? bytes.size() : chunk;
  for (size_t i = 0; i < bytes.size(); i += step) {
    const absl::Status status =
        decoder.Decode(absl::string_view(bytes).substr(i, step), out);
    if (!status.ok()) return "ERROR after " + text;
  }
  if (!decoder.Finish().ok()) return "ERROR at end after " + text;
  return text;
}

std::string DecodeUtf8(const std::string& bytes, size_t chunk = 0) {
  auto decoder = NewUtf8Decoder();
  return Decode(*decoder, bytes, chunk);
}

std::string DecodeGb18030(const std::string& bytes, size_t chunk = 0) {
  auto decoder = NewGb18030Decoder();
  EXPECT_TRUE(decoder.ok());
  return Decode(**decoder, bytes, chunk);
}

TEST(Utf8DecoderTest, PassesValidTextInAnyChunking) {
  // 1-, 2-, 3- and 4-byte characters, and the extremes of each length.
  const std::string text =
      "a\u00e9\u4e2d\U0001F600 \u0080\u07ff\u0800\uffff\U00010000\U0010FFFF "
      "plain ascii line long enough for the eight-byte skip\n";
  for (size_t chunk : {0, 1, 2, 3, 5, 7}) {
    EXPECT_EQ(DecodeUtf8(text, chunk), text) << chunk;
  }
}

TEST(Utf8DecoderTest, RejectsEveryKindOfInvalidSequence) {
  const char* const bad[] = {
      "\x80",              // lone continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xED\xA0\x80",      // surrogate U+D800
      "\xED\xBF\xBF",      // surrogate U+DFFF
      "\xF4\x90\x80\x80",  // U+110000
      "\xF5\x80\x80\x80",  // beyond Unicode
      "\xFF",
      "\xC3\x28",  // a lead byte without its continuation
      "\xE4\xB8",  // truncated at the end of the file
  };
  for (const char* sequence : bad) {
    for (size_t chunk : {0, 1, 2}) {
      const std::string bytes = std::string("ab") + sequence;
      EXPECT_EQ(DecodeUtf8(bytes, chunk).rfind("ERROR", 0), 0u)
          << absl::CEscape(bytes) << " chunk " << chunk;
      // Text before the bad sequence has been passed on, and no more.
      EXPECT_EQ(DecodeUtf8(bytes + "cd", chunk), "ERROR after ab")
          << absl::CEscape(bytes) << " chunk " << chunk;
    }
  }
}

TEST(Utf8DecoderTest, GbBytesAreNotUtf8) {
  // 张三 in GB18030.
  EXPECT_EQ(DecodeUtf8("\xD5\xC5\xC8\xFD").rfind("ERROR", 0), 0u);
}

TEST(Gb18030DecoderTest, DecodesToUtf8InAnyChunking) {
  // 张 D5 C5, 三 C8 FD and € (U+20AC) A2 E3 are 2-byte sequences; © (U+00A9)
  // and U+1F600 are 4-byte ones.
  const std::string gb =
      "id,\xD5\xC5\xC8\xFD,\xA2\xE3,\x81\x30\x84\x38,\x94\x39\xFC\x36\r\n";
  const std::string utf8 = "id,张三,€,\u00a9,\U0001F600\r\n";
  for (size_t chunk : {0, 1, 2, 3, 5}) {
    EXPECT_EQ(DecodeGb18030(gb, chunk), utf8) << chunk;
  }
  EXPECT_EQ(testing::ToGb18030(utf8), gb);
}

TEST(Gb18030DecoderTest, RejectsInvalidAndTruncatedSequences) {
  for (const char* bad : {"\x80", "\xFF", "\x81\x20", "\x81\x30\x20\x30"}) {
    for (size_t chunk : {0, 1}) {
      const std::string result =
          DecodeGb18030(std::string("ab") + bad + "cd", chunk);
      EXPECT_EQ(result, "ERROR after ab") << absl::CEscape(bad) << chunk;
    }
  }
  EXPECT_EQ(DecodeGb18030("ab\xD5"), "ERROR at end after ab");
  EXPECT_EQ(DecodeGb18030("ab\x81\x30\x86", 1), "ERROR at end after ab");
}

TEST(Gb18030DecoderTest, LongInputFillsTheOutputBufferManyTimes) {
  std::string utf8;
  for (int i = 0; i < 100000; ++i) utf8 += "张三,";
  EXPECT_EQ(DecodeGb18030(testing::ToGb18030(utf8)), utf8);
}

}  // namespace
}  // namespace hedui::feed
