#ifndef HEDUI_SERVER_ENGINE_REQUEST_REQUEST_LIMITS_H_
#define HEDUI_SERVER_ENGINE_REQUEST_REQUEST_LIMITS_H_

// The bounds of a VerificationRequest (issue 14, defect 5), in one place so
// that ValidateRequest, the service and the comments of
// proto/hedui/v1/verification.proto say the same numbers. A request beyond
// any of them is refused whole with INVALID_ARGUMENT naming the field and the
// limit; below them an evaluation costs time linear in the declared persons.
// They bound what a caller sends, never data already stored (records are
// summed in 128 bits whatever their number, see arithmetic/fen_sum.h).

#include <cstdint>

namespace hedui::engine::limits {

// A household of 50 is far beyond any real one (2.3 persons on average,
// domain.md §1); the bound keeps one report within gRPC's message size.
inline constexpr int kMaxMembers = 50;
// Spouse, children and parents of one 特困 applicant.
inline constexpr int kMaxObligors = 20;
// Every declared adult may sign: members plus obligors and their spouses is
// at most 90, but a household that large does not exist; 60 leaves room for
// a large household with its obligors.
inline constexpr int kMaxConsentSigners = 60;
// There are 7 programs; a consent naming one twice is harmless, 16 is room.
inline constexpr int kMaxConsentPrograms = 16;

// Identifiers and codes: application_id, every person_id, consent_id,
// consent.signer_ids, region_code, single_person_member_id. Checked before
// their own format, so an oversized one is refused by its size.
inline constexpr int kMaxIdChars = 64;
// Names, in Unicode characters of valid UTF-8.
inline constexpr int kMaxNameChars = 64;
// Free text (purpose), in Unicode characters of valid UTF-8.
inline constexpr int kMaxTextChars = 200;

// Every int64 amount of a request (declared monthly income, financial
// assets, rigid spending): 0 ≤ x ≤ 10^12 fen (10 billion yuan). Sums of
// declared amounts then stay far inside int64 (50 members × 5 categories ×
// 120 months × 10^12 < 2^55).
inline constexpr int64_t kMaxAmountFen = 1'000'000'000'000;
// Declared counts of properties and vehicles: 0 ≤ x ≤ 100.
inline constexpr int kMaxDeclaredCount = 100;

}  // namespace hedui::engine::limits

#endif  // HEDUI_SERVER_ENGINE_REQUEST_REQUEST_LIMITS_H_
