"""PyTorch's side of zoo_speed.sh: eval-mode forward time of a torchvision model, one JSON line per layout.

ViT runs in the default layout only (a transformer has no convolution stack to re-lay); --threads 2 by default,
as the .NET sides.
"""
import argparse
import json
import time

import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument("--model", default="resnet18")
p.add_argument("--batch", type=int, default=8)
p.add_argument("--reps", type=int, default=10)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--layouts", default="")
a = p.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
layouts = a.layouts or ("nchw" if a.model.startswith("vit") else "channels_last,nchw")
model = getattr(torchvision.models, a.model)().eval()
torch.manual_seed(0)
nchw = torch.randn(a.batch, 3, 224, 224)
with torch.no_grad():
    for layout in layouts.split(","):
        if layout == "channels_last":
            model = model.to(memory_format=torch.channels_last)
            x = nchw.contiguous(memory_format=torch.channels_last)
        else:
            model = model.to(memory_format=torch.contiguous_format)
            x = nchw.contiguous()
        for _ in range(a.warmup):
            model(x)
        times = []
        for _ in range(a.reps):
            t = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(json.dumps({"side": "pytorch", "model": a.model, "layout": layout, "batch": a.batch,
                          "threads": torch.get_num_threads(),
                          "median_ms": times[len(times) // 2], "min_ms": times[0]}), flush=True)
