#!/usr/bin/env bash
# Hedui end to end on a fresh machine: installs dependencies, builds, makes
# development certificates (deploy/dev-ca.sh), starts heduid with mutual TLS
# on an embedded RocksDB under ./var (or the directory given), generates the
# synthetic county, ingests every department feed through the CLI, verifies
# a sample of the county's applications with the CLI and prints the verdicts
# against the ground truth, and leaves the server running.
#
#   deploy/quickstart.sh [DIR]        (default: ./var; port: $HEDUI_PORT or 7441)
set -euo pipefail
cd "$(dirname "$0")/.."
VAR=$(realpath -m "${1:-var}")
PORT=${HEDUI_PORT:-7441}
BUILD=build/release
# Lets ccache share objects with other clones (tests/run.sh does the same).
export CCACHE_BASEDIR=$(pwd)
mkdir -p "$VAR"

step() { printf '\n== %s ==\n' "$*"; }

step "dependencies"
deploy/install-deps.sh

step "build (Release, ninja -j2)"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD" -j2 heduid hedui hedui-datagen
HEDUID="$BUILD/server/heduid"
HEDUI="$BUILD/client/hedui"
# The development certificates name the server "localhost".
export HEDUI_SERVER="localhost:$PORT"

step "development certificates and audit key"
deploy/dev-ca.sh "$VAR/tls" >/dev/null
if [ ! -s "$VAR/audit.key" ]; then
  (umask 077 && head -c 32 /dev/urandom >"$VAR/audit.key")
fi
echo "CA, server and client certificates in $VAR/tls; audit key $VAR/audit.key"
# The CLI acts as the administrator for ingestion, as staff for verification.
as_admin() { HEDUI_CA="$VAR/tls/ca.crt" HEDUI_CERT="$VAR/tls/admin-1.crt" \
  HEDUI_KEY="$VAR/tls/admin-1.key" "$HEDUI" "$@"; }
as_staff() { HEDUI_CA="$VAR/tls/ca.crt" HEDUI_CERT="$VAR/tls/staff-1.crt" \
  HEDUI_KEY="$VAR/tls/staff-1.key" "$HEDUI" "$@"; }

step "server"
if [ -f "$VAR/heduid.pid" ] && kill -0 "$(cat "$VAR/heduid.pid")" 2>/dev/null; then
  echo "stopping the previous quickstart server (pid $(cat "$VAR/heduid.pid"))"
  kill "$(cat "$VAR/heduid.pid")"
  while kill -0 "$(cat "$VAR/heduid.pid")" 2>/dev/null; do sleep 0.2; done
fi
rm -f "$VAR/port"
# The synthetic county's applications are dated November 2026; a server
# refuses dates after its today or over 30 days before it, so this one is
# told its today (a production server never is).
nohup "$HEDUID" --listen "127.0.0.1:$PORT" --data-dir "$VAR/data" \
  --port-file "$VAR/port" --policy deploy/policy/example.textproto \
  --tls-cert "$VAR/tls/server.crt" --tls-key "$VAR/tls/server.key" \
  --tls-ca "$VAR/tls/ca.crt" --callers "$VAR/tls/callers.textproto" \
  --audit-key-file "$VAR/audit.key" --audit-head-file "$VAR/audit-heads.log" \
  --test-today 2026-11-30 \
  >>"$VAR/heduid.log" 2>&1 &
echo $! >"$VAR/heduid.pid"
for _ in $(seq 1 100); do
  [ -s "$VAR/port" ] && break
  kill -0 "$(cat "$VAR/heduid.pid")" 2>/dev/null || {
    echo "heduid failed to start; its log:"; tail -20 "$VAR/heduid.log"; exit 1; }
  sleep 0.1
done
echo "heduid serving on $HEDUI_SERVER (pid $(cat "$VAR/heduid.pid"), data in $VAR/data)"

step "synthetic county"
if [ ! -f "$VAR/county/manifest.json" ]; then
  time "$BUILD/tests/datagen/hedui-datagen" --out "$VAR/county" \
    --residents "${HEDUI_RESIDENTS:-100000}"
else
  echo "using the county already in $VAR/county"
fi

step "ingest every department feed"
/usr/bin/python3 - "$VAR/county/manifest.json" <<'PY' >"$VAR/feeds.txt"
import json, sys
for d in json.load(open(sys.argv[1]))["departments"]:
    print(d["department"], d["as_of"], d["file"])
PY
while read -r dept as_of file; do
  echo "-- $dept (as of $as_of)"
  as_admin ingest --department "$dept" --as-of "$as_of" "$VAR/county/$file"
done <"$VAR/feeds.txt"

step "what is stored"
as_admin departments

step "verify a sample of the applications (VerifyBatch) against the ground truth"
SAMPLE=${HEDUI_SAMPLE:-500}
head -n "$SAMPLE" "$VAR/county/requests.jsonl" >"$VAR/sample.jsonl"
head -n "$SAMPLE" "$VAR/county/labels.jsonl" >"$VAR/sample-labels.jsonl"
as_staff --output json verify --batch "$VAR/sample.jsonl" >"$VAR/sample-results.json" || true
/usr/bin/python3 - "$VAR/sample-labels.jsonl" "$VAR/sample-results.json" <<'PY'
import json, sys
labels = [json.loads(l)["verdict"] for l in open(sys.argv[1])]
text = open(sys.argv[2]).read()
results = []
decoder = json.JSONDecoder()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    obj, i = decoder.raw_decode(text, i)
    results.append(obj)
items = [r for r in results if isinstance(r, dict) and "index" in r]
if not items and results and isinstance(results[-1], dict):
    items = results[-1].get("results", [])
got = {}
for r in items:
    verdict = (r.get("report") or {}).get("verdict") or "ERROR %s" % r.get("code")
    got[int(r.get("index", 0))] = verdict
table = {}
for i, want in enumerate(labels):
    key = (want, got.get(i, "MISSING"))
    table[key] = table.get(key, 0) + 1
verdicts = ["MEETS_CRITERIA", "DOES_NOT_MEET", "NEEDS_REVIEW"]
print("%-16s %16s %16s %16s" % ("label \\ served", *verdicts))
for want in verdicts:
    print("%-16s %16d %16d %16d" % (want, *(table.get((want, v), 0) for v in verdicts)))
agree = sum(n for (w, g), n in table.items() if w == g)
print("%d of %d applications reach their labelled verdict" % (agree, len(labels)))
sys.exit(0 if agree == len(labels) else 1)
PY

step "a report as a caseworker reads it"
FIRST=$(head -n 1 "$VAR/sample.jsonl")
printf '%s\n' "$FIRST" >"$VAR/one.json"
as_staff verify --household "$VAR/one.json" >"$VAR/one-report.txt"
# The first lines; the whole report is in one-report.txt.
sed -n '1,40p' "$VAR/one-report.txt"
echo "... (the whole report: $VAR/one-report.txt)"

step "done"
echo "heduid keeps running (pid $(cat "$VAR/heduid.pid"), log $VAR/heduid.log)."
echo "Stop it with:  kill $(cat "$VAR/heduid.pid")"
echo "Try:  HEDUI_CA=$VAR/tls/ca.crt HEDUI_CERT=$VAR/tls/staff-1.crt HEDUI_KEY=$VAR/tls/staff-1.key \\"
echo "        $HEDUI --server $HEDUI_SERVER report list --page-size 5"
