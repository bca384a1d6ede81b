#include "client/yaml_output.h"

#include <sstream>

#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

TEST(JsonToYamlTest, BlockStyleInTheJsonsOrder) {
  EXPECT_EQ(JsonToYaml(R"({"departments":[{"department":"TAX","present":true,)"
                       R"("rows":"7","retained_generations":[]},)"
                       R"({"department":"BANK","present":false}],)"
                       R"("count":2,"seconds":1.5,"note":null,"as_of":{}})"),
            "departments:\n"
            "  - department: \"TAX\"\n"
            "    present: true\n"
            "    rows: \"7\"\n"
            "    retained_generations: []\n"
            "  - department: \"BANK\"\n"
            "    present: false\n"
            "count: 2\n"
            "seconds: 1.5\n"
            "note: null\n"
            "as_of: {}\n");
}

TEST(JsonToYamlTest, StringsStayStrings) {
  // Unquoted, YAML would read these as a boolean, a number, a date, a
  // mapping and a comment.
  EXPECT_EQ(JsonToYaml(R"({"a":"no","b":"0","c":"2026-11-03","d":"k: v",)"
                       R"("e":"# x","f":""})"),
            "a: \"no\"\nb: \"0\"\nc: \"2026-11-03\"\nd: \"k: v\"\n"
            "e: \"# x\"\nf: \"\"\n");
  EXPECT_EQ(
      JsonToYaml(
          R"({"summary":"不符合：\"人均\"\n第二行\\","x":"\u0001\u007f\u0085"})"),
      "summary: \"不符合：\\\"人均\\\"\\n第二行\\\\\"\n"
      "x: \"\\u0001\\u007F\\u0085\"\n");
}

TEST(JsonToYamlTest, KeysThatYamlWouldMisreadAreQuoted) {
  EXPECT_EQ(JsonToYaml(R"({"MEETS_CRITERIA":3,"yes":1,"a b":2,"1x":4})"),
            "MEETS_CRITERIA: 3\n\"yes\": 1\n\"a b\": 2\n\"1x\": 4\n");
}

TEST(JsonToYamlTest, NestedSequencesAndScalars) {
  EXPECT_EQ(JsonToYaml("[[1,2],[],{\"a\":[{\"b\":1,\"c\":2}]}]"),
            "- - 1\n  - 2\n- []\n- a:\n    - b: 1\n      c: 2\n");
  EXPECT_EQ(JsonToYaml("\"x\""), "\"x\"\n");
  EXPECT_EQ(JsonToYaml("{}"), "{}\n");
}

TEST(JsonToYamlTest, TextThatIsNotJsonIsKept) {
  EXPECT_EQ(JsonToYaml("not json"), "not json\n");
}

TEST(YamlLineBufferTest, OneDocumentPerLineAsTheyComplete) {
  std::ostringstream target;
  YamlLineBuffer buffer(&target);
  std::ostream out(&buffer);
  out << "{\"index\":\"0\"}\n" << std::flush;
  EXPECT_EQ(target.str(), "index: \"0\"\n");
  out << "{\"index\":"
      << "\"1\"}";
  EXPECT_EQ(target.str(), "index: \"0\"\n");
  out << '\n' << "{\"summary\":{\"sent\":2}}";
  buffer.Finish();
  EXPECT_EQ(target.str(),
            "index: \"0\"\n---\nindex: \"1\"\n---\nsummary:\n  sent: 2\n");
}

TEST(YamlLineBufferTest, LinesThatAreNotJsonPassUnchanged) {
  std::ostringstream target;
  YamlLineBuffer buffer(&target);
  std::ostream out(&buffer);
  out << "_hedui() {\n\n  local x\n}\n";
  buffer.Finish();
  EXPECT_EQ(target.str(), "_hedui() {\n\n  local x\n}\n");
}

}  // namespace
}  // namespace hedui::cli
