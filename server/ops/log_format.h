#ifndef HEDUI_SERVER_OPS_LOG_FORMAT_H_
#define HEDUI_SERVER_OPS_LOG_FORMAT_H_

#include <memory>
#include <string>

#include "spdlog/formatter.h"

namespace hedui::server {

// "text": time, level, message, as a person reads them. "json": one object
// per line {"time","level","logger","message"} for log shippers; the message
// is escaped, so a quote or a newline in it cannot forge another field or
// line. Masking happens where messages are written, whatever the format.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& format);

// Installs the formatter on the default logger, and routes gRPC core's own
// lines through its sinks (grpc_core_log.h).
void ConfigureLogging(const std::string& format);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_LOG_FORMAT_H_
