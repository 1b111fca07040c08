"""Where a batch-1 Linear spends its time in libtorch (PyTorch side only; see docs/benchmarks.md).

nn.Linear / at::linear on a [1, in] input runs addmm (a GEMM with one row); the same product as a
matrix-vector product (addmv, a GEMV) is another kernel. Prints median µs/call of each, JSON lines.

    /usr/bin/python3 benchmarks/linear_kernels.py
"""

import json
import time

import torch
import torch.nn.functional as F


def median_us(call, reps=21, iters=2000, warmup=2000):
    for _ in range(warmup):
        call()
    times = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        for _ in range(iters):
            call()
        times.append((time.perf_counter_ns() - start) / 1000.0 / iters)
    return sorted(times)[len(times) // 2]


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    with torch.no_grad():
        for n_in, n_out in [(64, 64), (256, 256)]:
            w, b, x = torch.randn(n_out, n_in), torch.randn(n_out), torch.randn(1, n_in)
            v = x[0]
            for name, call in [("linear", lambda: F.linear(x, w, b)), ("addmv", lambda: torch.addmv(b, w, v))]:
                print(json.dumps({"kernel": name, "in": n_in, "out": n_out, "threads": torch.get_num_threads(),
                                  "median_us": round(median_us(call), 3)}), flush=True)


if __name__ == "__main__":
    main()
