"""Writes Int8ConvKernels.pt, the TorchScript module Int8Conv2d computes its int8 convolution with.

Run with Debian's PyTorch 1.13 (the interpreter that has torch), from the repository root:

    /usr/bin/python3 src/ModelDsl/Kernels/int8_conv_kernels.py src/ModelDsl/Kernels/Int8ConvKernels.pt

Why a saved module: libtorch's int8 convolutions are the quantized:: operators, which TorchSharp cannot name (a
torch.jit.compile script that calls them aborts the process), while a module saved by PyTorch carries the calls in its
serialised code and libtorch 2.10 loads and runs it. The module holds no weights: ModelDsl loads one instance per
Int8Conv2d from the embedded file, hands it the stored int8 weight once (pack) and calls conv per forward. Only names
declared here are ever invoked from C# (invoking a missing method crashes the process); the tests call each of them.
"""
import sys
from typing import List

import torch


class Int8ConvKernels(torch.nn.Module):
    """One packed convolution: per-output-channel int8 weight, uint8 activations with static scales."""

    def __init__(self):
        super().__init__()
        # A list because the packed weight does not exist until pack() runs; it holds at most one entry.
        self.packed = torch.jit.Attribute([], List[torch.classes.quantized.Conv2dPackedParamsBase])

    @torch.jit.export
    def pack(self, weight: torch.Tensor, scales: torch.Tensor, bias: torch.Tensor,
             stride: int, padding: int, dilation: int, groups: int) -> int:
        """Packs int8 weight [out, in/groups, k, k] with float32 scales [out] (zero points 0) and float32 bias [out];
        returns the number of output channels packed. Replaces any earlier packed weight."""
        zero_points = torch.zeros(scales.shape, dtype=torch.long)
        quantized = torch._make_per_channel_quantized_tensor(weight, scales.to(torch.double), zero_points, 0)
        self.packed = [torch.ops.quantized.conv2d_prepack(
            quantized, bias, [stride, stride], [padding, padding], [dilation, dilation], groups)]
        return weight.size(0)

    @torch.jit.export
    def conv(self, x: torch.Tensor, input_scale: float, input_zero_point: int,
             output_scale: float, output_zero_point: int) -> torch.Tensor:
        """float32 x -> uint8 at the input scale -> int8 convolution -> uint8 at the output scale -> float32."""
        qx = torch.quantize_per_tensor(x, input_scale, input_zero_point, torch.quint8)
        return torch.ops.quantized.conv2d(qx, self.packed[0], output_scale, output_zero_point).dequantize()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: int8_conv_kernels.py OUTPUT.pt")
    torch.jit.script(Int8ConvKernels()).save(sys.argv[1])
