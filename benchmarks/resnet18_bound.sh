#!/usr/bin/env bash
# How close ResNet-18's fp32 forward already is to what this CPU can do, in one invocation (issue 8's 0.9x target):
#
#   bash benchmarks/resnet18_bound.sh            # 5 interleaved rounds, batch 8, 2 threads
#   ROUNDS=3 REPS=5 bash benchmarks/resnet18_bound.sh
#
# Sides, each a fresh process per round, the order rotating every round: TorchVision.NET's resnet18() and the
# generated ResNet18, both channels-last (their best layout); "bound", the same network reduced to its convolutions
# (batch norms folded, weights prepacked in oneDNN's blocked layout, no ReLU, no residual add), pools and classifier
# (ModelDsl.ZooSpeed/ConvBound.cs); and the machine's fp32 FMA peak (ModelDsl.ZooSpeed/FmaPeak.cs). The table gives
# each side's multiply-adds per second as a share of that peak.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BATCH="${BATCH:-8}"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-10}"
WARMUP="${WARMUP:-3}"
THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${OUT:-$(mktemp -t resnet18_bound.XXXXXX.jsonl)}"

dotnet build "$here/ModelDsl.ZooSpeed/ModelDsl.ZooSpeed.csproj" -c Release --nologo -v quiet >&2
runner="$here/ModelDsl.ZooSpeed/bin/Release/net10.0/ModelDsl.ZooSpeed.dll"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"

: > "$OUT"
sides=(torchvision_net modeldsl bound)
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for (( i = 0; i < ${#sides[@]}; i++ )); do
    side="${sides[$(( (i + round - 1) % ${#sides[@]} ))]}"
    dotnet "$runner" --side "$side" --model resnet18 --layouts channels_last --batch "$BATCH" --reps "$REPS" \
      --warmup "$WARMUP" --threads "$THREADS" | sed "s/}\$/, \"round\": $round}/" >> "$OUT"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC; raw results: $OUT"

"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
peaks = [r["gmac_per_s"] for r in rows if r["side"] == "fma_peak" and r["gmac_per_s"] is not None]
peak = statistics.median(peaks) if peaks else float("nan")  # no AVX-512: no peak, the shares print as nan
macs = next(r["macs_per_image"] for r in rows if r["side"] == "bound") * rows[0]["batch"]
per = defaultdict(list)
for r in rows:
    if "median_ms" in r:
        per[r["side"]].append(r["median_ms"])
print(f"\nResNet-18, batch {rows[0]['batch']}, 224x224, eval, no_grad, {rows[0]['threads']} threads; "
      f"{macs:,} multiply-adds a forward; fp32 FMA peak {peak:.1f} G/s (median of rounds)\n")
print("| side | median of per-round medians (ms) | multiply-adds per second (G) | share of the FMA peak | / TorchVision.NET |")
print("|---|---:|---:|---:|---:|")
tv = statistics.median(per["torchvision_net"])
for side in ["torchvision_net", "modeldsl", "bound"]:
    ms = statistics.median(per[side])
    rate = macs / (ms / 1000) / 1e9
    print(f"| {side} | {ms:.1f} | {rate:.1f} | {rate / peak:.0%} | {ms / tv:.2f}x |")
need = 0.9 * tv
print(f"\n0.9x TorchVision.NET = {need:.1f} ms = {macs / (need / 1000) / 1e9 / peak:.0%} of the FMA peak")
print("per-round medians (ms):")
for side, v in per.items():
    print(f"  {side:<16} {', '.join(f'{x:.1f}' for x in v)}")
PY
