#!/usr/bin/env bash
# Forward time of a transformer MLP block (the zoo's Gpt2Mlp at width 1024, no biases) against its generated int8 and int4
# variants (ModelDsl.QuantSpeed), and their weight-byte ratios (issue 9: int8 at least 5x float32 at batch 64; bytes int8 <= 0.26x, int4 <= 0.14x).
#
#   bash benchmarks/quant_speed.sh                        # batch 64 tokens, 2 threads, 7 rounds of 20 timed forwards
#   BATCH=64 ROUNDS=9 REPS=20 WARMUP=5 THREADS=2 bash benchmarks/quant_speed.sh
#
# MODEL=resnet18 times the zoo's ResNet18 against its ResNet18Int8, uncalibrated and calibrated (issue 9: int8 ResNet-18
# at batch 8 at least 2.5x float32); PROFILE=1 adds each distinct convolution timed alone:
#   MODEL=resnet18 BATCH=8 ROUNDS=7 REPS=5 WARMUP=2 THREADS=2 PROFILE=1 bash benchmarks/quant_speed.sh
#
# One process holds the three models (eval mode, no_grad); rounds are interleaved and the order of the models
# rotates every round, so a slow spell of the machine falls on all. Each round times REPS forwards
# of each model after WARMUP untimed ones; the summary is the median of the per-round medians. Weight bytes are the
# generator's compile-time constants (WeightBytes), with the built modules' state-dict bytes next to them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BATCH="${BATCH:-64}"
ROUNDS="${ROUNDS:-7}"
REPS="${REPS:-20}"
WARMUP="${WARMUP:-5}"
THREADS="${THREADS:-2}"
extra=()
if [[ -n "${MODEL:-}" ]]; then extra+=(--model "$MODEL"); fi
if [[ -n "${PROFILE:-}" ]]; then extra+=(--profile); fi

dotnet build "$here/ModelDsl.QuantSpeed/ModelDsl.QuantSpeed.csproj" -c Release --nologo -v quiet >&2
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
dotnet "$here/ModelDsl.QuantSpeed/bin/Release/net10.0/ModelDsl.QuantSpeed.dll" \
  --batch "$BATCH" --rounds "$ROUNDS" --reps "$REPS" --warmup "$WARMUP" --threads "$THREADS" "${extra[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
