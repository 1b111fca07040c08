"""A straightforward PyTorch implementation of nanoGPT's model.py (bias=False), seeded, with its logits.

usage: nanogpt_reference.py N_LAYER N_HEAD N_EMBD BLOCK_SIZE VOCAB WEIGHTS.safetensors OUTPUT.safetensors

nanoGPT is not installed; this follows its model.py (Karpathy, MIT): LayerNorm with optional bias,
CausalSelfAttention with c_attn/c_proj, MLP with c_fc/GELU/c_proj, Block with pre-norm residuals, GPT with
transformer.wte/wpe/drop/h/ln_f and lm_head tied to wte, its init (normal 0.02, c_proj 0.02/sqrt(2 n_layer)).
Attention is written out (softmax of masked q k^T / sqrt(d)) rather than through a fused kernel. After
torch.manual_seed(0) it writes the state_dict to WEIGHTS (lm_head.weight and transformer.wte.weight both, as
PyTorch lists a tied tensor under each name), draws seeded token ids [2, BLOCK_SIZE], and writes them as "input"
with the logits of every position ([2, T, V], nanoGPT's output when targets are given) as "output".
"""

import math
import sys

import torch
import torch.nn as nn
from torch.nn import functional as F

from safetensors_io import save_file


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.n_head = n_head
        self.n_embd = n_embd
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size), persistent=False)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd, bias):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd, bias)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, bias)
        self.ln_2 = LayerNorm(n_embd, bias)
        self.mlp = MLP(n_embd, bias)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, n_layer, n_head, n_embd, block_size, vocab_size, bias=False):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(vocab_size, n_embd),
                wpe=nn.Embedding(block_size, n_embd),
                drop=nn.Dropout(0.0),
                h=nn.ModuleList([Block(n_embd, n_head, block_size, bias) for _ in range(n_layer)]),
                ln_f=LayerNorm(n_embd, bias),
            )
        )
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        return self.lm_head(x)


def main(n_layer, n_head, n_embd, block_size, vocab, weights_path, output_path):
    n_layer, n_head, n_embd, block_size, vocab = map(int, (n_layer, n_head, n_embd, block_size, vocab))
    torch.manual_seed(0)
    model = GPT(n_layer, n_head, n_embd, block_size, vocab)
    model.eval()
    state = model.state_dict()
    assert "lm_head.weight" in state and "transformer.wte.weight" in state
    save_file(dict(state), weights_path)
    idx = torch.randint(0, vocab, (2, block_size), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        logits = model(idx)
    save_file({"input": idx, "output": logits.contiguous()}, output_path)


if __name__ == "__main__":
    main(*sys.argv[1:8])
