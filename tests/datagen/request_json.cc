#include "tests/datagen/request_json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "storage/types/civil_date.h"

namespace hedui::datagen {
namespace {

using Json = nlohmann::ordered_json;

absl::Status Bug(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("requests.jsonl: cannot convert the application: ", what));
}

absl::StatusOr<hedui::v1::Date> Date(const Json& text, absl::string_view key) {
  absl::StatusOr<absl::CivilDay> day = ParseCivilDay(text.get<std::string>());
  if (!day.ok()) return Bug(absl::StrCat(key, ": ", day.status().message()));
  return ToProto(*day);
}

template <typename Enum, typename ParseFn>
absl::StatusOr<Enum> EnumValue(const Json& text, ParseFn parse,
                               absl::string_view key) {
  Enum value;
  const std::string name = text.get<std::string>();
  if (!parse(name, &value)) {
    return Bug(absl::StrCat(key, ": no enum value \"", name, "\""));
  }
  return value;
}

}  // namespace

absl::StatusOr<hedui::v1::VerificationRequest> ApplicationToRequest(
    const Json& app) {
  hedui::v1::VerificationRequest r;
  r.set_application_id(app.at("application_id").get<std::string>());
  absl::StatusOr<hedui::v1::Program> program = EnumValue<hedui::v1::Program>(
      app.at("program"), hedui::v1::Program_Parse, "program");
  if (!program.ok()) return program.status();
  r.set_program(*program);
  r.set_purpose(app.at("purpose").get<std::string>());
  r.set_region_code(app.at("region_code").get<std::string>());
  absl::StatusOr<hedui::v1::Date> date =
      Date(app.at("verification_date"), "verification_date");
  if (!date.ok()) return date.status();
  *r.mutable_verification_date() = *date;

  for (const Json& m : app.at("members")) {
    hedui::v1::DeclaredMember* member = r.add_members();
    member->set_person_id(m.at("person_id").get<std::string>());
    member->set_name(m.at("name").get<std::string>());
    absl::StatusOr<hedui::v1::Relation> relation =
        EnumValue<hedui::v1::Relation>(m.at("relation"),
                                       hedui::v1::Relation_Parse, "relation");
    if (!relation.ok()) return relation.status();
    member->set_relation(*relation);
    const Json& income = m.at("declared_monthly_income_fen");
    hedui::v1::DeclaredIncome* declared =
        member->mutable_declared_monthly_income();
    // A category absent is declared nothing: left unset, not 0.
    if (income.contains("WAGES"))
      declared->set_wages_fen(income.at("WAGES").get<int64_t>());
    if (income.contains("BUSINESS"))
      declared->set_business_fen(income.at("BUSINESS").get<int64_t>());
    if (income.contains("PROPERTY"))
      declared->set_property_fen(income.at("PROPERTY").get<int64_t>());
    if (income.contains("TRANSFER"))
      declared->set_transfer_fen(income.at("TRANSFER").get<int64_t>());
    if (income.contains("OTHER"))
      declared->set_other_fen(income.at("OTHER").get<int64_t>());
    member->set_informal_work(m.at("informal_work").get<bool>());
  }

  const Json& assets = app.at("declared_assets");
  hedui::v1::DeclaredAssets* declared_assets = r.mutable_declared_assets();
  declared_assets->set_financial_assets_fen(
      assets.at("financial_assets_fen").get<int64_t>());
  declared_assets->set_residential_properties(
      assets.at("residential_properties").get<int32_t>());
  declared_assets->set_non_residential_properties(
      assets.at("non_residential_properties").get<int32_t>());
  declared_assets->set_vehicles(assets.at("vehicles").get<int32_t>());

  for (const Json& o : app.at("obligors")) {
    hedui::v1::Obligor* obligor = r.add_obligors();
    obligor->set_person_id(o.at("person_id").get<std::string>());
    obligor->set_name(o.at("name").get<std::string>());
    absl::StatusOr<hedui::v1::Relation> relation =
        EnumValue<hedui::v1::Relation>(o.at("relation"),
                                       hedui::v1::Relation_Parse, "relation");
    if (!relation.ok()) return relation.status();
    obligor->set_relation(*relation);
    absl::StatusOr<hedui::v1::Obligor::DeclaredStatus> status =
        EnumValue<hedui::v1::Obligor::DeclaredStatus>(
            o.at("declared_status"), hedui::v1::Obligor::DeclaredStatus_Parse,
            "declared_status");
    if (!status.ok()) return status.status();
    obligor->set_declared_status(*status);
    if (o.contains("spouse")) {
      obligor->mutable_spouse()->set_person_id(
          o.at("spouse").at("person_id").get<std::string>());
      obligor->mutable_spouse()->set_name(
          o.at("spouse").at("name").get<std::string>());
    }
  }

  r.set_single_person_member_id(
      app.at("single_person_member_id").get<std::string>());
  r.set_serious_illness(app.at("serious_illness").get<bool>());
  const Json& rigid = app.at("rigid_spending_fen");
  r.mutable_rigid_spending()->set_medical_fen(
      rigid.at("medical").get<int64_t>());
  r.mutable_rigid_spending()->set_education_fen(
      rigid.at("education").get<int64_t>());
  r.set_emergency(app.at("emergency").get<bool>());

  const Json& c = app.at("consent");
  hedui::v1::Consent* consent = r.mutable_consent();
  consent->set_consent_id(c.at("consent_id").get<std::string>());
  absl::StatusOr<hedui::v1::Date> signed_on =
      Date(c.at("signed_on"), "consent.signed_on");
  if (!signed_on.ok()) return signed_on.status();
  *consent->mutable_signed_on() = *signed_on;
  for (const Json& id : c.at("signer_ids")) {
    consent->add_signer_ids(id.get<std::string>());
  }
  for (const Json& name : c.at("programs")) {
    absl::StatusOr<hedui::v1::Program> covered = EnumValue<hedui::v1::Program>(
        name, hedui::v1::Program_Parse, "consent.programs");
    if (!covered.ok()) return covered.status();
    consent->add_programs(*covered);
  }
  return r;
}

absl::StatusOr<std::string> ApplicationToRequestJson(const Json& application) {
  absl::StatusOr<hedui::v1::VerificationRequest> request =
      ApplicationToRequest(application);
  if (!request.ok()) return request.status();
  google::protobuf::util::JsonPrintOptions options;
  // The names the .proto and applications.jsonl use; either spelling parses.
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(*request, &json, options);
  if (!status.ok()) return Bug(status.ToString());
  return json;
}

}  // namespace hedui::datagen
