#!/usr/bin/env bash
# Forward time of the zoo's ResNet18 against its generated half-width variant (ResNet18Half, [Variant("Half", KeepChannels = 0.5)],
# ModelDsl.PruningSpeed), and how much of the MAC ratio the speedup keeps (issue 9 asks for at least 0.9x).
#
#   bash benchmarks/pruning_speed.sh                     # batch 8, 224x224, 2 threads, 7 rounds of 5 timed forwards
#   BATCH=8 ROUNDS=9 REPS=5 WARMUP=3 THREADS=2 bash benchmarks/pruning_speed.sh
#   MODEL=vit_b_16 ROUNDS=5 REPS=3 WARMUP=1 bash benchmarks/pruning_speed.sh   # VitB16 vs VitB16Half (heads and MLP halved)
#   PROFILE=1 bash benchmarks/pruning_speed.sh           # then each model's forward time by module type (hooks)
#   FOLD=1 bash benchmarks/pruning_speed.sh              # both models with their batch norms folded (BatchNormFolding)
#
# One process holds both models (eval mode, no_grad, channels-last input); rounds are interleaved and the order of
# the two models alternates every round, so a slow spell of the machine falls on both. Each round times REPS forwards
# of each model after WARMUP untimed ones; the summary is the median of the per-round medians. The MAC ratio is
# ResNet18.TotalMacs / ResNet18Half.TotalMacs, the generator's compile-time constants.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BATCH="${BATCH:-8}"
ROUNDS="${ROUNDS:-7}"
REPS="${REPS:-5}"
WARMUP="${WARMUP:-3}"
THREADS="${THREADS:-2}"
MODEL="${MODEL:-resnet18}"
PROFILE="${PROFILE:-}"
FOLD="${FOLD:-}"

dotnet build "$here/ModelDsl.PruningSpeed/ModelDsl.PruningSpeed.csproj" -c Release --nologo -v quiet >&2
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
dotnet "$here/ModelDsl.PruningSpeed/bin/Release/net10.0/ModelDsl.PruningSpeed.dll" \
  --batch "$BATCH" --rounds "$ROUNDS" --reps "$REPS" --warmup "$WARMUP" --threads "$THREADS" --model "$MODEL" ${PROFILE:+--profile} ${FOLD:+--fold}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
