#!/usr/bin/python3
"""A rule stated once holds everywhere: every method heduid serves, found
through server reflection, is refused to a client without a certificate
(UNAUTHENTICATED) and to a caller without the role (PERMISSION_DENIED),
validates its input (INVALID_ARGUMENT naming the problem), and is audited,
allowed or refused, with the caller and the outcome; each VerifyBatch item
has its own entry. Every refusal carries the standard google.rpc.Status in
grpc-status-details-bin: ErrorInfo (domain hedui, the reason, the method),
and BadRequest naming a field for INVALID_ARGUMENT."""
import importlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, check, dev_certificates, fail,  # noqa: E402
                     generate_county, workdir)
import grpc  # noqa: E402
from grpc_python import (channel, check_standard_details,  # noqa: E402
                         generate_stubs)

HEDUI_SERVICES = ("hedui.v1.VerificationService", "hedui.v1.AuditService",
                  "hedui.v1.AdminService", "hedui.v1.RetentionService",
                  "hedui.v1.RollService", "hedui.v1.ChangeService")


def reflection_stubs(out_dir):
    """Stubs of grpc.reflection.v1alpha from Debian's grpc-proto package,
    generated under another path: a module path starting with `grpc` would
    be taken for grpcio's own package."""
    import importlib
    import shutil as sh
    src = os.path.join(out_dir, "src", "hedui_reflection")
    os.makedirs(src, exist_ok=True)
    sh.copy("/usr/share/grpc-proto/grpc/reflection/v1alpha/reflection.proto",
            os.path.join(src, "reflection.proto"))
    subprocess.run(["protoc", "-I", os.path.join(out_dir, "src"),
                    "--python_out", out_dir, "--grpc_python_out", out_dir,
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                    "hedui_reflection/reflection.proto"], check=True)
    open(os.path.join(out_dir, "hedui_reflection", "__init__.py"), "a").close()
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    return {name: importlib.import_module("hedui_reflection." + name)
            for name in ("reflection_pb2", "reflection_pb2_grpc")}


def served_methods(server, refl):
    """Full method names of the Hedui services, as reflection lists them."""
    from google.protobuf import descriptor_pb2
    stub = refl["reflection_pb2_grpc"].ServerReflectionStub(channel(server, None))
    pb = refl["reflection_pb2"]
    answers = list(stub.ServerReflectionInfo(iter(
        [pb.ServerReflectionRequest(list_services="")]), timeout=30))
    services = [s.name for s in answers[0].list_services_response.service]
    check("grpc.health.v1.Health" in services, "health is listed: %s" % services)
    methods = []
    for name in services:
        if name not in HEDUI_SERVICES:
            continue
        reply = list(stub.ServerReflectionInfo(iter(
            [pb.ServerReflectionRequest(file_containing_symbol=name)]),
            timeout=30))[0]
        for raw in reply.file_descriptor_response.file_descriptor_proto:
            f = descriptor_pb2.FileDescriptorProto.FromString(raw)
            for svc in f.service:
                if "%s.%s" % (f.package, svc.name) != name:
                    continue
                for m in svc.method:
                    methods.append(("/%s/%s" % (name, m.name),
                                    m.client_streaming, m.server_streaming))
    return methods


def call(ch, method, payload, client_streaming, server_streaming,
         errors=None):
    """Calls `method` with serialized `payload` (a list for a stream);
    returns the status code, and appends the refusal to `errors`."""
    ident = lambda b: b  # noqa: E731
    try:
        if client_streaming and server_streaming:
            list(ch.stream_stream(method, ident, ident)(iter(payload), timeout=30))
        elif client_streaming:
            ch.stream_unary(method, ident, ident)(iter(payload), timeout=30)
        elif server_streaming:
            list(ch.unary_stream(method, ident, ident)(payload, timeout=30))
        else:
            ch.unary_unary(method, ident, ident)(payload, timeout=30)
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        if errors is not None:
            errors.append(e)
        return e.code()


def main():
    work = workdir("every-method")
    tls = dev_certificates(os.path.join(work, "tls"))
    stubs = generate_stubs(os.path.join(work, "stubs"))
    refl = reflection_stubs(os.path.join(work, "stubs"))
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    methods = served_methods(server, refl)
    names = sorted(m[0] for m in methods)
    print("reflection lists %d Hedui methods: %s" % (len(names), names))
    check(len(names) == 32,
          "32 methods (5 verification, 3 audit, 11 admin, 1 retention, "
          "7 roll, 5 change): %s" % names)

    vs = stubs["verification_service_pb2"]
    au = stubs["audit_pb2"]
    ad = stubs["admin_pb2"]
    ro = importlib.import_module("hedui.v1.roll_service_pb2")
    ch = importlib.import_module("hedui.v1.change_service_pb2")
    bad_request = stubs["verification_pb2"].VerificationRequest(
        program=1, region_code="320581", purpose="t")
    bad_request.members.add(person_id="320581199001011234", name="x", relation=1)
    # An input each method must refuse as invalid, and the role check's
    # caller: one without the method's role.
    invalid = {
        "Verify": [vs.VerifyRequest(request=bad_request).SerializeToString()],
        "VerifyBatch": [vs.VerifyRequest(request=bad_request).SerializeToString()],
        "GetReport": [vs.GetReportRequest(report_id="not an id").SerializeToString()],
        "ListReports": [vs.ListReportsRequest(page_size=-1).SerializeToString()],
        "GetStats": [vs.GetStatsRequest().SerializeToString()],
        "ListAudit": [au.ListAuditRequest(page_token="garbage").SerializeToString()],
        "ExportAudit": [au.ExportAuditRequest(
            from_unix_micros=2, to_unix_micros=1).SerializeToString()],
        # Purge's only input is a flag.
        "Purge": None,
        # VerifyAudit and ListDepartments take no input to validate.
        "VerifyAudit": None,
        "ListDepartments": None,
        "Ingest": [ad.IngestRequest(chunk=b"no header first").SerializeToString()],
        # Checked before the missing backup_dir is.
        "VerifyBackup": [ad.VerifyBackupRequest(backup_id=0).SerializeToString()],
        "PruneBackups": [ad.PruneBackupsRequest(keep_last=0).SerializeToString()],
        # CreateBackup and ListBackups take no input to validate.
        "CreateBackup": None,
        "ListBackups": None,
        "GetServerStatus": None,
        # Held feeds (domain.md §10.1): ListHeldFeeds takes no input; a
        # confirmation or discard names the department and the batch id.
        "ListHeldFeeds": None,
        "ConfirmHeldFeed": [ad.ConfirmHeldFeedRequest().SerializeToString()],
        # Several held files as one: 1 to 13, one per department.
        "ConfirmHeldFeeds": [ad.ConfirmHeldFeedsRequest(feeds=[
            ad.ConfirmHeldFeedRequest(department=6, batch_id="a"),
            ad.ConfirmHeldFeedRequest(department=6, batch_id="b")])
            .SerializeToString()],
        "DiscardHeldFeed": [ad.DiscardHeldFeedRequest(
            department=6, batch_id="has space").SerializeToString()],
        # Rolls: every field bounded before any work, whoever calls.
        "Enroll": [ro.EnrollRequest(request_id="has space", program=4,
                                    region_code="32058",
                                    report_id="R1").SerializeToString()],
        "Withdraw": [ro.WithdrawRequest(
            request_id="w", entry_id="E1",
            reason=ro.RollEntry.REPLACED).SerializeToString()],
        "AttachConsent": [ro.AttachConsentRequest(
            request_id="c", entry_id="E000000000001").SerializeToString()],
        "GetRollEntry": [ro.GetRollEntryRequest(
            entry_id="not an id").SerializeToString()],
        "ListRoll": [ro.ListRollRequest(program=5, page_size=-1)
                     .SerializeToString()],
        # One entry (a malformed id) under a malformed request id.
        "Reverify": [ro.ReverifyRequest(request_id="has space",
                                        entry_id="E1").SerializeToString()],
        # The program is required; at most 366 days ahead.
        "ListReviewsDue": [ro.ListReviewsDueRequest(
            within_days=400, page_size=-1).SerializeToString()],
        # Change events: the same bounds, whoever calls.
        "ListChanges": [ch.ListChangesRequest(
            region_code="32058", entry_id="E1").SerializeToString()],
        "WatchChanges": [ch.WatchChangesRequest(region_code="1")
                         .SerializeToString()],
        "GetChange": [ch.GetChangeRequest(number=0).SerializeToString()],
        "ResolveChange": [ch.ResolveChangeRequest(
            request_id="r", number=0, outcome=ch.Resolution.CONFIRMED,
            caseworker="x").SerializeToString()],
        "GetChangeStats": [ch.GetChangeStatsRequest(
            region_code="abc").SerializeToString()],
    }
    without_role = {"GetStats": "dibao-system", "ListAudit": "dibao-system",
                    "VerifyAudit": "dibao-system", "Ingest": "staff-1",
                    "ListDepartments": "dibao-system",
                    "ExportAudit": "dibao-system", "Purge": "staff-1",
                    "CreateBackup": "staff-1", "ListBackups": "staff-1",
                    "VerifyBackup": "staff-1", "PruneBackups": "staff-1",
                    "GetServerStatus": "dibao-system",
                    "ListHeldFeeds": "dibao-system",
                    "ConfirmHeldFeed": "staff-1", "ConfirmHeldFeeds": "staff-1",
                    "DiscardHeldFeed": "staff-1"}
    audit = stubs["audit_pb2_grpc"].AuditServiceStub(channel(server, "admin-1"))

    def entries():
        out, token = [], ""
        while True:
            page = audit.ListAudit(au.ListAuditRequest(page_size=1000,
                                                       page_token=token), timeout=30)
            out += list(page.entries)
            token = page.next_page_token
            if not token:
                return out

    for method, cs, ss in methods:
        short = method.rsplit("/", 1)[1]
        payload = invalid.get(short) or [b""]
        one = payload if cs else payload[0]
        before = len(entries())
        # No client certificate.
        errors = []
        code = call(channel(server, None), method, one, cs, ss, errors)
        check(code == grpc.StatusCode.UNAUTHENTICATED,
              "%s without a certificate: %s" % (method, code))
        check_standard_details(errors[-1], stubs,
                               reason="CALLER_NOT_AUTHENTICATED", method=method)
        expected = [("(unauthenticated)", 16)]
        if short in without_role:
            code = call(channel(server, without_role[short]), method, one, cs,
                        ss, errors)
            check(code == grpc.StatusCode.PERMISSION_DENIED,
                  "%s as %s: %s" % (method, without_role[short], code))
            check_standard_details(errors[-1], stubs,
                                   reason="METHOD_NOT_ALLOWED", method=method)
            expected.append((without_role[short], 7))
        if invalid.get(short) is not None:
            code = call(channel(server, "admin-1"), method, one, cs, ss,
                        errors)
            if ss and cs:  # VerifyBatch: the item fails, the stream is OK
                check(code == grpc.StatusCode.OK, "%s stream: %s" % (method, code))
                expected += [("admin-1", 3), ("admin-1", 0)]
            else:
                check(code == grpc.StatusCode.INVALID_ARGUMENT,
                      "%s with invalid input: %s" % (method, code))
                details = check_standard_details(errors[-1], stubs,
                                                 method=method)
                violations = details["BadRequest"].field_violations
                check(len(violations) >= 1 and all(
                    v.description for v in violations),
                      "%s: BadRequest has a problem per field: %s"
                      % (method, violations))
                print("  %s refused: %s" % (short, "; ".join(
                    "%s: %s" % (v.field, v.description) for v in violations)))
                expected.append(("admin-1", 3))
        new = entries()[before:]
        # ListAudit calls above are audited too; look at this method's only.
        mine = [(e.caller, e.code) for e in new if e.method == method]
        for want in expected:
            if want not in mine:
                fail("%s: no audit entry %s among %s" % (method, want, mine))
        if ss and cs:
            items = [e for e in new if e.method == method and e.batch_index >= 0]
            check(any(e.batch_index == 0 and e.code == 3 for e in items),
                  "VerifyBatch item 0 audited with its own code: %s" % items)
        print("%-45s unauthenticated, role, validation: refused and audited"
              % method)
    server.stop()
    print("every method test passed")


if __name__ == "__main__":
    main()
