"""Weights for the package consumer's Mlp, from PyTorch 1.13: the same layers under the same state-dict names.

  consumer_weights.py DIR   seeded model -> DIR/mlp.safetensors (its state dict), DIR/io.safetensors (an input, PyTorch's output)
"""
import os
import sys

import torch
import torch.nn as nn

from safetensors_io import save_file


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(784, 128), nn.ReLU())
        self.output = nn.Linear(128, 10)

    def forward(self, x):
        return self.output(self.hidden(x))


if __name__ == "__main__":
    directory = sys.argv[1]
    torch.manual_seed(21)
    model = Mlp().eval()
    save_file(model.state_dict(), os.path.join(directory, "mlp.safetensors"))
    x = torch.randn(3, 784)
    with torch.no_grad():
        save_file({"input": x, "output": model(x)}, os.path.join(directory, "io.safetensors"))
