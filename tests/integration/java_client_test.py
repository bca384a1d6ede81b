#!/usr/bin/python3
"""The example Java client (client/java, issue 18) against a real heduid with
mutual TLS: built here with client/java/build.sh from Debian's jars and javac
only, it verifies households over mTLS and decodes the standard error details
(google.rpc.Status in grpc-status-details-bin) of refusals.

- A DIBAO household of 320581, verified by the county's program system
  (dibao-system) from Java, reaches the verdict its label gives, the same as
  the Python client's for the same request; sent again from Java under the
  request id the Python client used, the server answers the Python call's
  report (same report id): the JSON the Java client reads carries the
  request unchanged.
- A member's resident ID with a wrong check character: INVALID_ARGUMENT, the
  BadRequest violation naming members[0].person_id, ErrorInfo reason
  INVALID_REQUEST, and the bad ID nowhere in the output.
- A household of 320582 by dibao-system (allowed 320581 only, per
  deploy/dev-ca.sh's callers file): PERMISSION_DENIED, COUNTY_NOT_ALLOWED.
- No consent signer: FAILED_PRECONDITION with a PreconditionFailure.

Skipped (with a message, exit 0) only when javac is missing; CI installs
default-jdk-headless, so there it runs."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (SOURCE, Server, check, dev_certificates, fail,  # noqa: E402
                     generate_county, ingest_county, workdir)
from google.protobuf import json_format  # noqa: E402
from grpc_python import channel, generate_stubs  # noqa: E402
from service_test import to_request  # noqa: E402

RESIDENTS = int(os.environ.get("HEDUI_JAVA_RESIDENTS", "5000"))
APPLICATIONS = int(os.environ.get("HEDUI_JAVA_APPLICATIONS", "120"))
BAD_ID = "320581199001011234"  # wrong check character (GB 11643)


class JavaClient:
    """The client build.sh made, run as an integrator would: its launcher."""

    def __init__(self, out_dir, tls_dir, port, work):
        self.launcher = os.path.join(out_dir, "hedui-example")
        self.tls = tls_dir
        self.port = port
        self.work = work
        self.count = 0

    def verify(self, identity, request, request_id=None):
        """Runs one Verify; returns (exit code, stdout lines, stderr)."""
        self.count += 1
        path = os.path.join(self.work, "household-%d.json" % self.count)
        with open(path, "w") as f:
            f.write(json_format.MessageToJson(request))
        args = [self.launcher, "--server", "localhost:%d" % self.port,
                "--ca", os.path.join(self.tls, "ca.crt"),
                "--cert", os.path.join(self.tls, identity + ".crt"),
                "--key", os.path.join(self.tls, identity + ".key"),
                "--timeout-seconds", "60"]
        if request_id is not None:
            args += ["--request-id", request_id]
        proc = subprocess.run(args + [path], capture_output=True, timeout=120)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        return proc.returncode, out.splitlines(), out, err


def value(lines, key):
    """The value of the first `key: value` line, or None."""
    for line in lines:
        if line.startswith(key + ": "):
            return line[len(key) + 2:]
    return None


def main():
    if shutil.which("javac") is None:
        print("SKIP: javac not found; the Java client needs Debian's "
              "default-jdk-headless (deploy/install-deps.sh). Nothing was "
              "tested.")
        return
    work = workdir("java-client")
    tls = dev_certificates(os.path.join(work, "tls"))

    # javac takes the longest: it builds while the county is made and
    # ingested.
    java_out = os.path.join(work, "java")
    build_log = open(os.path.join(work, "java-build.log"), "wb")
    build_started = time.time()
    build = subprocess.Popen(
        [os.path.join(SOURCE, "client", "java", "build.sh"), java_out],
        stdout=build_log, stderr=subprocess.STDOUT)

    stubs = generate_stubs(os.path.join(work, "stubs"))
    vs_pb = stubs["verification_service_pb2"]
    v_pb = stubs["verification_pb2"]
    r_pb = stubs["report_pb2"]
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS, applications=APPLICATIONS)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    ingest_county(server, county, manifest)
    apps = [json.loads(line) for line in
            open(os.path.join(county, manifest["applications_file"]))]
    labels = [json.loads(line) for line in
              open(os.path.join(county, manifest["labels_file"]))]

    try:
        build.wait(timeout=600)
    except subprocess.TimeoutExpired:
        build.kill()
        fail("client/java/build.sh took over 600 s")
    build_log.close()
    log = open(build_log.name, encoding="utf-8", errors="replace").read()
    check(build.returncode == 0,
          "client/java/build.sh exited %d:\n%s" % (build.returncode, log))
    print("client/java/build.sh: %.1f s (in parallel with the county)"
          % (time.time() - build_started))
    java = JavaClient(java_out, tls, server.port, work)

    def first(program, region):
        for i, a in enumerate(apps):
            if a["program"] == program and a["region_code"] == region:
                return i
        fail("the county has no %s application in %s" % (program, region))

    own = first("DIBAO", "320581")
    other_county = first("DIBAO", "320582")
    request = to_request(apps[own], v_pb)

    # The same household from Python, then from Java.
    python_stub = stubs["verification_service_pb2_grpc"].VerificationServiceStub(
        channel(server, "dibao-system"))
    py = python_stub.Verify(vs_pb.VerifyRequest(request=request,
                                                request_id="python-1"),
                            timeout=60).report
    py_verdict = r_pb.Verdict.Name(py.verdict)
    check(py_verdict == labels[own]["verdict"],
          "Python: %s, labelled %s" % (py_verdict, labels[own]["verdict"]))

    started = time.time()
    code, lines, out, err = java.verify("dibao-system", request,
                                        request_id="java-1")
    elapsed = time.time() - started
    check(code == 0, "Java Verify exited %d\nstdout: %s\nstderr: %s"
          % (code, out, err))
    check(value(lines, "verdict") == py_verdict,
          "Java: verdict %s, Python %s (labelled %s)"
          % (value(lines, "verdict"), py_verdict, labels[own]["verdict"]))
    report_id = value(lines, "report_id")
    check(report_id and report_id != py.report_id,
          "Java's own report is stored under a new id: %r (Python's %s)"
          % (report_id, py.report_id))
    print("Java Verify over mTLS: %s, report %s (%.1f s with the JVM's start)"
          % (value(lines, "verdict"), report_id, elapsed))

    code, lines, out, err = java.verify("dibao-system", request,
                                        request_id="python-1")
    check(code == 0, "Java retry of python-1 exited %d\nstdout: %s\nstderr: %s"
          % (code, out, err))
    check(value(lines, "report_id") == py.report_id,
          "the same request under the Python call's id answers its report "
          "%s, not %s (the request read from JSON differs from the one sent)"
          % (py.report_id, value(lines, "report_id")))

    # A resident ID with a wrong check character.
    bad = v_pb.VerificationRequest()
    bad.CopyFrom(request)
    bad.members[0].person_id = BAD_ID
    code, lines, out, err = java.verify("dibao-system", bad)
    check(code == 1, "bad ID: exit %d, wanted 1\nstdout: %s\nstderr: %s"
          % (code, out, err))
    check(value(lines, "status") == "INVALID_ARGUMENT",
          "bad ID: %s" % out)
    violations = [line for line in lines
                  if line.startswith("field_violation: members[0].person_id:")]
    check(violations and len(violations[0]) > len(
        "field_violation: members[0].person_id: "),
        "the BadRequest violation names members[0].person_id and says why: %s"
        % out)
    check("error_info: reason=INVALID_REQUEST domain=hedui" in lines,
          "ErrorInfo INVALID_REQUEST: %s" % out)
    check(BAD_ID not in out and BAD_ID not in err,
          "the bad ID is masked in what the client got: %s" % out)
    for person in apps[own]["members"]:
        check(person["person_id"] not in out and person["name"] not in out,
              "no member's ID or name in the refusal: %s" % out)
    print("Java, a bad resident ID: INVALID_ARGUMENT, %s" % violations[0])

    # dibao-system may verify in 320581 only.
    other = to_request(apps[other_county], v_pb)
    code, lines, out, err = java.verify("dibao-system", other)
    check(code == 1 and value(lines, "status") == "PERMISSION_DENIED",
          "another county: exit %d\nstdout: %s\nstderr: %s" % (code, out, err))
    check("error_info: reason=COUNTY_NOT_ALLOWED domain=hedui" in lines,
          "ErrorInfo COUNTY_NOT_ALLOWED: %s" % out)
    print("Java, a county not allowed: PERMISSION_DENIED, COUNTY_NOT_ALLOWED")

    # No signer: the consent covers nobody.
    no_consent = v_pb.VerificationRequest()
    no_consent.CopyFrom(request)
    del no_consent.consent.signer_ids[:]
    code, lines, out, err = java.verify("dibao-system", no_consent)
    check(code == 1 and value(lines, "status") == "FAILED_PRECONDITION",
          "no signer: exit %d\nstdout: %s\nstderr: %s" % (code, out, err))
    check(any(line.startswith("precondition_violation: CONSENT ")
              for line in lines), "PreconditionFailure CONSENT: %s" % out)
    check("error_info: reason=CONSENT_NOT_COVERING domain=hedui" in lines,
          "ErrorInfo CONSENT_NOT_COVERING: %s" % out)
    print("Java, no consent signer: FAILED_PRECONDITION, CONSENT_NOT_COVERING")

    server.stop()
    print("OK")


if __name__ == "__main__":
    main()
