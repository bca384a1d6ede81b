#!/usr/bin/python3
"""Retention and the audit export end to end: a heduid with mutual TLS and
a report retention that ends in April 2025 verifies a small county's applications, some of
them dated March 2025 (verification dates are the caller's); `hedui audit export`
writes the trail and `hedui audit verify --file` checks it offline, with and
without the audit key; `hedui admin purge --dry-run` counts the old reports
and deletes nothing, `hedui admin purge` deletes them: they are NOT_FOUND,
gone from listings and stats, the purge is in the audit trail with its
counts, and the chain still verifies, on the server and in a new export.

Rolls (domain.md §10, "ended entries are kept for the retention period"):
while the server's today is 2025-03-20 one old report is enrolled and
withdrawn (ended 2025-03-20, before the cutoff) and another enrolled and
left active; today one recent report is enrolled and withdrawn. The purge
removes only the first entry: GetRollEntry answers NOT_FOUND, ListRoll no
longer shows it, its report goes with the old ones, and the dry run's and
the purge's audit entries count one roll entry; the active entry keeps its
old report."""
import datetime
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (TEST_TODAY, Server, check, cli, dev_certificates,  # noqa: E402
                     generate_county, ingest_county, workdir)

APPLICATIONS = 40
OLD_DATE = {"year": 2025, "month": 3, "day": 3}  # the example policy starts in 2025
# The county's own dates are in November 2026: a cutoff a month after
# OLD_DATE keeps them, whenever the test runs (days count from today).
OLD = (OLD_DATE["year"], OLD_DATE["month"], OLD_DATE["day"])
RETENTION_DAYS = (datetime.date.today() - datetime.date(2025, 4, 3)).days


def field(obj, snake):
    """A proto JSON field, printed with either naming."""
    parts = snake.split("_")
    camel = parts[0] + "".join(p.title() for p in parts[1:])
    return obj.get(snake, obj.get(camel))


def backdated(line):
    request = json.loads(line)
    for name in ("verification_date", "verificationDate"):
        if name in request:
            del request[name]
    request["verification_date"] = OLD_DATE
    consent = request.get("consent", {})
    for name in ("signed_on", "signedOn"):
        if name in consent:
            del consent[name]
    consent["signed_on"] = OLD_DATE
    return json.dumps(request, ensure_ascii=False) + "\n"


ROLL_PROGRAMS = ("DIBAO", "TEKUN", "LOW_INCOME_MARGIN")


def enrollable(server, old):
    """Reports verified on OLD_DATE (old) or after it (not old) that meet
    the criteria in a roll program, as (report id, program, region)."""
    _, out, _ = cli(server, "--output", "json", "report", "list", "--all",
                    check_exit=0, identity="staff-1")
    found = []
    for r in json.loads(out).get("reports", []):
        verified = field(r, "verification_date")
        day = (verified["year"], verified["month"], verified["day"])
        if ((day == OLD) == old
                and r.get("verdict") == "MEETS_CRITERIA"
                and r.get("program") in ROLL_PROGRAMS):
            found.append((field(r, "report_id"), r["program"],
                          field(r, "region_code")))
    return sorted(found)


def enroll(server, report, approval_date):
    report_id, program, region = report
    _, out, _ = cli(server, "--output", "json", "roll", "enroll", "--program",
                    program, "--region", region, "--report", report_id,
                    "--approval-date", approval_date, check_exit=0,
                    identity="staff-1")
    return field(json.loads(out)["entry"], "entry_id")


def withdraw(server, entry_id):
    cli(server, "roll", "withdraw", entry_id, "--reason", "income",
        check_exit=0, identity="staff-1")


def roll(server, program):
    _, out, _ = cli(server, "--output", "json", "roll", "list", "--program",
                    program, "--state", "all", "--all", check_exit=0,
                    identity="staff-1")
    return sorted(field(e, "entry_id")
                  for e in json.loads(out).get("entries", []))


def reports(server):
    _, out, _ = cli(server, "--output", "json", "report", "list", "--all",
                    check_exit=0, identity="staff-1")
    return {field(r, "report_id"): (field(r, "verification_date")["year"],
                                    field(r, "verification_date")["month"],
                                    field(r, "verification_date")["day"])
            for r in json.loads(out).get("reports", [])}


def main():
    work = workdir("retention")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, residents=2000,
                               applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls,
                    extra_args=["--report-retention-days", str(RETENTION_DAYS),
                                "--retired-snapshot-retention-days", "30",
                                "--purge-interval-hours", "0"]).start()
    try:
        run(server, work, county, manifest)
    finally:
        if server.proc.poll() is None:
            server.stop()
    shutil.rmtree(work)
    print("retention test passed")


def run(server, work, county, manifest):
    ingest_county(server, county, manifest)

    current = os.path.join(work, "current.jsonl")
    backdated_file = os.path.join(work, "old.jsonl")
    with open(os.path.join(county, "requests.jsonl")) as src, \
            open(current, "w") as cur, open(backdated_file, "w") as bak:
        for i, line in enumerate(src):
            if not line.strip():
                continue
            (bak.write(backdated(line)) if i % 2 else cur.write(line))
    cli(server, "verify", "--batch", current, identity="staff-1")
    # Old reports are made by a server whose today was then: a request may
    # not be dated more than 30 days back.
    server.stop()
    server.today = "2025-03-20"
    server.start()
    cli(server, "verify", "--batch", backdated_file, identity="staff-1")
    # Two old households on a roll: one withdrawn that day (its entry ends
    # before the cutoff), one still enrolled.
    old = OLD
    candidates = enrollable(server, True)
    check(len(candidates) >= 2, "two old reports to enrol: %s" % candidates)
    withdrawn_report, active_report = candidates[0], candidates[1]
    withdrawn_entry = enroll(server, withdrawn_report, "2025-03-03")
    withdraw(server, withdrawn_entry)
    active_entry = enroll(server, active_report, "2025-03-03")
    server.stop()
    server.today = TEST_TODAY
    server.start()
    # One recent household enrolled and withdrawn today: within the period.
    recent = enrollable(server, False)
    before = reports(server)
    old_ids = sorted(r for r, day in before.items() if day == old)
    kept_ids = sorted(r for r, day in before.items() if day != old)
    check(len(recent) >= 1, "a recent report to enrol: %s" % recent)
    recent_entry = enroll(server, recent[0],
                          "%04d-%02d-%02d" % tuple(before[recent[0][0]]))
    withdraw(server, recent_entry)
    programs = sorted({withdrawn_report[1], active_report[1], recent[0][1]})
    rolls_before = sorted(e for p in programs for e in roll(server, p))
    check(rolls_before == sorted([withdrawn_entry, active_entry,
                                  recent_entry]),
          "the rolls list the three entries: %s" % rolls_before)
    # The active entry's report stays whatever its age (domain.md §10.1).
    purged_ids = sorted(r for r in old_ids if r != active_report[0])
    kept_ids = sorted(kept_ids + [active_report[0]])
    print("rolls: %s withdrawn 2025-03-20, %s active on a 2025-03-03 report, "
          "%s withdrawn today" % (withdrawn_entry, active_entry, recent_entry))
    check(len(old_ids) > 0 and len(kept_ids) > 0,
          "reports of both ages: %d old, %d current" % (len(old_ids),
                                                        len(kept_ids)))
    print("%d reports verified on 2025-03-03, %d recent" % (len(old_ids),
                                                      len(kept_ids)))

    # The export, checked offline with and without the key.
    exported = os.path.join(work, "audit-all.jsonl")
    _, out, _ = cli(server, "audit", "export", "--out", exported,
                    check_exit=0, identity="staff-1")
    print(out.strip().splitlines()[0])
    _, out, _ = cli(server, "--output", "json", "audit", "list", "--caller",
                    "staff-1", "--all", check_exit=0)
    exports = [e for e in json.loads(out).get("entries", [])
               if e.get("method") == "/hedui.v1.AuditService/ExportAudit"]
    check(len(exports) == 1 and
          exports[0]["outcome"].startswith("OK: exported entries 1.."),
          "the export is audited with its range: %s" % exports)
    code, out, _ = cli(server, "audit", "verify", "--file", exported,
                       "--key-file", server.audit_key)
    check(code == 0 and "every MAC recomputed" in out,
          "the export verifies with the key: %s" % out)
    code, out, _ = cli(server, "audit", "verify", "--file", exported)
    check(code == 0 and "MACs NOT checked" in out,
          "without the key, linkage only, and it says so: %s" % out)
    lines = open(exported).read().splitlines()
    del lines[len(lines) // 2]
    cut = os.path.join(work, "audit-cut.jsonl")
    open(cut, "w").write("\n".join(lines) + "\n")
    code, out, _ = cli(server, "audit", "verify", "--file", cut)
    check(code == 8 and "is missing" in out,
          "an export missing an entry exits 8: %s" % out)

    # Purge: staff may not; a dry run counts and deletes nothing.
    code, _, _ = cli(server, "admin", "purge", identity="staff-1")
    check(code == 6, "staff may not purge: exit %d" % code)
    _, out, _ = cli(server, "--output", "json", "admin", "purge", "--dry-run",
                    check_exit=0)
    dry = json.loads(out)
    check(int(field(dry, "reports_purged")) == len(purged_ids),
          "the dry run counts %d old reports: %s" % (len(purged_ids), dry))
    check(reports(server) == before, "a dry run deletes nothing")
    check(int(field(dry, "roll_entries_purged")) == 1,
          "the dry run counts the one ended roll entry: %s" % dry)
    check(sorted(e for p in programs for e in roll(server, p)) == rolls_before,
          "a dry run deletes no roll entry")

    _, out, _ = cli(server, "--output", "json", "admin", "purge", check_exit=0)
    purged = json.loads(out)
    check(int(field(purged, "reports_purged")) == len(purged_ids),
          "purged the %d old reports: %s" % (len(purged_ids), purged))
    check(int(field(purged, "person_index_keys_dropped")) == 0,
          "today's entries keep their person index: %s" % purged)
    check(int(field(purged, "snapshots_purged")) == 0,
          "no snapshot retired 30 days ago: %s" % purged)
    check(int(field(purged, "roll_entries_purged")) == 1,
          "the purge counts the one ended roll entry: %s" % purged)
    print("purge: %s" % json.dumps(purged))
    for report_id in purged_ids:
        code, _, _ = cli(server, "report", "get", report_id, identity="staff-1")
        check(code == 7, "purged %s is NOT_FOUND (exit 7), got %d"
              % (report_id, code))
    cli(server, "report", "get", kept_ids[0], check_exit=0, identity="staff-1")
    cli(server, "report", "get", active_report[0], check_exit=0,
        identity="staff-1")
    check(sorted(reports(server)) == kept_ids,
          "listings keep only recent ones and the active entry's")
    _, out, _ = cli(server, "--output", "json", "stats", "--from", "2025-01-01",
                    "--to", "2025-06-30", check_exit=0, identity="staff-1")
    check(int(json.loads(out).get("households", 0)) == 1,
          "early 2025 counts only the active entry's report: %s" % out)

    # The entry withdrawn before the cutoff is gone; the others stay.
    code, _, err = cli(server, "roll", "get", withdrawn_entry,
                       identity="staff-1")
    check(code == 7, "the purged entry is NOT_FOUND (exit 7), got %d: %s"
          % (code, err))
    for entry_id, state in ((active_entry, "ACTIVE"), (recent_entry, "ENDED")):
        _, out, _ = cli(server, "--output", "json", "roll", "get", entry_id,
                        check_exit=0, identity="staff-1")
        check(json.loads(out).get("state") == state,
              "%s stays, %s: %s" % (entry_id, state, out))
    rolls_after = sorted(e for p in programs for e in roll(server, p))
    check(rolls_after == sorted([active_entry, recent_entry]),
          "ListRoll no longer shows the purged entry: %s" % rolls_after)

    # The purge is audited, and the chain is whole across it.
    _, out, _ = cli(server, "--output", "json", "audit", "list", "--caller",
                    "admin-1", "--all", check_exit=0)
    purges = [e for e in json.loads(out).get("entries", [])
              if e.get("method") == "/hedui.v1.RetentionService/Purge"]
    check(len(purges) == 2, "dry run and purge audited: %s" % purges)
    check(purges[0]["outcome"].startswith(
        "dry run, would purge %d reports verified before " % len(purged_ids)),
        "the dry run's outcome: %s" % purges[0]["outcome"])
    check(purges[1]["outcome"].startswith(
        "purged %d reports verified before " % len(purged_ids)),
        "the purge's outcome has its counts: %s" % purges[1]["outcome"])
    for entry in purges:
        check(", 1 roll entries that ended before the same day, "
              in entry["outcome"],
              "the audit entry counts the roll entry: %s" % entry["outcome"])
    code, out, _ = cli(server, "audit", "verify", identity="staff-1")
    check(code == 0 and "intact" in out, "the chain verifies: %s" % out)
    after = os.path.join(work, "audit-after.jsonl")
    cli(server, "audit", "export", "--out", after, check_exit=0)
    code, out, _ = cli(server, "audit", "verify", "--file", after,
                       "--key-file", server.audit_key)
    check(code == 0, "the export after the purge verifies: %s" % out)


if __name__ == "__main__":
    main()
