#ifndef HEDUI_SERVER_SERVICE_CALL_INFO_H_
#define HEDUI_SERVER_SERVICE_CALL_INFO_H_

#include <string>
#include <vector>

namespace hedui::server {

// Who calls and how, as the work of a call and its audit entry see it.
struct CallInfo {
  std::string caller;  // identity, or "(unauthenticated)"
  std::string method;  // full gRPC method name
  // Counties whose residents and reports the caller may see; empty: all.
  std::vector<std::string> regions;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_INFO_H_
