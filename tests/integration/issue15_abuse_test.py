#!/usr/bin/python3
"""Issue 15's new inputs and rules, attacked through a real heduid over mutual
TLS and the real CLI: obligors married to each other (and every malformed way
of saying so: one-sided, a cycle of three, an obligor naming itself, an
obligor who is also a member, duplicates), per-member declared assets and
declared income out of range, full-time school at the 16th birthday, the
verification date at its bounds (data dated after it is not stale; the window
ends where the income data end), single-person coverage that does not apply,
no registration record, DUPLICATE_ENROLLMENT from the enrollment feed,
VerifyBatch items mixing all of these, wrong callers, and report ids at the
CLI. Each probe's expectation comes from domain.md (§1, §2, §4, §5, §6,
§10.1), verification.proto and the issue, not from the server's code; the
records the expectations rest on are named next to them (the synthetic
county of seed 7). After every probe the server still serves and its audit
chain is intact; no raw resident ID or name reaches an error, the audit or
heduid's log.

Binaries come from HEDUI_BUILD_DIR, so the same test runs on a sanitizer
build."""
import copy
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, dev_certificates,  # noqa: E402
                     fail, generate_county, ingest_county, workdir)
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from grpc_python import channel, generate_stubs  # noqa: E402

MAX_AMOUNT = 10 ** 12  # fen, verification.proto
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
INT32_MAX = (1 << 31) - 1
HEALTH_SERVING = b"\x08\x01"
VERIFY = "/hedui.v1.VerificationService/Verify"
VERIFY_BATCH = "/hedui.v1.VerificationService/VerifyBatch"

# Criteria (report.proto Finding.Criterion) and results.
CONSENT, COMPOSITION, INCOME, FINANCIAL_ASSETS = 1, 2, 3, 4
CANNOT_WORK, OBLIGORS, DUPLICATE_ENROLLMENT = 9, 10, 13
PASS, FAIL, UNKNOWN, REVIEW = 1, 2, 3, 4
MEETS, DOES_NOT_MEET, NEEDS_REVIEW = 1, 2, 3

# The synthetic county of seed 7 (2,000 residents, 40 applications):
# APP-000016 is a 特困 applicant born 2010-11-02 (16 on 2026-11-02) whose
# obligors are the parents, married per the marriage record: the father
# registered MISSING (declared MISSING), the mother NORMAL, physical
# disability grade 1 and ENROLLED in TEKUN herself (unable to support, §5).
TEKUN_APP = "APP-000016"
# APP-000001: a one-person 低保 household in 320581 (户号 3205810000001) with
# TAX wages of 325.00 a month and no declared income.
DIBAO_APP = "APP-000001"
# APP-000002: a four-person 低保 household in 320581 below the 低保 line,
# no disability record among them.
FAMILY_APP = "APP-000002"
# ENROLLED in DIBAO under 户号 3205810000550 (another household).
DIBAO_ELSEWHERE = ("320581198504142691", "唐伟华")
# ENROLLED in TEKUN under 户号 3205810000427 (excludes 低保 anywhere).
TEKUN_ELSEWHERE = ("320581198111092507", "李菲珍")


def resident_id(region, birth, sequence):
    """A valid GB 11643 resident ID (ISO 7064 MOD 11-2 check character)."""
    body = "%s%s%03d" % (region, birth, sequence)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


# Persons unknown to every department of the county.
UNKNOWN_ADULT = resident_id("320581", "19700101", 11)
UNKNOWN_APPLICANT = resident_id("320581", "19800101", 15)


def now_us():
    return int(time.time() * 1e6)


class Probe:
    def __init__(self, server, stubs, requests):
        self.server = server
        self.vs = stubs["verification_service_pb2"]
        self.v = stubs["verification_pb2"]
        self.au = stubs["audit_pb2"]
        self.codes = stubs["codes_pb2"]
        self.stubs = stubs
        self.requests = requests
        self.channels = {}
        # Every resident ID and name a probe sent: none may come back raw in
        # an error, an audit entry or heduid's log.
        self.personal = set()

    def close(self):
        for c in self.channels.values():
            c.close()
        self.channels = {}

    def channel(self, identity):
        if identity not in self.channels:
            self.channels[identity] = channel(self.server, identity)
        return self.channels[identity]

    def verifier(self, identity="staff-1"):
        return self.stubs["verification_service_pb2_grpc"] \
            .VerificationServiceStub(self.channel(identity))

    def audit(self):
        return self.stubs["audit_pb2_grpc"].AuditServiceStub(
            self.channel("admin-1"))

    def request(self, app):
        r = copy.deepcopy(self.requests[app])
        self.remember(r)
        return r

    def remember(self, r):
        for m in r.members:
            self.personal.update((m.person_id, m.name))
        for o in r.obligors:
            self.personal.update((o.person_id, o.name, o.spouse.person_id,
                                  o.spouse.name))
        self.personal.discard("")

    def married(self):
        """APP-000016 with the parents declared as obligors married to each
        other, each naming the other as spouse (§5)."""
        r = self.request(TEKUN_APP)
        father, mother = r.obligors[0], r.obligors[1]
        father.spouse.person_id, father.spouse.name = (mother.person_id,
                                                       mother.name)
        mother.spouse.person_id, mother.spouse.name = (father.person_id,
                                                       father.name)
        return r

    def verify(self, request, identity="staff-1"):
        self.remember(request)
        return self.verifier(identity).Verify(
            self.vs.VerifyRequest(request=request), timeout=60).report

    def expect(self, code, what, request, identity="staff-1"):
        """The Verify of `request` fails with `code`; no personal data in the
        message. Returns the error."""
        self.remember(request)
        try:
            self.verifier(identity).Verify(
                self.vs.VerifyRequest(request=request), timeout=60)
        except grpc.RpcError as e:
            details = e.details() or ""
            check(e.code() == code, "%s: wanted %s, got %s: %s"
                  % (what, code, e.code(), details[:500]))
            self.no_personal_data(what, details + str(self.details(e)))
            return e
        fail("%s: wanted %s, the call succeeded" % (what, code))

    def details(self, error):
        raw = dict(error.trailing_metadata() or ()).get("hedui-error-bin")
        if raw is None:
            return None
        return self.codes.ErrorDetails.FromString(raw)

    def refused(self, what, request, field, also=None, identity="staff-1"):
        """INVALID_ARGUMENT whose violations name `field` (and `also`)."""
        e = self.expect(grpc.StatusCode.INVALID_ARGUMENT, what, request,
                        identity)
        d = self.details(e)
        check(d is not None, "%s: INVALID_ARGUMENT without hedui-error-bin"
              % what)
        fields = [v.field for v in d.field_violations]
        check(field in fields, "%s: no violation names %s: %s"
              % (what, field, [(v.field, v.description)
                               for v in d.field_violations]))
        if also is not None:
            text = " ".join(v.description for v in d.field_violations
                            if v.field == field)
            check(also in text, "%s: the violation of %s does not say %s: %s"
                  % (what, field, also, text))
        print("  %s: INVALID_ARGUMENT, %s" % (what, field))
        return d

    def no_personal_data(self, what, text):
        for item in self.personal:
            check(item not in text, "%s: a raw resident ID or name (%s...) "
                  "in %r" % (what, item[:4], text[:400]))

    def calls_since(self, mark_us):
        out, token = [], ""
        while True:
            page = self.audit().ListAudit(self.au.ListAuditRequest(
                from_unix_micros=mark_us, page_size=1000, page_token=token),
                timeout=60)
            out += list(page.entries)
            token = page.next_page_token
            if not token:
                return [e for e in out
                        if not e.method.startswith("/hedui.v1.AuditService/")]

    def still_serving(self, after):
        check(self.server.proc.poll() is None, "after %s: heduid exited with "
              "%s; see %s" % (after, self.server.proc.returncode,
                              self.server.log_path))
        health = self.channel("admin-1").unary_unary(
            "/grpc.health.v1.Health/Check", lambda b: b, lambda b: b)
        check(health(b"", timeout=30) == HEALTH_SERVING,
              "after %s: health is not SERVING" % after)
        check(self.verify(self.request(DIBAO_APP), "dibao-system").report_id,
              "after %s: a normal Verify stores its report" % after)
        verdict = self.audit().VerifyAudit(self.au.VerifyAuditRequest(),
                                           timeout=120)
        check(verdict.intact, "after %s: VerifyAudit: %s" % (after, verdict))
        print("  after %s: serving, chain intact (%d entries)"
              % (after, verdict.entries), flush=True)


def finding(report, criterion):
    for f in report.findings:
        if f.criterion == criterion:
            return f
    return None


def results(report):
    return {f.criterion: f.result for f in report.findings}


def result_of(report, criterion, what):
    f = finding(report, criterion)
    check(f is not None, "%s: no finding %d in the report" % (what, criterion))
    return f.result


# 1. Obligors married to each other, and every malformed way of saying so.
def obligors(p):
    v = p.v
    start = now_us()
    r = p.married()
    report = p.verify(r)
    # §5: the father is missing by the registration (declared so: he need
    # not sign), the mother is 特困 herself: nobody can support.
    check(result_of(report, OBLIGORS, "married obligors") == PASS and
          result_of(report, CONSENT, "married obligors") == PASS and
          report.verdict == MEETS, "married obligors each naming the other: "
          "%s, verdict %d" % (results(report), report.verdict))
    # An obligor's own enrolment is never a duplicate (§10.1).
    check(result_of(report, DUPLICATE_ENROLLMENT, "married obligors") == PASS,
          "the mother's TEKUN enrolment counted as a duplicate: %s"
          % finding(report, DUPLICATE_ENROLLMENT).explanation)
    print("  married obligors: OBLIGORS PASS, verdict MEETS_CRITERIA")

    # The father declared NORMAL though the registration says MISSING: the
    # registration prevails for OBLIGORS, the consent follows the request
    # (he must sign).
    r = p.married()
    r.obligors[0].declared_status = v.Obligor.NORMAL
    e = p.expect(grpc.StatusCode.FAILED_PRECONDITION, "an obligor declared "
                 "NORMAL who did not sign", r)
    check("consent" in e.details(), "the refusal names the consent: %s"
          % e.details())
    r.consent.signer_ids.append(r.obligors[0].person_id)
    report = p.verify(r)
    check(result_of(report, OBLIGORS, "registered missing") == PASS,
          "an obligor registered missing, declared NORMAL: OBLIGORS %s (%s)"
          % (result_of(report, OBLIGORS, "registered missing"),
             finding(report, OBLIGORS).explanation))
    print("  obligor registered missing, declared NORMAL and signed: PASS")

    # Both declared missing: neither signs (the applicant is 15, so nobody
    # must), and of the mother only her registration status is read (§1): it
    # says NORMAL, so OBLIGORS is REVIEW, and her TEKUN enrolment is neither
    # read nor cited.
    r = p.married()
    r.obligors[1].declared_status = v.Obligor.MISSING
    del r.consent.signer_ids[:]
    report = p.verify(r)
    f = finding(report, OBLIGORS)
    check(f is not None and f.result == REVIEW and
          report.verdict == NEEDS_REVIEW, "both parents declared missing, the "
          "mother registered NORMAL: %s, verdict %d" % (results(report),
                                                       report.verdict))
    check(all(e.department == 1 for e in f.evidence) and
          "特困供养" not in f.explanation, "an obligor declared missing who "
          "signed nothing: records other than her registration were read: %s"
          % f)
    print("  both declared missing, unsigned: only registrations read, REVIEW")

    cases = []
    r = p.married()
    r.obligors[1].ClearField("spouse")
    cases.append(("one-sided: the mother names nobody", r,
                  "obligors[0].spouse.person_id"))
    r = p.married()
    r.obligors.add(person_id=UNKNOWN_ADULT, name="某人", relation=v.PARENT,
                   declared_status=v.Obligor.NORMAL)
    r.consent.signer_ids.append(UNKNOWN_ADULT)
    for i, j in ((0, 1), (1, 2), (2, 0)):
        r.obligors[i].spouse.person_id = r.obligors[j].person_id
        r.obligors[i].spouse.name = r.obligors[j].name
    cases.append(("a cycle: A names B, B names C, C names A", r,
                  "obligors[1].spouse.person_id"))
    r = p.married()
    r.obligors[1].spouse.person_id = UNKNOWN_ADULT
    r.obligors[1].spouse.name = "某人"
    r.consent.signer_ids.append(UNKNOWN_ADULT)
    cases.append(("A names B, B names a third person", r,
                  "obligors[0].spouse.person_id"))
    r = p.request(TEKUN_APP)
    r.obligors[1].spouse.person_id = r.obligors[1].person_id
    r.obligors[1].spouse.name = r.obligors[1].name
    cases.append(("an obligor naming itself as spouse", r,
                  "obligors[1].spouse.person_id"))
    r = p.request(TEKUN_APP)
    r.obligors[1].person_id = r.members[0].person_id
    cases.append(("an obligor who is also a member", r,
                  "obligors[1].person_id"))
    r = p.request(TEKUN_APP)
    r.obligors[1].spouse.person_id = r.members[0].person_id
    r.obligors[1].spouse.name = r.members[0].name
    cases.append(("an obligor's spouse who is the applicant", r,
                  "obligors[1].spouse.person_id"))
    r = p.married()
    r.obligors.add().CopyFrom(r.obligors[0])
    cases.append(("married obligors, one declared twice", r,
                  "obligors[2].person_id"))
    r = p.married()
    r.obligors[0].spouse.name = ""
    cases.append(("married obligors, a spouse without a name", r,
                  "obligors[0].spouse.name"))
    r = p.married()
    r.obligors[0].spouse.person_id = ""
    cases.append(("married obligors, a spouse named without an ID", r,
                  "obligors[0].spouse.person_id"))
    r = p.married()
    r.program = p.codes.DIBAO
    r.consent.programs.append(p.codes.DIBAO)
    cases.append(("married obligors in a DIBAO request", r, "obligors"))
    for what, request, field in cases:
        p.refused(what, request, field)
    # Refused before anything is read, and each audited once.
    entries = [e for e in p.calls_since(start) if e.method == VERIFY]
    codes = [e.code for e in entries]
    check(codes.count(3) == len(cases), "%d malformed obligor requests, %d "
          "audited INVALID_ARGUMENT: %s" % (len(cases), codes.count(3), codes))
    check(codes.count(9) == 1 and codes.count(0) == 3, "the consent refusal "
          "and the three verifications audited: %s" % codes)
    for e in entries:
        p.no_personal_data("audit entry of an obligor probe",
                           e.outcome + e.purpose)
    p.still_serving("malformed obligors")


# 2. Per-member declared assets and declared income out of range.
def member_figures(p):
    cases = [("financial_assets_fen", -1), ("financial_assets_fen", INT64_MIN),
             ("financial_assets_fen", MAX_AMOUNT + 1),
             ("financial_assets_fen", INT64_MAX),
             ("residential_properties", -1),
             ("non_residential_properties", 101), ("vehicles", INT32_MAX),
             ("vehicles", -(1 << 31))]
    for field, value in cases:
        r = p.request(FAMILY_APP)
        setattr(r.members[2].declared_assets, field, value)
        limit = "1,000,000,000,000" if field.endswith("_fen") else "100"
        p.refused("members[2] declares %s = %d" % (field, value), r,
                  "members[2].declared_assets." + field, also=limit)
    for field, value in (("wages_fen", -1), ("transfer_fen", INT64_MAX),
                         ("property_fen", MAX_AMOUNT + 1)):
        r = p.request(FAMILY_APP)
        setattr(r.members[3].declared_monthly_income, field, value)
        p.refused("members[3] declares %s = %d" % (field, value), r,
                  "members[3].declared_monthly_income." + field,
                  also="1,000,000,000,000")
    # At the limits: accepted. A member declaring 10^12 fen held against no
    # such record declares more than the departments show and it would
    # change the outcome: REVIEW, never PASS (§1).
    r = p.request(DIBAO_APP)
    r.members[0].declared_assets.financial_assets_fen = MAX_AMOUNT
    r.members[0].declared_assets.vehicles = 100
    report = p.verify(r)
    check(result_of(report, FINANCIAL_ASSETS, "10^12 declared") == REVIEW and
          report.verdict == NEEDS_REVIEW, "a member declaring 10^12 fen: %s, "
          "verdict %d" % (results(report), report.verdict))
    # Fifty members each at every limit: no overflow, no crash.
    r = p.request(DIBAO_APP)
    for i in range(49):
        person = resident_id("320581", "19900101", 101 + i)
        r.members.add(person_id=person, name="成员%d" % i,
                      relation=p.v.OTHER_RELATIVE)
        r.consent.signer_ids.append(person)
    for m in r.members:
        m.declared_assets.financial_assets_fen = MAX_AMOUNT
        m.declared_assets.residential_properties = 100
        m.declared_assets.non_residential_properties = 100
        m.declared_assets.vehicles = 100
        for f in ("wages_fen", "business_fen", "property_fen",
                  "transfer_fen", "other_fen"):
            setattr(m.declared_monthly_income, f, MAX_AMOUNT)
    r.declared_assets.financial_assets_fen = MAX_AMOUNT
    report = p.verify(r)
    check(report.verdict != MEETS, "50 members at every limit: verdict %d"
          % report.verdict)
    # Declared nothing is not declared 0 (§4): only a declared figure
    # disagrees with the records (TAX wages 325.00 a month).
    r = p.request(DIBAO_APP)
    check(not r.members[0].declared_monthly_income.HasField("wages_fen"),
          "APP-000001 declares no wages")
    report = p.verify(r)
    check(len(report.discrepancies) == 0, "wages declared nothing: %d "
          "discrepancies" % len(report.discrepancies))
    r.members[0].declared_monthly_income.wages_fen = 0
    report = p.verify(r)
    check(len(report.discrepancies) == 1 and
          report.discrepancies[0].found.numerator == 32500,
          "wages declared 0 against TAX wages of 325.00: %s"
          % report.discrepancies)
    print("  declared nothing: no discrepancy; declared 0: one (325.00)")
    p.still_serving("per-member figures out of range")


# 3. Full-time school at the 16th birthday (§10.1): the applicant of
# APP-000016 turns 16 on 2026-11-02 and has no disability record.
def full_time_student(p):
    for day, student, want in ((1, True, PASS), (2, False, FAIL),
                               (2, True, REVIEW)):
        r = p.married()
        r.verification_date.day = day
        r.members[0].full_time_student = student
        report = p.verify(r)
        got = result_of(report, CANNOT_WORK, "student")
        check(got == want, "2026-11-%02d, full_time_student %s: CANNOT_WORK "
              "%d, wanted %d (%s)" % (day, student, got, want,
                                      finding(report, CANNOT_WORK)
                                      .explanation))
        verdict = {PASS: MEETS, FAIL: DOES_NOT_MEET, REVIEW: NEEDS_REVIEW}
        check(report.verdict == verdict[want], "2026-11-%02d, student %s: "
              "verdict %d" % (day, student, report.verdict))
    print("  aged 15: PASS; 16 not in school: FAIL; 16 in school: REVIEW")


# 4. The verification date at its bounds (§1, §6, §10.1).
def dates(p):
    # 30 days back (the inclusive limit): data dated 2026-11-01, after the
    # verification date, is not stale and its as-of is shown as it is; the
    # window is the 12 months before October.
    r = p.married()
    r.verification_date.month, r.verification_date.day = 10, 31
    report = p.verify(r)
    check(all(f.result == PASS for f in report.findings) and
          report.verdict == MEETS, "backdated to 2026-10-31: %s"
          % results(report))
    after = [d for d in report.departments
             if (d.as_of.year, d.as_of.month, d.as_of.day) == (2026, 11, 1)]
    check(after and all(d.state == 1 for d in after), "departments as of "
          "2026-11-01 in a report dated 2026-10-31: %s" % after)
    check((report.income.window_first.year, report.income.window_first.month,
           report.income.window_last.year, report.income.window_last.month)
          == (2025, 10, 2026, 9), "the window of 2026-10-31: %s"
          % report.income)
    print("  2026-10-31: every criterion PASS, data of 2026-11-01 FRESH, "
          "window 2025-10 .. 2026-09")
    r = p.married()
    r.verification_date.month, r.verification_date.day = 10, 30
    p.refused("verification_date 2026-10-30 (31 days back)", r,
              "verification_date")
    # Today: the enrollment feed (as of 2026-10-20, 31 days at most) is 41
    # days old, so with no duplicate shown DUPLICATE_ENROLLMENT is UNKNOWN;
    # a duplicate shown by the stale feed is REVIEW (§10.1). The marriage
    # record (as of 2026-10-30, 31 days at most) is exactly at its age.
    r = p.request(DIBAO_APP)
    r.verification_date.day = 30
    report = p.verify(r)
    check(result_of(report, DUPLICATE_ENROLLMENT, "today") == UNKNOWN,
          "today, stale enrollment feed, no duplicate: DUPLICATE_ENROLLMENT "
          "%d" % result_of(report, DUPLICATE_ENROLLMENT, "today"))
    check(report.verdict == NEEDS_REVIEW, "today, stale enrollment feed: "
          "verdict %d" % report.verdict)
    marriage = [d for d in report.departments if d.department == 2]
    check(marriage and marriage[0].age_days == 31 and marriage[0].state == 1,
          "marriage data 31 days old of 31: %s" % marriage)
    r.members.add(person_id=DIBAO_ELSEWHERE[0], name=DIBAO_ELSEWHERE[1],
                  relation=p.v.OTHER_RELATIVE)
    r.consent.signer_ids.append(DIBAO_ELSEWHERE[0])
    report = p.verify(r)
    check(result_of(report, DUPLICATE_ENROLLMENT, "today+dup") == REVIEW,
          "today, a duplicate shown by the stale feed: DUPLICATE_ENROLLMENT "
          "%d" % result_of(report, DUPLICATE_ENROLLMENT, "today+dup"))
    print("  today: stale enrollment feed UNKNOWN, with a duplicate REVIEW")


# 5. DUPLICATE_ENROLLMENT from the enrollment feed (§10.1).
def duplicates(p):
    for (person, name), what in ((DIBAO_ELSEWHERE, "低保 in another 户号"),
                                 (TEKUN_ELSEWHERE, "特困, which excludes "
                                  "低保, in another 户号")):
        r = p.request(DIBAO_APP)
        r.members.add(person_id=person, name=name,
                      relation=p.v.OTHER_RELATIVE)
        r.consent.signer_ids.append(person)
        report = p.verify(r)
        f = finding(report, DUPLICATE_ENROLLMENT)
        check(f is not None and f.result == REVIEW, "a member enrolled in %s: "
              "%s" % (what, f))
        check(any(e.department == 13 for e in f.evidence), "the duplicate "
              "cites the enrollment record: %s" % f)
        p.no_personal_data("DUPLICATE_ENROLLMENT explanation", f.explanation)
        check(report.verdict != MEETS, "a duplicate: verdict %d"
              % report.verdict)
        print("  a member enrolled in %s: REVIEW" % what)
    # With no registration record for the applicant, any enrolment of a
    # counted member in the same program is REVIEW.
    r = p.request(DIBAO_APP)
    r.members[0].person_id = UNKNOWN_APPLICANT
    r.consent.signer_ids[:] = [UNKNOWN_APPLICANT]
    r.members.add(person_id=DIBAO_ELSEWHERE[0], name=DIBAO_ELSEWHERE[1],
                  relation=p.v.SPOUSE)
    r.consent.signer_ids.append(DIBAO_ELSEWHERE[0])
    report = p.verify(r)
    check(result_of(report, DUPLICATE_ENROLLMENT, "no 户号") == REVIEW,
          "no 户号, a member enrolled in 低保: %s" % results(report))
    print("  no 户号 for the applicant, a member enrolled: REVIEW")


# 6. No registration record (§2): nothing held and no income passes under
# every standard of 320581 (urban 930.00, rural 700.00 on the date).
def no_registration(p):
    r = p.request(DIBAO_APP)
    r.members[0].person_id = UNKNOWN_APPLICANT
    r.consent.signer_ids[:] = [UNKNOWN_APPLICANT]
    r.ClearField("declared_assets")
    report = p.verify(r)
    got = results(report)
    check(got.get(INCOME) == PASS and got.get(FINANCIAL_ASSETS) == PASS and
          got.get(COMPOSITION) == REVIEW and report.verdict == NEEDS_REVIEW,
          "an applicant unknown to the registration: %s, verdict %d"
          % (got, report.verdict))
    for c in (INCOME, FINANCIAL_ASSETS):
        text = finding(report, c).explanation
        check("930.00" in text and "700.00" in text, "criterion %d does not "
              "show both standards: %s" % (c, text))
    print("  no registration: INCOME and FINANCIAL_ASSETS PASS under both "
          "standards, COMPOSITION REVIEW")


# 7. Single-person coverage that does not apply (§2): verified as a whole,
# exactly as without the request, and the report says why.
def single_person(p):
    r = p.request(FAMILY_APP)
    whole = p.verify(r)
    r.single_person_member_id = r.members[1].person_id
    asked = p.verify(r)
    check(results(asked) == results(whole) and
          asked.verdict == whole.verdict and
          asked.household.counted_members == whole.household.counted_members,
          "coverage not applying changed the verification: %s -> %s"
          % (results(whole), results(asked)))
    check(not asked.household.single_person_coverage and
          asked.household.single_person_note, "no note saying why "
          "single-person coverage was not applied")
    p.no_personal_data("single_person_note", asked.household.single_person_note)
    print("  coverage not applying: as without the request, with a note")


# 8. VerifyBatch items mixing all of these; wrong callers.
def batch_and_callers(p):
    v = p.v
    items = []
    items.append((0, p.married()))
    r = p.married()
    r.obligors[1].ClearField("spouse")
    items.append((3, r))
    r = p.request(FAMILY_APP)
    r.members[1].declared_assets.financial_assets_fen = MAX_AMOUNT + 1
    items.append((3, r))
    r = p.married()
    r.members[0].full_time_student = True
    r.verification_date.day = 2
    items.append((0, r))
    r = p.request(TEKUN_APP)
    r.obligors[0].spouse.person_id = r.obligors[0].person_id
    r.obligors[0].spouse.name = r.obligors[0].name
    items.append((3, r))
    r = p.married()
    r.region_code = "320583"   # not a county of staff-1
    items.append((7, r))
    r = p.request(DIBAO_APP)
    r.members[0].declared_assets.financial_assets_fen = MAX_AMOUNT
    items.append((0, r))
    for _, request in items:
        p.remember(request)
    start = now_us()
    out = list(p.verifier("staff-1").VerifyBatch(
        iter([p.vs.VerifyRequest(request=r) for _, r in items]), timeout=120))
    check([x.code for x in out] == [c for c, _ in items], "batch item codes %s,"
          " wanted %s" % ([x.code for x in out], [c for c, _ in items]))
    for x in out:
        p.no_personal_data("batch item %d" % x.index,
                           x.message + str(x.details))
        if x.code == 3:
            check(x.details.field_violations, "batch item %d: INVALID_ARGUMENT "
                  "naming no field: %s" % (x.index, x.message))
    check(result_of(out[3].report, CANNOT_WORK, "batch student") == REVIEW,
          "the full-time student of 16 in a batch: %s" % results(out[3].report))
    entries = [e for e in p.calls_since(start)
               if e.method == VERIFY_BATCH and e.batch_index >= 0]
    check(sorted((e.batch_index, e.code) for e in entries) ==
          [(i, c) for i, (c, _) in enumerate(items)], "batch audit entries: %s"
          % sorted((e.batch_index, e.code) for e in entries))
    print("  batch of %d mixed items: codes %s, each audited"
          % (len(items), [x.code for x in out]))
    # Wrong callers: no certificate first, then the fields, then the
    # program (README "Under attack and faults").
    cycle = p.married()
    cycle.obligors[1].ClearField("spouse")
    p.expect(grpc.StatusCode.UNAUTHENTICATED, "malformed obligors without a "
             "certificate", cycle, identity=None)
    p.refused("malformed obligors from dibao-system", cycle,
              "obligors[0].spouse.person_id", identity="dibao-system")
    p.expect(grpc.StatusCode.PERMISSION_DENIED, "married obligors (TEKUN) "
             "from dibao-system", p.married(), identity="dibao-system")
    p.still_serving("a mixed batch and wrong callers")


# 9. Report ids at the CLI: refused before connecting, with the expected
# form, never echoing what was typed.
def report_ids(p):
    typed = ["", "R0000000000001", "R00000000001", "Ｒ00000000001",
             "R" + "٠" * 12, " R000000000001", "R000000000001 ",
             "r000000000001", "R000000000000", "R00000000000A",
             "320581198504142691"]
    for text in typed:
        code, out, err = cli(p.server, "report", "get", text,
                             identity="staff-1")
        check(code == 2, "report get %r: exit %d (wanted 2, usage)\n%s%s"
              % (text, code, out, err))
        check("R000000000001" in err and "12 digits" in err, "report get "
              "%r: the refusal does not give the expected form: %s"
              % (text, err))
    # What was typed is never repeated: a resident ID pasted by mistake.
    for text in ("320581198504142691", "Ｒ00000000001", "R00000000000A"):
        _, out, err = cli(p.server, "report", "get", text,
                          identity="staff-1")
        check(text not in out + err, "report get %r echoes it: %s"
              % (text, err))
    # No call was made for any of them.
    code, out, err = cli(p.server, "report", "get", "R999999999999",
                         identity="staff-1")
    check(code != 0 and code != 2, "an unknown well-formed id: exit %d" % code)
    report = p.verify(p.married())
    code, out, err = cli(p.server, "report", "get", report.report_id,
                         identity="staff-1")
    check(code == 0 and "义务人" in out and "符合" in out,
          "report get %s: exit %d\n%s" % (report.report_id, code, err))
    p.no_personal_data("the text view of a married-obligor report",
                       out + err)
    print("  %d malformed report ids refused at the CLI (exit 2); a stored "
          "one shown in Chinese, masked" % len(typed))


# 10. The CLI sends the new fields (--household, proto JSON).
def cli_household(p, work):
    path = os.path.join(work, "married.json")
    with open(path, "w") as f:
        f.write(json_format.MessageToJson(p.married()))
    code, out, err = cli(p.server, "verify", "--household", path,
                         identity="staff-1")
    check(code == 0 and "义务人" in out, "hedui verify of married obligors: "
          "exit %d\n%s" % (code, err))
    p.no_personal_data("hedui verify text view", out + err)
    r = p.request(FAMILY_APP)
    r.members[2].declared_assets.financial_assets_fen = INT64_MAX
    with open(path, "w") as f:
        f.write(json_format.MessageToJson(r))
    code, out, err = cli(p.server, "verify", "--household", path,
                         identity="staff-1")
    check(code == 3 and "members[2].declared_assets.financial_assets_fen"
          in err, "hedui verify, a member's assets of INT64_MAX: exit %d\n%s"
          % (code, err))
    p.no_personal_data("hedui verify refusal", out + err)
    print("  hedui verify: married obligors shown; INT64_MAX assets refused "
          "naming the field")


# 11. The window ends where the income data end (§10.1): TAX rolled back to
# 2026-10-30 (--force) covers September, not October, so a verification on
# 2026-11-03 looks at 2025-10 .. 2026-09. Last: it changes the county.
def window_end(p, county, manifest):
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    # Its own batch id: a re-send of an applied batch id is a no-op
    # whatever its date (deploy/feeds/README.md).
    cli(p.server, "ingest", "--department", "TAX", "--as-of", "2026-10-30",
        "--force", "--batch-id", "issue15-tax-as-of-2026-10-30",
        os.path.join(county, tax["file"]), check_exit=0)
    r = p.request(DIBAO_APP)
    report = p.verify(r)
    window = (report.income.window_first.year,
              report.income.window_first.month,
              report.income.window_last.year, report.income.window_last.month)
    check(window == (2025, 10, 2026, 9), "TAX as of 2026-10-30, verified "
          "2026-11-03: window %s, wanted 2025-10 .. 2026-09" % (window,))
    check(result_of(report, INCOME, "window") == PASS, "the window ending "
          "at September: INCOME %d" % result_of(report, INCOME, "window"))
    print("  TAX as of 2026-10-30: window 2025-10 .. 2026-09")
    p.still_serving("TAX rolled back")


def main():
    began = time.time()
    work = workdir("issue15-abuse")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, 2000, seed=7, applications=40)
    v = stubs["verification_pb2"]
    requests = {}
    with open(os.path.join(county, manifest["requests_file"])) as f:
        for line in f:
            r = json_format.ParseDict(json.loads(line), v.VerificationRequest())
            requests[r.application_id] = r
    # The records this test's expectations rest on.
    t = requests[TEKUN_APP]
    check(t.program == stubs["codes_pb2"].TEKUN and
          t.members[0].person_id == "320581201011026742" and
          [o.declared_status for o in t.obligors] == [v.Obligor.MISSING,
                                                      v.Obligor.NORMAL],
          "the county of seed 7 changed: %s is not the 特困 applicant with "
          "two parents as obligors" % TEKUN_APP)
    check(requests[DIBAO_APP].members[0].person_id == "320581198506074848" and
          len(requests[FAMILY_APP].members) == 4,
          "the county of seed 7 changed (APP-000001, APP-000002)")
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    passed = False
    p = None
    try:
        ingest_county(server, county, manifest)
        p = Probe(server, stubs, requests)
        p.still_serving("ingest")
        probes = [("1. obligors married to each other", obligors),
                  ("2. per-member figures out of range", member_figures),
                  ("3. full-time school at 16", full_time_student),
                  ("4. verification dates at the bounds", dates),
                  ("5. DUPLICATE_ENROLLMENT", duplicates),
                  ("6. no registration record", no_registration),
                  ("7. single-person coverage not applying", single_person),
                  ("8. a mixed batch, wrong callers", batch_and_callers),
                  ("9. report ids at the CLI", report_ids),
                  ("10. the CLI's --household",
                   lambda q: cli_household(q, work)),
                  ("11. the window ends with the income data",
                   lambda q: window_end(q, county, manifest))]
        failed = []
        for name, probe in probes:
            started = time.time()
            print("probe %s" % name, flush=True)
            try:
                probe(p)
            except SystemExit:
                failed.append(name)
                if server.proc.poll() is not None:
                    break
            print("  (%.1f s)" % (time.time() - started), flush=True)
        # Nothing personal in the audit or heduid's log.
        for e in p.calls_since(0):
            p.no_personal_data("audit entry %d" % e.sequence,
                               e.outcome + e.purpose + e.caller)
        log = open(server.log_path, "rb").read().decode("utf-8", "replace")
        p.no_personal_data("heduid's log", log)
        check(not failed, "probes failed: %s" % "; ".join(failed))
        passed = True
    finally:
        if p is not None:
            p.close()
        if server.proc.poll() is None:
            server.stop()
        elif not passed:
            print("heduid exited with %d" % server.proc.returncode)
        if not passed:
            tail = open(server.log_path, "rb").read()[-4000:]
            print("heduid log tail (%s):\n%s" % (
                server.log_path, tail.decode("utf-8", "replace")))
    check(server.proc.returncode == 0, "heduid exited with %d"
          % server.proc.returncode)
    shutil.rmtree(work)
    print("issue 15 abuse test passed in %.0f s" % (time.time() - began))


if __name__ == "__main__":
    main()
