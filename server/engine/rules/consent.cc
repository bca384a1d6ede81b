#include "server/engine/rules/consent.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using hedui::v1::Obligor;
using hedui::v1::VerificationRequest;

// Who the request declares, for the consent (domain.md §1): the members and,
// for 特困 only, the obligors and their declared spouses. Sets beside the
// ordered lists keep the check linear in the persons declared.
struct Declared {
  std::vector<std::string> must_sign;    // if adult on the day, in order
  absl::flat_hash_set<std::string> all;  // a signer outside it voids consent
  absl::flat_hash_set<std::string> must_sign_set;
};

void AddMustSign(Declared* declared, const std::string& id) {
  if (id.empty()) return;
  declared->all.insert(id);
  if (declared->must_sign_set.insert(id).second) {
    declared->must_sign.push_back(id);
  }
}

Declared DeclaredPersons(const VerificationRequest& request) {
  Declared declared;
  for (const auto& member : request.members()) {
    AddMustSign(&declared, member.person_id());
  }
  // Obligors of another program are a validation error; they are not
  // declared persons whose data this program may read.
  if (request.program() != hedui::v1::TEKUN) return declared;
  // Someone declared missing or in custody cannot sign; only their
  // registration status is read, to confirm the declaration. As the request
  // says, whatever the registration shows (domain.md §5: consent follows the
  // request alone).
  absl::flat_hash_set<absl::string_view> absent;
  for (const Obligor& obligor : request.obligors()) {
    if (obligor.declared_status() == Obligor::MISSING ||
        obligor.declared_status() == Obligor::IN_CUSTODY) {
      absent.insert(obligor.person_id());
    }
  }
  for (const Obligor& obligor : request.obligors()) {
    if (absent.contains(obligor.person_id())) {
      if (!obligor.person_id().empty())
        declared.all.insert(obligor.person_id());
    } else {
      AddMustSign(&declared, obligor.person_id());
    }
    // The spouse's income is read with the obligor's, so they sign whatever
    // the obligor's status; unless the spouse is the other obligor of a
    // married couple declared absent, whose income is not read.
    const std::string& spouse = obligor.spouse().person_id();
    if (!absent.contains(spouse)) AddMustSign(&declared, spouse);
  }
  return declared;
}

// An ID whose birth date cannot be read is treated as an adult's: failing
// to ask for a signature is the worse error.
bool IsAdult(absl::string_view id, absl::CivilDay day) {
  if (!ValidateResidentId(id).ok()) return true;
  return AgeOn(ResidentIdBirthDate(id), day) >= 18;
}

// The last day of a consent signed on `signed_on` valid for `months` months:
// the day before the same day `months` later (2025-11-01, 12 → 2026-10-31).
// When that month has no such day (2025-08-31 + 6 → no 2026-02-31), the
// period ends with the month (2026-02-28), as a period counted in months
// does under the Civil Code (art. 202), never running into the next month.
absl::CivilDay ValidThrough(absl::CivilDay signed_on, int months) {
  const absl::CivilMonth end_month = absl::CivilMonth(signed_on) + months;
  const absl::CivilDay last_of_month = absl::CivilDay(end_month + 1) - 1;
  const absl::CivilDay day_before_same_day =
      absl::CivilDay(end_month) + (signed_on.day() - 2);
  return std::min(day_before_same_day, last_of_month);
}

std::string MaskedList(const std::vector<std::string>& ids) {
  return absl::StrJoin(ids, ", ", [](std::string* out, const std::string& id) {
    out->append(MaskResidentId(id));
  });
}

std::string MaskedListZh(const std::vector<std::string>& ids) {
  return absl::StrJoin(ids, "、", [](std::string* out, const std::string& id) {
    out->append(MaskResidentId(id));
  });
}

// What CheckConsent found, with what the texts need.
struct Checked {
  ConsentCheck check;
  bool date_valid = false;
  absl::CivilDay signed_on;
  absl::CivilDay valid_through;
  int adults = 0;  // declared persons who had to sign
};

Checked Check(const VerificationRequest& request, absl::CivilDay day,
              int validity_months, Occasion occasion) {
  Checked out;
  ConsentCheck& check = out.check;
  const hedui::v1::Consent& consent = request.consent();
  const Declared declared = DeclaredPersons(request);
  const absl::flat_hash_set<std::string> signers(consent.signer_ids().begin(),
                                                 consent.signer_ids().end());
  const absl::StatusOr<absl::CivilDay> signed_on =
      FromProto(consent.signed_on(), "consent.signed_on");
  // Adults when signed: never later than the verification date, so a
  // consent dated after it (refused below) cannot excuse anyone.
  const absl::CivilDay adult_on = occasion == Occasion::kReverification &&
                                          signed_on.ok() && *signed_on < day
                                      ? *signed_on
                                      : day;

  for (const std::string& id : declared.must_sign) {
    if (!IsAdult(id, adult_on)) continue;
    ++out.adults;
    if (!signers.contains(id)) check.missing_signers.push_back(id);
  }
  absl::flat_hash_set<std::string> undeclared;
  for (const std::string& signer : consent.signer_ids()) {
    if (!declared.all.contains(signer) && undeclared.insert(signer).second) {
      check.undeclared_signers.push_back(signer);
    }
  }
  check.program_not_covered =
      std::find(consent.programs().begin(), consent.programs().end(),
                request.program()) == consent.programs().end();

  out.date_valid = signed_on.ok();
  if (out.date_valid) {
    out.signed_on = *signed_on;
    out.valid_through = ValidThrough(*signed_on, validity_months);
    check.signed_after = *signed_on > day;
    check.expired = day > out.valid_through;
  }

  std::vector<std::string> problems;
  if (!out.date_valid) {
    problems.push_back("it has no valid signing date");
  }
  if (!check.missing_signers.empty()) {
    problems.push_back(absl::StrCat("declared adults who did not sign: ",
                                    MaskedList(check.missing_signers)));
  }
  if (!check.undeclared_signers.empty()) {
    problems.push_back(absl::StrCat(
        "signed by persons the request does not declare (signed for another "
        "membership, so void): ",
        MaskedList(check.undeclared_signers)));
  }
  if (check.program_not_covered) {
    problems.push_back(
        absl::StrCat("it does not cover program ",
                     hedui::v1::Program_Name(request.program())));
  }
  if (check.expired) {
    problems.push_back(absl::StrCat(
        "it expired: signed on ", FormatCivilDay(out.signed_on), ", valid ",
        validity_months, " months through ", FormatCivilDay(out.valid_through),
        ", verification date ", FormatCivilDay(day)));
  }
  if (check.signed_after) {
    problems.push_back(
        absl::StrCat("it was signed on ", FormatCivilDay(out.signed_on),
                     ", after the verification date ", FormatCivilDay(day)));
  }
  check.valid = problems.empty();
  if (!check.valid) {
    check.problem =
        // A county may number consents by the applicant's resident ID.
        absl::StrCat("consent \"", MaskResidentIdsInText(consent.consent_id()),
                     "\" is not valid: ", absl::StrJoin(problems, "; "));
  }
  return out;
}

}  // namespace

ConsentCheck CheckConsent(const VerificationRequest& request,
                          absl::CivilDay day, int validity_months,
                          Occasion occasion) {
  return Check(request, day, validity_months, occasion).check;
}

void EvaluateConsent(const EvaluationContext& ctx, hedui::v1::Report* report) {
  const VerificationRequest& request = *ctx.request;
  const Checked checked =
      Check(request, ctx.day, ctx.policy.consent_validity_months, ctx.occasion);
  const ConsentCheck& check = checked.check;
  // Masked as in the refusal: a county may number consents by the
  // applicant's resident ID.
  const std::string id = MaskResidentIdsInText(request.consent().consent_id());
  Finding* finding = AddFinding(report, Finding::CONSENT,
                                check.valid ? Finding::PASS : Finding::FAIL);
  if (check.valid) {
    // With no adult declared there is no signer to count: a guardian's
    // signature covers minors (domain.md §1), and the guardian, not being
    // declared, is not among the consent's signers.
    const std::string signers =
        checked.adults == 0
            ? "申报人员均未成年，无须本人签署，由监护人签署授权"
            : absl::StrCat("已覆盖全部 ", checked.adults, " 名成年申报人员");
    finding->set_explanation(
        absl::StrCat("授权书 ", id, " 签于 ", FormatCivilDay(checked.signed_on),
                     "，有效至 ", FormatCivilDay(checked.valid_through),
                     "，覆盖", ProgramName(request.program()), "，", signers));
    return;
  }
  std::vector<std::string> reasons;
  if (!checked.date_valid) reasons.push_back("签署日期无效");
  if (!check.missing_signers.empty()) {
    reasons.push_back(absl::StrCat(
        "成年申报人员 ", MaskedListZh(check.missing_signers), " 未签署授权"));
  }
  if (!check.undeclared_signers.empty()) {
    reasons.push_back(absl::StrCat("签署人 ",
                                   MaskedListZh(check.undeclared_signers),
                                   " 不在本次申报人员之中，授权书作废"));
  }
  if (check.program_not_covered) {
    reasons.push_back(
        absl::StrCat("未覆盖", ProgramName(request.program()), "项目"));
  }
  if (check.expired) {
    reasons.push_back(
        absl::StrCat("签于 ", FormatCivilDay(checked.signed_on), "，有效期 ",
                     ctx.policy.consent_validity_months, " 个月，已于 ",
                     FormatCivilDay(checked.valid_through), " 到期"));
  }
  if (check.signed_after) {
    reasons.push_back(absl::StrCat("签于 ", FormatCivilDay(checked.signed_on),
                                   "，晚于核对日期 ", FormatCivilDay(ctx.day)));
  }
  finding->set_explanation(absl::StrCat("授权书 ", id, " 无效：",
                                        absl::StrJoin(reasons, "；"),
                                        "（先授权、后核对）"));
}

}  // namespace hedui::engine
