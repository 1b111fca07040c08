"""Weights crossing between PyTorch 1.13 and ModelDsl's TorchSharp runtime, as safetensors and as torch.save files.

  weights_interop.py write DIR   seeded model -> DIR/py.safetensors, DIR/py.pt, DIR/py_io.safetensors (input, eval output)
  weights_interop.py check DIR   DIR/cs.safetensors and DIR/cs.pt (written by C#: every floating tensor of py.* doubled)
                                 must load strictly, equal 2 * py.* bit for bit, and reproduce DIR/cs_output.safetensors.
Exits non-zero with a message on any mismatch; prints the max |diff| of the outputs.
"""
import json
import os
import sys

import torch
import torch.nn as nn

from safetensors_io import load_file, save_file


def make():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))


def write(directory):
    torch.manual_seed(7)
    model = make()
    with torch.no_grad():
        model[1].running_mean.copy_(torch.randn(4) * 0.1)
        model[1].running_var.copy_(torch.rand(4) + 0.5)
        model[1].num_batches_tracked.fill_(3)
    model.eval()
    save_file(model.state_dict(), os.path.join(directory, "py.safetensors"))
    torch.save(model.state_dict(), os.path.join(directory, "py.pt"))
    x = torch.randn(2, 3, 8, 8)
    save_file({"input": x, "output": model(x).detach()}, os.path.join(directory, "py_io.safetensors"))


def check(directory):
    original = load_file(os.path.join(directory, "py.safetensors"))
    x = load_file(os.path.join(directory, "py_io.safetensors"))["input"]
    expected = load_file(os.path.join(directory, "cs_output.safetensors"))["output"]
    report = {}
    for name, read in [("cs.safetensors", load_file), ("cs.pt", torch.load)]:
        state = read(os.path.join(directory, name))
        model = make()
        model.load_state_dict(state, strict=True)
        for key, value in original.items():
            want = value * 2 if value.is_floating_point() else value
            if state[key].dtype != want.dtype or not torch.equal(state[key], want):
                sys.exit(f"{name}: {key} is not 2 x py.safetensors' {key}")
        model.eval()
        diff = (model(x) - expected).abs().max().item()
        if not torch.allclose(model(x), expected, rtol=1e-5, atol=1e-5):
            sys.exit(f"{name}: output differs from C#'s by {diff}")
        report[name] = diff
    print(json.dumps(report))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
