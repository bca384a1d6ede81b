// ValidateRequest: each rule reports its own field path, one violation per
// problem, with resident IDs never echoed.
#include "server/engine/request/validate_request.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::v1::VerificationRequest;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Id(const std::string& birth, const std::string& seq) {
  const std::string first17 = absl::StrCat("320581", birth, seq);
  return first17 + ResidentIdCheckCharacter(first17);
}

const std::string kHead = Id("19500101", "011");
const std::string kSpouse = Id("19520202", "012");
const std::string kObligor = Id("19750303", "021");
const std::string kObligorSpouse = Id("19760404", "022");

// A request that passes: the applicant and spouse, with an obligor and the
// obligor's spouse for TEKUN.
VerificationRequest Base(const std::string& program) {
  // Text format with the IDs spliced in; plain strings, because clang-format
  // reflows raw strings that look like text protos.
  std::string text = absl::StrCat(
      "application_id: 'APP-000001' program: ", program,
      " purpose: '申请审核' region_code: '320581'"
      " verification_date { year: 2026 month: 11 day: 10 }"
      " members { person_id: '",
      kHead,
      "' name: '张三' relation: HEAD"
      "   declared_monthly_income { wages_fen: 0 transfer_fen: 50000 } }"
      " members { person_id: '",
      kSpouse,
      "' name: '李梅' relation: SPOUSE }"
      " declared_assets { financial_assets_fen: 100000"
      "   residential_properties: 1 }"
      " consent { consent_id: 'C-1'"
      "   signed_on { year: 2026 month: 10 day: 20 }"
      "   signer_ids: '",
      kHead, "' signer_ids: '", kSpouse,
      "'"
      "   programs: ",
      program, " }");
  if (program == "TEKUN") {
    absl::StrAppend(&text, " obligors { person_id: '", kObligor,
                    "' name: '张小明' relation: CHILD declared_status: NORMAL"
                    " spouse { person_id: '",
                    kObligorSpouse, "' name: '王芳' } }");
  }
  VerificationRequest request;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request))
      << text;
  return request;
}

std::vector<std::string> Fields(const VerificationRequest& request) {
  std::vector<std::string> fields;
  for (const auto& v : ValidateRequest(request)) fields.push_back(v.field());
  return fields;
}

TEST(ValidateRequestTest, BaseRequestsAreValid) {
  for (const char* program :
       {"DIBAO", "TEKUN", "LOW_INCOME_MARGIN", "TEMPORARY", "MEDICAL",
        "HOUSING", "UNION_HARDSHIP"}) {
    SCOPED_TRACE(program);
    EXPECT_THAT(Fields(Base(program)), IsEmpty());
  }
}

struct Case {
  std::string name;
  std::string program;
  std::function<void(VerificationRequest&)> change;
  std::vector<std::string> fields;  // expected, in order
};

// Replaces the check character, keeping the rest of the ID.
std::string WrongCheck(const std::string& id) {
  return id.substr(0, 17) + (id[17] == '0' ? "1" : "0");
}

TEST(ValidateRequestTest, EachRuleNamesItsField) {
  using R = VerificationRequest;
  const std::string name64(64, 'a');
  std::string chinese64;
  for (int i = 0; i < 64; ++i) chinese64 += "张";
  const Case cases[] = {
      {"ProgramUnspecified",
       "DIBAO",
       [](R& r) { r.set_program(hedui::v1::PROGRAM_UNSPECIFIED); },
       {"program"}},
      {"ProgramUnknown",
       "DIBAO",
       [](R& r) { r.set_program(static_cast<hedui::v1::Program>(99)); },
       {"program"}},
      {"RegionFiveDigits",
       "DIBAO",
       [](R& r) { r.set_region_code("32058"); },
       {"region_code"}},
      {"RegionSevenDigits",
       "DIBAO",
       [](R& r) { r.set_region_code("3205811"); },
       {"region_code"}},
      {"RegionNotDigits",
       "DIBAO",
       [](R& r) { r.set_region_code("32058A"); },
       {"region_code"}},
      {"NoVerificationDate",
       "DIBAO",
       [](R& r) { r.clear_verification_date(); },
       {"verification_date"}},
      {"VerificationDateImpossible",
       "DIBAO",
       [](R& r) { r.mutable_verification_date()->set_day(31); },
       {"verification_date"}},
      {"NoMembers", "DIBAO", [](R& r) { r.clear_members(); }, {"members"}},
      {"FirstMemberNotHead",
       "DIBAO",
       [](R& r) { r.mutable_members(0)->set_relation(hedui::v1::SPOUSE); },
       {"members[0].relation"}},
      {"SecondHead",
       "DIBAO",
       [](R& r) { r.mutable_members(1)->set_relation(hedui::v1::HEAD); },
       {"members[1].relation"}},
      {"RelationUnspecified",
       "DIBAO",
       [](R& r) {
         r.mutable_members(1)->set_relation(hedui::v1::RELATION_UNSPECIFIED);
       },
       {"members[1].relation"}},
      {"IdCheckCharacter",
       "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(WrongCheck(kSpouse)); },
       {"members[1].person_id"}},
      {"IdTooShort",
       "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(kSpouse.substr(0, 17)); },
       {"members[1].person_id"}},
      {"IdEmpty",
       "DIBAO",
       [](R& r) { r.mutable_members(0)->clear_person_id(); },
       {"members[0].person_id"}},
      {"DuplicateMember",
       "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(kHead); },
       {"members[1].person_id"}},
      {"ObligorIsAMember",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->set_person_id(kSpouse); },
       {"obligors[0].person_id"}},
      {"ObligorSpouseIsTheObligor",
       "TEKUN",
       [](R& r) {
         r.mutable_obligors(0)->mutable_spouse()->set_person_id(kObligor);
       },
       {"obligors[0].spouse.person_id"}},
      {"ObligorSpouseBadId",
       "TEKUN",
       [](R& r) {
         r.mutable_obligors(0)->mutable_spouse()->set_person_id(
             WrongCheck(kObligorSpouse));
       },
       {"obligors[0].spouse.person_id"}},
      {"ObligorSpouseNameWithoutId",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->mutable_spouse()->clear_person_id(); },
       {"obligors[0].spouse.person_id"}},
      {"ObligorSpouseWithoutName",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->mutable_spouse()->clear_name(); },
       {"obligors[0].spouse.name"}},
      {"NoObligorSpouseIsFine",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->clear_spouse(); },
       {}},
      {"NameEmpty",
       "DIBAO",
       [](R& r) { r.mutable_members(0)->clear_name(); },
       {"members[0].name"}},
      {"Name65",
       "DIBAO",
       [&](R& r) { r.mutable_members(1)->set_name(name64 + "b"); },
       {"members[1].name"}},
      {"Name64",
       "DIBAO",
       [&](R& r) { r.mutable_members(1)->set_name(name64); },
       {}},
      {"Name64ChineseCharacters",
       "DIBAO",
       [&](R& r) { r.mutable_members(1)->set_name(chinese64); },
       {}},
      {"Name65ChineseCharacters",
       "DIBAO",
       [&](R& r) { r.mutable_members(1)->set_name(chinese64 + "张"); },
       {"members[1].name"}},
      {"ObligorNameEmpty",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->clear_name(); },
       {"obligors[0].name"}},
      {"WagesNegative",
       "DIBAO",
       [](R& r) {
         r.mutable_members(0)->mutable_declared_monthly_income()->set_wages_fen(
             -1);
       },
       {"members[0].declared_monthly_income.wages_fen"}},
      {"BusinessNegative",
       "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_monthly_income()
             ->set_business_fen(-1);
       },
       {"members[1].declared_monthly_income.business_fen"}},
      {"PropertyOverLimit",
       "DIBAO",
       [](R& r) {
         r.mutable_members(0)
             ->mutable_declared_monthly_income()
             ->set_property_fen(1'000'000'000'001);
       },
       {"members[0].declared_monthly_income.property_fen"}},
      {"TransferAtLimit",
       "DIBAO",
       [](R& r) {
         r.mutable_members(0)
             ->mutable_declared_monthly_income()
             ->set_transfer_fen(1'000'000'000'000);
       },
       {}},
      {"OtherNegative",
       "DIBAO",
       [](R& r) {
         r.mutable_members(0)->mutable_declared_monthly_income()->set_other_fen(
             -5);
       },
       {"members[0].declared_monthly_income.other_fen"}},
      {"AssetsNegative",
       "DIBAO",
       [](R& r) { r.mutable_declared_assets()->set_financial_assets_fen(-1); },
       {"declared_assets.financial_assets_fen"}},
      {"VehiclesNegative",
       "DIBAO",
       [](R& r) { r.mutable_declared_assets()->set_vehicles(-1); },
       {"declared_assets.vehicles"}},
      {"HomesNegative",
       "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_residential_properties(-1);
       },
       {"declared_assets.residential_properties"}},
      {"OtherPropertiesNegative",
       "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_non_residential_properties(-2);
       },
       {"declared_assets.non_residential_properties"}},
      {"ObligorsOutsideTekun",
       "DIBAO",
       [](R& r) { *r.add_obligors() = Base("TEKUN").obligors(0); },
       {"obligors"}},
      {"ObligorSibling",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->set_relation(hedui::v1::SIBLING); },
       {"obligors[0].relation"}},
      {"ObligorParentIsFine",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->set_relation(hedui::v1::PARENT); },
       {}},
      {"ObligorNoStatus",
       "TEKUN",
       [](R& r) {
         r.mutable_obligors(0)->set_declared_status(
             hedui::v1::Obligor::DECLARED_STATUS_UNSPECIFIED);
       },
       {"obligors[0].declared_status"}},
      {"SinglePersonNotAMember",
       "DIBAO",
       [](R& r) { r.set_single_person_member_id(kObligor); },
       {"single_person_member_id"}},
      {"SinglePersonIsAMember",
       "DIBAO",
       [](R& r) {
         r.set_single_person_member_id(kSpouse);
         r.set_serious_illness(true);
       },
       {}},
      {"SinglePersonForTekun",
       "TEKUN",
       [](R& r) { r.set_single_person_member_id(kSpouse); },
       {"single_person_member_id"}},
      {"SeriousIllnessAlone",
       "DIBAO",
       [](R& r) { r.set_serious_illness(true); },
       {"serious_illness"}},
      {"RigidSpendingOutsideUnion",
       "DIBAO",
       [](R& r) { r.mutable_rigid_spending()->set_medical_fen(100); },
       {"rigid_spending"}},
      {"ZeroRigidSpendingOutsideUnionDeclaresNothing",
       "DIBAO",
       [](R& r) { r.mutable_rigid_spending()->set_medical_fen(0); },
       {}},
      {"RigidSpendingUnion",
       "UNION_HARDSHIP",
       [](R& r) { r.mutable_rigid_spending()->set_medical_fen(100); },
       {}},
      {"RigidMedicalNegative",
       "UNION_HARDSHIP",
       [](R& r) { r.mutable_rigid_spending()->set_medical_fen(-1); },
       {"rigid_spending.medical_fen"}},
      {"RigidEducationNegative",
       "UNION_HARDSHIP",
       [](R& r) { r.mutable_rigid_spending()->set_education_fen(-1); },
       {"rigid_spending.education_fen"}},
      {"EmergencyOutsideTemporary",
       "DIBAO",
       [](R& r) { r.set_emergency(true); },
       {"emergency"}},
      {"EmergencyTemporary",
       "TEMPORARY",
       [](R& r) { r.set_emergency(true); },
       {}},
      {"NoConsent", "DIBAO", [](R& r) { r.clear_consent(); }, {"consent"}},
      {"ConsentIdEmpty",
       "DIBAO",
       [](R& r) { r.mutable_consent()->clear_consent_id(); },
       {"consent.consent_id"}},
      {"ConsentNotSigned",
       "DIBAO",
       [](R& r) { r.mutable_consent()->clear_signed_on(); },
       {"consent.signed_on"}},
      {"ConsentSignedImpossible",
       "DIBAO",
       [](R& r) { r.mutable_consent()->mutable_signed_on()->set_month(13); },
       {"consent.signed_on"}},
      {"ConsentSignerBadId",
       "DIBAO",
       [](R& r) { r.mutable_consent()->set_signer_ids(0, WrongCheck(kHead)); },
       {"consent.signer_ids[0]"}},
      {"ConsentSecondSignerBadId",
       "DIBAO",
       [](R& r) { r.mutable_consent()->set_signer_ids(1, "12345"); },
       {"consent.signer_ids[1]"}},
      {"ConsentNoPrograms",
       "DIBAO",
       [](R& r) { r.mutable_consent()->clear_programs(); },
       {"consent.programs"}},
      {"ConsentProgramUnspecified",
       "DIBAO",
       [](R& r) {
         r.mutable_consent()->add_programs(hedui::v1::PROGRAM_UNSPECIFIED);
       },
       {"consent.programs[1]"}},
      {"ApplicationId65",
       "DIBAO",
       [&](R& r) { r.set_application_id(name64 + "x"); },
       {"application_id"}},
      {"ApplicationIdEmptyIsFine",
       "DIBAO",
       [](R& r) { r.clear_application_id(); },
       {}},
      {"PurposeEmpty", "DIBAO", [](R& r) { r.clear_purpose(); }, {"purpose"}},
      {"Purpose201",
       "DIBAO",
       [](R& r) { r.set_purpose(std::string(201, 'p')); },
       {"purpose"}},
      {"Purpose200",
       "DIBAO",
       [](R& r) { r.set_purpose(std::string(200, 'p')); },
       {}},
      // Every problem is reported, not just the first.
      {"SeveralProblems",
       "DIBAO",
       [](R& r) {
         r.set_region_code("");
         r.mutable_members(1)->clear_name();
         r.mutable_consent()->clear_consent_id();
       },
       {"region_code", "members[1].name", "consent.consent_id"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    VerificationRequest request = Base(c.program);
    c.change(request);
    const auto violations = ValidateRequest(request);
    EXPECT_THAT(Fields(request), ElementsAreArray(c.fields));
    for (const auto& v : violations) {
      EXPECT_THAT(v.description(), Not(IsEmpty()));
      for (const std::string& id : {kHead, kSpouse, kObligor, kObligorSpouse}) {
        EXPECT_THAT(v.description(), Not(HasSubstr(id.substr(0, 17))));
      }
    }
  }
}

TEST(ValidateRequestTest, DescriptionSaysWhatIsWrong) {
  VerificationRequest request = Base("TEKUN");
  request.mutable_members(1)->set_person_id(WrongCheck(kSpouse));
  request.mutable_obligors(0)->set_person_id(kHead);
  const auto violations = ValidateRequest(request);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field(), "members[1].person_id");
  EXPECT_THAT(violations[0].description(), HasSubstr("check character"));
  // The field is the violation's own; the description does not repeat it.
  EXPECT_THAT(violations[0].description(), Not(HasSubstr("members[1]")));
  EXPECT_EQ(violations[1].field(), "obligors[0].person_id");
  EXPECT_THAT(violations[1].description(), HasSubstr("members[0].person_id"));
}

// Issue 14, defects 5 and 14: every limit of request_limits.h on both sides,
// each refusal naming the field and the limit; resident IDs of persons born
// after the verification date (2026-11-10 in Base) refused wherever they
// appear.
struct LimitCase {
  std::string name;
  std::string program;
  std::function<void(VerificationRequest&)> change;
  std::string field;        // empty: the request stays valid
  std::string description;  // a part of the violation's description
};

// Distinct valid IDs of adults, for n < 12,000.
std::string Adult(int n) {
  return Id(absl::StrFormat("1980%02d01", 1 + n / 1000),
            absl::StrFormat("%03d", n % 1000));
}

void AddMembers(VerificationRequest& r, int total) {
  while (r.members_size() < total) {
    hedui::v1::DeclaredMember* m = r.add_members();
    m->set_person_id(Adult(r.members_size()));
    m->set_name("成员");
    m->set_relation(hedui::v1::CHILD);
  }
}

void AddObligors(VerificationRequest& r, int total) {
  while (r.obligors_size() < total) {
    hedui::v1::Obligor* o = r.add_obligors();
    o->set_person_id(
        Id("19700101", absl::StrFormat("%03d", 200 + r.obligors_size())));
    o->set_name("义务人");
    o->set_relation(hedui::v1::CHILD);
    o->set_declared_status(hedui::v1::Obligor::NORMAL);
  }
}

void AddSigners(VerificationRequest& r, int total) {
  while (r.consent().signer_ids_size() < total) {
    r.mutable_consent()->add_signer_ids(
        Id("19900101",
           absl::StrFormat("%03d", 300 + r.consent().signer_ids_size())));
  }
}

std::string Chinese(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "张";
  return out;
}

const std::string kBornAfter = Id("20261111", "031");  // a day after the date
const std::string kBornOnTheDay = Id("20261110", "032");

TEST(ValidateRequestTest, LimitsOnBothSides) {
  using R = VerificationRequest;
  const LimitCase cases[] = {
      {"Members50", "DIBAO", [](R& r) { AddMembers(r, 50); }, "", ""},
      {"Members51", "DIBAO", [](R& r) { AddMembers(r, 51); }, "members",
       "must have at most 50 members, has 51"},
      {"Members10000", "DIBAO", [](R& r) { AddMembers(r, 10000); }, "members",
       "at most 50 members, has 10000"},
      {"Obligors20", "TEKUN", [](R& r) { AddObligors(r, 20); }, "", ""},
      {"Obligors21", "TEKUN", [](R& r) { AddObligors(r, 21); }, "obligors",
       "must have at most 20 obligors, has 21"},
      {"Signers60", "DIBAO", [](R& r) { AddSigners(r, 60); }, "", ""},
      {"Signers61", "DIBAO", [](R& r) { AddSigners(r, 61); },
       "consent.signer_ids", "must have at most 60 signers, has 61"},
      {"Programs16", "DIBAO",
       [](R& r) {
         while (r.consent().programs_size() < 16) {
           r.mutable_consent()->add_programs(hedui::v1::DIBAO);
         }
       },
       "", ""},
      {"Programs17", "DIBAO",
       [](R& r) {
         while (r.consent().programs_size() < 17) {
           r.mutable_consent()->add_programs(hedui::v1::DIBAO);
         }
       },
       "consent.programs", "must have at most 16 programs, has 17"},
      {"ApplicationId64", "DIBAO",
       [](R& r) { r.set_application_id(std::string(64, 'a')); }, "", ""},
      {"ConsentId64", "DIBAO",
       [](R& r) { r.mutable_consent()->set_consent_id(std::string(64, 'c')); },
       "", ""},
      {"ConsentId65", "DIBAO",
       [](R& r) { r.mutable_consent()->set_consent_id(std::string(65, 'c')); },
       "consent.consent_id", "must have at most 64 characters, has 65"},
      {"RegionCode65", "DIBAO",
       [](R& r) { r.set_region_code(std::string(65, '3')); }, "region_code",
       "must have at most 64 characters, has 65"},
      {"RegionCode7MiB", "DIBAO",
       [](R& r) { r.set_region_code(std::string(7 << 20, '3')); },
       "region_code", "must have at most 64 characters, has 7340032"},
      {"PersonId65", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(std::string(65, '1')); },
       "members[1].person_id", "must have at most 64 characters"},
      {"SignerId65", "DIBAO",
       [](R& r) {
         r.mutable_consent()->set_signer_ids(1, std::string(65, '1'));
       },
       "consent.signer_ids[1]", "must have at most 64 characters"},
      {"SinglePersonId65", "DIBAO",
       [](R& r) { r.set_single_person_member_id(std::string(65, '1')); },
       "single_person_member_id", "must have at most 64 characters"},
      {"Purpose200Chinese", "DIBAO", [](R& r) { r.set_purpose(Chinese(200)); },
       "", ""},
      {"Purpose201Chinese", "DIBAO", [](R& r) { r.set_purpose(Chinese(201)); },
       "purpose", "must have at most 200 characters, has 201"},
      {"PurposeInvalidUtf8", "DIBAO",
       [](R& r) { r.set_purpose("申请\xE5\xBC"); }, "purpose",
       "must be valid UTF-8"},
      {"NameCutInACharacter", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_name(std::string("张", 2)); },
       "members[1].name", "must be valid UTF-8"},
      {"NameOverlongSlash", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_name("\xC0\xAF"); },
       "members[1].name", "must be valid UTF-8"},
      {"AssetsAtLimit", "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_financial_assets_fen(
             1'000'000'000'000);
       },
       "", ""},
      {"AssetsOverLimit", "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_financial_assets_fen(
             1'000'000'000'001);
       },
       "declared_assets.financial_assets_fen",
       "must be at least 0 and at most 1,000,000,000,000 fen"},
      {"WagesInt64Max", "DIBAO",
       [](R& r) {
         r.mutable_members(1)->mutable_declared_monthly_income()->set_wages_fen(
             INT64_MAX);
       },
       "members[1].declared_monthly_income.wages_fen",
       "at most 1,000,000,000,000 fen"},
      {"RigidMedicalInt64Max", "UNION_HARDSHIP",
       [](R& r) { r.mutable_rigid_spending()->set_medical_fen(INT64_MAX); },
       "rigid_spending.medical_fen", "at most 1,000,000,000,000 fen"},
      {"RigidBothAtLimit", "UNION_HARDSHIP",
       [](R& r) {
         r.mutable_rigid_spending()->set_medical_fen(1'000'000'000'000);
         r.mutable_rigid_spending()->set_education_fen(1'000'000'000'000);
       },
       "", ""},
      {"RigidEducationOverLimit", "UNION_HARDSHIP",
       [](R& r) {
         r.mutable_rigid_spending()->set_education_fen(1'000'000'000'001);
       },
       "rigid_spending.education_fen", "at most 1,000,000,000,000 fen"},
      {"Vehicles100", "DIBAO",
       [](R& r) { r.mutable_declared_assets()->set_vehicles(100); }, "", ""},
      {"Vehicles101", "DIBAO",
       [](R& r) { r.mutable_declared_assets()->set_vehicles(101); },
       "declared_assets.vehicles", "must be at least 0 and at most 100"},
      {"Homes101", "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_residential_properties(101);
       },
       "declared_assets.residential_properties", "at most 100"},
      {"OtherProperties101", "DIBAO",
       [](R& r) {
         r.mutable_declared_assets()->set_non_residential_properties(101);
       },
       "declared_assets.non_residential_properties", "at most 100"},
      // Defect 14: nobody is born after the verification date.
      {"MemberBornOnTheDay", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(kBornOnTheDay); }, "",
       ""},
      {"MemberBornAfter", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_person_id(kBornAfter); },
       "members[1].person_id",
       "the birth date in the resident ID is after the verification date "
       "2026-11-10"},
      {"ObligorBornAfter", "TEKUN",
       [](R& r) { r.mutable_obligors(0)->set_person_id(kBornAfter); },
       "obligors[0].person_id", "after the verification date"},
      {"ObligorSpouseBornAfter", "TEKUN",
       [](R& r) {
         r.mutable_obligors(0)->mutable_spouse()->set_person_id(kBornAfter);
       },
       "obligors[0].spouse.person_id", "after the verification date"},
      {"SignerBornAfter", "DIBAO",
       [](R& r) { r.mutable_consent()->add_signer_ids(kBornAfter); },
       "consent.signer_ids[2]", "after the verification date"},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.name);
    VerificationRequest request = Base(c.program);
    c.change(request);
    const auto violations = ValidateRequest(request);
    if (c.field.empty()) {
      EXPECT_THAT(Fields(request), IsEmpty());
      continue;
    }
    ASSERT_EQ(violations.size(), 1u)
        << ::testing::PrintToString(Fields(request));
    EXPECT_EQ(violations[0].field(), c.field);
    EXPECT_THAT(violations[0].description(), HasSubstr(c.description));
    EXPECT_THAT(violations[0].description(),
                Not(HasSubstr(kBornAfter.substr(0, 14))));
  }
}

// Two obligors married to each other (both parents of the applicant,
// domain.md §5): each is declared as an obligor naming the other as spouse.
// Obligor 1 is kObligorSpouse, who in Base is obligor 0's spouse.
VerificationRequest MarriedObligors() {
  VerificationRequest request = Base("TEKUN");
  request.mutable_obligors(0)->set_relation(hedui::v1::PARENT);
  hedui::v1::Obligor* other = request.add_obligors();
  other->set_person_id(kObligorSpouse);
  other->set_name("王芳");
  other->set_relation(hedui::v1::PARENT);
  other->set_declared_status(hedui::v1::Obligor::NORMAL);
  other->mutable_spouse()->set_person_id(kObligor);
  other->mutable_spouse()->set_name("张小明");
  return request;
}

TEST(ValidateRequestTest, ObligorsMarriedToEachOther) {
  using R = VerificationRequest;
  const std::string kThird = Id("19770505", "023");
  const Case cases[] = {
      {"EachNamesTheOther", "TEKUN", [](R&) {}, {}},
      {"SecondWithoutSpouse",
       "TEKUN",
       [](R& r) { r.mutable_obligors(1)->clear_spouse(); },
       {"obligors[0].spouse.person_id"}},
      {"SecondNamesSomeoneElse",
       "TEKUN",
       [&](R& r) {
         r.mutable_obligors(1)->mutable_spouse()->set_person_id(kThird);
       },
       {"obligors[0].spouse.person_id"}},
      // A third obligor naming one of the couple is not their spouse.
      {"ThirdNamesOneOfTheCouple",
       "TEKUN",
       [&](R& r) {
         hedui::v1::Obligor* third = r.add_obligors();
         third->set_person_id(kThird);
         third->set_name("张小红");
         third->set_relation(hedui::v1::CHILD);
         third->set_declared_status(hedui::v1::Obligor::NORMAL);
         third->mutable_spouse()->set_person_id(kObligor);
         third->mutable_spouse()->set_name("张小明");
       },
       {"obligors[2].spouse.person_id"}},
      // Still one person, one declaration otherwise: obligor 1 is now a
      // member, and obligor 0 no longer their spouse.
      {"SpouseObligorIsAlsoAMember",
       "TEKUN",
       [](R& r) { r.mutable_obligors(1)->set_person_id(kSpouse); },
       {"obligors[1].person_id", "obligors[1].spouse.person_id"}},
      {"SpouseNameStillRequired",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->mutable_spouse()->clear_name(); },
       {"obligors[0].spouse.name"}},
      {"SpouseNameDiffersFromTheObligorsOwn",
       "TEKUN",
       [](R& r) { r.mutable_obligors(0)->mutable_spouse()->set_name("王五"); },
       {"obligors[0].spouse.name"}},
      {"SpouseIdStillChecked",
       "TEKUN",
       [](R& r) {
         r.mutable_obligors(1)->mutable_spouse()->set_person_id(
             WrongCheck(kObligor));
       },
       {"obligors[0].spouse.person_id", "obligors[1].spouse.person_id"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    VerificationRequest request = MarriedObligors();
    c.change(request);
    EXPECT_THAT(Fields(request), ElementsAreArray(c.fields));
    for (const auto& v : ValidateRequest(request)) {
      for (const std::string& id : {kObligor, kObligorSpouse, kThird}) {
        EXPECT_THAT(v.description(), Not(HasSubstr(id.substr(0, 17))));
      }
    }
  }
  const auto violations = [] {
    VerificationRequest r = MarriedObligors();
    r.mutable_obligors(1)->clear_spouse();
    return ValidateRequest(r);
  }();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].description(),
              HasSubstr("must each name the other as spouse"));
}

// A member's own declared assets are bounded as the household's are
// (0..10^12 fen, 0..100 of each kind), each violation naming its member.
TEST(ValidateRequestTest, MemberDeclaredAssetsLimitsOnBothSides) {
  using R = VerificationRequest;
  const LimitCase cases[] = {
      {"FinancialZero", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_financial_assets_fen(0);
       },
       "", ""},
      {"FinancialAtLimit", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_financial_assets_fen(1'000'000'000'000);
       },
       "", ""},
      {"FinancialNegative", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_financial_assets_fen(-1);
       },
       "members[1].declared_assets.financial_assets_fen",
       "must be at least 0 and at most 1,000,000,000,000 fen"},
      {"FinancialOverLimit", "DIBAO",
       [](R& r) {
         r.mutable_members(0)
             ->mutable_declared_assets()
             ->set_financial_assets_fen(1'000'000'000'001);
       },
       "members[0].declared_assets.financial_assets_fen",
       "at most 1,000,000,000,000 fen"},
      {"HomesAtLimit", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_residential_properties(100);
       },
       "", ""},
      {"HomesNegative", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_residential_properties(-1);
       },
       "members[1].declared_assets.residential_properties",
       "must be at least 0 and at most 100"},
      {"OtherProperties101", "DIBAO",
       [](R& r) {
         r.mutable_members(1)
             ->mutable_declared_assets()
             ->set_non_residential_properties(101);
       },
       "members[1].declared_assets.non_residential_properties", "at most 100"},
      {"Vehicles100", "DIBAO",
       [](R& r) {
         r.mutable_members(0)->mutable_declared_assets()->set_vehicles(100);
       },
       "", ""},
      {"Vehicles101", "DIBAO",
       [](R& r) {
         r.mutable_members(0)->mutable_declared_assets()->set_vehicles(101);
       },
       "members[0].declared_assets.vehicles", "at most 100"},
      {"VehiclesNegative", "DIBAO",
       [](R& r) {
         r.mutable_members(0)->mutable_declared_assets()->set_vehicles(-1);
       },
       "members[0].declared_assets.vehicles", "at least 0"},
      // Any member may declare full-time school; it has a meaning only
      // where domain.md gives it one (a 特困 member aged 16–17).
      {"FullTimeStudentAdult", "DIBAO",
       [](R& r) { r.mutable_members(1)->set_full_time_student(true); }, "", ""},
      {"FullTimeStudentTekun", "TEKUN",
       [](R& r) { r.mutable_members(0)->set_full_time_student(true); }, "", ""},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.name);
    VerificationRequest request = Base(c.program);
    c.change(request);
    const auto violations = ValidateRequest(request);
    if (c.field.empty()) {
      EXPECT_THAT(Fields(request), IsEmpty());
      continue;
    }
    ASSERT_EQ(violations.size(), 1u)
        << ::testing::PrintToString(Fields(request));
    EXPECT_EQ(violations[0].field(), c.field);
    EXPECT_THAT(violations[0].description(), HasSubstr(c.description));
  }
}

// The member and the field asking for single-person coverage both say it.
TEST(ValidateRequestTest, SinglePersonBornAfterTheDate) {
  VerificationRequest request = Base("DIBAO");
  request.mutable_members(1)->set_person_id(kBornAfter);
  request.set_single_person_member_id(kBornAfter);
  request.set_serious_illness(true);
  EXPECT_THAT(Fields(request), ElementsAreArray({"members[1].person_id",
                                                 "single_person_member_id"}));
}

}  // namespace
}  // namespace hedui::engine
