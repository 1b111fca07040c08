#!/usr/bin/env bash
# Forward time of an MLP (256 → 4096 → 4096 → 1024) against its generated 90 %-sparse (Prune = 0.9) and 2:4 variants
# (ModelDsl.SparseSpeed), and the 2:4 weight-byte ratio (issue 9: 90 % sparse at batch 8 at least 3x; 2:4 bytes <= 0.6x).
#
#   bash benchmarks/sparse_speed.sh                        # batch 8, 2 threads, 7 rounds of 20 timed forwards
#   BATCH=8 ROUNDS=9 REPS=20 WARMUP=5 THREADS=2 bash benchmarks/sparse_speed.sh
#   CROSSOVER=1 ROUNDS=3 bash benchmarks/sparse_speed.sh    # the CSR-against-dense sweep behind SparseLinear's rule
#
# One process holds the three models (eval mode, no_grad); rounds are interleaved and the order of the models rotates
# every round, so a slow spell of the machine falls on all; the summary is the median of the per-round medians.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BATCH="${BATCH:-8}"
ROUNDS="${ROUNDS:-7}"
REPS="${REPS:-20}"
WARMUP="${WARMUP:-5}"
THREADS="${THREADS:-2}"

dotnet build "$here/ModelDsl.SparseSpeed/ModelDsl.SparseSpeed.csproj" -c Release --nologo -v quiet >&2
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
dotnet "$here/ModelDsl.SparseSpeed/bin/Release/net10.0/ModelDsl.SparseSpeed.dll" \
  --batch "$BATCH" --rounds "$ROUNDS" --reps "$REPS" --warmup "$WARMUP" --threads "$THREADS" ${CROSSOVER:+--crossover}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
