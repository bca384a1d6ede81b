#ifndef HEDUI_SERVER_SERVICE_CALL_CLASS_H_
#define HEDUI_SERVER_SERVICE_CALL_CLASS_H_

namespace hedui::server {

// Calls are admitted by class, so that one kind of call cannot take every
// slot from the others (idle batch streams once held all of them).
enum class CallClass {
  kVerify,  // Verify: evaluation and a synced write
  kRead,    // lookups and listings of what is stored
  kAdmin,   // backups, purges: long, heavy and rare
  kStream,  // VerifyBatch, Ingest, ExportAudit: long-lived, idle timeout
  kWatch,   // long-lived watch streams: own cap, keepalives, no idle timeout
};

const char* CallClassName(CallClass call_class);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_CLASS_H_
