"""The Hugging Face safetensors format with nothing but torch, json and struct.

An independent implementation for the parity tests (the `safetensors` package is not installed here), following
the reference semantics: an 8-byte little-endian header length, a UTF-8 JSON header padded with spaces to a
multiple of 8 bytes, then the tensors' raw little-endian row-major bytes, laid out by descending dtype alignment
and then name, without gaps. Any layout that tiles the data section exactly loads.

    from safetensors_io import save_file, load_file, load_metadata
"""

import json
import struct
import sys

import torch

# In the order of the reference implementation's Dtype enum (increasing alignment).
_DTYPES = [
    ("BOOL", torch.bool),
    ("U8", torch.uint8),
    ("I8", torch.int8),
    ("I16", torch.int16),
    ("F16", torch.float16),
    ("BF16", torch.bfloat16),
    ("I32", torch.int32),
    ("F32", torch.float32),
    ("F64", torch.float64),
    ("I64", torch.int64),
]
_CODE = {dtype: code for code, dtype in _DTYPES}
_TORCH = dict(_DTYPES)
_RANK = {code: rank for rank, (code, _) in enumerate(_DTYPES)}

MAX_HEADER_LENGTH = 100_000_000

if sys.byteorder != "little":
    raise ImportError("safetensors_io assumes a little-endian machine")


def save_file(tensors, path, metadata=None):
    """Writes a dict of name -> tensor (any device or layout) and optional str -> str metadata to `path`."""
    entries = []
    for name, tensor in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError(f"invalid tensor name {name!r}")
        if tensor.dtype not in _CODE:
            raise ValueError(f"tensor {name!r}: dtype {tensor.dtype} has no safetensors name here")
        entries.append((name, tensor.detach().cpu().contiguous()))
    entries.sort(key=lambda e: (-_RANK[_CODE[e[1].dtype]], e[0]))

    header = {}
    if metadata is not None:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"metadata must map str to str, got {key!r}: {value!r}")
        header["__metadata__"] = {key: metadata[key] for key in sorted(metadata)}
    offset = 0
    for name, tensor in entries:
        size = tensor.numel() * tensor.element_size()
        header[name] = {"dtype": _CODE[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        offset += size

    encoded = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    data = bytearray(offset)
    if offset:
        # A uint8 tensor over the bytearray lets torch copy each tensor's bytes in place (no numpy needed).
        out = torch.frombuffer(data, dtype=torch.uint8)
        for name, tensor in entries:
            begin, end = header[name]["data_offsets"]
            if end > begin:
                out[begin:end].copy_(tensor.reshape(-1).view(torch.uint8))
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        f.write(data)


def load_file(path):
    """Reads `path` into a dict of name -> CPU tensor (in name order); raises ValueError on a malformed file."""
    tensors, _, data = _read(path)
    result = {}
    for name in sorted(tensors):
        dtype, shape, begin, end = tensors[name]
        if end == begin:
            result[name] = torch.empty(shape, dtype=dtype)
        else:
            raw = torch.frombuffer(data, dtype=torch.uint8, count=end - begin, offset=begin).clone()
            result[name] = raw.view(dtype).reshape(shape)
    return result


def load_metadata(path):
    """The file's __metadata__ dict (empty when there is none)."""
    return _read(path)[1]


def _read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: file has {len(blob)} bytes, fewer than 8")
    (length,) = struct.unpack("<Q", blob[:8])
    if length > MAX_HEADER_LENGTH:
        raise ValueError(f"{path}: header length {length} exceeds {MAX_HEADER_LENGTH}")
    if 8 + length > len(blob):
        raise ValueError(f"{path}: header length {length} runs past the end of the file ({len(blob)} bytes)")
    try:
        header = json.loads(blob[8:8 + length].decode("utf-8"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"{path}: invalid header: {e}") from e
    if not isinstance(header, dict):
        raise ValueError(f"{path}: header is not a JSON object")

    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{path}: __metadata__ must map strings to strings")

    tensors = {}
    for name, info in header.items():
        if not isinstance(info, dict):
            raise ValueError(f"{path}: tensor {name!r}: entry is not an object")
        dtype = _TORCH.get(info.get("dtype"))
        shape = info.get("shape")
        offsets = info.get("data_offsets")
        if dtype is None:
            raise ValueError(f"{path}: tensor {name!r}: unknown dtype {info.get('dtype')!r}")
        if not _naturals(shape):
            raise ValueError(f"{path}: tensor {name!r}: bad shape {shape!r}")
        if not _naturals(offsets) or len(offsets) != 2 or offsets[1] < offsets[0]:
            raise ValueError(f"{path}: tensor {name!r}: bad data_offsets {offsets!r}")
        numel = 1
        for size in shape:
            numel *= size
        needed = numel * torch.empty((), dtype=dtype).element_size()
        if offsets[1] - offsets[0] != needed:
            raise ValueError(f"{path}: tensor {name!r}: data_offsets {offsets} hold {offsets[1] - offsets[0]} bytes, "
                             f"dtype and shape need {needed}")
        tensors[name] = (dtype, shape, offsets[0], offsets[1])

    data = bytearray(blob[8 + length:])
    expected = 0
    for name, (_, _, begin, end) in sorted(tensors.items(), key=lambda item: item[1][2:]):
        if begin != expected:
            raise ValueError(f"{path}: tensor {name!r} starts at byte {begin}, expected {expected} (gap or overlap)")
        expected = end
    if expected != len(data):
        raise ValueError(f"{path}: tensors cover {expected} bytes but the data section has {len(data)}")
    return tensors, metadata, data


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _naturals(values):
    # bool is a subclass of int in Python; JSON true is not a size.
    return isinstance(values, list) and all(type(v) is int and v >= 0 for v in values)
