#ifndef HEDUI_CLIENT_EXIT_CODES_H_
#define HEDUI_CLIENT_EXIT_CODES_H_

namespace hedui::cli {

// Exit codes of `hedui`, the one table scripts rely on (client/README.md
// documents it). Values are part of the CLI's interface: append, never
// renumber.
enum ExitCode : int {
  kExitOk = 0,
  // A server-side error without a more specific code (INTERNAL, UNKNOWN,
  // DATA_LOSS, CANCELLED, ...) or a local failure that is not the caller's
  // fault (a file changing while it is sent).
  kExitError = 1,
  // The command line is wrong (unknown flag, bad department or date,
  // unreadable FILE); nothing was sent to the server.
  kExitUsage = 2,
  // INVALID_ARGUMENT / OUT_OF_RANGE: the server rejected the request or the
  // file's content; details are printed below the message.
  kExitInvalidArgument = 3,
  // FAILED_PRECONDITION / ALREADY_EXISTS: valid request refused in the
  // current state (e.g. a much smaller snapshot without --force).
  kExitFailedPrecondition = 4,
  // UNAVAILABLE / DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED: retrying later may
  // succeed.
  kExitUnavailable = 5,
  // PERMISSION_DENIED / UNAUTHENTICATED.
  kExitPermission = 6,
  // NOT_FOUND.
  kExitNotFound = 7,
  // `hedui audit verify`: the audit chain is broken (an entry edited,
  // removed or cut off). Distinct from 1 so a scheduled check can page on it.
  kExitAuditBroken = 8,
};

// Of two exit codes, the one a script should see when a batch ends with
// both (`hedui verify --batch`): errors that concern the whole run before
// those of single items. Order, most severe first: 6 (no permission: every
// item fails the same way), 1 (server fault), 5 (retry later), 4 (consent or
// policy refused), 3 (an invalid item), 7, 0.
inline int MoreSevereExit(int a, int b) {
  auto rank = [](int code) {
    switch (code) {
      case kExitPermission:
        return 6;
      case kExitError:
        return 5;
      case kExitUnavailable:
        return 4;
      case kExitFailedPrecondition:
        return 3;
      case kExitInvalidArgument:
        return 2;
      case kExitOk:
        return 0;
      default:
        return 1;
    }
  };
  return rank(b) > rank(a) ? b : a;
}

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_EXIT_CODES_H_
