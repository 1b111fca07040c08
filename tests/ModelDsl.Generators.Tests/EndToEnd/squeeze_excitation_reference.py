"""torchvision's SqueezeExcitation (MobileNetV3's gate, Hardsigmoid scale) as the reference for the DSL's multiplying residual.

Usage: squeeze_excitation_reference.py <folder>; writes weights.safetensors (the module's state dict under "se.") and
io.safetensors (an input batch and torchvision's output), in the format written by hand in safetensors_io.py.
"""
import os
import sys

import torch
from torch import nn
from torchvision.ops.misc import SqueezeExcitation

from safetensors_io import save_file


def main(folder):
    torch.manual_seed(0)
    se = SqueezeExcitation(16, 4, scale_activation=nn.Hardsigmoid).eval()
    x = torch.randn(2, 16, 8, 8)
    with torch.no_grad():
        y = se(x)
    save_file({"se." + k: v.contiguous() for k, v in se.state_dict().items()}, os.path.join(folder, "weights.safetensors"))
    save_file({"input": x, "output": y}, os.path.join(folder, "io.safetensors"))


if __name__ == "__main__":
    main(sys.argv[1])
