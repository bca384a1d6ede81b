#!/usr/bin/python3
"""The caseworker's roll and change commands end to end (issue 16 item 7):
the `hedui` CLI against a real heduid with mutual TLS (deploy/dev-ca.sh
certificates: dibao-system is DIBAO in 320581 only), a small synthetic
county ingested. A household labelled MEETS_CRITERIA is verified with
`hedui verify`, enrolled with `hedui roll enroll` (its generated request id
announced and a retry under it answered alike), read and listed in table
(Chinese, resident IDs masked) and JSON (snake_case), withdrawn, and its
second withdrawal refused; bad arguments are refused before connecting
(exit 2, the flag named); `changes list` on a store without events;
`reviews due` lists the entry whose review falls due within a year.

Re-verification, reviews due and change events are built on the server side
in the same session: where the server answers UNIMPLEMENTED (checked by the
CLI's own message and exit 1), that part prints SKIP and is left out; any
other answer is checked. Expected outcomes come from domain.md §10 and
§10.1 and the county's labels, never from the server."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUI, Server, check, cli, cli_env,  # noqa: E402
                     dev_certificates, fail, generate_county, ingest_county,
                     workdir)

RESIDENTS = int(os.environ.get("HEDUI_ROLL_CLI_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_ROLL_CLI_APPLICATIONS", "400"))
PROGRAM_SYSTEM = "dibao-system"
TODAY = (2026, 11, 30)  # harness.TEST_TODAY
RUNNING = []  # servers started, killed if a check fails


def masked(person_id):
    """README: the region's first 4 characters, 10 stars, the last 4."""
    return person_id[:4] + "*" * 10 + person_id[14:]


def hedui(server, *args, identity=PROGRAM_SYSTEM, want=None):
    return cli(server, *args, check_exit=want, identity=identity)


def unimplemented(code, err, method):
    """Every method the CLI calls is served: an UNIMPLEMENTED answer fails
    the test (it was a SKIP while the server side was being built)."""
    check(not (code == 1 and "UNIMPLEMENTED" in err),
          "heduid serves %s: %s" % (method, err))
    return False


def date_text(d):
    return "%04d-%02d-%02d" % (d["year"], d["month"], d["day"])


def days_from_today(d):
    import datetime
    return (datetime.date(d["year"], d["month"], d["day"])
            - datetime.date(*TODAY)).days


def write_request(path, app):
    """applications.jsonl (datagen) as the proto JSON `hedui verify
    --household` reads (verification.proto field names)."""
    def date(text):
        y, m, d = (int(x) for x in text.split("-"))
        return {"year": y, "month": m, "day": d}
    members = []
    for m in app["members"]:
        income = m["declared_monthly_income_fen"]
        declared = {}
        for key, field in (("WAGES", "wages_fen"),
                           ("BUSINESS", "business_fen"),
                           ("PROPERTY", "property_fen"),
                           ("TRANSFER", "transfer_fen"),
                           ("OTHER", "other_fen")):
            if key in income:
                declared[field] = income[key]
        members.append({"person_id": m["person_id"], "name": m["name"],
                        "relation": m["relation"],
                        "declared_monthly_income": declared,
                        "informal_work": m["informal_work"]})
    request = {
        "application_id": app["application_id"], "program": app["program"],
        "purpose": app["purpose"], "region_code": app["region_code"],
        "verification_date": date(app["verification_date"]),
        "members": members, "declared_assets": app["declared_assets"],
        "obligors": [{"person_id": o["person_id"], "name": o["name"],
                      "relation": o["relation"],
                      "declared_status": o["declared_status"]}
                     for o in app["obligors"]],
        "single_person_member_id": app["single_person_member_id"],
        "serious_illness": app["serious_illness"],
        "emergency": app["emergency"],
        "consent": {"consent_id": app["consent"]["consent_id"],
                    "signed_on": date(app["consent"]["signed_on"]),
                    "signer_ids": app["consent"]["signer_ids"],
                    "programs": app["consent"]["programs"]}}
    with open(path, "w") as f:
        json.dump(request, f, ensure_ascii=False)


def check_no_whole_ids(text, ids, what):
    for person_id in ids:
        check(person_id not in text,
              "%s shows a whole resident ID (%s)" % (what, masked(person_id)))


def refused_before_connecting(server):
    """Bad arguments: exit 2 naming the flag, nothing sent. The address has
    no server at all, so any attempt to connect would be exit 5."""
    nowhere = ["--server", "127.0.0.1:1"]
    cases = [
        (["roll", "enroll", "--program", "DIBAO", "--region", "320581",
          "--report", "R42", "--approval-date", "2026-11-10"], "--report"),
        (["roll", "enroll", "--program", "TEMPORARY", "--region", "320581",
          "--report", "R000000000001", "--approval-date", "2026-11-10"],
         "--program TEMPORARY: one-off assistance has no roll"),
        (["roll", "enroll", "--program", "DIBAO", "--region", "320581",
          "--report", "R000000000001", "--approval-date", "2026-02-30"],
         "--approval-date"),
        (["roll", "enroll", "--program", "DIBAO", "--region", "320581",
          "--report", "R000000000001", "--approval-date", "2026-11-10",
          "--caseworker", "张社工"], "--caseworker and --reason go together"),
        (["roll", "withdraw", "E12", "--reason", "voluntary"], "ENTRY_ID"),
        (["roll", "withdraw", "E000000000001", "--reason", "replaced"],
         "--reason: unknown reason"),
        (["roll", "get", "R000000000001"], "ENTRY_ID"),
        (["roll", "list", "--program", "DIBOA"], "--program"),
        (["roll", "list", "--program", "DIBAO", "--state", "gone"],
         "--state"),
        (["reviews", "due", "--program", "DIBAO", "--within-days", "400"],
         "--within-days"),
        (["changes", "get", "0"], "N \"0\""),
        (["changes", "list", "--entry", "E1"], "--entry"),
        (["changes", "resolve", "1", "--outcome", "maybe", "--caseworker",
          "x"], "--outcome"),
    ]
    for args, named in cases:
        proc = subprocess.run([HEDUI] + nowhere + args, capture_output=True,
                              timeout=60, env=cli_env(server, PROGRAM_SYSTEM))
        err = proc.stderr.decode("utf-8", "replace")
        check(proc.returncode == 2,
              "hedui %s: exit %d, wanted 2 (refused before connecting): %s"
              % (" ".join(args), proc.returncode, err))
        check(err.startswith("hedui %s %s: " % (args[0], args[1]))
              and named in err,
              "hedui %s names %r: %s" % (" ".join(args), named, err))
        check(proc.stdout == b"", "nothing on stdout for a usage error")
    print("%d bad command lines refused before connecting" % len(cases))


def changes_on_an_empty_store(server):
    code, out, err = hedui(server, "changes", "list")
    if unimplemented(code, err, "ChangeService.ListChanges"):
        return
    check(code == 0, "changes list: exit %d: %s" % (code, err))
    lines = [line for line in out.splitlines() if line.strip()]
    check(len(lines) == 1 and lines[0].startswith("编号"),
          "an empty store lists the titles only: %r" % out)
    code, out, err = hedui(server, "changes", "list", "-o", "json", want=0)
    listing = json.loads(out)
    check(listing.get("events") == [] and listing.get("next_page_token") == "",
          "an empty store lists no event in JSON: %s" % out)
    code, out, err = hedui(server, "changes", "get", "1")
    check(code == 7, "changes get 1 on an empty store is NOT_FOUND (exit "
          "7): %d %s" % (code, err))
    code, out, err = hedui(server, "changes", "stats", "-o", "json")
    if not unimplemented(code, err, "ChangeService.GetChangeStats"):
        check(code == 0, "changes stats: exit %d: %s" % (code, err))
        check(int(json.loads(out).get("events", "0")) == 0,
              "no event counted: %s" % out)
    # A watch with nothing to send: Ctrl-C ends it, exit 0, and it says
    # where to resume.
    proc = subprocess.Popen(
        [HEDUI, "--server", "localhost:%d" % server.port, "changes", "watch"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=cli_env(server, PROGRAM_SYSTEM))
    # Time to start and install its Ctrl-C handler, even on a busy machine.
    time.sleep(3)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    err = err.decode("utf-8", "replace")
    if unimplemented(proc.returncode, err, "ChangeService.WatchChanges"):
        return
    check(proc.returncode == 0,
          "changes watch ends with exit 0 on Ctrl-C: %d %s"
          % (proc.returncode, err))
    check(out == b"", "no event on an empty store: %r" % out)
    check("stopped with no event after #0" in err and "--after 0" in err,
          "the watch says where to resume: %s" % err)
    print("changes on an empty store: none listed, none watched")


def reviews_due(server, entry_id):
    """Reviews due (domain.md §10.1) with one active entry: its first review
    is 6 or 12 months after the approval date, so within a year of today,
    and not overdue."""
    code, out, err = hedui(server, "reviews", "due", "--program", "DIBAO",
                           "--region", "320581", "--within-days", "366",
                           "-o", "json")
    if unimplemented(code, err, "RollService.ListReviewsDue"):
        return
    check(code == 0, "reviews due: exit %d: %s" % (code, err))
    due = json.loads(out).get("reviews", [])
    check([r["entry_id"] for r in due] == [entry_id],
          "the entry is due within 366 days: %s" % out)
    check(due[0]["reason"] == "PERIODIC" and not due[0]["overdue"],
          "a periodic review, not overdue: %s" % out)
    check(0 < days_from_today(due[0]["due_on"]) <= 366,
          "due within the year: %s" % due[0])
    code, out, err = hedui(server, "reviews", "due", "--program", "DIBAO",
                           "--within-days", "0", want=0)
    check(entry_id not in out,
          "nothing is due today or overdue: %s" % out)
    code, out, err = hedui(server, "reviews", "due", "--program", "DIBAO",
                           "--within-days", "366", want=0)
    check(out.startswith("条目编号") and entry_id in out
          and "定期复核" in out,
          "reviews due in the table view: %s" % out)
    print("reviews due: the entry, periodic, within the year")


def reverify(server, entry_id, report_id):
    """Re-verification on request (domain.md §10 (c)) of the one active
    entry, today (2026-11-30), with no new file: a new report; the one
    difference from the enrolment's report is data gone stale since (the
    county's VEHICLES, as of 2026-08-10, the manifest's stale department,
    among them), so the event changes criteria to UNKNOWN only, each naming
    its stale department (§10.1: data gone stale shows at the next
    re-verification). The whole
    roll is one job over that entry."""
    code, out, err = hedui(server, "roll", "reverify", entry_id, "-o", "json")
    if unimplemented(code, err, "RollService.Reverify"):
        return
    check(code == 0, "roll reverify: exit %d: %s" % (code, err))
    answer = json.loads(out)
    check(answer["report_id"].startswith("R")
          and answer["report_id"] != report_id
          and not answer["consent_expired"],
          "a new report: %s" % out)
    if answer["event_number"] != "0":
        code, out, err = hedui(server, "changes", "get",
                               answer["event_number"], "-o", "json", want=0)
        event = json.loads(out)
        changed = {c["criterion"]: c.get("after") for c in event["criteria"]}
        check("VEHICLES" in changed and all(
            c.get("after") == "UNKNOWN" and c["data_after"]
            and all(d["state"] == "STALE" for d in c["data_after"])
            for c in event["criteria"]),
            "only data gone stale changed, VEHICLES among it: %s" % out)
    code, out, err = hedui(server, "roll", "reverify", "--program",
                           "DIBAO", "--region", "320581", "-o", "json",
                           want=0)
    job = json.loads(out)
    check(job["job_id"] and job["entries"] == 1,
          "the whole roll queued, one active entry: %s" % out)
    print("re-verified on request: a new report; only stale data changed")


def main():
    work = workdir("roll-cli")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    RUNNING.append(server)
    ingest_county(server, county, manifest)
    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    refused_before_connecting(server)
    changes_on_an_empty_store(server)

    # A household the labels say meets the criteria, verified by the CLI.
    chosen = None
    for a, label in zip(apps, labels):
        if (a["program"] == "DIBAO" and a["region_code"] == "320581"
                and label["verdict"] == "MEETS_CRITERIA"):
            chosen = a
            break
    check(chosen is not None, "a DIBAO household meeting the criteria in "
          "320581")
    household = os.path.join(work, "household.json")
    write_request(household, chosen)
    applicant = chosen["members"][0]["person_id"]
    ids = [m["person_id"] for m in chosen["members"]]
    _, out, _ = hedui(server, "verify", "--household", household, "-o",
                      "json", want=0)
    report = json.loads(out)
    check(report["verdict"] == "MEETS_CRITERIA",
          "labelled MEETS_CRITERIA, served %s" % report["verdict"])
    report_id = report["report_id"]
    verified_on = date_text(report["verification_date"])

    # Enrolment, in the table view; the generated request id is announced.
    code, out, err = hedui(server, "roll", "enroll", "--program", "DIBAO",
                           "--region", "320581", "--report", report_id,
                           "--approval-date", verified_on)
    check(code == 0, "roll enroll: exit %d: %s" % (code, err))
    check(out.startswith("已纳入名册：E"), "the enrolment's heading: %s" % out)
    entry_id = out.splitlines()[0].split("：")[1]
    check(len(entry_id) == 13 and entry_id[1:].isdigit(),
          "an entry id E + 12 digits: %r" % entry_id)
    for piece in ("最低生活保障（DIBAO）", "在册（ACTIVE）", masked(applicant),
                  report_id + "（符合，核对日期 " + verified_on + "）",
                  "批准日期"):
        check(piece in out, "the enrolled entry shows %r: %s" % (piece, out))
    check_no_whole_ids(out, ids, "roll enroll")
    check(err.startswith("hedui roll enroll: request id cli-"),
          "the generated request id is announced: %s" % err)
    request_id = err.split("request id ")[1].split(" ")[0]
    # Repeating the call under that id answers the first result.
    _, out, _ = hedui(server, "roll", "enroll", "--program", "DIBAO",
                      "--region", "320581", "--report", report_id,
                      "--approval-date", verified_on, "--request-id",
                      request_id, "-o", "json", want=0)
    again = json.loads(out)
    check(again["entry"]["entry_id"] == entry_id,
          "a retry under the announced id answers the same entry: %s" % out)
    check("replaced" in again and again["replaced"] == [],
          "snake_case JSON with every field: %s" % out)
    print("enrolled %s; its retry answered alike" % entry_id)

    # Read and listed: table and JSON.
    _, out, _ = hedui(server, "roll", "get", entry_id, "-o", "json", want=0)
    got = json.loads(out)
    check(got["entry_id"] == entry_id and got["state"] == "ACTIVE"
          and got["applicant_id"] == applicant
          and got["report_id"] == report_id
          and date_text(got["approval_date"]) == verified_on
          and got["request"]["members"][0]["person_id"] == applicant,
          "roll get in JSON: %s" % out)
    check("entryId" not in out and "approvalDate" not in out,
          "JSON names are the proto's (snake_case)")
    _, out, _ = hedui(server, "roll", "get", "--program", "DIBAO",
                      "--applicant", applicant, want=0)
    check(out.startswith("名册条目  %s\n" % entry_id),
          "roll get by applicant: %s" % out)
    for piece in ("\n授权\n", chosen["consent"]["consent_id"],
                  "申报家庭成员（%d 人）" % len(ids), masked(applicant)):
        check(piece in out, "roll get shows %r: %s" % (piece, out))
    check_no_whole_ids(out, ids, "roll get")
    for m in chosen["members"]:
        if len(m["name"]) > 1:
            check(m["name"] not in out, "roll get shows a whole name")
    _, out, _ = hedui(server, "roll", "get", entry_id, "-o", "yaml", want=0)
    check('entry_id: "%s"' % entry_id in out, "roll get in YAML: %s" % out)

    _, out, _ = hedui(server, "roll", "list", "--program", "DIBAO",
                      "--region", "320581", want=0)
    lines = out.splitlines()
    check(lines and lines[0].startswith("条目编号"), "roll list titles: %s" % out)
    rows = [line for line in lines[1:] if line.startswith(entry_id)]
    check(len(rows) == 1 and "在册" in rows[0] and masked(applicant) in rows[0],
          "roll list shows the entry once, masked: %s" % out)
    check_no_whole_ids(out, ids, "roll list")
    _, out, _ = hedui(server, "roll", "list", "--program", "DIBAO", "--all",
                      "-o", "json", want=0)
    listed = json.loads(out)["entries"]
    check([e["entry_id"] for e in listed] == [entry_id],
          "the roll in JSON holds the one entry: %s" % out)
    check("request" not in listed[0] or not listed[0]["request"],
          "a listed entry leaves its declaration out")
    print("read and listed in table and JSON")

    reviews_due(server, entry_id)
    reverify(server, entry_id, report_id)

    # Withdrawal, then a second one under another request id refused.
    code, out, err = hedui(server, "roll", "withdraw", entry_id, "--reason",
                           "voluntary", "--note", "本人申请退出",
                           "--request-id", "cli-test-withdraw-1")
    check(code == 0, "roll withdraw: exit %d: %s" % (code, err))
    check(out.startswith("已退出名册：%s\n" % entry_id)
          and "已退出（ENDED）" in out and "自愿退出（VOLUNTARY）" in out
          and "本人申请退出" in out,
          "the withdrawn entry: %s" % out)
    check(err == "", "a given request id is not announced: %s" % err)
    _, out, _ = hedui(server, "roll", "withdraw", entry_id, "--reason",
                      "voluntary", "--note", "本人申请退出", "--request-id",
                      "cli-test-withdraw-1", "-o", "json", want=0)
    check(json.loads(out)["entry"]["state"] == "ENDED",
          "a repeated withdrawal under its id is answered: %s" % out)
    code, out, err = hedui(server, "roll", "withdraw", entry_id, "--reason",
                           "voluntary")
    check(code == 4 and "FAILED_PRECONDITION" in err and "entry_id" in err,
          "withdrawing again is refused naming entry_id (exit 4): %d %s"
          % (code, err))
    check_no_whole_ids(err, ids, "a refusal")
    _, out, _ = hedui(server, "roll", "list", "--program", "DIBAO", "--state",
                      "ended", "-o", "json", want=0)
    ended = json.loads(out)["entries"]
    check([e["entry_id"] for e in ended] == [entry_id]
          and ended[0]["end_reason"] == "VOLUNTARY",
          "the ended roll holds the entry: %s" % out)
    _, out, _ = hedui(server, "roll", "list", "--program", "DIBAO", want=0)
    check(entry_id not in out, "the active roll no longer holds it: %s" % out)
    code, out, err = hedui(server, "roll", "get", "--program", "DIBAO",
                           "--applicant", applicant)
    check(code == 7, "no active entry of the applicant (exit 7): %d %s"
          % (code, err))
    check_no_whole_ids(err, ids, "NOT_FOUND")
    print("withdrawn; a second withdrawal refused")

    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("roll CLI test passed")


def run():
    try:
        main()
    finally:
        # A failed check exits at once: leave no heduid behind.
        for server in RUNNING:
            if server.proc is not None and server.proc.poll() is None:
                server.proc.kill()


if __name__ == "__main__":
    run()
