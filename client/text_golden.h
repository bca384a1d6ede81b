#ifndef HEDUI_CLIENT_TEXT_GOLDEN_H_
#define HEDUI_CLIENT_TEXT_GOLDEN_H_

#include <string>
#include <vector>

namespace hedui::cli::testing {

// Compares `text` with the reviewed file client/testdata/<name>.txt: a gtest
// failure naming the first differing line, shown readable (gtest's own diff
// escapes every Chinese byte). With HEDUI_UPDATE_GOLDEN=1 (as for the
// engine's golden reports) it rewrites the file instead; the diff is then
// read as a caseworker would before it is committed.
void ExpectMatchesTextGolden(const std::string& name, const std::string& text);

// What a caseworker who reads no English would stumble on: each word of
// ASCII letters outside parentheses (ASCII or full-width), one entry per
// word as "line N: word". Not counted: identifiers (a run of letters and
// digits, '.', '-', '_', '*' holding at least one digit: report and
// application ids, masked resident IDs, plates, versions) and the unit m².
std::vector<std::string> EnglishOutsideParentheses(const std::string& text);

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_TEXT_GOLDEN_H_
