#!/usr/bin/env bash
# Side-by-side per-call time of a small MLP, in one invocation: the DSL-generated model vs the same model written by
# hand in TorchSharp (a lean module and an nn.Sequential; these are interleaved inside each C# process) vs PyTorch eager.
#
#   bash benchmarks/overhead.sh                          # 5 rounds per side, interleaved: C#, Py, C#, Py, ...
#   ROUNDS=9 REPS=101 REP_US=1000 bash benchmarks/overhead.sh
#   bash benchmarks/overhead.sh --summarize FILE.jsonl   # only print the table of earlier raw results
#
# Builds the C# runner in Release, reads TorchSharp's default intra-op thread count from it
# (torch.get_num_threads()) and gives the same count to PyTorch (torch.set_num_threads). Each process prints one JSON
# line per case and implementation (median per-call µs over REPS repetitions of about REP_US µs each, wall time and
# this thread's CPU time); the table shows the median of the per-round medians and the ratios generated/hand-written
# and x/PyTorch. Raw lines are kept in $OUT (default: a temp file). Exits non-zero when the implementations' outputs
# differ (they must hold the same weights and input).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
ROUNDS="${ROUNDS:-5}"
REPS="${REPS:-51}"
REP_US="${REP_US:-2000}"
WARMUP="${WARMUP:-3000}"
PYTHON="${PYTHON:-/usr/bin/python3}"   # Debian's python3 with python3-torch (1.13), not a venv's

summarize() {
  "$PYTHON" - "$1" <<'PY'
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
medians = defaultdict(list)   # (side, case, variant) -> per-round medians
cpu = defaultdict(list)       # the same for thread CPU time
checksums = defaultdict(list) # case -> checksums seen on any side
threads, versions = set(), {}
for r in rows:
    medians[(r["side"], r["case"], r["variant"])].append(r["median_us"])
    cpu[(r["side"], r["case"], r["variant"])].append(r["cpu_median_us"])
    checksums[r["case"]].append(r["checksum"])
    threads.add(r["threads"])
    versions[r["side"]] = r["libtorch"]

shapes = {
    "linear_relu": "Linear(64,64)+ReLU, x [1, 64]",
    "mlp4": "64→256→256→256→10 MLP (ReLU), x [1, 64]",
}
names = {
    "generated": "generated (DSL)",
    "hand": "hand-written module",
    "sequential": "hand-written nn.Sequential",
}
print(f"threads: {sorted(threads)}; libtorch: TorchSharp {versions.get('torchsharp')}, PyTorch {versions.get('pytorch')}")
print()
print("| case | implementation | disposal | µs/call | CPU µs/call | rounds (min–max) | **/ hand-written** | / PyTorch |")
print("|---|---|---|---:|---:|---|---:|---:|")
failed = False
for case in shapes:
    py_key = ("pytorch", case, "module")
    if py_key not in medians:
        continue
    py = statistics.median(medians[py_key])
    def row(impl, disposal, ours, ours_cpu, rounds, hand):
        vs_hand = f"**{ours / hand:.2f}**" if hand else ""
        return (f"| {shapes[case]} | {impl} | {disposal} | {ours:.2f} | {ours_cpu:.2f} "
                f"| {min(rounds):.2f}–{max(rounds):.2f} | {vs_hand} | {ours / py:.2f} |")
    for disposal in ["scope", "using"]:
        hand_key = ("torchsharp", case, f"hand/{disposal}")
        hand = statistics.median(medians[hand_key]) if hand_key in medians else None
        for impl in ["generated", "hand", "sequential"]:
            key = ("torchsharp", case, f"{impl}/{disposal}")
            if key not in medians:
                continue
            label = names[impl] + (" (= nn.Sequential here)" if impl == "hand" and case == "linear_relu" else "")
            print(row(label, disposal, statistics.median(medians[key]), statistics.median(cpu[key]), medians[key],
                      hand if impl != "hand" else None))
    print(f"| {shapes[case]} | PyTorch 1.13 eager `model(x)` | refcount | {py:.2f} | {statistics.median(cpu[py_key]):.2f} "
          f"| {min(medians[py_key]):.2f}–{max(medians[py_key]):.2f} | | 1.00 |")
    # Same weights and input on every side; libtorch 2.10 and 1.13 round differently in the last bits.
    values = checksums[case]
    if max(values) - min(values) > 1e-5 * max(1.0, max(abs(v) for v in values)):
        failed = True
        print(f"!! {case}: the implementations disagree on the output sum: {sorted(set(values))}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY
}

if [ "${1:-}" = "--summarize" ]; then
  summarize "$2"
  exit
fi

OUT="${OUT:-$(mktemp -t overhead.XXXXXX.jsonl)}"
dotnet build "$root/benchmarks/ModelDsl.Benchmarks/ModelDsl.Benchmarks.csproj" -c Release --nologo -v quiet >&2
runner="$root/benchmarks/ModelDsl.Benchmarks/bin/Release/net10.0/ModelDsl.Benchmarks.dll"

threads="$(dotnet "$runner" --threads-only)"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "intra-op threads (TorchSharp default, torch.get_num_threads()): $threads, used on both sides"
echo "rounds: $ROUNDS per side, interleaved; each: warm-up $WARMUP calls/case, $REPS reps of ~$REP_US µs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

: > "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: TorchSharp (generated, hand-written)" >&2
  dotnet "$runner" --quick --threads "$threads" --reps "$REPS" --rep-us "$REP_US" --warmup "$WARMUP" >> "$OUT"
  echo "round $round/$ROUNDS: PyTorch" >&2
  "$PYTHON" "$here/overhead.py" --threads "$threads" --reps "$REPS" --rep-us "$REP_US" --warmup "$WARMUP" >> "$OUT"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $OUT"
summarize "$OUT"
