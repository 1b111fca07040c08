"""Checks the file the C# test SafeTensorsTests.CSharp_file_loads_in_python wrote.

usage: safetensors_check_written.py FILE.safetensors

The expected tensors are built here, independently of the C# side; any mismatch exits non-zero with a message.
Then the loaded tensors are saved again with this module's writer, which follows the reference layout: the
bytes must equal the C# file (same padding, order and JSON).
"""

import math
import os
import sys
import tempfile

import torch

from safetensors_io import load_file, load_metadata, save_file


def expected_tensors():
    return {
        "a.f64": torch.tensor([[0.5, -1.25, 3.0], [1e300, -0.0, 5e-324]], dtype=torch.float64),
        "b.f32.transposed": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
        "c.f16": torch.tensor([1.0, -2.0, 0.5, 65504.0], dtype=torch.float16),
        "d.bf16": torch.tensor([[1.0, -2.0], [math.inf, 2.0 ** -133]], dtype=torch.bfloat16),
        "e.i64": torch.tensor([-2**63, -1, 0, 2**63 - 1], dtype=torch.int64),
        "f.i32": torch.arange(-3, 3, dtype=torch.int32),
        "g.i16": torch.tensor([-32768, 7, 32767], dtype=torch.int16),
        "h.i8": torch.tensor([[-128], [0], [127]], dtype=torch.int8),
        "i.u8": torch.tensor([0, 128, 255], dtype=torch.uint8),
        "j.bool": torch.tensor([[True, False], [False, True]]),
        "k.scalar": torch.tensor(3.5, dtype=torch.float32),
        "l.empty": torch.zeros(0, 4, dtype=torch.float32),
    }


def same_bits(a, b):
    # Byte comparison: tells -0.0 from 0.0 and compares NaNs, which torch.equal would not.
    if a.numel() == 0:
        return True
    return torch.equal(a.contiguous().reshape(-1).view(torch.uint8), b.contiguous().reshape(-1).view(torch.uint8))


def main(path):
    loaded = load_file(path)
    expected = expected_tensors()
    problems = []
    if sorted(loaded) != sorted(expected):
        problems.append(f"names: got {sorted(loaded)}, expected {sorted(expected)}")
    for name, want in expected.items():
        got = loaded.get(name)
        if got is None:
            continue
        if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape):
            problems.append(f"{name}: got {got.dtype} {tuple(got.shape)}, expected {want.dtype} {tuple(want.shape)}")
        elif not same_bits(got, want):
            problems.append(f"{name}: values differ\n  got      {got}\n  expected {want}")
    metadata = load_metadata(path)
    if metadata != {"written_by": "ModelDsl", "format": "pt"}:
        problems.append(f"metadata: got {metadata}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)

    fd, again = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    try:
        save_file(loaded, again, metadata=metadata)
        with open(path, "rb") as f, open(again, "rb") as g:
            ours, reference = f.read(), g.read()
    finally:
        os.remove(again)
    if ours != reference:
        header = lambda blob: blob[8:8 + int.from_bytes(blob[:8], "little")]
        print(f"C# file differs from the reference layout\n  C#:     {header(ours)!r}\n  Python: {header(reference)!r}",
              file=sys.stderr)
        sys.exit(1)
    print(f"ok: {len(loaded)} tensors")


if __name__ == "__main__":
    main(*sys.argv[1:])
