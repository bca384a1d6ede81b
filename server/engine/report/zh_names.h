#ifndef HEDUI_SERVER_ENGINE_REPORT_ZH_NAMES_H_
#define HEDUI_SERVER_ENGINE_REPORT_ZH_NAMES_H_

// The engine reads the one list of Chinese names shared with the CLI.
#include "storage/types/zh_names.h"

namespace hedui::engine {

using ::hedui::ZhName;
using ::hedui::ZhNameOf;
using ::hedui::ZhShortName;
using ::hedui::ZhShortNameOf;

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REPORT_ZH_NAMES_H_
