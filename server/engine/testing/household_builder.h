#ifndef HEDUI_SERVER_ENGINE_TESTING_HOUSEHOLD_BUILDER_H_
#define HEDUI_SERVER_ENGINE_TESTING_HOUSEHOLD_BUILDER_H_

// Test support: a household's request and records built in a few lines, and
// the example policy. Expected results are written by hand in each test.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/evaluate.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine::testing {

namespace store = hedui::store::v1;

// A valid resident ID of region 320581 born on `birth`; `sequence` makes it
// unique.
inline std::string PersonId(absl::CivilDay birth, int sequence,
                            const std::string& region = "320581") {
  const std::string first17 =
      absl::StrFormat("%s%04d%02d%02d%03d", region, birth.year(), birth.month(),
                      birth.day(), sequence % 1000);
  return first17 + hedui::ResidentIdCheckCharacter(first17);
}

inline const Policy& ExamplePolicy() {
  static const Policy* const policy = [] {
    absl::StatusOr<Policy> loaded = LoadPolicyFile(
        std::string(HEDUI_SOURCE_DIR) + "/deploy/policy/example.textproto");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return new Policy(*std::move(loaded));
  }();
  return *policy;
}

// Builds one application and the records the store would return for it.
// Every department has data as of `as_of` unless told otherwise.
class HouseholdBuilder {
 public:
  HouseholdBuilder(hedui::v1::Program program, absl::CivilDay day,
                   absl::CivilDay as_of = absl::CivilDay(2026, 11, 1))
      : day_(day) {
    request_.set_application_id("T-1");
    request_.set_program(program);
    request_.set_purpose("test");
    request_.set_region_code("320581");
    *request_.mutable_verification_date() = hedui::ToProto(day);
    for (int d = 1; d < hedui::v1::Department_ARRAYSIZE; ++d) {
      SetAsOf(static_cast<hedui::v1::Department>(d), as_of);
    }
    request_.mutable_consent()->set_consent_id("C-1");
    *request_.mutable_consent()->mutable_signed_on() = hedui::ToProto(day - 10);
    request_.mutable_consent()->add_programs(program);
  }

  // Adds a declared member registered NORMAL in household "H1" of 320581
  // (`residence`); returns their ID.
  std::string AddMember(absl::CivilDay birth,
                        hedui::v1::Relation relation = hedui::v1::HEAD,
                        store::ResidenceClass residence = store::URBAN) {
    const std::string id = PersonId(birth, ++sequence_);
    hedui::v1::DeclaredMember* m = request_.add_members();
    m->set_person_id(id);
    m->set_name("张三");
    m->set_relation(relation);
    store::PersonRecords* p = Person(id);
    store::HouseholdRegistrationRecord* r = p->add_household_registration();
    r->set_person_id(id);
    r->set_name("张三");
    r->set_household_number("H1");
    r->set_relation_to_head(static_cast<store::RelationToHead>(
        relation == hedui::v1::RELATION_UNSPECIFIED ? 1 : relation));
    r->set_region_code("320581");
    r->set_residence_class(residence);
    r->set_status(store::NORMAL);
    *Register("H1")->add_members() = *r;
    if (AgeOn(hedui::ResidentIdBirthDate(id), day_) >= 18) {
      request_.mutable_consent()->add_signer_ids(id);
    }
    return id;
  }

  store::PersonRecords* Person(const std::string& id) {
    for (auto& p : *records_.mutable_persons()) {
      if (p.person_id() == id) return &p;
    }
    store::PersonRecords* p = records_.add_persons();
    p->set_person_id(id);
    return p;
  }

  store::HouseholdRegister* Register(const std::string& number) {
    for (auto& r : *records_.mutable_household_registers()) {
      if (r.household_number() == number) return &r;
    }
    store::HouseholdRegister* r = records_.add_household_registers();
    r->set_household_number(number);
    return r;
  }

  hedui::v1::DeclaredMember* Member(const std::string& id) {
    for (auto& m : *request_.mutable_members()) {
      if (m.person_id() == id) return &m;
    }
    ADD_FAILURE() << "no member " << id;
    return request_.mutable_members(0);
  }

  void TaxWage(const std::string& id, absl::CivilMonth month, int64_t fen,
               store::TaxIncomeType type = store::WAGE) {
    store::TaxRecord* t = Person(id)->add_tax();
    t->set_person_id(id);
    *t->mutable_period() = hedui::ToProto(month);
    t->set_income_type(type);
    t->set_amount_fen(fen);
    t->set_payer("单位A");
    *t->mutable_pay_date() = hedui::ToProto(absl::CivilDay(month + 1));
  }
  void SocialInsurance(const std::string& id, absl::CivilMonth month,
                       int64_t fen) {
    store::SocialInsuranceRecord* s = Person(id)->add_social_insurance();
    s->set_person_id(id);
    *s->mutable_period() = hedui::ToProto(month);
    s->set_contribution_base_fen(fen);
    s->set_employer("单位A");
  }
  void Benefit(const std::string& id, absl::CivilMonth month,
               store::BenefitType type, int64_t fen) {
    store::BenefitRecord* b = Person(id)->add_benefits();
    b->set_person_id(id);
    *b->mutable_period() = hedui::ToProto(month);
    b->set_benefit_type(type);
    b->set_amount_fen(fen);
    *b->mutable_pay_date() = hedui::ToProto(absl::CivilDay(month));
    b->set_payer("人社局");
  }
  // The same monthly amount for every month of [first, last].
  void MonthlyPension(const std::string& id, absl::CivilMonth first,
                      absl::CivilMonth last, int64_t fen,
                      store::BenefitType type = store::EMPLOYEE_PENSION) {
    for (absl::CivilMonth m = first; m <= last; ++m) Benefit(id, m, type, fen);
  }

  void SetAsOf(hedui::v1::Department department, absl::CivilDay as_of) {
    for (auto& d : *records_.mutable_departments()) {
      if (d.department() == department) {
        *d.mutable_as_of() = hedui::ToProto(as_of);
        return;
      }
    }
    store::DepartmentAsOf* d = records_.add_departments();
    d->set_department(department);
    *d->mutable_as_of() = hedui::ToProto(as_of);
    d->set_generation(1);
  }
  void RemoveDepartment(hedui::v1::Department department) {
    auto* deps = records_.mutable_departments();
    for (int i = 0; i < deps->size(); ++i) {
      if (deps->Get(i).department() == department) {
        deps->DeleteSubrange(i, 1);
        return;
      }
    }
  }

  hedui::v1::VerificationRequest& request() { return request_; }
  store::RecordSet& records() { return records_; }

  hedui::v1::Report Evaluate(const Policy& policy = ExamplePolicy(),
                             Occasion occasion = Occasion::kApplication) const {
    hedui::v1::Report report;
    const absl::Status status =
        hedui::engine::Evaluate(request_, records_, policy, &report, occasion);
    EXPECT_TRUE(status.ok()) << status;
    return report;
  }

 private:
  absl::CivilDay day_;
  int sequence_ = 0;
  hedui::v1::VerificationRequest request_;
  store::RecordSet records_;
};

// The finding of `criterion`, or null when the report has none.
inline const hedui::v1::Finding* FindingOf(
    const hedui::v1::Report& report, hedui::v1::Finding::Criterion criterion) {
  for (const auto& f : report.findings()) {
    if (f.criterion() == criterion) return &f;
  }
  return nullptr;
}

inline hedui::v1::Finding::Result ResultOf(
    const hedui::v1::Report& report, hedui::v1::Finding::Criterion criterion) {
  const hedui::v1::Finding* f = FindingOf(report, criterion);
  return f == nullptr ? hedui::v1::Finding::RESULT_UNSPECIFIED : f->result();
}

}  // namespace hedui::engine::testing

#endif  // HEDUI_SERVER_ENGINE_TESTING_HOUSEHOLD_BUILDER_H_
