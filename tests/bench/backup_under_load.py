#!/usr/bin/python3
"""What an online backup costs concurrent verification: heduid with mutual
TLS on a synthetic county (default 100,000 residents); `hedui verify --batch`
streams the county's requests (repeated) through VerifyBatch while, midway,
`hedui admin backup` makes a first (full) backup and then a second
(incremental: only the SST files written since) one. Each result line is
timestamped as it arrives, so the throughput before, during and after each
backup comes from the same run.

    tests/bench/backup_under_load.py [RESIDENTS] [WINDOW_SECONDS]"""
import json
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import (HEDUI, Server, cli, cli_env, dev_certificates,  # noqa: E402
                     fail, generate_county, ingest_county, workdir)


def rate(stamps, start, end):
    n = sum(1 for t in stamps if start <= t < end)
    return n / (end - start) if end > start else 0.0


def main():
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    work = workdir("backup-load")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, residents, seed=20261103)
    backups = os.path.join(work, "backups")
    server = Server(work, os.path.join(work, "data"), tls_dir=tls,
                    extra_args=["--backup-dir", backups]).start()
    ingest_county(server, county, manifest)
    data_bytes = sum(os.path.getsize(os.path.join(d, f))
                     for d, _, files in os.walk(os.path.join(work, "data"))
                     for f in files)
    print("county of %d residents ingested; store %.0f MiB"
          % (residents, data_bytes / 2**20), flush=True)

    # Enough requests to outlast the measurement (stopped when done); the
    # CLI checks the whole file before it sends, so not too many.
    requests = open(os.path.join(county, manifest["requests_file"])).read()
    big = os.path.join(work, "requests-repeated.jsonl")
    repeats = max(1, int(1500 * window * 5 / max(1, requests.count("\n"))))
    with open(big, "w") as f:
        for _ in range(repeats):
            f.write(requests)
    stamps = []
    batch = subprocess.Popen(
        [HEDUI, "--server", "localhost:%d" % server.port, "--output", "json",
         "verify", "--batch", big],
        stdout=subprocess.PIPE,
        stderr=open(os.path.join(work, "batch.stderr"), "wb"),
        env=cli_env(server, "staff-1"))

    def read():
        for _ in batch.stdout:
            stamps.append(time.monotonic())
    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def backup():
        start = time.monotonic()
        _, out, _ = cli(server, "--output", "json", "admin", "backup",
                        check_exit=0)
        info = json.loads(out)["backup"]
        return start, time.monotonic(), int(info["size_bytes"]), info["files"]

    deadline = time.monotonic() + 300
    while not stamps and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.1)
    if not stamps:
        fail("no result arrived: %s"
             % open(os.path.join(work, "batch.stderr")).read())
    time.sleep(window * 1.5)  # warm-up, then the baseline window
    full = backup()
    time.sleep(window)
    incremental = backup()
    time.sleep(window)
    batch.kill()
    batch.wait()
    server.stop()

    base = rate(stamps, full[0] - window, full[0])
    print("VerifyBatch, one stream, households/s (same run):")
    print("  before the backups     %8.0f  (%.0f s window)" % (base, window))
    for name, (start, end, size, files) in (("full backup", full),
                                             ("incremental backup", incremental)):
        during = rate(stamps, start, end)
        # Results arrive in bursts: the second around a short backup too.
        around = rate(stamps, start - 0.5, end + 0.5)
        print("  during %-18s %6.0f  ratio %.2f  (backup %.2f s, %.0f MiB, %d "
              "files; with 0.5 s either side %.0f, ratio %.2f)"
              % (name, during, during / base if base else 0, end - start,
                 size / 2**20, files, around, around / base if base else 0))
    after = rate(stamps, incremental[1], incremental[1] + window)
    print("  after the backups      %8.0f  ratio %.2f" % (after, after / base if base else 0))
    print("goal: none set (issue 9 asks for the figure)")
    if not stamps:
        fail("no result arrived")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
