"""Counts a torchvision model's MACs and parameters in PyTorch, independently of the DSL's cost rules.

usage: torchvision_cost.py MODEL [SIZE]

Runs torchvision.models.MODEL() in eval mode on one 3xSIZExSIZE image (SIZE 224 by default) with forward hooks on every nn.Conv2d and
nn.Linear: a convolution does out_elements * (in_channels / groups) * kh * kw MACs, a linear out_elements *
in_features (torchvision's "GFLOPS" column counts these). Swin's window attention calls F.linear and matmul itself,
which no module hook sees: a hook on each ShiftedWindowAttention adds, per token of the map padded to whole windows,
C * 3C (qkv) + C * C (proj) + 2 * window² * C (QK^T and AV). Prints "macs=<n> params=<n>", the parameters as
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

    def window_attention(module, inputs, output):
        nonlocal macs
        _, height, width, channels = inputs[0].shape
        wh, ww = module.window_size
        tokens = (-(-height // wh) * wh) * (-(-width // ww) * ww)
        macs += tokens * (4 * channels * channels + 2 * wh * ww * channels)

    for module in model.modules():
        if isinstance(module, torchvision.models.swin_transformer.ShiftedWindowAttention):
            module.register_forward_hook(window_attention)
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
