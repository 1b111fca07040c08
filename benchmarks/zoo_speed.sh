#!/usr/bin/env bash
# Side-by-side forward time of the DSL-declared zoo models, TorchVision.NET's hand-written ones and torchvision in
# PyTorch eager, in one invocation.
#
#   bash benchmarks/zoo_speed.sh                                  # resnet18, mobilenet_v2, vit_b_16; batch 8; 5 rounds
#   MODELS=resnet18 ROUNDS=3 REPS=5 bash benchmarks/zoo_speed.sh
#   FOLD=1 MODELS=resnet18 bash benchmarks/zoo_speed.sh           # plus the generated model with its batch norms folded
#
# Sides: modeldsl (generated model, TorchSharp 0.107 / libtorch 2.10), torchvision_net (TorchVision.NET 0.107, same
# libtorch; it has no ViT) and pytorch (Debian's PyTorch 1.13 + torchvision 0.14). Each side is a fresh process per
# model and round; rounds are interleaved and the side order rotates every round, so a slow spell of the machine
# falls on every side alike. Each process times REPS forwards after WARMUP per layout; the table is the median of the
# per-round medians. Every side runs THREADS intra-op threads (eval mode, no_grad, 224x224).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODELS="${MODELS:-resnet18 mobilenet_v2 vit_b_16}"
BATCH="${BATCH:-8}"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-10}"
WARMUP="${WARMUP:-3}"
THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${OUT:-$(mktemp -t zoo_speed.XXXXXX.jsonl)}"

dotnet build "$here/ModelDsl.ZooSpeed/ModelDsl.ZooSpeed.csproj" -c Release --nologo -v quiet >&2
runner="$here/ModelDsl.ZooSpeed/bin/Release/net10.0/ModelDsl.ZooSpeed.dll"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"

run_side() { # side model
  local common=(--model "$2" --batch "$BATCH" --reps "$REPS" --warmup "$WARMUP" --threads "$THREADS")
  case "$1" in
    pytorch) "$PYTHON" "$here/zoo_speed.py" "${common[@]}" ;;
    *) dotnet "$runner" --side "$1" "${common[@]}" ;;
  esac
}

: > "$OUT"
sides=(modeldsl torchvision_net pytorch)
# FOLD=1: a fourth side, the generated model with its batch norms folded (ModelDsl.BatchNormFolding).
if [[ -n "${FOLD:-}" ]]; then sides+=(modeldsl_folded); fi
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for model in $MODELS; do
    for (( i = 0; i < ${#sides[@]}; i++ )); do
      side="${sides[$(( (i + round - 1) % ${#sides[@]} ))]}"
      if [[ "$side" == torchvision_net && "$model" == vit_* ]]; then
        continue # TorchVision.NET 0.107 has no vision transformer
      fi
      run_side "$side" "$model" | sed "s/}\$/, \"round\": $round}/" >> "$OUT"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC; raw results: $OUT"

"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
per = defaultdict(list)
for r in rows:
    per[(r["model"], r["side"], r["layout"])].append(r["median_ms"])
med = {k: statistics.median(v) for k, v in per.items()}
models = list(dict.fromkeys(r["model"] for r in rows))
print(f"\nbatch {rows[0]['batch']}, 224x224, eval, no_grad; threads {sorted({r['threads'] for r in rows})}; "
      f"median of {max(r['round'] for r in rows)} per-round medians (ms)\n")
print("| model | side | channels-last | NCHW | best |")
print("|---|---|---:|---:|---:|")
best = {}
for m in models:
    for side in ["modeldsl", "modeldsl_folded", "torchvision_net", "pytorch"]:
        cells = {l: med.get((m, side, l)) for l in ["channels_last", "nchw"]}
        if all(v is None for v in cells.values()):
            continue
        best[(m, side)] = min(v for v in cells.values() if v is not None)
        f = lambda v: "–" if v is None else f"{v:.1f}"
        print(f"| {m} | {side} | {f(cells['channels_last'])} | {f(cells['nchw'])} | {best[(m, side)]:.1f} |")
print("\n| model | ModelDsl best / TorchVision.NET best | ModelDsl best / PyTorch 1.13 best |")
print("|---|---:|---:|")
for m in models:
    for ours_side in ["modeldsl", "modeldsl_folded"]:
        if (m, ours_side) not in best:
            continue
        ours = best[(m, ours_side)]
        tv = best.get((m, "torchvision_net"))
        name = m if ours_side == "modeldsl" else m + " (folded)"
        print(f"| {name} | {'–' if tv is None else f'{ours / tv:.2f}x'} | {ours / best[(m, 'pytorch')]:.2f}x |")
print("\nper-round medians (ms):")
for k, v in sorted(per.items()):
    print(f"  {k[0]:<13} {k[1]:<16} {k[2]:<14} {', '.join(f'{x:.1f}' for x in v)}")
PY
