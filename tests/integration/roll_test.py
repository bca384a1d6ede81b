#!/usr/bin/python3
"""Rolls end to end (issue 16 item 1): a real heduid with mutual TLS
(deploy/dev-ca.sh certificates: dibao-system is DIBAO in 320581 only,
staff-1 every program in 320581 and 320582), a small synthetic county
ingested, reports made by Verify, then through hedui.v1.RollService from
Python: an enrolment and its retry with the same request id (the first
answer, byte for byte), a withdrawal twice under one id (answered alike) and
once more under another (refused), the roll listed in pages, a caller of the
other county refused, a page token that shows nothing, and a kill -9 right
after an acknowledged enrolment: after the restart the entry and its request
result are there, the token made before it continues the roll alike, and the
audit chain verifies. Expected outcomes come from domain.md §10.1 and the county's
labels, never from the server."""
import importlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
import grpc  # noqa: E402
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_ROLL_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_ROLL_APPLICATIONS", "400"))
ERROR_TRAILER = "hedui-error-bin"


def refused(code, call, *args, **kwargs):
    """The refusal of a call expected to fail with `code`."""
    try:
        call(*args, timeout=30, **kwargs)
    except grpc.RpcError as e:
        check(e.code() == code, "wanted %s, got %s: %s"
              % (code, e.code(), e.details()))
        return e
    fail("wanted %s, the call succeeded" % code)


def fields_of(error, codes_pb):
    """The fields the hedui.v1.ErrorDetails trailer names."""
    raw = dict(error.trailing_metadata() or ()).get(ERROR_TRAILER)
    if raw is None:
        return []
    details = codes_pb.ErrorDetails.FromString(raw)
    return [v.field for v in details.field_violations]


def main():
    work = workdir("roll")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    Entry = roll_pb.RollEntry
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    def stubs_of(identity):
        ch = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(ch),
                roll_grpc.RollServiceStub(ch))

    def meeting(region):
        """Indices of DIBAO applications of `region` labelled
        MEETS_CRITERIA, each applicant once."""
        seen, out = set(), []
        for i, (a, l) in enumerate(zip(apps, labels)):
            applicant = a["members"][0]["person_id"]
            if (a["program"] == "DIBAO" and a["region_code"] == region
                    and l["verdict"] == "MEETS_CRITERIA"
                    and applicant not in seen):
                seen.add(applicant)
                out.append(i)
        return out

    def verified(verify, i):
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(apps[i], v_pb)), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s: labelled MEETS_CRITERIA, served %s"
              % (apps[i]["application_id"], r_pb.Verdict.Name(report.verdict)))
        return report

    def enrol_request(report, request_id):
        request = roll_pb.EnrollRequest(
            request_id=request_id, program=report.program,
            region_code=report.policy.region_code, report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        return request

    verify, rolls = stubs_of("dibao-system")
    own = meeting("320581")
    check(len(own) >= 6, "enough DIBAO households in 320581: %d" % len(own))

    # Enrolment, and its retry with the same request id.
    report = verified(verify, own[0])
    first = rolls.Enroll(enrol_request(report, "roll-test-enrol-1"), timeout=30)
    entry = first.entry
    check(entry.state == Entry.ACTIVE and entry.report_id == report.report_id
          and entry.applicant_id == apps[own[0]]["members"][0]["person_id"]
          and entry.region_code == "320581",
          "the enrolled entry: %s" % entry)
    again = rolls.Enroll(enrol_request(report, "roll-test-enrol-1"), timeout=30)
    check(again.SerializeToString() == first.SerializeToString(),
          "a retry answers the first result byte for byte")
    got = rolls.GetRollEntry(roll_pb.GetRollEntryRequest(
        program=codes_pb.DIBAO,
        applicant_id=entry.applicant_id), timeout=30)
    check(got.entry_id == entry.entry_id,
          "the retry made no second entry: %s, %s"
          % (got.entry_id, entry.entry_id))
    check(got.request.members[0].person_id == entry.applicant_id,
          "GetRollEntry returns the stored declaration")
    changed = enrol_request(report, "roll-test-enrol-1")
    changed.approval_date.day = 1 if report.verification_date.day != 1 else 2
    e = refused(grpc.StatusCode.ALREADY_EXISTS, rolls.Enroll, changed)
    check("request_id" in fields_of(e, codes_pb),
          "another request under a used id names request_id: %s" % e.details())
    print("enrolled %s; its retry answered alike" % entry.entry_id)

    # Withdrawal twice under one id, then once more under another.
    withdraw = roll_pb.WithdrawRequest(
        request_id="roll-test-withdraw-1", entry_id=entry.entry_id,
        reason=Entry.VOLUNTARY, note="本人申请退出")
    ended = rolls.Withdraw(withdraw, timeout=30)
    check(ended.entry.state == Entry.ENDED
          and ended.entry.end_reason == Entry.VOLUNTARY,
          "withdrawn: %s" % ended.entry)
    twice = rolls.Withdraw(withdraw, timeout=30)
    check(twice.SerializeToString() == ended.SerializeToString(),
          "a repeated withdrawal (same id) is answered, not refused")
    withdraw.request_id = "roll-test-withdraw-2"
    e = refused(grpc.StatusCode.FAILED_PRECONDITION, rolls.Withdraw, withdraw)
    check("entry_id" in fields_of(e, codes_pb),
          "withdrawing an ended entry again names entry_id: %s" % e.details())
    refused(grpc.StatusCode.NOT_FOUND, rolls.GetRollEntry,
            roll_pb.GetRollEntryRequest(program=codes_pb.DIBAO,
                                        applicant_id=entry.applicant_id))
    print("withdrawn; the retry answered alike, a new withdrawal refused")

    # The roll in pages of one.
    active = set()
    for n, i in enumerate(own[1:5]):
        response = rolls.Enroll(enrol_request(
            verified(verify, i), "roll-test-list-%d" % n), timeout=30)
        active.add(response.entry.entry_id)
        # Another applicant of the same 户号 replaces the entry (§10.1).
        for old in response.replaced:
            active.discard(old.entry_id)
    listed, token, pages = [], "", 0
    while True:
        page = rolls.ListRoll(roll_pb.ListRollRequest(
            program=codes_pb.DIBAO, region_code="320581", page_size=1,
            page_token=token), timeout=30)
        check(len(page.entries) <= 1, "a page of one holds at most one")
        for e in page.entries:
            check(e.state == Entry.ACTIVE and e.region_code == "320581",
                  "active entries of 320581 only: %s" % e)
            check(not e.HasField("request"),
                  "a listed entry leaves its declaration out")
        listed += [e.entry_id for e in page.entries]
        pages += 1
        token = page.next_page_token
        if not token or pages > 50:
            break
    check(sorted(listed) == sorted(active),
          "the roll listed page by page: %s, enrolled %s" % (listed, active))
    check(len(listed) == len(set(listed)), "no entry listed twice")
    check(pages >= len(active), "%d pages for %d entries" % (pages, len(active)))
    print("listed %d entries in %d pages" % (len(listed), pages))

    # The other county: dibao-system acts for 320581 only.
    staff_verify, staff_rolls = stubs_of("staff-1")
    other = meeting("320582")
    check(other, "a DIBAO household in 320582")
    other_report = verified(staff_verify, other[0])
    e = refused(grpc.StatusCode.PERMISSION_DENIED, rolls.Enroll,
                enrol_request(other_report, "roll-test-other-1"))
    check("320582" in e.details(), "the refusal names the county: %s"
          % e.details())
    as_own = enrol_request(other_report, "roll-test-other-2")
    as_own.region_code = "320581"
    e = refused(grpc.StatusCode.NOT_FOUND, rolls.Enroll, as_own)
    check("report_id" in fields_of(e, codes_pb),
          "another county's report is not found for it: %s" % e.details())
    theirs = staff_rolls.Enroll(
        enrol_request(other_report, "roll-test-other-3"), timeout=30).entry
    refused(grpc.StatusCode.NOT_FOUND, rolls.GetRollEntry,
            roll_pb.GetRollEntryRequest(entry_id=theirs.entry_id))
    refused(grpc.StatusCode.NOT_FOUND, rolls.Withdraw, roll_pb.WithdrawRequest(
        request_id="roll-test-other-4", entry_id=theirs.entry_id,
        reason=Entry.OTHER))
    refused(grpc.StatusCode.PERMISSION_DENIED, rolls.ListRoll,
            roll_pb.ListRollRequest(program=codes_pb.DIBAO,
                                    region_code="320582"))
    mine = rolls.ListRoll(roll_pb.ListRollRequest(
        program=codes_pb.DIBAO, page_size=500), timeout=30)
    check(all(e.region_code == "320581" for e in mine.entries),
          "a county's caller lists its own county's roll only")
    print("the other county's caller refused")

    # kill -9 right after an acknowledged enrolment.
    last = enrol_request(verified(verify, own[5]), "roll-test-kill")
    acknowledged = rolls.Enroll(last, timeout=30)
    # A page token is opaque (no county, entry id or separator shows) and
    # sealed with the audit key: the same token continues the listing after
    # the restart, as it did before.
    by_one = roll_pb.ListRollRequest(program=codes_pb.DIBAO,
                                     region_code="320581", page_size=1)
    first_page = rolls.ListRoll(by_one, timeout=30)
    roll_token = first_page.next_page_token
    check(roll_token, "a page of one of several entries has a token")
    check(not any(x in roll_token for x in ["320581", "."] + listed)
          and not roll_token.startswith("-"),
          "a ListRoll token shows nothing: %s" % roll_token)
    by_one.page_token = roll_token
    before_restart = [e.entry_id for e in
                      rolls.ListRoll(by_one, timeout=30).entries]
    check(before_restart, "the second page of one lists an entry")
    server.kill9()
    server.start()
    verify, rolls = stubs_of("dibao-system")
    after_restart = [e.entry_id for e in
                     rolls.ListRoll(by_one, timeout=30).entries]
    check(after_restart == before_restart,
          "a token made before the restart continues after it: %s, %s"
          % (before_restart, after_restart))
    got = rolls.GetRollEntry(roll_pb.GetRollEntryRequest(
        entry_id=acknowledged.entry.entry_id), timeout=30)
    check(got.state == Entry.ACTIVE
          and got.report_id == acknowledged.entry.report_id,
          "the acknowledged entry survived kill -9: %s" % got)
    retried = rolls.Enroll(last, timeout=30)
    check(retried.SerializeToString() == acknowledged.SerializeToString(),
          "its request result survived too: the retry answers alike")
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(
        channel(server, "staff-1"))
    checked = audit.VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=60)
    check(checked.intact, "the audit chain verifies: %s" % checked.problem)
    entries, token = [], ""
    while True:
        page = audit.ListAudit(audit_pb.ListAuditRequest(
            page_size=1000, page_token=token), timeout=30)
        entries += list(page.entries)
        token = page.next_page_token
        if not token:
            break
    enrols = [x for x in entries if x.method == "/hedui.v1.RollService/Enroll"]
    check(enrols and all(x.caller in ("dibao-system", "staff-1")
                         for x in enrols),
          "every enrolment is audited with its caller")
    check(any(acknowledged.entry.entry_id in x.outcome for x in enrols),
          "the enrolment's entry is named in its audit entry")
    print("after kill -9: the entry, its request result and the chain are "
          "there")
    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("roll test passed")


if __name__ == "__main__":
    main()
