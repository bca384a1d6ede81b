#!/usr/bin/env bash
# Runs Hedui's libFuzzer harnesses (tests/fuzz) and prints, per target,
# executions and coverage (cov: edges, ft: features, from libFuzzer's final
# stats). Builds build/fuzz with clang first (ccache-warm: seconds).
#
#   tests/fuzz.sh --minutes N [target...]   long runs (default: every target)
#   tests/fuzz.sh --seconds S [target...]   short runs (CI: tests/run.sh)
#   tests/fuzz.sh --replay [target...]      each seed once, then stop
# Options: --jobs J targets at a time (default 2: one per core).
# Targets: feed feed_parallel policy callers request audit_entry household_file.
#
# The seed corpus (tests/fuzz/corpus/<target>/; feed_parallel uses feed's) is read, never written: new
# inputs go to build/fuzz/fuzz-work/<target>/corpus, kept between runs so a
# long run continues where the last one stopped. A crash fails the script;
# its input is copied to tests/fuzz/crashes/<target>/ (not committed:
# reproduce with build/fuzz/tests/fuzz/hedui_fuzz_<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CCACHE_BASEDIR=$ROOT
BUILD=${HEDUI_FUZZ_BUILD:-build/fuzz}
ALL=(feed feed_parallel policy callers request audit_entry household_file)

seconds=""
replay=0
jobs=2
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --replay) replay=1; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ -z "$seconds" ] && [ $replay -eq 0 ]; then
  echo "fuzz.sh: --minutes N, --seconds S or --replay is required" >&2
  exit 2
fi
[ ${#targets[@]} -eq 0 ] && targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  case " ${ALL[*]} " in *" $t "*) ;; *)
    echo "fuzz.sh: no target '$t' (one of: ${ALL[*]})" >&2
    exit 2 ;;
  esac
done

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DHEDUI_FUZZ=ON >/dev/null
fi
ninja -C "$BUILD" -j"${HEDUI_JOBS:-2}" "${targets[@]/#/hedui_fuzz_}" >/dev/null

# Sanitizer reports abort the run; symbolized stacks need llvm-symbolizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

WORK=$BUILD/fuzz-work
run_one() {
  local t=$1 dir=$WORK/$1
  local bin=$BUILD/tests/fuzz/hedui_fuzz_$t
  mkdir -p "$dir/corpus" "$dir/artifacts"
  rm -f "$dir/artifacts"/* "$dir/rc"
  local args=(-print_final_stats=1 -timeout=30 -rss_limit_mb=2048
              -artifact_prefix="$dir/artifacts/")
  # A fixed seed (run.sh sets one) makes a run from the seed corpus repeat
  # the same inputs: CI does not find by chance what the last run did not.
  if [ -n "${HEDUI_FUZZ_SEED:-}" ]; then args+=(-seed="$HEDUI_FUZZ_SEED"); fi
  local rc=0
  if [ $replay -eq 1 ]; then
    # Each seed once; the work corpus is not read, so only the seeds count.
    "$bin" "${args[@]}" -runs=0 "tests/fuzz/corpus/${t%_parallel}" \
      >"$dir/log" 2>&1 || rc=$?
  else
    "$bin" "${args[@]}" -max_total_time="$seconds" \
      "$dir/corpus" "tests/fuzz/corpus/${t%_parallel}" >"$dir/log" 2>&1 \
      || rc=$?
  fi
  echo $rc >"$dir/rc"
}

summarize() {
  local t=$1 rc=$2 dir=$WORK/$1
  local execs cov ft corpus result
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  # The last status line ("#N DONE cov: X ft: Y corp: ...") has the totals.
  local last
  last=$(grep -E '^#[0-9]+' "$dir/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="CRASH (exit $rc)"
    mkdir -p "tests/fuzz/crashes/$t"
    cp "$dir"/artifacts/* "tests/fuzz/crashes/$t/" 2>/dev/null || true
  fi
  printf '  %-15s %10s %8s %8s %12s  %s\n' "$t" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "${corpus:-?}" "$result"
}

start=$(date +%s)
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
done
wait
declare -A rc_of
for t in "${targets[@]}"; do rc_of[$t]=$(cat "$WORK/$t/rc" 2>/dev/null || echo 99); done

status=0
echo
if [ $replay -eq 1 ]; then
  echo "== fuzz: seed corpus replayed ($(( $(date +%s) - start )) s) =="
else
  echo "== fuzz: ${seconds} s per target, $jobs at a time ($(( $(date +%s) - start )) s) =="
fi
printf '  %-15s %10s %8s %8s %12s  %s\n' target executions cov ft corpus result
for t in "${targets[@]}"; do
  summarize "$t" "${rc_of[$t]}"
  if [ "${rc_of[$t]}" -ne 0 ]; then
    status=1
    echo "---- $t: $WORK/$t/log (last 40 lines); input in tests/fuzz/crashes/$t/"
    tail -40 "$WORK/$t/log"
  fi
done
exit $status
