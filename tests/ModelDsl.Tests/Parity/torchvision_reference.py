"""Exports a seeded torchvision model for ModelDsl's zoo parity tests.

Usage: torchvision_reference.py MODEL OUTPUT.safetensors [BATCH]
MODEL is a torchvision.models constructor name (resnet18, mobilenet_v2, vit_b_16, ...).
Writes "state.<state-dict key>" for every tensor of the model's state dict (after seeding with
torch.manual_seed(0) and one training-mode forward so batch-norm statistics are not trivial),
"input" (seeded N(0,1) images [BATCH, 3, 224, 224]) and "output" (eval-mode logits).
"""
import sys

import torch
import torchvision

from safetensors_io import save_file


def main(name, path, batch=2):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    # One training step's worth of batch statistics makes running_mean/var differ from 0/1,
    # so a name mismatch between two batch-norm layers cannot go unnoticed.
    with torch.no_grad():
        model.train()
        model(torch.randn(4, 3, 224, 224, generator=torch.Generator().manual_seed(1)))
    model.eval()
    x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        y = model(x)
    tensors = {f"state.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    tensors["input"] = x
    tensors["output"] = y
    save_file(tensors, path, metadata={"model": name, "torchvision": torchvision.__version__})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
