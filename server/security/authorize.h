#ifndef HEDUI_SERVER_SECURITY_AUTHORIZE_H_
#define HEDUI_SERVER_SECURITY_AUTHORIZE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hedui/v1/codes.pb.h"
#include "server/security/caller.h"

namespace hedui::security {

// Authorisation: pure functions of the caller and the request, no I/O, so that
// every RPC applies the same rules and the tests can cover them exhaustively.
// Refusals are PERMISSION_DENIED and say what was refused and why; they
// contain no personal data (only the caller's own identity and grants, the
// method, the program and the county).

// Who may call a method (README.md in this folder has the table).
struct MethodPolicy {
  // Anyone, with or without a certificate (health checking, reflection).
  bool open = false;
  // Otherwise: authenticated callers with one of these roles.
  std::vector<Role> roles;
};

// The policy for a full method name as gRPC spells it,
// "/hedui.v1.VerificationService/Verify" (the leading '/' may be left out);
// null for a method not in the table, which must be refused.
const MethodPolicy* FindMethodPolicy(absl::string_view full_method);

// OK when the method's policy admits the caller's role; PERMISSION_DENIED
// naming the method and the role otherwise, and for a method not in the table.
absl::Status AuthorizeMethod(const Caller& caller,
                             absl::string_view full_method);

// OK when the caller's role is among `allowed`; PERMISSION_DENIED naming
// `method` and the role otherwise.
absl::Status AuthorizeRole(const Caller& caller, absl::Span<const Role> allowed,
                           absl::string_view method);

// May the caller verify a household for `program` in county `region_code`?
// The program must be among the caller's (a program system may not verify for
// another program's purpose) and the county among its counties (a county's
// system may not query another county's residents). PERMISSION_DENIED naming
// what is missing otherwise; INVALID_ARGUMENT for PROGRAM_UNSPECIFIED or a
// county code that is not 6 digits, which even "every program/county" does
// not admit.
absl::Status AuthorizeVerify(const Caller& caller, hedui::v1::Program program,
                             absl::string_view region_code);

// Whether a stored report or statistic for (program, county) is visible to
// the caller: the same grants as AuthorizeVerify, as a predicate for filters.
// (Ask first whether the caller's role may call the method at all.)
bool MaySee(const Caller& caller, hedui::v1::Program program,
            absl::string_view region_code);

// The counties and programs whose reports and statistics the caller may see,
// e.g. to restrict a scan; all() for every one.
const RegionScope& VisibleRegions(const Caller& caller);
const ProgramScope& VisiblePrograms(const Caller& caller);

}  // namespace hedui::security

#endif  // HEDUI_SERVER_SECURITY_AUTHORIZE_H_
