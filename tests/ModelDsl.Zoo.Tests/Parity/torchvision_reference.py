"""Exports a seeded torchvision model and its output on the C# test's input.

usage: torchvision_reference.py MODEL WEIGHTS.safetensors INPUT.safetensors OUTPUT.safetensors

Builds torchvision.models.MODEL() after torch.manual_seed(0) (torchvision's own random initialisation; ViT's zero-initialised
classifier head is redrawn from N(0, 0.02²) so its logits are not all 0; two training-mode batches give every batch
norm its own running statistics), writes its
state_dict to WEIGHTS, runs the "input" tensor of INPUT in eval mode and writes the logits as "output". The C# side
loads WEIGHTS strictly into the DSL model (every name matched, none missing or left over) and compares.
"""

import sys

import torch
import torchvision

from safetensors_io import load_file, save_file


def main(name, weights_path, input_path, output_path):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    if name.startswith("vit_"):
        # torchvision initialises ViT's classifier to zeros, which would make every logit 0 and the comparison
        # vacuous: draw it (seeded) like a trained head instead, so the logits depend on every layer before it.
        torch.nn.init.normal_(model.heads.head.weight, std=0.02)
        torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    # Freshly built, every batch norm holds the same statistics (0 and 1) and affine (1 and 0), so two of them
    # swapped by name would go unnoticed; a few training-mode batches make each one's running statistics its own.
    with torch.no_grad():
        model.train()
        for step in range(2):
            model(torch.randn(4, 3, 224, 224, generator=torch.Generator().manual_seed(100 + step)))
    model.eval()
    save_file(model.state_dict(), weights_path)
    with torch.no_grad():
        output = model(load_file(input_path)["input"])
    save_file({"output": output.contiguous()}, output_path)


if __name__ == "__main__":
    main(*sys.argv[1:5])
