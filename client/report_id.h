#ifndef HEDUI_CLIENT_REPORT_ID_H_
#define HEDUI_CLIENT_REPORT_ID_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hedui::cli {

// The form heduid gives report ids (storage/service_log_keys.cc,
// FormatReportId): "R" and 12 digits, numbered from R000000000001.
inline constexpr char kReportIdExample[] = "R000000000001";

// INVALID_ARGUMENT, naming `argument` ("ID") and the expected form, unless
// `id` is a report id heduid could have made. Checked before connecting, so
// a mistyped id costs no call. The message never repeats the text given: a
// resident ID pasted by mistake must not be echoed.
absl::Status ValidateReportId(absl::string_view argument, absl::string_view id);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REPORT_ID_H_
