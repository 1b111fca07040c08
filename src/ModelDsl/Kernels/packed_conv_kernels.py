"""Writes PackedConvKernels.pt, the TorchScript module a folded convolution computes with once its weight is prepacked.

Run with Debian's PyTorch 1.13 (the interpreter that has torch), from the repository root:

    /usr/bin/python3 src/ModelDsl/Kernels/packed_conv_kernels.py src/ModelDsl/Kernels/PackedConvKernels.pt

What it is for: libtorch's eager convolution hands oneDNN a dense (channels-last) weight, which oneDNN reorders into
its blocked layout at every call. For a large weight that copy is a measurable share of the call (at 512 channels,
3x3, batch 8, 7x7: 4.15 ms against 3.47 ms prepacked, docs/benchmarks.md section 1). Reordering once and convolving
with the opaque oneDNN weight is what PyTorch 2's inductor does when it freezes a model: mkldnn_reorder_conv2d_weight
with the input's size, then the mkldnn::_convolution_pointwise operator.

Why a saved module, and why a substitution: TorchSharp cannot name mkldnn:: operators (a torch.jit.compile script
that calls one aborts the process), while a module saved by PyTorch carries the call in its serialised code, which
libtorch 2.10 compiles when it loads the file. PyTorch 1.13 has no mkldnn::_convolution_pointwise and no input_size
argument on mkldnn_reorder_conv2d_weight, so it cannot script the calls themselves. The class below scripts the same
methods with 1.13's operators (mkldnn_convolution, then relu or clamp; the reorder without input_size), and BODIES
replaces each method's body in the saved code with the libtorch 2 call; each method must be found exactly once. The
fused methods apply the activation in the convolution's kernel (oneDNN's post-op), so the output is written once.
The module holds no state: one instance serves every convolution. Only names declared here are ever invoked from C#
(invoking a missing method crashes the process); the tests call each of them and compare the embedded file with what
this writes, byte for byte.
"""
import os
import sys
import tempfile
import zipfile

import torch


class PackedConvKernels(torch.nn.Module):
    """A 2-d convolution with its weight in oneDNN's blocked layout. Every geometry argument is a pair (h, w) passed as
    two ints, since TorchSharp cannot pass a list to a TorchScript method."""

    @torch.jit.export
    def pack(self, weight: torch.Tensor, stride_h: int, stride_w: int, pad_h: int, pad_w: int, dilation_h: int,
             dilation_w: int, groups: int, n: int, c: int, h: int, w: int) -> torch.Tensor:
        """float32 weight [out, in/groups, kh, kw] -> oneDNN's blocked layout for an input [n, c, h, w]."""
        return torch._C._nn.mkldnn_reorder_conv2d_weight(weight.to_mkldnn(), [pad_h, pad_w], [stride_h, stride_w],
                                                         [dilation_h, dilation_w], groups)

    @torch.jit.export
    def conv(self, x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor, stride_h: int, stride_w: int, pad_h: int,
             pad_w: int, dilation_h: int, dilation_w: int, groups: int) -> torch.Tensor:
        """float32 x [n, c, h, w] (any memory format; the output keeps it) convolved with a packed weight, plus bias."""
        return torch.mkldnn_convolution(x, packed, bias, [pad_h, pad_w], [stride_h, stride_w],
                                        [dilation_h, dilation_w], groups)

    @torch.jit.export
    def conv_relu(self, x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor, stride_h: int, stride_w: int,
                  pad_h: int, pad_w: int, dilation_h: int, dilation_w: int, groups: int) -> torch.Tensor:
        """conv, then ReLU in the same kernel (oneDNN's eltwise post-op): the output is written once."""
        return torch.relu(torch.mkldnn_convolution(x, packed, bias, [pad_h, pad_w], [stride_h, stride_w],
                                                   [dilation_h, dilation_w], groups))

    @torch.jit.export
    def conv_hardtanh(self, x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor, stride_h: int, stride_w: int,
                      pad_h: int, pad_w: int, dilation_h: int, dilation_w: int, groups: int, min_val: float,
                      max_val: float) -> torch.Tensor:
        """conv, then clamping to [min_val, max_val] in the same kernel (ReLU6 is 0, 6)."""
        return torch.clamp(torch.mkldnn_convolution(x, packed, bias, [pad_h, pad_w], [stride_h, stride_w],
                                                    [dilation_h, dilation_w], groups), min_val, max_val)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


_GEOMETRY = "[pad_h, pad_w], [stride_h, stride_w], [dilation_h, dilation_w], groups"
_NO_SCALARS = "annotate(List[Optional[number]], [])"

# Each method's body in libtorch 2's operators, replacing what 1.13 saved for it. A post-op's scalars are its arguments
# (none for "none" and "relu", the bounds for "hardtanh"); no algorithm.
BODIES = {
    "pack": f"torch.mkldnn_reorder_conv2d_weight(torch.to_mkldnn(weight), {_GEOMETRY}, [n, c, h, w])",
    "conv": f'ops.mkldnn._convolution_pointwise(x, packed, bias, {_GEOMETRY}, "none", {_NO_SCALARS}, None)',
    "conv_relu": f'ops.mkldnn._convolution_pointwise(x, packed, bias, {_GEOMETRY}, "relu", {_NO_SCALARS}, None)',
    "conv_hardtanh": f'ops.mkldnn._convolution_pointwise(x, packed, bias, {_GEOMETRY}, "hardtanh", '
                     'annotate(List[Optional[number]], [min_val, max_val]), None)',
}


def substitute(code):
    """Replaces the body of each method in BODIES (the lines after its `) -> Tensor:` up to the next method) with a
    return of its libtorch 2 expression; each method must be found exactly once."""
    lines = code.split("\n")
    out = []
    i = 0
    found = set()
    while i < len(lines):
        line = lines[i]
        name = line.strip()[4:].split("(")[0] if line.startswith("  def ") else None
        out.append(line)
        i += 1
        if name not in BODIES:
            continue
        if name in found:
            sys.exit(f"packed_conv_kernels.py: method {name} saved twice")
        found.add(name)
        while not out[-1].endswith(") -> Tensor:"):
            out.append(lines[i])
            i += 1
        while i < len(lines) and lines[i].startswith("    "):
            i += 1
        out.append(f"    return {BODIES[name]}")
    missing = set(BODIES) - found
    if missing:
        sys.exit(f"packed_conv_kernels.py: methods {sorted(missing)} not in the saved code")
    return "\n".join(out)


def write(path):
    # torch names the archive's folder after the file, so 1.13's copy is saved under the class's name.
    with tempfile.TemporaryDirectory() as directory:
        scripted = os.path.join(directory, "PackedConvKernels.pt")
        torch.jit.script(PackedConvKernels()).save(scripted)
        rewrite(scripted, path)


def rewrite(scripted, path):
    with zipfile.ZipFile(scripted) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            # The debug tables map 1.13's code positions, which the substitution moved; libtorch loads without them.
            if info.filename.endswith(".debug_pkl"):
                continue
            data = source.read(info.filename)
            if info.filename.endswith("/code/__torch__.py"):
                data = substitute(data.decode()).encode()
            target.writestr(info, data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: packed_conv_kernels.py OUTPUT.pt")
    write(sys.argv[1])
