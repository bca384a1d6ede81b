#!/usr/bin/python3
"""kill -9 the server at 24 points of large ingests, some inside the commit
(a test-only hook pauses between ingesting the new snapshot's files and
making it current). After each kill the store must open clean, pass the
offline check (every snapshot whole) and show, for the department, either
the old snapshot or the new one, whole."""
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (HEDUI, HEDUID, Server, check, departments,  # noqa: E402
                     generate_county, workdir)

KILLS = int(os.environ.get("HEDUI_CRASH_KILLS", "24"))
RESIDENTS = int(os.environ.get("HEDUI_TEST_RESIDENTS", "100000"))


def count_rows(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


def main():
    rng = random.Random(20261128)
    work = workdir("crash")
    county = os.path.join(work, "county")
    manifest = generate_county(county, RESIDENTS)
    tax = next(e for e in manifest["departments"] if e["department"] == "TAX")
    full = os.path.join(county, tax["file"])
    # Two distinct snapshots of one department: the whole file and the file
    # without its last tenth (still over half, so no --force is needed).
    lines = open(full, "rb").read().splitlines(keepends=True)
    shorter = os.path.join(work, "tax_shorter.csv")
    with open(shorter, "wb") as f:
        f.writelines(lines[: 1 + (len(lines) - 1) * 9 // 10])
    variants = [full, shorter]
    rows = {p: count_rows(p) for p in variants}

    data = os.path.join(work, "data")
    server = Server(work, data).start()
    subprocess.run([HEDUI, "--insecure", "--server", server.address, "ingest",
                    "--department", "TAX", "--as-of", tax["as_of"], full],
                   check=True, capture_output=True)
    current_rows = rows[full]
    server.stop()

    # How long one ingest takes, to spread the random kills over it.
    t0 = time.time()
    server = Server(work, data).start()
    subprocess.run([HEDUI, "--insecure", "--server", server.address, "ingest",
                    "--department", "TAX", "--as-of", tax["as_of"], shorter],
                   check=True, capture_output=True)
    duration = time.time() - t0
    current_rows = rows[shorter]
    server.stop()

    inside_commit = 0
    for i in range(KILLS):
        target = variants[i % 2]
        in_commit = i % 3 == 0
        extra = ["--test-pause-before-switch-ms", "2000"] if in_commit else []
        server = Server(work, data, extra).start()
        # Each attempt must be a new batch: append a distinct comment-free
        # variant by changing the batch id, not the bytes.
        client = subprocess.Popen(
            [HEDUI, "--insecure", "--server", server.address, "ingest", "--department",
             "TAX", "--as-of", tax["as_of"], "--batch-id",
             "crash-%d" % i, target],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if in_commit:
            hit = server.read_stderr_until("test-hook: before switch", 120)
            check(hit, "attempt %d never reached the commit hook" % i)
            inside_commit += 1
        else:
            time.sleep(rng.uniform(0.0, duration))
        server.kill9()
        client.wait(timeout=120)

        check_run = subprocess.run([HEDUID, "--check", "--data-dir", data],
                                   capture_output=True, text=True)
        check(check_run.returncode == 0,
              "attempt %d: store check failed:\n%s%s"
              % (i, check_run.stdout, check_run.stderr))
        server = Server(work, data).start()
        found = departments(server)["TAX"]
        server.stop()
        allowed = {current_rows, rows[target]}
        check(found[0] in allowed,
              "attempt %d: TAX has %d rows, expected one of %s"
              % (i, found[0], sorted(allowed)))
        if found[2] == "crash-%d" % i:
            check(found[0] == rows[target], "new snapshot not whole")
        else:
            check(found[0] == current_rows, "old snapshot not whole")
        current_rows = found[0]
        print("attempt %2d: %s, TAX now %d rows (%s)"
              % (i, "in commit" if in_commit else "random point",
                 found[0], "new" if found[2] == "crash-%d" % i else "old"),
              flush=True)

    check(inside_commit >= 8, "at least 8 kills inside the commit")
    shutil.rmtree(work, ignore_errors=True)
    print("crash_test: ok (%d kills, %d inside the commit)"
          % (KILLS, inside_commit))


if __name__ == "__main__":
    main()
