#include "client/suggest.h"

#include <algorithm>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hedui::cli {

int EditDistance(absl::string_view a, absl::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string ClosestName(absl::string_view typed,
                        const std::vector<std::string>& candidates) {
  // Short words have few letters to spare: "ls" is not a typo of "list".
  const size_t letters = absl::StartsWith(typed, "--")  ? typed.size() - 2
                         : absl::StartsWith(typed, "-") ? typed.size() - 1
                                                        : typed.size();
  const int allowed = letters <= 4 ? 1 : letters <= 8 ? 2 : 3;
  std::string best;
  int best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    int distance = EditDistance(typed, candidate);
    if (letters >= 3 && absl::StartsWith(candidate, typed)) distance = 1;
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

namespace {

// The command path as typed ("admin backup") of `app` below the root.
std::string CommandPath(const CLI::App* app) {
  std::vector<std::string> names;
  for (; app != nullptr && app->get_parent() != nullptr;
       app = app->get_parent()) {
    names.insert(names.begin(), app->get_name());
  }
  std::string path;
  for (const std::string& name : names) {
    absl::StrAppend(&path, path.empty() ? "" : " ", name);
  }
  return path;
}

// Flags accepted where `app` is: its own and, since global flags fall
// through, every parent's.
std::vector<std::string> FlagNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (; app != nullptr; app = app->get_parent()) {
    for (const CLI::Option* option : app->get_options()) {
      for (const std::string& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
      for (const std::string& name : option->get_snames()) {
        names.push_back("-" + name);
      }
    }
  }
  return names;
}

std::vector<std::string> SubcommandNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app->get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

}  // namespace

Suggestion DidYouMean(const CLI::App& root) {
  // The deepest command the parser entered is where the words were typed.
  const CLI::App* where = &root;
  for (;;) {
    const std::vector<CLI::App*> parsed = where->get_subcommands();
    if (parsed.empty()) break;
    where = parsed.back();
  }
  for (const std::string& word : root.remaining(/*recurse=*/true)) {
    if (absl::StartsWith(word, "-")) {
      const std::string flag = word.substr(0, word.find('='));
      const std::string name = ClosestName(flag, FlagNames(where));
      if (!name.empty()) {
        return {absl::StrCat("unknown flag '", flag, "'; did you mean '", name,
                             "'?"),
                CommandPath(where)};
      }
      continue;
    }
    const std::string name = ClosestName(word, SubcommandNames(where));
    if (!name.empty()) {
      return {absl::StrCat("unknown command '", word, "'; did you mean '", name,
                           "'?"),
              CommandPath(where)};
    }
  }
  return {};
}

}  // namespace hedui::cli
