"""Shared helpers for Hedui's integration tests: real processes, real ports.

The tests run Debian's /usr/bin/python3 with the standard library only; the
binaries come from HEDUI_BUILD_DIR (set by CTest).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("HEDUI_BUILD_DIR", "build/release")
HEDUID = os.path.join(BUILD, "server", "heduid")
HEDUI = os.path.join(BUILD, "client", "hedui")
DATAGEN = os.path.join(BUILD, "tests", "datagen", "hedui-datagen")
SOURCE = os.environ.get(
    "HEDUI_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


POLICY = os.path.join(SOURCE, "deploy", "policy", "example.textproto")


def wait_for(condition, what, timeout=60, interval=0.2):
    """The first truthy value of condition(), polled every `interval`
    seconds; fails naming `what` after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    fail("timed out waiting for %s" % what)


def dev_certificates(directory):
    """Development CA, server and client certificates (deploy/dev-ca.sh)."""
    if not os.path.exists(os.path.join(directory, "ca.crt")):
        subprocess.run([os.path.join(SOURCE, "deploy", "dev-ca.sh"), directory],
                       check=True, capture_output=True)
    return directory


# The server's today in the tests (heduid --test-today): the county's
# verification dates (2026-11-01 .. 11-10) are all within the backdating limit.
TEST_TODAY = "2026-11-30"

class Server:
    """One heduid process on a loopback port chosen by the kernel.

    Insecure (plaintext, every caller an administrator) unless `tls_dir`
    names a directory of deploy/dev-ca.sh certificates: then mutual TLS with
    its callers file. The audit key and head file live in `workdir`, outside
    the data directory."""

    def __init__(self, workdir, data_dir, extra_args=(), tls_dir=None,
                 policy=None, hold_feeds=False):
        self.workdir = workdir
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        # The feed hold (domain §10.1) is heduid's default; tests whose
        # files change many enrolled households would see them held, so
        # only the tests of the hold keep it (hold_feeds=True or their own
        # --feed-hold-share).
        if not hold_feeds and not any(a.startswith("--feed-hold-share")
                                      for a in self.extra_args):
            self.extra_args += ["--feed-hold-share", "1"]
        # The synthetic county's applications are dated November 2026 and
        # the server refuses dates after its today or over 30 days before.
        self.today = TEST_TODAY
        self.tls_dir = tls_dir
        self.policy = policy or POLICY
        self.proc = None
        self.port = None
        self.log_path = os.path.join(workdir, "heduid.stderr.log")
        self.audit_key = os.path.join(workdir, "audit.key")
        self.audit_heads = os.path.join(workdir, "audit-heads.log")
        if not os.path.exists(self.audit_key):
            with open(self.audit_key, "wb") as f:
                f.write(os.urandom(32))
            os.chmod(self.audit_key, 0o600)

    def security_args(self):
        if self.tls_dir is None:
            return ["--insecure"]
        d = self.tls_dir
        return ["--tls-cert", os.path.join(d, "server.crt"),
                "--tls-key", os.path.join(d, "server.key"),
                "--tls-ca", os.path.join(d, "ca.crt"),
                "--callers", os.path.join(d, "callers.textproto")]

    def start(self, timeout=60):
        port_file = os.path.join(self.workdir, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [HEDUID, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
             "--port-file", port_file, "--policy", self.policy,
             "--audit-key-file", self.audit_key,
             "--audit-head-file", self.audit_heads,
             "--test-today", self.today]
            + self.security_args() + self.extra_args,
            stdout=self.log, stderr=self.log)
        self.log_start = os.path.getsize(self.log_path)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("heduid exited early with %d; see %s"
                     % (self.proc.returncode, self.log_path))
            if os.path.exists(port_file):
                text = open(port_file).read().strip()
                if text:
                    self.port = int(text)
                    return self
            time.sleep(0.05)
        fail("heduid did not start within %d s" % timeout)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def read_stderr_until(self, needle, timeout):
        """Waits until this run of the server logs a line with `needle`."""
        deadline = time.time() + timeout
        with open(self.log_path, "rb") as f:
            f.seek(self.log_start)
            buffer = b""
            while time.time() < deadline:
                chunk = f.read()
                if chunk:
                    buffer += chunk
                    if needle.encode() in buffer:
                        return True
                elif self.proc.poll() is not None:
                    return False
                time.sleep(0.005)
        return False

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("heduid did not stop within %d s of SIGTERM" % timeout)
        self.log.close()
        check(self.proc.returncode == 0,
              "heduid exited with %d after SIGTERM" % self.proc.returncode)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()


def cli_env(server, identity="admin-1"):
    """The CLI's environment: plaintext, or the client certificate of
    `identity` (None: TLS without a client certificate)."""
    env = dict(os.environ)
    for name in ("HEDUI_INSECURE", "HEDUI_CA", "HEDUI_CERT", "HEDUI_KEY"):
        env.pop(name, None)
    if server.tls_dir is None:
        env["HEDUI_INSECURE"] = "1"
        return env
    env["HEDUI_CA"] = os.path.join(server.tls_dir, "ca.crt")
    if identity is not None:
        env["HEDUI_CERT"] = os.path.join(server.tls_dir, identity + ".crt")
        env["HEDUI_KEY"] = os.path.join(server.tls_dir, identity + ".key")
    return env


def cli(server, *args, check_exit=None, timeout=600, identity="admin-1"):
    """Runs `hedui` against the server; returns (exit code, stdout, stderr)."""
    address = ("localhost:%d" % server.port) if server.tls_dir else server.address
    proc = subprocess.run([HEDUI, "--server", address] + list(args),
                          capture_output=True, timeout=timeout,
                          env=cli_env(server, identity))
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if check_exit is not None and proc.returncode != check_exit:
        fail("hedui %s exited %d (wanted %d)\nstdout: %s\nstderr: %s"
             % (" ".join(args), proc.returncode, check_exit, out, err))
    return proc.returncode, out, err


def departments(server):
    """Department -> (rows, as-of 'YYYY-MM-DD', batch id) for present ones."""
    _, out, _ = cli(server, "--output", "json", "departments", check_exit=0)
    result = {}
    for d in json.loads(out).get("departments", []):
        if not d.get("present"):
            continue
        a = d.get("as_of", {})
        as_of = "%04d-%02d-%02d" % (a.get("year", 0), a.get("month", 0),
                                    a.get("day", 0))
        result[d["department"]] = (int(d.get("rows", 0)), as_of,
                                   d.get("batch_id", ""))
    return result


def ingest_county(server, county, manifest):
    """Every department feed of a generated county, through `hedui ingest`
    as an administrator; any failure fails the test."""
    for entry in manifest["departments"]:
        cli(server, "ingest", "--department", entry["department"], "--as-of",
            entry["as_of"], os.path.join(county, entry["file"]), check_exit=0)


def generate_county(out_dir, residents, seed=7, applications=None):
    args = [DATAGEN, "--out", out_dir, "--seed", str(seed), "--residents",
            str(residents)]
    if applications is not None:
        args += ["--applications", str(applications)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out_dir, "manifest.json")) as f:
        return json.load(f)


def workdir(name):
    return tempfile.mkdtemp(prefix="hedui-%s-" % name)
