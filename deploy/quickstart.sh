#!/usr/bin/env bash
# Hedui end to end on a fresh machine: installs dependencies, builds, starts
# heduid on an embedded RocksDB under ./var (or the directory given),
# generates the synthetic county, ingests every department feed through the
# CLI, shows what is stored, and leaves the server running.
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
export HEDUI_SERVER="127.0.0.1:$PORT"

step "server"
if [ -f "$VAR/heduid.pid" ] && kill -0 "$(cat "$VAR/heduid.pid")" 2>/dev/null; then
  echo "stopping the previous quickstart server (pid $(cat "$VAR/heduid.pid"))"
  kill "$(cat "$VAR/heduid.pid")"
  while kill -0 "$(cat "$VAR/heduid.pid")" 2>/dev/null; do sleep 0.2; done
fi
rm -f "$VAR/port"
nohup "$HEDUID" --listen "127.0.0.1:$PORT" --data-dir "$VAR/data" \
  --port-file "$VAR/port" >>"$VAR/heduid.log" 2>&1 &
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
  "$HEDUI" ingest --department "$dept" --as-of "$as_of" "$VAR/county/$file"
done <"$VAR/feeds.txt"

step "what is stored"
"$HEDUI" departments

# Verification of the county's applications joins here once the verification
# service lands (issues 7 and 8).

step "done"
echo "heduid keeps running (pid $(cat "$VAR/heduid.pid"), log $VAR/heduid.log)."
echo "Stop it with:  kill $(cat "$VAR/heduid.pid")"
