#include "server/engine/context/evaluation_context.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/engine/context/proto_dates.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::engine {
namespace {

using hedui::store::v1::HouseholdRegistrationRecord;
using hedui::store::v1::PersonRecords;
using hedui::store::v1::ResidenceClass;

const PersonRecords& EmptyPerson() {
  static const PersonRecords* const empty = new PersonRecords();
  return *empty;
}

}  // namespace

absl::StatusOr<PolicyValues> RulesInForce(const Policy& policy,
                                          absl::string_view region,
                                          absl::CivilDay day) {
  absl::StatusOr<PolicyValues> values =
      policy.ValuesOn(region, hedui::store::v1::URBAN, day);
  if (values.ok() || !absl::IsNotFound(values.status())) return values;
  return policy.ValuesOn(region, hedui::store::v1::RURAL, day);
}

const HouseholdRegistrationRecord* RegistrationOf(const PersonRecords& person) {
  if (person.household_registration().empty()) return nullptr;
  return &person.household_registration(0);
}

LookBackWindow IncomeWindowFrom(absl::CivilDay day, int months,
                                const DataFreshness& freshness,
                                std::vector<WindowLimit>* limits) {
  const LookBackWindow full = LookBackFrom(day, months);
  absl::CivilMonth last = full.last;
  for (const hedui::v1::Department d : kIncomeDepartments) {
    if (!freshness.Usable(d)) continue;
    const absl::CivilMonth covered = LastFullMonthCovered(freshness.AsOf(d));
    if (covered >= full.last) continue;
    last = std::min(last, covered);
    if (limits != nullptr) limits->push_back({d, freshness.AsOf(d), covered});
  }
  return last == full.last ? full : LookBackEndingWith(last, months);
}

const PersonRecords& EvaluationContext::Person(absl::string_view id) const {
  const auto it = persons_by_id.find(id);
  return it == persons_by_id.end() ? EmptyPerson() : *it->second;
}

absl::StatusOr<EvaluationContext> BuildContext(
    const hedui::v1::VerificationRequest& request,
    const hedui::store::v1::RecordSet& records, const Policy& policy) {
  EvaluationContext ctx;
  ctx.request = &request;
  ctx.records = &records;
  ctx.day = ToCivilDay(request.verification_date());
  ctx.judge_assets = JudgesAssets(request.program());
  ctx.persons_by_id.reserve(records.persons_size());
  for (const PersonRecords& person : records.persons()) {
    // The first record set of a person wins, as the scan it replaces did.
    ctx.persons_by_id.emplace(person.person_id(), &person);
  }
  for (const hedui::v1::DeclaredMember& member : request.members()) {
    MemberView view;
    view.declared = &member;
    view.records = &ctx.Person(member.person_id());
    view.age = AgeOn(ResidentIdBirthDate(member.person_id()), ctx.day);
    ctx.members.push_back(view);
  }
  ctx.applicant_registration = RegistrationOf(*ctx.members.front().records);

  // The standards are those of the applicant's registration (domain.md §2).
  const HouseholdRegistrationRecord* reg = ctx.applicant_registration;
  absl::StatusOr<PolicyValues> values = absl::NotFoundError("");
  if (reg != nullptr) {
    values =
        policy.ValuesOn(reg->region_code(), reg->residence_class(), ctx.day);
    if (values.ok()) {
      ctx.standards_known = true;
    } else if (absl::IsNotFound(values.status())) {
      ctx.standards_problem =
          absl::StrCat("申请人户籍所在地区 ", reg->region_code(),
                       " 不在核对政策范围内，无法确定适用标准");
    } else {
      return values.status();
    }
  } else {
    ctx.standards_problem =
        "申请人无户籍登记记录，无法确定适用的地区和城乡标准";
  }
  if (!ctx.standards_known) {
    values = RulesInForce(policy, request.region_code(), ctx.day);
    if (!values.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no policy in force for region ", request.region_code(), " on ",
          FormatCivilDay(ctx.day), ": ", values.status().message()));
    }
  }
  // Only with no registration at all: a registration in a region outside the
  // policy names a region whose standards are not the request's.
  if (reg == nullptr) {
    for (const auto residence_class :
         {hedui::store::v1::URBAN, hedui::store::v1::RURAL}) {
      absl::StatusOr<PolicyValues> candidate =
          policy.ValuesOn(request.region_code(), residence_class, ctx.day);
      if (candidate.ok()) {
        ctx.candidate_policies.push_back(*std::move(candidate));
      } else if (!absl::IsNotFound(candidate.status())) {
        return candidate.status();
      }
    }
  }
  ctx.policy = *std::move(values);
  ctx.freshness = DataFreshness(records, ctx.day, &ctx.policy);
  ctx.window = IncomeWindowFrom(ctx.day, ctx.policy.look_back_months,
                                ctx.freshness, &ctx.window_limits);
  return ctx;
}

}  // namespace hedui::engine
