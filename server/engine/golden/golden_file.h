#ifndef HEDUI_SERVER_ENGINE_GOLDEN_GOLDEN_FILE_H_
#define HEDUI_SERVER_ENGINE_GOLDEN_GOLDEN_FILE_H_

#include <string>

#include "hedui/v1/report.pb.h"

namespace hedui::engine {

// Compares `report`, rendered as protobuf text format (UTF-8 kept), with the
// reviewed file server/engine/golden/<name>.textproto (a gtest failure naming
// the first differing line), and checks that the file parses back into the
// same report. With HEDUI_UPDATE_GOLDEN=1 it rewrites the file instead; the
// diff is then reviewed by hand against domain.md (golden/README.md). Any
// test of the engine may hold goldens: each names its own files.
void ExpectMatchesGolden(const std::string& name,
                         const hedui::v1::Report& report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_GOLDEN_GOLDEN_FILE_H_
