#!/bin/sh
# screenshots.sh: draws the pictures of README.md and docs/viewer.md with `lanesim view
# --screenshot`, on SDL's offscreen driver (no display needed). `make screenshots` runs it into
# docs/images; tests/test_view.c runs the same recipe into the build tree and checks the files.
# Usage: tools/screenshots.sh LANESIM OUTDIR
set -eu
[ $# -eq 2 ] || { echo "usage: tools/screenshots.sh LANESIM OUTDIR" >&2; exit 2; }
lanesim=$1
out=$2
scenarios="$(cd "$(dirname "$0")/.." && pwd)/scenarios"
mkdir -p "$out"
export SDL_VIDEODRIVER=offscreen

# US-101 at 07:30, following whichever vehicle is nearest the interchange detector (5.9 km) in
# lane 4 then: a vehicle picked by place, not by id, so that a change to the model that renumbers
# or reroutes vehicles still gives the same picture of the jam.
"$lanesim" view "$scenarios/us101-sr92.yaml" --at 5400 --span 1600 --follow-near 5900,4 \
    --lane 4 --screenshot "$out/us101-sr92.png"

"$lanesim" view "$scenarios/ring-2lane.yaml" --at 900 --center 3000 --span 2000 \
    --screenshot "$out/ring-2lane.png"
