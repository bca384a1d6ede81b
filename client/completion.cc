#include "client/completion.h"

#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/changes.h"
#include "client/exit_codes.h"
#include "client/roll.h"
#include "google/protobuf/descriptor.h"
#include "hedui/v1/admin.pb.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/roll_service.pb.h"

namespace hedui::cli {
namespace {

// One command of the tree: its path as typed ("" for the top level,
// "admin backup") and what may follow it.
struct Node {
  std::string path;
  std::vector<std::string> commands;
  std::vector<std::string> flags;         // every flag accepted there
  std::vector<std::string> valued_flags;  // those that take a value
};

// `app`'s flags; a parent's --help is left out (the command has its own).
void AddOptions(const CLI::App& app, bool parent, Node* node) {
  for (const CLI::Option* option : app.get_options()) {
    if (parent && option == app.get_help_ptr()) continue;
    std::vector<std::string> names;
    for (const std::string& name : option->get_snames()) {
      names.push_back("-" + name);
    }
    for (const std::string& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const std::string& name : names) {
      node->flags.push_back(name);
      if (option->get_expected_max() != 0) node->valued_flags.push_back(name);
    }
  }
}

void Walk(const CLI::App& app, const std::string& path,
          std::vector<Node>* nodes) {
  Node node;
  node.path = path;
  // Global flags fall through to every command.
  for (const CLI::App* scope = &app; scope != nullptr;
       scope = scope->get_parent()) {
    AddOptions(*scope, /*parent=*/scope != &app, &node);
  }
  const std::vector<const CLI::App*> subcommands =
      app.get_subcommands([](const CLI::App*) { return true; });
  for (const CLI::App* sub : subcommands) {
    node.commands.push_back(sub->get_name());
  }
  nodes->push_back(std::move(node));
  for (const CLI::App* sub : subcommands) {
    Walk(*sub,
         path.empty() ? sub->get_name()
                      : absl::StrCat(path, " ", sub->get_name()),
         nodes);
  }
}

// The enum's value names but the zero (UNSPECIFIED) one.
std::string EnumNames(const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() != 0) {
      names.push_back(descriptor->value(i)->name());
    }
  }
  return absl::StrJoin(names, " ");
}

// The words of `numbers` as the CLI takes them ("moved-away").
std::string Words(const google::protobuf::EnumDescriptor* type,
                  const std::vector<int>& numbers) {
  std::vector<std::string> words;
  words.reserve(numbers.size());
  for (int number : numbers) words.push_back(WordOf(type, number));
  return absl::StrJoin(words, " ");
}

// A bash function printing, for its first argument, the words of `table`.
std::string CaseFunction(
    absl::string_view name,
    const std::vector<std::pair<std::string, std::string>>& table) {
  std::string out = absl::StrCat(name, "() {\n  case \"$1\" in\n");
  for (const auto& [key, words] : table) {
    absl::StrAppend(&out, "    \"", key, "\") echo \"", words, "\" ;;\n");
  }
  absl::StrAppend(&out, "  esac\n}\n\n");
  return out;
}

}  // namespace

std::string BashCompletionScript(const CLI::App& root) {
  std::vector<Node> nodes;
  Walk(root, "", &nodes);
  std::vector<std::pair<std::string, std::string>> commands;
  std::vector<std::pair<std::string, std::string>> flags;
  std::vector<std::pair<std::string, std::string>> valued;
  for (const Node& node : nodes) {
    if (!node.commands.empty()) {
      commands.emplace_back(node.path, absl::StrJoin(node.commands, " "));
    }
    flags.emplace_back(node.path, absl::StrJoin(node.flags, " "));
    valued.emplace_back(node.path, absl::StrJoin(node.valued_flags, " "));
  }
  // By flag, or by "command flag" where one command's flag takes other
  // values than the same flag elsewhere (looked up first).
  std::vector<std::pair<std::string, std::string>> values = {
      {"-o", "table json yaml"},
      {"--output", "table json yaml"},
      {"--program", EnumNames(hedui::v1::Program_descriptor())},
      {"--verdict", EnumNames(hedui::v1::Verdict_descriptor())},
      {"--department", EnumNames(hedui::v1::Department_descriptor())},
      {"--encoding", EnumNames(hedui::v1::FeedEncoding_descriptor())},
      {"--state", "active ended all"},
      {"--outcome", Words(hedui::v1::Resolution::Outcome_descriptor(),
                          ResolutionOutcomes())},
      {"roll withdraw --reason",
       Words(hedui::v1::RollEntry::EndReason_descriptor(), WithdrawReasons())},
  };
  // Only programs with a roll, except for a consent (it may cover any).
  std::vector<std::string> roll_programs;
  for (hedui::v1::Program p : RollPrograms()) {
    roll_programs.push_back(hedui::v1::Program_Name(p));
  }
  for (const char* command :
       {"roll enroll", "roll get", "roll list", "roll reverify", "reviews due",
        "changes list", "changes watch", "changes stats"}) {
    values.emplace_back(absl::StrCat(command, " --program"),
                        absl::StrJoin(roll_programs, " "));
  }

  std::string script = absl::StrCat(
      "# bash completion for hedui, generated by `hedui completion bash`\n"
      "# from hedui's own command tree. Installed by the package as\n"
      "# /usr/share/bash-completion/completions/hedui; by hand:\n"
      "#   source <(hedui completion bash)\n\n");
  absl::StrAppend(&script, CaseFunction("_hedui_commands", commands),
                  CaseFunction("_hedui_flags", flags),
                  CaseFunction("_hedui_valued_flags", valued),
                  CaseFunction("_hedui_values", values));
  absl::StrAppend(&script,
                  R"bash(_hedui() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="" word i skip=0
  # The command typed so far, skipping flags and the values they take.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    if ((skip)); then
      skip=0
      continue
    fi
    case "$word" in
      -*=*) ;;
      -*) [[ " $(_hedui_valued_flags "$path") " == *" $word "* ]] && skip=1 ;;
      *) [[ " $(_hedui_commands "$path") " == *" $word "* ]] &&
        path="${path:+$path }$word" ;;
    esac
  done
  local words
  if ((skip)); then
    words="$(_hedui_values "$path ${COMP_WORDS[COMP_CWORD - 1]}")"
    [[ -n "$words" ]] || words="$(_hedui_values "${COMP_WORDS[COMP_CWORD - 1]}")"
  elif [[ "$cur" == -* ]]; then
    words="$(_hedui_flags "$path")"
  else
    words="$(_hedui_commands "$path")"
  fi
  if [[ -n "$words" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _hedui hedui
)bash");
  return script;
}

void AddCompletionCommand(CLI::App& app, CommandAction* selected) {
  CLI::App* completion = app.add_subcommand(
      "completion", "Print a shell completion script for hedui");
  CLI::App* bash = completion->add_subcommand(
      "bash",
      "The bash script (installed by the package; by hand: source <(hedui "
      "completion bash))");
  const CLI::App* root = &app;
  bash->callback([root, selected] {
    *selected = [root](const CommandContext& ctx) {
      *ctx.out << BashCompletionScript(*root) << std::flush;
      return kExitOk;
    };
  });
}

}  // namespace hedui::cli
