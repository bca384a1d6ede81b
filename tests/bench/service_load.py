#!/usr/bin/python3
"""Hedui's Verify over mutual TLS beside its baselines (issue 17, "How it must
perform"), on one synthetic county, one set of certificates and one load tool.

    tests/bench/service_load.py [RESIDENTS] [SECONDS] [ROUNDS] [WRITERS]

RESIDENTS (default 1,000,000, the issue's size) are generated and ingested into
heduid through the CLI. A probe of 200 Verify calls measures Hedui's mean
reply size and the WAL bytes heduid writes per call; heduid is then stopped,
its store copied, and restarted. hedui_bare_verify_server runs on the copy
(the bench never writes into heduid's store) with that reply size and write
size and WRITERS (default 16) writer threads. Then, at concurrency 1, 16 and
64, ROUNDS times (default 1) in turn, each for SECONDS (default 3) after a
2 s warm-up: the health check on heduid, the bare baseline without its synced
write, the bare durable baseline, and Hedui's Verify. Printed: every figure
with the load average when it was taken, the median over rounds, the median
of each round's Hedui/baseline ratio against issue 17's goals, then
VerifyBatch against unary Verify at 16 and heduid's peak RSS.

A bigger run: `service_load.py 1000000 10 5`."""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import (BUILD, Server, dev_certificates,  # noqa: E402
                     generate_county, ingest_county, workdir)

LOAD = os.path.join(BUILD, "tests", "bench", "hedui_service_load")
BARE = os.path.join(BUILD, "tests", "bench", "hedui_bare_verify_server")
KINDS = ("health", "bare-nowrite", "bare", "verify")
LABELS = {"health": "health check (heduid)",
          "bare-nowrite": "bare, no write",
          "bare": "bare + synced write",
          "verify": "Hedui Verify"}


def wal_bytes(data_dir):
    return {p: os.path.getsize(p)
            for p in glob.glob(os.path.join(data_dir, "*.log"))}


def grown(before, after):
    # A WAL file that disappeared was retired by a flush: it no longer grows.
    return sum(size - before.get(p, 0) for p, size in after.items())


class Bare:
    def __init__(self, work, store, tls, reply_bytes, write_bytes, writers):
        self.port_file = os.path.join(work, "bare.port")
        self.log = open(os.path.join(work, "bare.stderr.log"), "ab")
        self.proc = subprocess.Popen(
            [BARE, "--store", store, "--listen", "127.0.0.1:0",
             "--port-file", self.port_file,
             "--ca", os.path.join(tls, "ca.crt"),
             "--cert", os.path.join(tls, "server.crt"),
             "--key", os.path.join(tls, "server.key"),
             "--reply-bytes", str(reply_bytes),
             "--write-bytes", str(write_bytes), "--writers", str(writers)],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                sys.exit("hedui_bare_verify_server did not start; see %s"
                         % self.log.name)
            time.sleep(0.05)
        self.port = int(open(self.port_file).read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def main():
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    seconds = sys.argv[2] if len(sys.argv) > 2 else "3"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    writers = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    work = workdir("load")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, residents, seed=20261103)
    data = os.path.join(work, "data")
    server = Server(work, data, tls_dir=tls).start()
    ingest_county(server, county, manifest)
    print("county of %d residents ingested" % residents, flush=True)
    requests = os.path.join(county, manifest["requests_file"])

    def load(port, *args):
        out = subprocess.run(
            [LOAD, "--server", "localhost:%d" % port,
             "--ca", os.path.join(tls, "ca.crt"),
             "--cert", os.path.join(tls, "staff-1.crt"),
             "--key", os.path.join(tls, "staff-1.key"),
             "--requests", requests] + list(args),
            capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("hedui_service_load %s failed: %s%s"
                     % (" ".join(args), out.stdout, out.stderr))
        return out.stdout.split()

    # What the baseline must match: Hedui's reply and its WAL bytes per call.
    before = wal_bytes(data)
    probe = load(server.port, "--probe", "200")
    calls, reply_bytes = int(probe[1]), int(float(probe[2]))
    write_bytes = grown(before, wal_bytes(data)) // calls
    print("Hedui per Verify (probe of %d calls): reply %d B, WAL %d B"
          % (calls, reply_bytes, write_bytes), flush=True)
    server.stop()
    shutil.copytree(data, os.path.join(work, "bare-store"))
    server.start()
    bare = Bare(work, os.path.join(work, "bare-store"), tls, reply_bytes,
                write_bytes, writers)
    print("baseline: hedui_bare_verify_server, callback API, tcmalloc, %d "
          "writer threads each making one synced %d-byte write per call"
          % (writers, write_bytes), flush=True)
    print("%d s per point after a 2 s warm-up, %d round(s), 8 connections"
          % (float(seconds), rounds), flush=True)

    results = {}  # (kind, concurrency) -> [(rate, p50, p99, load)]
    for concurrency in (1, 16, 64):
        for r in range(rounds):
            for kind in KINDS:
                port = server.port if kind in ("health", "verify") else bare.port
                m = load(port, "--measure",
                         "verify" if kind == "bare" else kind,
                         "--concurrency", str(concurrency),
                         "--seconds", seconds)
                rate, p50, p99 = float(m[3]), float(m[4]), float(m[5])
                load_avg = os.getloadavg()[0]
                results.setdefault((kind, concurrency), []).append(
                    (rate, p50, p99, load_avg))
                print("  c=%-2d round %d  %-22s %8.0f calls/s  p50 %6.2f ms  "
                      "p99 %6.2f ms  (load %.1f)"
                      % (concurrency, r + 1, LABELS[kind], rate, p50, p99,
                         load_avg), flush=True)

    def median(kind, c, i):
        return statistics.median(x[i] for x in results[(kind, c)])

    def ratio(kind, base, c, i=0):
        return statistics.median(
            v[i] / b[i] for v, b in zip(results[(kind, c)],
                                        results[(base, c)]))

    print("\nmedians of %d round(s):" % rounds)
    print("| concurrency | %s | Hedui / durable | goal | Hedui / no write "
          "| goal |" % " | ".join(LABELS[k] for k in KINDS))
    print("|---|---|---|---|---|---|---|---|---|")
    for c in (1, 16, 64):
        cells = ["%.0f/s, p99 %.2f ms" % (median(k, c, 0), median(k, c, 2))
                 for k in KINDS]
        durable = ratio("verify", "bare", c)
        goals = ["%s %s" % ("≥ 0.8:", "met" if durable >= 0.8 else "MISSED")]
        p99, base_p99 = median("verify", c, 2), median("bare", c, 2)
        if c == 1:
            goals.append("p99 ≤ %.2f ms: %s" % (
                base_p99 + 0.5, "met" if p99 <= base_p99 + 0.5 else "MISSED"))
        elif c == 16:
            goals.append("p99 ≤ %.2f ms: %s" % (
                1.2 * base_p99, "met" if p99 <= 1.2 * base_p99 else "MISSED"))
        nowrite = ratio("verify", "bare-nowrite", c)
        nowrite_goal = ("≥ 0.5: %s" % ("met" if nowrite >= 0.5 else "MISSED")
                        if c == 64 else "")
        print("| %d | %s | %.2f | %s | %.2f | %s |"
              % (c, " | ".join(cells), durable, "; ".join(goals), nowrite,
                 nowrite_goal))
    print("(also: Hedui / health check %s; bare durable / bare no write %s)"
          % (", ".join("%.2f at %d" % (ratio("verify", "health", c), c)
                       for c in (1, 16, 64)),
             ", ".join("%.2f at %d" % (ratio("bare", "bare-nowrite", c), c)
                       for c in (1, 16, 64))))

    bare.stop()
    batch = load(server.port, "--batch-only", "1")
    batch_rate, unary = float(batch[3]), median("verify", 16, 0)
    print("VerifyBatch of %s households, one stream: %.0f households/s, "
          "%.2fx unary Verify at 16 (goal ≥ 2x): %s"
          % (batch[1], batch_rate, batch_rate / unary,
             "met" if batch_rate >= 2 * unary else "MISSED"))
    status = open("/proc/%d/status" % server.proc.pid).read()
    rss = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    if rss:
        print("heduid peak RSS %.0f MiB (since its restart)"
              % (int(rss[0].split()[1]) / 1024))
    server.stop()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
