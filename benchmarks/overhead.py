"""PyTorch-eager side of the per-call overhead comparison (see docs/benchmarks.md).

Builds the same models as benchmarks/ModelDsl.Benchmarks/Models.cs (same seed, same init draw order,
same input), calls them as nn.Modules under torch.no_grad() in eval mode, and prints one JSON line per
case with the median per-call wall time and thread CPU time in microseconds, in the format of `ModelDsl.Benchmarks --quick`.

Run it with Debian's interpreter, which has PyTorch 1.13 (its own libtorch 1.13; the C# side runs TorchSharp's 2.10):
    /usr/bin/python3 benchmarks/overhead.py --threads 2
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
    parser.add_argument("--reps", type=int, default=51)
    parser.add_argument("--rep-us", type=int, default=2000, help="length of one repetition, in µs")
    parser.add_argument("--warmup", type=int, default=3000)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    with torch.no_grad():
        lr_model, lr_input = linear_relu()
        mlp_model, mlp_input = mlp4()
        cases = [
            ("linear_relu", "module", lambda: lr_model(lr_input), float(lr_model(lr_input).sum())),
            ("mlp4", "module", lambda: mlp_model(mlp_input), float(mlp_model(mlp_input).sum())),
        ]

        clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
        iters = {}
        for name, variant, call, _ in cases:
            start = clock()
            for _ in range(args.warmup):
                call()
            # Each repetition lasts about --rep-us, estimated from the warm-up, as in the C# runner.
            iters[(name, variant)] = max(10, int(args.rep_us / ((clock() - start) / 1000.0 / args.warmup)))

        wall = {c[:2]: [] for c in cases}
        cpu = {c[:2]: [] for c in cases}
        for _ in range(args.reps):
            for name, variant, call, _ in cases:
                n = iters[(name, variant)]
                loop = range(n)
                cpu0 = cpu_clock()
                start = clock()
                for _ in loop:
                    call()
                end = clock()
                cpu[(name, variant)].append((cpu_clock() - cpu0) / 1000.0 / n)
                wall[(name, variant)].append((end - start) / 1000.0 / n)

    for name, variant, _, checksum in cases:
        times = sorted(wall[(name, variant)])
        cpu_times = sorted(cpu[(name, variant)])
        print(json.dumps({
            "side": "pytorch", "case": name, "variant": variant, "threads": torch.get_num_threads(),
            "median_us": round(times[len(times) // 2], 3), "min_us": round(times[0], 3),
            "cpu_median_us": round(cpu_times[len(cpu_times) // 2], 3),
            "reps": args.reps, "iters": iters[(name, variant)], "checksum": checksum, "libtorch": torch.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
