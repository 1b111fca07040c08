#!/usr/bin/env bash
# Does raising glibc's malloc thresholds still pay on libtorch 2.10 (TorchSharp)? ModelDsl sets them when it loads
# (src/ModelDsl/Runtime/MallocTuning.cs, as the old native shim did; opt out: MODELDSL_MALLOC_TUNING=0). Times the
# generated ResNet-18 (batch 8, 224², eval, no_grad) in fresh processes, in alternating rounds:
#   default    glibc's defaults (MODELDSL_MALLOC_TUNING=0)
#   mallopt    ModelDsl's tuning: the thresholds through libc's mallopt, when ModelDsl's assembly loads
#   tunables   the same thresholds through GLIBC_TUNABLES, set before the process starts (ModelDsl then leaves them)
#
#   bash benchmarks/malloc.sh                   # 5 rounds
#   ROUNDS=7 FORWARDS=10 THREADS=1 bash benchmarks/malloc.sh   # THREADS: intra-op threads (default: TorchSharp's, the cores)
# Prints one JSON line per process (median ms and minor page faults per forward), then the medians per setting.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
ROUNDS="${ROUNDS:-5}"
FORWARDS="${FORWARDS:-10}"
THREADS="${THREADS:-0}"
PYTHON="${PYTHON:-/usr/bin/python3}"
# ModelDsl's values: 32 MiB mmap threshold (glibc's maximum on 64-bit), 1 GiB trim threshold.
TUNABLES="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"
OUT="${OUT:-$(mktemp -t malloc.XXXXXX.jsonl)}"

dotnet build "$root/benchmarks/ModelDsl.Benchmarks/ModelDsl.Benchmarks.csproj" -c Release --nologo -v quiet >&2
runner="$root/benchmarks/ModelDsl.Benchmarks/bin/Release/net10.0/ModelDsl.Benchmarks.dll"
echo "nproc: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  MODELDSL_MALLOC_TUNING=0 dotnet "$runner" --resnet --forwards "$FORWARDS" --threads "$THREADS" --label default >> "$OUT"
  dotnet "$runner" --resnet --forwards "$FORWARDS" --threads "$THREADS" --label mallopt >> "$OUT"
  GLIBC_TUNABLES="$TUNABLES" dotnet "$runner" --resnet --forwards "$FORWARDS" --threads "$THREADS" --label tunables >> "$OUT"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $OUT"
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ms, faults = defaultdict(list), defaultdict(list)
for r in rows:
    ms[r["label"]].append(r["median_ms"])
    faults[r["label"]].append(r["median_minor_faults"])
base = statistics.median(ms["default"])
print(f"threads: {sorted({r['threads'] for r in rows})}")
print()
print("| setting | ms/forward (median of rounds) | rounds (min–max) | minor faults/forward | / default |")
print("|---|---:|---|---:|---:|")
for label in ["default", "mallopt", "tunables"]:
    m = statistics.median(ms[label])
    print(f"| {label} | {m:.1f} | {min(ms[label]):.1f}–{max(ms[label]):.1f} | {statistics.median(faults[label]):.0f} | {m / base:.2f} |")
PY
