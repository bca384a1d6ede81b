#!/usr/bin/python3
"""Duplicate enrolment from Hedui's own rolls (issue 16 item 5; domain.md §10
"Duplicate enrolment (一人一保)" and §10.1 "Duplicate enrolment"): a real
heduid with mutual TLS and a small synthetic county. Every expectation below
is fixed from the domain text, never by asking the server:
- a 特困 household of one (person P) is verified and enrolled by the 特困
  system; then a 低保 household of 320581 declaring P as a member besides its
  own is verified by the 低保 system: DUPLICATE_ENROLLMENT is REVIEW and its
  evidence names the 特困 roll entry (program, county, entry id; never the
  other applicant's ID), so the verdict is NEEDS_REVIEW;
- enrolling that household (resolved by a caseworker) makes one event per
  side of the new pair (kind DUPLICATE_ENROLLMENT, trigger DUPLICATE_SCAN):
  the 低保 system sees only its side, naming the other side's program (TEKUN)
  and county and P as the shared member; the 特困 system sees only its side
  (other program DIBAO); neither event names the other side's entry or
  report, and no summary holds P's ID unmasked;
- a retry of that enrolment, and a re-enrolment of the same household (its
  new entry replaces the old one: the same pair), make no event;
- a withdrawal ends the pair without an event; enrolling the household again
  is a new pair: two new events, durable across a kill -9 right after the
  enrolment's answer (and the audit chain verifies after the restart);
- an assistance-enrollment file switched in runs the whole-roll scan: the
  pair is known, so no event repeats it;
- withdrawing the 特困 entry ends the pair without an event."""
import copy
import importlib
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (wait_for, SOURCE, Server, check, cli, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_DUPLICATES_RESIDENTS", "3000"))
APPLICATIONS = int(os.environ.get("HEDUI_DUPLICATES_APPLICATIONS", "200"))
TODAY = "2026-11-10"

CALLERS = """
callers { identity: "dibao-system" role: PROGRAM_SYSTEM
          programs: [DIBAO, MEDICAL] region_codes: "320581" }
callers { identity: "staff-1" role: STAFF
          region_codes: ["320581", "320582"] }
callers { identity: "admin-1" role: ADMIN }
callers { identity: "tekun-system" role: PROGRAM_SYSTEM
          programs: [TEKUN] region_codes: "320581" }
"""


def certificates(directory):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "callers.textproto"), "w") as f:
        f.write(CALLERS)
    subprocess.run([os.path.join(SOURCE, "deploy", "dev-ca.sh"), directory,
                    "tekun-system"], check=True, capture_output=True)
    return directory


def main():
    work = workdir("duplicates")
    tls = certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    Event = ch_pb.ChangeEvent
    Finding = r_pb.Finding

    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    data = os.path.join(work, "data")
    server = Server(work, data, tls_dir=tls)
    server.today = TODAY
    server.start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    def stubs_of(identity):
        c = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(c),
                roll_grpc.RollServiceStub(c), ch_grpc.ChangeServiceStub(c))

    def connect():
        return {who: stubs_of(who) for who in ("dibao-system", "tekun-system")}

    callers = connect()

    def events(who, program):
        out, token = [], ""
        while True:
            page = callers[who][2].ListChanges(ch_pb.ListChangesRequest(
                program=program, page_token=token, page_size=500), timeout=30)
            out.extend(page.events)
            token = page.next_page_token
            if not token:
                return out

    def dibao_events():
        return [e for e in events("dibao-system", codes_pb.DIBAO)
                if e.kind == Event.DUPLICATE_ENROLLMENT]

    def tekun_events():
        return [e for e in events("tekun-system", codes_pb.TEKUN)
                if e.kind == Event.DUPLICATE_ENROLLMENT]

    def verify(who, request):
        return callers[who][0].Verify(
            vs_pb.VerifyRequest(request=request), timeout=60).report

    def finding(report, criterion):
        return next((f for f in report.findings
                     if f.criterion == Finding.Criterion.Value(criterion)),
                    None)

    # --- The 特困 household of one: P, verified and enrolled. ---
    tekun_app = next((a for a, lab in zip(apps, labels)
                      if a["program"] == "TEKUN" and a["region_code"] == "320581"
                      and lab["verdict"] == "MEETS_CRITERIA"
                      and len(a["members"]) == 1 and not a["obligors"]
                      and a["verification_date"] <= TODAY), None)
    check(tekun_app is not None, "a 特困 household of one in 320581")
    P = tekun_app["members"][0]["person_id"]
    t_report = verify("tekun-system", to_request(tekun_app, v_pb))
    check(r_pb.Verdict.Name(t_report.verdict) == "MEETS_CRITERIA",
          "the 特困 household meets the criteria: %s"
          % r_pb.Verdict.Name(t_report.verdict))

    def enroll(who, report, request_id, resolved=False):
        request = roll_pb.EnrollRequest(
            request_id=request_id, program=report.program,
            region_code="320581", report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        if resolved:
            request.resolution.caseworker = "caseworker-7"
            request.resolution.reason = "一人一保待核实，先行纳入"
        return callers[who][1].Enroll(request, timeout=30)

    t_entry = enroll("tekun-system", t_report, "dup-tekun-1").entry
    print("特困 entry %s" % t_entry.entry_id)
    check(tekun_events() == [], "an enrolment alone makes no duplicate event")

    # --- A 低保 household declaring P too: REVIEW from the roll. ---
    def with_p(app):
        app = copy.deepcopy(app)
        app["members"].append({
            "person_id": P, "name": tekun_app["members"][0]["name"],
            "relation": "PARENT", "declared_monthly_income_fen": {},
            "informal_work": False})
        app["consent"]["signer_ids"].append(P)
        return app

    chosen, d_report = None, None
    for a, lab in zip(apps, labels):
        if not (a["program"] == "DIBAO" and a["region_code"] == "320581"
                and lab["verdict"] == "MEETS_CRITERIA" and not a["obligors"]
                and not a["single_person_member_id"]
                and a["verification_date"] <= TODAY
                and P not in [m["person_id"] for m in a["members"]]):
            continue
        report = verify("dibao-system", to_request(with_p(a), v_pb))
        dup = finding(report, "DUPLICATE_ENROLLMENT")
        check(dup is not None and Finding.Result.Name(dup.result) == "REVIEW",
              "a 低保 household declaring P enrolled in 特困: "
              "DUPLICATE_ENROLLMENT REVIEW, got %s" % dup)
        if r_pb.Verdict.Name(report.verdict) == "NEEDS_REVIEW" and not any(
                Finding.Result.Name(f.result) == "FAIL"
                for f in report.findings):
            chosen, d_report = a, report
            break
    check(chosen is not None, "a 低保 household that stays NEEDS_REVIEW with P")
    dup = finding(d_report, "DUPLICATE_ENROLLMENT")
    roll_evidence = [e for e in dup.evidence if "核对系统名册" in e.record]
    check(len(roll_evidence) == 1, "one roll entry in the evidence: %s"
          % list(dup.evidence))
    ev = roll_evidence[0]
    check(ev.department == codes_pb.DEPARTMENT_UNSPECIFIED
          and ev.person_id == P and "特困供养" in ev.record
          and "320581" in ev.record and t_entry.entry_id in ev.record,
          "the roll evidence names program, county and entry: %s" % ev)
    check(P not in ev.record and P not in dup.explanation,
          "no unmasked resident ID in the roll evidence or explanation")
    check("核对系统名册" in dup.explanation, "the explanation names the roll: %s"
          % dup.explanation)
    print("低保 household %s with P: DUPLICATE_ENROLLMENT REVIEW from the roll"
          % chosen["application_id"])

    # --- Its enrolment finds the pair: one event per side. ---
    first = enroll("dibao-system", d_report, "dup-dibao-1", resolved=True)
    d_entry = first.entry
    d_events = wait_for(dibao_events, "the 低保 side's event", timeout=10)
    t_events = wait_for(tekun_events, "the 特困 side's event", timeout=10)
    check(len(d_events) == 1 and len(t_events) == 1,
          "one event per side: %s / %s" % (d_events, t_events))

    def check_side(e, entry, other_program, own_report, other_ids):
        check(e.trigger == Event.DUPLICATE_SCAN, "trigger DUPLICATE_SCAN: %s" % e)
        check(e.entry_id == entry.entry_id and e.program == entry.program
              and e.region_code == "320581", "the event is this side's: %s" % e)
        check(e.duplicate.other_program == other_program
              and e.duplicate.other_region_code == "320581"
              and list(e.duplicate.shared_person_ids) == [P],
              "the other side's program and county, P shared: %s"
              % e.duplicate)
        text = str(e)
        for other_id in other_ids:
            check(other_id not in text,
                  "the other side's %s is not in the event" % other_id)
        check(P not in e.summary and e.summary, "the summary masks P: %s"
              % e.summary)
        check((e.occurred_on.year, e.occurred_on.month, e.occurred_on.day)
              == (2026, 11, 10), "occurred today: %s" % e.occurred_on)

    check_side(d_events[0], d_entry, codes_pb.TEKUN, d_report,
               [t_entry.entry_id, t_report.report_id])
    check_side(t_events[0], t_entry, codes_pb.DIBAO, t_report,
               [d_entry.entry_id, d_report.report_id])
    # Each caller sees its own side only.
    check(all(e.program == codes_pb.DIBAO for e in
              events("dibao-system", codes_pb.PROGRAM_UNSPECIFIED)),
          "the 低保 system sees no 特困 event")
    print("pair events %d (低保 side), %d (特困 side)"
          % (d_events[0].number, t_events[0].number))

    # --- No repeat: a retry, and a re-enrolment of the same household. ---
    again = enroll("dibao-system", d_report, "dup-dibao-1", resolved=True)
    check(again.entry.entry_id == d_entry.entry_id, "a retry returns the entry")
    report2 = verify("dibao-system", to_request(with_p(chosen), v_pb))
    replaced = enroll("dibao-system", report2, "dup-dibao-2", resolved=True)
    check([r.entry_id for r in replaced.replaced] == [d_entry.entry_id],
          "the re-enrolment replaces the entry: %s" % replaced)
    d_entry = replaced.entry
    time.sleep(1)
    check(len(dibao_events()) == 1 and len(tekun_events()) == 1,
          "the same pair makes no new event")

    # --- Withdrawal ends the pair without an event; coming back is new. ---
    callers["dibao-system"][1].Withdraw(roll_pb.WithdrawRequest(
        request_id="dup-withdraw-1", entry_id=d_entry.entry_id,
        reason=roll_pb.RollEntry.VOLUNTARY), timeout=30)
    time.sleep(1)
    check(len(dibao_events()) == 1 and len(tekun_events()) == 1,
          "a withdrawal makes no event")
    report3 = verify("dibao-system", to_request(with_p(chosen), v_pb))
    back = enroll("dibao-system", report3, "dup-dibao-3", resolved=True).entry
    # Killed right after the answer: the events were durable with it.
    server.kill9()
    server.start()
    callers = connect()
    d_events = dibao_events()
    t_events = tekun_events()
    check(len(d_events) == 2 and len(t_events) == 2,
          "a new pair after coming back, durable across kill -9: %d / %d"
          % (len(d_events), len(t_events)))
    check(d_events[1].entry_id == back.entry_id
          and t_events[1].entry_id == t_entry.entry_id,
          "the new pair's sides: %s / %s" % (d_events[1], t_events[1]))
    audit_grpc = stubs["audit_pb2_grpc"]
    verified = audit_grpc.AuditServiceStub(channel(server, "admin-1")) \
        .VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=120)
    check(verified.intact, "the audit chain verifies: %s" % verified)

    # --- An assistance-enrollment file: the whole-roll scan, no repeat. ---
    header_and_row = open(os.path.join(county, "assistance_enrollment.csv"),
                          encoding="utf-8").read().splitlines()[:2]
    delta = os.path.join(work, "assistance-delta.csv")
    with open(delta, "w", encoding="utf-8") as f:
        f.write("op," + header_and_row[0] + "\n")
        f.write("upsert," + header_and_row[1] + "\n")
    as_of = next(d["as_of"] for d in manifest["departments"]
                 if d["department"] == "ASSISTANCE_ENROLLMENT")
    cli(server, "ingest", "--department", "ASSISTANCE_ENROLLMENT", "--as-of",
        max(as_of, "2026-11-09"), "--delta", delta, check_exit=0)
    # The pass has nothing to re-verify; its scan ends it.
    check(server.read_stderr_until(
        "duplicate scan: no new pair of roll entries", 60),
        "the assistance-enrollment switch ran the roll scan, no new pair")
    check(len(dibao_events()) == 2 and len(tekun_events()) == 2,
          "the feed's scan repeats no known pair")

    # --- The 特困 side withdrawn: the pair ends, no event. ---
    callers["tekun-system"][1].Withdraw(roll_pb.WithdrawRequest(
        request_id="dup-withdraw-2", entry_id=t_entry.entry_id,
        reason=roll_pb.RollEntry.OTHER), timeout=30)
    time.sleep(1)
    check(len(dibao_events()) == 2 and len(tekun_events()) == 2,
          "the pair's end makes no event")
    server.stop()
    print("OK")


if __name__ == "__main__":
    main()
