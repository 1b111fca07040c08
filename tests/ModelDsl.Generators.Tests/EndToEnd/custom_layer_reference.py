"""PyTorch's side of the custom-layer test: the same network as the DSL's CustomNet, written in PyTorch with
nn.ChannelShuffle and a per-channel scale parameter, as the reference for a model that uses a user's own modules.

Usage: custom_layer_reference.py <folder>; writes weights.safetensors (the state dict, CustomNet's names) and
io.safetensors (an input batch and PyTorch's output), in the format written by hand in safetensors_io.py.
"""
import os
import sys

import torch
from torch import nn

from safetensors_io import save_file


class ChannelScale(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.gamma = nn.Parameter(torch.randn(channels))

    def forward(self, x):
        return x * self.gamma.view(1, -1, 1, 1)


class CustomNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, padding=1)
        self.shuffle = nn.ChannelShuffle(2)
        self.scale = ChannelScale(8)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))

    def forward(self, x):
        return self.head(self.scale(self.shuffle(self.conv1(x))))


def main(folder):
    torch.manual_seed(0)
    net = CustomNet().eval()
    x = torch.randn(2, 4, 6, 6)
    with torch.no_grad():
        y = net(x)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, os.path.join(folder, "weights.safetensors"))
    save_file({"input": x, "output": y}, os.path.join(folder, "io.safetensors"))


if __name__ == "__main__":
    main(sys.argv[1])
