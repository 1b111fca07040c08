#!/usr/bin/env bash
# Side-by-side per-call overhead, ModelDsl vs PyTorch eager, on the same libtorch, in one invocation.
#
#   bash benchmarks/overhead.sh                          # 5 rounds per side, interleaved: C#, Py, C#, Py, ...
#   ROUNDS=9 REPS=101 REP_US=1000 bash benchmarks/overhead.sh
#   bash benchmarks/overhead.sh --summarize FILE.jsonl   # only print the table of earlier raw results
#
# Builds the C# runner in Release, reads libtorch's default intra-op thread count from it (Torch.Threads)
# and gives the same count to PyTorch (torch.set_num_threads). Each process prints one JSON line per case
# (median per-call µs over REPS repetitions of about REP_US µs each, wall time and this thread's CPU time);
# the table shows, per case, the median of the per-round medians and the ratio ModelDsl/PyTorch, for wall
# time (the figure that counts) and for CPU time (which time slices lost to other processes on a busy
# machine do not inflate). Raw lines are kept in $OUT (default: a temp file). Exits non-zero when the two
# sides' outputs differ (they must hold the same weights and input).
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
checksums = defaultdict(set)  # case -> checksums seen on either side
threads, versions = set(), {}
for r in rows:
    medians[(r["side"], r["case"], r["variant"])].append(r["median_us"])
    cpu[(r["side"], r["case"], r["variant"])].append(r["cpu_median_us"])
    checksums[r["case"]].add(round(r["checksum"], 4))
    threads.add(r["threads"])
    versions[r["side"]] = r["libtorch"]

shapes = {
    "relu": "relu, x [1, 64]",
    "linear_relu": "Linear(64,64)+ReLU, x [1, 64]",
    "mlp4": "64→256→256→256→10 MLP (ReLU), x [1, 64]",
}
print(f"threads: {sorted(threads)}; libtorch: ModelDsl shim {versions.get('modeldsl')}, PyTorch {versions.get('pytorch')}")
print()
print("| case | ModelDsl variant | ModelDsl µs/call | PyTorch µs/call | **ModelDsl/PyTorch** | ModelDsl CPU µs/call | PyTorch CPU µs/call | CPU ratio | rounds ModelDsl (min–max) | rounds PyTorch (min–max) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
failed = False
for case in shapes:
    py_keys = [k for k in medians if k[0] == "pytorch" and k[1] == case]
    if not py_keys:
        continue
    py = medians[py_keys[0]]
    py_med, py_cpu = statistics.median(py), statistics.median(cpu[py_keys[0]])
    for key, ours in medians.items():
        side, c, variant = key
        if side != "modeldsl" or c != case:
            continue
        ours_med, ours_cpu = statistics.median(ours), statistics.median(cpu[key])
        print(f"| {shapes[case]} | {variant} | {ours_med:.2f} | {py_med:.2f} | **{ours_med / py_med:.2f}** "
              f"| {ours_cpu:.2f} | {py_cpu:.2f} | {ours_cpu / py_cpu:.2f} "
              f"| {min(ours):.2f}–{max(ours):.2f} | {min(py):.2f}–{max(py):.2f} |")
    if len(checksums[case]) != 1:
        failed = True
        print(f"!! {case}: the two sides disagree on the output sum: {sorted(checksums[case])}", file=sys.stderr)
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
echo "intra-op threads (libtorch default, Torch.Threads): $threads, used on both sides"
echo "rounds: $ROUNDS per side, interleaved; each: warm-up $WARMUP calls/case, $REPS reps of ~$REP_US µs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

: > "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: ModelDsl" >&2
  dotnet "$runner" --quick --threads "$threads" --reps "$REPS" --rep-us "$REP_US" --warmup "$WARMUP" >> "$OUT"
  echo "round $round/$ROUNDS: PyTorch" >&2
  "$PYTHON" "$here/overhead.py" --threads "$threads" --reps "$REPS" --rep-us "$REP_US" --warmup "$WARMUP" >> "$OUT"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw results: $OUT"
summarize "$OUT"
