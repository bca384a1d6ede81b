#ifndef HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_
#define HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_

#include "hedui/v1/retention.pb.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "storage/retention.h"

namespace hedui::server {

// hedui.v1.RetentionService: an administrator purges what has expired now
// (heduid also purges on a schedule: RunScheduledPurge). A purge audits
// itself with its counts; any other outcome is audited by the call door.
class RetentionServiceImpl final : public RawService {
 public:
  // `door` and `purger` must outlive the service.
  RetentionServiceImpl(CallDoor* door, storage::Purger* purger);

 private:
  CallDoor* door_;
  storage::Purger* purger_;
};

// heduid's periodic purge (run it on a PeriodicTask): purges as
// "(scheduled)" and logs the outcome; the purger audits it. A failed run is
// logged and simply tried again at the next period.
void RunScheduledPurge(storage::Purger& purger);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_
