#!/usr/bin/python3
"""The synthetic county's second month (issue 16 item 8, domain.md §10,
§10.1). hedui-datagen writes a county, the households its programs enrol
(every MEETS_CRITERIA household of a program with a roll) and next month's
department deltas with planted changes, each with the event it must cause,
fixed by construction from the labels and the rules, never by running the
engine (tests/datagen/README.md, "The second month").

Month 1: heduid's today is 2026-11-10 (every department fresh); the county is
ingested, each planned household verified and enrolled. No event.
Month 2: heduid's today is 2026-12-10; first every department gets an empty
delta as of 2026-12-01 (current again, nobody touched), then the planted
deltas. However the server groups the switches into passes, each
re-verification sees fresh data. Checked, after the re-verification is done:
- every planted change has exactly one event: kind, trigger, verdict before
  -> after, exactly the changed criteria with results before -> after, the
  records that made the difference, the causing department, the persons dead
  or moved away, the gradual-exit date (or none);
- a planted change that moves a value but no result (lost wages) is
  re-verified and makes no event;
- no other enrolled household gets an event, and those whose rows were sent
  again unchanged, or not at all, are not even re-verified.
Every difference is printed before the test fails. A disagreement with an
expectation that follows from domain.md is never weakened here: it may only
be listed in KNOWN_FAILURES, which the test prints."""
import importlib
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import (DATAGEN, Server, check, cli, dev_certificates,  # noqa: E402
                     fail, ingest_county, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_COUNTY_EVENTS_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_COUNTY_EVENTS_APPLICATIONS", "600"))
MONTH1_TODAY = "2026-11-10"
IDENTITY = "staff-1"  # every program, both counties

# (change, what) pairs the server is known to get wrong, each reported to
# the lead; printed by the test, never silently passed.
KNOWN_FAILURES = {}


def wait_for(condition, what, timeout=120):
    return harness.wait_for(condition, what, timeout, interval=0.3)


def main():
    started = time.time()
    work = workdir("county-events")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    Event = ch_pb.ChangeEvent
    verdict_name = r_pb.Verdict.Name
    result_name = r_pb.Finding.Result.Name
    criterion_name = r_pb.Finding.Criterion.Name
    dept_name = codes_pb.Department.Name

    county = os.path.join(work, "county")
    month2 = os.path.join(work, "month2")
    subprocess.run([DATAGEN, "--out", county, "--seed", "7", "--residents",
                    str(RESIDENTS), "--applications", str(APPLICATIONS),
                    "--second-month", month2], check=True,
                   stdout=subprocess.DEVNULL)
    manifest = json.load(open(os.path.join(county, "manifest.json")))
    plan2 = json.load(open(os.path.join(month2, "month2.json")))
    expect = json.load(open(os.path.join(month2, plan2["expectations_file"])))
    enrolment = [json.loads(line) for line in
                 open(os.path.join(month2, plan2["enrolment_file"]))]
    apps = {}
    for line in open(os.path.join(county, manifest["applications_file"])):
        a = json.loads(line)
        apps[a["application_id"]] = a
    print("county: %d residents, %d applications; %d to enrol, %d planted, "
          "%d expected unchanged (%.1f s)"
          % (RESIDENTS, APPLICATIONS, len(enrolment), len(expect["planted"]),
             len(expect["unchanged"]), time.time() - started))

    # Month 1.
    data = os.path.join(work, "data")
    server = Server(work, data, tls_dir=tls)
    server.today = MONTH1_TODAY
    server.start()
    ingest_county(server, county, manifest)

    def stubs_of():
        c = channel(server, IDENTITY)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(c),
                roll_grpc.RollServiceStub(c), ch_grpc.ChangeServiceStub(c))

    verify, rolls, changes = stubs_of()
    entries = {}  # application id -> entry id
    for plan in enrolment:
        app = apps[plan["application_id"]]
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(app, v_pb)), timeout=60).report
        check(verdict_name(report.verdict) == "MEETS_CRITERIA",
              "%s labelled MEETS_CRITERIA, served %s"
              % (app["application_id"], verdict_name(report.verdict)))
        request = roll_pb.EnrollRequest(
            request_id="county-enrol-" + app["application_id"],
            program=report.program, region_code=plan["region_code"],
            report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        entries[app["application_id"]] = rolls.Enroll(
            request, timeout=30).entry.entry_id
    by_entry = {e: a for a, e in entries.items()}

    def events():
        out, token = [], ""
        while True:
            page = changes.ListChanges(ch_pb.ListChangesRequest(
                page_token=token, page_size=500), timeout=30)
            out.extend(page.events)
            token = page.next_page_token
            if not token:
                return out

    check(events() == [], "enrolment makes no event")
    print("month 1: %d households enrolled (%.1f s)"
          % (len(entries), time.time() - started))

    # Month 2.
    server.stop()
    server = Server(work, data, tls_dir=tls)
    server.today = plan2["reverify_date"]
    server.start()
    verify, rolls, changes = stubs_of()
    for f in plan2["fresh"] + plan2["planted"]:
        cli(server, "ingest", "--department", f["department"], "--as-of",
            f["as_of"], "--delta", os.path.join(month2, f["file"]),
            check_exit=0)

    def day(d):
        return "%04d-%02d-%02d" % (d.year, d.month, d.day) if d.year else ""

    def feed_reports(applicant):
        """The applicant's re-verifications of month 2 (a first snapshot of
        month 1 taken up after the first enrolments re-verifies those too,
        on 2026-11-10, with no change)."""
        listed = verify.ListReports(vs_pb.ListReportsRequest(
            person_id=applicant), timeout=30).reports
        return [r for r in listed if r.reverification_trigger == Event.FEED
                and day(r.verification_date) == plan2["reverify_date"]]

    planted = expect["planted"]
    with_event = {p["application_id"]: p for p in planted if p["event"]}
    for p in planted:
        wait_for(lambda: feed_reports(p["applicant_id"]),
                 "%s (%s) to be re-verified" % (p["change"],
                                                p["application_id"]))
    wait_for(lambda: len({e.entry_id for e in events()
                          if by_entry.get(e.entry_id) in with_event})
             == len(with_event), "an event for every planted change")
    time.sleep(3)  # anything more would have come by now
    got = events()
    print("month 2: files in, %d events (%.1f s)"
          % (len(got), time.time() - started))

    failures = []
    known = []

    def differ(p, what, expected, found):
        line = "%s %s (%s): %s: expected %s, got %s" % (
            p["change"], p["application_id"], p["program"], what, expected,
            found)
        if (p["change"], what) in KNOWN_FAILURES:
            known.append("%s [%s]" % (line,
                                      KNOWN_FAILURES[(p["change"], what)]))
        else:
            failures.append(line)

    of_entry = {}
    for e in got:
        of_entry.setdefault(e.entry_id, []).append(e)

    for p in planted:
        entry = entries[p["application_id"]]
        evs = of_entry.get(entry, [])
        if not p["event"]:
            if evs:
                differ(p, "events", "none (%s)" % p.get("why", ""),
                       [summary_of(e, Event, verdict_name) for e in evs])
            continue
        if len(evs) != 1:
            differ(p, "events", "exactly one",
                   [summary_of(e, Event, verdict_name) for e in evs])
            if not evs:
                continue
        ev = evs[0]
        if Event.Kind.Name(ev.kind) != p["kind"]:
            differ(p, "kind", p["kind"], Event.Kind.Name(ev.kind))
        if Event.Trigger.Name(ev.trigger) != p["trigger"]:
            differ(p, "trigger", p["trigger"], Event.Trigger.Name(ev.trigger))
        if (codes_pb.Program.Name(ev.program) != p["program"]
                or ev.region_code != p["region_code"]):
            differ(p, "roll", (p["program"], p["region_code"]),
                   (codes_pb.Program.Name(ev.program), ev.region_code))
        verdicts = (verdict_name(ev.verdict_before),
                    verdict_name(ev.verdict_after))
        if verdicts != (p["verdict_before"], p["verdict_after"]):
            differ(p, "verdict before -> after",
                   "%s -> %s" % (p["verdict_before"], p["verdict_after"]),
                   "%s -> %s" % verdicts)
        crit = sorted((criterion_name(c.criterion), result_name(c.before),
                       result_name(c.after)) for c in ev.criteria)
        want = sorted((c["criterion"], c["before"], c["after"])
                      for c in p["criteria"])
        if crit != want:
            differ(p, "changed criteria", want, crit)
        # The causing department must be named, and only departments whose
        # files touched the household (change_service.proto, `departments`):
        # another file of the same pass that did not touch it is not named.
        depts = {dept_name(d) for d in ev.departments}
        allowed = set(p["departments"])
        if ((len(allowed) == 1 and not allowed <= depts)
                or not (allowed & depts) or depts - allowed):
            differ(p, "causing departments", sorted(allowed)
                   if len(allowed) == 1 else "some of %s" % sorted(allowed),
                   sorted(depts))
        exit_day = day(ev.gradual_exit_date)
        if exit_day != p["gradual_exit_date"]:
            differ(p, "gradual-exit date", p["gradual_exit_date"] or "none",
                   exit_day or "none")
        persons = sorted((x.person_id, ch_pb.PersonChange.Kind.Name(x.kind))
                         for x in ev.persons)
        want_persons = sorted((x["person_id"], x["kind"])
                              for x in p["persons"])
        if persons != want_persons:
            differ(p, "persons dead or moved away", want_persons, persons)
        for x in p["persons"]:
            for y in ev.persons:
                if y.person_id != x["person_id"]:
                    continue
                source = dept_name(y.source)
                if source not in x["sources"]:
                    differ(p, "person source", x["sources"], source)
                if source == "DEATH" and x["on"] and day(y.on) != x["on"]:
                    differ(p, "date of death", x["on"], day(y.on))
        for want_ev in p["evidence"]:
            changed = [c for c in ev.criteria
                       if criterion_name(c.criterion) == want_ev["criterion"]]
            found = any(
                ch_pb.EvidenceChange.Kind.Name(x.kind) == want_ev["kind"]
                and dept_name(x.after.department) == want_ev["department"]
                and x.after.person_id == want_ev["person_id"]
                for c in changed for x in c.evidence)
            if not found:
                differ(p, "evidence of %s" % want_ev["criterion"],
                       "%s %s row of the planted person"
                       % (want_ev["kind"], want_ev["department"]),
                       [(ch_pb.EvidenceChange.Kind.Name(x.kind),
                         dept_name(x.after.department or x.before.department),
                         x.after.record or x.before.record)
                        for c in changed for x in c.evidence])
        if ev.previous_report_id == ev.new_report_id or not ev.new_report_id:
            differ(p, "reports", "a new report", (ev.previous_report_id,
                                                   ev.new_report_id))

    # Nothing for anyone else: no event, and not even re-verified.
    planted_apps = {p["application_id"] for p in planted}
    for u in expect["unchanged"]:
        evs = of_entry.get(entries[u["application_id"]], [])
        if evs:
            differ(u, "events", "none (%s)" % u["why"],
                   [summary_of(e, Event, verdict_name) for e in evs])
        again = feed_reports(u["applicant_id"])
        if again:
            differ(u, "re-verification", "none (%s)" % u["why"],
                   "%d report(s)" % len(again))
    for e in got:
        if by_entry.get(e.entry_id) not in planted_apps and e.entry_id not in {
                entries[u["application_id"]] for u in expect["unchanged"]}:
            failures.append("an event for an entry that is not enrolled by "
                            "the plan: %s" % summary_of(e, Event, verdict_name))

    server.stop()
    print("checked %d planted changes and %d unchanged households in %.1f s"
          % (len(planted), len(expect["unchanged"]), time.time() - started))
    if known:
        print("KNOWN FAILURES (reported to the lead, still failing):")
        for line in known:
            print("  " + line)
    if failures:
        print("DIFFERENCES from the planted expectations:")
        for line in failures:
            print("  " + line)
        fail("%d difference(s) from the planted expectations" % len(failures))
    print("county_events_test: OK")


def summary_of(e, Event, verdict_name):
    return "#%d %s %s %s->%s [%s]" % (
        e.number, Event.Kind.Name(e.kind), Event.Trigger.Name(e.trigger),
        verdict_name(e.verdict_before), verdict_name(e.verdict_after),
        e.summary)


if __name__ == "__main__":
    main()
