// Request validation and the engine on decoded requests: a
// VerificationRequest decoded from the input goes the way
// server/service/verifier.cc takes it (ValidateRequest, the rules in force,
// CheckConsent, Evaluate) against the example policy and a RecordSet decoded
// from the input too. Checked: no violation or consent message quotes a
// resident ID from the input; Evaluate succeeds or says FAILED_PRECONDITION;
// its report is readable protobuf (valid UTF-8: it is stored and sent) and
// the same bytes on a second run (evaluate.h: pure and deterministic).
//
// Input: a serialized hedui.fuzz.EngineCase (engine_case.proto); seeds from
// tests/fuzz/make_seeds.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine_case.pb.h"  // generated: tests/fuzz/engine_case.proto
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "server/engine/context/evaluation_context.h"
#include "server/engine/evaluate.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/request/validate_request.h"
#include "server/engine/rules/consent.h"
#include "storage/types/civil_date.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace engine = hedui::engine;
namespace store = hedui::store::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const engine::Policy& ExamplePolicy() {
  static const engine::Policy* const policy = [] {
    absl::StatusOr<engine::Policy> p = engine::LoadPolicyFile(
        std::string(HEDUI_SOURCE_DIR) + "/deploy/policy/example.textproto");
    if (!p.ok()) hedui::fuzz::Fail("the example policy", p.status().ToString());
    return new engine::Policy(*std::move(p));
  }();
  return *policy;
}

int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

// What the feed parser lets into the store (storage/feed: dates YYYY-MM-DD
// from 1900, enum codes by name, value 0 excluded): records outside that are
// not the engine's input, so the fuzzer's bytes are moved inside it rather
// than thrown away. Everything else (amounts, text, counts) stays as decoded.
void MakeStorable(Message* m) {
  const Descriptor* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  if (d->full_name() == "hedui.v1.Date" ||
      d->full_name() == "hedui.v1.YearMonth") {
    const FieldDescriptor* year = d->FindFieldByName("year");
    const FieldDescriptor* month = d->FindFieldByName("month");
    r->SetInt32(m, year, Clamp(r->GetInt32(*m, year), 1900, 9999));
    r->SetInt32(m, month, Clamp(r->GetInt32(*m, month), 1, 12));
    if (const FieldDescriptor* day = d->FindFieldByName("day")) {
      r->SetInt32(m, day, Clamp(r->GetInt32(*m, day), 1, 28));
    }
    return;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_ENUM) {
      const auto fix = [&](int number) {
        if (number != 0 && f->enum_type()->FindValueByNumber(number)) {
          return number;
        }
        return f->enum_type()
            ->value(f->enum_type()->value_count() - 1)
            ->number();
      };
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k) {
          r->SetRepeatedEnumValue(m, f, k,
                                  fix(r->GetRepeatedEnumValue(*m, f, k)));
        }
      } else {
        r->SetEnumValue(m, f, fix(r->GetEnumValue(*m, f)));
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k) {
          MakeStorable(r->MutableRepeatedMessage(m, f, k));
        }
      } else if (r->HasField(*m, f)) {
        MakeStorable(r->MutableMessage(m, f));
      }
    }
  }
}

// Sets person_id on every record of `person` (each department's records of
// one person carry that person's ID: the store reads them by it).
void OwnRecords(store::PersonRecords* person) {
  const Descriptor* d = person->GetDescriptor();
  const Reflection* r = person->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!f->is_repeated() || f->type() != FieldDescriptor::TYPE_MESSAGE) {
      continue;
    }
    const FieldDescriptor* id = f->message_type()->FindFieldByName("person_id");
    if (id == nullptr) continue;
    for (int k = 0; k < r->FieldSize(*person, f); ++k) {
      Message* record = r->MutableRepeatedMessage(person, f, k);
      record->GetReflection()->SetString(record, id, person->person_id());
    }
  }
}

// The records a store read returns for `ids`: one PersonRecords per ID in
// that order; at most one registration and one death record a person (their
// key is the person alone); each department's as-of at most once.
store::RecordSet StoreRead(const std::vector<std::string>& ids,
                           store::RecordSet decoded) {
  MakeStorable(&decoded);
  store::RecordSet out;
  for (size_t i = 0; i < ids.size(); ++i) {
    store::PersonRecords* p = out.add_persons();
    if (i < static_cast<size_t>(decoded.persons_size())) {
      p->Swap(decoded.mutable_persons(static_cast<int>(i)));
    }
    p->set_person_id(ids[i]);
    while (p->household_registration_size() > 1) {
      p->mutable_household_registration()->RemoveLast();
    }
    while (p->death_size() > 1) p->mutable_death()->RemoveLast();
    OwnRecords(p);
  }
  std::vector<bool> seen(hedui::v1::Department_ARRAYSIZE, false);
  for (store::DepartmentAsOf& d : *decoded.mutable_departments()) {
    if (seen[d.department()]) continue;
    seen[d.department()] = true;
    *out.add_departments() = std::move(d);
  }
  for (store::HouseholdRegister& h : *decoded.mutable_household_registers()) {
    for (store::HouseholdRegistrationRecord& m : *h.mutable_members()) {
      m.set_household_number(h.household_number());
    }
    *out.add_household_registers() = std::move(h);
  }
  return out;
}

// HEDUI_FUZZ_VERBOSE=1: says how far each input got (are the seeds still
// evaluated after a change to the validation?).
void Reached(absl::string_view stage, absl::string_view detail = "") {
  static const bool verbose = std::getenv("HEDUI_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "request fuzzer: %.*s %.*s\n",
                 static_cast<int>(stage.size()), stage.data(),
                 static_cast<int>(detail.size()), detail.data());
  }
}

void CheckNoLeak(absl::string_view message, absl::string_view input) {
  const std::string leaked = hedui::fuzz::LeakedResidentId(message, input);
  HEDUI_FUZZ_CHECK(leaked.empty(), message);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const engine::Policy& policy = ExamplePolicy();
  hedui::fuzz::EngineCase input;
  if (!input.ParseFromArray(data, static_cast<int>(size))) return 0;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  const hedui::v1::VerificationRequest& request = input.request();

  const auto violations = engine::ValidateRequest(request);
  for (const auto& v : violations) {
    CheckNoLeak(absl::StrCat(v.field(), ": ", v.description()), bytes);
  }
  if (!violations.empty()) {
    Reached("refused by ValidateRequest:", violations[0].description());
    return 0;
  }

  const absl::StatusOr<absl::CivilDay> day =
      hedui::FromProto(request.verification_date(), "verification_date");
  HEDUI_FUZZ_CHECK(day.ok(), "a valid request with an unreadable date");
  const absl::StatusOr<engine::PolicyValues> rules =
      engine::RulesInForce(policy, request.region_code(), *day);
  if (!rules.ok()) {
    Reached("no rules in force:", rules.status().message());
    return 0;
  }
  const engine::ConsentCheck consent =
      engine::CheckConsent(request, *day, rules->consent_validity_months);
  // A consent numbered by a resident ID once reached the caller unmasked
  // (tests/fuzz/regressions/request/consent_id_is_a_resident_id.bin).
  CheckNoLeak(consent.problem, bytes);
  HEDUI_FUZZ_CHECK(consent.valid == consent.problem.empty(), consent.problem);
  if (!consent.valid) {
    Reached("consent refused:", consent.problem);
    return 0;
  }

  const store::RecordSet records =
      StoreRead(engine::PersonsToRead(request), input.records());
  hedui::v1::Report report;
  const absl::Status status =
      engine::Evaluate(request, records, policy, &report);
  if (!status.ok()) {
    HEDUI_FUZZ_CHECK(status.code() == absl::StatusCode::kFailedPrecondition,
                     status.ToString());
    Reached("Evaluate refused:", status.message());
    return 0;
  }
  Reached("evaluated:", hedui::v1::Verdict_Name(report.verdict()));
  HEDUI_FUZZ_CHECK(report.verdict() != hedui::v1::VERDICT_UNSPECIFIED,
                   report.DebugString());
  std::string stored;
  HEDUI_FUZZ_CHECK(report.SerializeToString(&stored), "report not serialized");
  hedui::v1::Report read_back;
  HEDUI_FUZZ_CHECK(read_back.ParseFromString(stored),
                   "the report does not parse back (invalid UTF-8 in a "
                   "string field?)");

  hedui::v1::Report second;
  HEDUI_FUZZ_CHECK(engine::Evaluate(request, records, policy, &second).ok(),
                   "second evaluation failed");
  HEDUI_FUZZ_CHECK(second.SerializeAsString() == stored,
                   "two evaluations gave different reports");
  return 0;
}
