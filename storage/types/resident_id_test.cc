#include "storage/types/resident_id.h"

#include <set>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

namespace hedui {
namespace {

// GB 11643's published example (check character X) and one computed by hand:
// 11010519491231002 -> weights sum 167, 167 % 11 = 2 -> 'X'.
constexpr char kValidWithX[] = "11010519491231002X";
// 44052418800101001 -> sum 143 % 11 = 0 -> '1'.
constexpr char kValidDigit[] = "440524188001010014";

TEST(ResidentIdTest, AcceptsValidIds) {
  EXPECT_TRUE(ValidateResidentId(kValidWithX).ok());
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231002"), 'X');
  // 1880 is before 1900: rejected as a birth year.
  EXPECT_FALSE(ValidateResidentId(kValidDigit).ok());
}

TEST(ResidentIdTest, RejectsEachKindOfMalformedId) {
  EXPECT_FALSE(ValidateResidentId("").ok());
  EXPECT_FALSE(ValidateResidentId("11010519491231002").ok());    // 17 chars
  EXPECT_FALSE(ValidateResidentId("11010519491231002X1").ok());  // 19 chars
  EXPECT_FALSE(ValidateResidentId("11010519491231002x").ok());   // lower x
  EXPECT_FALSE(ValidateResidentId("1101051949123100A2").ok());   // letter
  EXPECT_FALSE(ValidateResidentId("110105194902300025").ok());   // Feb 30
  EXPECT_FALSE(ValidateResidentId("110105194912310021").ok());   // check
}

TEST(ResidentIdTest, ErrorNamesFieldButNotTheId) {
  const absl::Status status =
      ValidateResidentId("110105194912310021", "members[2].person_id");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("members[2].person_id"), std::string::npos);
  EXPECT_EQ(status.message().find("110105194912310021"), std::string::npos);
}

TEST(ResidentIdTest, LengthIsCountedInCharacters) {
  // 18 fullwidth digits are 54 bytes: the message must not say 54.
  std::string fullwidth;
  for (int i = 0; i < 18; ++i) fullwidth += "\uFF11";
  const absl::Status wide = ValidateResidentId(fullwidth, "person_id");
  EXPECT_EQ(wide.message(),
            "person_id: a resident ID is written in ASCII digits 0-9 and X; "
            "this one has other characters (fullwidth digits?)");
  const absl::Status short_one = ValidateResidentId("\uFF11\uFF12", "x");
  EXPECT_EQ(short_one.message(), "x: a resident ID has 18 characters, got 2");
}

TEST(ResidentIdTest, EveryCheckCharacterRoundTrips) {
  // Vary the sequence so that each of the 11 check characters occurs.
  std::set<char> seen;
  for (int seq = 0; seq < 200; ++seq) {
    const std::string first17 = absl::StrFormat("32058119800101%03d", seq);
    const std::string id = first17 + ResidentIdCheckCharacter(first17);
    EXPECT_TRUE(ValidateResidentId(id).ok()) << id;
    seen.insert(id.back());
  }
  EXPECT_EQ(seen.size(), 11u);
}

TEST(ResidentIdTest, AgeTurnsOnTheBirthday) {
  const absl::CivilDay birth(2010, 11, 28);
  EXPECT_EQ(AgeOn(birth, absl::CivilDay(2026, 11, 27)), 15);
  EXPECT_EQ(AgeOn(birth, absl::CivilDay(2026, 11, 28)), 16);
  const absl::CivilDay leap(2008, 2, 29);
  EXPECT_EQ(AgeOn(leap, absl::CivilDay(2026, 2, 28)), 17);
  EXPECT_EQ(AgeOn(leap, absl::CivilDay(2026, 3, 1)), 18);
  EXPECT_EQ(ResidentIdBirthDate(kValidWithX), absl::CivilDay(1949, 12, 31));
}

TEST(ResidentIdTest, Masks) {
  EXPECT_EQ(MaskResidentId(kValidWithX), "1101**********002X");
  EXPECT_EQ(MaskResidentId("123"), "***");
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("李"), "李*");
}

}  // namespace
}  // namespace hedui

namespace hedui {
namespace {

TEST(ResidentIdTest, MasksIdsInFreeText) {
  EXPECT_EQ(MaskResidentIdsInText("key 11010519491231002X found"),
            "key 1101**********002X found");
  EXPECT_EQ(MaskResidentIdsInText("11010519491231002X,320581198001010012"),
            "1101**********002X,3205**********0012");
  // Inside a longer token (e.g. a file number) it is not an ID.
  EXPECT_EQ(MaskResidentIdsInText("a11010519491231002X"),
            "a11010519491231002X");
  EXPECT_EQ(MaskResidentIdsInText("1234"), "1234");
  // Hex-printed keys: "11010519491231002X" is 31 31 30 31 ... 32 58.
  EXPECT_EQ(MaskResidentIdsInText("k=313130313035313934393132333130303258AB"),
            "k=31313031********************30303258AB");
}

}  // namespace
}  // namespace hedui
