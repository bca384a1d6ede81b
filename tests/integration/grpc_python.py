"""Python stubs of Hedui's API, generated at test time with Debian's protoc
and grpc_python_plugin (nothing generated is checked in), and mTLS channels
from deploy/dev-ca.sh certificates."""
import glob
import importlib
import os
import subprocess
import sys

import grpc

from harness import SOURCE, check, fail

# Debian's plain copies of google/rpc/*.proto (golang-github-gogo-googleapis-dev):
# Debian has no python3-grpcio-status, so the standard error details are
# decoded with modules generated here.
GOOGLE_RPC_DIR = "/usr/share/gocode/src/github.com/gogo/googleapis"
STATUS_DETAILS_TRAILER = "grpc-status-details-bin"


def generate_stubs(out_dir):
    """Generates hedui/v1/*_pb2(_grpc).py and google/rpc/{status,
    error_details}_pb2.py under out_dir and imports them."""
    proto_root = os.path.join(SOURCE, "proto")
    protos = sorted(
        os.path.relpath(p, proto_root)
        for p in glob.glob(os.path.join(proto_root, "hedui", "**", "*.proto"),
                           recursive=True))
    os.makedirs(out_dir, exist_ok=True)
    proc = subprocess.run(
        ["protoc", "-I", proto_root, "--python_out", out_dir,
         "--grpc_python_out", out_dir,
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"]
        + protos, capture_output=True)
    if proc.returncode != 0:
        fail("protoc failed: %s" % proc.stderr.decode())
    # google.protobuf's any and duration come with python3-protobuf; `google`
    # is a namespace package there, so out_dir/google/rpc joins it (no
    # __init__.py may be written in out_dir/google).
    proc = subprocess.run(
        ["protoc", "-I", GOOGLE_RPC_DIR, "--python_out", out_dir,
         "google/rpc/status.proto", "google/rpc/error_details.proto"],
        capture_output=True)
    if proc.returncode != 0:
        fail("protoc failed on google/rpc: %s" % proc.stderr.decode())
    for package in ("hedui", "hedui/v1", "hedui/store", "hedui/store/v1",
                    "hedui/policy", "hedui/policy/v1", "hedui/config",
                    "hedui/config/v1"):
        path = os.path.join(out_dir, package)
        if os.path.isdir(path):
            open(os.path.join(path, "__init__.py"), "a").close()
    sys.path.insert(0, out_dir)
    modules = {}
    for name in ("codes_pb2", "verification_pb2", "report_pb2",
                 "verification_service_pb2", "verification_service_pb2_grpc",
                 "audit_pb2", "audit_pb2_grpc", "admin_pb2", "admin_pb2_grpc"):
        modules[name] = importlib.import_module("hedui.v1." + name)
    for name in ("status_pb2", "error_details_pb2"):
        modules[name] = importlib.import_module("google.rpc." + name)
    return modules


def rpc_status(error, modules):
    """The google.rpc.Status a refusal carries in grpc-status-details-bin,
    and its details by type name ("BadRequest", "ErrorInfo", ...). Fails
    when the trailer is missing, does not decode or disagrees with the
    call's own code and message."""
    raw = dict(error.trailing_metadata() or ()).get(STATUS_DETAILS_TRAILER)
    check(raw is not None, "%s without %s: %s" % (
        error.code(), STATUS_DETAILS_TRAILER, error.details()))
    status = modules["status_pb2"].Status.FromString(raw)
    check(status.code == error.code().value[0],
          "%s: google.rpc.Status code %d" % (error.code(), status.code))
    check(status.message == (error.details() or ""),
          "google.rpc.Status message %r, the call's %r"
          % (status.message, error.details()))
    ed = modules["error_details_pb2"]
    details = {}
    for any_detail in status.details:
        for name in ("BadRequest", "PreconditionFailure", "ErrorInfo",
                     "QuotaFailure", "RetryInfo", "ResourceInfo"):
            message = getattr(ed, name)()
            if any_detail.Is(message.DESCRIPTOR):
                any_detail.Unpack(message)
                details[name] = message
    check("ErrorInfo" in details, "%s without ErrorInfo: %s"
          % (error.code(), status))
    info = details["ErrorInfo"]
    check(info.domain == "hedui" and info.reason,
          "ErrorInfo names domain hedui and a reason: %s" % info)
    return status, details


def check_standard_details(error, modules, reason=None, field=None,
                           method=None):
    """The refusal's standard details fit its code: INVALID_ARGUMENT a
    BadRequest (naming `field`, when given, in a violation's field path),
    FAILED_PRECONDITION a PreconditionFailure, RESOURCE_EXHAUSTED a
    QuotaFailure; ErrorInfo always, with `reason` and `method` when given.
    Returns the details by type name."""
    status, details = rpc_status(error, modules)
    code = error.code()
    wanted = {grpc.StatusCode.INVALID_ARGUMENT: "BadRequest",
              grpc.StatusCode.FAILED_PRECONDITION: "PreconditionFailure",
              grpc.StatusCode.RESOURCE_EXHAUSTED: "QuotaFailure"}.get(code)
    if wanted is not None:
        check(wanted in details, "%s without %s: %s" % (code, wanted, status))
    info = details["ErrorInfo"]
    if reason is not None:
        check(info.reason == reason, "%s: ErrorInfo reason %s, wanted %s"
              % (code, info.reason, reason))
    if method is not None:
        check(info.metadata.get("method") == method,
              "ErrorInfo metadata names the method %s: %s"
              % (method, dict(info.metadata)))
    if field is not None:
        fields = [v.field for v in details["BadRequest"].field_violations]
        check(any(field in f for f in fields),
              "BadRequest names %s: %s" % (field, fields))
    return details


def channel(server, identity):
    """A channel to `server`: mutual TLS as `identity` (a dev-ca.sh client
    name), TLS without a client certificate for None, plaintext for an
    insecure server."""
    if server.tls_dir is None:
        return grpc.insecure_channel(server.address)
    read = lambda name: open(os.path.join(server.tls_dir, name), "rb").read()
    if identity is None:
        creds = grpc.ssl_channel_credentials(root_certificates=read("ca.crt"))
    else:
        creds = grpc.ssl_channel_credentials(
            root_certificates=read("ca.crt"),
            private_key=read(identity + ".key"),
            certificate_chain=read(identity + ".crt"))
    return grpc.secure_channel("localhost:%d" % server.port, creds)
