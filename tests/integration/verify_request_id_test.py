#!/usr/bin/python3
"""Request ids of verifications end to end (issue 17 item 3, AIP-155): a real
heduid with mutual TLS (deploy/dev-ca.sh certificates; staff-1 verifies every
program in 320581 and 320582), a small synthetic county ingested, and every
application verified twice through VerifyBatch under the same request ids:
the second run answers the first run's reports byte for byte, and `hedui
stats` and GetStats count each household once (one report per application:
the county's number of applications, not twice that). Another request under
a used id is ALREADY_EXISTS naming request_id. Then a Verify acknowledged
right before a kill -9: after the restart its retry returns the same report,
still counted once, and the audit chain verifies. Expected counts come from
the county's applications, never from the server."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, cli, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
import grpc  # noqa: E402
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_REQUEST_ID_RESIDENTS", "20000"))
APPLICATIONS = int(os.environ.get("HEDUI_REQUEST_ID_APPLICATIONS", "400"))
ERROR_TRAILER = "hedui-error-bin"
# The county's verification dates are 2026-11-01 .. 11-10.
FROM, TO = "2026-11-01", "2026-11-30"


def fields_of(error, codes_pb):
    """The fields the hedui.v1.ErrorDetails trailer names."""
    raw = dict(error.trailing_metadata() or ()).get(ERROR_TRAILER)
    if raw is None:
        return []
    details = codes_pb.ErrorDetails.FromString(raw)
    return [v.field for v in details.field_violations]


def set_date(message, text):
    message.year, message.month, message.day = (int(x) for x in
                                                 text.split("-"))


def main():
    work = workdir("request-id")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    codes_pb = stubs["codes_pb2"]
    audit_pb = stubs["audit_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    ingest_county(server, county, manifest)

    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    requests = [to_request(a, v_pb) for a in apps]
    ids = ["county-run:" + a["application_id"] for a in apps]
    check(len(set(ids)) == len(ids), "one id per application")

    def staff():
        return stubs["verification_service_pb2_grpc"].VerificationServiceStub(
            channel(server, "staff-1"))

    def run(stub):
        results = list(stub.VerifyBatch(
            (vs_pb.VerifyRequest(request=r, request_id=i)
             for r, i in zip(requests, ids)), timeout=600))
        check(len(results) == len(requests), "one result per application")
        for n, result in enumerate(results):
            check(result.index == n, "results in order")
            check(result.code == 0, "%s: %d %s" % (
                apps[n]["application_id"], result.code, result.message))
        return [r.report.SerializeToString() for r in results]

    def households_cli():
        _, out, _ = cli(server, "--output", "json", "stats", "--from", FROM,
                        "--to", TO, check_exit=0, identity="staff-1")
        return int(json.loads(out).get("households", 0))

    def households_grpc(stub):
        request = vs_pb.GetStatsRequest()
        set_date(request.from_date, FROM)
        set_date(request.to_date, TO)
        return stub.GetStats(request, timeout=60).households

    verify = staff()
    first = run(verify)
    check(households_cli() == len(apps),
          "stats after one run: %d households for %d applications"
          % (households_cli(), len(apps)))
    print("first run: %d reports" % len(first))

    # The county run again under the same ids: the first reports, nothing
    # stored twice.
    second = run(verify)
    for n, (a, b) in enumerate(zip(first, second)):
        if a != b:
            fail("%s: the retry's report differs from the first"
                 % apps[n]["application_id"])
    check(households_cli() == len(apps),
          "`hedui stats` after the county's retry: %d households for %d "
          "applications" % (households_cli(), len(apps)))
    check(households_grpc(verify) == len(apps),
          "GetStats after the county's retry: %d households for %d "
          "applications" % (households_grpc(verify), len(apps)))
    print("second run: the same %d reports; stats count %d households"
          % (len(second), len(apps)))

    # Another request under a used id.
    try:
        verify.Verify(vs_pb.VerifyRequest(request=requests[1],
                                          request_id=ids[0]), timeout=60)
        fail("another request under a used id was answered")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.ALREADY_EXISTS,
              "another request under a used id: %s %s"
              % (e.code(), e.details()))
        check("request_id" in fields_of(e, codes_pb),
              "the refusal names request_id: %s" % e.details())
    try:
        verify.Verify(vs_pb.VerifyRequest(request=requests[0],
                                          request_id="no spaces"), timeout=60)
        fail("an id out of bounds was accepted")
    except grpc.RpcError as e:
        check(e.code() == grpc.StatusCode.INVALID_ARGUMENT
              and "request_id" in fields_of(e, codes_pb),
              "an id out of bounds: %s %s" % (e.code(), e.details()))

    # kill -9 right after an acknowledged Verify.
    last = vs_pb.VerifyRequest(request=requests[0], request_id="after-kill-9")
    acknowledged = verify.Verify(last, timeout=60).report
    check(acknowledged.report_id != "", "the report is stored")
    server.kill9()
    server.start()
    verify = staff()
    retried = verify.Verify(last, timeout=60).report
    check(retried.SerializeToString() == acknowledged.SerializeToString(),
          "after kill -9 the retry returns the acknowledged report: %s, %s"
          % (retried.report_id, acknowledged.report_id))
    stored = verify.GetReport(vs_pb.GetReportRequest(
        report_id=acknowledged.report_id), timeout=60)
    check(stored.SerializeToString() == acknowledged.SerializeToString(),
          "the stored report is the acknowledged one")
    check(households_grpc(verify) == len(apps) + 1,
          "the acknowledged call counted once: %d, wanted %d"
          % (households_grpc(verify), len(apps) + 1))
    again = run(verify)
    check(again == first, "the county's ids survived the restart too")
    check(households_cli() == len(apps) + 1, "still counted once")
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(
        channel(server, "staff-1"))
    checked = audit.VerifyAudit(audit_pb.VerifyAuditRequest(), timeout=60)
    check(checked.intact, "the audit chain verifies: %s" % checked.problem)
    print("after kill -9: the retry returned report %s; the chain verifies"
          % acknowledged.report_id)
    server.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("verify request id test passed")


if __name__ == "__main__":
    main()
