#!/usr/bin/env bash
# Installs what ModelDsl needs on Debian 12 and is not there yet (idempotent; run as root).
#   libtorch-dev + libopenblas0-pthread  libtorch 1.13 and a fast BLAS (without it libtorch uses the slow reference BLAS)
#   cmake g++                            build the native shim (src/ModelDsl.Native)
#   python3-torch python3-torchvision    PyTorch on the same libtorch: the reference of the parity tests
#   python3-sklearn                      the 8x8 digits dataset of the demo
#   binutils                             readelf: the independent judge of the TorchSharp loader-step tests
set -euo pipefail

packages=(libtorch-dev libopenblas0-pthread cmake g++ python3-torch python3-torchvision python3-sklearn binutils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not on PATH; install it from https://dot.net (dotnet-sdk-10.0)" >&2
  exit 1
fi
