"""For each safetensors file listed in LIST (one path a line), what the independent reader safetensors_io.py sees:
a JSON object path -> {name: "DTYPE [shape] sha256-of-bytes"} or path -> "error: ..." when it rejects the file.

Usage: safetensors_hashes.py LIST
"""
import hashlib
import json
import sys

from safetensors_io import _read, _CODE


def describe(path):
    tensors, _, data = _read(path)
    result = {}
    for name, (dtype, shape, begin, end) in tensors.items():
        digest = hashlib.sha256(bytes(data[begin:end])).hexdigest()
        result[name] = f"{_CODE[dtype]} [{', '.join(str(s) for s in shape)}] {digest}"
    return result


def main(listing):
    report = {}
    with open(listing) as f:
        for path in (line.strip() for line in f):
            if not path:
                continue
            try:
                report[path] = describe(path)
            except ValueError as e:
                report[path] = f"error: {e}"
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
