#!/bin/sh
# Installs the Debian packages the build and tests need, if any are missing. Idempotent.
set -eu
PKGS="gcc make cmake pkg-config libgsl-dev libyaml-dev libcjson-dev libcriterion-dev"
# The viewer (`lanesim view`, built by default): SDL2 with SDL2_ttf and SDL2_image, the font its
# text uses, Mesa's OpenGL drivers (its tests draw with both of SDL's renderers), and Xvfb with
# xauth to run it under a real X server without a display.
PKGS="$PKGS libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core libgl1-mesa-dri"
PKGS="$PKGS libegl-mesa0 xvfb xauth"
# The reliability checks (docs/reliability.md): clang and its libFuzzer runtime for the fuzz
# targets, valgrind for the memcheck test.
PKGS="$PKGS clang libclang-rt-14-dev valgrind"
# `lanesim plot` draws with gnuplot (its tests too); gnuplot-nox has the pngcairo, pdfcairo and
# svg terminals without an X11 dependency.
PKGS="$PKGS gnuplot-nox"
# `lanesim view --record` encodes its movies (MP4, GIF) with the ffmpeg program; its tests decode
# them with ffprobe, which comes with it.
PKGS="$PKGS ffmpeg"
[ "${LANESIM_EXTRA_PKGS:-}" ] && PKGS="$PKGS $LANESIM_EXTRA_PKGS"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
