#!/usr/bin/env bash
# Installs what ModelDsl needs on Debian 12 and is not there yet (idempotent; run as root).
#   python3-torch python3-torchvision    Debian's PyTorch 1.13: the reference of the parity tests and benchmarks
#   libopenblas0-pthread                 the BLAS Debian's PyTorch and NumPy use; libtorch1.13 only *recommends* it, and
#                                        without it (--no-install-recommends) they fall back to the slow reference BLAS
#   python3-sklearn                      the 8x8 digits dataset of the small example and the training tests
#   dataset-fashion-mnist                Fashion-MNIST (IDX files under /usr/share/datasets/fashion-mnist/): the main demo's data
#   python3-onnx                         ONNX 1.12's checker and parser: the independent judge of the ONNX export tests
#   binutils                             readelf: the independent judge of the TorchSharp loader-step tests
# Nothing native is built: TorchSharp-cpu (restored by dotnet) brings libtorch 2.10 and its own BLAS (MKL, linked in),
# so neither libtorch-dev nor cmake nor g++ is needed.
set -euo pipefail

packages=(python3-torch python3-torchvision libopenblas0-pthread python3-sklearn dataset-fashion-mnist python3-onnx binutils)
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
