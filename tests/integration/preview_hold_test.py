#!/usr/bin/python3
"""Feed impact preview and hold (issue 16 item 6, domain.md §10.1 "Preview
and hold"): a real heduid with mutual TLS, a small synthetic county, twelve
plain DIBAO households of 320581 verified and enrolled on the server's
today 2026-11-10, when every department is fresh (so a household a file
does not touch re-verifies to its enrolment results). Every expected figure
is fixed by construction from domain.md, never by asking the server:
- a TAX delta giving A and B a wage far over any line, previewed: the
  DIBAO/320581 roll has 12 entries, 2 touched, 2 verdicts changed, INCOME
  changed for 2, nothing held (2 of 12 is under the minimum of 3); nothing
  is switched (the departments as before, no event, no re-verification);
- the same file ingested the same day: the switch's events (verdicts and
  criteria changed among the touched entries) are exactly the preview's;
- a full TAX snapshot (sent with --force, which does not skip the hold)
  giving C, D and E such a wage: 3 of 12 (25 % > 5 %, and 3 >= 3) is held:
  answered OK and HELD, not switched, listed by `hedui feeds held`; it
  survives kill -9; a later TAX file is refused naming the held batch;
  re-sending the held file answers as held again; confirming it switches it
  in and C, D and E get their events;
- a delta for F, G and H is held and then discarded: nothing switched, and
  the department takes files again;
- staff and program systems may not confirm or discard; a preview with a bad
  header, and a confirmation with neither department nor batch id, are
  INVALID_ARGUMENT naming the field."""
import csv
import importlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (wait_for, Server, check, cli, departments,  # noqa: E402
                     dev_certificates, fail, generate_county, ingest_county,
                     workdir)
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_PREVIEW_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_PREVIEW_APPLICATIONS", "400"))
TODAY = "2026-11-10"
ROLL = 12
WAGE_PAYER = "91320581000009DLL7"


def main():
    import grpc
    work = workdir("preview-hold")
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
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    data = os.path.join(work, "data")
    server = Server(work, data, tls_dir=tls, hold_feeds=True)
    server.today = TODAY
    server.start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]
    tax_rows = list(csv.reader(open(os.path.join(county, "tax.csv"))))
    tax_header, tax_rows = tax_rows[0], tax_rows[1:]

    def stubs_of(identity):
        c = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(c),
                roll_grpc.RollServiceStub(c), ch_grpc.ChangeServiceStub(c),
                stubs["admin_pb2_grpc"].AdminServiceStub(c))

    verify, rolls, changes, _ = stubs_of("dibao-system")

    # Plain households: DIBAO, 320581, MEETS_CRITERIA with nothing planted,
    # verified on or before today, no obligor, no member shared.
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
    check(len(chosen) >= ROLL, "%d plain DIBAO households: %d"
          % (ROLL, len(chosen)))
    chosen = chosen[:ROLL]
    keys = "ABCDEFGHIJKL"
    names = dict(zip(keys, chosen))
    entries = {}
    for key, app in names.items():
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(app, v_pb)), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s labelled MEETS_CRITERIA, served %s"
              % (app["application_id"], r_pb.Verdict.Name(report.verdict)))
        request = roll_pb.EnrollRequest(
            request_id="preview-enrol-" + key, program=report.program,
            region_code="320581", report_id=report.report_id)
        request.approval_date.CopyFrom(report.verification_date)
        entries[key] = rolls.Enroll(request, timeout=30).entry
    by_entry = {e.entry_id: k for k, e in entries.items()}
    print("enrolled %d entries" % len(entries))

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

    def applicant(key):
        return names[key]["members"][0]["person_id"]

    def reports_of(key):
        return verify.ListReports(vs_pb.ListReportsRequest(
            person_id=applicant(key)), timeout=30).reports

    def wage_rows(keys_):
        return [[applicant(k), "2026-09", "WAGE", "100000", WAGE_PAYER,
                 "2026-09-25"] for k in keys_]

    def write_delta(path, rows):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["op"] + tax_header)
            for row in rows:
                w.writerow(["upsert"] + row)

    def impact_of(out):
        """The one DIBAO/320581 roll of a JSON answer's impact."""
        answer = json.loads(out)
        impact = answer.get("impact", {})
        rolls_ = impact.get("rolls", [])
        check(len(rolls_) == 1 and rolls_[0]["program"] == "DIBAO"
              and rolls_[0]["region_code"] == "320581",
              "the file touches the DIBAO/320581 roll only: %s" % impact)
        return answer, impact, rolls_[0]

    def criteria_of(roll):
        return {c["criterion"]: int(c["entries"])
                for c in roll.get("criteria_changed", [])}

    def event_figures(evs):
        """What the switch did: verdicts and criteria changed, by entry."""
        verdicts = sum(1 for e in evs if e.verdict_before != e.verdict_after)
        criteria = {}
        for e in evs:
            for c in e.criteria:
                name = r_pb.Finding.Criterion.Name(c.criterion)
                criteria[name] = criteria.get(name, 0) + 1
        return verdicts, criteria

    check(events() == [], "enrolment makes no event")
    before_departments = departments(server)

    # 1. Preview a TAX delta raising A's and B's wages.
    delta_ab = os.path.join(work, "tax-delta-ab.csv")
    write_delta(delta_ab, wage_rows("AB"))
    code, out, err = cli(server, "--output", "json", "ingest", "--preview",
                         "--department", "TAX", "--as-of", "2026-11-05",
                         "--delta", "--batch-id", "tax-delta-ab", delta_ab)
    check(code == 0, "the preview answers OK: %d %s %s" % (code, out, err))
    answer, impact, roll = impact_of(out)
    check(answer.get("preview") is True and not answer.get("held"),
          "a preview, not held: %s" % answer)
    check(int(roll["entries"]) == ROLL and int(roll["entries_touched"]) == 2
          and int(roll["verdicts_changed"]) == 2
          and int(roll["consent_expired"]) == 0 and not roll["would_hold"],
          "12 entries, 2 touched, 2 verdicts changed, not held: %s" % roll)
    check(criteria_of(roll).get("INCOME") == 2,
          "INCOME changes for both: %s" % roll)
    check(not impact.get("would_hold"), "the switch would not be held")
    check(impact["evaluated_on"] == {"year": 2026, "month": 11, "day": 10},
          "evaluated as of today: %s" % impact["evaluated_on"])
    code, text, _ = cli(server, "ingest", "--preview", "--department", "TAX",
                        "--as-of", "2026-11-05", "--delta", "--batch-id",
                        "tax-delta-ab", delta_ab)
    check(code == 0 and "nothing was switched" in text and "DIBAO" in text
          and "INCOME 2" in text, "the preview's table: %s" % text)
    print(text)
    time.sleep(2)
    check(departments(server) == before_departments,
          "a preview switches nothing")
    check(events() == [], "a preview makes no event")
    check(all(len(reports_of(k)) == 1 for k in "AB"),
          "a preview re-verifies nothing")
    print("preview: %s" % roll)

    # The registration, previewed as a full snapshot: the county's own file
    # again touches nobody; one with I's applicant registered in another
    # county touches I's entry alone (its row and its 户号 register), whose
    # re-verification would then be refused (outside the program's county).
    reg = next(d for d in manifest["departments"]
               if d["department"] == "HOUSEHOLD_REGISTRATION")
    reg_path = os.path.join(county, reg["file"])
    code, out, err = cli(server, "--output", "json", "ingest", "--preview",
                         "--department", "HOUSEHOLD_REGISTRATION", "--as-of",
                         reg["as_of"], "--batch-id", "reg-same", reg_path)
    check(code == 0 and json.loads(out).get("impact", {}).get("rolls", [])
          == [], "the same registration touches nobody: %d %s %s"
          % (code, out, err))
    moved = os.path.join(work, "registration-moved.csv")
    with open(reg_path, newline="") as src, open(moved, "w",
                                                 newline="") as dst:
        rows = list(csv.reader(src))
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(rows[0])
        region = rows[0].index("region_code")
        for row in rows[1:]:
            if row[0] == applicant("I"):
                row[region] = "320582"
            w.writerow(row)
    code, out, err = cli(server, "--output", "json", "ingest", "--preview",
                         "--department", "HOUSEHOLD_REGISTRATION", "--as-of",
                         reg["as_of"], "--batch-id", "reg-moved", moved)
    check(code == 0, "the moved registration previews: %d %s" % (code, err))
    _, _, reg_roll = impact_of(out)
    check(int(reg_roll["entries_touched"]) == 1,
          "one entry touched by the registration: %s" % reg_roll)
    check(departments(server) == before_departments,
          "the registration previews switch nothing")

    # 2. The same file ingested the same day: the switch does what the
    # preview said.
    cli(server, "ingest", "--department", "TAX", "--as-of", "2026-11-05",
        "--delta", "--batch-id", "tax-delta-ab", delta_ab, check_exit=0)
    evs = wait_for(lambda: (lambda e: e if len(e) >= 2 else None)(events()),
                   "the events of A and B")
    time.sleep(2)
    evs = events()
    check(sorted(by_entry.get(e.entry_id, "?") for e in evs) == ["A", "B"],
          "events for A and B only: %s" % [e.entry_id for e in evs])
    verdicts, criteria = event_figures(evs)
    check(verdicts == int(roll["verdicts_changed"]),
          "verdicts changed: the switch %d, the preview %s"
          % (verdicts, roll["verdicts_changed"]))
    check(criteria == criteria_of(roll),
          "criteria changed: the switch %s, the preview %s"
          % (criteria, criteria_of(roll)))
    last_event = max(e.number for e in evs)
    print("ingested: the switch's figures equal the preview's")

    # 3. A full snapshot changing C, D and E: 3 of 12 is held, --force or not.
    full_cde = os.path.join(work, "tax-full-cde.csv")
    with open(full_cde, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(tax_header)
        for row in tax_rows + wage_rows("AB") + wage_rows("CDE"):
            w.writerow(row)
    before_departments = departments(server)
    code, out, err = cli(server, "--output", "json", "ingest", "--force",
                         "--department", "TAX", "--as-of", "2026-11-06",
                         "--batch-id", "tax-full-cde", full_cde)
    check(code == 0, "a held file is answered OK: %d %s %s" % (code, out, err))
    answer, impact, roll = impact_of(out)
    check(answer.get("held") is True and not answer.get("preview"),
          "held: %s" % answer)
    check(int(roll["entries"]) == ROLL and int(roll["entries_touched"]) == 3
          and int(roll["verdicts_changed"]) == 3 and roll["would_hold"]
          and criteria_of(roll).get("INCOME") == 3,
          "3 of 12 verdicts change, held: %s" % roll)
    check(impact.get("would_hold") is True and impact["hold_share"] == 0.05
          and impact["hold_min_entries"] == 3, "the thresholds: %s" % impact)
    held_roll = roll
    time.sleep(2)
    check(departments(server) == before_departments,
          "a held file is not switched in")
    check(events(last_event) == [], "a held file makes no event")

    def held_list():
        _, out, _ = cli(server, "--output", "json", "feeds", "held",
                        check_exit=0)
        return json.loads(out).get("feeds", [])

    listed = held_list()
    check(len(listed) == 1 and listed[0]["batch_id"] == "tax-full-cde"
          and listed[0]["department"] == "TAX"
          and int(listed[0]["rows"]) == len(tax_rows) + 5
          and listed[0]["held_by"] == "admin-1",
          "feeds held lists it: %s" % listed)

    # Survives kill -9.
    server.kill9()
    server = Server(work, data, tls_dir=tls, hold_feeds=True)
    server.today = TODAY
    server.start()
    verify, rolls, changes, _ = stubs_of("dibao-system")
    listed = held_list()
    check(len(listed) == 1 and listed[0]["batch_id"] == "tax-full-cde",
          "still held after kill -9: %s" % listed)
    check(listed[0]["impact"]["rolls"][0] == held_roll,
          "with its impact: %s" % listed[0]["impact"])
    code, text, _ = cli(server, "feeds", "held")
    check(code == 0 and "tax-full-cde" in text and "HOLD" in text,
          "feeds held as a table: %s" % text)
    print(text)

    # A later TAX file is refused, naming the held batch.
    later = os.path.join(work, "tax-delta-later.csv")
    write_delta(later, wage_rows("AB"))
    code, out, err = cli(server, "ingest", "--department", "TAX", "--as-of",
                         "2026-11-07", "--delta", "--batch-id", "tax-later",
                         later)
    check(code == 4 and "tax-full-cde" in err,
          "a later file is refused naming the held batch: %d %s" % (code, err))
    # The held file sent again answers as held.
    code, out, err = cli(server, "--output", "json", "ingest", "--force",
                         "--department", "TAX", "--as-of", "2026-11-06",
                         "--batch-id", "tax-full-cde", full_cde)
    check(code == 0 and json.loads(out).get("held") is True,
          "re-sending the held file: held again: %d %s %s" % (code, out, err))

    # Only administrators confirm or discard.
    for who in ("staff-1", "dibao-system"):
        for verb in ("confirm", "discard"):
            code, _, err = cli(server, "feeds", verb, "--department", "TAX",
                               "--batch-id", "tax-full-cde", identity=who)
            check(code == 6, "%s may not %s: %d %s" % (who, verb, code, err))
    code, _, err = cli(server, "feeds", "confirm", "--department", "TAX",
                       "--batch-id", "not-the-held-one")
    check(code == 7, "confirming another batch: NOT_FOUND: %d %s"
          % (code, err))
    check(len(held_list()) == 1, "still held")

    # Confirm: switched in, and C, D and E re-verified.
    code, out, err = cli(server, "--output", "json", "feeds", "confirm",
                         "--department", "TAX", "--batch-id", "tax-full-cde")
    check(code == 0, "confirmed: %d %s %s" % (code, out, err))
    confirmed = json.loads(out)
    check(not confirmed.get("already_applied")
          and int(confirmed["rows_now_current"]) == len(tax_rows) + 5,
          "the held file is current: %s" % confirmed)
    check(departments(server)["TAX"][2] == "tax-full-cde",
          "TAX's current batch is the confirmed one")
    check(held_list() == [], "nothing held after the confirmation")
    new = wait_for(lambda: (lambda e: e if len(e) >= 3 else None)(
        events(last_event)), "the events of C, D and E")
    time.sleep(2)
    new = events(last_event)
    check(sorted(by_entry.get(e.entry_id, "?") for e in new)
          == ["C", "D", "E"], "events for C, D and E: %s"
          % [e.entry_id for e in new])
    verdicts, criteria = event_figures(new)
    check(verdicts == 3 and criteria == criteria_of(held_roll),
          "the confirmed switch does what the hold said: %d %s, held %s"
          % (verdicts, criteria, held_roll))
    last_event = max(e.number for e in new)
    print("held, kept over kill -9, refused a later file, confirmed")

    # 4. Held, then discarded.
    delta_fgh = os.path.join(work, "tax-delta-fgh.csv")
    write_delta(delta_fgh, wage_rows("FGH"))
    before_departments = departments(server)
    code, out, err = cli(server, "--output", "json", "ingest", "--department",
                         "TAX", "--as-of", "2026-11-08", "--delta",
                         "--batch-id", "tax-delta-fgh", delta_fgh)
    check(code == 0 and json.loads(out).get("held") is True,
          "a delta changing 3 of 12 is held too: %d %s %s" % (code, out, err))
    code, out, err = cli(server, "--output", "json", "feeds", "discard",
                         "--department", "TAX", "--batch-id", "tax-delta-fgh")
    check(code == 0 and json.loads(out)["discarded"]["batch_id"]
          == "tax-delta-fgh", "discarded: %d %s %s" % (code, out, err))
    check(held_list() == [], "nothing held after the discard")
    check(departments(server) == before_departments,
          "a discarded file is never switched in")
    time.sleep(2)
    check(events(last_event) == [], "a discarded file makes no event")
    unchanged = os.path.join(work, "tax-delta-unchanged.csv")
    write_delta(unchanged, wage_rows("A"))
    cli(server, "ingest", "--department", "TAX", "--as-of", "2026-11-09",
        "--delta", "--batch-id", "tax-unchanged", unchanged, check_exit=0)
    check(departments(server)["TAX"][1] == "2026-11-09",
          "the department takes files again")
    print("held, then discarded")

    # 5. Bad input names the field.
    code, _, err = cli(server, "ingest", "--preview", "--department", "TAX",
                       "--as-of", "2026-12-01", "--delta", delta_ab)
    check(code == 3 and "header.as_of" in err,
          "a preview dated after today: INVALID_ARGUMENT naming "
          "header.as_of: %d %s" % (code, err))
    bad = os.path.join(work, "tax-bad.csv")
    with open(bad, "w") as f:
        f.write("op," + ",".join(tax_header) + "\n"
                "upsert,%s,2026-13,WAGE,1,%s,2026-09-25\n"
                % (applicant("A"), WAGE_PAYER))
    code, _, err = cli(server, "ingest", "--preview", "--department", "TAX",
                       "--as-of", "2026-11-09", "--delta", bad)
    check(code == 3 and "line 2" in err,
          "a preview of a bad file: INVALID_ARGUMENT naming the line: %d %s"
          % (code, err))
    admin = stubs["admin_pb2_grpc"].AdminServiceStub(channel(server, "admin-1"))
    for request, field in ((admin_pb.ConfirmHeldFeedRequest(), "department"),
                           (admin_pb.ConfirmHeldFeedRequest(
                               department=codes_pb.TAX), "batch_id"),
                           (admin_pb.DiscardHeldFeedRequest(
                               department=codes_pb.TAX,
                               batch_id="has space"), "batch_id")):
        call = (admin.ConfirmHeldFeed
                if isinstance(request, admin_pb.ConfirmHeldFeedRequest)
                else admin.DiscardHeldFeed)
        try:
            call(request, timeout=30)
            fail("%s accepted" % request)
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.INVALID_ARGUMENT,
                  "INVALID_ARGUMENT: %s" % error)
            check_standard_details(error, stubs, field=field)
    print("bad input names the field")
    server.stop()
    print("preview_hold_test: OK")


if __name__ == "__main__":
    main()
