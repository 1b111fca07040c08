#!/usr/bin/env bash
# Side-by-side forward time of the DSL-declared zoo models, TorchVision.NET's hand-written ones and torchvision in
# PyTorch eager, in one invocation.
#
#   bash benchmarks/zoo_speed.sh                                  # resnet18, mobilenet_v2, vit_b_16; batch 8; 5 rounds
#   MODELS=resnet18 ROUNDS=3 REPS=5 bash benchmarks/zoo_speed.sh
#   FOLD=1 MODELS=resnet18 bash benchmarks/zoo_speed.sh           # plus the generated model with its batch norms folded
#   BOUND=1 MODELS=resnet18 ROUNDS=5 REPS=10 bash benchmarks/zoo_speed.sh   # plus ResNet-18's convolutions-only bound
#   OPS=1 FOLD=1 MODELS=resnet18 bash benchmarks/zoo_speed.sh     # plus the sum of its operations, each timed alone
#   SIDES="torchvision_net modeldsl" FOLD=1 MODELS=resnet18 ROUNDS=15 bash benchmarks/zoo_speed.sh   # no PyTorch side
#
# BOUND=1 (resnet18 only) adds the side "bound": the same network reduced to its convolutions (batch norms folded,
# weights prepacked in oneDNN's blocked layout, no ReLU, no residual add), pools and classifier
# (ModelDsl.ZooSpeed/ConvBound.cs), and measures the machine's fp32 FMA peak (FmaPeak.cs); a second table gives each
# side's multiply-adds per second as a share of that peak.
#
# OPS=1 (resnet18 only) adds the side "ops": every operation of a folded channels-last ResNet-18 forward (each
# convolution with its bias, ReLU and residual add in place, the pools, the classifier) timed alone, over and over on
# its own input so that it runs hot in cache, and summed (ModelDsl.Benchmarks.ZooSpeed/OpSum.cs): the time of those
# kernels with no framework around them and no cache misses between layers.
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
    # The folded model with its convolutions' weights left dense (no oneDNN prepacking), as before session 7.
    modeldsl_folded_eager) MODELDSL_PREPACK=0 dotnet "$runner" --side "$1" "${common[@]}" ;;
    *) dotnet "$runner" --side "$1" "${common[@]}" ;;
  esac
}

: > "$OUT"
# SIDES replaces the three default sides (e.g. SIDES="torchvision_net modeldsl_folded" for longer runs of two).
read -r -a sides <<< "${SIDES:-modeldsl torchvision_net pytorch}"
# FOLD=1: two more sides, the generated model with its batch norms folded (ModelDsl.BatchNormFolding), its large
# convolutions prepacked in oneDNN's layout (modeldsl_folded) and not (modeldsl_folded_eager, MODELDSL_PREPACK=0).
if [[ -n "${FOLD:-}" ]]; then sides+=(modeldsl_folded modeldsl_folded_eager); fi
if [[ -n "${BOUND:-}" ]]; then sides+=(bound); fi
if [[ -n "${OPS:-}" ]]; then sides+=(ops); fi
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for model in $MODELS; do
    for (( i = 0; i < ${#sides[@]}; i++ )); do
      side="${sides[$(( (i + round - 1) % ${#sides[@]} ))]}"
      if [[ "$side" == torchvision_net && "$model" == vit_* ]]; then
        continue # TorchVision.NET 0.107 has no vision transformer
      fi
      if [[ "$side" == bound || "$side" == ops ]] && [[ "$model" != resnet18 ]]; then
        continue # the bound and the operation sum are ResNet-18's
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
peaks = [r["gmac_per_s"] for r in rows if r["side"] == "fma_peak" and r["gmac_per_s"] is not None]
bound_macs = next((r["macs_per_image"] * r["batch"] for r in rows if r["side"] in ("bound", "ops")), None)
rows = [r for r in rows if "median_ms" in r]
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
    for side in ["modeldsl", "modeldsl_folded", "modeldsl_folded_eager", "torchvision_net", "pytorch", "bound", "ops"]:
        cells = {l: med.get((m, side, l)) for l in ["channels_last", "nchw", "blocked"]}
        if all(v is None for v in cells.values()):
            continue
        best[(m, side)] = min(v for v in cells.values() if v is not None)
        f = lambda v: "–" if v is None else f"{v:.1f}"
        last = cells["channels_last"] if side != "bound" else cells["blocked"]  # the bound keeps oneDNN's blocked layout
        print(f"| {m} | {side} | {f(last)} | {f(cells['nchw'])} | {best[(m, side)]:.1f} |")
print("\n| model | ModelDsl best / TorchVision.NET best | ModelDsl best / PyTorch 1.13 best |")
print("|---|---:|---:|")
for m in models:
    for ours_side in ["modeldsl", "modeldsl_folded", "modeldsl_folded_eager"]:
        if (m, ours_side) not in best:
            continue
        ours = best[(m, ours_side)]
        tv = best.get((m, "torchvision_net"))
        name = m + {"modeldsl": "", "modeldsl_folded": " (folded)", "modeldsl_folded_eager": " (folded, not prepacked)"}[ours_side]
        pt = best.get((m, "pytorch"))
        print(f"| {name} | {'–' if tv is None else f'{ours / tv:.2f}x'} | {'–' if pt is None else f'{ours / pt:.2f}x'} |")
if bound_macs is not None and ("resnet18", "torchvision_net") in best:
    peak = statistics.median(peaks) if peaks else float("nan")  # no AVX-512: no peak, the shares print as nan
    tv = best[("resnet18", "torchvision_net")]
    print(f"\nResNet-18: {bound_macs:,} multiply-adds a forward; fp32 FMA peak {peak:.1f} G/s (median of rounds)\n")
    print("| side | best (ms) | multiply-adds per second (G) | share of the FMA peak | / TorchVision.NET |")
    print("|---|---:|---:|---:|---:|")
    for side in ["torchvision_net", "modeldsl", "modeldsl_folded", "modeldsl_folded_eager", "bound", "ops"]:
        if ("resnet18", side) in best:
            ms = best[("resnet18", side)]
            rate = bound_macs / (ms / 1000) / 1e9
            print(f"| {side} | {ms:.1f} | {rate:.1f} | {rate / peak:.0%} | {ms / tv:.2f}x |")
    print(f"\n0.9x TorchVision.NET = {0.9 * tv:.1f} ms = {bound_macs / (0.9 * tv / 1000) / 1e9 / peak:.0%} of the FMA peak")
# The ratio to TorchVision.NET round by round (both from the same round, so a slow spell of the machine cancels).
for m in models:
    for ours_side in ["modeldsl", "modeldsl_folded", "modeldsl_folded_eager"]:
        rounds = defaultdict(dict)
        for r in rows:
            if r["model"] == m and r["layout"] == "channels_last" and r["side"] in (ours_side, "torchvision_net"):
                rounds[r["round"]][r["side"]] = r["median_ms"]
        ratios = [v[ours_side] / v["torchvision_net"] for v in rounds.values() if len(v) == 2]
        if ratios:
            print(f"{m} {ours_side} / torchvision_net, channels-last, round by round: median {statistics.median(ratios):.2f}x, "
                  f"{min(ratios):.2f}-{max(ratios):.2f}x over {len(ratios)} rounds")
print("\nper-round medians (ms):")
for k, v in sorted(per.items()):
    print(f"  {k[0]:<13} {k[1]:<22} {k[2]:<14} {', '.join(f'{x:.1f}' for x in v)}")
PY
