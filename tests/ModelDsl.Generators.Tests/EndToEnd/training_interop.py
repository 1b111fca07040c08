"""PyTorch 1.13's side of TrainingTests: the same network as the generated TrainableCnn, built by hand from torch.nn
under the same state-dict names, so a weights file means the same thing on both sides.

  training_interop.py write DIR   seeded PyTorch model, trained a few steps with AdamW (running statistics move) ->
                                  DIR/py.safetensors (safetensors_io.py), DIR/py.pt (torch.save),
                                  DIR/py_io.safetensors (an input and PyTorch's eval output for it)
  training_interop.py check DIR   DIR/cs.safetensors and DIR/cs.pt (written by C#) must load strictly and agree bit for
                                  bit; prints JSON: every tensor's dtype, shape and values as PyTorch read them, and
                                  PyTorch's eval output for DIR/cs_input.safetensors' input
Exits non-zero with a message on any mismatch.
"""
import json
import os
import sys

import torch
import torch.nn as nn

from safetensors_io import load_file, save_file


class TrainableCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.down = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.pool(self.down(self.features(x))))


def write(directory):
    torch.manual_seed(11)
    model = TrainableCnn()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    x = torch.randn(16, 1, 8, 8)
    labels = torch.randint(0, 10, (16,))
    model.train()
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), labels).backward()
        optimizer.step()
    model.eval()
    save_file(model.state_dict(), os.path.join(directory, "py.safetensors"))
    torch.save(model.state_dict(), os.path.join(directory, "py.pt"))
    probe = torch.randn(4, 1, 8, 8)
    with torch.no_grad():
        save_file({"input": probe, "output": model(probe)}, os.path.join(directory, "py_io.safetensors"))


def values(tensor):
    # float32 -> Python float is exact and json writes the shortest repr that round-trips, so C# can compare bits.
    return tensor.reshape(-1).tolist()


def check(directory):
    from_safetensors = load_file(os.path.join(directory, "cs.safetensors"))
    from_pickle = torch.load(os.path.join(directory, "cs.pt"))
    if sorted(from_pickle) != sorted(from_safetensors):
        sys.exit(f"cs.pt has keys {sorted(from_pickle)}, cs.safetensors {sorted(from_safetensors)}")
    for key, value in from_safetensors.items():
        if from_pickle[key].dtype != value.dtype or not torch.equal(from_pickle[key], value):
            sys.exit(f"{key}: cs.pt and cs.safetensors disagree")
    model = TrainableCnn()
    model.load_state_dict(from_safetensors, strict=True)
    model.eval()
    probe = load_file(os.path.join(directory, "cs_input.safetensors"))["input"]
    with torch.no_grad():
        output = model(probe)
    report = {
        "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": values(v)} for k, v in from_safetensors.items()},
        "output": values(output),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
