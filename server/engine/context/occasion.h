#ifndef HEDUI_SERVER_ENGINE_CONTEXT_OCCASION_H_
#define HEDUI_SERVER_ENGINE_CONTEXT_OCCASION_H_

namespace hedui::engine {

// Why a household is verified: an application, or a re-verification of a
// roll entry with its stored declaration and consent (domain.md §10). Two
// rules differ (§10.1):
// - consent: an application needs every declared person who is an adult on
//   the verification date (§1); a roll entry's stored consent needs those
//   who were adults when it was signed, so a minor who turns 18 is covered
//   by the guardian's signature until the consent expires;
// - declared income: a re-verification does not compare again the declared
//   figures a department covers (wages, pensions); uncovered ones (informal
//   wages, other income) still count.
enum class Occasion {
  kApplication,
  kReverification,
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_CONTEXT_OCCASION_H_
