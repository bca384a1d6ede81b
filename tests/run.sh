#!/usr/bin/env bash
# Runs every Hedui test: installs what is missing, builds the release tree
# (with benchmarks compiled, not run) and the ASan+UBSan tree, runs all tests
# in the first and the unit tests in the second, then builds the libFuzzer
# harnesses with clang and fuzzes each for 60 s (HEDUI_SKIP_FUZZ=1 skips that
# outside CI). Prints build and test times.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# Lets ccache share objects between clones of the repository.
export CCACHE_BASEDIR=$ROOT
JOBS=${HEDUI_JOBS:-2}

deploy/install-deps.sh
HEDUI_SKIP_TIDY=1 tests/lint.sh
# Every proto element commented, docs/api-reference.md generated from them.
tests/docs/api_reference.py --check

now() { date +%s; }
declare -A took
t=$(now)
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DHEDUI_BENCHMARKS=ON >/dev/null
ninja -C build/release -j"$JOBS"
took[release_build]=$(( $(now) - t ))

t=$(now)
status=0
ctest --test-dir build/release --output-on-failure --timeout 1500 || status=1
took[release_tests]=$(( $(now) - t ))

if [ "${HEDUI_SKIP_SANITIZERS:-0}" != 1 ]; then
  t=$(now)
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O1" -DHEDUI_SANITIZE=ON >/dev/null
  # Only what the unit tests need: the sanitizer tree is for the code, the
  # release tree already ran the processes end to end.
  mapfile -t unit_targets < <(ctest --test-dir build/release -L unit -N \
    | sed -n 's/^ *Test *#[0-9]*: \(.*\)$/\1/p')
  ninja -C build/asan -j"$JOBS" "${unit_targets[@]}"
  took[asan_build]=$(( $(now) - t ))
  t=$(now)
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan -L unit --output-on-failure --timeout 1500 \
    || status=1
  took[asan_tests]=$(( $(now) - t ))
  # The service end to end under the sanitizers: the abuse test's probes,
  # VerifyBatch streams, refusals and a SIGHUP reload, and the re-verification
  # runner's passes, jobs and kills (its evaluating threads, the watch
  # streams) against an ASan+UBSan heduid (a sanitizer report kills it, and
  # the test fails). Leaks are the unit tests' to find: gRPC's
  # process-lifetime objects at exit are not.
  t=$(now)
  ninja -C build/asan -j"$JOBS" heduid hedui hedui-datagen
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan -R '^integration_(abuse|reverify|issue16_abuse)$' \
    --output-on-failure \
    --timeout 1500 || status=1
  took[asan_e2e]=$(( $(now) - t ))
fi

# libFuzzer: the harnesses of tests/fuzz, built with clang (ASan+UBSan, the
# libraries instrumented), replay their seed corpus, then each runs 60 s, two
# at a time. Long runs: tests/fuzz.sh --minutes N.
if [ "${HEDUI_SKIP_FUZZ:-0}" = 1 ] && [ "${CI:-}" = true ]; then
  echo "run.sh: HEDUI_SKIP_FUZZ is ignored in CI; fuzzing"
fi
if [ "${HEDUI_SKIP_FUZZ:-0}" != 1 ] || [ "${CI:-}" = true ]; then
  t=$(now)
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DHEDUI_FUZZ=ON >/dev/null
  ninja -C build/fuzz -j"$JOBS" hedui_fuzz
  took[fuzz_build]=$(( $(now) - t ))
  t=$(now)
  ctest --test-dir build/fuzz -L fuzz --output-on-failure --timeout 300 \
    || status=1
  HEDUI_FUZZ_BUILD=build/fuzz HEDUI_FUZZ_SEED=${HEDUI_FUZZ_SEED:-1} \
    tests/fuzz.sh --seconds \
    "${HEDUI_FUZZ_SECONDS:-60}" || status=1
  took[fuzz_run]=$(( $(now) - t ))
fi

echo
echo "== times (s) =="
for k in release_build release_tests asan_build asan_tests asan_e2e fuzz_build \
    fuzz_run; do
  [ -n "${took[$k]:-}" ] && printf '  %-15s %5d\n' "$k" "${took[$k]}"
done
if [ $status -ne 0 ]; then
  echo "tests/run.sh: FAILED"
else
  echo "tests/run.sh: all tests passed"
fi
exit $status
