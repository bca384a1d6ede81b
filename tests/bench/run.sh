#!/usr/bin/env bash
# Runs Hedui's benchmarks on the release tree (build it with tests/run.sh or
# HEDUI_BENCHMARKS=ON first) and prints each figure next to its baseline.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${HEDUI_BUILD_DIR:-build/release}
echo "== ingest =="
HEDUI_BUILD_DIR=$BUILD /usr/bin/python3 tests/bench/ingest_bench.py "${INGEST_ROWS:-1000000}"
echo "== household lookup =="
"$BUILD/tests/bench/hedui_lookup_bench" --persons "${LOOKUP_PERSONS:-1000000}"
echo "== verification (store lookup + engine, in process) =="
"$BUILD/tests/bench/hedui_verify_bench" --residents "${VERIFY_RESIDENTS:-1000000}"
echo "== audit chain on the Verify write path (Append vs synced Put of the report) =="
"$BUILD/tests/bench/hedui_audit_cost_bench" --ops "${AUDIT_OPS:-20000}"
echo "== verification service over mutual TLS (Verify vs health check, VerifyBatch) =="
HEDUI_BUILD_DIR=$BUILD /usr/bin/python3 tests/bench/service_load.py "${LOAD_RESIDENTS:-1000000}" "${LOAD_SECONDS:-10}" "${LOAD_ROUNDS:-3}"
echo "== metrics updates per Verify, in process (vs three bare atomics) =="
"$BUILD/tests/bench/hedui_metrics_update_bench"
echo "== cost of the metrics on Verify (off vs on, scraped every second) =="
HEDUI_BUILD_DIR=$BUILD /usr/bin/python3 tests/bench/metrics_cost.py "${METRICS_RESIDENTS:-100000}" "${METRICS_SECONDS:-10}"
echo "== cost of an online backup on concurrent verification =="
HEDUI_BUILD_DIR=$BUILD /usr/bin/python3 tests/bench/backup_under_load.py "${BACKUP_RESIDENTS:-100000}"
