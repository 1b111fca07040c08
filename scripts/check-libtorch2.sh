#!/usr/bin/env bash
# Compiles every source of the native shim against the headers of libtorch 2.x (Debian trixie's
# libtorch-dev 2.6), without installing it: the shim must build against both API generations
# (Debian 12's 1.13 is checked by every normal build). Needs network access to deb.debian.org.
#   bash scripts/check-libtorch2.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

curl -fsSL "$mirror/dists/trixie/main/binary-amd64/Packages.xz" | xz -dc > "$work/Packages"
file="$(awk '/^Package: libtorch-dev$/,/^$/' "$work/Packages" | sed -n 's/^Filename: //p')"
version="$(awk '/^Package: libtorch-dev$/,/^$/' "$work/Packages" | sed -n 's/^Version: //p')"
echo "libtorch-dev $version from $mirror/$file"
curl -fsSL "$mirror/$file" -o "$work/libtorch-dev.deb"
dpkg-deb -x "$work/libtorch-dev.deb" "$work/root"

status=0
for source in "$root"/src/ModelDsl.Native/src/*.cpp; do
  if g++ -std=c++17 -fsyntax-only -Wall -Wextra -Wno-unused-parameter \
      -I"$work/root/usr/include" -I"$work/root/usr/include/torch/csrc/api/include" "$source"; then
    echo "ok    $(basename "$source")"
  else
    echo "FAIL  $(basename "$source")"
    status=1
  fi
done
exit $status
