"""Runs torchvision's ViT encoder layers with the weights and input the C# parity test wrote.

usage: vit_encoder_forward.py WEIGHTS.safetensors INPUT.safetensors OUTPUT.safetensors

Builds vit_b_16's encoder stack (12 torchvision EncoderBlocks and a final LayerNorm, named layers.encoder_layer_N
and ln as in torchvision's Encoder, without its position embedding), loads WEIGHTS with strict=True, runs "input"
in eval mode and writes "output". The LayerNorms use ViT's eps of 1e-6, as torchvision.
"""

import sys
from collections import OrderedDict
from functools import partial

import torch
from torchvision.models.vision_transformer import EncoderBlock

from safetensors_io import load_file, save_file


def main(weights_path, input_path, output_path):
    layers = OrderedDict(
        (f"encoder_layer_{i}", EncoderBlock(12, 768, 3072, 0.0, 0.0, norm_layer=partial(torch.nn.LayerNorm, eps=1e-6))) for i in range(12)
    )
    model = torch.nn.Sequential(OrderedDict(layers=torch.nn.Sequential(layers), ln=torch.nn.LayerNorm(768, eps=1e-6)))
    model.load_state_dict(load_file(weights_path), strict=True)
    model.eval()
    with torch.no_grad():
        output = model(load_file(input_path)["input"])
    save_file({"output": output.contiguous()}, output_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
