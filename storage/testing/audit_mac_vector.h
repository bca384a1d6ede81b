#ifndef HEDUI_STORAGE_TESTING_AUDIT_MAC_VECTOR_H_
#define HEDUI_STORAGE_TESTING_AUDIT_MAC_VECTOR_H_

// One fixed audit-chain MAC (storage/FORMAT.md, "audit"), checked by the
// server's HmacSha256 (storage/audit_chain_test) and by the CLI's own
// implementation (client/audit_file_test): the CLI may not link storage, so
// the two implementations are held to the same answer here. Computed
// independently with Python's hmac module.

namespace hedui::testing {

inline constexpr char kAuditVectorKey[] =
    "hedui audit chain test vector key, 43 bytes";
// An AuditEntry without its mac: sequence 1, time 1000000 us, caller
// "admin-1".
inline constexpr char kAuditVectorBodyHex[] = "080110c0843d1a0761646d696e2d31";
// HMAC-SHA256(key, 32 zero bytes || body): entry 1's mac.
inline constexpr char kAuditVectorMac1Hex[] =
    "0a7820984b47bb37a576e93fd03d47105f34568d4320e1c93d326383822d57ec";
// HMAC-SHA256(key, mac1 || body): the same body chained after entry 1.
inline constexpr char kAuditVectorMac2Hex[] =
    "ba050312429c1b10da043393029d173959ebb3d739a2e332e9b190f59758544b";

}  // namespace hedui::testing

#endif  // HEDUI_STORAGE_TESTING_AUDIT_MAC_VECTOR_H_
