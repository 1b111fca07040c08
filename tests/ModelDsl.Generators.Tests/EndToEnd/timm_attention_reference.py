"""A timm-style pre-norm ViT block (attention's projections named `qkv` and `proj`, not nn.MultiheadAttention's
`in_proj_weight` and `out_proj`) as the reference for the DSL's renamed attention parts.

The classes follow the layout of timm's vision_transformer.Attention / Block / Mlp (timm is not installed here), written
out so that the packed projection's order (q, k, v, each head's columns in turn) is the one such checkpoints have.

Usage: timm_attention_reference.py <folder>; writes, in the format of safetensors_io.py,
  block.safetensors  the block's state dict under "block." and block_io.safetensors (an input and its output);
  causal.safetensors a causal attention of the same layout under "attn." and causal_io.safetensors.
"""
import os
import sys

import torch
from torch import nn

from safetensors_io import save_file


class Attention(nn.Module):
    def __init__(self, dim, heads, causal=False):
        super().__init__()
        self.heads = heads
        self.causal = causal
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5
        if self.causal:
            attn = attn.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def write(module, prefix, x, folder, name):
    module.eval()
    with torch.no_grad():
        y = module(x)
    save_file({prefix + k: v.contiguous() for k, v in module.state_dict().items()}, os.path.join(folder, name + ".safetensors"))
    save_file({"input": x, "output": y}, os.path.join(folder, name + "_io.safetensors"))


def main(folder):
    torch.manual_seed(0)
    block = Block(32, 4)
    # Non-zero LayerNorm affines, so that a swapped weight/bias or norm would show.
    with torch.no_grad():
        for norm in (block.norm1, block.norm2):
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)
    write(block, "block.", torch.randn(3, 10, 32), folder, "block")
    write(Attention(32, 4, causal=True), "attn.", torch.randn(2, 7, 32), folder, "causal")


if __name__ == "__main__":
    main(sys.argv[1])
