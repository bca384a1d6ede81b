#!/usr/bin/python3
"""The verification service end to end, from a client not written in C++:
Python with Debian's python3-grpcio, stubs generated at test time. A real
heduid with mutual TLS (deploy/dev-ca.sh certificates) is loaded with a
synthetic county (the default: 100,000 residents, 6,586 applications) through
AdminService.Ingest; every application is verified
through VerifyBatch and must reach its label's verdict; then each error code
is provoked on purpose, reports are fetched again byte-identical after a
restart, the audit chain verifies, and a broken policy sent with SIGHUP is
refused while the server keeps serving."""
import concurrent.futures
import hashlib
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, dev_certificates, fail,  # noqa: E402
                     generate_county, workdir)
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from grpc_python import (STATUS_DETAILS_TRAILER, channel,  # noqa: E402
                         check_standard_details, generate_stubs)

RESIDENTS = int(os.environ.get("HEDUI_SERVICE_RESIDENTS", "100000"))
APPLICATIONS = int(os.environ.get("HEDUI_SERVICE_APPLICATIONS", "6586"))


def date(text):
    y, m, d = (int(x) for x in text.split("-"))
    return {"year": y, "month": m, "day": d}


INCOME_FIELDS = [("WAGES", "wages_fen"), ("BUSINESS", "business_fen"),
                 ("PROPERTY", "property_fen"), ("TRANSFER", "transfer_fen"),
                 ("OTHER", "other_fen")]


def to_request(app, pb):
    """applications.jsonl (datagen) -> hedui.v1.VerificationRequest."""
    members = []
    for m in app["members"]:
        income = m["declared_monthly_income_fen"]
        members.append({
            "person_id": m["person_id"], "name": m["name"],
            "relation": m["relation"],
            # A category absent from the application was declared nothing,
            # which the request says by leaving the field unset (domain.md
            # §4: not the same as declaring 0).
            "declared_monthly_income": {
                field: income[key] for key, field in INCOME_FIELDS
                if key in income},
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
    rigid = app["rigid_spending_fen"]
    if app["program"] == "UNION_HARDSHIP":
        request["rigid_spending"] = {"medical_fen": rigid["medical"],
                                     "education_fen": rigid["education"]}
    return json_format.ParseDict(request, pb.VerificationRequest())


def ingest_all(admin, county, manifest, pb):
    for entry in manifest["departments"]:
        path = os.path.join(county, entry["file"])
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        digest = digest[:48] + entry["as_of"]

        def messages():
            header = pb.IngestHeader(department=entry["department"],
                                     batch_id=digest)
            y, m, d = (int(x) for x in entry["as_of"].split("-"))
            header.as_of.year, header.as_of.month, header.as_of.day = y, m, d
            yield pb.IngestRequest(header=header)
            with open(path, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        return
                    yield pb.IngestRequest(chunk=chunk)
        response = admin.Ingest(messages(), timeout=600)
        check(response.rows == entry["rows"],
              "%s: %d rows ingested, %d in the file"
              % (entry["department"], response.rows, entry["rows"]))


def expect_error(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except grpc.RpcError as e:
        check(e.code() == code, "wanted %s, got %s: %s"
              % (code, e.code(), e.details()))
        return e
    fail("wanted %s, the call succeeded" % code)


def check_nothing_personal(error, app):
    """No member's resident ID or name in the standard details' bytes."""
    raw = dict(error.trailing_metadata() or ()).get(STATUS_DETAILS_TRAILER, b"")
    for person in app["members"]:
        for key in ("person_id", "name"):
            value = person.get(key)
            if value:
                check(value.encode() not in raw,
                      "%s of a member unmasked in %s" % (key, STATUS_DETAILS_TRAILER))


def main():
    work = workdir("service")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    a_pb = stubs["admin_pb2"]
    audit_pb = stubs["audit_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    policy = os.path.join(work, "policy.textproto")
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", "..", "deploy",
                             "policy", "example.textproto"), policy)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls,
                    policy=policy).start()

    def stub(kind, identity):
        ch = channel(server, identity)
        return {"verify": stubs["verification_service_pb2_grpc"].VerificationServiceStub,
                "admin": stubs["admin_pb2_grpc"].AdminServiceStub,
                "audit": stubs["audit_pb2_grpc"].AuditServiceStub}[kind](ch)

    ingest_all(stub("admin", "admin-1"), county, manifest, a_pb)
    print("ingested %d departments" % len(manifest["departments"]))

    apps = [json.loads(line) for line in open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in open(os.path.join(county, manifest["labels_file"]))]
    requests = [to_request(a, v_pb) for a in apps]

    # The whole workload through one VerifyBatch stream (staff: every program
    # and both counties).
    staff = stub("verify", "staff-1")
    started = time.time()
    results = list(staff.VerifyBatch(
        (vs_pb.VerifyRequest(request=r) for r in requests), timeout=600))
    elapsed = time.time() - started
    check(len(results) == len(requests), "one result per request")
    confusion = {}
    reports = {}
    for i, (result, label) in enumerate(zip(results, labels)):
        check(result.index == i, "results in order")
        check(result.code == 0, "%s: %d %s" % (label["application_id"],
                                               result.code, result.message))
        verdict = r_pb.Verdict.Name(result.report.verdict)
        key = (label["verdict"], verdict)
        confusion[key] = confusion.get(key, 0) + 1
        reports[result.report.report_id] = result.report
    print("VerifyBatch: %d households in %.1f s" % (len(results), elapsed))
    print("labelled -> served verdict: %s" % sorted(confusion.items()))
    for (want, got), n in confusion.items():
        check(want == got, "%d applications labelled %s got %s" % (n, want, got))

    # Unary Verify by a program system for its own program and county.
    dibao = stub("verify", "dibao-system")
    own = next(i for i, a in enumerate(apps)
               if a["program"] == "DIBAO" and a["region_code"] == "320581")
    response = dibao.Verify(vs_pb.VerifyRequest(request=requests[own]), timeout=30)
    check(r_pb.Verdict.Name(response.report.verdict) == labels[own]["verdict"],
          "unary Verify reaches the label too")
    check(response.report.report_id, "the report is stored with an id")

    # Errors, each on purpose.
    # Each refusal also carries the standard google.rpc.Status with its
    # ErrorInfo reason (grpc-status-details-bin).
    verify_method = "/hedui.v1.VerificationService/Verify"
    other_program = next(i for i, a in enumerate(apps) if a["program"] == "TEKUN")
    e = expect_error(grpc.StatusCode.PERMISSION_DENIED, dibao.Verify,
                     vs_pb.VerifyRequest(request=requests[other_program]), timeout=30)
    check_standard_details(e, stubs, reason="PROGRAM_NOT_ALLOWED",
                           method=verify_method)
    check_nothing_personal(e, apps[other_program])
    other_county = next(i for i, a in enumerate(apps)
                        if a["program"] == "DIBAO" and a["region_code"] == "320582")
    e = expect_error(grpc.StatusCode.PERMISSION_DENIED, dibao.Verify,
                     vs_pb.VerifyRequest(request=requests[other_county]), timeout=30)
    check_standard_details(e, stubs, reason="COUNTY_NOT_ALLOWED",
                           method=verify_method)
    check_nothing_personal(e, apps[other_county])
    e = expect_error(grpc.StatusCode.UNAUTHENTICATED, stub("verify", None).Verify,
                     vs_pb.VerifyRequest(request=requests[own]), timeout=30)
    check_standard_details(e, stubs, reason="CALLER_NOT_AUTHENTICATED",
                           method=verify_method)
    e = expect_error(grpc.StatusCode.PERMISSION_DENIED,
                     stub("admin", "dibao-system").ListDepartments,
                     a_pb.ListDepartmentsRequest(), timeout=30)
    check_standard_details(e, stubs, reason="METHOD_NOT_ALLOWED",
                           method="/hedui.v1.AdminService/ListDepartments")
    e = expect_error(grpc.StatusCode.PERMISSION_DENIED,
                     stub("audit", "dibao-system").VerifyAudit,
                     audit_pb.VerifyAuditRequest(), timeout=30)
    check_standard_details(e, stubs, reason="METHOD_NOT_ALLOWED")
    no_consent = v_pb.VerificationRequest()
    no_consent.CopyFrom(requests[own])
    del no_consent.consent.signer_ids[:]
    e = expect_error(grpc.StatusCode.FAILED_PRECONDITION, dibao.Verify,
                     vs_pb.VerifyRequest(request=no_consent), timeout=30)
    check("consent" in e.details(), "the refusal names the consent: " + e.details())
    for person in apps[own]["members"]:
        check(person["person_id"] not in e.details(), "no raw ID in the refusal")
    d = check_standard_details(e, stubs, reason="CONSENT_NOT_COVERING",
                               method=verify_method)
    consent = d["PreconditionFailure"].violations
    check(len(consent) == 1 and consent[0].type == "CONSENT"
          and "consent" in consent[0].subject and consent[0].description,
          "PreconditionFailure names the consent: %s" % consent)
    check_nothing_personal(e, apps[own])
    bad = v_pb.VerificationRequest()
    bad.CopyFrom(requests[own])
    bad.members[0].person_id = "320581199001011234"  # wrong check character
    e = expect_error(grpc.StatusCode.INVALID_ARGUMENT, dibao.Verify,
                     vs_pb.VerifyRequest(request=bad), timeout=30)
    details = dict(e.trailing_metadata()).get("hedui-error-bin")
    check(details is not None, "INVALID_ARGUMENT carries hedui-error-bin details")
    parsed = stubs["codes_pb2"].ErrorDetails.FromString(details)
    check(any(v.field == "members[0].person_id" for v in parsed.field_violations),
          "the violation names the field: %s" % parsed)
    check("320581199001011234" not in e.details(), "the bad ID is masked")
    d = check_standard_details(e, stubs, reason="INVALID_REQUEST",
                               field="members[0].person_id",
                               method=verify_method)
    check(all(v.description for v in d["BadRequest"].field_violations),
          "every BadRequest violation says the problem: %s" % d["BadRequest"])
    check(int(d["ErrorInfo"].metadata["violations"]) >=
          len(d["BadRequest"].field_violations), "ErrorInfo counts the violations")
    raw = dict(e.trailing_metadata())[STATUS_DETAILS_TRAILER]
    check(b"320581199001011234" not in raw, "the bad ID is masked in the details")
    check_nothing_personal(e, apps[own])
    e = expect_error(grpc.StatusCode.NOT_FOUND, staff.GetReport,
                     vs_pb.GetReportRequest(report_id="R999999999999"), timeout=30)
    check_standard_details(e, stubs, reason="REPORT_NOT_FOUND")
    e = expect_error(grpc.StatusCode.DEADLINE_EXCEEDED, dibao.Verify,
                     vs_pb.VerifyRequest(request=requests[own]), timeout=0.000001)
    # The client's own timer usually ends this call before any answer: the
    # details are checked when the server's refusal arrived.
    if STATUS_DETAILS_TRAILER in dict(e.trailing_metadata() or ()):
        check_standard_details(e, stubs, reason="DEADLINE_EXHAUSTED")

    # One bad item in a batch fails alone.
    mixed = list(staff.VerifyBatch(iter([vs_pb.VerifyRequest(request=requests[0]),
                                         vs_pb.VerifyRequest(request=bad),
                                         vs_pb.VerifyRequest(request=requests[1])]),
                                   timeout=60))
    check([m.code for m in mixed] == [0, 3, 0], "batch item codes: %s"
          % [m.code for m in mixed])

    # Stored reports: listed, counted, and shown again unchanged.
    some_id = sorted(reports)[len(reports) // 2]
    fetched = staff.GetReport(vs_pb.GetReportRequest(report_id=some_id), timeout=30)
    check(fetched.SerializeToString() == reports[some_id].SerializeToString(),
          "GetReport returns the report as produced")
    listed = staff.ListReports(vs_pb.ListReportsRequest(page_size=10), timeout=30)
    check(len(listed.reports) == 10 and listed.next_page_token, "a page of reports")
    first_member = apps[own]["members"][0]["person_id"]
    by_person = staff.ListReports(vs_pb.ListReportsRequest(person_id=first_member), timeout=30)
    check(any(r.report_id == response.report.report_id for r in by_person.reports),
          "listed by member")
    stats = staff.GetStats(vs_pb.GetStatsRequest(
        from_date=stubs["codes_pb2"].Date(year=2026, month=11, day=1),
        to_date=stubs["codes_pb2"].Date(year=2026, month=11, day=30)), timeout=30)
    check(stats.households >= len(requests), "stats count the households: %d"
          % stats.households)

    # SIGHUP with a broken policy: refused, the old one stays, still serving.
    with open(policy, "a") as f:
        f.write("\nthis is not a policy\n")
    server.proc.send_signal(signal.SIGHUP)
    check(server.read_stderr_until("new policy refused", 30),
          "the broken policy is refused in the log")
    again = dibao.Verify(vs_pb.VerifyRequest(request=requests[own]), timeout=30)
    check(again.report.verdict == response.report.verdict, "still serving")

    # New feeds (TAX again, a day later), a new policy and a restart: the
    # report comes back byte-identical (stored, never recomputed); the chain
    # verifies.
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    newer = dict(tax, as_of="2026-11-02")
    ingest_all(stub("admin", "admin-1"), county,
               dict(manifest, departments=[newer]), a_pb)
    server.stop()
    text = open(os.path.join(os.path.dirname(__file__), "..", "..", "deploy",
                             "policy", "example.textproto")).read()
    check('version: "example-2026.2"' in text, "the example policy's version")
    with open(policy, "w") as f:
        f.write(text.replace('version: "example-2026.2"',
                             'version: "example-2026.3-test"'))
    server = Server(work, os.path.join(work, "data"), tls_dir=tls,
                    policy=policy).start()
    staff = stub("verify", "staff-1")
    audit = stub("audit", "admin-1")
    fetched = staff.GetReport(vs_pb.GetReportRequest(report_id=some_id), timeout=30)
    check(fetched.SerializeToString() == reports[some_id].SerializeToString(),
          "the report survives new feeds, a new policy and a restart "
          "byte-identical")
    check(fetched.policy.version == "example-2026.2", "the old report keeps "
          "the policy it was made with")
    fresh = staff.Verify(vs_pb.VerifyRequest(request=requests[own]), timeout=30)
    check(fresh.report.policy.version == "example-2026.3-test",
          "a new verification uses the new policy")
    tax_as_of = next(d.as_of for d in fresh.report.departments
                     if d.department == stubs["codes_pb2"].TAX)
    check((tax_as_of.month, tax_as_of.day) == (11, 2),
          "a new verification sees the new TAX snapshot")
    verdict = audit.VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=120)
    check(verdict.intact, "audit chain intact: %s" % verdict)
    check(verdict.entries >= len(requests) + 10, "every call audited: %d entries"
          % verdict.entries)
    refused = audit.ListAudit(audit_pb.ListAuditRequest(caller="(unauthenticated)"),
                              timeout=30)
    check(len(refused.entries) >= 1, "the unauthenticated call is audited")
    print("audit: %d entries, chain intact" % verdict.entries)

    server.stop()

    # Overload: with one call allowed in flight, concurrent calls are refused
    # with RESOURCE_EXHAUSTED at once, and the refusals are audited.
    server = Server(work, os.path.join(work, "data"), tls_dir=tls,
                    policy=policy, extra_args=["--max-in-flight", "1"]).start()
    staff = stub("verify", "staff-1")
    codes = []
    refusals = []

    def one(i):
        try:
            staff.Verify(vs_pb.VerifyRequest(request=requests[i]), timeout=60)
            return grpc.StatusCode.OK
        except grpc.RpcError as e:
            refusals.append(e)
            return e.code()
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(one, range(64)))
    overloaded = codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED)
    check(overloaded >= 1 and codes.count(grpc.StatusCode.OK) >= 1,
          "some calls refused for overload, some served: %s" % codes)
    check(set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED},
          "only OK and RESOURCE_EXHAUSTED: %s" % set(codes))
    for e in refusals:
        d = check_standard_details(e, stubs, reason="OVERLOADED",
                                   method="/hedui.v1.VerificationService/Verify")
        quota = d["QuotaFailure"].violations
        check(len(quota) == 1 and quota[0].subject == "server"
              and quota[0].description, "QuotaFailure names the cap: %s" % quota)
        check(d["ErrorInfo"].metadata.get("limit") == "1",
              "ErrorInfo names the limit: %s" % dict(d["ErrorInfo"].metadata))
        retry = d.get("RetryInfo")
        check(retry is not None and retry.retry_delay.ToMilliseconds() > 0,
              "an overload refusal offers a RetryInfo delay: %s" % retry)
    audit = stub("audit", "admin-1")
    logged, token = 0, ""
    while True:
        page = audit.ListAudit(audit_pb.ListAuditRequest(
            caller="staff-1", page_size=1000, page_token=token), timeout=60)
        logged += sum(1 for e in page.entries if e.code == 8)
        token = page.next_page_token
        if not token:
            break
    check(logged >= overloaded, "every overload refusal audited (%d of %d)"
          % (logged, overloaded))
    print("overload: %d of 64 refused with RESOURCE_EXHAUSTED, all audited"
          % overloaded)
    server.stop()

    # No raw resident ID or name in anything the server wrote: its log,
    # RocksDB's LOG files, the audit head file.
    written = [server.log_path, server.audit_heads] + [
        os.path.join(work, "data", f) for f in os.listdir(os.path.join(work, "data"))
        if f.startswith("LOG")]
    text = "".join(open(f, encoding="utf-8", errors="replace").read()
                   for f in written if os.path.exists(f))
    for app in apps:
        for m in app["members"]:
            check(m["person_id"] not in text, "raw ID in a file the server wrote")
            check(m["name"] not in text, "raw name in a file the server wrote")
    shutil.rmtree(work)
    print("service test passed")


if __name__ == "__main__":
    main()
