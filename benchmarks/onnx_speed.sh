#!/usr/bin/env bash
# ONNX Runtime latency: ModelDsl's ExportOnnx vs PyTorch 1.13's torch.onnx.export of the same torchvision
# architecture, both run by ONNX Runtime 1.31.1 through ModelDsl.Onnx's OnnxModel (interleaved in one process), and the
# generated TorchSharp module (libtorch 2.10) in a process of its own; the two processes alternate, ROUNDS times per
# model and batch. The table is the median of the per-process medians (and their min-max).
#
#   bash benchmarks/onnx_speed.sh                                        # resnet18, mobilenet_v2; batch 1 and 8
#   MODELS="vit_b_16" BATCHES=1 ROUNDS=3 REPS=3 bash benchmarks/onnx_speed.sh
#   MODELS="swin_v2_t mamba_stack" BATCHES=1 ROUNDS=3 REPS=3 bash benchmarks/onnx_speed.sh   # ModelDsl's export only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODELS="${MODELS:-resnet18 mobilenet_v2}"
BATCHES="${BATCHES:-1 8}"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-10}"
INNER="${INNER:-3}"
THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${OUT:-$(mktemp -t onnx_speed.XXXXXX.jsonl)}"
work="$(mktemp -d -t onnx_speed.XXXXXX)"
trap 'rm -rf "$work"' EXIT

dotnet build "$here/ModelDsl.OnnxSpeed/ModelDsl.OnnxSpeed.csproj" -c Release --nologo -v quiet >&2
runner="$here/ModelDsl.OnnxSpeed/bin/Release/net10.0/ModelDsl.OnnxSpeed.dll"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
for model in $MODELS; do
  # PyTorch 1.13 exports neither swin_v2_t ("aten::zero" is not supported) nor Mamba: ModelDsl's side alone ("-").
  reference="$work/$model.onnx"
  case "$model" in
    swin_v2_t|mamba_stack) reference="-" ;;
    *) PYTHONNOUSERSITE=1 "$PYTHON" "$here/onnx_export_torchvision.py" "$model" "$reference" 2>/dev/null ;;
  esac
  for batch in $BATCHES; do
    for round in $(seq "$ROUNDS"); do
      if (( round % 2 )); then order="onnx torchsharp"; else order="torchsharp onnx"; fi
      for side in $order; do
        dotnet "$runner" "$model" "$reference" "$batch" "$INNER" "$REPS" "$THREADS" "$side" >> "$OUT"
      done
    done
  done
done
echo "raw: $OUT; load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
keys = sorted({(r["model"], r["batch"]) for r in rows}, key=lambda k: (k[0], k[1]))
sides = ["modeldsl_onnx_ort", "pytorch_onnx_ort", "modeldsl_torchsharp"]
print("| model | batch | ours in ORT (ms) | PyTorch export in ORT (ms) | TorchSharp (ms) | ours ÷ PyTorch export | TorchSharp ÷ ours |")
print("|---|---:|---:|---:|---:|---:|---:|")
for model, batch in keys:
    med = {}
    cell = {}
    for side in sides:
        values = [r["median_ms"] for r in rows if r["model"] == model and r["batch"] == batch and r["side"] == side]
        med[side] = statistics.median(values) if values else None
        cell[side] = f"{med[side]:.1f} ({min(values):.1f}–{max(values):.1f})" if values else "—"
    versus = f"{med[sides[0]] / med[sides[1]]:.3f}" if med[sides[1]] else "—"
    print(f"| {model} | {batch} | {cell[sides[0]]} | {cell[sides[1]]} | {cell[sides[2]]} | "
          f"{versus} | {med[sides[2]] / med[sides[0]]:.2f}× |")
PY
