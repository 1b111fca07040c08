"""PyTorch 1.13 references for ModelDsl's Int8Conv2d and its embedded TorchScript kernels.

    int8_conv_reference.py schemas EMBEDDED.pt [conv|linear]
        Prints JSON {"script": {method: code}, "embedded": {method: code}}: TorchScript's compiled code of every method
        int8_conv_kernels.py (or, with "linear", int8_linear_kernels.py) declares, scripted afresh from the script, and
        of every method of the embedded file, so a test can prove the committed file is what the script writes (the
        saved zip itself is not byte-reproducible).

    int8_conv_reference.py conv IN OUT STRIDE PADDING DILATION GROUPS IN_SCALE IN_ZERO OUT_SCALE OUT_ZERO
        IN holds `weight` (int8 [out, in/groups, k, k]), `scale` (float32 [out]), `bias` (float32 [out]) and `x`
        (float32 [n, in, h, w]). OUT gets `y`: PyTorch's own quantised convolution (torch.ao.nn.quantized.functional.conv2d
        on Debian's onednn engine) of x quantised to quint8 at IN_SCALE/IN_ZERO, with the per-channel qint8 weight, its
        output requantised at OUT_SCALE/OUT_ZERO and dequantised.
"""

import json
import sys

import torch
import torch.ao.nn.quantized.functional as qF

from int8_conv_kernels import Int8ConvKernels
from int8_linear_kernels import Int8LinearKernels
from safetensors_io import load_file, save_file


def methods(module):
    return {name: getattr(module, name).code for name in module._c._method_names()}


def schemas(embedded, kind):
    script = torch.jit.script(Int8LinearKernels() if kind == "linear" else Int8ConvKernels())
    print(json.dumps({"script": methods(script), "embedded": methods(torch.jit.load(embedded))}))


def conv(source, target, stride, padding, dilation, groups, in_scale, in_zero, out_scale, out_zero):
    tensors = load_file(source)
    weight, scale, bias, x = tensors["weight"], tensors["scale"], tensors["bias"], tensors["x"]
    qweight = torch._make_per_channel_quantized_tensor(weight, scale.double(), torch.zeros(scale.shape, dtype=torch.long), 0)
    qx = torch.quantize_per_tensor(x, in_scale, in_zero, torch.quint8)
    y = qF.conv2d(qx, qweight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups,
                  scale=out_scale, zero_point=out_zero)
    save_file({"y": y.dequantize().contiguous()}, target)


if __name__ == "__main__":
    if sys.argv[1] == "schemas":
        schemas(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "conv")
    else:
        a = sys.argv
        conv(a[2], a[3], int(a[4]), int(a[5]), int(a[6]), int(a[7]), float(a[8]), int(a[9]), float(a[10]), int(a[11]))
