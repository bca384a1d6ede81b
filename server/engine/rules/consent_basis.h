#ifndef HEDUI_SERVER_ENGINE_RULES_CONSENT_BASIS_H_
#define HEDUI_SERVER_ENGINE_RULES_CONSENT_BASIS_H_

namespace hedui::engine {

// Whose signature a consent needs. An application needs every declared
// person who is an adult on the verification date (domain.md §1). A roll
// entry's stored consent, used by its re-verifications, needs those who were
// adults when it was signed: a minor who turns 18 is covered by the
// guardian's signature until the consent expires (§10.1 Consent).
enum class ConsentBasis {
  kAdultsOnVerificationDate,
  kAdultsWhenSigned,
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_CONSENT_BASIS_H_
