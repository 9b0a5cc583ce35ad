#!/bin/sh
# bench_sweep.sh: runs per second of a small sweep with --jobs 1 and --jobs 2 (median of 3 each,
# alternating) and their ratio: how much a second core gives `lanesim sweep` (docs/performance.md).
# Usage: tools/bench_sweep.sh [LANESIM] [REPEATS]
set -eu
cd "$(dirname "$0")/.."
lanesim=${1:-build/lanesim}
repeats=${2:-3}
dir=$(mktemp -d /tmp/lanesim-bench-sweep-XXXXXX)
trap 'rm -rf "$dir"' EXIT

# 40 runs of the classic ring (1000 cells of 7.5 m, 50 to 500 cars) for 20,000 steps: about
# 30 ms each, long enough that starting threads and writing rows are not what is measured.
runs=40
sweep() {
    rm -f "$dir/rows.csv" "$dir/rows.csv.sweep"
    "$lanesim" sweep scenarios/ring.yaml --set 'detectors=[]' --duration 20000 \
        --set simulation.warmup=0 --grid initial.density=0.05:0.5:0.05 --reps 4 \
        --jobs "$1" --out "$dir/rows.csv" --quiet
}

now() { date +%s.%N; }

# Idle and total CPU time so far, in clock ticks, over all cores (/proc/stat: idle + iowait).
cpu_ticks() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# One timed sweep with $1 jobs: "wall_seconds idle_ticks total_ticks" appended to $dir/times-$1.
timed() {
    c0=$(cpu_ticks)
    t0=$(now)
    sweep "$1"
    t1=$(now)
    c1=$(cpu_ticks)
    echo "$t0 $t1 $c0 $c1" | awk '{ printf "%.4f %d %d\n", $2 - $1, $5 - $3, $6 - $4 }' \
        >>"$dir/times-$1"
}

# Median wall time, and the share of the machine left idle over all the sweeps with $1 jobs.
summary() {
    sort -n "$dir/times-$1" | awk -v jobs="$1" -v runs="$runs" '
        { wall[NR] = $1; idle += $2; total += $3 }
        END { w = wall[int((NR + 1) / 2)]
              printf "%4d  %6.3f  %6.1f  %5.0f %%\n", jobs, w, runs / w, 100 * idle / total }'
}

# Alternating 1 and 2 jobs, so that both see the same machine.
: >"$dir/times-1"
: >"$dir/times-2"
i=0
while [ "$i" -lt "$repeats" ]; do
    timed 1
    timed 2
    i=$((i + 1))
done
# On an otherwise idle machine with C cores, 1 job leaves about (C - 1) / C of the CPU time idle
# and 2 jobs (C - 2) / C: less means other processes shared the cores, and the ratio measures
# them as much as the sweep.
echo "jobs  wall s  runs/s   idle   ($runs runs, median of $repeats)"
summary 1
summary 2
awk -v a="$(summary 1)" -v b="$(summary 2)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); printf "ratio %.2f\n", x[2] / y[2] }'
