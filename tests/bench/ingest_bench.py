#!/usr/bin/python3
"""Ingest throughput of a 1,000,000-row department feed, end to end (the
`hedui` CLI streaming the file to a real `heduid`, which decodes, parses,
validates, sorts, bulk-loads and switches the snapshot durably), next to the
raw RocksDB bulk-load rate of the same rows in the same run
(hedui_ingest_raw_bench). Goal (issue 6): end to end >= 50% of raw.

  tests/bench/ingest_bench.py [ROWS]     (run from the repository root)
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
from harness import BUILD, HEDUI, Server, workdir  # noqa: E402

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def resident_id(n):
    first17 = "320581%04d%02d%02d%03d" % (1950 + n % 50, 1 + n // 50 % 12,
                                          1 + n // 600 % 28, n // 16800 % 1000)
    return first17 + CHECK[sum(int(c) * w for c, w in
                               zip(first17, WEIGHTS)) % 11]


def write_tax_feed(path, rows):
    persons = (rows + 11) // 12
    with open(path, "w") as f:
        f.write("person_id,period,income_type,amount_yuan,payer,pay_date\n")
        written = 0
        for p in range(persons):
            pid = resident_id(p)
            for m in range(1, 13):
                if written == rows:
                    break
                f.write("%s,2026-%02d,WAGE,%d.%02d,91320581MA1XXXXX0A,"
                        "2026-%02d-15\n" % (pid, m, 3000 + p % 5000, p % 100,
                                            m if m < 12 else 12))
                written += 1


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = workdir("ingest-bench")
    feed = os.path.join(work, "tax.csv")
    write_tax_feed(feed, rows)
    size_mb = os.path.getsize(feed) / 1e6

    server = Server(work, os.path.join(work, "data")).start()
    start = time.time()
    subprocess.run([HEDUI, "--server", server.address, "ingest",
                    "--department", "TAX", "--as-of", "2026-11-10", feed],
                   check=True, stdout=subprocess.DEVNULL)
    e2e_seconds = time.time() - start
    server.stop()
    phases = ""
    with open(server.log_path, errors="replace") as f:
        for line in f:
            if "receive+parse" in line:
                phases = line.split("rows; ", 1)[-1].strip()

    raw = subprocess.run([os.path.join(BUILD, "tests", "bench",
                                       "hedui_ingest_raw_bench"),
                          "TAX", feed, os.path.join(work, "raw")],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split("=") for kv in raw.split())
    raw_rate = float(fields["raw_rows_per_second"])
    e2e_rate = rows / e2e_seconds
    ratio = e2e_rate / raw_rate
    print("ingest of a %d-row TAX feed (%.0f MB)" % (rows, size_mb))
    print("  end to end (hedui -> heduid, durable): %9.0f rows/s  %.2f s"
          % (e2e_rate, e2e_seconds))
    print("    server phases: %s" % phases)
    print("  raw SstFileWriter + IngestExternalFile: %9.0f rows/s  %s s"
          % (raw_rate, fields["raw_seconds"]))
    print("  ratio %.2f (goal >= 0.50): %s"
          % (ratio, "met" if ratio >= 0.5 else "MISSED"))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
