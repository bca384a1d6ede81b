#ifndef HEDUI_CLIENT_COMMAND_CONTEXT_H_
#define HEDUI_CLIENT_COMMAND_CONTEXT_H_

#include <functional>
#include <iostream>
#include <ostream>

#include "client/connection.h"
#include "client/printer.h"

namespace hedui::cli {

// What every command receives from the global flags and the process. Streams
// are pointers so tests can capture what a command prints.
struct CommandContext {
  ConnectionOptions connection;
  OutputFormat output = OutputFormat::kTable;
  std::ostream* out = &std::cout;  // results only
  std::ostream* err = &std::cerr;  // errors and progress
  // Draw an updating progress line on `err` (set when stderr is a terminal).
  bool progress = false;
  // stdout is a terminal: a progress line on the same screen must make way
  // for results printed while it is shown (verify --batch).
  bool out_is_terminal = false;
};

// A parsed command, run once the whole command line has been accepted;
// returns an ExitCode.
using CommandAction = std::function<int(const CommandContext&)>;

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_COMMAND_CONTEXT_H_
