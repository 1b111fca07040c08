"""Reference values for ModelDsl's TorchSharp runtime's parity tests, computed by Debian's PyTorch 1.13.

Runs every case of the old runtime's layer_reference.py (same cases, same semantics, linked next to this file) and
adds what the TorchSharp runtime checks besides: default initialisation of the layers ModelDsl writes itself
(Mamba in mamba_simple's draw order, the token layers, RMSNorm, CausalSelfAttention) and a channels-last conv.
Keys follow layer_reference.py: "<case>.<role>[.<name>]".
Usage: torchsharp_reference.py OUTPUT.safetensors
"""
import math
import sys

import torch
import torch.nn as nn

import layer_reference as ref


class MambaInit(nn.Module):
    """mamba_simple.Mamba.__init__ in its order of random draws (the forward is layer_reference's)."""

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2, dt_min=0.001, dt_max=0.1, dt_init_floor=1e-4):
        super().__init__()
        self.d_inner, self.d_state = expand * d_model, d_state
        self.dt_rank = math.ceil(d_model / 16)
        self.in_proj = nn.Linear(d_model, 2 * self.d_inner, bias=False)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, d_conv, groups=self.d_inner, padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True)
        dt_init_std = self.dt_rank ** -0.5
        nn.init.uniform_(self.dt_proj.weight, -dt_init_std, dt_init_std)
        dt = torch.exp(torch.rand(self.d_inner) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)).clamp(min=dt_init_floor)
        inv_dt = dt + torch.log(-torch.expm1(-dt))
        with torch.no_grad():
            self.dt_proj.bias.copy_(inv_dt)
        A = torch.arange(1, d_state + 1, dtype=torch.float32).repeat(self.d_inner, 1).contiguous()
        self.A_log = nn.Parameter(torch.log(A))
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)


def init_case(case, make):
    torch.manual_seed(ref.INIT_SEED)
    layer = make()
    for key, value in layer.state_dict().items():
        ref.put(case, f"init.{key}", value)


def main(path):
    init_case("init_mamba", lambda: MambaInit(16, d_state=8))
    init_case("init_causal_self_attention", lambda: ref.CausalSelfAttention(16, 4, bias=True))
    init_case("init_patch_embedding", lambda: ref.PatchEmbedding(3, 8, 4))
    init_case("init_position_parameter", lambda: ref.PositionParameterHolder(7, 8))
    init_case("init_position_embedding", lambda: ref.PositionEmbedding(7, 8))
    init_case("init_class_token", lambda: ref.ClassTokenHolder(8))
    init_case("init_rmsnorm", lambda: ref.RMSNorm(10, 1e-6))
    init_case("init_conv1d", lambda: nn.Conv1d(4, 6, 3))
    init_case("init_layernorm", lambda: nn.LayerNorm(10))
    # A convolution whose input and weight are laid out channels-last must give the NCHW result.
    ref.layer_case("conv2d_channels_last", lambda: nn.Conv2d(3, 8, 3, padding=1), [ref.randn(40, 2, 3, 9, 9)])
    # Cross-attention: queries [2, 5, 16] over keys/values [2, 7, 16], the separate-projection path.
    ref.layer_case("mha_cross", lambda: nn.MultiheadAttention(16, 4, batch_first=True),
                   [ref.randn(41, 2, 5, 16), ref.randn(42, 2, 7, 16)], grad=True,
                   forward=lambda layer, q, kv: layer(q, kv, kv, need_weights=False)[0])
    # MobileNetV3's activations, and the norm options its and EfficientNet's blocks set (eps 1e-3, momentum 0.01).
    activations = ref.randn(43, 4, 10) * 4
    ref.layer_case("hardswish", nn.Hardswish, [activations], grad=True)
    ref.layer_case("hardsigmoid", nn.Hardsigmoid, [activations], grad=True)
    ref.layer_case("batchnorm2d_eps_momentum_train", lambda: nn.BatchNorm2d(4, eps=1e-3, momentum=0.01), [ref.randn(44, 3, 4, 5, 5)], train=True)
    ref.layer_case("groupnorm_eps", lambda: nn.GroupNorm(2, 6, eps=1e-3), [ref.randn(45, 2, 6, 4, 4)])
    ref.main(path)


if __name__ == "__main__":
    main(sys.argv[1])
