"""Prints a safetensors file as read by safetensors_io, as JSON: {"metadata": {...}, "tensors": {name: {...}}}.

usage: safetensors_dump.py FILE.safetensors

Each tensor is described by its dtype code, shape and "bits": the elements' exact bit patterns as integers
(floats viewed as same-width signed integers, bools as 0/1), so that a reader in another language can compare
bits without parsing floats.
"""

import json
import sys

import torch

from safetensors_io import load_file, load_metadata

_BITS = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16, torch.bfloat16: torch.int16}
_CODES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
          torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def bits(tensor):
    flat = tensor.contiguous().reshape(-1)
    if tensor.dtype in _BITS:
        flat = flat.view(_BITS[tensor.dtype])
    return [int(v) for v in flat.tolist()]


def describe(tensors, metadata):
    return {
        "metadata": metadata,
        "tensors": {
            name: {"dtype": _CODES[t.dtype], "shape": list(t.shape), "bits": bits(t)}
            for name, t in tensors.items()
        },
    }


if __name__ == "__main__":
    path = sys.argv[1]
    json.dump(describe(load_file(path), load_metadata(path)), sys.stdout, ensure_ascii=False)
