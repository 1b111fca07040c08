"""Counts a torchvision model's MACs and parameters in PyTorch, independently of the DSL's cost rules.

usage: torchvision_cost.py MODEL [SIZE]

Runs torchvision.models.MODEL() in eval mode on one 3xSIZExSIZE image (SIZE 224 by default) with forward hooks on every nn.Conv2d and
nn.Linear: a convolution does out_elements * (in_channels / groups) * kh * kw MACs, a linear out_elements *
in_features (torchvision's "GFLOPS" column counts these). Prints "macs=<n> params=<n>", the parameters as
sum(p.numel() for p in model.parameters()).
"""

import sys

import torch
import torchvision


def main(name, size=224):
    model = getattr(torchvision.models, name)().eval()
    macs = 0

    def conv(module, inputs, output):
        nonlocal macs
        kh, kw = module.kernel_size
        macs += output.numel() * (module.in_channels // module.groups) * kh * kw

    def linear(module, inputs, output):
        nonlocal macs
        macs += output.numel() * module.in_features

    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(conv)
        elif isinstance(module, torch.nn.Linear):
            module.register_forward_hook(linear)
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    params = sum(p.numel() for p in model.parameters())
    print(f"macs={macs} params={params}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 224)
