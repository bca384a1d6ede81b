#!/usr/bin/python3
"""Reviews due end to end (domain.md §6, §10 "Reviews due", §10.1
"Reviews"): a real heduid with mutual TLS and a test-only today, a small
synthetic county ingested, clean households verified and enrolled (one moved
in with an original approval of 2024-05-31), then
RollService.ListReviewsDue from Python.

On 2026-11-30 (the harness's today): each entry's review period (6 when a
counted member aged 16-59 shows no §5 "cannot work" disability, else 12) and
its next review (the first date of the grid from its approval after the day
of enrolment) are worked out by hand from the county's own files (the
applicants' resident IDs, disability.csv), never from the server; nothing is
overdue; the list by due date then entry id over any window, in pages of one,
each caller seeing its counties only; a page token brought to another window
refused naming page_token; every bound refused naming its field.

Then the server is restarted on 2027-11-20: every consent has expired
(signed in 2026, valid 12 months), so no review can have run (§10.1: one that
cannot run stays overdue), and every entry is listed overdue on its own
date."""
import calendar
import csv
import datetime
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

RESIDENTS = int(os.environ.get("HEDUI_REVIEWS_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_REVIEWS_APPLICATIONS", "400"))
ERROR_TRAILER = "hedui-error-bin"
FIRST_TODAY = datetime.date(2026, 11, 30)
LATER_TODAY = datetime.date(2027, 11, 20)
MOVED_IN_APPROVAL = datetime.date(2024, 5, 31)
RUNNING = []  # servers started, killed if a check fails


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


# Dates by hand (§10.1: the grid from the approval date, month ends clamped
# without drifting).
def add_months(day, months):
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month,
                         min(day.day, calendar.monthrange(year, month)[1]))


def next_review(approval, period, after):
    k = 1
    while add_months(approval, k * period) <= after:
        k += 1
    return add_months(approval, k * period)


def parse_day(text):
    return datetime.date.fromisoformat(text)


def day_of(date_pb):
    return datetime.date(date_pb.year, date_pb.month, date_pb.day)


def age_on(person_id, day):
    birth = datetime.date(int(person_id[6:10]), int(person_id[10:12]),
                          int(person_id[12:14]))
    return day.year - birth.year - ((day.month, day.day)
                                    < (birth.month, birth.day))


def disables_work(category, grade):
    """domain.md §5 "cannot work" (a multiple disability counts like a
    physical one, as the 特困 rule reads it)."""
    if category in ("INTELLECTUAL", "MENTAL"):
        return 1 <= grade <= 3
    if category in ("PHYSICAL", "MULTIPLE"):
        return 1 <= grade <= 2
    if category == "VISUAL":
        return grade == 1
    return False


def main():
    work = workdir("reviews-due")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    roll_pb = importlib.import_module("hedui.v1.roll_service_pb2")
    roll_grpc = importlib.import_module("hedui.v1.roll_service_pb2_grpc")
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    Due = roll_pb.ReviewDue
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls)
    RUNNING.append(server)
    check(server.today == FIRST_TODAY.isoformat(),
          "the harness's today is %s" % server.today)
    server.start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]
    files = {d["department"]: d for d in manifest["departments"]}
    disability = {}
    with open(os.path.join(county, files["DISABILITY"]["file"])) as f:
        for row in csv.DictReader(f):
            disability.setdefault(row["person_id"], []).append(
                (row["category"], int(row["grade"])))
    # Fresh on every verification date of the county (max age 92 days).
    check(parse_day(files["DISABILITY"]["as_of"])
          >= datetime.date(2026, 11, 10) - datetime.timedelta(days=92),
          "the disability data are fresh for the county's verifications")

    def period_of(app):
        """6 when a member aged 16-59 on the verification date has no
        disability that stops work (no student is declared in the county),
        else 12. Clean households only: every declared member counted."""
        day = parse_day(app["verification_date"])
        for m in app["members"]:
            if not 16 <= age_on(m["person_id"], day) <= 59:
                continue
            if not any(disables_work(c, g)
                       for c, g in disability.get(m["person_id"], [])):
                return 6
        return 12

    def working_age_disabled(app):
        day = parse_day(app["verification_date"])
        return any(16 <= age_on(m["person_id"], day) <= 59 and any(
            disables_work(c, g) for c, g in disability.get(m["person_id"], []))
            for m in app["members"])

    def clean(program, region):
        """Indices of clean MEETS_CRITERIA applications of a program and
        county (nothing planted), each applicant once."""
        seen, out = set(), []
        for i, (a, l) in enumerate(zip(apps, labels)):
            applicant = a["members"][0]["person_id"]
            if (a["program"] == program and a["region_code"] == region
                    and l["verdict"] == "MEETS_CRITERIA" and not l["planted"]
                    and not a["single_person_member_id"]
                    and applicant not in seen):
                seen.add(applicant)
                out.append(i)
        return out

    def stubs_of(identity):
        ch = channel(server, identity)
        return (stubs["verification_service_pb2_grpc"].VerificationServiceStub(ch),
                roll_grpc.RollServiceStub(ch))

    # Enrolments: entry id -> (program, county, due date by hand).
    expected = {}

    def enrol(verify, rolls, i, request_id, approval=None):
        report = verify.Verify(vs_pb.VerifyRequest(
            request=to_request(apps[i], v_pb)), timeout=60).report
        check(r_pb.Verdict.Name(report.verdict) == "MEETS_CRITERIA",
              "%s: labelled MEETS_CRITERIA, served %s"
              % (apps[i]["application_id"], r_pb.Verdict.Name(report.verdict)))
        request = roll_pb.EnrollRequest(
            request_id=request_id, program=report.program,
            region_code=report.policy.region_code, report_id=report.report_id,
            moved_in=approval is not None)
        verified = day_of(report.verification_date)
        approval = approval or verified
        request.approval_date.year = approval.year
        request.approval_date.month = approval.month
        request.approval_date.day = approval.day
        response = rolls.Enroll(request, timeout=30)
        for old in response.replaced:
            expected.pop(old.entry_id, None)
        entry = rolls.GetRollEntry(roll_pb.GetRollEntryRequest(
            entry_id=response.entry.entry_id), timeout=30)
        period = period_of(apps[i])
        due = next_review(approval, period, FIRST_TODAY)
        check(entry.review_period_months == period,
              "%s (%s): review every %d months by hand, the entry says %d"
              % (entry.entry_id, apps[i]["application_id"], period,
                 entry.review_period_months))
        check(entry.HasField("next_review_date")
              and day_of(entry.next_review_date) == due,
              "%s: next review %s by hand, the entry says %s"
              % (entry.entry_id, due, entry.next_review_date))
        check(entry.latest_report_id == report.report_id
              and entry.latest_verdict == report.verdict
              and day_of(entry.latest_verification_date) == verified,
              "%s: the enrolment's report is the entry's latest" %
              entry.entry_id)
        check(not entry.HasField("death_recheck_date"),
              "no death re-check at enrolment")
        # Every consent has expired by the later today: no review can run
        # then (valid 12 months: through the day before the same day).
        signed = parse_day(apps[i]["consent"]["signed_on"])
        valid_through = add_months(signed, 12) - datetime.timedelta(days=1)
        check(valid_through < LATER_TODAY,
              "%s: consent valid through %s, before %s"
              % (apps[i]["application_id"], valid_through, LATER_TODAY))
        expected[entry.entry_id] = (app_program(apps[i]), entry.region_code,
                                    due)
        return entry, period

    def app_program(app):
        return codes_pb.Program.Value(app["program"])

    verify, rolls = stubs_of("dibao-system")
    staff_verify, staff_rolls = stubs_of("staff-1")
    own = clean("DIBAO", "320581")
    sixes = [i for i in own if period_of(apps[i]) == 6]
    twelves = [i for i in own if period_of(apps[i]) == 12]
    check(len(sixes) >= 4 and len(twelves) >= 2,
          "enough clean DIBAO households of 320581: %d of 6 months, %d of 12"
          % (len(sixes), len(twelves)))
    for n, i in enumerate(sixes[:3] + twelves[:2]):
        enrol(verify, rolls, i, "reviews-enrol-%d" % n)
    # Moved in: the grid of 2024-05-31 (6: ..., 2026-05-31, 2026-11-30 = the
    # day of enrolment, which its fresh report stands for; 12: 2026-05-31),
    # so 2027-05-31 either way.
    moved, _ = enrol(verify, rolls, sixes[3], "reviews-moved-in",
                     approval=MOVED_IN_APPROVAL)
    check(day_of(moved.next_review_date) == datetime.date(2027, 5, 31),
          "the moved-in entry's next review: %s" % moved.next_review_date)
    other = clean("DIBAO", "320582")
    check(other, "a clean DIBAO household in 320582")
    enrol(staff_verify, staff_rolls, other[0], "reviews-other-county")
    # 特困 with a member of working age whose disability stops work: the
    # report's CANNOT_WORK evidence shows it, 12 months.
    tekun = [i for i in clean("TEKUN", "320581")
             if working_age_disabled(apps[i])]
    tekun = tekun or clean("TEKUN", "320581")
    check(tekun, "a clean TEKUN household in 320581")
    tekun_entry, tekun_period = enrol(staff_verify, staff_rolls, tekun[0],
                                      "reviews-tekun")
    print("enrolled %d entries; periods and next reviews as worked out by "
          "hand" % len(expected))

    def listed(rolls, program, within_days, region="", page_size=0):
        """Every line, page by page; checks the pages' sizes."""
        lines, token, pages = [], "", 0
        while True:
            page = rolls.ListReviewsDue(roll_pb.ListReviewsDueRequest(
                program=program, region_code=region, within_days=within_days,
                page_size=page_size, page_token=token), timeout=30)
            check(page_size == 0 or len(page.reviews) <= page_size,
                  "a page of %d holds %d" % (page_size, len(page.reviews)))
            lines += list(page.reviews)
            token = page.next_page_token
            pages += 1
            check(pages <= 100, "the pages end")
            if not token:
                return lines, pages

    def wanted(program, regions, today, within_days):
        horizon = today + datetime.timedelta(days=within_days)
        return sorted((due, entry_id) for entry_id, (p, region, due)
                      in expected.items()
                      if p == program and region in regions
                      and due <= horizon)

    def check_lines(lines, program, regions, today, within_days):
        got = [(day_of(x.due_on), x.entry_id) for x in lines]
        want = wanted(program, regions, today, within_days)
        check(got == want, "due within %d days of %s in %s: %s, by hand %s"
              % (within_days, today, regions, got, want))
        for x in lines:
            check(x.program == program and x.region_code
                  == expected[x.entry_id][1], "the line's program and county")
            check(x.reason == Due.PERIODIC, "a periodic review: %s" % x)
            check(x.overdue == (day_of(x.due_on) < today),
                  "overdue exactly when before today: %s" % x)

    dibao = codes_pb.DIBAO
    lines, _ = listed(rolls, dibao, 0)
    check(lines == [], "nothing overdue or due on the day of enrolment: %s"
          % lines)
    for within in (181, 182, 366):
        lines, _ = listed(rolls, dibao, within)
        check_lines(lines, dibao, {"320581"}, FIRST_TODAY, within)
    # 182 days reach 2027-05-31: the 6-month entries and the moved-in one,
    # not the 12-month ones (2027-11).
    lines, _ = listed(rolls, dibao, 182)
    check(moved.entry_id in [x.entry_id for x in lines]
          and all(expected[x.entry_id][2] < datetime.date(2027, 11, 1)
                  for x in lines),
          "the 6-month entries and the moved-in one: %s"
          % [x.entry_id for x in lines])
    lines, pages = listed(staff_rolls, dibao, 366, page_size=1)
    check_lines(lines, dibao, {"320581", "320582"}, FIRST_TODAY, 366)
    check(pages >= len(lines), "%d pages of one for %d lines"
          % (pages, len(lines)))
    lines, _ = listed(staff_rolls, dibao, 366, region="320582")
    check_lines(lines, dibao, {"320582"}, FIRST_TODAY, 366)
    lines, _ = listed(staff_rolls, codes_pb.TEKUN, 366)
    check_lines(lines, codes_pb.TEKUN, {"320581"}, FIRST_TODAY, 366)
    check([x.entry_id for x in lines] == [tekun_entry.entry_id]
          and tekun_period == 12, "the 特困 entry, every 12 months")
    print("listed by due date then entry id, each caller its counties")

    # A token is tied to its filters (staff-1's counties are 320581 and
    # 320582: one of them is another filter).
    first = staff_rolls.ListReviewsDue(roll_pb.ListReviewsDueRequest(
        program=dibao, within_days=366, page_size=1), timeout=30)
    check(first.next_page_token, "a page of one has a token")
    shown = [x.entry_id for x in first.reviews] + [
        "%04d%02d%02d" % (x.due_on.year, x.due_on.month, x.due_on.day)
        for x in first.reviews] + [".", "320581"]
    check(not any(x in first.next_page_token for x in shown)
          and not first.next_page_token.startswith("-"),
          "a ListReviewsDue token shows neither its line nor its filters: %s"
          % first.next_page_token)
    for changed in (dict(within_days=365), dict(within_days=366,
                                                region_code="320581")):
        e = refused(grpc.StatusCode.INVALID_ARGUMENT,
                    staff_rolls.ListReviewsDue,
                    roll_pb.ListReviewsDueRequest(
                        program=dibao, page_size=1,
                        page_token=first.next_page_token, **changed))
        check("page_token" in fields_of(e, codes_pb),
              "a token brought to other filters names page_token: %s"
              % e.details())
    e = refused(grpc.StatusCode.INVALID_ARGUMENT, rolls.ListReviewsDue,
                roll_pb.ListReviewsDueRequest(
                    program=dibao, within_days=366,
                    page_token="20270501E000000000001.0123456789abcdef"))
    check("page_token" in fields_of(e, codes_pb),
          "a made-up token names page_token: %s" % e.details())

    # Bounds, each named.
    for field, request in (
            ("program", roll_pb.ListReviewsDueRequest()),
            ("program", roll_pb.ListReviewsDueRequest(
                program=codes_pb.MEDICAL)),
            ("program", roll_pb.ListReviewsDueRequest(
                program=codes_pb.TEMPORARY)),
            ("within_days", roll_pb.ListReviewsDueRequest(
                program=dibao, within_days=367)),
            ("within_days", roll_pb.ListReviewsDueRequest(
                program=dibao, within_days=-1)),
            ("page_size", roll_pb.ListReviewsDueRequest(
                program=dibao, page_size=501)),
            ("page_size", roll_pb.ListReviewsDueRequest(
                program=dibao, page_size=-1)),
            ("region_code", roll_pb.ListReviewsDueRequest(
                program=dibao, region_code="3205")),
            ("page_token", roll_pb.ListReviewsDueRequest(
                program=dibao, page_token="x" * 65))):
        e = refused(grpc.StatusCode.INVALID_ARGUMENT, rolls.ListReviewsDue,
                    request)
        check(field in fields_of(e, codes_pb),
              "%s out of bounds is named: %s" % (field, e.details()))
    for edge in (dict(within_days=366, page_size=500),
                 dict(within_days=0, page_size=0)):
        rolls.ListReviewsDue(roll_pb.ListReviewsDueRequest(
            program=dibao, **edge), timeout=30)
    # dibao-system: DIBAO and MEDICAL in 320581 only.
    refused(grpc.StatusCode.PERMISSION_DENIED, rolls.ListReviewsDue,
            roll_pb.ListReviewsDueRequest(program=dibao, region_code="320582",
                                          within_days=366))
    refused(grpc.StatusCode.PERMISSION_DENIED, rolls.ListReviewsDue,
            roll_pb.ListReviewsDueRequest(program=codes_pb.TEKUN,
                                          within_days=366))
    print("tokens tied to their filters; bounds and scopes refused")

    # A year on, every consent expired: nothing could run, all overdue on
    # their own dates.
    server.stop()
    server.today = LATER_TODAY.isoformat()
    server.start()
    verify, rolls = stubs_of("dibao-system")
    staff_verify, staff_rolls = stubs_of("staff-1")
    lines, _ = listed(rolls, dibao, 0)
    check_lines(lines, dibao, {"320581"}, LATER_TODAY, 0)
    own_entries = [k for k, (p, region, _) in expected.items()
                   if p == dibao and region == "320581"]
    check(len(lines) == len(own_entries) and all(x.overdue for x in lines),
          "every 320581 DIBAO entry overdue: %s" % lines)
    lines, pages = listed(staff_rolls, dibao, 0, page_size=2)
    check_lines(lines, dibao, {"320581", "320582"}, LATER_TODAY, 0)
    check(len(lines) == len(own_entries) + 1
          and pages == (len(lines) + 1) // 2,
          "%d lines in pages of two: %d pages" % (len(lines), pages))
    print("on %s: all %d entries overdue on their dates"
          % (LATER_TODAY, len(lines)))

    # Audited like every read.
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(
        channel(server, "staff-1"))
    entries, token = [], ""
    while True:
        page = audit.ListAudit(audit_pb.ListAuditRequest(
            page_size=1000, page_token=token), timeout=30)
        entries += list(page.entries)
        token = page.next_page_token
        if not token:
            break
    calls = [x for x in entries
             if x.method == "/hedui.v1.RollService/ListReviewsDue"]
    check(any(x.caller == "dibao-system" for x in calls)
          and any(x.caller == "staff-1" for x in calls),
          "ListReviewsDue calls are audited with their callers")
    check(len(set(x.outcome for x in calls)) > 1,
          "refused calls are audited too")
    checked = audit.VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=60)
    check(checked.intact, "the audit chain verifies: %s" % checked.problem)
    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("reviews due test passed")


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
