#include "server/engine/request/validate_request.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::ErrorDetails;
using hedui::v1::Obligor;
using hedui::v1::Program;
using hedui::v1::VerificationRequest;

constexpr int kMaxNameChars = 64;
constexpr int kMaxApplicationIdChars = 64;
constexpr int kMaxPurposeChars = 200;
// A monthly income of a billion yuan is a unit error, not a household; the
// bound also keeps window totals far from overflow.
constexpr int64_t kIncomeLimitFen = 100'000'000'000;

// Characters, not bytes: names and purposes are Chinese text.
int Utf8Length(absl::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

class Validator {
 public:
  explicit Validator(const VerificationRequest& request) : request_(request) {}

  std::vector<ErrorDetails::FieldViolation> Run() && {
    // In the order of the request's fields.
    CheckText("application_id", request_.application_id(),
              /*required=*/false, kMaxApplicationIdChars);
    CheckProgram();
    CheckText("purpose", request_.purpose(), /*required=*/true,
              kMaxPurposeChars);
    CheckRegion();
    CheckVerificationDate();
    CheckMembers();
    CheckAssets();
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

  void CheckText(const std::string& field, absl::string_view text,
                 bool required, int max_chars) {
    if (required && text.empty()) {
      Add(field, "is required");
    } else if (Utf8Length(text) > max_chars) {
      Add(field, absl::StrCat("must have at most ", max_chars,
                              " characters, has ", Utf8Length(text)));
    }
  }

  void CheckRegion() {
    const std::string& region = request_.region_code();
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
    CheckDate("verification_date", request_.verification_date());
  }

  void CheckDate(const std::string& field, const hedui::v1::Date& date) {
    const absl::StatusOr<absl::CivilDay> day = FromProto(date, field);
    if (!day.ok()) Add(field, Describe(day.status(), field));
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
  // one member, obligor or obligor's spouse, never two).
  void CheckPerson(const std::string& prefix, absl::string_view id,
                   absl::string_view name) {
    const std::string id_field = absl::StrCat(prefix, ".person_id");
    const absl::Status status = ValidateResidentId(id, id_field);
    if (!status.ok()) {
      Add(id_field, Describe(status, id_field));
    } else {
      const auto [it, inserted] = seen_.emplace(std::string(id), id_field);
      if (!inserted) {
        Add(id_field, absl::StrCat("the same person is already declared at ",
                                   it->second));
      }
    }
    const std::string name_field = absl::StrCat(prefix, ".name");
    CheckText(name_field, name, /*required=*/true, kMaxNameChars);
  }

  void CheckIncome(const std::string& prefix, absl::string_view field,
                   int64_t fen) {
    if (fen < 0 || fen >= kIncomeLimitFen) {
      Add(absl::StrCat(prefix, ".", field),
          "must be at least 0 and below 100,000,000,000 fen a month");
    }
  }

  void CheckMembers() {
    if (request_.members().empty()) {
      Add("members",
          "at least one member (the applicant, relation HEAD) is "
          "required");
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
      CheckIncome(income, "wages_fen", d.wages_fen());
      CheckIncome(income, "business_fen", d.business_fen());
      CheckIncome(income, "property_fen", d.property_fen());
      CheckIncome(income, "transfer_fen", d.transfer_fen());
      CheckIncome(income, "other_fen", d.other_fen());
    }
  }

  void CheckAssets() {
    const hedui::v1::DeclaredAssets& a = request_.declared_assets();
    const std::pair<const char*, int64_t> fields[] = {
        {"financial_assets_fen", a.financial_assets_fen()},
        {"residential_properties", a.residential_properties()},
        {"non_residential_properties", a.non_residential_properties()},
        {"vehicles", a.vehicles()},
    };
    for (const auto& [field, value] : fields) {
      if (value < 0) {
        Add(absl::StrCat("declared_assets.", field), "must be at least 0");
      }
    }
  }

  void CheckObligors() {
    if (!request_.obligors().empty() && !Is(hedui::v1::TEKUN)) {
      Add("obligors", "obligors are declared only for TEKUN");
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
      if (!spouse.person_id().empty() || !spouse.name().empty()) {
        CheckPerson(absl::StrCat(prefix, ".spouse"), spouse.person_id(),
                    spouse.name());
      }
    }
  }

  void CheckSinglePerson() {
    const std::string& id = request_.single_person_member_id();
    if (!id.empty()) {
      if (Is(hedui::v1::TEKUN)) {
        Add("single_person_member_id",
            "single-person coverage does not apply to TEKUN");
      }
      bool declared = false;
      for (const auto& m : request_.members()) declared |= m.person_id() == id;
      if (!declared) {
        Add("single_person_member_id", "must be one of the declared members");
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
      if (request_.rigid_spending().medical_fen() < 0) {
        Add("rigid_spending.medical_fen", "must be at least 0");
      }
      if (request_.rigid_spending().education_fen() < 0) {
        Add("rigid_spending.education_fen", "must be at least 0");
      }
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
    if (c.consent_id().empty()) Add("consent.consent_id", "is required");
    if (!c.has_signed_on()) {
      Add("consent.signed_on", "is required");
    } else {
      CheckDate("consent.signed_on", c.signed_on());
    }
    for (int i = 0; i < c.signer_ids_size(); ++i) {
      const std::string field = absl::StrCat("consent.signer_ids[", i, "]");
      const absl::Status status = ValidateResidentId(c.signer_ids(i), field);
      if (!status.ok()) Add(field, Describe(status, field));
    }
    if (c.programs().empty()) {
      Add("consent.programs", "must name the programs the consent covers");
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
  // Valid resident ID -> the field that first declared it.
  absl::flat_hash_map<std::string, std::string> seen_;
};

}  // namespace

std::vector<ErrorDetails::FieldViolation> ValidateRequest(
    const VerificationRequest& request) {
  return Validator(request).Run();
}

}  // namespace hedui::engine
