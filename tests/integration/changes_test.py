#!/usr/bin/python3
"""Change events end to end (issue 16 item 3): a real heduid with mutual TLS
(deploy/dev-ca.sh certificates: dibao-system is DIBAO and MEDICAL in 320581
only, staff-1 every program in 320581 and 320582, admin-1 everything),
hedui.v1.ChangeService from Python.

What needs no event: every field bounded before any work (INVALID_ARGUMENT
naming it), the three roles admitted and a caller without a certificate
refused, a program or county outside the caller's grants refused, an empty
list, statistics of nothing, GetChange and ResolveChange of an unknown
number NOT_FOUND naming `number`, a watch resumed after a number not yet
there INVALID_ARGUMENT naming `after`, a watch of an empty store that waits
(sending nothing) until the client cancels it or the server stops, and every
call audited with its caller and outcome.

Then with events, which only re-verification makes (with_events() below):
a small county, households enrolled in two counties, a TAX delta and a
DEATH delta that change them. Expected outcomes come from domain.md §10 and
the proto, and the events expected from the files by construction, never
from the server."""
import datetime
import importlib
import json
import os
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (wait_for, Server, check, cli, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
import grpc  # noqa: E402
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)


def refused(code, call, *args, **kwargs):
    """The refusal of a call expected to fail with `code`."""
    try:
        call(*args, timeout=30, **kwargs)
    except grpc.RpcError as e:
        check(e.code() == code, "wanted %s, got %s: %s"
              % (code, e.code(), e.details()))
        return e
    fail("wanted %s, the call succeeded" % code)


def refused_naming(code, field, stubs, call, *args, **kwargs):
    """A refusal with `code` whose standard details name `field`."""
    e = refused(code, call, *args, **kwargs)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        check_standard_details(e, stubs, field=field)
    check(field in e.details(), "the message names %s: %s"
          % (field, e.details()))
    return e


class Watch:
    """A WatchChanges stream read on its own thread: the events it got and
    how it ended."""

    def __init__(self, stub, request):
        self.call = stub.WatchChanges(request)
        self.events = []
        self.code = None
        self.details = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for event in self.call:
                self.events.append(event)
            self.code = grpc.StatusCode.OK
        except grpc.RpcError as e:
            self.code = e.code()
            self.details = e.details()

    def ended(self, timeout):
        self.thread.join(timeout)
        return not self.thread.is_alive()


def audit_entries(stubs, server, audit_pb):
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(
        channel(server, "admin-1"))
    entries, token = [], ""
    while True:
        page = audit.ListAudit(audit_pb.ListAuditRequest(
            page_size=1000, page_token=token), timeout=30)
        entries += list(page.entries)
        token = page.next_page_token
        if not token:
            return entries


RESIDENTS = int(os.environ.get("HEDUI_CHANGES_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_CHANGES_APPLICATIONS", "400"))
# The county's data are all fresh on this day, so a household a file does
# not touch re-verifies to the same results (as in reverify_test.py).
EVENTS_TODAY = "2026-11-10"
WAGE_PAYER = "91320581000009DLL7"


def with_events(server, work, stubs, ch_pb, ch_grpc):
    """Events made by re-verification (domain.md §10.1 "Events"): three
    DIBAO households of 320581 (dibao-system's) and one of 320582
    (staff-1's) enrolled, then a TAX delta giving each applicant a wage far
    over the line: four events, one per entry. Checked: each caller's
    watch, open before the file came, gets exactly the events it may see,
    in number order, as they are made; a watcher reconnecting after the
    last number it read misses nothing and sees nothing twice, across a
    kill -9 too; the paged list and its filters; another county's event
    NOT_FOUND; resolutions kept with the event, idempotent by request id,
    the last one counting, and counted in the statistics with the
    criterion's precision; after a purge past their day, a watch resumed
    below the purged numbers is OUT_OF_RANGE naming after. Starts the
    (stopped) server and returns it running (restarted on the way)."""
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    ret_pb = importlib.import_module("hedui.v1.retention_pb2")
    ret_grpc = importlib.import_module("hedui.v1.retention_pb2_grpc")
    from service_test import to_request
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    Res = ch_pb.Resolution

    server.today = EVENTS_TODAY
    server.start()
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    ingest_county(server, county, manifest)
    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    def plain(region, count, two_members_first=False):
        """DIBAO households of `region` labelled MEETS_CRITERIA with nothing
        planted and no obligor, no member shared."""
        out, seen = [], set()
        for a, lab in zip(apps, labels):
            members = [m["person_id"] for m in a["members"]]
            if (a["program"] == "DIBAO" and a["region_code"] == region
                    and lab["verdict"] == "MEETS_CRITERIA"
                    and not lab.get("planted") and not a["obligors"]
                    and a["verification_date"] <= EVENTS_TODAY
                    and not seen.intersection(members)):
                seen.update(members)
                out.append(a)
        if two_members_first:
            out.sort(key=lambda a: len(a["members"]) < 2)
        check(len(out) >= count, "%d plain DIBAO households of %s: %d"
              % (count, region, len(out)))
        return out[:count]

    def stubs_of(identity):
        c = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(c),
                roll_grpc.RollServiceStub(c), ch_grpc.ChangeServiceStub(c))

    own = plain("320581", 3, two_members_first=True)
    check(len(own[0]["members"]) >= 2, "a household of two for the death")
    other = plain("320582", 1)[0]
    entries = {}  # application id -> entry
    for identity, app in [("dibao-system", a) for a in own] + [
            ("staff-1", other)]:
        verify, rolls, _ = stubs_of(identity)
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(app, v_pb)), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s labelled MEETS_CRITERIA" % app["application_id"])
        request = roll_pb.EnrollRequest(
            request_id="changes-enrol-" + app["application_id"],
            program=report.program, region_code=app["region_code"],
            report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        entries[app["application_id"]] = rolls.Enroll(
            request, timeout=30).entry
    own_entries = [entries[a["application_id"]].entry_id for a in own]
    other_entry = entries[other["application_id"]].entry_id
    _, _, dibao = stubs_of("dibao-system")
    _, _, staff = stubs_of("staff-1")
    check(not staff.ListChanges(ch_pb.ListChangesRequest(),
                                timeout=30).events, "enrolment makes no event")

    # The watches are open before the file comes.
    w_dibao = Watch(dibao, ch_pb.WatchChangesRequest(after=0))
    w_staff = Watch(staff, ch_pb.WatchChangesRequest(after=0))
    w_county = Watch(staff, ch_pb.WatchChangesRequest(region_code="320582"))
    time.sleep(1)
    delta = os.path.join(work, "tax-delta.csv")
    header = open(os.path.join(county, "tax.csv")).readline().strip()
    with open(delta, "w") as f:
        f.write("op," + header + "\n")
        for app in own + [other]:
            f.write("upsert,%s,2026-09,WAGE,100000,%s,2026-09-25\n"
                    % (app["members"][0]["person_id"], WAGE_PAYER))
    cli(server, "ingest", "--department", "TAX", "--as-of", "2026-11-05",
        "--delta", delta, check_exit=0)
    listed = wait_for(lambda: (lambda e: e if len(e) >= 4 else None)(list(
        staff.ListChanges(ch_pb.ListChangesRequest(), timeout=30).events)),
        "four events")
    check(len(listed) == 4, "one event per entry: %s"
          % [(e.number, e.entry_id) for e in listed])
    numbers = [e.number for e in listed]
    check(numbers == sorted(numbers) and len(set(numbers)) == 4,
          "listed in number order: %s" % numbers)
    by_entry = {e.entry_id: e for e in listed}
    check(sorted(by_entry) == sorted(own_entries + [other_entry]),
          "an event for each entry: %s" % sorted(by_entry))
    for e in listed:
        income = [c for c in e.criteria
                  if r_pb.Finding.Criterion.Name(c.criterion) == "INCOME"]
        check(e.kind == ch_pb.ChangeEvent.REVERIFICATION and income
              and r_pb.Finding.Result.Name(income[0].after) == "FAIL",
              "INCOME fails after the wage: %s" % e)
    mine = sorted(by_entry[x].number for x in own_entries)
    theirs = by_entry[other_entry].number

    wait_for(lambda: len(w_dibao.events) >= 3 and len(w_staff.events) >= 4
             and len(w_county.events) >= 1, "the watches to get them")
    time.sleep(1)
    check([e.number for e in w_dibao.events] == mine,
          "dibao-system's watch: its three, in order: %s"
          % [e.number for e in w_dibao.events])
    check([e.number for e in w_staff.events] == numbers,
          "staff-1's watch: all four, in order")
    check([e.number for e in w_county.events] == [theirs],
          "a watch of one county gets that county's only")
    check(w_dibao.events[0].SerializeToString()
          == dibao.GetChange(ch_pb.GetChangeRequest(number=mine[0]),
                             timeout=30).SerializeToString(),
          "the watch sends the event as stored")
    print("TAX delta: events %s; each watch got what its caller may see"
          % numbers)

    # Reconnecting after the first number read: the rest, nothing twice.
    w_dibao.call.cancel()
    check(w_dibao.ended(10), "the first watch ends when cancelled")
    again = Watch(dibao, ch_pb.WatchChangesRequest(after=mine[0]))
    wait_for(lambda: len(again.events) >= 2, "the resumed watch")
    time.sleep(1)
    check([e.number for e in again.events] == mine[1:],
          "resumed after %d: %s" % (mine[0], [e.number for e in again.events]))
    again.call.cancel()

    # The list: dibao-system's own, in pages of one, filtered.
    seen, token, pages = [], "", 0
    while True:
        page = dibao.ListChanges(ch_pb.ListChangesRequest(
            page_size=1, page_token=token), timeout=30)
        check(len(page.events) <= 1, "a page of one holds at most one")
        seen += [e.number for e in page.events]
        token = page.next_page_token
        pages += 1
        if not token or pages > 20:
            break
        first_token = token
    check(seen == mine, "listed page by page: %s, wanted %s" % (seen, mine))
    check(all(c.isalnum() or c in "-_" for c in first_token)
          and not first_token.startswith("-"),
          "a ListChanges token is base64url, its number and filters sealed: "
          "%s" % first_token)
    refused_naming(grpc.StatusCode.INVALID_ARGUMENT, "page_token", stubs,
                   dibao.ListChanges, ch_pb.ListChangesRequest(
                       page_size=1, page_token=first_token,
                       unresolved_only=True))
    one = dibao.ListChanges(ch_pb.ListChangesRequest(
        entry_id=own_entries[1]), timeout=30).events
    check([e.number for e in one] == [by_entry[own_entries[1]].number],
          "one entry's events")
    later = dibao.ListChanges(ch_pb.ListChangesRequest(
        program=codes_pb.DIBAO, region_code="320581", after=mine[1]),
        timeout=30).events
    check([e.number for e in later] == mine[2:], "after a number")
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   dibao.GetChange, ch_pb.GetChangeRequest(number=theirs))
    check(staff.GetChange(ch_pb.GetChangeRequest(number=theirs),
                          timeout=30).entry_id == other_entry,
          "staff-1 sees 320582's event")
    print("listed in %d pages; another county's event NOT_FOUND" % pages)

    # Resolutions: kept with the event, idempotent, the last one counting.
    def resolve(stub, request_id, number, outcome, note="", timeout=30):
        return stub.ResolveChange(ch_pb.ResolveChangeRequest(
            request_id=request_id, number=number, outcome=outcome,
            caseworker="王芳", note=note), timeout=timeout)

    first = resolve(dibao, "changes-resolve-1", mine[0], Res.CONFIRMED,
                    "已入户核实")
    r = first.event.resolution
    check(first.event.number == mine[0] and r.outcome == Res.CONFIRMED
          and r.caseworker == "王芳" and r.note == "已入户核实"
          and r.resolved_by == "dibao-system"
          and (r.resolved_on.year, r.resolved_on.month, r.resolved_on.day)
          == (2026, 11, 10), "the resolution: %s" % r)
    check(resolve(dibao, "changes-resolve-1", mine[0], Res.CONFIRMED,
                  "已入户核实").SerializeToString()
          == first.SerializeToString(), "a retry answers byte for byte")
    refused_naming(grpc.StatusCode.ALREADY_EXISTS, "request_id", stubs,
                   resolve, dibao, "changes-resolve-1", mine[0],
                   Res.EXPLAINED)
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs, resolve,
                   dibao, "changes-resolve-other", theirs, Res.CONFIRMED)
    resolve(dibao, "changes-resolve-2", mine[1], Res.EXPLAINED)
    resolve(dibao, "changes-resolve-3", mine[2], Res.SOURCE_WRONG)
    resolve(staff, "changes-resolve-4", mine[2], Res.CONFIRMED)
    kept = dibao.GetChange(ch_pb.GetChangeRequest(number=mine[2]), timeout=30)
    check(kept.resolution.outcome == Res.CONFIRMED
          and kept.resolution.resolved_by == "staff-1",
          "resolving again replaces the resolution: %s" % kept.resolution)
    unresolved = staff.ListChanges(ch_pb.ListChangesRequest(
        unresolved_only=True), timeout=30).events
    check([e.number for e in unresolved] == [theirs],
          "unresolved only: %s" % [e.number for e in unresolved])

    def income_row(stats):
        rows = [x for x in stats.rows
                if x.kind == ch_pb.ChangeEvent.REVERIFICATION and
                r_pb.Finding.Criterion.Name(x.criterion) == "INCOME"]
        check(len(rows) == 1, "one INCOME row: %s" % stats)
        return rows[0]

    row = income_row(staff.GetChangeStats(ch_pb.GetChangeStatsRequest(),
                                          timeout=30))
    check((row.events, row.unresolved, row.confirmed, row.explained,
           row.source_wrong) == (4, 1, 2, 1, 0)
          and abs(row.precision - 2.0 / 3.0) < 1e-9,
          "INCOME: 4 events, 2 confirmed of 3 resolved: %s" % row)
    stats = dibao.GetChangeStats(ch_pb.GetChangeStatsRequest(), timeout=30)
    check(stats.events == 3 and income_row(stats).events == 3,
          "dibao-system counts its own three: %s" % stats)
    day = codes_pb.Date(year=2026, month=11, day=9)
    check(staff.GetChangeStats(ch_pb.GetChangeStatsRequest(last_day=day),
                               timeout=30).events == 0,
          "none occurred before 2026-11-10")
    print("resolved three (one twice); INCOME precision 2/3")

    # kill -9 with a watch open; the watcher resumes after its last number.
    last = numbers[-1]
    watch = Watch(dibao, ch_pb.WatchChangesRequest(after=mine[-1]))
    time.sleep(1)
    server.kill9()
    check(watch.ended(10) and watch.code in (grpc.StatusCode.UNAVAILABLE,
                                             grpc.StatusCode.CANCELLED),
          "the watch ends with the server: %s" % watch.code)
    server.start()
    _, _, dibao = stubs_of("dibao-system")
    _, _, staff = stubs_of("staff-1")
    resumed = Watch(dibao, ch_pb.WatchChangesRequest(after=mine[-1]))
    dead = own[0]["members"][1]["person_id"]
    death = os.path.join(work, "death-delta.csv")
    with open(death, "w") as f:
        f.write("op,person_id,date_of_death\nupsert,%s,2026-11-03\n" % dead)
    cli(server, "ingest", "--department", "DEATH", "--as-of", "2026-11-06",
        "--delta", death, check_exit=0)
    wait_for(lambda: resumed.events, "the death's event on the resumed watch")
    time.sleep(1)
    check([e.number for e in resumed.events] == [last + 1]
          and resumed.events[0].entry_id == own_entries[0]
          and [(p.person_id, p.kind) for p in resumed.events[0].persons]
          == [(dead, ch_pb.PersonChange.DIED)],
          "after the restart: the next number, the death, nothing twice: %s"
          % [(e.number, e.entry_id) for e in resumed.events])
    resumed.call.cancel()
    print("kill -9: the resumed watch got event %d and nothing else"
          % (last + 1))

    # A purge past their day: a watch resumed below them is OUT_OF_RANGE.
    days = (datetime.date.today() - datetime.date(2026, 11, 10)).days - 1
    if days < 1:
        print("purge part skipped: the real date is too early (%s)"
              % datetime.date.today())
        return server
    server.stop()
    server = Server(server.workdir, server.data_dir, tls_dir=server.tls_dir,
                    extra_args=["--report-retention-days", str(days)])
    server.today = EVENTS_TODAY
    server.start()
    _, _, dibao = stubs_of("dibao-system")
    purge = ret_grpc.RetentionServiceStub(channel(server, "admin-1"))
    purged = purge.Purge(ret_pb.PurgeRequest(), timeout=120)
    entries_now = audit_entries(stubs, server, audit_pb)
    purge_entry = [x for x in entries_now
                   if x.sequence == purged.audit_sequence]
    check(purge_entry and "5 change events" in purge_entry[0].outcome,
          "the purge counts the events: %s" % purge_entry)
    e = refused(grpc.StatusCode.OUT_OF_RANGE,
                lambda r, timeout: list(dibao.WatchChanges(r, timeout=timeout)),
                ch_pb.WatchChangesRequest(after=mine[0]))
    check_standard_details(e, stubs)
    check("after" in e.details(), "names after: %s" % e.details())
    check(not dibao.ListChanges(ch_pb.ListChangesRequest(), timeout=30).events,
          "nothing is listed once purged")
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   dibao.GetChange, ch_pb.GetChangeRequest(number=mine[0]))
    for after in (0, last + 1):
        watch = Watch(dibao, ch_pb.WatchChangesRequest(after=after))
        time.sleep(1)
        check(not watch.ended(0) and not watch.events,
              "after=%d: open, nothing sent" % after)
        watch.call.cancel()
    print("purged: 5 events; a watch after %d OUT_OF_RANGE" % mine[0])
    return server


def main():
    work = workdir("changes")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()

    def stub(identity):
        return ch_grpc.ChangeServiceStub(channel(server, identity))

    dibao, staff, admin = stub("dibao-system"), stub("staff-1"), stub("admin-1")
    I = grpc.StatusCode.INVALID_ARGUMENT

    # Every field bounded before any work, named in the refusal.
    bad = [
        (dibao.ListChanges, ch_pb.ListChangesRequest(region_code="32058"),
         "region_code"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(program=99), "program"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(entry_id="E1"),
         "entry_id"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(page_size=-1),
         "page_size"),
        (dibao.ListChanges, ch_pb.ListChangesRequest(page_token="x" * 65),
         "page_token"),
        (dibao.GetChange, ch_pb.GetChangeRequest(), "number"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            number=1, outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"),
         "request_id"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="has space", number=1,
            outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"),
         "request_id"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", outcome=ch_pb.Resolution.CONFIRMED,
            caseworker="王芳"), "number"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, caseworker="王芳"), "outcome"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=7, caseworker="王芳"),
         "outcome"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED),
         "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED,
            caseworker="\u3000 "), "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.EXPLAINED,
            caseworker="王\x1b[2J芳"), "caseworker"),
        (dibao.ResolveChange, ch_pb.ResolveChangeRequest(
            request_id="r1", number=1, outcome=ch_pb.Resolution.SOURCE_WRONG,
            caseworker="王芳", note="很" * 201), "note"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            first_day=codes_pb.Date(year=2026, month=2, day=30)), "first_day"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            first_day=codes_pb.Date(year=2026, month=11, day=2),
            last_day=codes_pb.Date(year=2026, month=11, day=1)), "last_day"),
        (dibao.GetChangeStats, ch_pb.GetChangeStatsRequest(
            region_code="abcdef"), "region_code"),
    ]
    for method, request, field in bad:
        refused_naming(I, field, stubs, method, request)
    e = refused(I, lambda r, timeout: list(dibao.WatchChanges(
        r, timeout=timeout)), ch_pb.WatchChangesRequest(region_code="1"))
    check_standard_details(e, stubs, field="region_code")
    print("%d requests out of bounds refused, each naming its field"
          % (len(bad) + 1))

    # The roles: a program system, staff and an administrator may call;
    # without a certificate, nobody.
    for who in (dibao, staff, admin):
        listed = who.ListChanges(ch_pb.ListChangesRequest(), timeout=30)
        check(len(listed.events) == 0 and not listed.next_page_token,
              "an empty store lists nothing, with no token: %s" % listed)
        stats = who.GetChangeStats(ch_pb.GetChangeStatsRequest(), timeout=30)
        check(stats.events == 0 and len(stats.rows) == 0,
              "statistics of nothing: %s" % stats)
    e = refused(grpc.StatusCode.UNAUTHENTICATED,
                stub(None).ListChanges, ch_pb.ListChangesRequest())
    check_standard_details(e, stubs, reason="CALLER_NOT_AUTHENTICATED")

    # Scopes: dibao-system may ask for DIBAO in 320581 only.
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.ListChanges,
            ch_pb.ListChangesRequest(program=codes_pb.TEKUN))
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.ListChanges,
            ch_pb.ListChangesRequest(region_code="320582"))
    refused(grpc.StatusCode.PERMISSION_DENIED, dibao.GetChangeStats,
            ch_pb.GetChangeStatsRequest(region_code="320582"))
    e = refused(grpc.StatusCode.PERMISSION_DENIED,
                lambda r, timeout: list(dibao.WatchChanges(r, timeout=timeout)),
                ch_pb.WatchChangesRequest(program=codes_pb.TEKUN))
    mine = dibao.ListChanges(ch_pb.ListChangesRequest(
        program=codes_pb.DIBAO, region_code="320581"), timeout=30)
    check(len(mine.events) == 0, "its own program and county: nothing yet")
    print("roles admitted, no certificate refused, other grants refused")

    # Unknown numbers: NOT_FOUND naming number; a made-up token refused.
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   dibao.GetChange, ch_pb.GetChangeRequest(number=1))
    refused_naming(grpc.StatusCode.NOT_FOUND, "number", stubs,
                   staff.ResolveChange, ch_pb.ResolveChangeRequest(
                       request_id="resolve-unknown-1", number=12,
                       outcome=ch_pb.Resolution.CONFIRMED, caseworker="王芳"))
    refused_naming(I, "page_token", stubs, dibao.ListChanges,
                   ch_pb.ListChangesRequest(page_token="1.0011223344556677"))

    # A watch resumed after a number not yet there.
    e = refused(I, lambda r, timeout: list(staff.WatchChanges(
        r, timeout=timeout)), ch_pb.WatchChangesRequest(after=5))
    check_standard_details(e, stubs, field="after")
    check("after" in e.details(), "names after: %s" % e.details())

    # A watch of an empty store waits, sending nothing, until cancelled.
    watch = Watch(staff, ch_pb.WatchChangesRequest(after=0))
    time.sleep(1.5)
    check(not watch.ended(0), "the watch stays open while nothing happens")
    watch.call.cancel()
    check(watch.ended(10), "a cancelled watch ends")
    check(watch.code == grpc.StatusCode.CANCELLED and not watch.events,
          "cancelled, nothing sent: %s %s" % (watch.code, watch.events))
    print("watch: after=5 refused naming after; after=0 waits until "
          "cancelled")

    # Audited, allowed or refused, with the caller.
    time.sleep(1)  # the cancelled watch's entry is written as it ends
    entries = audit_entries(stubs, server, audit_pb)
    seen = {(x.method.rsplit("/", 1)[1], x.caller, x.code) for x in entries
            if x.method.startswith("/hedui.v1.ChangeService/")}
    for want in [("ListChanges", "dibao-system", 3),
                 ("ListChanges", "dibao-system", 0),
                 ("ListChanges", "staff-1", 0),
                 ("ListChanges", "admin-1", 0),
                 ("ListChanges", "(unauthenticated)", 16),
                 ("ListChanges", "dibao-system", 7),
                 ("GetChange", "dibao-system", 5),
                 ("ResolveChange", "staff-1", 5),
                 ("ResolveChange", "dibao-system", 3),
                 ("GetChangeStats", "admin-1", 0),
                 ("WatchChanges", "staff-1", 3),
                 ("WatchChanges", "staff-1", 1)]:
        check(want in seen, "audited: %s among %s" % (want, sorted(seen)))
    print("every call audited with its caller and outcome")

    # The server stops with a watch open without waiting for its grace
    # period (30 s) to run out: the watch ends (OK, or UNAVAILABLE past the
    # stop).
    watch = Watch(dibao, ch_pb.WatchChangesRequest())
    time.sleep(1)
    started = time.time()
    server.stop()
    took = time.time() - started
    check(watch.ended(10), "the watch ended with the server")
    check(watch.code in (grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE,
                         grpc.StatusCode.CANCELLED),
          "the watch ended cleanly: %s %s" % (watch.code, watch.details))
    check(took < 15, "heduid stopped in %.1f s with a watch open" % took)
    print("stopped in %.1f s with a watch open (it ended %s)"
          % (took, watch.code))

    server = with_events(server, work, stubs, ch_pb, ch_grpc)
    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("changes test passed")


if __name__ == "__main__":
    main()
