#!/usr/bin/python3
"""Several department files switched as one (issue 16 item 2, domain.md §10.1
"Several department files can be switched as one (one re-verification pass),
so a day's deliveries do not make events that the next file reverses").

A real heduid with mutual TLS, a small synthetic county, plain DIBAO
households of 320581 verified and enrolled on the server's today 2026-11-10
(every department fresh, so an entry re-verified that day keeps its
enrolment results unless a file changes them). Every expected figure comes
from domain.md §4 by hand: a person's wage for a month is the tax
department's reported wage where present, else the social-insurance
contribution base (never both). The households' applicants have neither for
2026-09, inside the look-back window 2025-11 .. 2026-10. So:
- a SOCIAL_INSURANCE row of 100,000 yuan for 2026-09 alone pushes INCOME
  over any line (PASS -> FAIL, MEETS_CRITERIA -> DOES_NOT_MEET, gradual exit
  2027-05-31: the last day of the sixth month after 2026-11);
- a TAX wage of 0.01 yuan for that month then replaces it: INCOME passes
  again, the verdict is back.
Switched one at a time (Y), the day's two files make two events, the second
reversing the first. Switched as one by ConfirmHeldFeeds (X), they make
none, and the entry is re-verified once. Z (SI only) and V (SI and a TAX
wage of 100,000 yuan) get one event each, naming the departments whose
files touched them; W (TAX 0.01 only) is re-verified without an event; U
and T are untouched until the later phases.

Also: the refusals (an empty list, a department twice, a file not held, a
staff caller) switch nothing and leave the held files as they were; `hold`
with `preview` is INVALID_ARGUMENT naming header.hold; confirming files
already switched is NOT_FOUND; with each switch paused 3 s (the runner
polling meanwhile) U's two files still make one pass and no event; a
server killed while a joint confirmation prepares its files (before the one
write that switches them all) switches none: both stay held and switch, as
one pass, when confirmed again; one killed after the acknowledgement (the
job recorded) finishes the pass, each entry once.
"""
import csv
import importlib
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUI, cli_env, wait_for, Server, check, cli,  # noqa: E402
                     departments, dev_certificates, fail, generate_county,
                     ingest_county, workdir)
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_JOINT_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_JOINT_APPLICATIONS", "400"))
TODAY = "2026-11-10"
MONTH = "2026-09"
EMPLOYER = "91320581000009DLL7"
KEYS = "YXZVWUT"


def main():
    import grpc
    work = workdir("joint-switch")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    ch_pb = importlib.import_module("hedui.v1.change_service_pb2")
    ch_grpc = importlib.import_module("hedui.v1.change_service_pb2_grpc")
    admin_pb = stubs["admin_pb2"]
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    Event = ch_pb.ChangeEvent
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    data = os.path.join(work, "data")

    def start(extra=()):
        s = Server(work, data, tls_dir=tls, extra_args=list(extra))
        s.today = TODAY
        return s.start()

    server = start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    def rows_of(name):
        with open(os.path.join(county, name), newline="") as f:
            rows = list(csv.reader(f))
        return rows[0], rows[1:]

    tax_header, tax_rows = rows_of("tax.csv")
    si_header, si_rows = rows_of("social_insurance.csv")
    # Applicants with a wage in 2026-09 from either department are left out:
    # the rows below must be the month's only wage evidence.
    with_wage = {r[0] for r in tax_rows if r[1] == MONTH and r[2] == "WAGE"}
    with_wage |= {r[0] for r in si_rows if r[1] == MONTH}

    chosen, persons_seen = [], set()
    for a, lab in zip(apps, labels):
        members = [m["person_id"] for m in a["members"]]
        if (a["program"] == "DIBAO" and a["region_code"] == "320581"
                and lab["verdict"] == "MEETS_CRITERIA"
                and not lab.get("planted") and not a["obligors"]
                and a["verification_date"] <= TODAY
                and members[0] not in with_wage
                and not persons_seen.intersection(members)):
            persons_seen.update(members)
            chosen.append(a)
    check(len(chosen) >= len(KEYS), "%d plain DIBAO households: %d"
          % (len(KEYS), len(chosen)))
    names = dict(zip(KEYS, chosen))

    state = {}

    def connect():
        c = channel(server, "dibao-system")
        state["verify"] = (stubs["verification_service_pb2_grpc"]
                           .VerificationServiceStub(c))
        state["rolls"] = roll_grpc.RollServiceStub(c)
        state["changes"] = ch_grpc.ChangeServiceStub(c)
        state["admin"] = stubs["admin_pb2_grpc"].AdminServiceStub(
            channel(server, "admin-1"))
        state["staff_admin"] = stubs["admin_pb2_grpc"].AdminServiceStub(
            channel(server, "staff-1"))
        state["staff_verify"] = (stubs["verification_service_pb2_grpc"]
                                 .VerificationServiceStub(
                                     channel(server, "staff-1")))

    connect()
    entries = {}
    y, m, d = (int(x) for x in TODAY.split("-"))
    for key, app in names.items():
        request = to_request(app, v_pb)
        request.verification_date.CopyFrom(
            codes_pb.Date(year=y, month=m, day=d))
        report = state["verify"].Verify(vs_pb.VerifyRequest(
            request=request), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s labelled MEETS_CRITERIA, served %s"
              % (app["application_id"], r_pb.Verdict.Name(report.verdict)))
        enrol = roll_pb.EnrollRequest(
            request_id="joint-enrol-" + key, program=report.program,
            region_code="320581", report_id=report.report_id)
        enrol.approval_date.CopyFrom(report.verification_date)
        entries[key] = state["rolls"].Enroll(enrol, timeout=30).entry
    by_entry = {e.entry_id: k for k, e in entries.items()}
    print("enrolled %d entries" % len(entries))

    def events(after=0):
        out, token = [], ""
        while True:
            page = state["changes"].ListChanges(ch_pb.ListChangesRequest(
                program=codes_pb.DIBAO, after=after, page_token=token,
                page_size=500), timeout=30)
            out.extend(page.events)
            token = page.next_page_token
            if not token:
                return out

    def applicant(key):
        return names[key]["members"][0]["person_id"]

    def feed_reports(key):
        listed = state["verify"].ListReports(vs_pb.ListReportsRequest(
            person_id=applicant(key)), timeout=30).reports
        return [r for r in listed if r.reverification_trigger == Event.FEED]

    def feed_reverifications():
        stats = state["staff_verify"].GetStats(vs_pb.GetStatsRequest(
            from_date=codes_pb.Date(year=2026, month=11, day=1),
            to_date=codes_pb.Date(year=2026, month=11, day=30)), timeout=30)
        return sum(t.reverifications for t in stats.reverifications_by_trigger
                   if t.trigger == Event.FEED)

    def write_delta(path, header, rows):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["op"] + header)
            for row in rows:
                w.writerow(["upsert"] + row)
        return path

    def si_file(name, keys_):
        return write_delta(os.path.join(work, name + ".csv"), si_header,
                           [[applicant(k), MONTH, "100000", EMPLOYER]
                            for k in keys_])

    def tax_file(name, amounts):
        return write_delta(os.path.join(work, name + ".csv"), tax_header,
                           [[applicant(k), MONTH, "WAGE", amount, EMPLOYER,
                             "2026-10-10"] for k, amount in amounts])

    def hold(department, as_of, batch, path):
        code, out, err = cli(server, "--output", "json", "ingest", "--hold",
                             "--department", department, "--as-of", as_of,
                             "--delta", "--batch-id", batch, path)
        check(code == 0, "held %s: %d %s %s" % (batch, code, out, err))
        answer = json.loads(out)
        check(answer.get("held") is True and not answer.get("preview")
              and answer["batch_id"] == batch,
              "answered as held, whatever its impact: %s" % answer)

    def held_list():
        _, out, _ = cli(server, "--output", "json", "feeds", "held",
                        check_exit=0)
        return sorted((f["department"], f["batch_id"])
                      for f in json.loads(out).get("feeds", []))

    def criteria(e):
        return {r_pb.Finding.Criterion.Name(c.criterion):
                (r_pb.Finding.Result.Name(c.before),
                 r_pb.Finding.Result.Name(c.after)) for c in e.criteria}

    def depts(e):
        return sorted(codes_pb.Department.Name(x) for x in e.departments)

    def exit_date(e):
        g = e.gradual_exit_date
        return "%04d-%02d-%02d" % (g.year, g.month, g.day)

    def income_fails(e, departments_):
        v = r_pb.Verdict
        check(e.kind == Event.REVERIFICATION and e.trigger == Event.FEED
              and e.verdict_before == v.Value("MEETS_CRITERIA")
              and e.verdict_after == v.Value("DOES_NOT_MEET")
              and criteria(e) == {"INCOME": ("PASS", "FAIL")}
              and exit_date(e) == "2027-05-31"
              and depts(e) == departments_,
              "%s: INCOME PASS -> FAIL, MEETS -> DOES_NOT_MEET, gradual exit "
              "2027-05-31, departments %s: %s"
              % (by_entry[e.entry_id], departments_, e))

    def income_passes(e, departments_):
        v = r_pb.Verdict
        check(e.kind == Event.REVERIFICATION and e.trigger == Event.FEED
              and e.verdict_before == v.Value("DOES_NOT_MEET")
              and e.verdict_after == v.Value("MEETS_CRITERIA")
              and criteria(e) == {"INCOME": ("FAIL", "PASS")}
              and e.gradual_exit_cleared and depts(e) == departments_,
              "%s: INCOME FAIL -> PASS, gradual exit cleared, departments "
              "%s: %s" % (by_entry[e.entry_id], departments_, e))

    def settle(counts, after, what):
        """Waits until every key has `counts[key]` FEED reports, then a
        little longer, and returns the events after `after`."""
        wait_for(lambda: all(len(feed_reports(k)) >= n
                             for k, n in counts.items()), what, timeout=120)
        time.sleep(2)
        for k in KEYS:
            got = len(feed_reports(k))
            check(got == counts.get(k, 0),
                  "%s: %d FEED re-verifications, wanted %d (%s)"
                  % (k, got, counts.get(k, 0), what))
        return events(after)

    check(events() == [], "enrolment makes no event")

    # 1. One file at a time: Y's two files of the day, confirmed apart.
    hold("SOCIAL_INSURANCE", "2026-11-05", "si-y", si_file("si-y", "Y"))
    hold("TAX", "2026-11-05", "tax-y", tax_file("tax-y", [("Y", "0.01")]))
    check(held_list() == [("SOCIAL_INSURANCE", "si-y"), ("TAX", "tax-y")],
          "both held: %s" % held_list())
    time.sleep(1)
    check(events() == [] and not feed_reports("Y"),
          "held files switch and re-verify nothing")
    cli(server, "feeds", "confirm", "--department", "SOCIAL_INSURANCE",
        "--batch-id", "si-y", check_exit=0)
    first = settle({"Y": 1}, 0, "Y re-verified after the SI file")
    check(len(first) == 1, "one event after the SI file: %s" % first)
    income_fails(first[0], ["SOCIAL_INSURANCE"])
    code, out, err = cli(server, "feeds", "confirm", "--department", "TAX",
                         "--batch-id", "tax-y")
    check(code == 0 and "switched in" in out,
          "the TAX file confirmed alone: %d %s %s" % (code, out, err))
    second = settle({"Y": 2}, first[0].number, "Y re-verified after TAX")
    check(len(second) == 1, "one more event after the TAX file: %s" % second)
    income_passes(second[0], ["TAX"])
    last = second[0].number
    print("apart: the TAX file reverses the SI file's event (2 events)")

    # 2. The same kind of day, held and confirmed as one.
    hold("SOCIAL_INSURANCE", "2026-11-06", "si-joint",
         si_file("si-joint", "XZV"))
    hold("TAX", "2026-11-06", "tax-joint",
         tax_file("tax-joint", [("X", "0.01"), ("V", "100000"),
                                ("W", "0.01")]))
    held_before = held_list()
    check(held_before == [("SOCIAL_INSURANCE", "si-joint"),
                          ("TAX", "tax-joint")], "held: %s" % held_before)
    departments_before = departments(server)
    fb_before = feed_reverifications()

    # Refusals: nothing switched, the held files as they were.
    admin = state["admin"]
    feed = admin_pb.ConfirmHeldFeedRequest
    si = codes_pb.Department.Value("SOCIAL_INSURANCE")
    tax = codes_pb.Department.Value("TAX")
    refusals = (
        ("an empty list", grpc.StatusCode.INVALID_ARGUMENT, "feeds", []),
        ("a department twice", grpc.StatusCode.INVALID_ARGUMENT,
         "feeds[1].department",
         [feed(department=si, batch_id="si-joint"),
          feed(department=si, batch_id="si-joint")]),
        ("a batch id with a space", grpc.StatusCode.INVALID_ARGUMENT,
         "feeds[1].batch_id",
         [feed(department=si, batch_id="si-joint"),
          feed(department=tax, batch_id="tax joint")]),
        ("another TAX batch", grpc.StatusCode.NOT_FOUND, "TAX",
         [feed(department=si, batch_id="si-joint"),
          feed(department=tax, batch_id="tax-y")]),
        ("a department with nothing held", grpc.StatusCode.NOT_FOUND,
         "VEHICLES",
         [feed(department=si, batch_id="si-joint"),
          feed(department=codes_pb.Department.Value("VEHICLES"),
               batch_id="v-1")]),
    )
    for what, code_, field, feeds in refusals:
        try:
            admin.ConfirmHeldFeeds(admin_pb.ConfirmHeldFeedsRequest(
                feeds=feeds), timeout=60)
            fail("%s accepted" % what)
        except grpc.RpcError as error:
            check(error.code() == code_, "%s: %s, got %s"
                  % (what, code_, error.code()))
            if code_ == grpc.StatusCode.INVALID_ARGUMENT:
                check_standard_details(error, stubs, field=field)
            else:
                check(field in error.details(),
                      "%s: the message names %s: %s"
                      % (what, field, error.details()))
    try:
        state["staff_admin"].ConfirmHeldFeeds(admin_pb.ConfirmHeldFeedsRequest(
            feeds=[feed(department=si, batch_id="si-joint"),
                   feed(department=tax, batch_id="tax-joint")]), timeout=60)
        fail("staff confirmed held files")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.PERMISSION_DENIED,
              "staff: PERMISSION_DENIED, got %s" % error.code())
    code, _, err = cli(server, "feeds", "confirm", "--department", "TAX",
                       "--batch-id", "tax-joint", "--department", "tax",
                       "--batch-id", "tax-joint")
    check(code == 2 and "--department" in err,
          "the CLI refuses a department twice: %d %s" % (code, err))
    code, _, err = cli(server, "feeds", "confirm", "--department", "TAX",
                       "--batch-id", "tax-joint", "--department",
                       "SOCIAL_INSURANCE")
    check(code == 2 and "--batch-id" in err,
          "the CLI wants a batch id per department: %d %s" % (code, err))

    # hold with preview: INVALID_ARGUMENT naming header.hold, nothing held.
    def upload():
        header = admin_pb.IngestHeader(department=codes_pb.Department.Value(
            "VEHICLES"), batch_id="v-preview-hold", hold=True, preview=True)
        header.as_of.year, header.as_of.month, header.as_of.day = 2026, 11, 6
        yield admin_pb.IngestRequest(header=header)
        yield admin_pb.IngestRequest(chunk=b"")
    try:
        admin.Ingest(upload(), timeout=60)
        fail("hold with preview accepted")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT,
              "hold with preview: INVALID_ARGUMENT, got %s" % error.code())
        check_standard_details(error, stubs, field="header.hold")
    time.sleep(1)
    check(departments(server) == departments_before,
          "the refusals switched nothing")
    check(held_list() == held_before, "the held files are as they were")
    check(events(last) == [], "the refusals made no event")
    check(feed_reverifications() == fb_before, "nor any re-verification")
    print("refusals: nothing switched, the held files kept")

    # The joint confirmation, through the CLI.
    code, out, err = cli(server, "--output", "json", "feeds", "confirm",
                         "--department", "SOCIAL_INSURANCE", "--batch-id",
                         "si-joint", "--department", "TAX", "--batch-id",
                         "tax-joint")
    check(code == 0, "confirmed as one: %d %s %s" % (code, out, err))
    results = json.loads(out).get("results", [])
    check([(r["department"], r["batch_id"]) for r in results]
          == [("SOCIAL_INSURANCE", "si-joint"), ("TAX", "tax-joint")]
          and not any(r.get("already_applied") for r in results),
          "one result per file, in the request's order: %s" % results)
    now = departments(server)
    # (A delta moves the department's as-of; its batch id stays the full
    # snapshot's.)
    check(now["SOCIAL_INSURANCE"][1] == "2026-11-06"
          and now["TAX"][1] == "2026-11-06",
          "both files current as of their dates: %s" % now)
    check(held_list() == [], "nothing held after the confirmation")
    joint = settle({"Y": 2, "X": 1, "Z": 1, "V": 1, "W": 1}, last,
                   "the joint pass")
    check(sorted(by_entry.get(e.entry_id, "?") for e in joint) == ["V", "Z"],
          "events for Z and V only (X's files cancel out, W's changes "
          "nothing): %s" % [by_entry.get(e.entry_id, "?") for e in joint])
    for e in joint:
        income_fails(e, {"Z": ["SOCIAL_INSURANCE"],
                         "V": ["SOCIAL_INSURANCE", "TAX"]}[by_entry[e.entry_id]])
    check(feed_reverifications() == fb_before + 4,
          "4 entries re-verified once each: %d -> %d"
          % (fb_before, feed_reverifications()))
    last = max(e.number for e in joint)
    print("as one: no event reversed, each entry re-verified once")

    code, _, err = cli(server, "feeds", "confirm", "--department",
                       "SOCIAL_INSURANCE", "--batch-id", "si-joint",
                       "--department", "TAX", "--batch-id", "tax-joint")
    check(code == 7, "confirming switched files again: NOT_FOUND (no longer "
          "held): %d %s" % (code, err))

    # 3. Each switch paused 3 s (the runner polls every 0.5 s meanwhile):
    # U's two files, confirmed as one, still make one pass and no event.
    server.stop()
    server = start(["--test-pause-before-switch-ms", "3000"])
    connect()
    hold("SOCIAL_INSURANCE", "2026-11-07", "si-slow", si_file("si-slow", "U"))
    hold("TAX", "2026-11-07", "tax-slow",
         tax_file("tax-slow", [("U", "0.01")]))
    cli(server, "feeds", "confirm", "--department", "SOCIAL_INSURANCE",
        "--batch-id", "si-slow", "--department", "TAX", "--batch-id",
        "tax-slow", check_exit=0)
    slow = settle({"Y": 2, "X": 1, "Z": 1, "V": 1, "W": 1, "U": 1}, last,
                  "the slow joint pass")
    check(slow == [], "U's files cancel out even with the runner polling "
          "between the switches: %s" % slow)
    print("slow switches: still one pass")

    # 4. Killed while a joint confirmation prepares its files (the second
    # file's pause, before the one write that switches both): nothing is
    # switched, both files are still held after the restart, and confirming
    # them again switches both as one pass. T's SI row (fails) and Z's TAX
    # 0.01 (Z passes again).
    hold("SOCIAL_INSURANCE", "2026-11-08", "si-crash", si_file("si-crash", "T"))
    hold("TAX", "2026-11-08", "tax-crash",
         tax_file("tax-crash", [("Z", "0.01")]))
    confirm = subprocess.Popen(
        [HEDUI, "--server", "localhost:%d" % server.port, "feeds", "confirm",
         "--department", "SOCIAL_INSURANCE", "--batch-id", "si-crash",
         "--department", "TAX", "--batch-id", "tax-crash"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=cli_env(server))

    def switches_paused():
        with open(server.log_path, "rb") as f:
            f.seek(server.log_start)
            return f.read().count(b"test-hook: before switch")
    # Two pauses were the slow confirmation's; the fourth is TAX's here.
    wait_for(lambda: switches_paused() >= 4, "the second file's pause",
             timeout=60, interval=0.01)
    server.kill9()
    confirm.wait(timeout=60)
    server = start()
    connect()
    now = departments(server)
    check(now["SOCIAL_INSURANCE"][1] == "2026-11-07"
          and now["TAX"][1] == "2026-11-07",
          "neither file switched by the killed confirmation: %s" % now)
    check(held_list() == [("SOCIAL_INSURANCE", "si-crash"),
                          ("TAX", "tax-crash")],
          "both files still held after the restart: %s" % held_list())
    time.sleep(2)
    check(len(feed_reports("T")) == 0 and len(feed_reports("Z")) == 1,
          "no re-verification without a switch")
    cli(server, "feeds", "confirm", "--department", "SOCIAL_INSURANCE",
        "--batch-id", "si-crash", "--department", "TAX", "--batch-id",
        "tax-crash", check_exit=0)
    now = departments(server)
    check(now["SOCIAL_INSURANCE"][1] == "2026-11-08"
          and now["TAX"][1] == "2026-11-08",
          "both files switched by the second confirmation: %s" % now)
    check(held_list() == [], "nothing held after the confirmation")
    crash = settle({"Y": 2, "X": 1, "Z": 2, "V": 1, "W": 1, "U": 1, "T": 1},
                   last, "the joint pass after the restart")
    check(sorted(by_entry.get(e.entry_id, "?") for e in crash) == ["T", "Z"],
          "events for T and Z: %s" % [by_entry.get(e.entry_id) for e in crash])
    for e in crash:
        if by_entry[e.entry_id] == "T":
            income_fails(e, ["SOCIAL_INSURANCE"])
        else:
            income_passes(e, ["TAX"])
    last = max(e.number for e in crash)
    print("killed before the switch: nothing switched, both held, then "
          "confirmed as one pass")

    # 5. Killed after the acknowledgement, once the job is recorded: the
    # restarted server finishes the pass, each entry once: W gets a SI row
    # and a TAX wage of 100,000 yuan (fails), T a TAX wage of 0.01 that
    # replaces its SI row (passes again).
    server.stop()
    server = start(["--test-pause-reverify-ms", "3000"])
    connect()
    hold("SOCIAL_INSURANCE", "2026-11-09", "si-ack",
         si_file("si-ack", "W"))
    hold("TAX", "2026-11-09", "tax-ack",
         tax_file("tax-ack", [("T", "0.01"), ("W", "100000")]))
    cli(server, "feeds", "confirm", "--department", "SOCIAL_INSURANCE",
        "--batch-id", "si-ack", "--department", "TAX", "--batch-id",
        "tax-ack", check_exit=0)
    check(server.read_stderr_until("test-hook: reverify job recorded", 60),
          "the joint pass's job is recorded")
    server.kill9()
    server = start()
    connect()
    ack = settle({"Y": 2, "X": 1, "Z": 2, "V": 1, "W": 2, "U": 1, "T": 2},
                 last, "the pass after kill -9")
    check(sorted(by_entry.get(e.entry_id, "?") for e in ack) == ["T", "W"],
          "events for T and W: %s" % [by_entry.get(e.entry_id) for e in ack])
    for e in ack:
        if by_entry[e.entry_id] == "T":
            income_passes(e, ["TAX"])
        else:
            income_fails(e, ["SOCIAL_INSURANCE", "TAX"])
    print("killed after the acknowledgement: the pass finished, each entry "
          "once")
    server.stop()
    print("joint_switch_test: OK")


if __name__ == "__main__":
    main()
