#!/usr/bin/python3
"""Starts heduid with mutual TLS on a synthetic county (default 1,000,000
residents), ingests it through the CLI and runs hedui_service_load against it
(Verify vs the health check at concurrency 1, 16 and 64; VerifyBatch; peak
RSS).   tests/bench/service_load.py [RESIDENTS] [SECONDS]"""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import (BUILD, Server, dev_certificates,  # noqa: E402
                     generate_county, ingest_county, workdir)


def main():
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    seconds = sys.argv[2] if len(sys.argv) > 2 else "10"
    work = workdir("load")
    tls = dev_certificates(os.path.join(work, "tls"))
    county = os.path.join(work, "county")
    manifest = generate_county(county, residents, seed=20261103)
    server = Server(work, os.path.join(work, "data"), tls_dir=tls).start()
    ingest_county(server, county, manifest)
    print("county of %d residents ingested" % residents, flush=True)
    load = os.path.join(BUILD, "tests", "bench", "hedui_service_load")
    code = os.spawnv(os.P_WAIT, load, [
        load, "--server", "localhost:%d" % server.port,
        "--ca", os.path.join(tls, "ca.crt"),
        "--cert", os.path.join(tls, "staff-1.crt"),
        "--key", os.path.join(tls, "staff-1.key"),
        "--requests", os.path.join(county, manifest["requests_file"]),
        "--seconds", seconds, "--pid", str(server.proc.pid)])
    server.stop()
    shutil.rmtree(work)
    sys.exit(code)


if __name__ == "__main__":
    main()
