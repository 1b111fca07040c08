"""Where a batch-1 Linear spends its time in libtorch (PyTorch side only; see docs/benchmarks.md).

nn.Linear / at::linear on a [1, in] input runs addmm (a GEMM with one row); the same product as a
matrix-vector product (addmv, a GEMV) is another kernel. Prints median µs/call of each, JSON lines.

    /usr/bin/python3 benchmarks/linear_kernels.py
"""

import json
import time

import torch
import torch.nn.functional as F


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    reps, iters, warmup = 21, 2000, 2000
    cases = []
    with torch.no_grad():
        for n_in, n_out in [(64, 64), (256, 256)]:
            w, b, x = torch.randn(n_out, n_in), torch.randn(n_out), torch.randn(1, n_in)
            v = x[0]
            cases.append(("linear", n_in, n_out, lambda x=x, w=w, b=b: F.linear(x, w, b)))
            cases.append(("addmv", n_in, n_out, lambda v=v, w=w, b=b: torch.addmv(b, w, v)))
        for *_, call in cases:
            for _ in range(warmup):
                call()
        times = {c[:3]: [] for c in cases}
        # The kernels take turns within each repetition, so a noisy moment hits all of them.
        for _ in range(reps):
            for *key, call in cases:
                start = time.perf_counter_ns()
                for _ in range(iters):
                    call()
                times[tuple(key)].append((time.perf_counter_ns() - start) / 1000.0 / iters)
    for (name, n_in, n_out), t in times.items():
        t.sort()
        print(json.dumps({"kernel": name, "in": n_in, "out": n_out, "threads": torch.get_num_threads(),
                          "median_us": round(t[len(t) // 2], 3), "min_us": round(t[0], 3)}), flush=True)


if __name__ == "__main__":
    main()
