"""Reference outputs for ModelDsl's layer and op parity tests, computed by PyTorch.

Run by the C# tests (LayerParityTests, OpParityTests) with Debian's /usr/bin/python3, which has
python3-torch 1.13 on the same libtorch as ModelDsl. Writes one safetensors file whose keys are
"<case>.<role>[.<name>]":
  <case>.input / <case>.input.<i>   inputs
  <case>.param.<state-dict key>     the layer's state dict (weights loaded by the C# side)
  <case>.init.<state-dict key>      the layer's state dict right after construction under
                                    torch.manual_seed(INIT_SEED) (checks default initialisation)
  <case>.output                     the forward result
  <case>.grad_output                the upstream gradient fed to backward
  <case>.grad.input / .grad.<key>   gradients of the input and of the parameters
  <case>.after.<key>                buffers after the forward pass (batch-norm running statistics)
Usage: layer_reference.py OUTPUT.safetensors
"""
import sys

import torch
import torch.nn as nn

from torchvision.models.swin_transformer import PatchMerging, PatchMergingV2, ShiftedWindowAttentionV2
from torchvision.models.convnext import LayerNorm2d
from torchvision.ops.misc import Permute

from safetensors_io import save_file

INIT_SEED = 1234
DROPOUT_SEED = 77
out = {}


def randn(seed, *shape):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def put(case, role, value):
    out[f"{case}.{role}"] = value.detach().clone().contiguous()


def layer_case(case, make, inputs, train=False, grad=False, init=False, forward=None, seed=0):
    """Builds the layer, randomises its floating-point state, runs forward (and backward)."""
    torch.manual_seed(INIT_SEED)
    layer = make()
    if init:
        for key, value in layer.state_dict().items():
            put(case, f"init.{key}", value)
    # Replace every floating-point tensor with fresh values so the test does not depend on init;
    # matrices get a trained network's scale (std 1/sqrt(fan_in)) so activations stay in a realistic range.
    with torch.no_grad():
        for i, (key, value) in enumerate(layer.state_dict().items()):
            if value.is_floating_point():
                fresh = randn(1000 + 17 * i + seed, *value.shape)
                if value.dim() >= 2:
                    fresh = fresh / value[0].numel() ** 0.5
                if key.endswith("running_var"):
                    fresh = fresh.abs() + 0.5
                value.copy_(fresh)
    for key, value in layer.state_dict().items():
        put(case, f"param.{key}", value)
    layer.train(train)
    xs = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
    for i, x in enumerate(xs):
        put(case, "input" if len(xs) == 1 else f"input.{i}", x)
    if case.startswith("dropout"):
        torch.manual_seed(DROPOUT_SEED)
    y = forward(layer, *xs) if forward else layer(*xs)
    put(case, "output", y)
    if train:
        for key, value in layer.state_dict().items():
            put(case, f"after.{key}", value)
    if grad:
        g = randn(999, *y.shape)
        put(case, "grad_output", g)
        y.backward(g)
        for i, x in enumerate(xs):
            if x.grad is not None:
                put(case, "grad.input" if len(xs) == 1 else f"grad.input.{i}", x.grad)
        for key, p in layer.named_parameters():
            put(case, f"grad.{key}", p.grad)


class RMSNorm(nn.Module):
    """nn.RMSNorm arrived in PyTorch 2.4; this is its definition: x * rsqrt(mean(x^2) + eps) * weight."""

    def __init__(self, n, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Mamba(nn.Module):
    """mamba_simple.Mamba's parameters and its reference (non-fused) forward: selective_scan_ref."""

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2):
        super().__init__()
        self.d_inner, self.d_state = expand * d_model, d_state
        self.dt_rank = -(-d_model // 16)
        self.A_log = nn.Parameter(torch.empty(self.d_inner, d_state))
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.in_proj = nn.Linear(d_model, 2 * self.d_inner, bias=False)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, d_conv, groups=self.d_inner, padding=d_conv - 1)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True)
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)

    def forward(self, hidden):
        length = hidden.shape[1]
        xz = self.in_proj(hidden).transpose(1, 2)
        x, z = xz.chunk(2, dim=1)                                   # [B, E, L]
        x = nn.functional.silu(self.conv1d(x)[..., :length])
        x_dbl = self.x_proj(x.transpose(1, 2))                      # [B, L, r + 2N]
        dt, B, C = torch.split(x_dbl, [self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = (dt @ self.dt_proj.weight.t()).transpose(1, 2)      # [B, E, L]
        A = -torch.exp(self.A_log.float())
        return self.out_proj(selective_scan_ref(x, delta, A, B.transpose(1, 2), C.transpose(1, 2), self.D,
                                                z, self.dt_proj.bias).transpose(1, 2))


def selective_scan_ref(u, delta, A, B, C, D, z, delta_bias):
    """The reference scan of the Mamba paper's code (state-spaces/mamba, selective_scan_interface.py)."""
    delta = nn.functional.softplus(delta + delta_bias[..., None])
    deltaA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    deltaB_u = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    x = A.new_zeros((u.shape[0], A.shape[0], A.shape[1]))
    ys = []
    for i in range(u.shape[2]):
        x = deltaA[:, :, i] * x + deltaB_u[:, :, i]
        ys.append(torch.einsum("bdn,bn->bd", x, C[:, :, i]))
    y = torch.stack(ys, dim=2)
    out = y + u * D[:, None]
    return out * nn.functional.silu(z)


class CausalSelfAttention(nn.Module):
    """nanoGPT's CausalSelfAttention (the explicit-softmax path), bias configurable."""

    def __init__(self, n_embd, n_head, bias):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.n_head = n_head

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / k.size(-1) ** 0.5)
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        y = att.softmax(dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class PatchEmbedding(nn.Conv2d):
    """torchvision ViT's conv_proj followed by _process_input's reshape and permute."""

    def __init__(self, channels, dim, patch):
        super().__init__(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return super().forward(x).flatten(2).transpose(1, 2)


class LayerScaleHolder(nn.Module):
    """A bare layer_scale parameter multiplying its input, as torchvision's ConvNeXt CNBlock holds it ([C, 1, 1]) or timm's [D]."""

    def __init__(self, shape):
        super().__init__()
        self.layer_scale = nn.Parameter(torch.ones(*shape) * 1e-6)

    def forward(self, x):
        return x * self.layer_scale


class ClassTokenHolder(nn.Module):
    """A bare class_token parameter on the module, prepended as torchvision's VisionTransformer.forward does."""

    def __init__(self, dim):
        super().__init__()
        self.class_token = nn.Parameter(torch.zeros(1, 1, dim))

    def forward(self, x):
        return torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)


class PositionParameterHolder(nn.Module):
    """A bare pos_embedding parameter [1, max_len, D] added to the first T positions (torchvision's Encoder)."""

    def __init__(self, max_len, dim):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.empty(1, max_len, dim).normal_(std=0.02))

    def forward(self, x):
        return x + self.pos_embedding[:, : x.shape[1]]


class PositionEmbedding(nn.Embedding):
    """nanoGPT's wpe: x + wpe(arange(T))."""

    def forward(self, x):
        return x + super().forward(torch.arange(x.shape[1]))


class TakeToken(nn.Module):
    def __init__(self, index):
        super().__init__()
        self.index = index

    def forward(self, x):
        return x[:, self.index]


class TiedHead(nn.Module):
    """An embedding and a linear head sharing its weight (nanoGPT's wte / lm_head)."""

    def __init__(self, vocab, dim):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.wte.weight

    def forward(self, idx):
        return self.head(self.wte(idx))


def causal_self_attention(layer, x):
    n = x.shape[1]
    mask = torch.ones(n, n, dtype=torch.bool).triu(1)  # True = not allowed (PyTorch's bool mask convention)
    return layer(x, x, x, need_weights=False, attn_mask=mask)[0]


def main(path):
    x2 = randn(1, 4, 16)
    layer_case("linear", lambda: nn.Linear(16, 8), [x2], grad=True, init=True)
    layer_case("linear_nobias", lambda: nn.Linear(16, 8, bias=False), [randn(2, 2, 3, 16)])
    layer_case("conv1d", lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1), [randn(3, 2, 4, 17)], grad=True)
    layer_case("conv1d_depthwise", lambda: nn.Conv1d(6, 6, 4, padding=3, groups=6), [randn(4, 2, 6, 10)])
    layer_case("conv2d", lambda: nn.Conv2d(3, 8, 3, stride=2, padding=1), [randn(5, 2, 3, 11, 11)], grad=True, init=True)
    layer_case("conv2d_dilated_grouped", lambda: nn.Conv2d(8, 12, 3, padding=2, dilation=2, groups=4), [randn(6, 2, 8, 9, 9)])
    layer_case("conv2d_depthwise", lambda: nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), [randn(7, 1, 8, 6, 6)])
    layer_case("conv2d_rect", lambda: nn.Conv2d(3, 4, (3, 1), stride=(2, 1), padding=(1, 0)), [randn(8, 2, 3, 7, 5)])
    layer_case("batchnorm1d_train", lambda: nn.BatchNorm1d(6), [randn(9, 8, 6)], train=True, grad=True)
    layer_case("batchnorm1d_eval", lambda: nn.BatchNorm1d(6), [randn(10, 4, 6, 5)])
    layer_case("batchnorm2d_train", lambda: nn.BatchNorm2d(4, momentum=0.3), [randn(11, 3, 4, 5, 5)], train=True)
    layer_case("batchnorm2d_eval", lambda: nn.BatchNorm2d(4), [randn(12, 3, 4, 5, 5)])
    layer_case("layernorm", lambda: nn.LayerNorm(10), [randn(13, 3, 5, 10)], grad=True)
    layer_case("layernorm_2d_noaffine", lambda: nn.LayerNorm([5, 10], elementwise_affine=False), [randn(14, 3, 5, 10)])
    layer_case("groupnorm", lambda: nn.GroupNorm(2, 6), [randn(15, 2, 6, 4, 4)])
    layer_case("rmsnorm", lambda: RMSNorm(10, 1e-6), [randn(16, 3, 5, 10)])
    idx = torch.tensor([[0, 3, 5, 19, 2], [7, 0, 1, 1, 18], [4, 4, 9, 12, 0]], dtype=torch.int64)
    layer_case("embedding", lambda: nn.Embedding(20, 7, padding_idx=0), [idx], init=True)
    layer_case("dropout_train", lambda: nn.Dropout(0.3), [randn(17, 4, 64)], train=True)
    layer_case("dropout_eval", lambda: nn.Dropout(0.3), [randn(18, 4, 64)])
    layer_case("maxpool2d", lambda: nn.MaxPool2d(3, stride=2, padding=1), [randn(19, 2, 3, 9, 9)])
    layer_case("maxpool2d_ceil", lambda: nn.MaxPool2d(2, ceil_mode=True), [randn(20, 1, 2, 7, 7)])
    layer_case("avgpool2d", lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), [randn(21, 2, 3, 9, 9)])
    layer_case("adaptiveavgpool2d", lambda: nn.AdaptiveAvgPool2d((3, 2)), [randn(22, 2, 3, 7, 7)])
    layer_case("flatten", lambda: nn.Flatten(), [randn(23, 2, 3, 4, 5)])
    layer_case("identity", nn.Identity, [randn(23, 2, 3)])
    act = randn(24, 4, 10) * 3
    layer_case("relu", nn.ReLU, [act])
    layer_case("relu6", nn.ReLU6, [act])
    layer_case("gelu", nn.GELU, [act])
    layer_case("gelu_tanh", lambda: nn.GELU(approximate="tanh"), [act])
    layer_case("silu", nn.SiLU, [act])
    layer_case("sigmoid", nn.Sigmoid, [act])
    layer_case("tanh", nn.Tanh, [act])
    layer_case("softmax", lambda: nn.Softmax(dim=-1), [act])
    layer_case("logsoftmax", lambda: nn.LogSoftmax(dim=1), [act])
    mha = lambda: nn.MultiheadAttention(16, 4, batch_first=True)
    self_attention = lambda layer, x: layer(x, x, x, need_weights=False)[0]
    layer_case("mha", mha, [randn(25, 2, 5, 16)], grad=True, init=True, forward=self_attention)
    layer_case("mha_causal", mha, [randn(26, 2, 5, 16)], grad=True, forward=causal_self_attention)
    layer_case("mha_nobias", lambda: nn.MultiheadAttention(16, 2, bias=False, batch_first=True),
               [randn(27, 3, 4, 16)], forward=self_attention)
    layer_case("mamba", lambda: Mamba(16, d_state=8), [randn(29, 2, 12, 16)], grad=True)
    layer_case("causal_self_attention", lambda: CausalSelfAttention(16, 4, bias=True), [randn(30, 2, 6, 16)], grad=True)
    layer_case("causal_self_attention_nobias", lambda: CausalSelfAttention(16, 4, bias=False), [randn(31, 2, 6, 16)])
    layer_case("patch_embedding", lambda: PatchEmbedding(3, 8, 4), [randn(32, 2, 3, 8, 12)], grad=True)
    layer_case("class_token", lambda: ClassTokenHolder(8), [randn(33, 2, 5, 8)], grad=True)
    layer_case("position_parameter", lambda: PositionParameterHolder(7, 8), [randn(34, 2, 5, 8)], grad=True)
    layer_case("position_embedding", lambda: PositionEmbedding(7, 8), [randn(35, 2, 5, 8)], grad=True)
    layer_case("take_token", lambda: TakeToken(1), [randn(36, 2, 5, 8)], grad=True)
    layer_case("tied_linear", lambda: TiedHead(11, 8), [torch.tensor([[0, 3, 5, 10], [7, 0, 1, 2]], dtype=torch.int64)])
    layer_case("sequential", lambda: nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4)), [randn(28, 3, 8)], grad=True)
    # Swin's layers, torchvision's own modules: a map padded to whole windows and shifted (10x6, windows of 4, shift 2),
    # a window that covers the whole (padded) map, so no shift; patch merging over odd sizes (padded) and in V1's order.
    layer_case("swin_attention_padded_shifted", lambda: ShiftedWindowAttentionV2(16, [4, 4], [2, 2], 2), [randn(40, 2, 10, 6, 16)], grad=True)
    layer_case("swin_attention_window_covers_map", lambda: ShiftedWindowAttentionV2(16, [8, 8], [4, 4], 4), [randn(41, 2, 7, 7, 16)], grad=True)
    layer_case("patch_merging_v2_odd", lambda: PatchMergingV2(8), [randn(42, 2, 5, 7, 8)], grad=True)
    layer_case("patch_merging_v1", lambda: PatchMerging(8), [randn(43, 2, 4, 6, 8)], grad=True)
    layer_case("permute", lambda: Permute([0, 2, 3, 1]), [randn(44, 2, 3, 4, 5)], grad=True)
    layer_case("layer_scale_image", lambda: LayerScaleHolder([6, 1, 1]), [randn(46, 2, 6, 3, 5)], grad=True)
    layer_case("layer_scale_tokens", lambda: LayerScaleHolder([8]), [randn(47, 2, 5, 8)], grad=True)
    layer_case("layernorm2d", lambda: LayerNorm2d(6, eps=1e-6), [randn(45, 2, 6, 3, 5)], grad=True)

    ops()
    sgd()
    save_file(out, path)


def sgd():
    """Three steps of torch.optim.SGD (momentum 0.9, weight decay 0.01) and of AdamW on mean(linear(x)^2)."""
    layer = nn.Linear(4, 3)
    with torch.no_grad():
        layer.weight.copy_(randn(40, 3, 4) / 2)
        layer.bias.copy_(randn(41, 3))
    for key, value in layer.state_dict().items():
        put("sgd", f"param.{key}", value)
    x = randn(42, 5, 4)
    put("sgd", "input", x)
    initial = {k: v.clone() for k, v in layer.state_dict().items()}
    for name, make in [("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)),
                       ("adamw", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1))]:
        layer.load_state_dict(initial)
        opt = make(layer.parameters())
        for _ in range(3):
            opt.zero_grad()
            layer(x).pow(2).mean().backward()
            opt.step()
        for key, value in layer.state_dict().items():
            put(name, f"after.{key}", value)


def ops():
    """Tensor operations; the C# OpParityTests apply the same expressions to the same inputs."""
    a, b = randn(30, 3, 4, 5), randn(31, 4, 5)
    m1, m2 = randn(32, 2, 3, 4), randn(33, 2, 4, 6)
    for name, value in {"a": a, "b": b, "m1": m1, "m2": m2}.items():
        put("op", f"input.{name}", value)
    results = {
        "add_broadcast": a + b,
        "sub_scalar_mul": (a - 0.5) * b,
        "div": a / (b.abs() + 1),
        "rsub_rdiv": (2 - a) + 1 / (b.abs() + 1),
        "matmul_batched": m1 @ m2,
        "sum_dim": a.sum(1),
        "mean_keepdim": a.mean(dim=(0, 2), keepdim=True),
        "amax": a.amax(-1),
        "std": a.std(1),
        "exp_log": (a.exp() + 1).log(),
        "pow_sqrt": a.abs().pow(1.5).sqrt(),
        "transpose_reshape": a.transpose(0, 2).reshape(5, 12),
        "permute": a.permute(2, 0, 1).contiguous(),
        "cat": torch.cat([a, a * 2], dim=1),
        "stack": torch.stack([b, b + 1], dim=0),
        "where": torch.where(a > 0, a, b * 10),
        "slice_step": a[:, 1:3, ::2],
        "index_last": a[..., -1],
        "argmax": a.argmax(dim=2),
        "cumsum": a.cumsum(2),
        "clamp": a.clamp(-0.5, 0.5),
        "triu": m1.triu(1),
        "index_select": a.index_select(2, torch.tensor([4, 0, 2])),
        "softmax_dim0": a.softmax(0),
        "masked_fill": a.masked_fill(a < 0, -1.0),
    }
    for name, value in results.items():
        put("op", f"output.{name}", value)
    # Gradients through matmul and cross-entropy.
    x, y = m1.clone().requires_grad_(True), m2.clone().requires_grad_(True)
    (x @ y).pow(2).sum().backward()
    put("op", "grad.matmul.m1", x.grad)
    put("op", "grad.matmul.m2", y.grad)
    logits = randn(34, 5, 7).requires_grad_(True)
    target = torch.tensor([0, 6, 3, 3, 1])
    put("op", "input.logits", logits)
    put("op", "input.target", target)
    loss = nn.functional.cross_entropy(logits, target)
    loss.backward()
    put("op", "output.cross_entropy", loss)
    put("op", "grad.cross_entropy.logits", logits.grad)


if __name__ == "__main__":
    main(sys.argv[1])
