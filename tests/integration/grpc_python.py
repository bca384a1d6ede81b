"""Python stubs of Hedui's API, generated at test time with Debian's protoc
and grpc_python_plugin (nothing generated is checked in), and mTLS channels
from deploy/dev-ca.sh certificates."""
import glob
import importlib
import os
import subprocess
import sys

import grpc

from harness import SOURCE, fail


def generate_stubs(out_dir):
    """Generates hedui/v1/*_pb2(_grpc).py under out_dir and imports them."""
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
    return modules


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
