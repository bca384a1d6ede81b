#include "client/cli.h"

#include <string>

#include "CLI/CLI.hpp"
#include "client/audit.h"
#include "client/backup.h"
#include "client/command_context.h"
#include "client/departments.h"
#include "client/exit_codes.h"
#include "client/health.h"
#include "client/ingest.h"
#include "client/reports.h"
#include "client/retention.h"
#include "client/suggest.h"
#include "client/verify.h"
#include "client/yaml_output.h"

namespace hedui::cli {

int RunCli(int argc, const char* const* argv, std::ostream& out,
           std::ostream& err, bool err_is_terminal) {
  CLI::App app(
      "hedui: staff command line of the Hedui household income verification "
      "service",
      "hedui");
  // Global flags may also follow the subcommand
  // (`hedui ingest ... --output json`); subcommands inherit this.
  app.fallthrough();
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
  std::string output = "table";
  AddConnectionFlags(app, &ctx.connection);
  app.add_option("-o,--output", output, "Output format: table, json or yaml")
      ->capture_default_str();

  CommandAction selected;
  AddIngestCommand(app, &selected);
  AddDepartmentsCommands(app, &selected);
  AddVerifyCommand(app, &selected);
  AddReportCommands(app, &selected);
  AddAuditCommands(app, &selected);
  AddHealthCommand(app, &selected);
  AddAdminCommands(app, &selected);
  AddRetentionCommands(app, &selected);  // after: joins the admin group

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
           "verify, report get, report list, stats, audit verify, audit "
           "list, health, admin backup, admin backups, admin verify-backup, "
           "admin prune-backups, admin purge)"
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
