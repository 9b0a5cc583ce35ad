#!/bin/sh
# Runs a short `lanesim run` of every scenario under valgrind (memcheck): any invalid access,
# use of uninitialised memory or leak fails. usage: valgrind.sh LANESIM SCENARIOS_DIR
set -u
lanesim=$1
dir=$2
out=$(mktemp -d /tmp/lsvalgrind-XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=0
for scenario in "$dir"/*.yaml; do
    name=$(basename "$scenario" .yaml)
    if valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        "$lanesim" run "$scenario" --quiet --duration 120 --set simulation.warmup=0 \
        --out "$out/$name" --trajectories "$out/$name/traj.csv" --sample 10 >/dev/null; then
        echo "valgrind: $name clean"
    else
        echo "valgrind: $name FAILED" >&2
        failed=1
    fi
done
exit $failed
