#!/usr/bin/env bash
# Side-by-side forward time of a DSL-declared zoo model and torchvision's, same libtorch, one invocation.
#
#   bash benchmarks/zoo_speed.sh                      # resnet18, batch 8, 5 interleaved rounds per side
#   MODEL=mobilenet_v2 ROUNDS=3 bash benchmarks/zoo_speed.sh
#
# Three sides, interleaved round by round: ModelDsl; PyTorch eager as shipped; PyTorch eager with the glibc
# malloc settings ModelDsl's shim applies at load (GLIBC_TUNABLES), to separate the allocator effect from the rest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODEL="${MODEL:-resnet18}"
BATCH="${BATCH:-8}"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-10}"
PYTHON="${PYTHON:-/usr/bin/python3}"
OUT="${OUT:-$(mktemp -t zoo_speed.XXXXXX.jsonl)}"
TUNABLES="glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824"

dotnet build "$here/ModelDsl.ZooSpeed/ModelDsl.ZooSpeed.csproj" -c Release --nologo -v quiet >&2
runner="$here/ModelDsl.ZooSpeed/bin/Release/net10.0/ModelDsl.ZooSpeed.dll"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  dotnet "$runner" --model "$MODEL" --batch "$BATCH" --reps "$REPS" >> "$OUT"
  "$PYTHON" "$here/zoo_speed.py" --model "$MODEL" --batch "$BATCH" --reps "$REPS" >> "$OUT"
  GLIBC_TUNABLES="$TUNABLES" "$PYTHON" "$here/zoo_speed.py" --model "$MODEL" --batch "$BATCH" --reps "$REPS" >> "$OUT"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); raw results: $OUT"

"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
per = defaultdict(list)
for r in rows:
    side = r["side"] if r["side"] == "modeldsl" else ("pytorch+tunables" if r.get("malloc_tunables") else "pytorch")
    per[(side, r["layout"])].append(r["median_ms"])
med = {k: statistics.median(v) for k, v in per.items()}
m = rows[0]
print(f"\n{m['model']}, batch {m['batch']}, 224x224, eval, no_grad; threads {sorted({r['threads'] for r in rows})}; median of per-round medians (ms)")
print(f"{'side':<18} {'channels_last':>14} {'nchw':>10}")
for side in ["modeldsl", "pytorch", "pytorch+tunables"]:
    print(f"{side:<18} {med.get((side, 'channels_last'), float('nan')):>14.1f} {med.get((side, 'nchw'), float('nan')):>10.1f}")
best_torch = min(med[("pytorch", "channels_last")], med[("pytorch", "nchw")])
best_ours = min(med[("modeldsl", "channels_last")], med[("modeldsl", "nchw")])
print(f"\nModelDsl (best layout) / PyTorch eager as shipped (fastest layout): {best_ours / best_torch:.2f}x")
tuned = min(med[("pytorch+tunables", "channels_last")], med[("pytorch+tunables", "nchw")])
print(f"ModelDsl (best layout) / PyTorch eager with the same malloc tunables: {best_ours / tuned:.2f}x")
PY
