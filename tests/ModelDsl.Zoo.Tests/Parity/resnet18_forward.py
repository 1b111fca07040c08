"""Runs torchvision's resnet18 with the weights and input the C# parity test wrote.

usage: resnet18_forward.py WEIGHTS.safetensors INPUT.safetensors OUTPUT.safetensors

Loads WEIGHTS into torchvision.models.resnet18() with strict=True (so every name and shape must match), runs the
"input" tensor of INPUT in eval mode, and writes the logits as "output".
"""

import sys

import torch
import torchvision

from safetensors_io import load_file, save_file


def main(weights_path, input_path, output_path):
    model = torchvision.models.resnet18()
    model.load_state_dict(load_file(weights_path), strict=True)
    model.eval()
    with torch.no_grad():
        output = model(load_file(input_path)["input"])
    save_file({"output": output.contiguous()}, output_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
