#!/usr/bin/python3
"""kill -9 inside re-verification (issue 16 "How it must hold"): wherever
a pass is killed, the events after the restart are exactly those of an
uninterrupted run, their numbers and report ids aside.

One small county, a DIBAO roll of 300 households of both counties
enrolled once and copied (server stopped) as the starting state. One full
TAX snapshot (the current rows and one new wage per applicant) touches
every entry: three in four applicants get a wage far over any line
(INCOME PASS -> FAIL, DOES_NOT_MEET, a gradual exit), the others a token
wage that changes no result (re-verified, no event). The pass writes the
roll in five batches of 64 entries (each one synced write of its reports,
events, entries and the job's cursor).

The reference is that file switched in a copy of the starting state with
nobody killing anything; it is run twice and must equal itself (the
normalisation keeps every field a restart may not change). Then, each from
a fresh copy, heduid is killed -9 at one point, restarted, and the pass
left to finish:
- inside the ingest, before the switch (the client retries the file),
  and the same for the same wages sent as a delta (before its write);
- as the acknowledgement arrives (before the job is recorded);
- right after the job is recorded;
- after each batch is written, the last one being the end of the pass
  before the job's completion is recorded;
- around the second batch's synced write: evaluated, nothing written;
  written, the entries' report ids not yet copied to them;
- twice: after a batch and again in the resumed pass; after the job is
  recorded and again after the resumed pass's first batch;
- with one entry per batch, after the first event's write and after the
  twelfth (resumed with batches of 64);
- without a pause, as a watcher receives the first event and half of
  them (wherever the pass then is);
- in a whole-roll Reverify job on a later day (data gone stale), at its
  recording (the call unanswered) and after its second batch, the caller
  retrying its request after the restart.
Each time: the events' multiset (entry, kind, trigger, verdicts, criteria
with values, evidence and data, persons, departments, gradual exit,
summary) equals the reference's, nothing missing and nothing twice, and
every touched entry has exactly one re-verification report of the pass.
The server is then restarted once more (nothing may run again), and after
several of the points the whole roll is re-verified the same day: no
event, as after an uninterrupted run.

The exact points use heduid's test hooks (--test-pause-before-switch-ms,
--test-pause-reverify-ms: a line on stderr and a pause at "job recorded"
and each batch's "batch evaluated", "batch appended" and "batch written"),
and batches of one entry through
--reverify-batch-size. Expected outcomes come from the reference run, and
the reference's own content (who gets an event) from the file by
construction. HEDUI_CRASH_REVERIFY_ONLY=batch,roll,... runs some points
only."""
import calendar
import collections
import csv
import datetime
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import (HEDUI, Server, check, cli, cli_env, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

import grpc  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_CRASH_REVERIFY_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_CRASH_REVERIFY_APPLICATIONS",
                                  "1000"))
# Enough households for five batches of 64.
ROLL = int(os.environ.get("HEDUI_CRASH_REVERIFY_ROLL", "300"))
# The county's data are all fresh on this day (as in reverify_test.py).
TODAY = "2026-11-10"
# A day when the 31-day departments' data have gone stale (the example
# policy's max_data_ages), so a whole-roll Reverify changes results; before
# any review falls due. Households whose consent would not cover it are
# left out of the roll.
LATER = "2026-12-15"
BATCH = 64
# How long heduid waits at a hook the test kills at; long enough for a
# loaded machine to see the line and kill, short enough to pass the
# earlier points of the same run.
PAUSE_MS = 1000
WAGE_PAYER = "91320581000009DLL7"


def wait_for(condition, what, timeout=120):
    return harness.wait_for(condition, what, timeout, interval=0.1)


def consent_last_day(app):
    """Valid up to and including signed_on + 12 months - 1 day (the test
    policy's consent_validity_months, domain.md §1), as ISO text."""
    signed = datetime.date.fromisoformat(app["consent"]["signed_on"])
    month = signed.month + 12
    year, month = signed.year + (month - 1) // 12, (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return (datetime.date(year, month, min(signed.day, last))
            - datetime.timedelta(days=1)).isoformat()


def consent_covers(app, day):
    """The consent is still valid on `day` and every member adult by then
    signed it (domain.md §6: a consent holds only for the membership it
    was signed for), so no "consent expired" check runs on that day."""
    if consent_last_day(app) < day:
        return False
    limit = datetime.date.fromisoformat(day)
    for m in app["members"]:
        pid = m["person_id"]
        born = datetime.date(int(pid[6:10]), int(pid[10:12]),
                             int(pid[12:14]))
        adult = (limit.year - born.year
                 - ((limit.month, limit.day) < (born.month, born.day))) >= 18
        if adult and pid not in app["consent"]["signer_ids"]:
            return False
    return True


# The points run by default (CTest, tests/run.sh): ten kill points, one of
# each kind, in about two minutes; HEDUI_CRASH_REVERIFY_ALL=1 runs all 19
# (after every batch, one entry per batch, as a watcher sees events, inside
# a whole-roll job), which takes 4 to 8 minutes on this machine.
DEFAULT_PARTS = ("stream", "ack", "job", "batch", "write", "double")
ALL_POINTS = os.environ.get("HEDUI_CRASH_REVERIFY_ALL") == "1"


def part(name):
    """HEDUI_CRASH_REVERIFY_ONLY=stream,batch,... runs only those kill
    points (while debugging one)."""
    only = os.environ.get("HEDUI_CRASH_REVERIFY_ONLY")
    if only:
        return name in only.split(",")
    return ALL_POINTS or name in DEFAULT_PARTS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    """What every run shares: the stubs, the starting state, the file."""

    def __init__(self, work):
        self.work = work
        stubs = generate_stubs(os.path.join(work, "stubs"))
        self.stubs = stubs
        self.roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
        self.roll_grpc = importlib.import_module(
            "hedui.v1.roll_service_pb2_grpc")
        self.ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
        self.ch_grpc = importlib.import_module(
            "hedui.v1.change_service_pb2_grpc")
        self.vs_pb = stubs["verification_service_pb2"]
        self.v_pb = stubs["verification_pb2"]
        self.r_pb = stubs["report_pb2"]
        self.codes_pb = stubs["codes_pb2"]
        self.start_dir = os.path.join(work, "start")
        self.runs = 0
        self.started = []  # every heduid this test started, ended at exit

    def end_all(self):
        for s in self.started:
            if s.proc is not None and s.proc.poll() is None:
                s.proc.send_signal(signal.SIGKILL)
                s.proc.wait()

    # --- the starting state ---------------------------------------------

    def build(self):
        os.makedirs(self.start_dir)
        county = os.path.join(self.work, "county")
        manifest = generate_county(county, RESIDENTS,
                                   applications=APPLICATIONS)
        server = Server(self.start_dir, os.path.join(self.start_dir, "data"))
        server.today = TODAY
        server.start()
        self.started.append(server)
        t0 = time.time()
        ingest_county(server, county, manifest)
        t1 = time.time()
        apps = [json.loads(line) for line in
                open(os.path.join(county, manifest["applications_file"]))]
        labels = [json.loads(line) for line in
                  open(os.path.join(county, manifest["labels_file"]))]
        # Plain DIBAO households of both counties, no member shared.
        chosen, seen = [], set()
        for a, lab in zip(apps, labels):
            members = [m["person_id"] for m in a["members"]]
            if (a["program"] == "DIBAO"
                    and a["region_code"] in ("320581", "320582")
                    and lab["verdict"] == "MEETS_CRITERIA"
                    and not lab.get("planted") and not a["obligors"]
                    and a["verification_date"] <= TODAY
                    and consent_covers(a, LATER)
                    and not seen.intersection(members)):
                seen.update(members)
                chosen.append(a)
        check(len(chosen) >= 4 * BATCH + 1,
              "over four batches of plain DIBAO households: %d" % len(chosen))
        chosen = chosen[:ROLL]
        c = channel(server, None)
        verify = self.stubs[
            "verification_service_pb2_grpc"].VerificationServiceStub(c)
        rolls = self.roll_grpc.RollServiceStub(c)
        self.entries = {}  # entry id -> application
        for app in chosen:
            report = verify.Verify(self.vs_pb.VerifyRequest(
                request=to_request(app, self.v_pb)), timeout=60).report
            check(self.r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
                  "%s labelled MEETS_CRITERIA, served %s"
                  % (app["application_id"],
                     self.r_pb.Verdict.Name(report.verdict)))
            request = self.roll_pb.EnrollRequest(
                request_id="crash-enrol-" + app["application_id"],
                program=report.program, region_code=app["region_code"],
                report_id=report.report_id)
            request.approval_date.CopyFrom(report.verification_date)
            entry = rolls.Enroll(request, timeout=30).entry
            self.entries[entry.entry_id] = app
        active = self.list_roll(rolls)
        check(sorted(active) == sorted(self.entries),
              "every enrolled household is an active entry: %d of %d"
              % (len(active), len(self.entries)))
        server.stop()
        print("starting state: county ingested in %.1f s, %d entries "
              "enrolled in %.1f s" % (t1 - t0, len(self.entries),
                                      time.time() - t1), flush=True)
        self.write_feed(county)

    def list_roll(self, rolls):
        out, token = [], ""
        while True:
            page = rolls.ListRoll(self.roll_pb.ListRollRequest(
                program=self.codes_pb.DIBAO, page_size=500,
                page_token=token), timeout=30)
            out += [e.entry_id for e in page.entries]
            token = page.next_page_token
            if not token:
                return out

    def write_feed(self, county):
        """A full TAX snapshot (the pass finds what changed by comparing it
        with the current generation) touching every entry through its
        applicant: the current rows and a new wage, far over any line for
        three in four (their event, by construction: INCOME PASS -> FAIL),
        a token one for the rest (no result changes)."""
        rows = list(csv.reader(open(os.path.join(county, "tax.csv"))))
        self.feed = os.path.join(self.work, "tax-full.csv")
        # The same new wages as a delta: the same generation content after
        # the switch, so the same events as the snapshot's.
        self.delta = os.path.join(self.work, "tax-delta.csv")
        self.far_over = set()
        with open(self.feed, "w", newline="") as f, \
                open(self.delta, "w", newline="") as g:
            w = csv.writer(f, lineterminator="\n")
            d = csv.writer(g, lineterminator="\n")
            w.writerows(rows)
            d.writerow(["op"] + rows[0])
            for i, (entry_id, app) in enumerate(sorted(self.entries.items())):
                applicant = app["members"][0]["person_id"]
                if i % 4 == 3:
                    row = [applicant, "2026-09", "WAGE", "1", WAGE_PAYER,
                           "2026-09-25"]
                else:
                    self.far_over.add(entry_id)
                    row = [applicant, "2026-09", "WAGE", "100000", WAGE_PAYER,
                           "2026-09-25"]
                w.writerow(row)
                d.writerow(["upsert"] + row)
        self.touched = set(self.entries)

    # --- one run from the starting state ---------------------------------

    def fresh(self, name):
        """A copy of the starting state (store, audit key and heads)."""
        self.runs += 1
        d = os.path.join(self.work, "run-%02d-%s" % (self.runs, name))
        os.makedirs(d)
        shutil.copytree(os.path.join(self.start_dir, "data"),
                        os.path.join(d, "data"))
        for name in ("audit.key", "audit-heads.log"):
            if os.path.exists(os.path.join(self.start_dir, name)):
                shutil.copy2(os.path.join(self.start_dir, name), d)
        return d

    def server(self, d, today=TODAY, pause=0, extra=()):
        metrics = free_port()
        args = ["--metrics-listen", "127.0.0.1:%d" % metrics]
        # A 1 ms pause still logs each hook: the test sees where a pass is.
        args += ["--test-pause-reverify-ms", str(pause or 1)]
        args += list(extra)
        s = Server(d, os.path.join(d, "data"), extra_args=args)
        s.today = today
        s.metrics_port = metrics
        s.start()
        self.started.append(s)
        return s

    def ingest(self, server, check_exit=0, delta=False):
        return cli(server, "ingest", "--department", "TAX", "--as-of",
                   "2026-11-06", *(["--delta", self.delta] if delta
                                   else [self.feed]), check_exit=check_exit)

    def ingest_in_background(self, server, delta=False):
        return subprocess.Popen(
            [HEDUI, "--server", server.address, "ingest", "--department",
             "TAX", "--as-of", "2026-11-06",
             *(["--delta", self.delta] if delta else [self.feed])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=cli_env(server))

    def stubs_of(self, server):
        c = channel(server, None)
        return (self.stubs[
            "verification_service_pb2_grpc"].VerificationServiceStub(c),
            self.roll_grpc.RollServiceStub(c),
            self.ch_grpc.ChangeServiceStub(c))

    def events(self, server):
        _, _, changes = self.stubs_of(server)
        out, token = [], ""
        while True:
            page = changes.ListChanges(self.ch_pb.ListChangesRequest(
                page_token=token, page_size=500), timeout=30)
            out.extend(page.events)
            token = page.next_page_token
            if not token:
                return out

    def reverified(self, server, trigger):
        """Application id -> how many re-verification reports of `trigger`
        it has."""
        verify, _, _ = self.stubs_of(server)
        count, token = collections.Counter(), ""
        while True:
            page = verify.ListReports(self.vs_pb.ListReportsRequest(
                program=self.codes_pb.DIBAO, page_size=500,
                page_token=token), timeout=30)
            for r in page.reports:
                if r.reverification_trigger == trigger:
                    count[r.application_id] += 1
            token = page.next_page_token
            if not token:
                return count

    def gauges(self, server):
        text = urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % server.metrics_port,
            timeout=10).read().decode()
        out = {}
        for line in text.splitlines():
            if line.startswith("hedui_reverification_"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def settle(self, server, trigger, wanted):
        """Waits until each of `wanted` applications has a re-verification
        report of `trigger` and the runner is idle (no job, no file
        pending); returns the events and the report counts."""
        Event = self.ch_pb.ChangeEvent
        wait_for(lambda: set(self.reverified(server, trigger)) >= wanted,
                 "every entry re-verified (%s)" % Event.Trigger.Name(trigger))

        def idle():
            g = self.gauges(server)
            return (g.get("hedui_reverification_backlog_entries") == 0
                    and g.get("hedui_reverification_pending_files") == 0
                    and g.get("hedui_reverification_lag_seconds") == 0)
        wait_for(idle, "the runner idle")
        time.sleep(0.5)
        wait_for(idle, "the runner idle")
        return self.events(server), self.reverified(server, trigger)

    def normalised(self, event):
        """The event without what a restart may change: its number, the
        reports' ids, its creation time (and no resolution is made)."""
        e = self.ch_pb.ChangeEvent()
        e.CopyFrom(event)
        for field in ("number", "created_unix_seconds", "previous_report_id",
                      "new_report_id"):
            e.ClearField(field)
        return e.SerializeToString(deterministic=True)

    def multiset(self, events):
        return collections.Counter(self.normalised(e) for e in events)


def compare(world, name, reference, got, ref_reports, reports):
    """The run's events equal the reference's as a multiset, and each
    application was re-verified as often (once)."""
    want, have = reference, world.multiset(got)
    if want != have:
        Event = world.ch_pb.ChangeEvent
        missing = want - have
        extra = have - want

        def describe(counter):
            out = []
            for raw, n in sorted(counter.items()):
                e = Event.FromString(raw)
                out.append("%dx %s %s %s->%s" % (
                    n, e.entry_id, Event.Kind.Name(e.kind),
                    world.r_pb.Verdict.Name(e.verdict_before),
                    world.r_pb.Verdict.Name(e.verdict_after)))
            return out
        fail("%s: the events differ from the uninterrupted run's (%d "
             "wanted, %d served): missing %s; extra %s"
             % (name, sum(want.values()), len(got), describe(missing),
                describe(extra)))
    if reports != ref_reports:
        twice = {a: n for a, n in reports.items() if n != ref_reports.get(a)}
        lost = {a: n for a, n in ref_reports.items() if a not in reports}
        fail("%s: re-verification reports differ from the uninterrupted "
             "run's: counted differently %s, missing %s" % (name, twice, lost))


def roll_job(world, server, request_id):
    """Reverify of the whole DIBAO roll (every county)."""
    _, rolls, _ = world.stubs_of(server)
    return rolls.Reverify(world.roll_pb.ReverifyRequest(
        request_id=request_id, program=world.codes_pb.DIBAO), timeout=60)


def follow_up(world, server, name, reference):
    """After the pass, the whole roll re-verified the same day, on the same
    data: no new event (domain.md §10: an event only where a result differs
    from the entry's latest report), each entry re-verified once."""
    Event = world.ch_pb.ChangeEvent
    job = roll_job(world, server, "crash-follow")
    check(job.entries == len(world.touched), "%s: a follow-up job over the "
          "roll: %s" % (name, job))
    events, reports = world.settle(server, Event.REQUEST, world.touched)
    check(world.multiset(events) == reference,
          "%s: the follow-up made events: %d, wanted %d"
          % (name, len(events), sum(reference.values())))
    check(all(n == 1 for n in reports.values()),
          "%s: the follow-up re-verified each entry once" % name)


def hook_line(point, done):
    return "test-hook: reverify %s %d\n" % (point, done)


def kill_at(server, needle, timeout=60):
    """kill -9 as soon as this run of the server logs `needle`; fails when
    the kill came after the server had gone on to its next point (it
    pauses at each)."""
    check(server.read_stderr_until(needle, timeout),
          "heduid reached %r (see %s)" % (needle.strip(), server.log_path))
    server.kill9()
    hooks = [line for line in after_kill(server).splitlines()
             if line.startswith("test-hook:")]
    check(hooks and hooks[-1] == needle.strip(),
          "killed at %r, not after: the server had gone on to %r (a machine "
          "too loaded for the pause?)" % (needle.strip(), hooks[-1:]))


def after_kill(server):
    """This run's stderr after its start (what it reached before dying)."""
    with open(server.log_path, "rb") as f:
        f.seek(server.log_start)
        return f.read().decode("utf-8", "replace")


def main():
    started = time.time()
    work = workdir("crash-reverify")
    world = World(work)
    try:
        run(world, work, started)
    finally:
        world.end_all()


def run(world, work, started):
    world.build()
    Event = world.ch_pb.ChangeEvent
    # A re-verification report names its roll entry as its application.
    applications = set(world.touched)
    total = len(world.touched)
    batches = list(range(BATCH, total, BATCH)) + [total]

    # --- the uninterrupted run, twice --------------------------------------
    references = []
    for i in range(2):
        t0 = time.time()
        d = world.fresh("reference")
        server = world.server(d)
        world.ingest(server)
        events, reports = world.settle(server, Event.FEED, applications)
        if i == 1:
            follow_up(world, server, "reference", world.multiset(events))
        server.stop()
        log = after_kill(server)
        check(hook_line("batch written", total) in log
              and hook_line("batch written", BATCH) in log,
              "the pass wrote %d entries in batches of %d" % (total, BATCH))
        references.append((world.multiset(events), reports, events))
        print("reference run %d: %d events in %.1f s"
              % (i + 1, len(events), time.time() - t0), flush=True)
    reference, ref_reports, ref_events = references[0]
    check(references[1][0] == reference and references[1][1] == ref_reports,
          "two uninterrupted runs make the same events and reports")
    # The reference's own content, from the file by construction.
    check(all(n == 1 for n in ref_reports.values())
          and set(ref_reports) == applications,
          "every entry re-verified once by the pass")
    by_entry = collections.defaultdict(list)
    for e in ref_events:
        by_entry[e.entry_id].append(e)
    check(set(by_entry) == world.far_over,
          "an event for exactly the entries whose applicant got the wage "
          "far over the line: %d events, %d such entries, %d others with one"
          % (len(ref_events), len(world.far_over),
             len(set(by_entry) - world.far_over)))
    for entry_id, evs in by_entry.items():
        check(len(evs) == 1, "one event for %s: %d" % (entry_id, len(evs)))
        e = evs[0]
        income = [c for c in e.criteria if
                  world.r_pb.Finding.Criterion.Name(c.criterion) == "INCOME"]
        check(e.kind == Event.REVERIFICATION and e.trigger == Event.FEED
              and world.r_pb.Verdict.Name(e.verdict_before)
              == "MEETS_CRITERIA"
              and world.r_pb.Verdict.Name(e.verdict_after) == "DOES_NOT_MEET"
              and len(income) == 1
              and world.r_pb.Finding.Result.Name(income[0].after) == "FAIL"
              and e.HasField("gradual_exit_date")
              and world.codes_pb.TAX in e.departments,
              "%s: a FEED event INCOME PASS -> FAIL, with a gradual exit: %s"
              % (entry_id, e))

    results = []

    def finish(name, server, landed, trigger=Event.FEED, wanted=None,
               ref=None, follow=False):
        """Restarts (no kill hook), lets the pass finish and compares;
        restarts again (nothing may run twice); with `follow`, re-verifies
        the whole roll that same day: the entries' state after the crash
        must make no event (each result as its latest report)."""
        t0 = time.time()
        d = server.workdir
        s = world.server(d, today=server.today)
        if name.startswith("stream"):
            # The client retries a file never acknowledged.
            world.ingest(s, delta="delta" in name)
        events, reports = world.settle(
            s, trigger, wanted if wanted is not None else applications)
        r = ref or (reference, ref_reports)
        compare(world, name, r[0], events, r[1], reports)
        s.stop()
        # Once more: a job left behind (not completed) would run again.
        s = world.server(d, today=server.today)
        time.sleep(1)
        events, reports = world.settle(s, trigger, set())
        check("batch written" not in after_kill(s),
              "%s: nothing re-verified after another restart" % name)
        compare(world, name + " (restarted again)", r[0], events, r[1],
                reports)
        if follow:
            follow_up(world, s, name, r[0])
        s.stop()
        results.append((name, landed, len(events)))
        print("%-34s %-44s OK (%d events, recovery %.1f s)"
              % (name, landed, len(events), time.time() - t0), flush=True)

    if part("stream"):
        # 1. Inside the ingest, before the switch: never acknowledged.
        d = world.fresh("stream")
        s = world.server(d, extra=["--test-pause-before-switch-ms", "20000"])
        client = world.ingest_in_background(s)
        kill_at(s, "test-hook: before switch")
        check(client.wait(60) != 0, "the client was not acknowledged")
        finish("stream: before the switch", s, "the file staged, not switched")
        # The same for a delta: killed before its synced write.
        d = world.fresh("stream-delta")
        s = world.server(d, extra=["--test-pause-before-switch-ms", "20000"])
        client = world.ingest_in_background(s, delta=True)
        kill_at(s, "test-hook: before switch")
        check(client.wait(60) != 0, "the client was not acknowledged")
        finish("stream: delta before the switch", s,
               "the delta read, not written")

    if part("ack"):
        # 2. As the acknowledgement arrives: before the job is recorded (the
        # runner takes files up by itself, within its poll).
        d = world.fresh("ack")
        s = world.server(d, pause=PAUSE_MS)
        world.ingest(s)
        s.kill9()
        landed = ("after the job record" if "reverify job recorded"
                  in after_kill(s) else "before the job record")
        finish("ack: acknowledged", s, landed)

    if part("job"):
        # 3. The job recorded, nothing re-verified.
        d = world.fresh("job")
        s = world.server(d, pause=PAUSE_MS)
        world.ingest(s)
        kill_at(s, hook_line("job recorded", 0))
        finish("job: recorded", s, "job recorded, no batch")

    if part("batch"):
        # 4. After each batch; the last is the pass's end before the job's
        # completion is written.
        for done in (batches if ALL_POINTS else
                     [b for b in batches if b in (2 * BATCH, total)]):
            d = world.fresh("batch-%d" % done)
            s = world.server(d, pause=PAUSE_MS)
            world.ingest(s)
            kill_at(s, hook_line("batch written", done))
            landed = ("pass ended, job not completed" if done == total
                      else "%d of %d written" % (done, total))
            finish("batch: after %d" % done, s, landed,
                   follow=done in (BATCH, total))

    if part("write"):
        # 4b. Around one batch's synced write: its entries evaluated and
        # nothing written; the write durable and the entries' report ids not
        # yet copied to them.
        for point in ("batch evaluated", "batch appended"):
            d = world.fresh(point.replace(" ", "-"))
            s = world.server(d, pause=PAUSE_MS)
            world.ingest(s)
            kill_at(s, hook_line(point, 2 * BATCH))
            finish("write: %s %d" % (point.split()[1], 2 * BATCH), s,
                   "%s %d of %d" % (point, 2 * BATCH, total),
                   follow=point == "batch appended")

    if part("double"):
        # 5. Twice: after the first batch, then in the resumed pass after the
        # third; after the job record, then after the resumed pass's first.
        for name, first, second in (
                ("double: batch %d, batch %d" % (BATCH, 3 * BATCH),
                 hook_line("batch written", BATCH),
                 hook_line("batch written", 3 * BATCH)),
                ("double: job, batch %d" % BATCH,
                 hook_line("job recorded", 0),
                 hook_line("batch written", BATCH))):
            d = world.fresh("double")
            s = world.server(d, pause=PAUSE_MS)
            world.ingest(s)
            kill_at(s, first)
            s = world.server(d, pause=PAUSE_MS)
            kill_at(s, second)
            finish(name, s, "killed twice", follow=True)

    if part("single"):
        # 6. One entry per batch: between one event's write and the next
        # (shorter pauses: the runner passes one at each entry).
        for done in (1, 12):
            d = world.fresh("single-%d" % done)
            s = world.server(d, pause=300,
                             extra=["--reverify-batch-size", "1"])
            world.ingest(s)
            kill_at(s, hook_line("batch written", done))
            finish("single: after entry %d" % done, s,
                   "%d of %d written one by one" % (done, total), follow=True)

    if part("watch"):
        # 7. No hook: killed as a watcher receives the n-th event, wherever the
        # pass is then.
        for n in (1, len(ref_events) // 2):
            d = world.fresh("watch-%d" % n)
            s = world.server(d)
            _, _, changes = world.stubs_of(s)
            seen = []
            killed = threading.Event()

            def watch():
                try:
                    for _ in changes.WatchChanges(
                            world.ch_pb.WatchChangesRequest(after=0)):
                        seen.append(1)
                        if len(seen) >= n and not killed.is_set():
                            s.kill9()
                            killed.set()
                            return
                except grpc.RpcError:
                    pass
            t = threading.Thread(target=watch, daemon=True)
            t.start()
            world.ingest(s)
            check(killed.wait(120), "the watcher saw %d events" % n)
            t.join(30)
            log = after_kill(s)
            written = [int(line.rsplit(" ", 1)[1]) for line in log.splitlines()
                       if line.startswith("test-hook: reverify batch written")]
            finish("watch: at event %d" % n, s,
                   "%d of %d written at the kill"
                   % (max(written or [0]), total), follow=True)

    if part("roll"):
        # 8. A whole-roll Reverify job on a later day, killed after its job is
        # recorded and after its second batch; the caller retries its request.
        d = world.fresh("roll-reference")
        s = world.server(d, today=LATER)
        job = roll_job(world, s, "crash-roll")
        check(job.job_id and job.entries == total,
              "a job over the roll: %s" % job)
        roll_events, roll_reports = world.settle(s, Event.REQUEST,
                                                 applications)
        s.stop()
        roll_ref = (world.multiset(roll_events), roll_reports)
        check(set(roll_reports) == applications
              and all(n == 1 for n in roll_reports.values()),
              "the whole-roll job re-verified every entry once")
        check(sorted(e.entry_id for e in roll_events) == sorted(applications)
              and all(e.kind == Event.REVERIFICATION
                      and e.trigger == Event.REQUEST for e in roll_events),
              "one REQUEST event per entry, its 31-day data gone stale")
        print("whole-roll reference on %s: %d events"
              % (LATER, len(roll_events)), flush=True)

        def job_of_first(answer, again):
            """The job the first call recorded: its answer, or when the
            kill came before it, the one the retry names (a second job
            would show as every entry re-verified twice)."""
            return answer["first"].job_id if "first" in answer \
                else again.job_id

        for name, needle in (
                ("roll: job recorded", hook_line("job recorded", 0)),
                ("roll: after %d" % (2 * BATCH),
                 hook_line("batch written", 2 * BATCH))):
            d = world.fresh("roll")
            s = world.server(d, today=LATER, pause=PAUSE_MS)
            # Called aside: at "job recorded" the call itself is paused
            # (the job is durable, its answer not yet sent).
            answer = {}

            def call():
                try:
                    answer["first"] = roll_job(world, s, "crash-roll")
                except grpc.RpcError as e:
                    answer["error"] = e.code()
            caller = threading.Thread(target=call, daemon=True)
            caller.start()
            kill_at(s, needle)
            caller.join(60)
            s2 = world.server(d, today=LATER)
            again = roll_job(world, s2, "crash-roll")
            check(again.job_id == job_of_first(answer, again)
                  and again.entries == total,
                  "%s: the retry answers the first call: %s, %s"
                  % (name, answer, again))
            s2.stop()
            finish(name, s2, "answered, killed, retried" if "first" in answer
                   else "killed unanswered, retried",
                   trigger=Event.REQUEST, ref=roll_ref)

    check(os.environ.get("HEDUI_CRASH_REVERIFY_ONLY")
          or len(results) >= (19 if ALL_POINTS else 10),
          "every kill point ran: %d" % len(results))
    print("%d kill points in %.0f s" % (len(results), time.time() - started))
    shutil.rmtree(work, ignore_errors=True)
    print("crash_reverify_test: OK")


if __name__ == "__main__":
    main()
