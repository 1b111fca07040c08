"""Op counts of ONNX Runtime's optimised graphs of our export and PyTorch's (files written by ModelDsl.OnnxSpeed optimized)."""
import collections
import sys

import onnx

for path in sys.argv[1:]:
    graph = onnx.load(path).graph
    ops = collections.Counter((n.domain or "ai.onnx") + ":" + n.op_type for n in graph.node)
    print(path.rsplit("/", 1)[-1], len(graph.node), "nodes:", ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))
