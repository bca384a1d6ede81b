#include "server/ops/server_status.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "server/security/certificate_expiry.h"

namespace hedui::server::metrics {
namespace {

// The strictest maximum age per department over the policy's rules blocks:
// what the data must be held to.
std::map<int, int> MaxAgeDays(const PolicyHolder& policies) {
  std::map<int, int> max_days;
  std::shared_ptr<const engine::Policy> policy = policies.Current();
  if (policy == nullptr) return max_days;
  for (const auto& rules : policy->proto().rules()) {
    for (const auto& age : rules.max_data_ages()) {
      if (!age.has_max_days()) continue;
      auto [it, inserted] = max_days.emplace(age.department(), age.max_days());
      if (!inserted) it->second = std::min(it->second, age.max_days());
    }
  }
  return max_days;
}

void AddCertificates(const OpsSources& s, absl::Time now,
                     hedui::v1::ServerStatus& status) {
  for (const auto& expiry : security::CheckCertificateExpiry(
           s.certificates, s.cert_expiry_warning_days, now)) {
    hedui::v1::CertificateStatus* cert = status.add_certificates();
    cert->set_name(expiry.name);
    cert->set_file(expiry.file);
    if (!expiry.not_after.ok()) {
      cert->set_problem(std::string(expiry.not_after.status().message()));
      status.add_warnings(
          absl::StrCat(expiry.name, " certificate: ", cert->problem()));
      continue;
    }
    cert->set_not_after_unix_seconds(absl::ToUnixSeconds(*expiry.not_after));
    cert->set_days_left(
        static_cast<int32_t>(absl::ToInt64Hours(*expiry.not_after - now) / 24));
    cert->set_expiring_soon(expiry.expiring_soon);
    if (expiry.expiring_soon) {
      status.add_warnings(absl::StrCat(
          expiry.name, " certificate expires on ",
          absl::FormatTime("%Y-%m-%d", *expiry.not_after, absl::UTCTimeZone()),
          " (", cert->days_left(), " days): renew it"));
    }
  }
}

void AddDepartments(const OpsSources& s, absl::Time now,
                    hedui::v1::ServerStatus& status) {
  std::map<int, int> max_days = MaxAgeDays(*s.policies);
  std::map<int, hedui::v1::DepartmentAge> ages;
  for (const auto& [department, days] : max_days) {
    hedui::v1::DepartmentAge& age = ages[department];
    age.set_department(static_cast<hedui::v1::Department>(department));
    age.set_max_age_days(days);
  }
  const auto states = s.store->ListDepartments();
  const absl::CivilDay today = absl::ToCivilDay(now, absl::LocalTimeZone());
  if (states.ok()) {
    for (const auto& state : *states) {
      hedui::v1::DepartmentAge& age = ages[state.department()];
      age.set_department(state.department());
      age.set_present(true);
      const auto& as_of = state.current().as_of();
      age.set_age_days(static_cast<int32_t>(
          today - absl::CivilDay(as_of.year(), as_of.month(), as_of.day())));
    }
  }
  for (auto& [department, age] : ages) {
    const std::string name = hedui::v1::Department_Name(age.department());
    if (!age.present()) {
      status.add_warnings(absl::StrCat(name, ": no data loaded"));
    } else if (age.max_age_days() > 0 && age.age_days() > age.max_age_days()) {
      age.set_stale(true);
      status.add_warnings(absl::StrCat(name, " data is ", age.age_days(),
                                       " days old, past the policy's ",
                                       age.max_age_days()));
    }
    *status.add_departments() = std::move(age);
  }
}

}  // namespace

hedui::v1::ServerStatus ReadServerStatus(const OpsSources& s, absl::Time now) {
  hedui::v1::ServerStatus status;
  status.set_server_version(HEDUI_VERSION);
  if (auto policy = s.policies->Current()) {
    status.set_policy_version(policy->version());
  }
  status.set_started_unix_seconds(absl::ToUnixSeconds(s.started));
  status.set_uptime_seconds(absl::ToInt64Seconds(now - s.started));
  status.set_calls_in_flight(s.gate->in_flight());
  status.set_calls_refused_overload(s.gate->refused());
  status.set_audit_chain_length(s.log->AuditLength());
  status.set_audit_chain_intact(
      s.audit_check == nullptr ? -1 : s.audit_check->intact.load());
  if (s.audit_check != nullptr) {
    status.set_audit_checked_unix_seconds(
        s.audit_check->checked_unix_seconds.load());
  }
  if (status.audit_chain_intact() == 0) {
    status.add_warnings(
        "the audit chain failed its last check: run `hedui audit verify`");
  }
  AddCertificates(s, now, status);
  AddDepartments(s, now, status);
  return status;
}

}  // namespace hedui::server::metrics
