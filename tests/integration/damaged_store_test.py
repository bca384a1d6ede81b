#!/usr/bin/python3
"""A damaged store is never served (issue 14, defect 7), end to end with real
heduid processes. A server ingests a small county, answers audited calls and
stops. On copies of its store: a write-ahead log with a flipped byte before
its end, one cut short, a table cut short, a MANIFEST with a flipped byte:
heduid refuses to start, exits non-zero, and its log names the damaged file
and `heduid restore`; `heduid --check` fails as well, and finds a flipped
byte inside a table's data that the start does not read. A torn tail after
kill -9 (the last record half written) is dropped: heduid starts, the audit
chain verifies and the numbering goes on."""
import glob
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUID, POLICY, Server, check, cli,  # noqa: E402
                     generate_county, ingest_county, workdir)

RESIDENTS = int(os.environ.get("HEDUI_DAMAGE_RESIDENTS", "3000"))


def wal_files(data):
    """The store's write-ahead logs, the largest last."""
    return sorted(glob.glob(os.path.join(data, "*.log")), key=os.path.getsize)


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x5A]))


def copy_case(original, name):
    """A copy of the stopped server's work directory: store, key, heads."""
    work = os.path.join(os.path.dirname(original), name)
    shutil.copytree(original, work, ignore=shutil.ignore_patterns("port", "*.stderr.log"))
    return work


def start_refused(work, wanted):
    """heduid must exit non-zero at start, naming every string in `wanted`."""
    data = os.path.join(work, "data")
    server = Server(work, data)
    proc = subprocess.run(
        [HEDUID, "--listen", "127.0.0.1:0", "--data-dir", data, "--policy",
         POLICY, "--audit-key-file", server.audit_key, "--audit-head-file",
         server.audit_heads, "--insecure", "--port-file",
         os.path.join(work, "port")],
        capture_output=True, text=True, timeout=120)
    log = proc.stdout + proc.stderr
    check(proc.returncode != 0,
          "%s: heduid started on a damaged store:\n%s" % (work, log))
    check(not os.path.exists(os.path.join(work, "port")),
          "%s: heduid wrote its port file (it served)" % work)
    for text in wanted + ["heduid restore"]:
        check(text in log, "%s: the refusal does not name %r:\n%s"
              % (work, text, log))
    print("refused (exit %d): %s" % (proc.returncode,
                                     log.strip().splitlines()[-1][:300]))


def check_fails(work, wanted):
    proc = subprocess.run([HEDUID, "--check", "--data-dir",
                           os.path.join(work, "data")],
                          capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    check(proc.returncode != 0, "%s: heduid --check passed:\n%s" % (work, log))
    check(wanted in log, "%s: heduid --check does not name %r:\n%s"
          % (work, wanted, log))


def audit_verify(server):
    code, out, err = cli(server, "audit", "verify")
    check(code == 0 and "intact" in out,
          "hedui audit verify: exit %d\n%s%s" % (code, out, err))


def main():
    base = workdir("damaged-store")
    county = os.path.join(base, "county")
    manifest = generate_county(county, RESIDENTS, applications=100)
    original = os.path.join(base, "original")
    os.makedirs(original)
    data = os.path.join(original, "data")
    server = Server(original, data).start()
    ingest_county(server, county, manifest)
    server.stop()
    # A second run: the ingest is now in tables, the calls below in the log.
    server = Server(original, data).start()
    for _ in range(40):
        cli(server, "departments", check_exit=0)
    server.stop()
    print("write-ahead logs: %s" % [(os.path.basename(w), os.path.getsize(w))
                                    for w in wal_files(data)])
    # On a copy: opening a store replays its log into tables.
    work = copy_case(original, "untouched")
    check(subprocess.run([HEDUID, "--check", "--data-dir",
                          os.path.join(work, "data")],
                         capture_output=True).returncode == 0,
          "the untouched store passes heduid --check")

    # A write-ahead log damaged before its end.
    work = copy_case(original, "wal-flipped")
    wal = wal_files(os.path.join(work, "data"))[-1]
    flip(wal, os.path.getsize(wal) // 3)
    start_refused(work, [os.path.basename(wal), "damaged before its end"])
    check_fails(work, os.path.basename(wal))

    # A write-ahead log cut short: only the head file shows entries are gone.
    work = copy_case(original, "wal-cut")
    wal = wal_files(os.path.join(work, "data"))[-1]
    os.truncate(wal, os.path.getsize(wal) // 2)
    start_refused(work, ["audit-heads.log", "names audit entry"])

    # A table cut short.
    work = copy_case(original, "table-cut")
    tables = sorted(glob.glob(os.path.join(work, "data", "*.sst")),
                    key=os.path.getsize)
    check(tables, "the store has tables")
    os.truncate(tables[-1], os.path.getsize(tables[-1]) // 2)
    start_refused(work, [os.path.basename(tables[-1])])
    check_fails(work, os.path.basename(tables[-1]))

    # A flipped byte inside a table's data: the start does not read it, the
    # check does.
    work = copy_case(original, "table-flipped")
    table = sorted(glob.glob(os.path.join(work, "data", "*.sst")),
                   key=os.path.getsize)[-1]
    flip(table, os.path.getsize(table) // 3)
    check_fails(work, os.path.basename(table))

    # A damaged MANIFEST.
    work = copy_case(original, "manifest-flipped")
    manifest_file = sorted(glob.glob(os.path.join(work, "data",
                                                  "MANIFEST-*")))[-1]
    flip(manifest_file, os.path.getsize(manifest_file) // 2)
    start_refused(work, [os.path.basename(manifest_file)])

    # kill -9 with the last record half written: dropped, never acknowledged.
    work = copy_case(original, "torn-tail")
    server = Server(work, os.path.join(work, "data")).start()
    for _ in range(5):
        cli(server, "departments", check_exit=0)
    wal = wal_files(os.path.join(work, "data"))[-1]
    # The call whose record is torn must not be one the head file names (a
    # head line every 100 entries): that one was acknowledged.
    for _ in range(3):
        heads = os.path.getsize(server.audit_heads)
        before = os.path.getsize(wal)
        cli(server, "departments", check_exit=0)
        after = os.path.getsize(wal)
        if os.path.getsize(server.audit_heads) == heads:
            break
    check(after > before + 16, "the last call wrote to %s" % wal)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    server.log.close()
    os.truncate(wal, (before + after) // 2)
    server = Server(work, os.path.join(work, "data")).start()
    audit_verify(server)
    cli(server, "departments", check_exit=0)
    audit_verify(server)
    server.stop()
    check(subprocess.run([HEDUID, "--check", "--data-dir",
                          os.path.join(work, "data")],
                         capture_output=True).returncode == 0,
          "the store after a torn tail passes heduid --check")
    print("torn tail after kill -9: dropped, the chain verifies")

    shutil.rmtree(base, ignore_errors=True)
    print("damaged_store_test: ok")


if __name__ == "__main__":
    main()
