"""PyTorch-eager side of the per-call overhead comparison (see docs/benchmarks.md).

Builds the same models as benchmarks/ModelDsl.Benchmarks/Models.cs (same seed, same init draw order,
same input), calls them as nn.Modules under torch.no_grad() in eval mode, and prints one JSON line per
case with the median per-call time in microseconds, in the format of `ModelDsl.Benchmarks --quick`.

Run it with Debian's interpreter, which has PyTorch 1.13 on the same libtorch:
    /usr/bin/python3 benchmarks/overhead.py --threads 1
"""

import argparse
import json
import time

import torch
from torch import nn

SEED = 0


def linear_relu():
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU()).eval()
    return model, torch.randn(1, 64)


def mlp4():
    torch.manual_seed(SEED)
    model = nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10),
    ).eval()
    return model, torch.randn(1, 64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps the default")
    parser.add_argument("--reps", type=int, default=21)
    parser.add_argument("--iters", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=3000)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    with torch.no_grad():
        lr_model, lr_input = linear_relu()
        mlp_model, mlp_input = mlp4()
        relu = torch.relu
        cases = [
            ("relu", "call", lambda: relu(lr_input), float(relu(lr_input).sum())),
            ("linear_relu", "module", lambda: lr_model(lr_input), float(lr_model(lr_input).sum())),
            ("mlp4", "module", lambda: mlp_model(mlp_input), float(mlp_model(mlp_input).sum())),
        ]

        for _, _, call, _ in cases:
            for _ in range(args.warmup):
                call()

        per_call = {c[:2]: [] for c in cases}
        clock = time.perf_counter_ns
        for _ in range(args.reps):
            for name, variant, call, _ in cases:
                iters = range(args.iters)
                start = clock()
                for _ in iters:
                    call()
                per_call[(name, variant)].append((clock() - start) / 1000.0 / args.iters)

    for name, variant, _, checksum in cases:
        times = sorted(per_call[(name, variant)])
        print(json.dumps({
            "side": "pytorch", "case": name, "variant": variant, "threads": torch.get_num_threads(),
            "median_us": round(times[len(times) // 2], 3), "min_us": round(times[0], 3),
            "reps": args.reps, "iters": args.iters, "checksum": checksum, "libtorch": torch.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
