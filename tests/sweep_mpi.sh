#!/bin/sh
# sweep_mpi.sh: `mpirun -n 2 lanesim sweep` writes the rows of the threaded sweep, resumes a
# killed one, and prints a bad grid's message once. Usage: sweep_mpi.sh MPIEXEC LANESIM SOURCE_DIR
set -eu
mpiexec=$1
lanesim=$2
src=$3
dir=$(mktemp -d /tmp/lstest-mpi-XXXXXX)
trap 'rm -rf "$dir"' EXIT
# CI runs as root in a container: Open MPI refuses root without the flag, and containers often
# forbid the cross-process memory copy its shared-memory transport tries first.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun() { "$mpiexec" --allow-run-as-root --oversubscribe -n 2 "$@"; }

set -- "$src/scenarios/ring.yaml" --set road.length=1500 --set 'detectors=[]' --duration 300 \
    --set simulation.warmup=60 --grid initial.density=0.05:0.5:0.05 --grid model.p_slow=0.1,0.5 \
    --reps 3 --quiet

# Header, then rows sorted by run, without wall_s (the only column identical runs may differ in).
canonical() {
    head -n 1 "$1" | sed 's/,[^,]*$//'
    tail -n +2 "$1" | sed 's/,[^,]*$//' | sort -t, -k1,1n
}
same() {
    canonical "$1" >"$dir/x"
    canonical "$2" >"$dir/y"
    if ! cmp -s "$dir/x" "$dir/y"; then
        echo "FAIL: $3" >&2
        diff "$dir/x" "$dir/y" | head -n 20 >&2
        exit 1
    fi
}

"$lanesim" sweep "$@" --jobs 2 --out "$dir/threads.csv"
rows=$(($(wc -l <"$dir/threads.csv") - 1))
[ "$rows" -eq 60 ] || { echo "FAIL: the threaded sweep has $rows rows, not 60" >&2; exit 1; }

# Two ranks: the same rows. (Were the ranks not sharing the runs, both would write every row.)
mpirun "$lanesim" sweep "$@" --out "$dir/mpi.csv"
same "$dir/threads.csv" "$dir/mpi.csv" "mpirun -n 2 differs from the threaded sweep"

# A sweep killed after 20 rows, in the middle of the 21st: rank 0 resumes it.
head -n 21 "$dir/threads.csv" >"$dir/resumed.csv"
sed -n 22p "$dir/threads.csv" | head -c 30 >>"$dir/resumed.csv"
cp "$dir/threads.csv.sweep" "$dir/resumed.csv.sweep"
mpirun "$lanesim" sweep "$@" --out "$dir/resumed.csv" --resume 2>"$dir/err"
grep -q "partial last row" "$dir/err" || { echo "FAIL: torn row not reported" >&2; exit 1; }
same "$dir/threads.csv" "$dir/resumed.csv" "the resumed MPI sweep differs"

# A malformed grid: exit status 2 and its message once, not once per rank.
if mpirun "$lanesim" sweep "$src/scenarios/ring.yaml" --grid initial.density=0.5:0.1:0.1 \
    --out "$dir/bad.csv" 2>"$dir/err"; then
    echo "FAIL: a malformed grid succeeded under mpirun" >&2
    exit 1
fi
n=$(grep -c '^lanesim: --grid initial.density=0.5:0.1:0.1: expected a step' "$dir/err" || true)
[ "$n" -eq 1 ] || { echo "FAIL: the message appeared $n times" >&2; cat "$dir/err" >&2; exit 1; }
[ ! -e "$dir/bad.csv" ] || { echo "FAIL: a rows file was created" >&2; exit 1; }
echo "sweep_mpi: ok"
