#include "server/engine/request/validate_request.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "server/engine/request/request_limits.h"
#include "server/engine/request/utf8_chars.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::ErrorDetails;
using hedui::v1::Obligor;
using hedui::v1::Program;
using hedui::v1::VerificationRequest;

using limits::kMaxAmountFen;
using limits::kMaxDeclaredCount;
using limits::kMaxIdChars;
using limits::kMaxNameChars;
using limits::kMaxTextChars;

// "1,000,000,000,000": the limits as a caseworker reads them.
std::string WithSeparators(int64_t n) {
  std::string digits = absl::StrCat(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

class Validator {
 public:
  explicit Validator(const VerificationRequest& request) : request_(request) {}

  std::vector<ErrorDetails::FieldViolation> Run() && {
    // In the order of the request's fields.
    CheckId("application_id", request_.application_id(), /*required=*/false);
    CheckProgram();
    CheckText("purpose", request_.purpose(), /*required=*/true, kMaxTextChars);
    CheckRegion();
    CheckVerificationDate();
    CheckMembers();
    CheckAssets("declared_assets", request_.declared_assets());
    CheckObligors();
    CheckSinglePerson();
    CheckProgramOptions();
    CheckConsent();
    return std::move(violations_);
  }

 private:
  void Add(std::string field, std::string description) {
    ErrorDetails::FieldViolation& v = violations_.emplace_back();
    v.set_field(std::move(field));
    v.set_description(std::move(description));
  }

  bool Is(Program program) const { return request_.program() == program; }

  void CheckProgram() {
    if (request_.program() == hedui::v1::PROGRAM_UNSPECIFIED ||
        !hedui::v1::Program_IsValid(request_.program())) {
      Add("program", "must be one of the programs (DIBAO, TEKUN, ...)");
    }
  }

  // Valid UTF-8 of at most `max_chars` characters; false (with the
  // violation) when not.
  bool CheckText(const std::string& field, absl::string_view text,
                 bool required, int max_chars) {
    if (required && text.empty()) {
      Add(field, "is required");
      return false;
    }
    const std::optional<int64_t> chars = Utf8Chars(text);
    if (!chars.has_value()) {
      Add(field, "must be valid UTF-8 text");
      return false;
    }
    if (*chars > max_chars) {
      Add(field, absl::StrCat("must have at most ", max_chars,
                              " characters, has ", *chars));
      return false;
    }
    return true;
  }

  // An identifier or code, bounded before its own format is looked at, so
  // that an oversized one is refused by its size (and never parsed).
  bool CheckId(const std::string& field, absl::string_view id, bool required) {
    return CheckText(field, id, required, kMaxIdChars);
  }

  void CheckCount(const std::string& field, int count, int max,
                  absl::string_view what) {
    if (count > max) {
      Add(field,
          absl::StrCat("must have at most ", max, " ", what, ", has ", count));
    }
  }

  void CheckAmount(const std::string& field, int64_t fen) {
    if (fen < 0 || fen > kMaxAmountFen) {
      Add(field, absl::StrCat("must be at least 0 and at most ",
                              WithSeparators(kMaxAmountFen), " fen"));
    }
  }

  void CheckDeclaredCount(const std::string& field, int64_t count) {
    if (count < 0 || count > kMaxDeclaredCount) {
      Add(field,
          absl::StrCat("must be at least 0 and at most ", kMaxDeclaredCount));
    }
  }

  void CheckRegion() {
    const std::string& region = request_.region_code();
    if (!CheckId("region_code", region, /*required=*/false)) return;
    bool digits = region.size() == 6;
    for (char c : region) {
      digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
    }
    if (!digits) Add("region_code", "must be a 6-digit county code");
  }

  void CheckVerificationDate() {
    if (!request_.has_verification_date()) {
      Add("verification_date", "is required");
      return;
    }
    day_ = CheckDate("verification_date", request_.verification_date());
  }

  std::optional<absl::CivilDay> CheckDate(const std::string& field,
                                          const hedui::v1::Date& date) {
    const absl::StatusOr<absl::CivilDay> day = FromProto(date, field);
    if (!day.ok()) {
      Add(field, Describe(day.status(), field));
      return std::nullopt;
    }
    return *day;
  }

  // A resident ID: bounded, well-formed, and of someone born by the
  // verification date (an ID born later would count a person of negative
  // age, issue 14). True when it is a valid ID.
  bool CheckResidentId(const std::string& field, absl::string_view id) {
    if (!CheckId(field, id, /*required=*/false)) return false;
    const absl::Status status = ValidateResidentId(id, field);
    if (!status.ok()) {
      Add(field, Describe(status, field));
      return false;
    }
    if (day_.has_value() && ResidentIdBirthDate(id) > *day_) {
      Add(field, absl::StrCat("the birth date in the resident ID is after the "
                              "verification date ",
                              FormatCivilDay(*day_)));
    }
    return true;
  }

  // The errors of civil_date and resident_id start with the field name,
  // which the violation carries on its own.
  static std::string Describe(const absl::Status& status,
                              absl::string_view field) {
    absl::string_view message = status.message();
    absl::ConsumePrefix(&message, field);
    absl::ConsumePrefix(&message, ": ");
    return std::string(message);
  }

  // A resident ID, and that it names nobody declared before (a person is
  // one member, obligor or obligor's spouse, never two; two obligors married
  // to each other are declared as obligors and not through CheckPerson as
  // each other's spouse).
  void CheckPerson(const std::string& prefix, absl::string_view id,
                   absl::string_view name) {
    const std::string id_field = absl::StrCat(prefix, ".person_id");
    if (CheckResidentId(id_field, id)) {
      const auto [it, inserted] = seen_.emplace(std::string(id), id_field);
      if (!inserted) {
        Add(id_field, absl::StrCat("the same person is already declared at ",
                                   it->second));
      }
    }
    const std::string name_field = absl::StrCat(prefix, ".name");
    CheckText(name_field, name, /*required=*/true, kMaxNameChars);
  }

  void CheckMembers() {
    if (request_.members().empty()) {
      Add("members",
          "at least one member (the applicant, relation HEAD) is "
          "required");
      return;
    }
    // Beyond the limit each member is not looked at: the request is refused
    // anyway, and the answer stays one line.
    if (request_.members_size() > limits::kMaxMembers) {
      CheckCount("members", request_.members_size(), limits::kMaxMembers,
                 "members");
      return;
    }
    for (int i = 0; i < request_.members_size(); ++i) {
      const hedui::v1::DeclaredMember& m = request_.members(i);
      const std::string prefix = absl::StrCat("members[", i, "]");
      CheckPerson(prefix, m.person_id(), m.name());
      const std::string relation = absl::StrCat(prefix, ".relation");
      if (i == 0 && m.relation() != hedui::v1::HEAD) {
        Add(relation,
            "the first member is the applicant: relation must be "
            "HEAD");
      } else if (i > 0 && m.relation() == hedui::v1::HEAD) {
        Add(relation, "only the first member (the applicant) may be HEAD");
      } else if (m.relation() == hedui::v1::RELATION_UNSPECIFIED ||
                 !hedui::v1::Relation_IsValid(m.relation())) {
        Add(relation, "must be specified");
      }
      const std::string income =
          absl::StrCat(prefix, ".declared_monthly_income");
      const hedui::v1::DeclaredIncome& d = m.declared_monthly_income();
      CheckAmount(absl::StrCat(income, ".wages_fen"), d.wages_fen());
      CheckAmount(absl::StrCat(income, ".business_fen"), d.business_fen());
      CheckAmount(absl::StrCat(income, ".property_fen"), d.property_fen());
      CheckAmount(absl::StrCat(income, ".transfer_fen"), d.transfer_fen());
      CheckAmount(absl::StrCat(income, ".other_fen"), d.other_fen());
      // A member's own figures are bounded as the household's are: they are
      // added to them for a whole-household verification.
      CheckAssets(absl::StrCat(prefix, ".declared_assets"),
                  m.declared_assets());
      // full_time_student needs no check: any member may declare it, and it
      // only matters where domain.md gives it a meaning (a 特困 member aged
      // 16–17, §10.1).
    }
  }

  void CheckAssets(const std::string& field,
                   const hedui::v1::DeclaredAssets& a) {
    CheckAmount(absl::StrCat(field, ".financial_assets_fen"),
                a.financial_assets_fen());
    CheckDeclaredCount(absl::StrCat(field, ".residential_properties"),
                       a.residential_properties());
    CheckDeclaredCount(absl::StrCat(field, ".non_residential_properties"),
                       a.non_residential_properties());
    CheckDeclaredCount(absl::StrCat(field, ".vehicles"), a.vehicles());
  }

  void CheckObligors() {
    if (!request_.obligors().empty() && !Is(hedui::v1::TEKUN)) {
      Add("obligors", "obligors are declared only for TEKUN");
    }
    if (request_.obligors_size() > limits::kMaxObligors) {
      CheckCount("obligors", request_.obligors_size(), limits::kMaxObligors,
                 "obligors");
      return;
    }
    for (int i = 0; i < request_.obligors_size(); ++i) {
      const Obligor& o = request_.obligors(i);
      const std::string prefix = absl::StrCat("obligors[", i, "]");
      CheckPerson(prefix, o.person_id(), o.name());
      if (o.relation() != hedui::v1::SPOUSE &&
          o.relation() != hedui::v1::CHILD &&
          o.relation() != hedui::v1::PARENT) {
        Add(absl::StrCat(prefix, ".relation"),
            "an obligor is the applicant's SPOUSE, CHILD or PARENT");
      }
      if (o.declared_status() == Obligor::DECLARED_STATUS_UNSPECIFIED ||
          !Obligor::DeclaredStatus_IsValid(o.declared_status())) {
        Add(absl::StrCat(prefix, ".declared_status"),
            "must be NORMAL, MISSING or IN_CUSTODY");
      }
      // An empty spouse message means no spouse is declared.
      const hedui::v1::DeclaredPerson& spouse = o.spouse();
      if (spouse.person_id().empty() && spouse.name().empty()) continue;
      const std::string spouse_prefix = absl::StrCat(prefix, ".spouse");
      const int other = OtherObligor(i, spouse.person_id());
      if (other < 0) {
        CheckPerson(spouse_prefix, spouse.person_id(), spouse.name());
        continue;
      }
      // Two obligors married to each other (both parents, domain.md §5):
      // each is declared as an obligor and names the other as spouse, so
      // their joint income decides for both. The person is declared once,
      // as obligors[other]; one-sided, the two declarations disagree on
      // who the spouse is.
      const std::string id_field = absl::StrCat(spouse_prefix, ".person_id");
      CheckResidentId(id_field, spouse.person_id());
      CheckText(absl::StrCat(spouse_prefix, ".name"), spouse.name(),
                /*required=*/true, kMaxNameChars);
      if (request_.obligors(other).spouse().person_id() != o.person_id()) {
        Add(id_field,
            absl::StrCat("names obligors[", other,
                         "]: two obligors married to each other must each "
                         "name the other as spouse, but obligors[",
                         other, "].spouse does not name obligors[", i, "]"));
      } else if (!spouse.name().empty() &&
                 spouse.name() != request_.obligors(other).name()) {
        // The same person under two names: one of the declarations is wrong,
        // and which one decides whose records are read.
        Add(absl::StrCat(spouse_prefix, ".name"),
            absl::StrCat("differs from obligors[", other,
                         "].name: the spouse is declared as obligors[", other,
                         "] and must carry the same name"));
      }
    }
  }

  // The index of the obligor other than obligors[i] declared as `id`, or -1.
  // Obligors are few (at most kMaxObligors), so a scan is cheap.
  int OtherObligor(int i, absl::string_view id) const {
    if (id.empty()) return -1;
    for (int j = 0; j < request_.obligors_size(); ++j) {
      if (j != i && request_.obligors(j).person_id() == id) return j;
    }
    return -1;
  }

  void CheckSinglePerson() {
    const std::string& id = request_.single_person_member_id();
    if (!id.empty()) {
      if (!CheckId("single_person_member_id", id, /*required=*/false)) return;
      if (Is(hedui::v1::TEKUN)) {
        Add("single_person_member_id",
            "single-person coverage does not apply to TEKUN");
      }
      bool declared = false;
      for (const auto& m : request_.members()) declared |= m.person_id() == id;
      if (!declared) {
        Add("single_person_member_id", "must be one of the declared members");
      } else {
        // Said here too: the field that asks for the coverage names them.
        CheckResidentId("single_person_member_id", id);
      }
    } else if (request_.serious_illness()) {
      Add("serious_illness",
          "applies only to the member named by single_person_member_id");
    }
  }

  void CheckProgramOptions() {
    if (request_.has_rigid_spending()) {
      // Zeros declare nothing: a form that always sends the block is fine.
      const bool declared = request_.rigid_spending().medical_fen() != 0 ||
                            request_.rigid_spending().education_fen() != 0;
      if (declared && !Is(hedui::v1::UNION_HARDSHIP)) {
        Add("rigid_spending", "is declared only for UNION_HARDSHIP");
      }
      CheckAmount("rigid_spending.medical_fen",
                  request_.rigid_spending().medical_fen());
      CheckAmount("rigid_spending.education_fen",
                  request_.rigid_spending().education_fen());
    }
    if (request_.emergency() && !Is(hedui::v1::TEMPORARY)) {
      Add("emergency", "only TEMPORARY requests can be emergencies");
    }
  }

  void CheckConsent() {
    if (!request_.has_consent()) {
      Add("consent", "is required (no mandate, no check)");
      return;
    }
    const hedui::v1::Consent& c = request_.consent();
    CheckId("consent.consent_id", c.consent_id(), /*required=*/true);
    if (!c.has_signed_on()) {
      Add("consent.signed_on", "is required");
    } else {
      CheckDate("consent.signed_on", c.signed_on());
    }
    if (c.signer_ids_size() > limits::kMaxConsentSigners) {
      CheckCount("consent.signer_ids", c.signer_ids_size(),
                 limits::kMaxConsentSigners, "signers");
    } else {
      for (int i = 0; i < c.signer_ids_size(); ++i) {
        CheckResidentId(absl::StrCat("consent.signer_ids[", i, "]"),
                        c.signer_ids(i));
      }
    }
    if (c.programs().empty()) {
      Add("consent.programs", "must name the programs the consent covers");
    } else if (c.programs_size() > limits::kMaxConsentPrograms) {
      CheckCount("consent.programs", c.programs_size(),
                 limits::kMaxConsentPrograms, "programs");
      return;
    }
    for (int i = 0; i < c.programs_size(); ++i) {
      if (c.programs(i) == hedui::v1::PROGRAM_UNSPECIFIED ||
          !hedui::v1::Program_IsValid(c.programs(i))) {
        Add(absl::StrCat("consent.programs[", i, "]"),
            "must be one of the programs (DIBAO, TEKUN, ...)");
      }
    }
  }

  const VerificationRequest& request_;
  std::vector<ErrorDetails::FieldViolation> violations_;
  // The verification date, when it is a real day.
  std::optional<absl::CivilDay> day_;
  // Valid resident ID -> the field that first declared it.
  absl::flat_hash_map<std::string, std::string> seen_;
};

}  // namespace

std::vector<ErrorDetails::FieldViolation> ValidateRequest(
    const VerificationRequest& request) {
  return Validator(request).Run();
}

}  // namespace hedui::engine
