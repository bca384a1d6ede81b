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


class Server:
    """One heduid process on a loopback port chosen by the kernel."""

    def __init__(self, workdir, data_dir, extra_args=()):
        self.workdir = workdir
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(workdir, "heduid.stderr.log")

    def start(self, timeout=60):
        port_file = os.path.join(self.workdir, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [HEDUID, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
             "--port-file", port_file] + self.extra_args,
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


def cli(server, *args, check_exit=None, timeout=600):
    """Runs `hedui` against the server; returns (exit code, stdout, stderr)."""
    proc = subprocess.run([HEDUI, "--server", server.address] + list(args),
                          capture_output=True, timeout=timeout)
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
        a = d.get("asOf", {})
        as_of = "%04d-%02d-%02d" % (a.get("year", 0), a.get("month", 0),
                                    a.get("day", 0))
        result[d["department"]] = (int(d.get("rows", 0)), as_of,
                                   d.get("batchId", ""))
    return result


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
