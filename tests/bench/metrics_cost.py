#!/usr/bin/python3
"""What the metrics cost a verification: Verify throughput at concurrency 16
over mutual TLS against the same store, with metrics off (no endpoint: no
interceptor, nothing counted) and on (interceptor on every call, verdicts
counted, /metrics scraped every second, thirty times Prometheus's default
rate), alternating off/on three times in one run; the median of the three
pairs' ratios is the figure (runs on a shared machine move by 15 %).
   tests/bench/metrics_cost.py [RESIDENTS] [SECONDS]"""
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import (BUILD, Server, dev_certificates,  # noqa: E402
                     generate_county, ingest_county, workdir)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(server, tls, county, manifest, seconds, concurrency=16):
    load = os.path.join(BUILD, "tests", "bench", "hedui_service_load")
    out = subprocess.run([
        load, "--server", "localhost:%d" % server.port,
        "--ca", os.path.join(tls, "ca.crt"),
        "--cert", os.path.join(tls, "staff-1.crt"),
        "--key", os.path.join(tls, "staff-1.key"),
        "--requests", os.path.join(county, manifest["requests_file"]),
        "--seconds", seconds, "--verify-only", str(concurrency)],
        capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("VERIFY ")][0]
    _, _, rate, p50, p99, _ = line.split()
    return float(rate), float(p50), float(p99)


def main():
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    seconds = sys.argv[2] if len(sys.argv) > 2 else "10"
    work = workdir("metrics-cost")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, residents, seed=20261103)
    data = os.path.join(work, "data")
    server = Server(work, data, tls_dir=tls).start()
    ingest_county(server, county, manifest)
    server.stop()
    print("county of %d residents ingested; Verify at concurrency 16, %s s "
          "per run" % (residents, seconds), flush=True)
    figures = {"off": [], "on": []}
    for mode in ("off", "on") * 3:
        args = []
        stop = threading.Event()
        scrapes = [0]
        if mode == "on":
            port = free_port()
            args = ["--metrics-listen", "127.0.0.1:%d" % port]
        server = Server(work, data, extra_args=args, tls_dir=tls).start()
        if mode == "on":
            def scrape():
                while not stop.wait(1.0):
                    urllib.request.urlopen(
                        "http://127.0.0.1:%d/metrics" % port).read()
                    scrapes[0] += 1
            scraper = threading.Thread(target=scrape)
            scraper.start()
        rate, p50, p99 = measure(server, tls, county, manifest, seconds)
        if mode == "on":
            stop.set()
            scraper.join()
        server.stop()
        figures[mode].append(rate)
        print("  metrics %-3s %7.0f calls/s  p50 %5.2f ms  p99 %5.2f ms%s"
              % (mode, rate, p50, p99,
                 "  (%d scrapes)" % scrapes[0] if mode == "on" else ""),
              flush=True)
    off = sum(figures["off"]) / len(figures["off"])
    on = sum(figures["on"]) / len(figures["on"])
    ratios = sorted(n / f for f, n in zip(figures["off"], figures["on"]))
    ratio = ratios[len(ratios) // 2]
    print("metrics on / off: mean %.0f / %.0f calls/s; pair ratios %s, median "
          "%.3f (goal: cost under 2%%, ratio >= 0.98): %s"
          % (on, off, " ".join("%.3f" % r for r in ratios), ratio,
             "met" if ratio >= 0.98 else "MISSED"))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
