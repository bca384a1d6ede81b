#!/usr/bin/python3
"""Re-verification when department data land (issue 16 items 2-4): a real
heduid with mutual TLS, a small synthetic county, five DIBAO households of
320581 verified and enrolled. Then, with every expected outcome fixed from
domain.md §10.1 by construction, never by asking the server:
- a TAX delta gives household A a wage far over any line: A is re-verified
  within seconds, its event says INCOME PASS -> FAIL, MEETS_CRITERIA ->
  DOES_NOT_MEET, gradual exit 2027-05-31 (the last day of the sixth month
  after 2026-11); the same delta repeats one of B's rows unchanged: B is not
  re-verified (no report, no event);
- a DEATH delta for a member of C: C's event names that member DIED, and
  the entry's death re-check is due 2027-02-10;
- Reverify of D on request: a report and no event; of the whole roll: a job,
  after which no event is new (every result as the latest report);
- a full TAX snapshot raising the wages of D and E, with heduid killed -9
  right after the job is recorded and again after its first entry is
  written: after the restart D and E each have exactly one event, and the
  audit chain verifies;
- the server's today moved to the first review due: the server runs those
  reviews by itself (reports with trigger REVIEW, the next date on along the
  grid) and makes a consent-expired event for every consent expired by
  then; moved past every consent: one such event per entry, however often
  the server restarts, and nothing read.
The server's today is 2026-11-10, when the county's data are all fresh, so
a household untouched by a file re-verifies to the same results."""
import calendar
import csv
import datetime
import importlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (wait_for, Server, check, cli, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_REVERIFY_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_REVERIFY_APPLICATIONS", "400"))
TODAY = "2026-11-10"


def main():
    work = workdir("reverify")
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
    audit_pb = stubs["audit_pb2"]
    Event = ch_pb.ChangeEvent
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
    tax_rows = list(csv.reader(open(os.path.join(county, "tax.csv"))))
    tax_header, tax_rows = tax_rows[0], tax_rows[1:]
    taxed = {}
    for row in tax_rows:
        taxed.setdefault(row[0], []).append(row)

    def stubs_of(identity):
        c = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(c),
                roll_grpc.RollServiceStub(c), ch_grpc.ChangeServiceStub(c))

    verify, rolls, changes = stubs_of("dibao-system")

    # Plain households: DIBAO, 320581, MEETS_CRITERIA with nothing planted,
    # verified on or before today, one applicant each, no member shared.
    chosen, persons_seen = [], set()
    for a, lab in zip(apps, labels):
        members = [m["person_id"] for m in a["members"]]
        if (a["program"] == "DIBAO" and a["region_code"] == "320581"
                and lab["verdict"] == "MEETS_CRITERIA"
                and not lab.get("planted") and not a["obligors"]
                and a["verification_date"] <= TODAY
                and not persons_seen.intersection(members)):
            persons_seen.update(members)
            chosen.append(a)
    check(len(chosen) >= 5, "five plain DIBAO households: %d" % len(chosen))
    # B needs a TAX row to repeat; C a second member whose death leaves one.
    b_pick = next((a for a in chosen if any(
        m["person_id"] in taxed for m in a["members"])), None)
    check(b_pick is not None, "a household with a TAX row")
    rest = [a for a in chosen if a is not b_pick]
    c_pick = next((a for a in rest if len(a["members"]) >= 2), None)
    check(c_pick is not None, "a household of two or more")
    rest = [a for a in rest if a is not c_pick]
    A, B, C, D, E = rest[0], b_pick, c_pick, rest[1], rest[2]
    names = {"A": A, "B": B, "C": C, "D": D, "E": E}

    entries = {}
    for key, app in names.items():
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(app, v_pb)), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s labelled MEETS_CRITERIA, served %s"
              % (app["application_id"], r_pb.Verdict.Name(report.verdict)))
        request = roll_pb.EnrollRequest(
            request_id="reverify-enrol-" + key, program=report.program,
            region_code="320581", report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        entries[key] = rolls.Enroll(request, timeout=30).entry
    print("enrolled %s" % {k: e.entry_id for k, e in entries.items()})

    def events(after=0):
        out, token = [], ""
        while True:
            page = changes.ListChanges(ch_pb.ListChangesRequest(
                program=codes_pb.DIBAO, after=after, page_token=token,
                page_size=500), timeout=30)
            out.extend(page.events)
            token = page.next_page_token
            if not token:
                return out

    def of(entry_key, evs):
        return [e for e in evs if e.entry_id == entries[entry_key].entry_id]

    def entry(key):
        return rolls.GetRollEntry(roll_pb.GetRollEntryRequest(
            entry_id=entries[key].entry_id), timeout=30)

    check(events() == [], "enrolment makes no event")

    # 1. A TAX delta: a wage for A far over the line, one of B's rows again.
    a_applicant = A["members"][0]["person_id"]
    b_row = next(row for m in B["members"] for row in
                 taxed.get(m["person_id"], []))
    delta = os.path.join(work, "tax-delta.csv")
    with open(delta, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["op"] + tax_header)
        w.writerow(["upsert", a_applicant, "2026-09", "WAGE", "100000",
                    "91320581000009DLL7", "2026-09-25"])
        w.writerow(["upsert"] + b_row)
    cli(server, "ingest", "--department", "TAX", "--as-of", "2026-11-05",
        "--delta", delta, check_exit=0)
    a_events = wait_for(lambda: of("A", events()), "A's event")
    check(len(a_events) == 1, "one event for A: %s" % a_events)
    ev = a_events[0]
    check(ev.kind == Event.REVERIFICATION and ev.trigger == Event.FEED,
          "a FEED re-verification: %s" % ev)
    check(r_pb.Verdict.Name(ev.verdict_before) == "MEETS_CRITERIA"
          and r_pb.Verdict.Name(ev.verdict_after) == "DOES_NOT_MEET",
          "A's verdict before -> after: %s" % ev)
    income = [c for c in ev.criteria
              if r_pb.Finding.Criterion.Name(c.criterion) == "INCOME"]
    check(len(income) == 1 and r_pb.Finding.Result.Name(income[0].before)
          == "PASS" and r_pb.Finding.Result.Name(income[0].after) == "FAIL",
          "INCOME PASS -> FAIL: %s" % ev.criteria)
    check(any(e.after.person_id == a_applicant for e in income[0].evidence),
          "the new wage is the evidence: %s" % income[0].evidence)
    check((ev.gradual_exit_date.year, ev.gradual_exit_date.month,
           ev.gradual_exit_date.day) == (2027, 5, 31),
          "gradual exit 2027-05-31: %s" % ev.gradual_exit_date)
    check(codes_pb.TAX in ev.departments, "the TAX file is named")
    check(ev.previous_report_id == entries["A"].report_id
          and ev.new_report_id and ev.new_report_id != ev.previous_report_id,
          "previous and new report: %s" % ev)
    check(entry("A").latest_report_id == ev.new_report_id,
          "A's latest report is the re-verification's")
    time.sleep(2)
    check(of("B", events()) == [], "B's unchanged row makes no event")
    b_reports = verify.ListReports(vs_pb.ListReportsRequest(
        person_id=B["members"][0]["person_id"]), timeout=30).reports
    check(len(b_reports) == 1, "B was not re-verified: %d reports"
          % len(b_reports))
    print("TAX delta: event %d for A, nothing for B" % ev.number)

    # 2. A DEATH delta for C's second member.
    dead = C["members"][1]["person_id"]
    death = os.path.join(work, "death-delta.csv")
    with open(death, "w") as f:
        f.write("op,person_id,date_of_death\nupsert,%s,2026-11-03\n" % dead)
    cli(server, "ingest", "--department", "DEATH", "--as-of", "2026-11-05",
        "--delta", death, check_exit=0)
    c_events = wait_for(lambda: of("C", events()), "C's event")
    check(len(c_events) == 1 and [
        (p.person_id, p.kind) for p in c_events[0].persons]
        == [(dead, ch_pb.PersonChange.DIED)],
        "C's event names the member dead: %s" % c_events)
    c_entry = entry("C")
    check((c_entry.death_recheck_date.year, c_entry.death_recheck_date.month,
           c_entry.death_recheck_date.day) == (2027, 2, 10),
          "C's death re-check 2027-02-10: %s" % c_entry.death_recheck_date)
    print("DEATH delta: event %d for C" % c_events[0].number)

    # 3. On request: one entry, then the whole roll.
    before = len(events())
    one = rolls.Reverify(roll_pb.ReverifyRequest(
        request_id="reverify-d", entry_id=entries["D"].entry_id), timeout=60)
    check(one.report_id and one.event_number == 0 and not one.consent_expired,
          "D re-verified, unchanged: %s" % one)
    again = rolls.Reverify(roll_pb.ReverifyRequest(
        request_id="reverify-d", entry_id=entries["D"].entry_id), timeout=60)
    check(again.report_id == one.report_id, "a retry answers the first")
    whole = rolls.Reverify(roll_pb.ReverifyRequest(
        request_id="reverify-roll", program=codes_pb.DIBAO,
        region_code="320581"), timeout=60)
    check(whole.job_id and whole.entries == 5, "a job over 5: %s" % whole)
    wait_for(lambda: len(verify.ListReports(vs_pb.ListReportsRequest(
        person_id=D["members"][0]["person_id"]), timeout=30).reports) >= 3,
        "the roll's job to reach D")
    time.sleep(2)
    check(len(events()) == before, "nothing new after the roll's job")
    print("Reverify: one entry and the whole roll, no event")

    # 4. A full TAX snapshot with kill -9 inside the pass.
    d_applicant = D["members"][0]["person_id"]
    e_applicant = E["members"][0]["person_id"]
    full = os.path.join(work, "tax-full.csv")
    with open(full, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(tax_header)
        for row in tax_rows:
            w.writerow(row)
        w.writerow([a_applicant, "2026-09", "WAGE", "100000",
                    "91320581000009DLL7", "2026-09-25"])
        for person in (d_applicant, e_applicant):
            w.writerow([person, "2026-08", "WAGE", "90000",
                        "91320581000009DLL7", "2026-08-25"])
    before = events()
    server.stop()
    paused = Server(work, data, tls_dir=tls,
                    extra_args=["--test-pause-reverify-ms", "20000",
                                "--reverify-batch-size", "1"])
    paused.today = TODAY
    paused.start()
    server = paused
    cli(server, "ingest", "--department", "TAX", "--as-of", "2026-11-06",
        full, check_exit=0)
    server.read_stderr_until("test-hook: reverify job recorded", 60)
    server.kill9()
    print("killed -9 after the job was recorded")
    server.start()
    server.read_stderr_until("test-hook: reverify batch written 1", 60)
    server.kill9()
    print("killed -9 after the first entry was written")
    calm = Server(work, data, tls_dir=tls)
    calm.today = TODAY
    calm.start()
    server = calm
    verify, rolls, changes = stubs_of("dibao-system")
    wait_for(lambda: of("E", events()), "E's event")
    new = [e for e in events() if e.number > max(x.number for x in before)]
    check(sorted(e.entry_id for e in new)
          == sorted([entries["D"].entry_id, entries["E"].entry_id]),
          "exactly one event each for D and E: %s"
          % [(e.number, e.entry_id) for e in new])
    for e in new:
        check(r_pb.Verdict.Name(e.verdict_after) == "DOES_NOT_MEET",
              "D and E no longer meet: %s" % e)
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(channel(server, "admin-1"))
    verdict = audit.VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=120)
    check(verdict.intact, "the audit chain verifies: %s" % verdict)

    # 5. Time passes: the server runs each review on its due day by itself,
    # and makes one "consent expired" event per consent on its first
    # invalid day, reading nothing of that household.
    def day_of(d):
        return datetime.date(d.year, d.month, d.day)

    def consent_last_day(app):
        """Valid up to and including signed_on + 12 months - 1 day (the
        test policy's consent_validity_months, domain.md §1)."""
        signed = datetime.date.fromisoformat(app["consent"]["signed_on"])
        month = signed.month + 12
        year, month = signed.year + (month - 1) // 12, (month - 1) % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return (datetime.date(year, month, min(signed.day, last))
                - datetime.timedelta(days=1))

    def reports_by_trigger(app, trigger):
        listed = verify.ListReports(vs_pb.ListReportsRequest(
            person_id=app["members"][0]["person_id"]), timeout=30).reports
        return [r for r in listed if r.reverification_trigger == trigger]

    def restart_on(day):
        nonlocal server, verify, rolls, changes
        server.stop()
        server = Server(work, data, tls_dir=tls)
        server.today = day.isoformat()
        server.start()
        verify, rolls, changes = stubs_of("dibao-system")

    state = {k: entry(k) for k in names}
    first_due = min(day_of(e.next_review_date) for e in state.values())
    check(first_due > datetime.date(2026, 11, 10),
          "no review is due at enrolment: %s" % first_due)
    restart_on(first_due)
    reviewed = [k for k, e in state.items()
                if day_of(e.next_review_date) == first_due
                and consent_last_day(names[k]) >= first_due]
    expired = [k for k in names if consent_last_day(names[k]) < first_due]
    for k in reviewed:
        wait_for(lambda: reports_by_trigger(names[k], Event.REVIEW),
                 "%s's review on %s" % (k, first_due))
        check(day_of(entry(k).next_review_date) > first_due,
              "%s's next review moved on along its grid" % k)
    for k in expired:
        wait_for(lambda: [e for e in of(k, events())
                          if e.kind == Event.CONSENT_EXPIRED],
                 "%s's consent-expired event" % k)
    print("%s: reviews %s, consents expired %s"
          % (first_due, reviewed, expired))

    # 6. Every consent expired: one event per consent, whatever the restarts.
    late = max(consent_last_day(app) for app in names.values()) \
        + datetime.timedelta(days=30)
    restart_on(late)
    for k in names:
        wait_for(lambda: [e for e in of(k, events())
                          if e.kind == Event.CONSENT_EXPIRED],
                 "%s's consent-expired event" % k)
    count_before = {k: len(reports_by_trigger(names[k], Event.REVIEW))
                    for k in names}
    restart_on(late)
    time.sleep(3)
    for k in names:
        expired_events = [e for e in of(k, events())
                          if e.kind == Event.CONSENT_EXPIRED]
        check(len(expired_events) == 1,
              "one consent-expired event for %s: %s" % (k, expired_events))
        check(len(reports_by_trigger(names[k], Event.REVIEW))
              == count_before[k],
              "nothing of %s is read while its consent is invalid" % k)
    print("%s: one consent-expired event per entry, nothing read" % late)
    server.stop()
    print("reverify_test: OK")


if __name__ == "__main__":
    main()
