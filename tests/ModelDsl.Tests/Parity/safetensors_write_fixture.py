"""Writes a safetensors file for the C# loader, plus the expected contents as JSON.

usage: safetensors_write_fixture.py OUT.safetensors EXPECTED.json

The expected contents are described from the in-memory tensors (see safetensors_dump.describe): exact bit
patterns as integers, so the C# side compares bits without going through our writer or its own float parsing.
"""

import json
import sys

import torch

from safetensors_dump import describe
from safetensors_io import save_file


def main(out_path, expected_path):
    nan_with_payload = torch.tensor([0x7FC00001], dtype=torch.int32).view(torch.float32)
    tensors = {
        "weight": torch.cat([
            torch.tensor([0.0, -0.0, 1.0 / 3.0, float("inf"), float("-inf"), 1e-45, 3.4e38], dtype=torch.float32),
            nan_with_payload,
        ]).reshape(2, 4),
        "half": torch.tensor([1.0, -0.0, 65504.0, 6e-8, float("inf"), -2.5], dtype=torch.float16).reshape(3, 2),
        "brain": torch.tensor([[1.0, -2.5], [3.0e38, 1e-40]], dtype=torch.bfloat16),
        "ids": torch.tensor([-2**63, 2**62 + 1, -1, 0, 2**63 - 1], dtype=torch.int64),
        "mask": torch.tensor([[True, False, True]]),
        "scalar": torch.tensor(2.75, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        # Non-contiguous on purpose: what is saved is the transposed values, row-major.
        "layer.0.transposed": torch.arange(6, dtype=torch.float32).reshape(2, 3).t(),
    }
    metadata = {"format": "pt", "note": "ünïcödé ✓ \"quoted\""}
    save_file(tensors, out_path, metadata=metadata)
    expected = describe(tensors, metadata)
    with open(expected_path, "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
