#!/bin/sh
# Runs the fuzz targets of BUILD (a LANESIM_FUZZ=ON tree) for SECONDS each, one process at a
# time, on a corpus kept in BUILD/fuzz/ and seeded from the repository; prints each run's
# statistics. Exits 1 if any target found a crash, a leak, a hang or a broken check.
# With FUZZ_RUNS=N (and FUZZ_SEED, default 1) each target stops after N inputs from a fixed
# random seed instead of after SECONDS, so a CI run's length does not depend on the machine's
# speed and it explores nearly the same inputs each time; SECONDS then only caps the time.
# usage: [FUZZ_RUNS=N] [FUZZ_SEED=S] tests/fuzz/run.sh BUILD SECONDS [loader|set|grid ...]
set -u
build=$1
seconds=$2
shift 2
targets=${*:-loader set grid}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$build/fuzz
failed=0
limits=
if [ -n "${FUZZ_RUNS:-}" ]; then limits="-runs=$FUZZ_RUNS -seed=${FUZZ_SEED:-1}"; fi

seed() { # target corpus-dir
    case $1 in
    loader) cp "$src"/scenarios/*.yaml "$src"/tests/data/good/*.yaml "$src"/tests/data/bad/*.yaml \
        "$src"/tests/data/*.yaml "$2"/ ;;
    *) cp "$src"/tests/fuzz/seeds/"$1"/* "$2"/ ;;
    esac
    if [ -d "$src/tests/data/fuzz-regressions" ]; then
        for f in "$src"/tests/data/fuzz-regressions/"$1"-*; do [ -f "$f" ] && cp "$f" "$2"/; done
    fi
}

for t in $targets; do
    corpus=$work/corpus/$t
    mkdir -p "$corpus" "$work/artifacts"
    seed "$t" "$corpus"
    log=$work/$t.log
    echo "== fuzz_$t for ${seconds} s (log: $log)"
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" $limits -timeout=10 -rss_limit_mb=2048 \
        -dict="$build/tests/fuzz/scenario.dict" -artifact_prefix="$work/artifacts/$t-" \
        -print_final_stats=1 "$corpus" >"$log" 2>&1
    rc=$?
    grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log"
    echo "corpus: $(ls "$corpus" | wc -l) inputs"
    if [ $rc -ne 0 ]; then
        failed=1
        echo "fuzz_$t FAILED (exit $rc):"
        grep -E 'ERROR|fuzz_[a-z]+: |SUMMARY|Test unit written' "$log" | head -20
    fi
done
exit $failed
