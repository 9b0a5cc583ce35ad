#!/bin/sh
# tools/sumo_compare.py on a machine without SUMO: one line that says so, exit status 0, nothing
# written. PATH holds only a directory with python3 in it, so `sumo` and `netconvert` are not found
# however SUMO is installed here. Usage: sumo_compare_nosumo.sh PYTHON3 SOURCE_DIR
# The interpreter itself, not a wrapper (pyenv's shim) that needs PATH to find it.
py=$("$1" -c 'import sys; print(sys.executable)') || exit 1
src=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin" && ln -s "$py" "$dir/bin/python3" || exit 1
out=$(cd "$dir" && PATH="$dir/bin" SUMO_HOME= "$py" "$src/tools/sumo_compare.py" \
    "$src/scenarios/onramp.yaml" --out "$dir/out" 2>"$dir/err")
status=$?
fail() { echo "sumo_compare_nosumo: $*"; echo "stdout: $out"; cat "$dir/err"; exit 1; }
[ $status -eq 0 ] || fail "expected exit status 0, got $status"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line on stdout"
case $out in
*"SUMO not found"*) ;;
*) fail "expected the line to say that SUMO was not found" ;;
esac
[ ! -s "$dir/err" ] || fail "expected nothing on stderr"
[ ! -e "$dir/out" ] || fail "expected no output directory"
# A usage error is still an error without SUMO (exit status 2): the arguments are checked first.
PATH="$dir/bin" "$py" "$src/tools/sumo_compare.py" >/dev/null 2>&1
[ $? -eq 2 ] || fail "expected exit status 2 for a missing scenario argument"
echo "sumo_compare_nosumo: ok"
