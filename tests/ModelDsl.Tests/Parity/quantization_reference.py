"""PyTorch 1.13's dynamic int8 quantisation of one Linear, as the reference for ModelDsl's Int8Linear.

    quantization_reference.py IN OUT

IN holds `weight` [out, in], `bias` [out] and `x` [n, in] (float32). OUT gets, from
torch.ao.quantization.quantize_dynamic with per_channel_dynamic_qconfig (symmetric per-channel qint8 weights, dynamic
activations) on Debian's engine (onednn; this build has no fbgemm): `q` (the int8 weight values, int_repr), `scale` [out] and `y` [n, out] (its output),
and `y_float` (the float32 output of the same Linear).
"""

import sys

import torch
import torch.nn as nn
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

from safetensors_io import load_file, save_file


def main(source, target):
    tensors = load_file(source)
    weight, bias, x = tensors["weight"], tensors["bias"], tensors["x"]
    model = nn.Sequential(nn.Linear(weight.shape[1], weight.shape[0]))
    with torch.no_grad():
        model[0].weight.copy_(weight)
        model[0].bias.copy_(bias)
        y_float = model(x)
    quantized = quantize_dynamic(model, qconfig_spec={nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
    packed_weight, _ = quantized[0]._packed_params._weight_bias()
    with torch.no_grad():
        y = quantized(x)
    save_file(
        {
            "q": packed_weight.int_repr().contiguous(),
            "scale": packed_weight.q_per_channel_scales().to(torch.float32).contiguous(),
            "y": y.contiguous(),
            "y_float": y_float.contiguous(),
        },
        target,
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
