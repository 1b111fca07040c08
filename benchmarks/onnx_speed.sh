#!/usr/bin/env bash
# ONNX Runtime latency: ModelDsl's ExportOnnx vs PyTorch 1.13's torch.onnx.export of the same torchvision
# architecture, both run by ONNX Runtime 1.31.1 through ModelDsl.Onnx's OnnxModel, and the TorchSharp module (libtorch
# 2.10), all three interleaved in one process per model and batch (sides rotate every round).
#
#   bash benchmarks/onnx_speed.sh                                        # resnet18, mobilenet_v2; batch 1 and 8
#   MODELS="vit_b_16" BATCHES=1 ROUNDS=3 REPS=3 bash benchmarks/onnx_speed.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODELS="${MODELS:-resnet18 mobilenet_v2}"
BATCHES="${BATCHES:-1 8}"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-10}"
THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-/usr/bin/python3}"
work="$(mktemp -d -t onnx_speed.XXXXXX)"
trap 'rm -rf "$work"' EXIT

dotnet build "$here/ModelDsl.OnnxSpeed/ModelDsl.OnnxSpeed.csproj" -c Release --nologo -v quiet >&2
runner="$here/ModelDsl.OnnxSpeed/bin/Release/net10.0/ModelDsl.OnnxSpeed.dll"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC" >&2
for model in $MODELS; do
  PYTHONNOUSERSITE=1 "$PYTHON" "$here/onnx_export_torchvision.py" "$model" "$work/$model.onnx" 2>/dev/null
  for batch in $BATCHES; do
    dotnet "$runner" "$model" "$work/$model.onnx" "$batch" "$ROUNDS" "$REPS" "$THREADS"
  done
done
