"""Exports a torchvision model with PyTorch 1.13's torch.onnx.export (opset 17, dynamic batch): the reference file."""
import sys

import torch
import torchvision

name, path = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = getattr(torchvision.models, name)().eval()
x = torch.randn(1, 3, 224, 224)
torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
