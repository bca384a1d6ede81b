#include "client/cli.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/audit.h"
#include "client/backup.h"
#include "client/changes.h"
#include "client/command_context.h"
#include "client/completion.h"
#include "client/departments.h"
#include "client/exit_codes.h"
#include "client/health.h"
#include "client/ingest.h"
#include "client/reports.h"
#include "client/retention.h"
#include "client/reviews.h"
#include "client/roll.h"
#include "client/suggest.h"
#include "client/verify.h"
#include "client/yaml_output.h"

namespace hedui::cli {
namespace {

// CLI11's help, plus, in a command's help, the global flags: they are
// accepted after the command too, and a caseworker reading
// `hedui verify --help` should not need the top-level help for --server.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub || app->get_parent() == nullptr) {
      return Formatter::make_help(app, std::move(name), mode);
    }
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    const std::vector<const CLI::Option*> global =
        root->get_options([root](const CLI::Option* option) {
          return option != root->get_help_ptr() &&
                 option != root->get_version_ptr();
        });
    std::string help = make_description(app);
    help += make_usage(app, std::move(name));
    help += make_positionals(app);
    help += make_groups(app, mode);
    help += make_group("Global options (before or after the command)", false,
                       global);
    help += make_subcommands(app, mode);
    help += '\n' + make_footer(app);
    return help;
  }
};

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out,
           std::ostream& err, bool err_is_terminal, bool out_is_terminal) {
  CLI::App app(
      "hedui: staff command line of the Hedui household income verification "
      "service",
      "hedui");
  // Global flags may also follow the subcommand
  // (`hedui ingest ... --output json`); subcommands inherit this.
  app.fallthrough();
  // Before any subcommand is added: each copies its parent's formatter.
  app.formatter(std::make_shared<HelpFormatter>());
  // No require_subcommand(): CLI11 would then report "hedui frobnicate" as
  // a missing subcommand instead of naming the unknown word.

  // The version comes from CMake's project() so the package, heduid and
  // the CLI cannot disagree.
  app.set_version_flag("--version", std::string("hedui ") + HEDUI_VERSION,
                       "Print the version and exit");

  CommandContext ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.progress = err_is_terminal;
  ctx.out_is_terminal = out_is_terminal;
  std::string output = "table";
  AddConnectionFlags(app, &ctx.connection);
  app.add_option("-o,--output", output, "Output format: table, json or yaml")
      ->capture_default_str();

  CommandAction selected;
  AddIngestCommand(app, &selected);
  AddFeedsCommands(app, &selected);
  AddDepartmentsCommands(app, &selected);
  AddVerifyCommand(app, &selected);
  AddReportCommands(app, &selected);
  AddRollCommands(app, &selected);
  AddReviewsCommands(app, &selected);
  AddChangesCommands(app, &selected);
  AddAuditCommands(app, &selected);
  AddHealthCommand(app, &selected);
  AddAdminCommands(app, &selected);
  AddRetentionCommands(app, &selected);  // after: joins the admin group
  AddCompletionCommand(app, &selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError with a success code: print help, exit 0.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(e, out, err);
      return kExitOk;
    }
    const Suggestion suggestion = DidYouMean(app);
    if (!suggestion.message.empty()) {
      const std::string command =
          suggestion.command.empty() ? "hedui" : "hedui " + suggestion.command;
      err << command << ": " << suggestion.message << "\nRun '" << command
          << " --help' for usage.\n"
          << std::flush;
      return kExitUsage;
    }
    err << "hedui: " << e.what() << "\nRun 'hedui --help' for usage.\n"
        << std::flush;
    return kExitUsage;
  }

  absl::StatusOr<OutputFormat> format = ParseOutputFormat(output);
  if (!format.ok()) {
    err << "hedui: " << format.status().message() << '\n' << std::flush;
    return kExitUsage;
  }
  ctx.output = *format;
  if (!selected) {
    err << "hedui: a command is required (ingest, departments, data status, "
           "feeds held, feeds confirm, feeds discard, verify, report get, "
           "report list, stats, roll enroll, roll "
           "withdraw, roll attach-consent, roll get, roll list, roll reverify, "
           "reviews due, changes list, changes get, changes watch, changes "
           "resolve, changes stats, audit verify, audit list, health, admin "
           "backup, admin backups, admin verify-backup, "
           "admin prune-backups, admin purge, completion bash)"
           "\nRun 'hedui --help' for usage.\n"
        << std::flush;
    return kExitUsage;
  }
  if (*format != OutputFormat::kYaml) return selected(ctx);
  // YAML is rendered from the command's JSON lines, so it shows exactly the
  // data --output json does.
  ctx.output = OutputFormat::kJson;
  YamlLineBuffer yaml(&out);
  std::ostream yaml_out(&yaml);
  ctx.out = &yaml_out;
  const int code = selected(ctx);
  yaml_out.flush();
  yaml.Finish();
  return code;
}

}  // namespace hedui::cli
