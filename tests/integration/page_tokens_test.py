#!/usr/bin/python3
"""Page tokens of ListReports and ListAudit end to end (issue 18, AIP-158): a
real heduid with mutual TLS (deploy/dev-ca.sh certificates: staff-1 sees every
program in 320581 and 320582, dibao-system DIBAO and MEDICAL in 320581,
admin-1 everything), a small synthetic county ingested and its applications
verified.

- Paging continues exactly: walking ListReports (newest first) and ListAudit
  (in sequence order) page by page, with page_size changing between pages and
  new reports verified between pages, lists every report stored before the
  walk began exactly once, in order, and none of the new ones (they are newer
  than the walk's place); the audit walk lists its caller's entries exactly
  once each, the ones appended during the walk included.
- Tokens are opaque: no report id or sequence number shows in them.
- A token brought to a request with any other filter (each filter field, and
  for ListReports a caller who sees other counties), a garbled or made-up
  token, or a token of the other listing is INVALID_ARGUMENT with page_token
  named in the standard BadRequest and in the message.
- The CLI pages with --all, and refuses a garbled --page-token naming it.

Expected listings come from the report ids Verify returned and the number of
calls the test made, never from the listing under test."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
import grpc  # noqa: E402
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_PAGE_TOKENS_RESIDENTS", "3000"))
APPLICATIONS = int(os.environ.get("HEDUI_PAGE_TOKENS_APPLICATIONS", "60"))
LIST_REPORTS = "/hedui.v1.VerificationService/ListReports"
LIST_AUDIT = "/hedui.v1.AuditService/ListAudit"


def set_date(message, text):
    message.year, message.month, message.day = (int(x) for x in
                                                 text.split("-"))


def refused(call, request, what, modules, method):
    """`call(request)` is INVALID_ARGUMENT naming page_token in BadRequest
    and the message."""
    try:
        call(request, timeout=60)
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.INVALID_ARGUMENT,
              "%s: %s %s" % (what, e.code(), e.details()))
        check((e.details() or "").startswith("page_token"),
              "%s: the message names page_token: %s" % (what, e.details()))
        check_standard_details(e, modules, field="page_token", method=method)
        return e.details()
    fail("%s: the token was accepted" % what)


def garbled(token):
    """The token with its middle character changed, and other made-up ones."""
    middle = len(token) // 2
    changed = token[:middle] + ("A" if token[middle] != "A" else "B") + \
        token[middle + 1:]
    return [changed, token[:-1], token + "A", "R000000000005", "12", "x",
            token[::-1]]


def main():
    work = workdir("page-tokens")
    tls = dev_certificates(os.path.join(work, "tls"))
    modules = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = modules["verification_service_pb2"]
    vs_grpc = modules["verification_service_pb2_grpc"]
    v_pb = modules["verification_pb2"]
    audit_pb = modules["audit_pb2"]
    audit_grpc = modules["audit_pb2_grpc"]
    codes_pb = modules["codes_pb2"]
    report_pb = modules["report_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    requests = [to_request(a, v_pb) for a in apps]

    def reports_stub(identity):
        return vs_grpc.VerificationServiceStub(channel(server, identity))

    staff = reports_stub("staff-1")
    stored = []  # report ids in the order Verify returned them
    results = list(staff.VerifyBatch(
        (vs_pb.VerifyRequest(request=r) for r in requests), timeout=600))
    check(len(results) == len(requests), "one result per application")
    for n, result in enumerate(results):
        check(result.code == 0, "%s: %d %s" % (
            apps[n]["application_id"], result.code, result.message))
        stored.append(result.report.report_id)
    check(len(set(stored)) == len(stored), "one report id per application")
    print("%d reports stored" % len(stored))

    # --- ListReports: exact continuation while reports are added ---------
    # staff-1 sees both counties and every program: all of them, newest
    # (the highest id) first.
    expected = sorted(stored, reverse=True)
    walked = []
    tokens = []
    request = vs_pb.ListReportsRequest(page_size=7)
    added = []
    sizes = [7, 3, 11, 5, 2]
    pages = 0
    while True:
        page = staff.ListReports(request, timeout=60)
        pages += 1
        walked += [r.report_id for r in page.reports]
        if not page.next_page_token:
            break
        tokens.append(page.next_page_token)
        # A newer report between every two pages: it must not shift the walk.
        added.append(staff.Verify(vs_pb.VerifyRequest(
            request=requests[pages % len(requests)]), timeout=60)
            .report.report_id)
        request.page_size = sizes[pages % len(sizes)]
        request.page_token = page.next_page_token
        check(pages < 100, "ListReports pages never end")
    check(walked == expected,
          "the walk listed %d reports, %d stored before it (first difference "
          "at %s)" % (len(walked), len(expected), next(
              (i for i, (a, b) in enumerate(zip(walked, expected)) if a != b),
              min(len(walked), len(expected)))))
    check(pages > 3, "the walk took several pages: %d" % pages)
    check(not set(added) & set(walked), "reports added during the walk are "
          "newer than its place and not listed")
    for token in tokens:
        check(not any(id_ in token for id_ in stored),
              "a token shows a report id: %s" % token)
    print("ListReports: %d pages listed the %d earlier reports exactly once, "
          "%d added between pages" % (pages, len(expected), len(added)))

    # An empty token starts again from the newest.
    newest = staff.ListReports(vs_pb.ListReportsRequest(page_size=1),
                               timeout=60)
    check([r.report_id for r in newest.reports] == [max(stored + added)],
          "an empty token lists from the newest report")

    # --- ListReports: tokens bound to their filters ------------------------
    filtered = vs_pb.ListReportsRequest(
        program=requests[0].program, verdict=results[0].report.verdict,
        page_size=1)
    set_date(filtered.from_date, "2026-11-01")
    set_date(filtered.to_date, "2026-11-30")
    # Enough reports match for a second page: the first application's, and
    # the same application verified again now (the same verdict).
    again = staff.Verify(vs_pb.VerifyRequest(request=requests[0]), timeout=60)
    check(again.report.verdict == results[0].report.verdict,
          "the same application, the same verdict")
    added.append(again.report.report_id)
    first = staff.ListReports(filtered, timeout=60)
    check(first.next_page_token, "a one-report page of a filtered listing "
          "has a next page")
    filtered.page_token = first.next_page_token
    staff.ListReports(filtered, timeout=60)  # the same filters: accepted

    others = []
    other = vs_pb.ListReportsRequest()
    other.CopyFrom(filtered)
    other.program = codes_pb.TEKUN if requests[0].program != codes_pb.TEKUN \
        else codes_pb.DIBAO
    others.append(("program", other))
    other = vs_pb.ListReportsRequest()
    other.CopyFrom(filtered)
    other.verdict = report_pb.NEEDS_REVIEW if filtered.verdict != \
        report_pb.NEEDS_REVIEW else report_pb.MEETS_CRITERIA
    others.append(("verdict", other))
    other = vs_pb.ListReportsRequest()
    other.CopyFrom(filtered)
    set_date(other.from_date, "2026-11-02")
    others.append(("from_date", other))
    other = vs_pb.ListReportsRequest()
    other.CopyFrom(filtered)
    other.ClearField("to_date")
    others.append(("to_date", other))
    other = vs_pb.ListReportsRequest()
    other.CopyFrom(filtered)
    other.person_id = requests[0].members[0].person_id
    others.append(("person_id", other))
    for field, request in others:
        message = refused(staff.ListReports, request,
                          "a ListReports token under another %s" % field,
                          modules, LIST_REPORTS)
        check("other filters" in message, message)
    # Same request, other visible counties: admin-1 sees every county,
    # dibao-system only 320581.
    for identity in ("admin-1", "dibao-system"):
        message = refused(reports_stub(identity).ListReports, filtered,
                          "staff-1's ListReports token brought by " + identity,
                          modules, LIST_REPORTS)
        check("other filters" in message, message)
    plain = vs_pb.ListReportsRequest(page_size=2)
    token = staff.ListReports(plain, timeout=60).next_page_token
    check(token, "a second page")
    for bad in garbled(token):
        plain.page_token = bad
        message = refused(staff.ListReports, plain,
                          "the garbled ListReports token %r" % bad, modules,
                          LIST_REPORTS)
        check("not a next_page_token" in message, message)
    print("ListReports: tokens refused under 5 other filters, 2 other "
          "callers' counties and %d garbled forms" % len(garbled(token)))

    # --- ListAudit: exact continuation while entries are appended ----------
    # Listed by admin-1, filtered on staff-1: the listing's own calls are
    # admin-1's and stay out of it.
    auditor = audit_grpc.AuditServiceStub(channel(server, "admin-1"))
    request = audit_pb.ListAuditRequest(caller="staff-1", page_size=5)
    sequences = []
    pages = 0
    appended = 0
    while True:
        page = auditor.ListAudit(request, timeout=60)
        pages += 1
        sequences += [e.sequence for e in page.entries]
        check(all(e.caller == "staff-1" for e in page.entries),
              "ListAudit lists staff-1's entries only")
        if not page.next_page_token:
            break
        if pages <= 3:
            # staff-1 calls again: appended after the walk's place.
            added.append(staff.Verify(
                vs_pb.VerifyRequest(request=requests[pages]),
                timeout=60).report.report_id)
            appended += 1
        request.page_size = 5 + pages % 4
        request.page_token = page.next_page_token
        check(pages < 1000, "ListAudit pages never end")
    check(sequences == sorted(set(sequences)),
          "the audit walk lists each entry once, in order")
    reference = auditor.ListAudit(
        audit_pb.ListAuditRequest(caller="staff-1", page_size=1000),
        timeout=60)
    check(not reference.next_page_token, "one page holds staff-1's entries")
    check(sequences == [e.sequence for e in reference.entries],
          "the walk and a single page list the same entries")
    # staff-1's calls so far: the batch's, each ListReports and Verify.
    check(len(sequences) >= appended and pages > 3,
          "the walk covered staff-1's calls: %d entries, %d pages"
          % (len(sequences), pages))
    print("ListAudit: %d pages listed %d entries exactly once, %d appended "
          "during the walk" % (pages, len(sequences), appended))

    # --- ListAudit: tokens bound to their filters --------------------------
    base = audit_pb.ListAuditRequest(caller="staff-1", page_size=2)
    token = auditor.ListAudit(base, timeout=60).next_page_token
    check(token, "a second audit page")
    base.page_token = token
    auditor.ListAudit(base, timeout=60)  # the same filters: accepted
    changes = [("caller", lambda r: setattr(r, "caller", "admin-1")),
               ("program", lambda r: setattr(r, "program", codes_pb.DIBAO)),
               ("from_unix_micros",
                lambda r: setattr(r, "from_unix_micros", 1)),
               ("to_unix_micros",
                lambda r: setattr(r, "to_unix_micros", 2**62)),
               ("person_id", lambda r: setattr(
                   r, "person_id", requests[0].members[0].person_id))]
    for field, change in changes:
        other = audit_pb.ListAuditRequest()
        other.CopyFrom(base)
        change(other)
        message = refused(auditor.ListAudit, other,
                          "a ListAudit token under another %s" % field,
                          modules, LIST_AUDIT)
        check("other filters" in message, message)
    report_token = staff.ListReports(vs_pb.ListReportsRequest(page_size=2),
                                     timeout=60).next_page_token
    bad_tokens = garbled(token) + [report_token]
    for bad in bad_tokens:
        other = audit_pb.ListAuditRequest()
        other.CopyFrom(base)
        other.page_token = bad
        message = refused(auditor.ListAudit, other,
                          "the garbled ListAudit token %r" % bad, modules,
                          LIST_AUDIT)
        check("not a next_page_token" in message, message)
    # And an audit token is no ListReports token.
    plain = vs_pb.ListReportsRequest(page_size=2, page_token=token)
    refused(staff.ListReports, plain, "an audit token to ListReports",
            modules, LIST_REPORTS)
    print("ListAudit: tokens refused under 5 other filters and %d garbled "
          "forms" % len(bad_tokens))

    # --- The CLI pages through both --------------------------------------
    _, out, _ = cli(server, "--output", "json", "report", "list",
                    "--page-size", "4", "--all", check_exit=0,
                    identity="staff-1")
    listed = [r["reportId"] if "reportId" in r else r["report_id"]
              for r in json.loads(out).get("reports", [])]
    check(listed == sorted(stored + added, reverse=True),
          "`hedui report list --all` lists every report once, newest first: "
          "%d of %d" % (len(listed), len(stored + added)))
    _, out, _ = cli(server, "--output", "json", "audit", "list", "--caller",
                    "staff-1", "--page-size", "6", "--all", check_exit=0,
                    identity="admin-1")
    entries = json.loads(out).get("entries", [])
    listed_sequences = [int(e["sequence"]) for e in entries]
    check(listed_sequences == sorted(set(listed_sequences))
          and set(sequences) <= set(listed_sequences),
          "`hedui audit list --all` lists staff-1's entries once, in order")
    code, _, err = cli(server, "report", "list", "--page-token",
                       "R000000000005", identity="staff-1")
    check(code != 0 and "page_token" in err,
          "the CLI refuses a made-up token naming page_token: %d %s"
          % (code, err))
    print("CLI: report list --all (%d reports) and audit list --all (%d "
          "entries) page through; a made-up token is refused"
          % (len(listed), len(listed_sequences)))

    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("page tokens test passed")


if __name__ == "__main__":
    main()
