"""PyTorch 1.13's own static int8 ResNet-18, the reference for ModelDsl's calibrated ResNet18Int8.

usage: resnet18_int8_reference.py WEIGHTS.safetensors INPUT.safetensors OUTPUT.safetensors

Builds torchvision's resnet18 as torchvision_reference.py does (seed 0, two training-mode batches for the batch-norm
statistics) and writes its state_dict to WEIGHTS. Then quantises the same weights the way PyTorch's eager-mode static
quantisation does (torchvision.models.quantization.resnet18: conv+bn(+relu) fused, the residual add and everything
between quantised): per-channel symmetric qint8 weights and MinMax-observed quint8 activations at 7 bits, ModelDsl's
own choices, calibrated on INPUT's "calibration" batch on Debian's onednn engine. OUTPUT gets "float" (the float32
logits) and "int8" (the int8 model's logits) on INPUT's "input".
"""

import sys

import torch
import torchvision
from torch.ao.quantization import MinMaxObserver, QConfig, convert, default_per_channel_weight_observer, prepare

from safetensors_io import load_file, save_file


def main(weights_path, input_path, output_path):
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    with torch.no_grad():
        model.train()
        for step in range(2):
            model(torch.randn(4, 3, 224, 224, generator=torch.Generator().manual_seed(100 + step)))
    model.eval()
    save_file(model.state_dict(), weights_path)
    tensors = load_file(input_path)

    quantized = torchvision.models.quantization.resnet18(quantize=False)
    quantized.load_state_dict(model.state_dict(), strict=True)
    quantized.eval()
    quantized.fuse_model()
    quantized.qconfig = QConfig(
        activation=MinMaxObserver.with_args(dtype=torch.quint8, reduce_range=True),
        weight=default_per_channel_weight_observer)
    torch.backends.quantized.engine = "onednn"
    prepare(quantized, inplace=True)
    with torch.no_grad():
        quantized(tensors["calibration"])
    convert(quantized, inplace=True)
    with torch.no_grad():
        expected = model(tensors["input"])
        int8 = quantized(tensors["input"])
    save_file({"float": expected.contiguous(), "int8": int8.contiguous()}, output_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
