#!/bin/sh
# Installs lanesim into a temporary prefix, then builds docs/examples/lane_flows.c against it
# twice (pkg-config, and CMake's find_package) and runs both on the ring scenario.
set -eu
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -n 1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir"
cc -std=c11 -Wall -Wextra -Werror "$src/docs/examples/lane_flows.c" \
    $(pkg-config --cflags --libs lanesim) -o "$tmp/lane_flows_pc"
"$tmp/lane_flows_pc" "$src/scenarios/ring.yaml" simulation.duration=1500 >"$tmp/out_pc"
grep -q '^lane 1: ' "$tmp/out_pc"
cmake -S "$src/docs/examples" -B "$tmp/ex" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/ex" >/dev/null
"$tmp/ex/lane_flows" "$src/scenarios/ring-2lane.yaml" simulation.duration=1500 >"$tmp/out_cm"
grep -q '^lane 2: ' "$tmp/out_cm"
# A bad override is reported with the library's message and exit status 2.
if "$tmp/lane_flows_pc" "$src/scenarios/ring.yaml" model.p_slow=2 2>"$tmp/err"; then exit 1; fi
grep -q 'model.p_slow' "$tmp/err"
echo "install_example: 2 passed, 0 failed"
