#!/bin/sh
# Installs the Debian packages the build and tests need, if any are missing. Idempotent.
set -eu
PKGS="gcc make cmake pkg-config libgsl-dev libyaml-dev libcjson-dev libcriterion-dev"
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
