"""Writes Int8LinearKernels.pt, the TorchScript module Int8Linear computes its int8 matrix product with.

Run with Debian's PyTorch 1.13 (the interpreter that has torch), from the repository root:

    /usr/bin/python3 src/ModelDsl/Kernels/int8_linear_kernels.py src/ModelDsl/Kernels/Int8LinearKernels.pt

Why a saved module: libtorch's dynamic int8 Linear is the quantized::linear_dynamic operator (what PyTorch's
quantize_dynamic runs), which TorchSharp cannot name (a torch.jit.compile script that calls it aborts the process),
while a module saved by PyTorch carries the call in its serialised code and libtorch 2.10 loads and runs it. The aten
entry points a script can name (fbgemm_linear_int8_weight_fp32_activation) are deprecated, print a warning at their
first call and take one weight scale per tensor. The module holds no weights: ModelDsl loads one instance per
Int8Linear from the embedded file, hands it the stored int8 weight once (pack) and calls linear per forward. Only
names declared here are ever invoked from C# (invoking a missing method crashes the process); the tests call each.
"""
import sys
from typing import List

import torch


class Int8LinearKernels(torch.nn.Module):
    """One packed Linear: per-output-channel int8 weight, activations quantised per call over their own range."""

    def __init__(self):
        super().__init__()
        # A list because the packed weight does not exist until pack() runs; it holds at most one entry.
        self.packed = torch.jit.Attribute([], List[torch.classes.quantized.LinearPackedParamsBase])

    @torch.jit.export
    def pack(self, weight: torch.Tensor, scales: torch.Tensor, bias: torch.Tensor) -> int:
        """Packs int8 weight [out, in] with float32 scales [out] (zero points 0) and float32 bias [out]; returns the
        number of output channels packed. Replaces any earlier packed weight."""
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        quantized = torch._make_per_channel_quantized_tensor(weight, scales.to(torch.double), zero_points, 0)
        self.packed = [torch.ops.quantized.linear_prepack(quantized, bias)]
        return weight.size(0)

    @torch.jit.export
    def linear(self, x: torch.Tensor, reduce_range: bool) -> torch.Tensor:
        """float32 x [*, in] -> uint8 over x's own range (7 bits when reduce_range) -> int8 GEMM -> float32 [*, out]."""
        return torch.ops.quantized.linear_dynamic(x, self.packed[0], reduce_range)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: int8_linear_kernels.py OUTPUT.pt")
    torch.jit.script(Int8LinearKernels()).save(sys.argv[1])
