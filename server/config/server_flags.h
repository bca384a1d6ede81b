#ifndef HEDUI_SERVER_CONFIG_SERVER_FLAGS_H_
#define HEDUI_SERVER_CONFIG_SERVER_FLAGS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "server/config/server_config.h"

namespace hedui::server {

// Declares every setting of `config` as a flag and as a key of the
// configuration file given with --config (the same name without the
// dashes). Flags override the file; a key the server does not know is an
// error, so that a misspelt setting never silently keeps its default.
void AddServerFlags(CLI::App& app, ServerConfig& config);

// The message heduid prints for a command-line or configuration-file error:
// CLI11's own, reworded where it does not name the key plainly.
std::string DescribeParseError(const CLI::ParseError& error);

// The effective configuration in the configuration file's syntax, every key
// with its value and meaning (`heduid --print-config`).
std::string EffectiveConfigText(const CLI::App& app);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_CONFIG_SERVER_FLAGS_H_
